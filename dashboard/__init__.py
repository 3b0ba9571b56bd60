"""Activity Atlas dashboard (Streamlit)."""
