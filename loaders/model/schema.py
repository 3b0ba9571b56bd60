"""The tidy tables: every column defined once (type, meaning, allowed values, key, Russian label)
and enforced with pandera on each frame as it was built, before it is stored."""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
from dataclasses import dataclass

import numpy as np
import pandas as pd

from loaders.model.vocabulary import (
    DATE_PRECISIONS,
    EVENT_TYPES,
    EVIDENCE_TYPES,
    GENRES,
    GEO_PRECISIONS,
    SOURCE_ENTITIES,
    SOURCE_KINDS,
    STATUSES,
    TOPICS,
)


@dataclass(frozen=True)
class Column:
    name: str
    sql_type: str
    description: str
    required: bool = False
    allowed: tuple[str, ...] = ()
    bounds: tuple[float, float] | None = None
    pattern: str | None = None

    @property
    def label(self) -> str:
        """Russian label (one per column name: one name is one quantity in every table)."""
        return COLUMN_LABELS[self.name]


@dataclass(frozen=True)
class Table:
    name: str
    grain: str
    primary_key: tuple[str, ...]
    columns: tuple[Column, ...]

    @property
    def column_names(self) -> list[str]:
        return [column.name for column in self.columns]


class SchemaError(ValueError):
    """A frame that does not fit its table: names the table and the column."""


def _c(
    name: str,
    sql_type: str,
    description: str,
    required: bool = False,
    allowed: tuple[str, ...] = (),
    bounds: tuple[float, float] | None = None,
    pattern: str | None = None,
) -> Column:
    return Column(name, sql_type, description, required, allowed, bounds, pattern)


def _confidence() -> Column:
    return _c(
        "confidence",
        "DOUBLE",
        "how sure extraction is, 0–1 (1.0 for rows of an official table)",
        True,
        bounds=(0.0, 1.0),
    )


def _extraction_reason() -> Column:
    return _c(
        "extraction_reason",
        "VARCHAR",
        "which rule and evidence produced the row (table: the file and row)",
    )


def _review_columns() -> tuple[Column, ...]:
    """Review status and row version, shared by every table of facts (see loaders.review)."""
    return (
        _c(
            "status",
            "VARCHAR",
            "proposed (extracted, not reviewed), confirmed (reviewed, or an official table), "
            "rejected (kept for the record, never counted)",
            True,
            STATUSES,
        ),
        _c(
            "version",
            "INTEGER",
            "1 when stored, +1 on every review change (edit conflicts)",
            True,
            bounds=(1, 2**31 - 1),
        ),
    )


DOCUMENTS = Table(
    "documents",
    "one source file (text or table) as ingested",
    ("document_id",),
    (
        _c("document_id", "VARCHAR", "doc_ + first 16 hex digits of sha256", True),
        _c(
            "sha256",
            "VARCHAR",
            "sha256 of the file's bytes; re-ingesting the same bytes changes nothing",
            True,
        ),
        _c("file_name", "VARCHAR", "file name without folders", True),
        _c("title", "VARCHAR", "first heading or line of the document"),
        _c("genre", "VARCHAR", "kind of document (tables: other)", True, GENRES),
        _c(
            "published_date", "DATE", "date of the document if known (a letter's registration date)"
        ),
        _c("source", "VARCHAR", "path or URL the file came from", True),
        _c(
            "source_kind",
            "VARCHAR",
            "whether the file is running text or a table",
            True,
            SOURCE_KINDS,
        ),
        _c(
            "full_text",
            "VARCHAR",
            "text of the document; for tables, the text the passage offsets refer to",
        ),
        _c("ingested_at", "TIMESTAMP", "when it was stored (UTC)", True),
        _c("is_demo", "BOOLEAN", "true for the built-in demonstration data", True),
    ),
)

