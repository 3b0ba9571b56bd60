"""Quarters in the dashboard as pandas Periods: one calendar for arithmetic, labels and SQL.

Widgets, URLs and the loaded quarter columns keep the key form of a Period («2023Q4», which is
str(pd.Period("2023Q4", "Q"))), so links stay stable and the national-scale filters keep comparing
categories; every computation on a quarter goes through a Period here.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV"}


def quarter_sql(column: str) -> str:
    """The one SQL expression for the quarter key of a date column: '2023Q4' (DuckDB and
    PostgreSQL)."""
    return f"EXTRACT(year FROM {column}) || 'Q' || EXTRACT(quarter FROM {column})"


def as_period(quarter: str | pd.Period) -> pd.Period:
    """A quarter key ('2023Q4') or Period as a quarterly Period; ValueError on anything else."""
    if isinstance(quarter, pd.Period):
        return quarter.asfreq("Q")
    if not isinstance(quarter, str) or len(quarter.strip()) != 6 or quarter.strip()[4] != "Q":
        raise ValueError(f"not a quarter key: {quarter!r} (expected like 2023Q4)")
    return pd.Period(quarter.strip(), freq="Q")


def quarter_key(day: dt.date | pd.Timestamp) -> str:
    """'2023Q4' for any day in October–December 2023."""
    return str(pd.Period(day, freq="Q"))


def quarter_label(quarter: str | pd.Period) -> str:
    """Russian label: '2023Q4' → 'IV кв. 2023'."""
    period = as_period(quarter)
    return f"{ROMAN[period.quarter]} кв. {period.year}"


def shift_quarter(quarter: str | pd.Period, by: int) -> str:
    """The key of the quarter `by` quarters after `quarter` (negative: before)."""
    return str(as_period(quarter) + by)


def quarter_range(first: str | pd.Period, last: str | pd.Period) -> list[str]:
    """Keys of all quarters from first to last inclusive (empty if first is after last)."""
    start, end = as_period(first), as_period(last)
    if start > end:
        return []
    return [str(period) for period in pd.period_range(start, end, freq="Q")]


def quarter_bounds(quarter: str | pd.Period) -> tuple[dt.date, dt.date]:
    """The first and the last day of the quarter."""
    period = as_period(quarter)
    return period.start_time.date(), period.end_time.date()


def quarter_keys(years: pd.Series, quarters: pd.Series) -> pd.Series:
    """Keys ('2023Q4') of year and quarter numbers, as SQL's EXTRACT(YEAR/QUARTER …) returns them
    (integers or floats); the index is kept."""
    periods = pd.PeriodIndex.from_fields(
        year=years.astype("int64").to_numpy(), quarter=quarters.astype("int64").to_numpy(), freq="Q"
    )
    return pd.Series(periods.astype(str), index=years.index, dtype=object)
