"""Uploads: the type checked by content, a preview that stores nothing, the CLI's table errors, and
a
reviewed save in one transaction with its audit entries and role checks."""

from __future__ import annotations

import io
import zipfile

import pytest
from review_fixtures import NEWS_TEXT, as_user, copy_store, read_rows, writable_store

from loaders.accounts import NotAuthorisedError
from loaders.pipeline.load_tables import load_tables
from loaders.store.audit import read_audit
from loaders.store.database import connect
from loaders.store.writer import write_session
from loaders.upload import UploadError, preview_upload, save_upload, sniff_suffix


@pytest.fixture(scope="module")
def store_template(fixture_store, tmp_path_factory):
    return writable_store(fixture_store, tmp_path_factory.mktemp("upload_store"), with_news=False)


@pytest.fixture()
def store(store_template, tmp_path):
    """A fresh copy per test on each engine (a DuckDB file or a PostgreSQL database)."""
    return copy_store(store_template, tmp_path)


def news_docx(text: str = NEWS_TEXT) -> bytes:
    import docx

    document = docx.Document()
    for paragraph in text.split("\n\n"):
        document.add_paragraph(paragraph.replace("\n", " "))
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _count(store, sql):
    return read_rows(store, sql)[0][0]


def test_type_is_checked_by_content():
    assert sniff_suffix("новость.docx", news_docx()) == ".docx"
    assert sniff_suffix("без расширения", NEWS_TEXT.encode()) == ".txt"
    with pytest.raises(UploadError, match="новость.docx.*pdf"):
        sniff_suffix("новость.docx", b"%PDF-1.4 fake")
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as packed:
        packed.writestr("readme.txt", "x")
    with pytest.raises(UploadError, match="архив"):
        sniff_suffix("table.xlsx", archive.getvalue())
    with pytest.raises(UploadError, match="двоичный"):
        sniff_suffix("table.csv", b"\x00\x01\x02binary")


def test_bad_table_row_gives_the_cli_error_and_stores_nothing(store, tmp_path):
    table = (
        "Дата,Мероприятие,Тип,Город,Регион\n"
        "12.04.2023,Форум,форум,Сургут,Югра\n"
        "31.02.2023,Акция,акция,Тюмень,Тюменская область\n"
    )
    path = tmp_path / "events.csv"
    path.write_text(table, encoding="utf-8")
    cli_error = load_tables([path], tmp_path / "cli.duckdb").failed[str(path)]
    preview = preview_upload("events.csv", table.encode(), tmp_path / "work", store)
    problems = cli_error.splitlines()[1:] or [cli_error.split(": ", 1)[1]]
    assert preview.error and all(problem in preview.error for problem in problems)
    assert "3" in preview.error and "Дата" in preview.error
    before = _count(store, "SELECT count(*) FROM documents")
    with pytest.raises(UploadError):
        with write_session(store) as connection:
            save_upload(connection, as_user("admin"), preview)
    assert _count(store, "SELECT count(*) FROM documents") == before


def test_preview_stores_nothing_and_save_applies_decisions(store, tmp_path):
    (tmp_path / "work").mkdir()
    preview = preview_upload("Форум.docx", news_docx(), tmp_path / "work", store)
    assert preview.error is None and preview.kind == "document"
    facts = preview.facts.set_index("entity")
    assert set(facts.index) == {"event", "agreement"}
    assert (facts["status"] == "proposed").all()
    passage = preview.text[
        int(facts.at["event", "char_start"]) : int(facts.at["event", "char_end"])
    ]
    assert "Чистая Обь" in passage
    assert _count(store, "SELECT count(*) FROM documents WHERE file_name = 'Форум.docx'") == 0
    event_id, agreement_id = facts.at["event", "entity_id"], facts.at["agreement", "entity_id"]
    with write_session(store) as connection:
        counts = save_upload(
            connection,
            as_user("khm"),
            preview,
            decisions={event_id: "confirmed"},
            corrections={agreement_id: {"date": "2024-03-14"}},
        )
    assert counts["events"] == 1 and counts["agreements"] == 1
    with connect(store, read_only=True) as connection:
        assert connection.execute(
            "SELECT status FROM events WHERE event_id = ?", [event_id]
        ).fetchall() == [("confirmed",)]
        assert connection.execute(
            "SELECT status, CAST(date AS VARCHAR) FROM agreements WHERE agreement_id = ?",
            [agreement_id],
        ).fetchall() == [("proposed", "2024-03-14")]
        audit = read_audit(connection, user_name="khm")
    assert list(audit["action"]) == ["upload", "correct", "accept"]
    assert audit["value_before"].iloc[1] == "2024-03-15"


def test_matching_stored_event_is_announced(store, tmp_path):
    (tmp_path / "work").mkdir()
    first = preview_upload("a.txt", NEWS_TEXT.encode(), tmp_path / "work", store)
    with write_session(store) as connection:
        save_upload(connection, as_user("khm"), first)
    again = preview_upload(
        "b.txt", (NEWS_TEXT + "\nФото пресс-службы.\n").encode(), tmp_path / "work", store
    )
    notes = dict(zip(again.facts["entity"], again.facts["note"]))
    assert notes["event"] == "уже есть: будет добавлен источник"
    same = preview_upload("a-copy.txt", NEWS_TEXT.encode(), tmp_path / "work", store)
    assert same.already_stored


def test_viewer_and_foreign_regions_cannot_save(store, tmp_path):
    (tmp_path / "work").mkdir()
    preview = preview_upload("Форум.docx", news_docx(), tmp_path / "work", store)
    event_id = preview.facts.query("entity == 'event'")["entity_id"].iloc[0]
    before = _count(store, "SELECT count(*) FROM documents")
    with pytest.raises(NotAuthorisedError):
        with write_session(store) as connection:
            save_upload(connection, as_user("reader"), preview)
    with pytest.raises(NotAuthorisedError, match="RU-KHM"):
        with write_session(store) as connection:
            save_upload(connection, as_user("tyu"), preview, decisions={event_id: "confirmed"})
    table = "Дата,Мероприятие,Тип,Город,Регион\n12.04.2024,Слёт,форум,Сургут,Югра\n"
    official = preview_upload("t.csv", table.encode(), tmp_path / "work", store)
    with pytest.raises(NotAuthorisedError):  # official rows of another region
        with write_session(store) as connection:
            save_upload(connection, as_user("tyu"), official)
    assert _count(store, "SELECT count(*) FROM documents") == before
    assert _count(store, "SELECT count(*) FROM audit WHERE action = 'upload'") == 0