EVENTS = Table(
    "events",
    "one real-world event, however many sources report it",
    ("event_id",),
    (
        _c("event_id", "VARCHAR", "ev_ + hash of the first source and its position", True),
        _c("title", "VARCHAR", "name of the event", True),
        _c("event_type", "VARCHAR", "kind of event", True, EVENT_TYPES),
        _c("topic", "VARCHAR", "theme of the event", True, TOPICS),
        _c("date_start", "DATE", "first day", True),
        _c("date_end", "DATE", "last day (equals date_start for one-day events)", True),
        _c("date_precision", "VARCHAR", "how precise the dates are", True, DATE_PRECISIONS),
        _c("settlement_name", "VARCHAR", "host settlement, Russian nominative"),
        _c("settlement_id", "VARCHAR", "GeoNames id of the host settlement"),
        _c("region_code", "VARCHAR", "ISO 3166-2 code of the host region (RU-KHM)"),
        _c(
            "lat",
            "DOUBLE",
            "latitude of the settlement, or of the regional centre",
            bounds=(-90, 90),
        ),
        _c("lon", "DOUBLE", "longitude, as lat", bounds=(-180, 180)),
        _c("geo_precision", "VARCHAR", "how precise lat/lon are", allowed=GEO_PRECISIONS),
        _c("organizers", "VARCHAR[]", "organizing bodies as written"),
        _c("participant_cities", "VARCHAR[]", "settlements participants came from, nominative"),
        _c("participants_count", "INTEGER", "number of participants when stated"),
        _confidence(),
        _extraction_reason(),
        *_review_columns(),
    ),
)

AGREEMENTS = Table(
    "agreements",
    "one signed agreement",
    ("agreement_id",),
    (
        _c("agreement_id", "VARCHAR", "ag_ + hash", True),
        _c("date", "DATE", "signing date (one day: an agreement has no duration)"),
        _c("date_precision", "VARCHAR", "how precise the date is", allowed=DATE_PRECISIONS),
        _c("parties_count", "INTEGER", "number of parties (9 for a nine-party agreement)"),
        _c("parties", "VARCHAR[]", "parties as written"),
        _c("settlement_name", "VARCHAR", "where it was signed"),
        _c("settlement_id", "VARCHAR", "GeoNames id"),
        _c("region_code", "VARCHAR", "ISO 3166-2 code"),
        _c("lat", "DOUBLE", "latitude of the place", bounds=(-90, 90)),
        _c("lon", "DOUBLE", "longitude of the place", bounds=(-180, 180)),
        _c("subject", "VARCHAR", "what the agreement is about"),
        _confidence(),
        _extraction_reason(),
        *_review_columns(),
    ),
)

REPORT_ITEMS = Table(
    "report_items",
    "one numbered row of a council's periodic report",
    ("report_item_id",),
    (
        _c("report_item_id", "VARCHAR", "ri_ + hash", True),
        _c("reporting_body", "VARCHAR", "council or body that reports", True),
        _c("quarter", "VARCHAR", "reporting quarter, e.g. 2023Q4", True, pattern=r"^\d{4}Q[1-4]$"),
        _c("item_number", "INTEGER", "row number in the report"),
        _c("date_start", "DATE", "first day of the activity"),
        _c("date_end", "DATE", "last day"),
        _c("title", "VARCHAR", "the activity", True),
        _c("goal", "VARCHAR", "stated goal («Цель – …»)"),
        _c("region_code", "VARCHAR", "region of the reporting body"),
        _c("event_id", "VARCHAR", "the event this row reports (events.event_id)"),
        _confidence(),
        _extraction_reason(),
        *_review_columns(),
    ),
)

PRACTICE_LINKS = Table(
    "practice_links",
    "one piece of evidence that a region adopts another's practice",
    ("link_id",),
    (
        _c("link_id", "VARCHAR", "pl_ + hash", True),
        _c("from_region", "VARCHAR", "region whose practice is adopted (ISO code)", True),
        _c("to_region", "VARCHAR", "region that adopts it (ISO code)", True),
        _c("practice", "VARCHAR", "the practice, as phrased in the source", True),
        _c("date_start", "DATE", "date or start of the period of the evidence"),
        _c("date_end", "DATE", "end of that period"),
        _c("date_precision", "VARCHAR", "how precise the dates are", allowed=DATE_PRECISIONS),
        _c("evidence_type", "VARCHAR", "what the evidence is", True, EVIDENCE_TYPES),
        _confidence(),
        _extraction_reason(),
        *_review_columns(),
    ),
)

