"""Загрузка: upload documents and tables, see what was read, correct, accept or reject, then save.

Reading, extraction, role checks and storing are loaders' (loaders.upload); this page only shows
them.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import pandas as pd
import streamlit as st

from dashboard import account, data
from dashboard.analysis.aggregations import highlight_passages
from loaders.accounts import NotAuthorisedError
from loaders.read.documents import DOCUMENT_SUFFIXES
from loaders.read.tables import TABLE_SUFFIXES, TableLoadError
from loaders.review import ReviewError
from loaders.store.writer import StoreBusyError, write_session
from loaders.upload import (
    MAX_FILE_MB,
    MAX_FILES,
    UploadError,
    check_upload_count,
    preview_upload,
    save_upload,
)

ENTITY_LABELS = {
    "event": "Событие",
    "agreement": "Соглашение",
    "report_item": "Пункт отчёта",
    "practice_link": "Связь практик",
}
NO_DECISION = "—"
DECISIONS = {NO_DECISION: None, "принять": "confirmed", "отклонить": "rejected"}
PREVIEWS_KEY = "upload_previews"

st.title("Загрузка документов и таблиц")
user = account.current_user()
if user is None or not user.can_write:
    st.info(
        "Загружать файлы могут редакторы и администраторы. Войдите в боковой панели "
        "(«Вход для редакторов»)."
    )
    st.stop()

st.caption(
    f"Документы ({', '.join(sorted(DOCUMENT_SUFFIXES))}) и таблицы "
    f"({', '.join(sorted(TABLE_SUFFIXES))}); "
    f"не больше {MAX_FILES} файлов за раз и {MAX_FILE_MB:g} МБ на файл. Вид файла проверяется по "
    "содержимому. Ничего не сохраняется до нажатия «Сохранить»."
)
uploads = st.file_uploader(
    "Перетащите файлы сюда",
    type=[suffix.lstrip(".") for suffix in sorted(DOCUMENT_SUFFIXES | TABLE_SUFFIXES)],
    accept_multiple_files=True,
    key="upload_files",
)
data.warm_extraction()  # models load while the user picks files (the uploader is already drawn)
if not uploads:
    st.stop()
try:
    check_upload_count(len(uploads))
except UploadError as error:
    st.error(str(error))
    st.stop()

previews = st.session_state.setdefault(PREVIEWS_KEY, {})
pending = [u for u in uploads if u.file_id not in previews]
if pending:
    progress = st.progress(0.0, text="Чтение и извлечение…")
    with tempfile.TemporaryDirectory() as workdir:
        for number, upload in enumerate(pending, start=1):
            progress.progress((number - 1) / len(pending), text=f"Читается {upload.name}…")
            previews[upload.file_id] = preview_upload(upload.name, upload.getvalue(), Path(workdir))
    progress.empty()


def _editor_frame(facts: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "Решение": NO_DECISION,
            "Вид": facts["entity"].map(ENTITY_LABELS),
            "Что": facts["summary"],
            "Дата": pd.to_datetime(facts["date"]).dt.date,
            "Регион": facts["region_code"],
            "Уверенность": facts["confidence"].round(2),
            "Статус": facts["status"].map({"proposed": "предложено", "confirmed": "подтверждено"}),
            "Как извлечено": facts["extraction_reason"],
            "Совпадение": facts["note"],
            "id": facts["entity_id"],
        }
    ).reset_index(drop=True)


def _decisions_and_corrections(facts: pd.DataFrame, edited: pd.DataFrame):
    decisions, corrections = {}, {}
    original = _editor_frame(facts)
    for row, before in zip(edited.itertuples(index=False), original.itertuples(index=False)):
        entity_id, entity = row.id, facts.set_index("entity_id").at[row.id, "entity"]
        if DECISIONS.get(row.Решение):
            decisions[entity_id] = DECISIONS[row.Решение]
        fields = {}
        if row.Дата != before.Дата and not pd.isna(row.Дата):
            fields["date" if entity == "agreement" else "date_start"] = row.Дата
        if row.Регион != before.Регион and row.Регион:
            fields["to_region" if entity == "practice_link" else "region_code"] = row.Регион
        if fields:
            corrections[entity_id] = fields
    return decisions, corrections


choices = {}
for upload in uploads:
    preview = previews[upload.file_id]
    st.subheader(preview.name)
    if preview.error:
        st.error(preview.error)
        continue
    if preview.already_stored:
        st.warning("Этот файл уже загружен: сохранение ничего не изменит.")
    for warning in list(dict.fromkeys(preview.warnings))[:5]:
        st.caption(warning)
    if preview.facts.empty:
        st.caption("Фактов не найдено: сохранится только сам документ.")
        choices[upload.file_id] = ({}, {})
        continue
    base_key = f"upload_base_{upload.file_id}"
    base = st.session_state.get(base_key)
    if base is None:
        base = _editor_frame(preview.facts)
    threshold_column, button_column = st.columns([3, 1])
    threshold = threshold_column.slider(
        "Принять всё с уверенностью не ниже",
        0.0,
        1.0,
        0.8,
        0.05,
        key=f"upload_threshold_{upload.file_id}",
    )
    if button_column.button("Принять выше порога", key=f"upload_accept_all_{upload.file_id}"):
        base = base.assign(
            Решение=base["Решение"].where(base["Уверенность"] < threshold, "принять")
        )
        st.session_state[base_key] = base
        st.session_state[f"upload_editor_version_{upload.file_id}"] = (
            st.session_state.get(f"upload_editor_version_{upload.file_id}", 0) + 1
        )
    text_column, table_column = st.columns([2, 3])
    with text_column:
        st.caption("Текст; отмечены фрагменты, из которых прочитаны факты")
        st.html(
            "<div style='white-space: pre-wrap; max-height: 420px; overflow-y: auto; "
            f"font-size: "
            f"0.85em'>"
            f"{highlight_passages(preview.text, preview.facts.dropna(subset=['char_start']))}</div>"
        )
    with table_column:
        edited = st.data_editor(
            base,
            key=f"upload_editor_{upload.file_id}_"
            f"{st.session_state.get(f'upload_editor_version_{upload.file_id}', 0)}",
            hide_index=True,
            width="stretch",
            disabled=[c for c in base.columns if c not in ("Решение", "Дата", "Регион")],
            column_config={
                "Решение": st.column_config.SelectboxColumn(options=list(DECISIONS), width="small"),
                "Дата": st.column_config.DateColumn(format="DD.MM.YYYY"),
            },
        )
    choices[upload.file_id] = _decisions_and_corrections(preview.facts, edited)

if st.button("Сохранить", type="primary", key="upload_save"):
    for upload in uploads:
        preview = previews[upload.file_id]
        if preview.error:
            continue
        decisions, corrections = choices.get(upload.file_id, ({}, {}))
        try:
            with write_session() as connection:
                counts = save_upload(
                    connection, account.credential(), preview, decisions, corrections
                )
        except (
            NotAuthorisedError,
            ReviewError,
            UploadError,
            TableLoadError,
            StoreBusyError,
        ) as error:
            st.error(f"{preview.name}: ничего не сохранено / nothing stored. {error}")
            continue
        if counts is None:
            st.info(f"{preview.name}: уже был загружен, ничего не изменилось.")
        else:
            written = ", ".join(f"{name}: {count}" for name, count in counts.items() if count)
            st.success(f"{preview.name}: сохранено ({written}).")
        previews.pop(upload.file_id, None)
        st.session_state.pop(f"upload_base_{upload.file_id}", None)
