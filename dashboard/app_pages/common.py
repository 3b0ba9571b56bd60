"""Small pieces every page shows: the demo notice and the data source line."""

from __future__ import annotations

import io

import pandas as pd
import streamlit as st

from dashboard.data import Atlas


def demo_notice(atlas: Atlas) -> None:
    """Say plainly when what is shown is demonstration or synthetic data."""
    if atlas.documents["is_demo"].any():
        st.info(
            "Показаны демонстрационные данные: события, документы и таблицы вымышлены и служат для знакомства с атласом.",
            icon="ℹ️",
        )


def source_caption(atlas: Atlas) -> None:
    documents = atlas.documents
    st.caption(
        f"Источник: {len(documents)} документов и таблиц в хранилище; регионы — коды ISO 3166-2; "
        "населённые пункты — GeoNames (CC BY 4.0)."
    )


def _xlsx_bytes(frame: pd.DataFrame) -> bytes:
    buffer = io.BytesIO()
    frame.to_excel(buffer, index=False, engine="openpyxl")
    return buffer.getvalue()


def download_buttons(frame: pd.DataFrame, name: str, key: str) -> None:
    """CSV and XLSX of exactly the frame shown; built only when clicked."""
    left, right = st.columns(2)
    left.download_button(
        "CSV",
        lambda: frame.to_csv(index=False).encode("utf-8-sig"),
        file_name=f"{name}.csv",
        mime="text/csv",
        key=f"{key}_csv",
        on_click="ignore",
    )
    right.download_button(
        "XLSX",
        lambda: _xlsx_bytes(frame),
        file_name=f"{name}.xlsx",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        key=f"{key}_xlsx",
        on_click="ignore",
    )


def url_choice(key: str, param: str, options: list, default) -> None:
    """Seed a widget's state from the URL once per session, so a copied link reopens the same view."""
    if key not in st.session_state:
        wanted = st.query_params.get(param)
        st.session_state[key] = wanted if wanted in options else default


def mirror_to_url(param: str, value) -> None:
    if value is None:
        if param in st.query_params:
            del st.query_params[param]
    elif st.query_params.get(param) != str(value):
        st.query_params[param] = str(value)
