"""Small pieces every page shows: the demo notice, the source line and the downloads."""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from dashboard import data, filters
from dashboard.data import Atlas
from dashboard.presentation import about_lines, csv_bytes, readable, xlsx_bytes

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def demo_notice(atlas: Atlas) -> None:
    """Say plainly when what is shown includes demonstration data (demo rows in the current
    view)."""
    events = atlas.events
    if "is_demo" in events:  # only the demo rows need filtering to know whether any is shown
        demo = events[events["is_demo"]]
        on_screen = (
            not demo.empty and not filters.apply_to_events(demo, filters.current_view()).empty
        )
    else:
        on_screen = atlas.documents["is_demo"].any()
    if on_screen:
        st.info(
            "Показаны демонстрационные данные: события, документы и таблицы вымышлены и служат для "
            "знакомства с атласом.",
            icon="ℹ️",
        )


def source_line(atlas: Atlas) -> str:
    """Where the data come from, in one line (shown on every page and written into every
    download)."""
    demo = " (демонстрационные данные)" if atlas.documents["is_demo"].any() else ""
    return (
        f"Атлас активности: {len(atlas.documents)} документов и таблиц{demo}; регионы — коды ISO "
        "3166-2; населённые пункты — GeoNames (CC BY 4.0); границы регионов — DCW-GMT (LGPL-3+)."
    )


def region_names(atlas: Atlas) -> dict[str, str]:
    return dict(zip(atlas.regions["region_code"], atlas.regions["name_short"]))


def download_payloads(frame, name: str) -> dict[str, tuple[str, str, Callable[[], bytes]]]:
    """The three downloads of a frame (or of a function returning it, called on click): label →
    (file name, MIME type, bytes built on call), each with Russian headers and the source and
    filters in effect."""
    view = filters.current_view()

    def shown_and_about():  # built on click only: readable() over a national-scale table costs
        atlas = data.load_atlas()
        names = region_names(atlas)
        about = about_lines(source_line(atlas), filters.describe(view, names))
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