JOINT_EVENT_LINKS = Table(
    "joint_event_links",
    "one (event, guest region) pair: participants from a region at an event hosted in another, "
    "derived from events.participant_cities after every write (loaders/store/derive.py)",
    ("link_id",),
    (
        _c("link_id", "VARCHAR", "je_ + event id + guest region", True),
        _c("event_id", "VARCHAR", "the event (events.event_id)", True),
        _c("from_region", "VARCHAR", "host region, whose practice the guests come to see", True),
        _c("to_region", "VARCHAR", "region the guests came from", True),
        _c("practice", "VARCHAR", "the event's title", True),
        _c("date_start", "DATE", "first day of the event", True),
        _c("date_end", "DATE", "last day of the event", True),
        _c("date_precision", "VARCHAR", "how precise the dates are", True, DATE_PRECISIONS),
        _c("evidence_type", "VARCHAR", "always joint_event", True, ("joint_event",)),
        _c("guest_settlements", "VARCHAR[]", "participant settlements resolved to to_region", True),
    ),
)

PLACES = Table(
    "places",
    "one place mention in a document, with how it was geocoded",
    ("place_id",),
    (
        _c("place_id", "VARCHAR", "pc_ + hash", True),
        _c("document_id", "VARCHAR", "document it is mentioned in", True),
        _c("mention", "VARCHAR", "the place as written", True),
        _c("settlement_name", "VARCHAR", "resolved settlement, nominative"),
        _c("settlement_id", "VARCHAR", "GeoNames id"),
        _c("region_code", "VARCHAR", "ISO code"),
        _c("lat", "DOUBLE", "latitude", bounds=(-90, 90)),
        _c("lon", "DOUBLE", "longitude", bounds=(-180, 180)),
        _c(
            "geo_precision",
            "VARCHAR",
            "how precise lat/lon are (empty when unresolved)",
            allowed=GEO_PRECISIONS,
        ),
        _c("alternatives", "VARCHAR[]", "other candidates with the same name"),
        _c(
            "is_ambiguous",
            "BOOLEAN",
            "true when nearness or population decided among namesakes of comparable size",
        ),
        _c("resolution", "VARCHAR", "why this candidate was chosen"),
        _c("char_start", "INTEGER", "offset of the mention in documents.full_text"),
        _c("char_end", "INTEGER", "end offset"),
    ),
)

SOURCES = Table(
    "sources",
    "one source passage of one extracted row (an event may have several)",
    ("entity", "entity_id", "document_id", "char_start"),
    (
        _c("entity", "VARCHAR", "which table entity_id is in", True, SOURCE_ENTITIES),
        _c("entity_id", "VARCHAR", "id in that table", True),
        _c("document_id", "VARCHAR", "the source document", True),
        _c("char_start", "INTEGER", "start of the passage in documents.full_text", True),
        _c("char_end", "INTEGER", "end of the passage", True),
        _c("row_number", "INTEGER", "row in a table file (1 = header), when the source is a table"),
        _c(
            "merge_reason",
            "VARCHAR",
            "why this source was merged into an existing row (empty for the first source)",
        ),
    ),
)

SEARCH_TERMS = Table(
    "search_terms",
    "one word of a fact row's searchable text, as its normal form or as written (lower case, "
    "ё → е); derived from the row whenever it is written (loaders/store/search_terms.py)",
    ("entity", "entity_id", "term"),
    (
        _c("entity", "VARCHAR", "which table entity_id is in", True, SOURCE_ENTITIES),
        _c("entity_id", "VARCHAR", "id in that table", True),
        _c("term", "VARCHAR", "normal form or folded spelling of one word of the row", True),
    ),
)

