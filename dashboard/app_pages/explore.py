"""Данные: searchable tables of events, agreements, report items and practice links, downloads, and
the
source document of a chosen row with its passage highlighted."""

import html

import pandas as pd
import streamlit as st

from dashboard import data, filters
from dashboard.analysis import aggregations, search
from dashboard.app_pages.common import demo_notice, download_buttons, region_names
from dashboard.presentation import readable
from loaders.model.schema import column_label
from loaders.model.vocabulary import GENRE_LABELS

TABLES = {
    "events": "События",
    "agreements": "Соглашения",
    "report_items": "Пункты отчётов",
    "practice_links": "Связи практик",
}
ENTITIES = {
    "events": "event",
    "agreements": "agreement",
    "report_items": "report_item",
    "practice_links": "practice_link",
}
SEARCH_COLUMNS = {
    "events": ["title", "settlement_name", "organizers", "participant_cities", "region_name"],
    "agreements": ["parties", "settlement_name", "subject", "region_name"],
    "report_items": ["reporting_body", "title", "goal", "region_name"],
    "practice_links": ["practice", "from_name", "to_name"],
}
REGION_COLUMNS = ("region_code", "from_region", "to_region")
HIDDEN_COLUMNS = ("lat", "lon", "settlement_id", "quarter", "document_id")
MAX_ROWS_SHOWN = 5_000

atlas = data.load_atlas()
view = filters.current_view()
names = region_names(atlas)

st.title("Данные и источники")
demo_notice(atlas)

if "explore_table" not in st.session_state and st.query_params.get("table") in TABLES:
    st.session_state["explore_table"] = st.query_params["table"]
if "explore_search" not in st.session_state:
    st.session_state["explore_search"] = st.query_params.get("q", "")

table_name = st.radio(
    "Таблица", list(TABLES), format_func=TABLES.get, horizontal=True, key="explore_table"
)
query = st.text_input(
    "Поиск по тексту",
    key="explore_search",
    placeholder="например: субботники, Югорск, ХМАО",
    help="Слова ищутся в любой форме («субботники» находит «субботник»), регионы — по любому "
    "названию («ХМАО», «Югра»).",
)
st.query_params["table"] = table_name
if query:
    st.query_params["q"] = query
elif "q" in st.query_params:
    del st.query_params["q"]

filtered = {
    "events": lambda: filters.apply_to_events(atlas.events, view),
    "agreements": lambda: filters.apply_to_agreements(atlas.agreements, view),
    "report_items": lambda: filters.apply_to_report_items(atlas.report_items, view),
    "practice_links": lambda: filters.apply_to_links(atlas.practice_links, view),
}[table_name]()
with_names = filtered.assign(
    **{
        name_column: filtered[code_column].astype("string").map(names)
        for code_column, name_column in (
            ("region_code", "region_name"),
            ("from_region", "from_name"),
            ("to_region", "to_name"),
        )
        if code_column in filtered
    }
)
rows = search.search_rows(with_names, query, SEARCH_COLUMNS[table_name], REGION_COLUMNS)
documents = atlas.documents.set_index("document_id")
rows = rows.assign(source_file=rows["document_id"].map(documents["file_name"]))

st.metric("Найдено строк", len(rows))
table = rows.drop(columns=[c for c in HIDDEN_COLUMNS if c in rows])
picked = st.dataframe(
    readable(table.head(MAX_ROWS_SHOWN), names),
    width="stretch",
    hide_index=True,
    on_select="rerun",
    selection_mode="single-row",
    key=f"explore_rows_{table_name}",
)
st.caption(
    "Щёлкните по строке слева, чтобы открыть её источник с выделенным фрагментом."
    + (
        f" Показаны первые {MAX_ROWS_SHOWN} строк; выгрузки содержат все {len(rows)}."
        if len(rows) > MAX_ROWS_SHOWN
        else ""
    )
)
download_buttons(table, table_name, "explore_download")

st.subheader("Источник")
chosen_rows = (picked.selection.rows if picked else []) or []
chosen_row = rows.iloc[chosen_rows[0]] if chosen_rows and chosen_rows[0] < len(rows) else None
document_ids = [d for d in pd.unique(rows["document_id"].dropna()) if d in documents.index][:500]
wanted = st.query_params.get("doc")
if chosen_row is not None and isinstance(chosen_row["document_id"], str):
    wanted = chosen_row["document_id"]
    st.session_state["explore_document"] = wanted
if wanted in documents.index and wanted not in document_ids:
    document_ids.insert(0, wanted)
if st.session_state.get("explore_document") not in document_ids:
    st.session_state.pop("explore_document", None)
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
    # text from documents goes out as escaped HTML, never Markdown: a title cannot fetch an image
    st.html(
        f"<p><b>{html.escape(str(meta['title']))}</b> · "
        f"{html.escape(GENRE_LABELS.get(str(meta['genre']), str(meta['genre'])))} · "
        f"файл {html.escape(str(meta['file_name']))}"
        + (" · демонстрационные данные" if meta["is_demo"] else "")
        + "</p>"
    )
    if document is None:
        st.warning(
            "Документ сейчас недоступен: хранилище занято загрузкой. Обновите страницу позже."
        )
    else:
        id_column = rows.columns[0]
        row_ids = set(rows.loc[rows["document_id"] == choice, id_column])
        passages = document["passages"]
        marked = passages[passages["entity_id"].isin(row_ids)]
        focus_id = (
            chosen_row[id_column] if chosen_row is not None else st.query_params.get("row")
        )  # a row clicked here, or one a link from another page names (?row=)
        focus = passages[passages["entity_id"] == focus_id]
        if not focus.empty:
            start, end = int(focus["char_start"].iloc[0]), int(focus["char_end"].iloc[0])
            st.html(
                "<p>Фрагмент выбранной строки:</p><blockquote style='border-left:4px solid #f0b400;"
                f"padding-left:8px'>{html.escape(document['full_text'][start:end])}</blockquote>"
            )
        st.caption(f"Отмечено фрагментов, из которых прочитаны строки выборки: {len(marked)}")
        # an iframe of its own: st.html drops scripts, and the passage is to be scrolled into view;
        # every piece of document text in it is escaped (document_view_html), the script is ours
        st.iframe(
            aggregations.document_view_html(document["full_text"], marked, focus),
            height=aggregations.DOCUMENT_VIEW_HEIGHT,
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
