"""Small pieces every page shows: the demo notice and the data source line."""
from __future__ import annotations

import streamlit as st

from dashboard.data import Atlas


def demo_notice(atlas: Atlas) -> None:
    """Say plainly when what is shown is demonstration or synthetic data."""
    if atlas.documents["is_demo"].any():
        st.info("Показаны демонстрационные данные: события, документы и таблицы вымышлены и служат для знакомства с атласом.", icon="ℹ️")


def source_caption(atlas: Atlas) -> None:
    documents = atlas.documents
    st.caption(
        f"Источник: {len(documents)} документов и таблиц в хранилище; регионы — коды ISO 3166-2; "
        "населённые пункты — GeoNames (CC BY 4.0)."
    )
