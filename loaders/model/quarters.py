"""Calendar quarters: keys like '2023Q4', Russian labels like 'IV кв. 2023', and ranges."""

from __future__ import annotations

import datetime as dt
import re

ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV"}
_QUARTER_KEY = re.compile(r"^(\d{4})Q([1-4])$")


def quarter_key(day: dt.date) -> str:
    """'2023Q4' for any day in October–December 2023."""
    return f"{day.year}Q{(day.month - 1) // 3 + 1}"


def parse_quarter_key(key: str) -> tuple[int, int]:
    """(year, quarter) from '2023Q4'; ValueError on anything else."""
    match = _QUARTER_KEY.match(key.strip())
    if not match:
        raise ValueError(f"not a quarter key: {key!r} (expected like 2023Q4)")
    return int(match.group(1)), int(match.group(2))


def quarter_bounds(key: str) -> tuple[dt.date, dt.date]:
    """First and last day of the quarter."""
    year, quarter = parse_quarter_key(key)
    first = dt.date(year, 3 * quarter - 2, 1)
    next_first = dt.date(year + (quarter == 4), 1 if quarter == 4 else 3 * quarter + 1, 1)
    return first, next_first - dt.timedelta(days=1)


def quarter_label(key: str) -> str:
    """Russian label: '2023Q4' → 'IV кв. 2023'."""
    year, quarter = parse_quarter_key(key)
    return f"{ROMAN[quarter]} кв. {year}"


def shift_quarter(key: str, by: int) -> str:
    """The quarter `by` quarters after `key` (negative: before)."""
    year, quarter = parse_quarter_key(key)
    index = year * 4 + (quarter - 1) + by
    return f"{index // 4}Q{index % 4 + 1}"


def quarter_range(first: str, last: str) -> list[str]:
    """All quarter keys from first to last inclusive (empty if first is after last)."""
    keys = []
    current = first
    while parse_quarter_key(current) <= parse_quarter_key(last):
        keys.append(current)
        current = shift_quarter(current, 1)
    return keys