REGIONS = Table(
    "regions",
    "one federal subject (reference, from data/reference/regions.csv)",
    ("region_code",),
    (
        _c(
            "region_code",
            "VARCHAR",
            "ISO 3166-2 code; RU-CR, RU-SEV, RU-DNR, RU-LNR, RU-ZAP, RU-KHE for subjects "
            "without one",
            True,
        ),
        _c("name_full", "VARCHAR", "name as in the Constitution", True),
        _c("name_short", "VARCHAR", "everyday name", True),
        _c("aliases", "VARCHAR", "other names used in texts, '|'-separated"),
        _c("federal_district", "VARCHAR", "federal district", True),
        _c("admin_centre", "VARCHAR", "administrative centre", True),
        _c("centre_lat", "DOUBLE", "latitude of the centre", True, bounds=(-90, 90)),
        _c("centre_lon", "DOUBLE", "longitude of the centre", True, bounds=(-180, 180)),
        _c("population", "BIGINT", "resident population"),
    ),
)

USERS = Table(
    "users",
    "one account of the app and the CLI (see loaders.accounts)",
    ("user_name",),
    (
        _c("user_name", "VARCHAR", "login name", True),
        _c("role", "VARCHAR", "viewer, editor, admin", True),
        _c("regions", "VARCHAR[]", "ISO codes an editor may change (admins: all)"),
        _c("password_hash", "VARCHAR", "argon2id hash; the password itself is never stored", True),
        _c("is_active", "BOOLEAN", "false once disabled", True),
        _c("failed_logins", "INTEGER", "failed logins since the last success", True),
        _c("locked_until", "TIMESTAMP", "no login before this time (UTC) after repeated failures"),
        _c("created_at", "TIMESTAMP", "when the account was made (UTC)", True),
    ),
)

SESSIONS = Table(
    "sessions",
    "one signed-in browser session; writes are authorised through it",
    ("token_hash",),
    (
        _c(
            "token_hash",
            "VARCHAR",
            "sha256 of the session token (the token stays with the browser)",
            True,
        ),
        _c("user_name", "VARCHAR", "users.user_name", True),
        _c("created_at", "TIMESTAMP", "sign-in time (UTC)", True),
        _c("expires_at", "TIMESTAMP", "the session ends then (UTC)", True),
    ),
)

AUDIT = Table(
    "audit",
    "one change to the store by a person (append-only: never updated or deleted)",
    ("audit_id",),
    (
        _c("audit_id", "BIGINT", "running number", True),
        _c("changed_at", "TIMESTAMP", "when (UTC)", True),
        _c("user_name", "VARCHAR", "who", True),
        _c("action", "VARCHAR", "upload, accept, correct, reject, undo, user_change", True),
        _c(
            "entity",
            "VARCHAR",
            "event, agreement, report_item, practice_link, document, user",
            True,
        ),
        _c("entity_id", "VARCHAR", "id of the changed row", True),
        _c("field", "VARCHAR", "changed column (status for accept and reject)"),
        _c("value_before", "VARCHAR", "value before the change, as text"),
        _c("value_after", "VARCHAR", "value after the change, as text"),
        _c("comment", "VARCHAR", "free text; for undo, the entry undone"),
    ),
)

STORE_META = Table(
    "store_meta",
    "one setting of the store itself (schema_sha256: the schema it was built with; "
    "regions_csv_sha256: the regions reference it holds)",
    ("key",),
    (
        _c("key", "VARCHAR", "name of the setting", True),
        _c("value", "VARCHAR", "its value", True),
    ),
)

ALL_TABLES = (
    DOCUMENTS,
    EVENTS,
    AGREEMENTS,
    REPORT_ITEMS,
    PRACTICE_LINKS,
    JOINT_EVENT_LINKS,
    PLACES,
    SOURCES,
    REGIONS,
    STORE_META,
    SEARCH_TERMS,
    USERS,
    SESSIONS,
    AUDIT,
)
TABLES_BY_NAME = {table.name: table for table in ALL_TABLES}


def schema_fingerprint(without: tuple[str, ...] = ()) -> str:
    """sha256 of every CREATE TABLE statement: changes whenever a table, column, type or key
    does. `without` names tables to leave out (the fingerprint a store had before they existed)."""
    statements = "\n".join(
        create_table_sql(table) for table in ALL_TABLES if table.name not in without
    )
    return hashlib.sha256(statements.encode("utf-8")).hexdigest()


