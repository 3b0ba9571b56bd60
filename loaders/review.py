"""Reviewing facts: the queue of proposed rows, accept, reject, correct and undo, with role checks.

Every function here runs inside the caller's write transaction (see
loaders.store.writer.write_session),
reads the writing user from the store through a Credential at that moment, checks the row's regions,
compares the row version the editor saw with the stored one, and appends to the audit trail. Rows
are
never deleted: a rejected row stays with status rejected.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import duckdb
import pandas as pd

from loaders.accounts import Credential, User, authorised_user, require_region
from loaders.model.schema import AGREEMENTS, EVENTS, PRACTICE_LINKS, REPORT_ITEMS, Table
from loaders.model.vocabulary import (
    EVENT_TYPE_LABELS,
    EVENT_TYPES,
    EVIDENCE_TYPES,
    STATUSES,
    TOPICS,
)
from loaders.store.audit import append_audit, audit_text, read_audit


class ReviewError(ValueError):
    """A change that cannot be made (unknown row or field, bad value), with a Russian/English
    message."""


class VersionConflictError(ReviewError):
    """The row changed since the editor loaded it: the save is refused, nothing is overwritten."""


@dataclass(frozen=True)
class Fact:
    entity: str
    table: Table
    region_columns: tuple[str, ...]
    summary_sql: str  # a short description of the row, for the queue
    date_sql: str
    fields: tuple[str, ...]  # columns an editor may correct


FACTS = {
    "event": Fact(
        "event",
        EVENTS,
        ("region_code",),
        "t.title",
        "t.date_start",
        (
            "title",
            "event_type",
            "topic",
            "date_start",
            "date_end",
            "settlement_name",
            "region_code",
            "participants_count",
        ),
    ),
    "agreement": Fact(
        "agreement",
        AGREEMENTS,
        ("region_code",),
        "coalesce(t.subject, array_to_string(t.parties, '; '), 'соглашение')",
        "t.date",
        ("date", "parties_count", "subject", "settlement_name", "region_code"),
    ),
    "report_item": Fact(
        "report_item",
        REPORT_ITEMS,
        ("region_code",),
        "t.title",
        "t.date_start",
        ("title", "goal", "date_start", "date_end", "item_number", "region_code"),
    ),
    "practice_link": Fact(
        "practice_link",
        PRACTICE_LINKS,
        ("from_region", "to_region"),
        "t.practice || ' (' || t.from_region || ' → ' || t.to_region || ')'",
        "t.date_start",
        (
            "practice",
            "evidence_type",
            "date_start",
            "date_end",
            "from_region",
            "to_region",
            "direction",
        ),
    ),
}
_PREFIXES = {"ev_": "event", "ag_": "agreement", "ri_": "report_item", "pl_": "practice_link"}


def entity_of(entity_id: str) -> str:
    """The entity of a row id, from its prefix (ev_, ag_, ri_, pl_)."""
    entity = _PREFIXES.get(str(entity_id)[:3])
    if entity is None:
        raise ReviewError(f"неизвестный вид записи / unknown row id: {entity_id}")
    return entity


def _key(fact: Fact) -> str:
    return fact.table.primary_key[0]


def _queue_sql(fact: Fact) -> str:
    key = _key(fact)
    region = "t.to_region" if fact.entity == "practice_link" else "t.region_code"
    other = "t.from_region" if fact.entity == "practice_link" else "NULL"
    return f"""
    SELECT '{fact.entity}' AS entity, t.{key} AS entity_id, {fact.summary_sql} AS summary,
           {region} AS region_code, {other} AS other_region, {fact.date_sql} AS date,
           t.confidence, t.extraction_reason, t.status, t.version,
           s.document_id, d.file_name,
           substr(d.full_text, s.char_start + 1, s.char_end - s.char_start) AS passage
    FROM {fact.table.name} t
    LEFT JOIN (SELECT entity_id, document_id, char_start, char_end,
                      row_number() OVER (PARTITION BY entity_id ORDER BY char_start) AS n
               FROM sources WHERE entity = '{fact.entity}') s ON s.entity_id = t.{key} AND s.n = 1
    LEFT JOIN documents d ON d.document_id = s.document_id
    """


def review_queue(
    connection: duckdb.DuckDBPyConnection,
    regions: list[str] | None = None,
    status: str | None = "proposed",
    limit: int | None = None,
) -> pd.DataFrame:
    """One row per fact (entity, entity_id) with its passage, lowest confidence first; only facts
    touching one of `regions` when given (a practice link touches both its ends)."""
    union = " UNION ALL ".join(_queue_sql(fact) for fact in FACTS.values())
    conditions, parameters = [], []
    if status:
        if status not in STATUSES:
            raise ReviewError(f"неизвестный статус / unknown status: {status}")
        conditions.append("status = ?")
        parameters.append(status)
    if regions:
        conditions.append(
            "(region_code IN (SELECT unnest(?)) OR other_region IN (SELECT unnest(?)))"
        )
        parameters += [list(regions), list(regions)]
    where = f"WHERE {' AND '.join(conditions)}" if conditions else ""
    tail = f" LIMIT {int(limit)}" if limit else ""
    return connection.execute(
        f"SELECT * FROM ({union}) AS queue {where} ORDER BY confidence, entity, entity_id{tail}",
        parameters,
    ).df()


def _row(connection: duckdb.DuckDBPyConnection, fact: Fact, entity_id: str) -> dict:
    rows = connection.execute(
        f"SELECT * FROM {fact.table.name} WHERE {_key(fact)} = ?", [entity_id]
    ).df()
    if rows.empty:
        raise ReviewError(f"нет такой записи / no such row: {entity_id}")
    return rows.iloc[0].to_dict()


def _regions_of(fact: Fact, row: dict) -> list[str | None]:
    return [None if pd.isna(row[column]) else row[column] for column in fact.region_columns]


def _check_version(entity_id: str, row: dict, expected: int | None) -> None:
    if expected is not None and int(row["version"]) != int(expected):
        raise VersionConflictError(
            f"{entity_id}: запись уже изменил другой редактор (версия {expected} → "
            f"{int(row['version'])}); обновите очередь и повторите / the row changed since it was "
            "loaded; reload and try again"
        )


def _update(
    connection: duckdb.DuckDBPyConnection,
    fact: Fact,
    entity_id: str,
    changes: dict,
    version: int,
) -> None:
    """Write changed columns and bump the version, only if the version is still the one read."""
    assignments = ", ".join(f"{column} = ?" for column in changes)
    updated = connection.execute(
        f"UPDATE {fact.table.name} SET {assignments}, version = version + 1 "
        f"WHERE {_key(fact)} = ? AND version = ?",
        [*changes.values(), entity_id, version],
    ).fetchall()[0][0]
    if updated != 1:
        raise VersionConflictError(
            f"{entity_id}: запись изменена одновременно другим редактором / changed concurrently"
        )


def _refresh_derived(connection, fact: Fact, entity_id: str) -> None:
    """An event's joint-event links depend on its place, every row's search terms on its text:
    derive them again after a change."""
    from loaders.store.search_terms import refresh_search_terms

    refresh_search_terms(connection, fact.table.name, [entity_id])
    if fact.entity == "event":
        from loaders.store.database import refresh_joint_event_links

        refresh_joint_event_links(connection, [entity_id])


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def set_status(
    connection: duckdb.DuckDBPyConnection,
    credential: Credential,
    items: list[tuple[str, int | None]],
    status: str,
    comment: str | None = None,
) -> int:
    """Accept (status confirmed) or reject (rejected) rows given as (id, version seen or None for
    the
    current one); all or nothing. Returns the number of rows whose status changed."""
    if status not in ("confirmed", "rejected", "proposed"):
        raise ReviewError(f"неизвестный статус / unknown status: {status}")
    user = authorised_user(connection, credential)
    action = {"confirmed": "accept", "rejected": "reject", "proposed": "reopen"}[status]
    changed_at, changed = _now(), 0
    for entity_id, expected in items:
        fact = FACTS[entity_of(entity_id)]
        row = _row(connection, fact, entity_id)
        require_region(user, _regions_of(fact, row), "записи")
        _check_version(entity_id, row, expected)
        if row["status"] == status:
            continue
        _update(connection, fact, entity_id, {"status": status}, int(row["version"]))
        append_audit(
            connection,
            user.name,
            action,
            fact.entity,
            entity_id,
            "status",
            row["status"],
            status,
            comment,
            changed_at,
        )
        changed += 1
    return changed


def accept(connection, credential: Credential, items, comment: str | None = None) -> int:
    return set_status(connection, credential, items, "confirmed", comment)


def reject(connection, credential: Credential, items, comment: str | None = None) -> int:
    return set_status(connection, credential, items, "rejected", comment)


# ------------------------------------------------------------------ corrections


def _parse_date(value) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value).strip()
    for pattern in ("%Y-%m-%d", "%d.%m.%Y"):
        try:
            return dt.datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    raise ReviewError(f"не дата / not a date (ГГГГ-ММ-ДД или ДД.ММ.ГГГГ): {value}")


def _parse_count(value) -> int | None:
    if value is None or str(value).strip() == "":
        return None
    try:
        number = int(str(value).strip())
    except ValueError as error:
        raise ReviewError(f"не целое число / not a whole number: {value}") from error
    if number < 0:
        raise ReviewError(f"отрицательное число / negative number: {value}")
    return number


def _parse_choice(value, choices: tuple[str, ...], labels: dict[str, str] | None = None) -> str:
    text = str(value).strip()
    by_label = {label.lower(): key for key, label in (labels or {}).items()}
    chosen = text if text in choices else by_label.get(text.lower())
    if chosen is None:
        raise ReviewError(f"значение не из списка / not one of {', '.join(choices)}: {value}")
    return chosen


def _parse_region(connection, value) -> str:
    code = str(value).strip().upper()
    if not connection.execute("SELECT 1 FROM regions WHERE region_code = ?", [code]).fetchall():
        raise ReviewError(f"неизвестный код региона / unknown region code: {value}")
    return code


def _settlement_changes(row: dict, value) -> dict:
    """A corrected settlement: its GeoNames id and coordinates too, preferring the row's region."""
    from loaders.geo.gazetteer import gazetteer

    name = str(value).strip()
    candidates = gazetteer().candidates(name)
    if not candidates:
        raise ReviewError(f"населённый пункт не найден / settlement not found: {value}")
    region = None if pd.isna(row.get("region_code")) else row.get("region_code")
    in_region = [c for c in candidates if c.region_code == region]
    chosen = (in_region or candidates)[0]
    changes = {
        "settlement_name": chosen.name,
        "settlement_id": chosen.settlement_id,
        "region_code": chosen.region_code,
        "lat": chosen.lat,
        "lon": chosen.lon,
    }
    if "geo_precision" in row:
        changes["geo_precision"] = "settlement"
    return changes


