"""Hostile input, faults and concurrent use: every bad file fails alone with a clear message, good
files
are stored, nothing is stored twice by meaning, nothing is interpreted, two writers do not crash."""

from __future__ import annotations

import os
import re
import signal

import duckdb
import pandas as pd
import pytest

from loaders.pipeline import ingest
from loaders.pipeline.ingest import ingest_documents
from loaders.pipeline.load_tables import load_tables
from loaders.read.textio import UnreadableFileError, decode_text
from loaders.store import database as store
from tests.hostile_files import (
    AGREEMENTS_CSV,
    GOOD_DOCUMENT,
    GOOD_EVENTS_CSV,
    INJECTIONS,
    LINKS_JSON,
    csv_cell,
    docx_paragraph_bomb,
    hold_store,
    minimal_docx,
    minimal_xlsx,
    run_cli,
    with_extra_parts,
)

MB = 1024 * 1024


def _counts(db) -> dict[str, int]:
    with duckdb.connect(str(db), read_only=True) as connection:
        return store.table_counts(connection)


def _query(db, sql: str) -> list[tuple]:
    with duckdb.connect(str(db), read_only=True) as connection:
        return connection.execute(sql).fetchall()


def _assert_clean_exit(result, code: int) -> None:
    output = result.stdout + result.stderr
    assert "Traceback" not in output, output[-3000:]
    assert result.returncode == code, output[-3000:]
    assert "files stored:" in result.stdout  # the summary always prints


# ---------------------------------------------------------------- documents: limits, bombs, links


