"""The tidy tables: every column, its DuckDB type and meaning, defined once and enforced before storing."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd


@dataclass(frozen=True)
class Column:
    name: str
    sql_type: str
    description: str
    required: bool = False


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


def _c(name: str, sql_type: str, description: str, required: bool = False) -> Column:
    return Column(name, sql_type, description, required)


def _review_columns() -> tuple[Column, ...]:
    """Review status and row version, shared by every table of facts (see loaders.review)."""
    return (
        _c(
            "status",
            "VARCHAR",
            "proposed (extracted, not reviewed), confirmed (reviewed, or an official table), "
            "rejected (kept for the record, never counted)",
            True,
        ),
        _c("version", "INTEGER", "1 when stored, +1 on every review change (edit conflicts)", True),
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
        _c(
            "genre",
            "VARCHAR",
            "event_news, invitation, report, agreement, practice_sharing, other (tables: other)",
            True,
        ),
        _c(
            "published_date", "DATE", "date of the document if known (a letter's registration date)"
        ),
        _c("source", "VARCHAR", "path or URL the file came from", True),
        _c("source_kind", "VARCHAR", "text or table", True),
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
        _c(
            "event_type",
            "VARCHAR",
            "forum, round_table, meeting, conference, strategic_session, action, workshop, contest, exhibition, fair, quest, other",
            True,
        ),
        _c("topic", "VARCHAR", "ecology, volunteering, civic, other", True),
        _c("date_start", "DATE", "first day", True),
        _c("date_end", "DATE", "last day (equals date_start for one-day events)", True),
        _c("date_precision", "VARCHAR", "day, month, quarter, year", True),
        _c("settlement_name", "VARCHAR", "host settlement, Russian nominative"),
        _c("settlement_id", "VARCHAR", "GeoNames id of the host settlement"),
        _c("region_code", "VARCHAR", "ISO 3166-2 code of the host region (RU-KHM)"),
        _c("lat", "DOUBLE", "latitude of the settlement, or of the regional centre"),
        _c("lon", "DOUBLE", "longitude, as lat"),
        _c("geo_precision", "VARCHAR", "settlement, region, country: how precise lat/lon are"),
        _c("organizers", "VARCHAR[]", "organizing bodies as written"),
        _c("participant_cities", "VARCHAR[]", "settlements participants came from, nominative"),
        _c("participants_count", "INTEGER", "number of participants when stated"),
        _c(
            "confidence",
            "DOUBLE",
            "0–1: how sure extraction is (1.0 for rows of an official table)",
            True,
        ),
        _c(
            "extraction_reason",
            "VARCHAR",
            "which rule and evidence produced the row (table: the file and row)",
        ),
        *_review_columns(),
    ),
)

AGREEMENTS = Table(
    "agreements",
    "one signed agreement",
    ("agreement_id",),
    (
        _c("agreement_id", "VARCHAR", "ag_ + hash", True),
        _c("date", "DATE", "signing date"),
        _c("date_precision", "VARCHAR", "day, month, quarter, year"),
        _c("parties_count", "INTEGER", "number of parties (9 for a nine-party agreement)"),
        _c("parties", "VARCHAR[]", "parties as written"),
        _c("settlement_name", "VARCHAR", "where it was signed"),
        _c("settlement_id", "VARCHAR", "GeoNames id"),
        _c("region_code", "VARCHAR", "ISO 3166-2 code"),
        _c("lat", "DOUBLE", "latitude of the place"),
        _c("lon", "DOUBLE", "longitude of the place"),
        _c("subject", "VARCHAR", "what the agreement is about"),
        _c(
            "confidence",
            "DOUBLE",
            "0–1: how sure extraction is (1.0 for rows of an official table)",
            True,
        ),
        _c(
            "extraction_reason",
            "VARCHAR",
            "which rule and evidence produced the row (table: the file and row)",
        ),
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
        _c("period", "VARCHAR", "reporting quarter, e.g. 2023Q4", True),
        _c("item_number", "INTEGER", "row number in the report"),
        _c("date_start", "DATE", "first day of the activity"),
        _c("date_end", "DATE", "last day"),
        _c("title", "VARCHAR", "the activity", True),
        _c("goal", "VARCHAR", "stated goal («Цель – …»)"),
        _c("region_code", "VARCHAR", "region of the reporting body"),
        _c("event_id", "VARCHAR", "the event this row reports (events.event_id)"),
        _c(
            "confidence",
            "DOUBLE",
            "0–1: how sure extraction is (1.0 for rows of an official table)",
            True,
        ),
        _c(
            "extraction_reason",
            "VARCHAR",
            "which rule and evidence produced the row (table: the file and row)",
        ),
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
        _c("date_precision", "VARCHAR", "day, month, quarter, year"),
        _c(
            "evidence_type",
            "VARCHAR",
            "adoption_statement, internship, joint_event, agreement, other",
            True,
        ),
        _c(
            "confidence",
            "DOUBLE",
            "0–1: how sure extraction is (1.0 for rows of an official table)",
            True,
        ),
        _c(
            "extraction_reason",
            "VARCHAR",
            "which rule and evidence produced the row (table: the file and row)",
        ),
        *_review_columns(),
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
        _c("lat", "DOUBLE", "latitude"),
        _c("lon", "DOUBLE", "longitude"),
        _c("geo_precision", "VARCHAR", "settlement, region, country, or empty when unresolved"),
        _c("alternatives", "VARCHAR[]", "other candidates with the same name"),
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
        _c("entity", "VARCHAR", "event, agreement, report_item, practice_link", True),
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

REGIONS = Table(
    "regions",
    "one federal subject (reference, from data/reference/regions.csv)",
    ("region_code",),
    (
        _c(
            "region_code",
            "VARCHAR",
            "ISO 3166-2 code; RU-CR, RU-SEV, RU-DNR, RU-LNR, RU-ZAP, RU-KHE for subjects without one",
            True,
        ),
        _c("name_full", "VARCHAR", "name as in the Constitution", True),
        _c("name_short", "VARCHAR", "everyday name", True),
        _c("aliases", "VARCHAR", "other names used in texts, '|'-separated"),
        _c("federal_district", "VARCHAR", "federal district", True),
        _c("admin_centre", "VARCHAR", "administrative centre", True),
        _c("centre_lat", "DOUBLE", "latitude of the centre", True),
        _c("centre_lon", "DOUBLE", "longitude of the centre", True),
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

ALL_TABLES = (
    DOCUMENTS,
    EVENTS,
    AGREEMENTS,
    REPORT_ITEMS,
    PRACTICE_LINKS,
    PLACES,
    SOURCES,
    REGIONS,
    USERS,
    SESSIONS,
    AUDIT,
)
TABLES_BY_NAME = {table.name: table for table in ALL_TABLES}


def create_table_sql(table: Table) -> str:
    """CREATE TABLE IF NOT EXISTS with the primary key."""
    columns = ",\n  ".join(f"{column.name} {column.sql_type}" for column in table.columns)
    return f"CREATE TABLE IF NOT EXISTS {table.name} (\n  {columns},\n  PRIMARY KEY ({', '.join(table.primary_key)})\n)"


def validate_frame(table: Table, frame: pd.DataFrame) -> pd.DataFrame:
    """Columns of `table` in order; missing columns, nulls in required ones or extras raise SchemaError."""
    missing = [name for name in table.column_names if name not in frame.columns]
    if missing:
        raise SchemaError(f"table {table.name}: missing column(s) {', '.join(missing)}")
    extra = [name for name in frame.columns if name not in table.column_names]
    if extra:
        raise SchemaError(f"table {table.name}: unexpected column(s) {', '.join(extra)}")
    for column in table.columns:
        if column.required and frame[column.name].isna().any():
            raise SchemaError(f"table {table.name}: column {column.name} has empty values")
    duplicated = frame.duplicated(list(table.primary_key))
    if duplicated.any():
        raise SchemaError(
            f"table {table.name}: duplicate key {tuple(frame.loc[duplicated, list(table.primary_key)].iloc[0])}"
        )
    return frame[table.column_names]


# Russian names of the columns, as readers see them in tables and downloads. One name is one quantity in
# every table, so one label per column name; a test checks that every column of every table has one.
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
    "period": "Период",
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
    "resolution": "Как определено",
    "char_start": "Начало фрагмента",
    "char_end": "Конец фрагмента",
    "entity": "Вид записи",
    "entity_id": "Запись (id)",
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