def field_changes(connection, fact: Fact, row: dict, field: str, value) -> dict:
    """The columns a correction of `field` to `value` sets (a settlement also sets its coordinates;
    `direction` swaps the ends of a practice link)."""
    if field not in fact.fields:
        raise ReviewError(
            f"поле нельзя исправить / field cannot be corrected: {field} "
            f"(можно / allowed: {', '.join(fact.fields)})"
        )
    if field in ("date", "date_start", "date_end"):
        changes = {field: _parse_date(value)}
        start = changes.get("date_start", row.get("date_start"))
        end = changes.get("date_end", row.get("date_end"))
        if field == "date_start" and end is not None and not pd.isna(end):
            if pd.Timestamp(end).date() < changes["date_start"]:
                changes["date_end"] = changes["date_start"]
        if field == "date_end" and start is not None and not pd.isna(start):
            if changes["date_end"] < pd.Timestamp(start).date():
                raise ReviewError("дата окончания раньше начала / end date before start date")
        return changes
    if field in ("participants_count", "parties_count", "item_number"):
        return {field: _parse_count(value)}
    if field == "event_type":
        return {field: _parse_choice(value, EVENT_TYPES, EVENT_TYPE_LABELS)}
    if field == "topic":
        return {field: _parse_choice(value, TOPICS)}
    if field == "evidence_type":
        return {field: _parse_choice(value, EVIDENCE_TYPES)}
    if field in ("region_code", "from_region", "to_region"):
        return {field: _parse_region(connection, value)}
    if field == "settlement_name":
        return _settlement_changes(row, value)
    if field == "direction":
        return {"from_region": row["to_region"], "to_region": row["from_region"]}
    text = str(value).strip()
    if not text and fact.table.columns[fact.table.column_names.index(field)].required:
        raise ReviewError(f"поле не может быть пустым / field cannot be empty: {field}")
    return {field: text or None}


