"""The audit trail: append-only rows of who changed what, when, from which value to which.

Nothing here updates or deletes audit rows; an undo is a new entry. Entries written by one call
share
their changed_at, which is how a change of several columns (a settlement and its coordinates) is
undone
as one.
"""

from __future__ import annotations

import datetime as dt

import duckdb
import pandas as pd

from loaders.model.schema import AUDIT


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def audit_text(value) -> str | None:
    """A stored value as the audit trail writes it: dates as ISO, whole numbers without «.0»."""
    if hasattr(value, "tolist"):  # numpy scalars and arrays
        value = value.tolist()
    if value is None or (not isinstance(value, (list, tuple)) and pd.isna(value)):
        return None
    if isinstance(value, pd.Timestamp):
        value = value.date() if value == value.normalize() else value.to_pydatetime()
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (list, tuple)):
        return "; ".join(map(str, value))
    return str(value)


_AUDIT_LOCK = 471_143  # pg_advisory_xact_lock key of audit appends


def _serialise_audit_ids(connection) -> None:
    """On PostgreSQL two editors' transactions would read the same max(audit_id) and collide on the
    key (the load test saw it); a transaction-scoped lock orders the appends. DuckDB has one
    writer."""
    if getattr(connection, "dialect", "duckdb") == "postgres":
        connection.execute("SELECT pg_advisory_xact_lock(?)", [_AUDIT_LOCK])


def append_audit(
    connection: duckdb.DuckDBPyConnection,
    user_name: str,
    action: str,
    entity: str,
    entity_id: str,
    field: str | None = None,
    value_before=None,
    value_after=None,
    comment: str | None = None,
    changed_at: dt.datetime | None = None,
) -> int:
    """Append one entry inside the caller's transaction; returns its audit_id."""
    _serialise_audit_ids(connection)
    next_id = connection.execute("SELECT coalesce(max(audit_id), 0) + 1 FROM audit").fetchall()[0][
        0
    ]
    connection.execute(
        f"INSERT INTO audit ({', '.join(AUDIT.column_names)}) VALUES ({', '.join('?' * 10)})",
        [
            next_id,
            changed_at or _now(),
            user_name,
            action,
            entity,
            entity_id,
            field,
            audit_text(value_before),
            audit_text(value_after),
            comment,
        ],
    )
    return next_id


def read_audit(
    connection: duckdb.DuckDBPyConnection,
    since: dt.date | None = None,
    user_name: str | None = None,
    entity_id: str | None = None,
) -> pd.DataFrame:
    """Audit entries, oldest first, optionally from a date on, by one user, or about one row."""
    conditions, parameters = [], []
    if since:
        conditions.append("changed_at >= ?")
        parameters.append(dt.datetime.combine(since, dt.time()))
    if user_name:
        conditions.append("user_name = ?")
        parameters.append(user_name)
    if entity_id:
        conditions.append("entity_id = ?")
        parameters.append(entity_id)
    where = f"WHERE {' AND '.join(conditions)}" if conditions else ""
    return connection.execute(f"SELECT * FROM audit {where} ORDER BY audit_id", parameters).df()
