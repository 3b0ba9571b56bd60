"""Russian date expressions."""

import datetime as dt

import pytest

from loaders.text.dates import DateParseError, find_dates, parse_date

D = dt.date


@pytest.mark.parametrize(
    "text, start, end, precision",
    [
        ("14.10.2023", D(2023, 10, 14), D(2023, 10, 14), "day"),
        ("14 октября 2023 года", D(2023, 10, 14), D(2023, 10, 14), "day"),
        ("2023-10-14", D(2023, 10, 14), D(2023, 10, 14), "day"),
        ("10-12.10.2023", D(2023, 10, 10), D(2023, 10, 12), "day"),
        ("17-23.11.2023", D(2023, 11, 17), D(2023, 11, 23), "day"),
        ("22-23 ноября 2022 года", D(2022, 11, 22), D(2022, 11, 23), "day"),
        ("30 ноября – 2 декабря 2023", D(2023, 11, 30), D(2023, 12, 2), "day"),
        ("28.02-03.03.2024", D(2024, 2, 28), D(2024, 3, 3), "day"),
        ("12.05.23", D(2023, 5, 12), D(2023, 5, 12), "day"),
        ("за IV квартал 2023 года", D(2023, 10, 1), D(2023, 12, 31), "quarter"),
        ("2023Q3", D(2023, 7, 1), D(2023, 9, 30), "quarter"),
        ("в марте 2023 года", D(2023, 3, 1), D(2023, 3, 31), "month"),
        ("в 2022 г.", D(2022, 1, 1), D(2022, 12, 31), "year"),
    ],
)
def test_parse_date(text, start, end, precision):
    span = parse_date(text)
    assert (span.start, span.end, span.precision) == (start, end, precision)


def test_missing_year_comes_from_default():
    span = parse_date("с 4 по 6 декабря", default_year=2023)
    assert (span.start, span.end) == (D(2023, 12, 4), D(2023, 12, 6))


def test_missing_year_without_default_is_an_error():
    with pytest.raises(DateParseError):
        parse_date("с 4 по 6 декабря")


@pytest.mark.parametrize("text", ["завтра", "", "31.02.2023", "12-10.10.2023"])
def test_unreadable_dates(text):
    with pytest.raises(DateParseError):
        parse_date(text)


def test_find_dates_reports_offsets():
    text = "Форум прошёл 14 октября 2023 года, а семинар — 04.11.2023."
    found = find_dates(text)
    assert [text[s:e] for s, e, _ in found] == ["14 октября 2023", "04.11.2023"]