def _same(before, after) -> bool:
    if before is None or (not isinstance(before, (list, tuple)) and pd.isna(before)):
        return after is None
    if isinstance(before, pd.Timestamp):
        before = before.date()
    return before == after


def correct(
    connection: duckdb.DuckDBPyConnection,
    credential: Credential,
    entity_id: str,
    field: str,
    value,
    version: int | None = None,
    comment: str | None = None,
) -> dict:
    """Correct one field of one row; returns the columns changed (empty if nothing changed)."""
    user = authorised_user(connection, credential)
    fact = FACTS[entity_of(entity_id)]
    row = _row(connection, fact, entity_id)
    require_region(user, _regions_of(fact, row), "записи")
    _check_version(entity_id, row, version)
    changes = {
        column: new
        for column, new in field_changes(connection, fact, row, field, value).items()
        if not _same(row.get(column), new)
    }
    if not changes:
        return {}
    _check_new_regions(user, fact, row, changes)
    _update(connection, fact, entity_id, changes, int(row["version"]))
    _refresh_derived(connection, fact, entity_id)
    changed_at = _now()
    for column, new in changes.items():
        append_audit(
            connection,
            user.name,
            "correct",
            fact.entity,
            entity_id,
            column,
            row.get(column),
            new,
            comment,
            changed_at,
        )
    return changes


