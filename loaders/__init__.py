"""Activity Atlas loaders: parse → extract → geocode → validate → store (no Streamlit here)."""
