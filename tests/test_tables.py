"""Structured table loaders: formats, header recognition, errors naming file/row/column, atomicity,
idempotence."""

import datetime as dt
import json
import subprocess
import sys

import duckdb
import pytest
from openpyxl import Workbook

from loaders.pipeline.load_tables import load_tables
from loaders.pipeline.table_rows import load_table_file
from loaders.read.tables import TableLoadError

HEADER = "Дата,Мероприятие,Тип,Город,Регион\n"


def write(path, text, encoding="utf-8"):
    path.write_bytes(text.encode(encoding))
    return path


def counts(db_path):
    with duckdb.connect(str(db_path), read_only=True) as connection:
        return {
            t: connection.execute(f"SELECT count(*) FROM {t}").fetchall()[0][0]
            for t in ("documents", "events", "sources")
        }


def test_utf8_comma_csv_reads_every_field(tmp_path):
    path = write(
        tmp_path / "e.csv",
        HEADER
        + '14.10.2023,"Форум ""Эко""",форум,Югорск,Югра\n10-12.10.2023,Акция,,Советский,ХМАО\n',
    )
    events = load_table_file(path).tables["events"]
    first, second = events.to_dict("records")
    assert (
        first["title"],
        first["event_type"],
        first["settlement_name"],
        first["region_code"],
    ) == ('Форум "Эко"', "forum", "Югорск", "RU-KHM")
    assert (second["date_start"], second["date_end"], second["event_type"]) == (
        dt.date(2023, 10, 10),
        dt.date(2023, 10, 12),
        "action",
    )
    assert (
        second["settlement_name"] == "Советский" and second["region_code"] == "RU-KHM"
    )  # not Mari El's Советский
    assert first["geo_precision"] == "settlement" and 60 < first["lat"] < 62


def test_cp1251_semicolon_csv(tmp_path):
    text = "Дата;Мероприятие;Город;Регион\n14 октября 2023;Субботник;Кемерово;Кузбасс\n"
    events = load_table_file(write(tmp_path / "e.csv", text, "cp1251")).tables["events"]
    assert events.loc[0, "region_code"] == "RU-KEM"
    assert events.loc[0, "date_start"] == dt.date(2023, 10, 14)


def test_english_headers_and_json(tmp_path):
    records = [{"date": "2023-10-14", "title": "Forum", "city": "Тюмень", "region": "RU-TYU"}]
    events = load_table_file(
        write(tmp_path / "e.json", json.dumps(records, ensure_ascii=False))
    ).tables["events"]
    assert events.loc[0, "settlement_name"] == "Тюмень"


def test_xlsx_with_date_cells(tmp_path):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Дата", "Мероприятие", "Город", "Регион"])
    sheet.append([dt.datetime(2023, 3, 5), "Ярмарка НКО", "Киров", "Кировская область"])
    workbook.save(tmp_path / "e.xlsx")
    bundle = load_table_file(tmp_path / "e.xlsx")
    event = bundle.tables["events"].iloc[0]
    assert (event["date_start"], event["event_type"], event["region_code"]) == (
        dt.date(2023, 3, 5),
        "fair",
        "RU-KIR",
    )
    source = bundle.tables["sources"].iloc[0]
    assert "Ярмарка НКО" in bundle.document["full_text"][source["char_start"] : source["char_end"]]


def test_kinds_are_recognised_from_headers(tmp_path):
    agreements = write(
        tmp_path / "a.csv", "Дата,Стороны,Город,Регион\n01.11.2023,А; Б; В,Кемерово,Кузбасс\n"
    )
    links = write(
        tmp_path / "l.csv",
        "Откуда,Куда,Практика,Дата\nЮгра,Тюменская область,волонтёрство,2023-05-01\n",
    )
    agreement = load_table_file(agreements).tables["agreements"].iloc[0]
    assert (agreement["parties_count"], list(agreement["parties"])) == (3, ["А", "Б", "В"])
    link = load_table_file(links).tables["practice_links"].iloc[0]
    assert (link["from_region"], link["to_region"], link["evidence_type"]) == (
        "RU-KHM",
        "RU-TYU",
        "other",
    )


def test_provenance_points_at_the_row(tmp_path):
    path = write(
        tmp_path / "e.csv",
        HEADER + "14.10.2023,Первый,форум,Югорск,Югра\n15.10.2023,Второй,форум,Сургут,Югра\n",
    )
    bundle = load_table_file(path)
    text = bundle.document["full_text"]
    passages = {
        row["row_number"]: text[row["char_start"] : row["char_end"]]
        for row in bundle.tables["sources"].to_dict("records")
    }
    assert passages == {
        2: "14.10.2023,Первый,форум,Югорск,Югра",
        3: "15.10.2023,Второй,форум,Сургут,Югра",
    }


@pytest.mark.parametrize(
    "name, content, expected",
    [
        ("empty.csv", b"", "пуст"),
        ("garbage.csv", bytes(range(256)) * 4, "двоичные"),
        (
            "latin.csv",
            "Date,Title,City,Region\n14.10.2023,Caf\u00e9 \u00e0 la cr\u00e8me,X,Y\n".encode(
                "latin-1"
            ),
            "кодировк",
        ),
        ("nocolumn.csv", "Мероприятие,Город,Регион\nФорум,Югорск,Югра\n".encode(), "«Дата / date»"),
        ("headeronly.csv", HEADER.encode(), "нет строк"),
    ],
)
def test_bad_files_get_a_clear_error(tmp_path, name, content, expected):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(TableLoadError) as error:
        load_table_file(path)
    assert name in str(error.value)
    assert expected in str(error.value)


def test_unknown_region_names_file_row_column_and_value(tmp_path):
    path = write(
        tmp_path / "e.csv",
        HEADER
        + "14.10.2023,Форум,форум,Югорск,Югра\n15.10.2023,Акция,акция,Пермь,Марсианская обл.\n",
    )
    with pytest.raises(TableLoadError) as error:
        load_table_file(path)
    message = str(error.value)
    assert (
        "e.csv" in message
        and "row 3" in message
        and "«Регион»" in message
        and "Марсианская обл." in message
    )


def test_bad_file_writes_nothing_and_good_files_still_load(tmp_path):
    db = tmp_path / "s.duckdb"
    good = write(tmp_path / "good.csv", HEADER + "14.10.2023,Форум,форум,Югорск,Югра\n")
    bad = write(
        tmp_path / "bad.csv",
        HEADER + "14.10.2023,Форум,форум,Сургут,Югра\nзавтра,Акция,акция,Сургут,Югра\n",
    )
    summary = load_tables([good, bad], db)
    assert summary.stored == [str(good)] and list(summary.failed) == [str(bad)]
    assert counts(db) == {"documents": 1, "events": 1, "sources": 1}


def test_reloading_the_same_file_changes_nothing(tmp_path):
    db = tmp_path / "s.duckdb"
    path = write(tmp_path / "e.csv", HEADER + "14.10.2023,Форум,форум,Югорск,Югра\n")
    load_tables([path], db)
    before = counts(db)
    again = load_tables([path], db)
    assert again.unchanged == [str(path)] and again.stored == []
    assert counts(db) == before


def test_cli_exits_non_zero_and_names_the_problem(tmp_path):
    bad = write(tmp_path / "bad.csv", HEADER + "14.10.2023,Форум,форум,Пермь,Нарния\n")
    result = subprocess.run(
        [sys.executable, "-m", "loaders", "load", str(bad), "--db", str(tmp_path / "s.duckdb")],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 1
    assert "bad.csv" in result.stderr and "Нарния" in result.stderr and "row 2" in result.stderr
