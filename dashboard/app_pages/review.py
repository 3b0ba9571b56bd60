"""Проверка: the queue of proposed facts, lowest confidence first, with their passages; accept,
reject
or correct them one by one or in bulk, and undo a change. All writes go through loaders.review."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard import account, data
from loaders.accounts import NotAuthorisedError
from loaders.model.schema import column_label
from loaders.model.vocabulary import STATUS_LABELS
from loaders.review import FACTS, ReviewError, accept, correct, reject, undo
from loaders.store.writer import StoreBusyError, write_session

ENTITY_LABELS = {
    "event": "Событие",
    "agreement": "Соглашение",
    "report_item": "Пункт отчёта",
    "practice_link": "Связь практик",
}
MAX_SHOWN = 200
WRITE_ERRORS = (NotAuthorisedError, ReviewError, StoreBusyError)

st.title("Проверка фактов")
user = account.current_user()
if user is None or not user.can_write:
    st.info(
        "Проверять факты могут редакторы и администраторы. Войдите в боковой панели "
        "(«Вход для редакторов»)."
    )
    st.stop()


def _write(action, *args) -> None:
    """Run one loaders write in its own short transaction; report the outcome on the next run."""
    try:
        with write_session() as connection:
            result = action(connection, account.credential(), *args)
    except WRITE_ERRORS as error:
        st.session_state["review_message"] = ("error", str(error))
        return
    st.session_state["review_message"] = ("success", f"Сохранено: {result}")
    st.session_state["review_editor_version"] = st.session_state.get("review_editor_version", 0) + 1


message = st.session_state.pop("review_message", None)
if message:
    (st.error if message[0] == "error" else st.success)(message[1])

regions = None if user.role == "admin" else tuple(user.regions)
left, right = st.columns([1, 2])
status = left.selectbox(
    "Статус",
    list(STATUS_LABELS),
    format_func=STATUS_LABELS.get,
    key="review_status",
)
scope = right.multiselect(
    "Регионы", list(user.regions) if regions else [], key="review_regions", placeholder="Все мои"
)
queue = data.review_queue(tuple(scope) if scope else regions, status)
st.metric("В очереди", len(queue))
if queue.empty:
    st.success("Очередь пуста.")
    st.stop()

shown = queue.head(MAX_SHOWN)
table = pd.DataFrame(
    {
        "Отметить": False,
        "Вид": shown["entity"].map(ENTITY_LABELS),
        "Что": shown["summary"],
        "Фрагмент": shown["passage"],
        "Регион": shown["region_code"],
        "Дата": pd.to_datetime(shown["date"]).dt.date,
        "Уверенность": shown["confidence"].round(2),
        "Как извлечено": shown["extraction_reason"],
        "Файл": shown["file_name"],
        "id": shown["entity_id"],
        "Версия": shown["version"],
    }
)
edited = st.data_editor(
    table,
    key=f"review_editor_{st.session_state.get('review_editor_version', 0)}",
    hide_index=True,
    width="stretch",
    disabled=[c for c in table.columns if c != "Отметить"],
    column_config={"Фрагмент": st.column_config.TextColumn(width="large")},
)
marked = edited[edited["Отметить"]]
items = list(zip(marked["id"], marked["Версия"].astype(int)))
accept_column, reject_column, all_column = st.columns(3)
if accept_column.button(
    f"Принять отмеченные ({len(items)})", disabled=not items, key="review_accept"
):
    _write(accept, items)
    st.rerun()
if reject_column.button(
    f"Отклонить отмеченные ({len(items)})", disabled=not items, key="review_reject"
):
    _write(reject, items)
    st.rerun()
if all_column.button(f"Принять все показанные ({len(table)})", key="review_accept_all"):
    _write(accept, list(zip(table["id"], table["Версия"].astype(int))))
    st.rerun()

st.subheader("Исправить запись")
labels = dict(zip(shown["entity_id"], shown["summary"].astype(str).str.slice(0, 80)))
row_id = st.selectbox(
    "Запись", list(labels), format_func=lambda i: f"{i} — {labels[i]}", key="review_row"
)
row = shown.set_index("entity_id").loc[row_id]
st.caption(f"Фрагмент: «{row['passage']}»" if isinstance(row["passage"], str) else "")
with st.form("review_correct", clear_on_submit=True):
    field = st.selectbox(
        "Поле",
        FACTS[row["entity"]].fields,
        key="review_field",
        format_func=lambda name: "Направление связи" if name == "direction" else column_label(name),
    )
    value = st.text_input(
        "Новое значение (даты ГГГГ-ММ-ДД; для направления связи — любое: концы меняются местами)",
        key="review_value",
    )
    fix, fix_and_accept = st.columns(2)
    correct_only = fix.form_submit_button("Исправить")
    correct_accept = fix_and_accept.form_submit_button("Исправить и принять")
if correct_only or correct_accept:
    _write(correct, row_id, field, value, int(row["version"]))
    if correct_accept and st.session_state.get("review_message", ("error",))[0] == "success":
        _write(accept, [(row_id, None)])
    st.rerun()

st.subheader("Мои изменения")
history = data.row_history(row_id)
if not history.empty:
    st.caption(f"История записи {row_id}")
    st.dataframe(history.rename(columns=column_label), width="stretch", hide_index=True)
with st.form("review_undo"):
    audit_id = st.number_input("№ записи журнала", min_value=1, step=1, key="review_undo_id")
    if st.form_submit_button("Отменить изменение"):
        _write(undo, int(audit_id))
        st.rerun()
