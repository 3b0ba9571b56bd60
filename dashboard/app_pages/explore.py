"""Данные: searchable tables of events, agreements, report items and practice links, CSV export, and sources."""

import html

import pandas as pd
import streamlit as st

from dashboard.analysis import aggregations

from dashboard import data, filters
from dashboard.app_pages.common import demo_notice, source_caption
from loaders.model.schema import column_label
from loaders.model.vocabulary import (
    EVENT_TYPE_LABELS,
    EVIDENCE_LABELS,
    GENRE_LABELS,
    STATUS_LABELS,
)

TABLES = {
    "events": "События",
    "agreements": "Соглашения",
    "report_items": "Пункты отчётов",
    "practice_links": "Связи практик",
}
SEARCH_COLUMNS = {
    "events": ["title", "settlement_name", "region_code", "organizers", "participant_cities"],
    "agreements": ["parties", "settlement_name", "region_code", "subject"],
    "report_items": ["reporting_body", "title", "goal", "region_code"],
    "practice_links": ["from_region", "to_region", "practice"],
}
MAX_ROWS_SHOWN = 5_000

atlas = data.load_atlas()
view = filters.current_view()

st.title("Данные и источники")
demo_notice(atlas)

if "explore_table" not in st.session_state and st.query_params.get("table") in TABLES:
    st.session_state["explore_table"] = st.query_params["table"]
if "explore_search" not in st.session_state:
    st.session_state["explore_search"] = st.query_params.get("q", "")

table_name = st.radio(
    "Таблица", list(TABLES), format_func=TABLES.get, horizontal=True, key="explore_table"
)
search = st.text_input(
    "Поиск по тексту", key="explore_search", placeholder="например: субботник, Югорск, Кузбасс"
)
st.query_params["table"] = table_name
if search:
    st.query_params["q"] = search
elif "q" in st.query_params:
    del st.query_params["q"]

filtered = {
    "events": lambda: filters.apply_to_events(atlas.events, view),
    "agreements": lambda: filters.apply_to_agreements(atlas.agreements, view),
    "report_items": lambda: filters.apply_to_report_items(atlas.report_items, view),
    "practice_links": lambda: filters.apply_to_links(atlas.practice_links, view),
}[table_name]()
rows = aggregations.search_rows(filtered, search, SEARCH_COLUMNS[table_name])
documents = atlas.documents.set_index("document_id")
rows = rows.assign(source_file=rows["document_id"].map(documents["file_name"]))
if "event_type" in rows:
    rows = rows.assign(event_type=rows["event_type"].astype("string").map(EVENT_TYPE_LABELS))
if "evidence_type" in rows:
    rows = rows.assign(evidence_type=rows["evidence_type"].astype("string").map(EVIDENCE_LABELS))
if "status" in rows:  # proposed facts are marked: «предложено» until someone reviews them
    rows = rows.assign(status=rows["status"].astype("string").map(STATUS_LABELS))

st.metric("Найдено строк", len(rows))
visible = rows.drop(columns=[c for c in ("lat", "lon", "settlement_id", "quarter") if c in rows])
st.dataframe(visible.head(MAX_ROWS_SHOWN), width="stretch", hide_index=True)
if len(rows) > MAX_ROWS_SHOWN:
    st.caption(f"Показаны первые {MAX_ROWS_SHOWN} строк; выгрузка CSV содержит все {len(rows)}.")
st.download_button(  # the CSV is generated only when clicked: building it on every rerun costs ~0.5 s at 100k rows
    "Скачать CSV",
    lambda: visible.to_csv(index=False).encode("utf-8-sig"),
    file_name=f"{table_name}.csv",
    mime="text/csv",
    key="explore_download",
    on_click="ignore",
)

st.subheader("Источник")
document_ids = [d for d in pd.unique(rows["document_id"].dropna()) if d in documents.index][:500]
wanted = st.query_params.get("doc")
if wanted in documents.index and wanted not in document_ids:
    document_ids.insert(0, wanted)
if not document_ids:
    st.caption("Нет строк с источником в текущей выборке.")
else:
    choice = st.selectbox(
        "Документ",
        document_ids,
        index=document_ids.index(wanted) if wanted in document_ids else 0,
        format_func=lambda d: f"{documents.at[d, 'file_name']} — {documents.at[d, 'title']}",
        key="explore_document",
    )
    st.query_params["doc"] = choice
    document = data.load_document(choice)
    meta = documents.loc[choice]
    st.markdown(
        f"**{html.escape(str(meta['title']))}** · {GENRE_LABELS.get(str(meta['genre']), meta['genre'])} · "
        f"`{html.escape(str(meta['source']))}`"
        + (" · демонстрационные данные" if meta["is_demo"] else "")
    )
    row_ids = set(rows[rows["document_id"] == choice].iloc[:, 0])
    passages = document["passages"]
    marked = passages[passages["entity_id"].isin(row_ids)]
    st.caption(f"Отмечено фрагментов, из которых прочитаны строки выборки: {len(marked)}")
    st.html(
        f"<div style='white-space: pre-wrap; max-height: 480px; overflow-y: auto; font-size: 0.9em'>"
        f"{aggregations.highlight_passages(document['full_text'], marked)}</div>"
    )
with st.expander("История записи (журнал изменений)"):
    row_id = st.selectbox(
        "Запись", list(rows.iloc[:, 0].head(MAX_ROWS_SHOWN)), index=None, key="explore_history_id"
    )
    if row_id:
        history = data.row_history(row_id)
        if history.empty:
            st.caption("Изменений не было: запись такая, какой её прочитали из источника.")
        else:
            st.dataframe(history.rename(columns=column_label), width="stretch", hide_index=True)
source_caption(atlas)
