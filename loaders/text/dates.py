"""Russian date expressions → DateSpan(start, end, precision).

Handles 14.10.2023, 14.10.23, 2023-10-14, «14 октября 2023 года», ranges «10-12.10.2023»,
«22-23 ноября 2022», «с 4 по 6 декабря», «30 ноября – 2 декабря 2023», month-only «октябрь 2023»,
quarters «IV квартал 2023» / 2023Q4, and years «в 2022 г.». A missing year comes from
`default_year`.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from loaders.model.quarters import quarter_bounds

MONTH_STEMS = {
    "январ": 1,
    "феврал": 2,
    "март": 3,
    "апрел": 4,
    "ма": 5,
    "июн": 6,
    "июл": 7,
    "август": 8,
    "сентябр": 9,
    "октябр": 10,
    "ноябр": 11,
    "декабр": 12,
}
ROMAN_QUARTERS = {"i": 1, "ii": 2, "iii": 3, "iv": 4, "1": 1, "2": 2, "3": 3, "4": 4}

_DASH = r"\s*[-‐‑–—−]\s*"  # hyphen, non-breaking hyphen, en and em dash, minus
_MONTH_WORD = (
    r"(январ[ьяе]|феврал[ьяе]|марта?|марте|апрел[ьяе]|ма[йяе]|июн[ьяе]|июл[ьяе]|августа?|августе|"
    r"сентябр[ьяе]|октябр[ьяе]|ноябр[ьяе]|декабр[ьяе])"
)
_YEAR = r"(\d{4}|\d{2})(?!\d)"  # also glued to «г.»: «15.04.22г.»
_MONTH_GAP = _DASH + r"|\s+(?:по|до)\s+"  # «5 мая – 10 июля», «с 21 июля по 1 августа»


@dataclass(frozen=True)
class DateSpan:
    """A dated interval with the precision the source gave (day, month, quarter, year)."""

    start: dt.date
    end: dt.date
    precision: str


class DateParseError(ValueError):
    """Raised when text holds no date we can read."""


def month_number(word: str) -> int:
    """Month number from a Russian month word in any case («октября», «марте», «май»)."""
    lowered = word.lower()
    for stem, number in MONTH_STEMS.items():
        if lowered.startswith(stem) and (stem != "ма" or lowered[:3] in {"май", "мая", "мае"}):
            return number
    raise DateParseError(f"not a month: {word!r}")


def full_year(text: str) -> int:
    """Four-digit year; two-digit years are 20xx."""
    year = int(text)
    return year + 2000 if year < 100 else year


def _month_end(year: int, month: int) -> dt.date:
    next_first = dt.date(year + (month == 12), 1 if month == 12 else month + 1, 1)
    return next_first - dt.timedelta(days=1)


def _day(year: int, month: int, day: int) -> dt.date:
    try:
        return dt.date(year, month, day)
    except ValueError as error:
        raise DateParseError(f"no such day: {day:02d}.{month:02d}.{year}") from error


def _span(start: dt.date, end: dt.date, precision: str) -> DateSpan:
    if end < start:
        raise DateParseError(f"range ends before it starts: {start} – {end}")
    return DateSpan(start, end, precision)


def _need_year(year_text: str | None, default_year: int | None) -> int:
    if year_text:
        return full_year(year_text)
    if default_year is None:
        raise DateParseError("the date has no year and no default year is known")
    return default_year


_PATTERNS: list[tuple[re.Pattern, str]] = [
    (re.compile(r"(\d{4})-(\d{2})-(\d{2})(?:" + _DASH + r"(\d{4})-(\d{2})-(\d{2}))?"), "iso"),
    # «12-05-2025»: a page date in a breadcrumb line (day first, hyphens, a full year only)
    (re.compile(r"(?<![\d-])(\d{2})-(\d{2})-(\d{4})(?![\d-])"), "dmy_dash"),
    (
        re.compile(r"(?<![\d.])(\d{1,2})\.(\d{1,2})" + _DASH + r"(\d{1,2})\.(\d{1,2})\." + _YEAR),
        "dm_dm_y",
    ),
    (re.compile(r"(?<![\d.])(\d{1,2})" + _DASH + r"(\d{1,2})\.(\d{1,2})\." + _YEAR), "d_dm_y"),
    (
        re.compile(
            r"(?<![\d.])(\d{1,2})\.(\d{1,2})\."
            + _YEAR
            + r"(?:"
            + _DASH
            + r"(\d{1,2})\.(\d{1,2})\."
            + _YEAR
            + r")?"
        ),
        "dmy",
    ),
    (
        re.compile(
            r"(\d{1,2})\s+"
            + _MONTH_WORD
            + r"(?:\s+"
            + _YEAR
            + r")?(?:"
            + _MONTH_GAP
            + r")(\d{1,2})\s+"
            + _MONTH_WORD
            + r"(?:\s+(\d{4}))?",
            re.I,
        ),
        "dM_dM_y",
    ),
    (
        re.compile(
            r"(?:\b[сСcC][ \t]+)?(\d{1,2})(?:"
            + _DASH
            + r"|\s+по\s+|\s+и\s+)(\d{1,2})\s+"
            + _MONTH_WORD
            + r"(?:\s+(\d{4}))?",
            re.I,
        ),
        "d_dM_y",
    ),
    # «09 сентября, 2021» (a page date with a comma before the year); an ordinal suffix too:
    # «30-го января», «1-е мая»
    (
        re.compile(
            r"(\d{1,2})(?:-?(?:го|е|ое|ого))?\s+" + _MONTH_WORD + r"(?:,?\s+(\d{4}))?", re.I
        ),
        "dM_y",
    ),
    (
        re.compile(r"\b([IV]{1,3}|[1-4])\s*(?:-?й\s+)?(?:квартал[аеу]?|кв\.)\s*(\d{4})", re.I),
        "quarter",
    ),
    (re.compile(r"\b(\d{4})\s*Q([1-4])\b", re.I), "quarter_key"),
    # month ranges: «с мая по июль 2023 года», «в сентябре — октябре», «май-июнь 2018 г.»
    (
        re.compile(
            r"(?:\b[сС]\s+"
            + _MONTH_WORD
            + r"\s+по\s+|\b"
            + _MONTH_WORD
            + _DASH
            + r")"
            + _MONTH_WORD
            + r"(?:\s+(\d{4}))?",
            re.I,
        ),
        "M_M_y",
    ),
    (re.compile(r"\b" + _MONTH_WORD + r"\s+(\d{4})", re.I), "M_y"),
    (re.compile(r"\b(\d{4})\s*(?:г\.|год[ауе]?|гг\.)?", re.I), "year"),
]


def _from_match(kind: str, g: tuple, default_year: int | None) -> DateSpan:
    if kind == "iso":
        start = _day(int(g[0]), int(g[1]), int(g[2]))
        end = _day(int(g[3]), int(g[4]), int(g[5])) if g[3] else start
        return _span(start, end, "day")
    if kind == "dmy_dash":
        start = _day(int(g[2]), int(g[1]), int(g[0]))
        return _span(start, start, "day")
    if kind == "dm_dm_y":
        year = full_year(g[4])
        return _span(_day(year, int(g[1]), int(g[0])), _day(year, int(g[3]), int(g[2])), "day")
    if kind == "d_dm_y":
        year, month = full_year(g[3]), int(g[2])
        return _span(_day(year, month, int(g[0])), _day(year, month, int(g[1])), "day")
    if kind == "dmy":
        start = _day(full_year(g[2]), int(g[1]), int(g[0]))
        end = _day(full_year(g[5]), int(g[4]), int(g[3])) if g[3] else start
        return _span(start, end, "day")
    if kind == "dM_dM_y":
        end_year = _need_year(g[5] or g[2], default_year)
        start_year = full_year(g[2]) if g[2] else end_year
        start_month, end_month = month_number(g[1]), month_number(g[4])
        if not g[2] and start_month > end_month:
            start_year -= 1
        return _span(
            _day(start_year, start_month, int(g[0])), _day(end_year, end_month, int(g[3])), "day"
        )
    if kind == "d_dM_y":
        year, month = _need_year(g[3], default_year), month_number(g[2])
        return _span(_day(year, month, int(g[0])), _day(year, month, int(g[1])), "day")
    if kind == "dM_y":
        year = _need_year(g[2], default_year)
        start = _day(year, month_number(g[1]), int(g[0]))
        return _span(start, start, "day")
    if kind == "quarter":
        first, last = quarter_bounds(f"{g[1]}Q{ROMAN_QUARTERS[g[0].lower()]}")
        return _span(first, last, "quarter")
    if kind == "quarter_key":
        first, last = quarter_bounds(f"{g[0]}Q{g[1]}")
        return _span(first, last, "quarter")
    if kind == "dm":
        year = _need_year(None, default_year)
        start = _day(year, int(g[1]), int(g[0]))
        end = _day(year, int(g[3]), int(g[2])) if g[2] else start
        return _span(start, end, "day")
    if kind == "M_M_y":
        year = _need_year(g[3], default_year)
        first, last = month_number(g[0] or g[1]), month_number(g[2])
        return _span(dt.date(year, first, 1), _month_end(year, last), "month")
    if kind == "M_y":
        year, month = int(g[1]), month_number(g[0])
        return _span(dt.date(year, month, 1), _month_end(year, month), "month")
    year = int(g[0])
    if not 1990 <= year <= 2100:
        raise DateParseError(f"implausible year {year}")
    return _span(dt.date(year, 1, 1), dt.date(year, 12, 31), "year")


# «12.07», «03.09 – 05.09» without a year: read only where the caller knows the rows are dates
# (a report's date cells), as in running text «12.00» may be a time.
_DAY_MONTH = (
    re.compile(r"(?<![\d.:])(\d{1,2})\.(\d{2})(?:" + _DASH + r"(\d{1,2})\.(\d{2}))?(?![\d:]|\.\d)"),
    "dm",
)


def find_dates(
    text: str, default_year: int | None = None, day_month: bool = False
) -> list[tuple[int, int, DateSpan]]:
    """Every date expression in text as (char_start, char_end, span), left to right, not
    overlapping.
    `day_month` also reads «12.07» (day.month, no year) with the default year."""
    found: list[tuple[int, int, DateSpan]] = []
    taken: list[tuple[int, int]] = []
    patterns = _PATTERNS[:4] + [_DAY_MONTH] + _PATTERNS[4:] if day_month else _PATTERNS
    for pattern, kind in patterns:
        for match in pattern.finditer(text):
            start, end = match.span()
            if any(start < t_end and t_start < end for t_start, t_end in taken):
                continue
            taken.append((start, end))  # an impossible date is not re-read by a weaker pattern
            try:
                span = _from_match(kind, match.groups(), default_year)
            except DateParseError:
                continue
            found.append((start, end, span))
    return sorted(found, key=lambda item: item[0])


def parse_date(value, default_year: int | None = None) -> DateSpan:
    """The first date expression in a cell or phrase; DateParseError if there is none."""
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        return DateSpan(value, value, "day")
    text = str(value or "").strip()
    if not text:
        raise DateParseError("empty date")
    found = find_dates(text, default_year)
    if not found:
        raise DateParseError(f"cannot read a date in {text!r}")
    return found[0][2]
