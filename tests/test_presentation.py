"""What readers see and download: Russian headers and labels, safe spreadsheet cells, both CSV
forms."""

import csv
import datetime as dt
import io

import openpyxl
import pandas as pd

from dashboard.presentation import (
    csv_bytes,
    merge_reason_text,
    neutralise_cell,
    plotly_text,
    readable,
    xlsx_bytes,
)
from loaders.model.schema import ALL_TABLES

HOSTILE = ['=HYPERLINK("http://x")', "+1+2", "-3+4", "@SUM(A1)", "\tcmd", "\rcmd"]
ROWS = pd.DataFrame(
    {
        "event_id": [f"ev_{i}" for i in range(len(HOSTILE))],
        "title": HOSTILE,
        "event_type": ["forum", "action", "exhibition", "other", "quest", "fair"],
        "date_start": pd.to_datetime(["2023-10-14"] * len(HOSTILE)),
        "region_code": ["RU-KHM"] * len(HOSTILE),
        "participants_count": [None, 5, None, None, None, None],
    }
)
ABOUT = ["Источник: тест", "Фильтр: регионы: все"]


def test_readable_frame_speaks_russian():
    shown = readable(ROWS, {"RU-KHM": "Ханты-Мансийский АО"})
    internal = {column.name for table in ALL_TABLES for column in table.columns}
    assert not internal & set(shown.columns), set(shown.columns)
    assert shown["Тип мероприятия"].tolist()[:3] == ["Форум", "Акция", "Выставка"]
    assert shown["Регион"].iloc[0] == "Ханты-Мансийский АО"
    assert shown["Код региона"].iloc[0] == "RU-KHM"
    assert shown["Дата начала"].iloc[0] == dt.date(2023, 10, 14)
    assert shown["Число участников"].iloc[0] is None


def test_every_text_cell_that_starts_a_formula_is_neutralised():
    assert [neutralise_cell(v) for v in HOSTILE] == ["'" + v for v in HOSTILE]
    assert neutralise_cell("Форум") == "Форум" and neutralise_cell(-3) == -3


def test_csv_for_russian_excel_and_plain_csv():
    shown = readable(ROWS)
    excel = csv_bytes(shown, ABOUT, excel=True)
    assert excel.startswith("\ufeff".encode("utf-8"))
    text = excel.decode("utf-8-sig")
    assert text.splitlines()[0] == "Источник: тест"
    header = text.splitlines()[2]
    assert header.split(";")[:3] == ["Мероприятие (id)", "Название", "Тип мероприятия"]
    assert "14.10.2023" in text and "00:00:00" not in text
    rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=";"))[3:]
    assert len(rows) == len(HOSTILE)
    assert all(row[1].startswith("'") for row in rows), rows
    plain = csv_bytes(shown, ABOUT, excel=False)
    assert not plain.startswith("\ufeff".encode("utf-8"))
    header, *rows = list(csv.reader(io.StringIO(plain.decode("utf-8"), newline="")))[2:]
    assert rows[0][header.index("Дата начала")] == "2023-10-14"
    assert all(row[1].startswith("'") for row in rows), rows


def test_xlsx_has_string_cells_real_dates_and_an_about_sheet():
    workbook = openpyxl.load_workbook(io.BytesIO(xlsx_bytes(readable(ROWS), ABOUT)))
    table = workbook["Данные"]
    header = [cell.value for cell in table[1]]
    assert header[:3] == ["Мероприятие (id)", "Название", "Тип мероприятия"]
    titles = [row[1] for row in table.iter_rows(min_row=2)]
    assert all(cell.data_type == "s" and cell.value.startswith("'") for cell in titles)
    dates = [row[header.index("Дата начала")].value for row in table.iter_rows(min_row=2)]
    assert all(
        isinstance(value, dt.datetime) and value.date() == dt.date(2023, 10, 14) for value in dates
    )
    assert [row[0].value for row in workbook["О выгрузке"].iter_rows()] == ABOUT


def test_merge_reason_reads_in_russian():
    text = merge_reason_text(
        "dates overlap (2023-04-12 / 2023-04-12), same region RU-KHM, same type, title "
        "similarity 0.67",
        {"RU-KHM": "Ханты-Мансийский АО"},
    )
    assert text == (
        "даты совпадают (12.04.2023 и 12.04.2023), тот же регион (Ханты-Мансийский АО), тот же "
        "тип, "
        "сходство названий 67 %"
    )


def test_plotly_text_cannot_make_a_link():
    assert plotly_text("<a href='http://x'>y</a>") == "&lt;a href='http://x'&gt;y&lt;/a&gt;"


def test_numbers_agree_with_their_nouns():
    from dashboard.presentation import count_phrase

    phrases = [count_phrase(n, "регион") for n in (1, 4, 5, 11, 21, 22)]
    assert phrases == [
        "1 регион",
        "4 региона",
        "5 регионов",
        "11 регионов",
        "21 регион",
        "22 региона",
    ]


def test_default_period_is_the_latest_eight_quarters_with_data():
    from dashboard import filters

    quarters = ["2015Q2"] + [f"{year}Q{q}" for year in (2023, 2024) for q in (1, 2, 3, 4)]
    events = pd.DataFrame({"quarter": pd.Categorical(quarters + ["2024Q4"])})
    assert filters.default_range(events) == ("2023Q1", "2024Q4")
    assert filters.left_out_of_default(events, "2023Q1") == (1, "2015Q2")
    assert filters.default_range(events.iloc[1:3]) == ("2023Q1", "2023Q2")
    assert filters.default_range(events.iloc[0:0]) is None