@pytest.fixture(scope="module")
def hostile_folder(tmp_path_factory):
    """A folder of one good document among bombs, oversized, binary, undecodable and special files,
    ingested once through the command line."""
    root = tmp_path_factory.mktemp("hostile")
    folder = root / "docs"
    folder.mkdir()
    (folder / "good.txt").write_text(GOOD_DOCUMENT, encoding="utf-8")
    (folder / "bomb.docx").write_bytes(docx_paragraph_bomb(400_000))  # ≈19 MB of XML inflated
    (folder / "long.docx").write_bytes(
        docx_paragraph_bomb(100_000)
    )  # 4.7 MB of XML, 800 000 characters
    (folder / "zeros.docx").write_bytes(
        with_extra_parts(
            minimal_docx(["Семинар"]), {f"word/media/z{i}.bin": bytes(30 * MB) for i in range(4)}
        )
    )
    (folder / "parts.docx").write_bytes(
        with_extra_parts(
            minimal_docx(["Семинар"]), {f"customXml/p{i}.xml": b"<a/>" for i in range(2100)}
        )
    )
    (folder / "huge.txt").write_bytes(("Слово " * (21 * MB // 11)).encode())  # > 20 MB on disk
    (folder / "binary.txt").write_bytes(bytes(range(256)) * 40)
    (folder / "undecodable.txt").write_bytes(
        "Форум прошёл".encode() + b"\xff\xfe\xfa" + b" ok" * 20
    )
    (folder / "passwd.txt").symlink_to("/etc/passwd")
    (folder / "inside.txt").symlink_to(folder / "good.txt")
    os.mkfifo(folder / "pipe.txt")  # reading it would block forever
    db = root / "store.duckdb"
    result = run_cli("ingest", str(folder), "--db", str(db), "--workers", "2")
    return folder, db, result


def test_hostile_folder_exits_1_with_summary_and_no_traceback(hostile_folder):
    _, _, result = hostile_folder
    _assert_clean_exit(result, 1)
    assert "с ошибками / failed: 7" in result.stdout
    assert "пропущено / skipped: 2" in result.stdout


@pytest.mark.parametrize(
    "name, limit",
    [
        ("bomb.docx", "ATLAS_MAX_ZIP_XML_PART_BYTES"),
        ("long.docx", "ATLAS_MAX_DOCUMENT_CHARS"),
        ("zeros.docx", "ATLAS_MAX_ZIP_UNCOMPRESSED_BYTES"),
        ("parts.docx", "ATLAS_MAX_ZIP_PARTS"),
        ("huge.txt", "ATLAS_MAX_FILE_BYTES"),
        ("binary.txt", "binary content"),
        ("undecodable.txt", "byte offset 23 is not UTF-8"),
    ],
)
def test_each_bad_document_is_named_with_its_limit(hostile_folder, name, limit):
    _, _, result = hostile_folder
    lines = [line for line in result.stderr.splitlines() if line.startswith(f"{name}: ")]
    assert len(lines) == 1 and limit in lines[0], result.stderr
    assert len(lines[0]) < 400


def test_good_document_stored_once_and_links_out_of_the_folder_not_followed(hostile_folder):
    folder, db, result = hostile_folder
    assert _query(db, "SELECT file_name FROM documents") == [("good.txt",)]
    assert _counts(db)["events"] == 1
    assert f"{folder / 'passwd.txt'} — ссылка ведёт за пределы папки" in result.stdout
    assert f"{folder / 'pipe.txt'} — не обычный файл" in result.stdout
    assert not _query(db, "SELECT 1 FROM documents WHERE full_text LIKE '%root:%'")


def test_stored_bytes_are_not_read_again(hostile_folder, tmp_path, monkeypatch):
    folder, db, _ = hostile_folder
    copy = tmp_path / "again"
    copy.mkdir()
    (copy / "good.txt").write_bytes((folder / "good.txt").read_bytes())

    def must_not_run(path, data, is_demo):
        raise AssertionError("extraction ran for a stored file")

    monkeypatch.setattr(ingest, "_prepare_file", must_not_run)
    summary = ingest_documents([copy], db)
    assert summary.unchanged == [str(copy / "good.txt")] and not summary.failed


def test_a_file_over_the_time_limit_fails_alone(tmp_path, monkeypatch):
    # the good document needs ~0.2 s of CPU (a busy shared machine stretches that tenfold), the
    # long line about a minute
    monkeypatch.setenv("ATLAS_SECONDS_PER_FILE", "15")
    (tmp_path / "good.txt").write_text(GOOD_DOCUMENT, encoding="utf-8")
    words = "форум добровольцев прошёл в Сургуте собрал участников из Тюмени и Кемерово".split()
    (tmp_path / "line.txt").write_text(" ".join(words[i % len(words)] for i in range(30_000)))
    summary = ingest_documents([tmp_path], tmp_path / "s.duckdb", workers=2)
    assert list(summary.failed) == [str(tmp_path / "line.txt")]
    assert "ATLAS_SECONDS_PER_FILE" in summary.failed[str(tmp_path / "line.txt")]
    assert summary.stored == [str(tmp_path / "good.txt")]


def test_a_killed_worker_fails_its_file_and_the_batch_finishes(tmp_path, monkeypatch):
    real = ingest._prepare_file

    def killing(path, data, is_demo):
        if path.endswith("killer.txt"):
            os.kill(os.getpid(), signal.SIGKILL)
        return real(path, data, is_demo)

    monkeypatch.setattr(ingest, "_prepare_file", killing)
    for index in range(5):
        text = GOOD_DOCUMENT.replace("120 человек", f"{100 + index} человек")
        (tmp_path / f"doc{index}.txt").write_text(text, encoding="utf-8")
    (tmp_path / "doc2_killer.txt").write_text(GOOD_DOCUMENT + "\nЕщё.", encoding="utf-8")
    summary = ingest_documents([tmp_path], tmp_path / "s.duckdb", workers=2)
    assert list(summary.failed) == [str(tmp_path / "doc2_killer.txt")]
    assert "worker process died" in summary.failed[str(tmp_path / "doc2_killer.txt")]
    assert len(summary.stored) == 5
    assert _counts(tmp_path / "s.duckdb")["documents"] == 5


def test_a_worker_over_its_memory_cap_fails_its_file_alone(tmp_path, monkeypatch):
    # a forked worker starts with the test process's mappings (over 3 GB late in a full run)
    monkeypatch.setenv("ATLAS_WORKER_MEMORY_MB", "6144")
    real = ingest._prepare_file

    def greedy(path, data, is_demo):
        if path.endswith("greedy.txt"):
            bytearray(12 * 1024 * MB)  # more than the cap allows (without it: lazily zeroed pages)
        return real(path, data, is_demo)

    monkeypatch.setattr(ingest, "_prepare_file", greedy)
    (tmp_path / "good.txt").write_text(GOOD_DOCUMENT, encoding="utf-8")
    (tmp_path / "greedy.txt").write_text(GOOD_DOCUMENT + "\nЕщё.", encoding="utf-8")
    summary = ingest_documents([tmp_path], tmp_path / "s.duckdb", workers=2)
    assert list(summary.failed) == [str(tmp_path / "greedy.txt")]
    assert "ATLAS_WORKER_MEMORY_MB" in summary.failed[str(tmp_path / "greedy.txt")]
    assert summary.stored == [str(tmp_path / "good.txt")]


# ---------------------------------------------------------------- tables: every file fails alone


TABLE_CASES = {
    # name: (content, exact fragment of its one error line)
    "overflow.csv": (
        "Дата,Мероприятие,Город,Регион,Число участников\n"
        "14.10.2023,Форум,Югорск,Югра,99999999999\n",
        "строка / row 2, столбец / column «Число участников»: значение 99999999999 больше "
        "допустимого",
    ),
    "negative.csv": (
        "Дата,Мероприятие,Город,Регион,Число участников\n14.10.2023,Форум,Югорск,Югра,-50\n",
        "«Число участников»: ожидается целое неотрицательное число, получено «-50»",
    ),
    "approximate.csv": (
        "Дата,Мероприятие,Город,Регион,Число участников\n14.10.2023,Форум,Югорск,Югра,"
        '"около 1,5 тыс."\n',
        "получено «около 1,5 тыс.»",
    ),
    "exponent.csv": (
        "Дата,Мероприятие,Город,Регион,Число участников\n14.10.2023,Форум,Югорск,Югра,1e6\n",
        "получено «1e6»",
    ),
    "old_date.csv": (
        "Дата,Мероприятие,Город,Регион\n14.10.1899,Форум,Югорск,Югра\n",
        "неправдоподобная дата «14.10.1899»",
    ),
    "future_date.csv": (
        "Дата,Мероприятие,Город,Регион\n14.10.2099,Форум,Югорск,Югра\n",
        "неправдоподобная дата «14.10.2099»",
    ),
    "duplicate_header.csv": (
        "Дата,Мероприятие,Город,Регион,Город\n14.10.2023,Форум,Югорск,Югра,Сургут\n",
        "столбец «Город» повторяется в заголовке / duplicate header column",
    ),
    "extra_cells.csv": (
        "Дата,Мероприятие,Город,Регион\n14.10.2023,Форум,Югорск,Югра,лишнее\n",
        "строка / row 2: 1 лишн. ячеек без заголовка («лишнее» …)",
    ),
    "unclosed_quote.csv": (
        "Дата,Мероприятие,Город,Регион\n"
        '14.10.2023,"Форум,Югорск,Югра\n'
        "15.10.2023,Слёт,Тюмень,Тюменская область\n",
        "строка / line 2: кавычка открыта и не закрыта до конца файла",
    ),
}


@pytest.fixture(scope="module")
def hostile_tables(tmp_path_factory):
    root = tmp_path_factory.mktemp("tables")
    folder = root / "tables"
    folder.mkdir()
    (folder / "a_good.csv").write_text(GOOD_EVENTS_CSV, encoding="utf-8")
    for name, (content, _) in TABLE_CASES.items():
        (folder / name).write_text(content, encoding="utf-8")
    (folder / "big_header.csv").write_text("Ж" * MB + ",Мероприятие\nx,y\n", encoding="utf-8")
    (folder / "cp866_header.csv").write_bytes("Когда,Что\n14.10.2023,Форум\n".encode("cp866"))
    (folder / "bomb.xlsx").write_bytes(
        with_extra_parts(
            minimal_xlsx([["Дата", "Мероприятие"]]), {"xl/media/z.bin": bytes(120 * MB)}
        )
    )
    db = root / "store.duckdb"
    result = run_cli("load", str(folder), "--db", str(db))
    return folder, db, result


def test_hostile_tables_exit_1_good_file_stored(hostile_tables):
    _, db, result = hostile_tables
    _assert_clean_exit(result, 1)
    assert f"с ошибками / failed: {len(TABLE_CASES) + 3}" in result.stdout
    assert _query(db, "SELECT file_name FROM documents") == [("a_good.csv",)]
    assert sorted(_query(db, "SELECT title, participants_count FROM events")) == [
        ("Субботник в сквере", None),
        ("Форум добровольцев", 80),
    ]


@pytest.mark.parametrize("name", sorted(TABLE_CASES))
def test_each_bad_table_names_file_row_and_problem(hostile_tables, name):
    folder, _, result = hostile_tables
    lines = [line for line in result.stderr.splitlines() if line.startswith(str(folder / name))]
    assert len(lines) == 1, result.stderr
    assert TABLE_CASES[name][1] in lines[0]


def test_huge_header_message_is_capped_and_names_the_file(hostile_tables):
    folder, _, result = hostile_tables
    lines = [line for line in result.stderr.splitlines() if "big_header.csv" in line]
    assert lines and all(len(line) < 1000 for line in lines)
    assert len(result.stderr) < 20_000


def test_cp866_header_error_is_readable_russian(hostile_tables):
    _, _, result = hostile_tables
    line = next(line for line in result.stderr.splitlines() if "cp866_header.csv" in line)
    assert "найдены: Когда, Что" in line


def test_xlsx_bomb_refused_before_inflating(hostile_tables):
    _, _, result = hostile_tables
    line = next(line for line in result.stderr.splitlines() if "bomb.xlsx" in line)
    assert "ATLAS_MAX_ZIP_UNCOMPRESSED_BYTES" in line


def test_a_file_that_fails_in_the_store_does_not_take_the_batch_down(tmp_path):
    good = load_tables_bundle(tmp_path, "good.csv", GOOD_EVENTS_CSV)
    bad = load_tables_bundle(tmp_path, "bad.csv", GOOD_EVENTS_CSV.replace("Форум", "Форум два"))
    bad["events"] = bad["events"].assign(participants_count=99_999_999_999)  # past the schema
    with store.open_store(tmp_path / "s.duckdb") as connection:
        results = store.store_each(connection, [bad, good])
    assert isinstance(results[0], duckdb.ConversionException)
    assert results[1] == {"events": 2, "sources": 2, "places": 2}
    counts = _counts(tmp_path / "s.duckdb")
    assert (counts["documents"], counts["events"]) == (1, 2)


def load_tables_bundle(folder, name, text):
    from loaders.pipeline.table_rows import load_table_file

    path = folder / name
    path.write_text(text, encoding="utf-8")
    return store.validated_tables(load_table_file(path))


# ---------------------------------------------------------------- encodings


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16", "cp1251", "cp866", "koi8_r"])
def test_every_supported_encoding_decodes_to_the_same_text(encoding):
    text = GOOD_DOCUMENT.replace("—", "-").replace("«", '"').replace("»", '"')
    assert decode_text(text.encode(encoding), "doc.txt") == text


def test_undecodable_bytes_are_refused_with_the_offset_of_the_first_bad_byte():
    data = "Форум".encode() + b"\x80\x80\x80 and more"
    with pytest.raises(UnreadableFileError, match=r"^doc\.txt: .*byte offset 10 is not UTF-8"):
        decode_text(data, "doc.txt")


def test_documents_in_other_encodings_merge_into_the_same_rows(tmp_path):
    text = GOOD_DOCUMENT.replace("—", "-").replace("«", '"').replace("»", '"')
    for encoding in ["utf-8", "utf-8-sig", "utf-16", "cp1251", "cp866", "koi8_r"]:
        (tmp_path / f"doc_{encoding}.txt").write_bytes(text.encode(encoding))
    (tmp_path / "doc_blank_line.txt").write_text(text + "\n\n", encoding="utf-8")
    db = tmp_path / "s.duckdb"
    summary = ingest_documents([tmp_path], db)
    assert not summary.failed and len(summary.stored) == 7
    counts = _counts(db)
    assert (counts["documents"], counts["events"], counts["agreements"]) == (7, 1, 1)
    assert _query(db, "SELECT count(DISTINCT full_text) FROM documents") == [(1,)]
    reasons = _query(
        db, "SELECT entity, count(*) FROM sources WHERE merge_reason <> '' GROUP BY 1 ORDER BY 1"
    )
    assert reasons == [("agreement", 6), ("event", 6)]


# ---------------------------------------------------------------- duplicates by meaning


def test_re_encoded_and_padded_tables_add_no_rows(tmp_path):
    db = tmp_path / "s.duckdb"
    (tmp_path / "a.csv").write_text(AGREEMENTS_CSV, encoding="utf-8")
    (tmp_path / "b.csv").write_bytes(AGREEMENTS_CSV.encode("cp1251"))
    (tmp_path / "c.csv").write_text(AGREEMENTS_CSV + "\n", encoding="utf-8")
    (tmp_path / "a.json").write_text(LINKS_JSON, encoding="utf-8")
    (tmp_path / "b.json").write_text(LINKS_JSON.replace("\n", "\n  "), encoding="utf-8")
    summary = load_tables([tmp_path], db)
    assert not summary.failed and len(summary.stored) == 5
    counts = _counts(db)
    assert (counts["agreements"], counts["practice_links"]) == (2, 2)
    assert _query(
        db,
        "SELECT entity, merge_reason, count(*) FROM sources WHERE merge_reason <> '' "
        "GROUP BY ALL ORDER BY 1",
    ) == [
        ("agreement", "same date, parties and place", 4),
        ("practice_link", "same from, to, practice and date", 2),
    ]


def test_the_same_row_twice_in_one_file_is_one_event_with_two_sources(tmp_path):
    row = "14.10.2023,Форум добровольцев,Югорск,Югра\n"
    (tmp_path / "twice.csv").write_text("Дата,Мероприятие,Город,Регион\n" + row + row)
    db = tmp_path / "s.duckdb"
    load_tables([tmp_path], db)
    assert _counts(db)["events"] == 1
    assert _query(db, "SELECT row_number, merge_reason <> '' FROM sources ORDER BY 1") == [
        (2, False),
        (3, True),
    ]


def test_a_number_in_the_title_tells_events_apart(tmp_path):
    rows = "".join(f"14.10.2023,Двор {n},Сургут,Югра\n" for n in range(1, 301))
    (tmp_path / "yards.csv").write_text("Дата,Мероприятие,Город,Регион\n" + rows)
    db = tmp_path / "s.duckdb"
    load_tables([tmp_path], db)
    assert _counts(db)["events"] == 300


# ---------------------------------------------------------------- injection: stored as given


def test_markup_and_formulas_in_every_text_field_are_stored_as_given(tmp_path):
    events = "Дата,Мероприятие,Город,Регион,Организаторы\n" + "".join(
        f"{n + 1:02d}.10.2023,{csv_cell(text)},Сургут,Югра,{csv_cell(text.replace(';', ','))}\n"
        for n, text in enumerate(INJECTIONS)
    )
    agreements = "Дата,Стороны,Город,Регион,Предмет\n" + "".join(
        f"{n + 1:02d}.11.2023,{csv_cell('Совет; ' + text.replace(';', ','))},Кемерово,Кузбасс,"
        f"{csv_cell(text)}\n"
        for n, text in enumerate(INJECTIONS)
    )
    links = pd.DataFrame(
        {"Откуда": "Югра", "Куда": "Кузбасс", "Практика": INJECTIONS, "Подтверждение": "internship"}
    )
    (tmp_path / "events.csv").write_text(events, encoding="utf-8")
    (tmp_path / "agreements.csv").write_text(agreements, encoding="utf-8")
    links.to_json(tmp_path / "links.json", orient="records", force_ascii=False)
    db = tmp_path / "s.duckdb"
    summary = load_tables([tmp_path], db)
    assert not summary.failed, summary.failed
    expected = sorted(INJECTIONS)
    assert sorted(t for (t,) in _query(db, "SELECT title FROM events")) == expected
    assert sorted(o[0] for (o,) in _query(db, "SELECT organizers FROM events")) == sorted(
        t.replace(";", ",") for t in INJECTIONS
    )
    assert sorted(s for (s,) in _query(db, "SELECT subject FROM agreements")) == expected
    assert sorted(p for (p,) in _query(db, "SELECT practice FROM practice_links")) == expected


# ---------------------------------------------------------------- concurrent use


def test_a_second_writer_waits_then_exits_1_naming_the_holder(tmp_path):
    db = tmp_path / "s.duckdb"
    (tmp_path / "events.csv").write_text(GOOD_EVENTS_CSV, encoding="utf-8")
    holder = hold_store(db, 30)
    try:
        result = run_cli(
            "load",
            str(tmp_path / "events.csv"),
            "--db",
            str(db),
            env={"ATLAS_LOCK_WAIT_SECONDS": "1"},
        )
    finally:
        holder.kill()
        holder.wait()
    _assert_clean_exit(result, 1)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and f"(PID {holder.pid})" in lines[0] and "store is busy" in lines[0]


def test_two_writers_started_together_both_store_their_files(tmp_path):
    import subprocess
    import sys

    from tests.hostile_files import ROOT

    db = tmp_path / "s.duckdb"
    (tmp_path / "events.csv").write_text(GOOD_EVENTS_CSV, encoding="utf-8")
    (tmp_path / "agreements.csv").write_text(AGREEMENTS_CSV, encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    writers = [
        subprocess.Popen(
            [sys.executable, "-m", "loaders", "load", str(tmp_path / name), "--db", str(db)],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for name in ("events.csv", "agreements.csv")
    ]
    outputs = [writer.communicate(timeout=120) for writer in writers]
    assert [writer.returncode for writer in writers] == [0, 0], outputs
    assert not any("Traceback" in out + err for out, err in outputs)
    counts = _counts(db)
    assert (counts["documents"], counts["events"], counts["agreements"]) == (2, 2, 2)


def test_writer_and_info_wait_for_a_brief_holder_and_succeed(tmp_path):
    db = tmp_path / "s.duckdb"
    (tmp_path / "events.csv").write_text(GOOD_EVENTS_CSV, encoding="utf-8")
    holder = hold_store(db, 3)
    result = run_cli("load", str(tmp_path / "events.csv"), "--db", str(db))
    holder.wait()
    _assert_clean_exit(result, 0)
    holder = hold_store(db, 3)
    info = run_cli("info", "--db", str(db))
    holder.wait()
    assert info.returncode == 0 and "Traceback" not in info.stderr
    assert re.search(r"^events: 2$", info.stdout, re.M)


# ---------------------------------------------------------------- pieces given to NER, document
# values


def test_ner_pieces_cover_the_text_within_the_limit_and_cut_at_sentence_ends():
    from loaders.text.places import ner_chunks

    text = ("Форум прошёл в Сургуте. " * 300) + "х" * 700 + "\nКонец."
    pieces = ner_chunks(text, 500)
    assert "".join(piece for _, piece in pieces) == text
    assert all(text[offset : offset + len(piece)] == piece for offset, piece in pieces)
    assert all(len(piece) <= 500 for _, piece in pieces)
    sentence_pieces = [piece for _, piece in pieces if piece.lstrip().startswith("Форум")][:-1]
    assert len(sentence_pieces) > 10 and all(
        piece.endswith("Сургуте.") for piece in sentence_pieces
    )


def test_implausible_document_values_become_warnings_and_the_count_is_dropped():
    import datetime as dt

    events = [
        {
            "title": "Форум",
            "date_start": dt.date(1899, 1, 1),
            "date_end": dt.date(1899, 1, 1),
            "participants_count": 120,
        },
        {
            "title": "Слёт",
            "date_start": dt.date(2023, 5, 1),
            "date_end": dt.date(2023, 5, 1),
            "participants_count": 99_999_999_999,
        },
    ]
    warnings = ingest._implausible_values("doc.txt", {"events": events})
    assert [w.split(" / ")[-1] for w in warnings] == [
        "implausible event date",
        "implausible participant count dropped",
    ]
    assert [event["participants_count"] for event in events] == [120, None]


def test_near_copies_of_the_demo_documents_add_no_rows(tmp_path):
    import shutil

    from loaders.paths import DEMO_DOCUMENTS_DIR

    originals, copies = tmp_path / "originals", tmp_path / "copies"
    shutil.copytree(DEMO_DOCUMENTS_DIR, originals)
    copies.mkdir()
    for path in sorted(originals.glob("*.txt")):
        (copies / path.name).write_bytes(path.read_bytes() + b"\n\n")
    db = tmp_path / "s.duckdb"
    ingest_documents([originals], db)
    before = _counts(db)
    summary = ingest_documents([copies], db)
    after = _counts(db)
    assert len(summary.stored) == len(list(copies.iterdir())) > 0
    for table in ("events", "agreements", "report_items", "practice_links"):
        assert after[table] == before[table] > 0, table
    merged = _query(db, "SELECT count(*) FROM sources WHERE merge_reason <> ''")[0][0]
    assert merged == sum(
        before[t] for t in ("events", "agreements", "report_items", "practice_links")
    )


PAGE = (
    "<html><head><meta charset='{declared}'><title>Форум</title></head><body><p>Форум "
    "добровольцев прошёл в Сургуте 14 октября 2023 года и собрал сто двадцать участников.</p>"
    "</body></html>"
)


@pytest.mark.parametrize("actual", ["utf-8", "cp1251", "koi8_r", "cp866"])
@pytest.mark.parametrize("declared", ["utf-8", "windows-1251", "koi8-r"])
def test_a_page_reads_right_whatever_its_meta_charset_says(actual, declared):
    from pathlib import Path

    from loaders.read.documents import decode_html

    page = PAGE.format(declared=declared)
    assert decode_html(page.encode(actual), Path("page.html")) == page