# PostgreSQL spells three of the types differently; everything else is common SQL.
_SERVER_TYPES = {"VARCHAR": "TEXT", "VARCHAR[]": "TEXT[]", "DOUBLE": "DOUBLE PRECISION"}

# On the server (PostGIS) these tables also get a geography point derived from their lat/lon by
# PostgreSQL itself (a generated column: loaders never write it, DuckDB never has it).
SERVER_POINT_COLUMNS = {
    "events": ("lat", "lon"),
    "places": ("lat", "lon"),
    "regions": ("centre_lat", "centre_lon"),
}


def column_sql_type(column: Column, dialect: str = "duckdb") -> str:
    """The column's SQL type in DuckDB ("duckdb") or PostgreSQL ("postgres")."""
    if dialect == "postgres":
        return _SERVER_TYPES.get(column.sql_type, column.sql_type)
    return column.sql_type


def server_point_sql(table: Table) -> str | None:
    """The PostGIS `geom` column definition of a table in SERVER_POINT_COLUMNS, else None."""
    if table.name not in SERVER_POINT_COLUMNS:
        return None
    lat, lon = SERVER_POINT_COLUMNS[table.name]
    return (
        f"geom geography(Point, 4326) GENERATED ALWAYS AS (CASE WHEN {lat} IS NOT NULL AND "
        f"{lon} IS NOT NULL THEN ST_SetSRID(ST_MakePoint({lon}, {lat}), 4326)::geography END) "
        f"STORED"
    )


def create_table_sql(table: Table, dialect: str = "duckdb") -> str:
    """CREATE TABLE IF NOT EXISTS with the primary key (the fingerprint uses the DuckDB
    spelling)."""
    parts = [f"{column.name} {column_sql_type(column, dialect)}" for column in table.columns]
    if dialect == "postgres" and server_point_sql(table):
        parts.append(server_point_sql(table))
    columns = ",\n  ".join(parts)
    return (
        f"CREATE TABLE IF NOT EXISTS {table.name} (\n  {columns},\n"
        f"  PRIMARY KEY ({', '.join(table.primary_key)})\n)"
    )


# --- Enforcement ---------------------------------------------------------------------------------
# Each check takes a column (nulls included) and says, per value, whether it fits the SQL type;
# pandera ignores nulls (nullability is a separate check). Checks are vectorised where the dtype
# already decides.


def _each(series: pd.Series, fits) -> pd.Series:
    return series.map(lambda value: value is None or _is_null(value) or fits(value)).astype(bool)


def _is_null(value) -> bool:
    return isinstance(value, float) and np.isnan(value) or value is pd.NaT or value is pd.NA


def _text(series: pd.Series) -> pd.Series:
    if isinstance(series.dtype, pd.StringDtype):
        return pd.Series(True, index=series.index)
    return _each(series, lambda value: isinstance(value, str))


def _text_list(series: pd.Series) -> pd.Series:
    return _each(
        series,
        lambda value: isinstance(value, (list, tuple, np.ndarray))
        and all(isinstance(item, str) for item in value),
    )


def _date(series: pd.Series) -> pd.Series:
    if pd.api.types.is_datetime64_any_dtype(series):
        return pd.Series(True, index=series.index)
    return _each(series, lambda value: isinstance(value, dt.date))


def _timestamp(series: pd.Series) -> pd.Series:
    if pd.api.types.is_datetime64_any_dtype(series):
        return pd.Series(True, index=series.index)
    return _each(series, lambda value: isinstance(value, dt.datetime))


def _is_bool(value) -> bool:
    return isinstance(value, (bool, np.bool_))


def _integer(series: pd.Series) -> pd.Series:
    if pd.api.types.is_bool_dtype(series):
        return pd.Series(False, index=series.index)
    if pd.api.types.is_integer_dtype(series):
        return pd.Series(True, index=series.index)
    if pd.api.types.is_float_dtype(series):  # ints with a missing value become float64
        return series.isna() | (series == series.round())
    return _each(
        series,
        lambda value: not _is_bool(value)
        and (
            isinstance(value, (int, np.integer)) or isinstance(value, float) and value.is_integer()
        ),
    )


