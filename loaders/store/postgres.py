"""The PostgreSQL/PostGIS store behind the same small connection interface the DuckDB store uses:
`execute(sql, params)` with `?` placeholders returning something with `fetchone`/`fetchall`/`df`,
explicit BEGIN/COMMIT/ROLLBACK, `close`, and `insert_frame` (COPY) for bulk rows.

The store's SQL is written in the common subset of both engines; the few spellings that differ are
translated here (placeholders, a typed `unnest` of a list parameter)."""

from __future__ import annotations

import datetime as dt
import math
import re

import numpy as np
import pandas as pd
import psycopg

SERVER_SCHEMES = ("postgresql://", "postgres://")

# psycopg sends a Python list as an array whose element type PostgreSQL must infer; an empty list
# has none, so the store's `unnest(?)` gets an explicit array type from its elements (text if none).
_PLACEHOLDER = re.compile(r"unnest\(\s*\?\s*\)|\?", re.IGNORECASE)
_DATE_TYPES = {"date", "timestamp", "timestamptz"}
_NUMBER_TYPES = {"int2", "int4", "int8", "float4", "float8", "numeric"}


def is_server_url(target) -> bool:
    """True for a postgresql:// (or postgres://) URL, False for a DuckDB file path."""
    return isinstance(target, str) and target.startswith(SERVER_SCHEMES)


def _array_type(values) -> str:
    sample = next((value for value in values if value is not None), None)
    if isinstance(sample, dt.datetime):
        return "timestamp[]"
    if isinstance(sample, dt.date):
        return "date[]"
    if isinstance(sample, bool):
        return "boolean[]"
    if isinstance(sample, int):
        return "bigint[]"
    if isinstance(sample, float):
        return "float8[]"
    return "text[]"


def translate_sql(sql: str, parameters: list | None = None) -> str:
    """DuckDB-style SQL with `?` placeholders → psycopg's `%s` (literal % doubled); a list bound
    to `unnest(?)` is typed from its (already plain) elements."""
    parameters = list(parameters or [])
    position = 0

    def placeholder(match: re.Match) -> str:
        nonlocal position
        value = parameters[position] if position < len(parameters) else None
        position += 1
        if match.group(0) == "?":
            return "%s"
        return f"unnest(%s::{_array_type(value or [])})"

    return _PLACEHOLDER.sub(placeholder, sql.replace("%", "%%"))


class ServerResult:
    """The rows of one statement, read like a DuckDB result."""

    def __init__(self, cursor: psycopg.Cursor) -> None:
        self._cursor = cursor

    def fetchone(self):
        if self._cursor.description is None:  # INSERT/UPDATE/DELETE: DuckDB answers its row count
            return (self._cursor.rowcount,)
        return self._cursor.fetchone()

    def fetchall(self) -> list[tuple]:
        if self._cursor.description is None:
            return [(self._cursor.rowcount,)]
        return self._cursor.fetchall()

    def df(self) -> pd.DataFrame:
        """A frame like DuckDB's `.df()`: dates and timestamps as datetime64, arrays as lists."""
        description = self._cursor.description or []
        names = [column.name for column in description]
        frame = pd.DataFrame(self._cursor.fetchall(), columns=names)
        types = self._cursor.connection.adapters.types
        for column in description:
            info = types.get(column.type_code)
            if info is None:
                continue
            if info.name in _DATE_TYPES:
                frame[column.name] = pd.to_datetime(frame[column.name])
            elif info.name in _NUMBER_TYPES:  # NULL → NaN, as DuckDB gives
                frame[column.name] = pd.to_numeric(frame[column.name])
        return frame


class ServerConnection:
    """A psycopg 3 connection in autocommit mode: statements outside an explicit BEGIN commit at
    once (as in DuckDB), so writers hold short transactions and readers never wait for them."""

    dialect = "postgres"

    def __init__(self, url: str, read_only: bool = False) -> None:
        self.url = url
        self._connection = psycopg.connect(url, autocommit=True)
        if read_only:
            self._connection.execute("SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY")

    def execute(self, sql: str, parameters=None) -> ServerResult:
        cursor = self._connection.cursor()
        if parameters is None:
            cursor.execute(sql.replace("?", "%s") if "?" in sql else sql)
        else:
            values = [_plain(value) for value in parameters]
            cursor.execute(translate_sql(sql, values), values)
        return ServerResult(cursor)

    def insert_frame(self, table_name: str, frame: pd.DataFrame) -> None:
        """COPY the frame's rows into the table (columns by name)."""
        if frame.empty:
            return
        columns = ", ".join(frame.columns)
        values = [_plain_column(frame[name]) for name in frame.columns]
        with self._connection.cursor() as cursor:
            with cursor.copy(f"COPY {table_name} ({columns}) FROM STDIN") as copy:
                for row in zip(*values):
                    copy.write_row(row)

    def close(self) -> None:
        self._connection.close()

    def __enter__(self) -> ServerConnection:
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()


def _plain_column(series: pd.Series) -> list:
    """A column as the Python values psycopg adapts, converted a column at a time where the dtype
    decides (the per-cell path is several times slower on a national-scale migrate)."""
    missing = series.isna().to_numpy()
    if pd.api.types.is_datetime64_any_dtype(series):
        return [None if gone else value for value, gone in zip(series.dt.to_pydatetime(), missing)]
    if pd.api.types.is_bool_dtype(series) or pd.api.types.is_integer_dtype(series):
        return [None if gone else value for value, gone in zip(series.tolist(), missing)]
    if pd.api.types.is_float_dtype(series):
        numbers = series.to_numpy(dtype=float, na_value=np.nan)
        whole = ~missing & (np.mod(numbers, 1) == 0) & (np.abs(numbers) < 2**53)
        return [
            None if gone else (int(number) if is_whole else number)
            for number, gone, is_whole in zip(numbers.tolist(), missing, whole)
        ]
    if pd.api.types.is_string_dtype(series) and not series.map(type).eq(list).any():
        return [None if gone else value for value, gone in zip(series.tolist(), missing)]
    return [_plain(value) for value in series.tolist()]


def _plain(value):
    """A pandas/numpy cell as the Python value psycopg adapts (NaN/NaT → NULL)."""
    if value is None:
        return None
    if isinstance(value, (list, tuple, np.ndarray)):
        return [_plain(item) for item in value]
    if isinstance(value, pd.Timestamp):
        return None if pd.isna(value) else value.to_pydatetime()
    if isinstance(value, np.datetime64):
        return None if np.isnat(value) else pd.Timestamp(value).to_pydatetime()
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float):
        # Nullable whole-number columns arrive as float64; "150" fits INTEGER and DOUBLE alike.
        if math.isnan(value):
            return None
        return int(value) if value.is_integer() and abs(value) < 2**63 else value
    if value is pd.NaT or value is pd.NA:
        return None
    if isinstance(value, dt.datetime | dt.date | str | int | float | bool):
        return value
    return value
