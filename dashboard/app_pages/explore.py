"""Данные: searchable tables of events, agreements, report items and practice links, downloads, and
the source document of a chosen row with its passage highlighted.

Everything is asked of the store one page at a time (dashboard/analysis/queries.py): the search
(word forms, region names), sorting and paging run as SQL, so a million events cost what a hundred
do."""

import dataclasses
import html

import streamlit as st

from dashboard import data, filters
from dashboard.analysis import aggregations
from dashboard.analysis.queries import QueryView
from dashboard.app_pages.common import download_buttons
from dashboard.presentation import readable
from loaders.model.schema import column_label
from loaders.model.vocabulary import GENRE_LABELS

TABLES = {
    "events": "События",
    "agreements": "Соглашения",
    "report_items": "Пункты отчётов",
    "practice_links": "Связи практик",
}
# What a reader may sort each table by (the store's listing allows exactly these).
SORTABLE = {
    "events": (
        "date_start",
        "title",
        "event_type",
        "topic",
        "settlement_name",
        "region_code",
        "participants_count",
    ),
    "agreements": ("date", "parties_count", "settlement_name", "region_code", "subject"),
    "report_items": (
        "quarter",
        "reporting_body",
        "item_number",
        "date_start",
        "title",
        "region_code",
    ),
    "practice_links": ("date_start", "from_region", "to_region", "practice", "evidence_type"),
}
PAGE_SIZE = 100
HIDDEN_COLUMNS = ("document_id",)

view = filters.current_view()
query_view = QueryView.from_filter(view)
names = data.query_region_names()

st.title("Данные и источники")
if data.query_store_summary()["has_demo"] and query_view.include_demo:
    st.info(
        "Показаны демонстрационные данные: события, документы и таблицы вымышлены и служат для "
        "знакомства с атласом.",
        icon="ℹ️",
    )

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
    help="Каждое слово ищется в любой форме («субботники» находит «субботник»), по началу слова "
    "(«Юго» находит «Югорск»); регионы — по любому названию («ХМАО», «Югра»).",
)
st.query_params["table"] = table_name
if query:
    st.query_params["q"] = query
elif "q" in st.query_params:
    del st.query_params["q"]

sort_options = SORTABLE[table_name]
if st.session_state.get(f"explore_sort_{table_name}") not in sort_options:
    st.session_state[f"explore_sort_{table_name}"] = sort_options[0]
order_cells = st.columns([4, 1])
sort_by = order_cells[0].radio(
    "Сортировать по",
    sort_options,
    format_func=column_label,
    horizontal=True,
    key=f"explore_sort_{table_name}",
)
descending = order_cells[1].toggle("по убыванию", key="explore_descending")

# A new selection starts at its first page; the last row of every page seen is kept, so the next
# page is found by keyset (as fast at page 200 as at page 2) and a jump falls back to OFFSET.
selection = (table_name, query, sort_by, descending, dataclasses.astuple(query_view))
if st.session_state.get("explore_selection") != selection:
    st.session_state["explore_selection"] = selection
    st.session_state["explore_page"] = 1
    st.session_state["explore_page_ends"] = {}
page_ends = st.session_state.setdefault("explore_page_ends", {})
first = data.query_explorer_page(view, table_name, query, sort_by, descending, 0, PAGE_SIZE)
page_number = 1
if first is not None and first.pages > 1:
    page_number = int(
        st.number_input("Страница", 1, first.pages, step=1, key="explore_page")
    )  # bounded by the total, so a stale number from another selection cannot overrun
result = (
    first
    if page_number == 1
    else data.query_explorer_page(
        view,
        table_name,
        query,
        sort_by,
        descending,
        page_number - 1,
        PAGE_SIZE,
        page_ends.get(page_number - 1),
    )
)
if result is not None and not result.rows.empty:
    last = result.rows.iloc[-1]
    page_ends[page_number] = (last[sort_by], last.iloc[0])
rows = result.rows if result is not None else None
total = result.total if result is not None else 0

st.metric("Найдено строк", total)
if rows is None:
    st.stop()
# the page's documents and the one a link names (?doc=), in one query
documents = data.query_document_facts([*rows["document_id"], st.query_params.get("doc")])
rows = rows.assign(source_file=rows["document_id"].map(documents["file_name"]))
table = rows.drop(columns=[c for c in HIDDEN_COLUMNS if c in rows])
picked = st.dataframe(
    readable(table, names),
    width="stretch",
    hide_index=True,
    on_select="rerun",
    selection_mode="single-row",
    key=f"explore_rows_{table_name}",
)
shown_from = (page_number - 1) * PAGE_SIZE + 1
st.caption(
    (f"Строки {shown_from}–{shown_from + len(rows) - 1} из {total}. " if total > len(rows) else "")
    + "Щёлкните по строке слева, чтобы открыть её источник с выделенным фрагментом."
)
download_buttons(
    lambda: data.query_explorer_export(view, table_name, query, sort_by, descending),
    table_name,
    "explore_download",
)
limit_text = f"{data.EXPORT_LIMIT:,}".replace(",", " ")
st.caption(
    f"Выгрузка содержит строки выборки в показанном порядке, не больше {limit_text}"
    + (
        f" (из {total}); сузьте выборку фильтрами или поиском, чтобы выгрузить остальные."
        if total > data.EXPORT_LIMIT
        else "."
    )
)

st.subheader("Источник")
chosen_rows = (picked.selection.rows if picked else []) or []
chosen_row = rows.iloc[chosen_rows[0]] if chosen_rows and chosen_rows[0] < len(rows) else None
document_ids = list(dict.fromkeys(d for d in rows["document_id"] if isinstance(d, str)))
wanted = st.query_params.get("doc")
if chosen_row is not None and isinstance(chosen_row["document_id"], str):
    wanted = chosen_row["document_id"]
    st.session_state["explore_document"] = wanted
if wanted and wanted not in document_ids and wanted in documents.index:
    document_ids.insert(0, wanted)  # a link from another page names it
if st.session_state.get("explore_document") not in document_ids:
    st.session_state.pop("explore_document", None)
if not document_ids:
    st.caption("Нет строк с источником в текущей выборке.")
else:
    listed = documents
    choice = st.selectbox(
        "Документ",
        document_ids,
        index=document_ids.index(wanted) if wanted in document_ids else 0,
        format_func=lambda d: f"{listed.at[d, 'file_name']} — {listed.at[d, 'title']}",
        key="explore_document",
    )
    st.query_params["doc"] = choice
    document = data.load_document(choice)
    meta = listed.loc[choice]
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
        passages = document["passages"]
        entity = {
            "events": "event",
            "agreements": "agreement",
            "report_items": "report_item",
            "practice_links": "practice_link",
        }[table_name]
        in_document = passages.loc[passages["entity"] == entity, "entity_id"]
        row_ids = data.query_rows_in_selection(view, table_name, query, in_document)
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
        "Запись (строки этой страницы)", list(rows.iloc[:, 0]), index=None, key="explore_history_id"
    )
    if row_id:
        history = data.row_history(row_id)
        if history.empty:
            st.caption("Изменений не было: запись такая, какой её прочитали из источника.")
        else:
            st.dataframe(history.rename(columns=column_label), width="stretch", hide_index=True)