def _number(series: pd.Series) -> pd.Series:
    if pd.api.types.is_bool_dtype(series):
        return pd.Series(False, index=series.index)
    if pd.api.types.is_numeric_dtype(series):
        return pd.Series(True, index=series.index)
    return _each(
        series, lambda value: not _is_bool(value) and isinstance(value, (int, float, np.number))
    )


def _boolean(series: pd.Series) -> pd.Series:
    if pd.api.types.is_bool_dtype(series):
        return pd.Series(True, index=series.index)
    return _each(series, _is_bool)


_TYPE_CHECKS = {
    "VARCHAR": (_text, "text"),
    "VARCHAR[]": (_text_list, "a list of texts"),
    "DATE": (_date, "a date"),
    "TIMESTAMP": (_timestamp, "a date and time"),
    "INTEGER": (_integer, "a whole number"),
    "BIGINT": (_integer, "a whole number"),
    "DOUBLE": (_number, "a number"),
    "BOOLEAN": (_boolean, "true or false"),
}


@functools.cache
def pandera_schema(table: Table):
    """The table as a pandera DataFrameSchema: exactly these columns, their types, allowed values
    and bounds, no nulls in required columns, a unique primary key. Built on first use (pandera is
    slow to import, and the dashboard never validates)."""
    import pandera.pandas as pa

    columns = {}
    for column in table.columns:
        fits, expected = _TYPE_CHECKS[column.sql_type]
        checks = [pa.Check(fits, error=f"expected {expected} ({column.sql_type})")]
        if column.allowed:
            checks.append(
                pa.Check.isin(column.allowed, error=f"allowed values: {', '.join(column.allowed)}")
            )
        if column.bounds:
            checks.append(pa.Check.in_range(*column.bounds, error=f"allowed range {column.bounds}"))
        if column.pattern:
            checks.append(
                pa.Check.str_matches(column.pattern, error=f"expected the form {column.pattern}")
            )
        columns[column.name] = pa.Column(checks=checks, nullable=not column.required, required=True)
    return pa.DataFrameSchema(
        columns,
        name=table.name,
        strict=True,
        unique=list(table.primary_key),
        report_duplicates="all",
    )


def _failure_lines(table: Table, failures: pd.DataFrame) -> list[str]:
    """One line per (column, check), with up to three offending values and their frame rows."""
    lines = []
    failures = failures.assign(column=failures["column"].fillna(table.name).astype(str))
    for (column, check), group in failures.groupby(["column", "check"], sort=False, dropna=False):
        if check == "column_in_dataframe":
            for name in group["failure_case"]:
                lines.append(f"table {table.name}, column {name}: missing column")
            continue
        if check == "column_in_schema":
            for name in group["failure_case"]:
                lines.append(f"table {table.name}, column {name}: unexpected column (misspelled?)")
            continue
        examples = ", ".join(
            f"{case!r} (row {index})"
            for case, index in zip(group["failure_case"].head(3), group["index"].head(3))
        )
        if str(check).endswith("uniqueness") or check == "field_uniqueness":
            key = ", ".join(table.primary_key)
            lines.append(
                f"table {table.name}, column {key}: duplicate primary key, e.g. {examples}"
            )
        elif check == "not_nullable":
            lines.append(
                f"table {table.name}, column {column}: empty values in a required column "
                f"(rows {', '.join(str(i) for i in group['index'].head(3))})"
            )
        else:
            lines.append(f"table {table.name}, column {column}: {check}; e.g. {examples}")
    return lines


def validate_frame(table: Table, frame: pd.DataFrame) -> pd.DataFrame:
    """The frame as built, checked against its table (see pandera_schema) and put in column order.

    Raises SchemaError naming the table and every offending column: a misspelled key shows as an
    unexpected column plus a missing one, never as a silently empty column.
    """
    import pandera.errors

    try:
        pandera_schema(table).validate(frame, lazy=True)
    except pandera.errors.SchemaErrors as errors:
        raise SchemaError("\n".join(_failure_lines(table, errors.failure_cases))) from None
    return frame[table.column_names]