def _check_new_regions(user: User, fact: Fact, row: dict, changes: dict) -> None:
    """Moving a row to another region needs the right to change rows of that region too."""
    after = {**row, **changes}
    if _regions_of(fact, after) != _regions_of(fact, row):
        require_region(user, _regions_of(fact, after), "записи (новый регион)")


# ------------------------------------------------------------------ undo and history


def _stored_value(table: Table, column: str, text: str | None):
    if text is None:
        return None
    sql_type = next(c.sql_type for c in table.columns if c.name == column)
    if sql_type == "DATE":
        return dt.date.fromisoformat(text[:10])
    if sql_type == "DOUBLE":
        return float(text)
    if sql_type in ("INTEGER", "BIGINT"):
        return int(text)
    return text


def undo(
    connection: duckdb.DuckDBPyConnection,
    credential: Credential,
    audit_id: int,
    comment: str | None = None,
) -> int:
    """Undo one change (every column written with that audit entry); recorded as new 'undo' entries.
    Refused when a column has changed again since, so a later edit is never silently reverted."""
    user = authorised_user(connection, credential)
    entries = connection.execute(
        """SELECT a.* FROM audit a JOIN audit chosen
               ON a.changed_at = chosen.changed_at AND a.user_name = chosen.user_name
              AND a.entity_id = chosen.entity_id AND a.action = chosen.action
           WHERE chosen.audit_id = ? ORDER BY a.audit_id""",
        [int(audit_id)],
    ).df()
    if entries.empty:
        raise ReviewError(f"нет записи журнала / no audit entry: {audit_id}")
    if entries["entity"].iloc[0] not in FACTS:
        raise ReviewError(f"отменить можно только правку записи / cannot undo: {audit_id}")
    entity_id = entries["entity_id"].iloc[0]
    fact = FACTS[entity_of(entity_id)]
    row = _row(connection, fact, entity_id)
    require_region(user, _regions_of(fact, row), "записи")
    changes = {}
    for entry in entries.itertuples():
        value_after = None if pd.isna(entry.value_after) else entry.value_after
        if audit_text(row.get(entry.field)) != value_after:
            raise VersionConflictError(
                f"{entity_id}: поле {entry.field} изменено позже (№{entry.audit_id}); отмена "
                "невозможна / changed again since; cannot undo"
            )
        before = None if pd.isna(entry.value_before) else entry.value_before
        changes[entry.field] = _stored_value(fact.table, entry.field, before)
    _check_new_regions(user, fact, row, changes)
    _update(connection, fact, entity_id, changes, int(row["version"]))
    _refresh_derived(connection, fact, entity_id)
    changed_at = _now()
    for column, restored in changes.items():
        append_audit(
            connection,
            user.name,
            "undo",
            fact.entity,
            entity_id,
            column,
            row.get(column),
            restored,
            comment or f"отмена №{int(audit_id)}",
            changed_at,
        )
    return len(changes)


def row_history(connection: duckdb.DuckDBPyConnection, entity_id: str) -> pd.DataFrame:
    """Every audit entry about one row, oldest first."""
    return read_audit(connection, entity_id=entity_id)
