"""Small pieces every page shows: the demo notice, the source line and the downloads."""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from dashboard import data, filters
from dashboard.presentation import about_lines, csv_bytes, readable, xlsx_bytes

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def demo_notice(atlas=None) -> None:
    """Say plainly when what is shown includes demonstration data (demo rows in the current view;
    asked of the store). `atlas` is not read any more: kept so older callers keep working."""
    catalogue = data.load_catalogue()
    if catalogue is None:
        return
    if data.query_demo_in_view(filters.current_view(), catalogue.summary["demo_events"]):
        st.info(
            "Показаны демонстрационные данные: события, документы и таблицы вымышлены и служат для "
            "знакомства с атласом.",
            icon="ℹ️",
        )


def source_line(catalogue=None) -> str:
    """Where the data come from, in one line (shown on every page and written into every
    download), from the store's catalogue (data.Catalogue; the current one when not given)."""
    if not isinstance(catalogue, data.Catalogue):
        catalogue = data.load_catalogue()
    summary = catalogue.summary
    demo = " (демонстрационные данные)" if summary["demo_documents"] else ""
    return (
        f"Атлас активности: {summary['documents']} документов и таблиц{demo}; регионы — коды ISO "
        "3166-2; населённые пункты — GeoNames (CC BY 4.0); границы регионов — DCW-GMT (LGPL-3+)."
    )


def region_names(atlas=None) -> dict[str, str]:
    """Region code → short Russian name (from the catalogue; `atlas` kept for older callers)."""
    return data.load_catalogue().region_names


def download_payloads(frame, name: str) -> dict[str, tuple[str, str, Callable[[], bytes]]]:
    """The three downloads of a frame (or of a function returning it, called on click): label →
    (file name, MIME type, bytes built on call), each with Russian headers and the source and
    filters in effect (from the store's catalogue)."""
    view = filters.current_view()
    catalogue = data.load_catalogue()

    def shown_and_about():  # built on click only: readable() over a national-scale table costs
        names = catalogue.region_names
        about = about_lines(source_line(catalogue), filters.describe(view, names))
        return readable(frame() if callable(frame) else frame, names), about

    return {
        "XLSX": (f"{name}.xlsx", XLSX_MIME, lambda: xlsx_bytes(*shown_and_about())),
        "CSV для Excel": (
            f"{name}.csv",
            "text/csv",
            lambda: csv_bytes(*shown_and_about(), excel=True),
        ),
        "CSV (UTF-8, запятая)": (
            f"{name}_utf8.csv",
            "text/csv",
            lambda: csv_bytes(*shown_and_about(), excel=False),
        ),
    }


DOWNLOAD_HELP = {
    "CSV для Excel": "Точка с запятой, UTF-8 с BOM: открывается в Excel двойным щелчком.",
    "CSV (UTF-8, запятая)": "Запятая, UTF-8 без BOM, даты ГГГГ-ММ-ДД: для программ и скриптов.",
}
DOWNLOAD_KEY_SUFFIX = {"XLSX": "xlsx", "CSV для Excel": "csv", "CSV (UTF-8, запятая)": "csv_plain"}


def download_buttons(frame, name: str, key: str) -> None:
    """XLSX, CSV for Russian Excel and plain CSV of exactly the frame shown; built only when
    clicked."""
    payloads = download_payloads(frame, name)
    for column, (label, (file_name, mime, build)) in zip(st.columns(3), payloads.items()):
        column.download_button(
            label,
            build,
            file_name=file_name,
            mime=mime,
            key=f"{key}_{DOWNLOAD_KEY_SUFFIX[label]}",
            on_click="ignore",
            help=DOWNLOAD_HELP.get(label),
        )


def url_choice(key: str, param: str, options: list, default) -> None:
    """Seed a widget's state from the URL once per session, so a copied link reopens the same
    view."""
    if key not in st.session_state:
        wanted = st.query_params.get(param)
        st.session_state[key] = wanted if wanted in options else default


def mirror_to_url(param: str, value) -> None:
    if value is None:
        if param in st.query_params:
            del st.query_params[param]
    elif st.query_params.get(param) != str(value):
        st.query_params[param] = str(value)