def frame_from_rows(table: Table, rows: list[dict]) -> pd.DataFrame:
    """A frame built from the row dicts exactly as they are (no projection onto the schema),
    checked."""
    frame = pd.DataFrame(rows) if rows else pd.DataFrame(columns=table.column_names)
    return validate_frame(table, frame)


# Russian names of the columns, as readers see them in tables and downloads. One name is one
# quantity in every table, so one label per column name; a test checks that every column of every
# table has one.
COLUMN_LABELS: dict[str, str] = {
    "document_id": "Документ (id)",
    "sha256": "Хеш файла (SHA-256)",
    "file_name": "Файл",
    "title": "Название",
    "genre": "Жанр",
    "published_date": "Дата документа",
    "source": "Источник",
    "source_kind": "Вид источника",
    "full_text": "Текст",
    "ingested_at": "Загружено",
    "is_demo": "Демо-данные",
    "event_id": "Мероприятие (id)",
    "event_type": "Тип мероприятия",
    "topic": "Тематика",
    "date_start": "Дата начала",
    "date_end": "Дата окончания",
    "date_precision": "Точность даты",
    "settlement_name": "Населённый пункт",
    "settlement_id": "Населённый пункт (GeoNames id)",
    "region_code": "Код региона",
    "lat": "Широта",
    "lon": "Долгота",
    "geo_precision": "Точность места",
    "organizers": "Организаторы",
    "participant_cities": "Города участников",
    "participants_count": "Число участников",
    "agreement_id": "Соглашение (id)",
    "date": "Дата",
    "parties_count": "Число сторон",
    "parties": "Стороны",
    "subject": "Предмет",
    "report_item_id": "Пункт отчёта (id)",
    "reporting_body": "Отчитывающийся орган",
    "quarter": "Квартал",
    "item_number": "№",
    "goal": "Цель",
    "link_id": "Связь (id)",
    "from_region": "Чья практика",
    "to_region": "Кто перенимает",
    "practice": "Практика",
    "evidence_type": "Основание",
    "place_id": "Упоминание места (id)",
    "mention": "Упоминание",
    "alternatives": "Другие варианты",
    "is_ambiguous": "Неоднозначно",
    "resolution": "Как определено",
    "char_start": "Начало фрагмента",
    "char_end": "Конец фрагмента",
    "entity": "Вид записи",
    "entity_id": "Запись (id)",
    "term": "Поисковое слово",
    "row_number": "Строка файла",
    "merge_reason": "Причина объединения",
    "name_full": "Полное название",
    "name_short": "Регион",
    "aliases": "Другие названия",
    "federal_district": "Федеральный округ",
    "admin_centre": "Административный центр",
    "centre_lat": "Широта центра",
    "centre_lon": "Долгота центра",
    "population": "Население (перепись 2021)",
    "confidence": "Уверенность",
    "guest_settlements": "Населённые пункты гостей",
    "key": "Параметр",
    "value": "Значение",
    "extraction_reason": "Как извлечено",
    "status": "Статус",
    "version": "Версия записи",
    "user_name": "Пользователь",
    "role": "Роль",
    "regions": "Регионы",
    "password_hash": "Хеш пароля",
    "is_active": "Активен",
    "failed_logins": "Неудачных входов",
    "locked_until": "Заблокирован до",
    "created_at": "Создано",
    "token_hash": "Сессия (хеш)",
    "expires_at": "Истекает",
    "audit_id": "Запись журнала (№)",
    "changed_at": "Когда",
    "action": "Действие",
    "field": "Поле",
    "value_before": "Было",
    "value_after": "Стало",
    "comment": "Комментарий",
}


def column_label(name: str) -> str:
    """The Russian label of a column (the name itself for a column not in the codebook)."""
    return COLUMN_LABELS.get(name, name)
