"""Structured tables officials keep (CSV, XLSX, JSON) → tidy rows with provenance.

A file holds one kind of table: events, agreements, report items or practice links, recognised from its
Russian or English headers. Every problem is reported with file, row, column and what was expected;
a file with any problem contributes nothing.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from loaders.geo.gazetteer import Gazetteer, gazetteer
from loaders.geo.geocode import GeocodeResult, geocode, region_centre
from loaders.geo.regions import RegionIndex, UnknownRegionError, normalize_name, region_index
from loaders.model.bundle import Bundle
from loaders.model.ids import document_id, sha256_hex, stable_id
from loaders.model.quarters import quarter_key
from loaders.model.schema import (
    AGREEMENTS,
    EVENTS,
    PLACES,
    PRACTICE_LINKS,
    REPORT_ITEMS,
    SOURCES,
    frame_from_rows,
)
from loaders.model.vocabulary import event_type_from_text, evidence_type_from_text, topic_from_text
from loaders.read.tables import RawRow, TableLoadError, read_table_file
from loaders.read.textio import UnreadableFileError
from loaders.text.dates import DateParseError, DateSpan, parse_date

# canonical field → header spellings (compared after normalize_name)
HEADER_SYNONYMS: dict[str, tuple[str, ...]] = {
    "date": (
        "дата",
        "даты",
        "дата проведения",
        "дата мероприятия",
        "дата подписания",
        "сроки",
        "сроки проведения",
        "date",
    ),
    "title": (
        "мероприятие",
        "название",
        "наименование",
        "название мероприятия",
        "наименование мероприятия",
        "событие",
        "event",
        "title",
        "name",
    ),
    "event_type": ("тип", "тип мероприятия", "формат", "вид мероприятия", "type", "event_type"),
    "topic": ("тематика", "тема", "направление", "topic"),
    "city": ("город", "населенный пункт", "место проведения", "место", "city", "settlement"),
    "region": ("регион", "субъект", "субъект рф", "region", "region_code"),
    "organizers": ("организаторы", "организатор", "organizers", "organizer"),
    "participant_cities": (
        "участники города",
        "города участников",
        "участники",
        "participant_cities",
        "participants_from",
    ),
    "participants_count": (
        "число участников",
        "количество участников",
        "участников",
        "participants_count",
        "participants",
    ),
    "parties_count": ("число сторон", "количество сторон", "parties_count"),
    "parties": ("стороны", "участники соглашения", "стороны соглашения", "parties"),
    "subject": ("предмет", "предмет соглашения", "subject"),
    "reporting_body": ("орган", "отчитывающийся орган", "совет", "reporting_body", "body"),
    "quarter": ("период", "отчетный период", "квартал", "отчетный квартал", "period", "quarter"),
    "item_number": ("№", "номер", "№ п п", "n", "no", "item_number"),
    "goal": ("цель", "goal"),
    "from_region": (
        "откуда",
        "регион источник",
        "чья практика",
        "источник практики",
        "from_region",
        "from",
    ),
    "to_region": (
        "куда",
        "регион получатель",
        "кто перенимает",
        "перенимающий регион",
        "to_region",
        "to",
    ),
    "practice": ("практика", "practice"),
    "evidence_type": (
        "тип подтверждения",
        "подтверждение",
        "основание",
        "evidence",
        "evidence_type",
    ),
}
_HEADER_LOOKUP = {
    normalize_name(spelling): name
    for name, spellings in HEADER_SYNONYMS.items()
    for spelling in spellings
}

REQUIRED_FIELDS = {
    "events": ("date", "title"),
    "agreements": ("date", "parties"),
    "report_items": ("reporting_body", "quarter", "date", "title"),
    "practice_links": ("from_region", "to_region", "practice"),
}
HEADER_LABELS = {  # how a missing column is named back to the user
    "date": "Дата / date",
    "title": "Мероприятие / title",
    "parties": "Стороны / parties",
    "reporting_body": "Орган / reporting_body",
    "quarter": "Квартал / quarter",
    "from_region": "Откуда / from_region",
    "to_region": "Куда / to_region",
    "practice": "Практика / practice",
}


# Largest plausible value of each count column (DuckDB INTEGER holds up to 2 147 483 647).
COUNT_MAXIMUMS = {"participants_count": 1_000_000, "parties_count": 1_000, "item_number": 100_000}
# Dates outside [EARLIEST_DATE, today + LATEST_DAYS_AHEAD] are taken as typing errors.
EARLIEST_DATE = dt.date(1990, 1, 1)
LATEST_DAYS_AHEAD = 366
# An integer as people write it: 1500, 1 500 (thin or non-breaking spaces too).
_INTEGER_RE = re.compile(r"\d{1,3}(?:[ \u00a0\u202f]\d{3})+|\d+")


class _RowProblem(ValueError):
    def __init__(self, column: str, message: str):
        super().__init__(message)
        self.column = column


# ---------------------------------------------------------------- recognising the table


def canonical_headers(headers: list[str]) -> dict[str, str]:
    """canonical field → header as written, for every header we recognise."""
    mapping: dict[str, str] = {}
    for header in headers:
        name = _HEADER_LOOKUP.get(normalize_name(header))
        if name and name not in mapping:
            mapping[name] = header
    return mapping


def detect_kind(fields: dict[str, str]) -> str:
    """events, agreements, report_items or practice_links, from the recognised columns."""
    if "from_region" in fields or "to_region" in fields:
        return "practice_links"
    if "reporting_body" in fields or ("goal" in fields and "quarter" in fields):
        return "report_items"
    if "parties" in fields or "parties_count" in fields:
        return "agreements"
    return "events"


# ---------------------------------------------------------------- converting rows


@dataclass
class _Context:
    sha256: str
    document_id: str
    regions: RegionIndex
    places: Gazetteer
    warnings: list[str]
    file_name: str


def _cell(row: RawRow, fields: dict[str, str], name: str) -> str:
    header = fields.get(name)
    return row.cells.get(header, "").strip() if header else ""


def _label(fields: dict[str, str], name: str) -> str:
    return fields.get(name, name)


def _required(row: RawRow, fields: dict[str, str], name: str) -> str:
    value = _cell(row, fields, name)
    if not value:
        raise _RowProblem(_label(fields, name), "пустое значение / empty value")
    return value


def _date(
    row: RawRow, fields: dict[str, str], name: str = "date", required: bool = True
) -> DateSpan | None:
    value = _cell(row, fields, name)
    if not value and not required:
        return None
    try:
        span = parse_date(value)
    except DateParseError as error:
        raise _RowProblem(
            _label(fields, name),
            f"не удалось прочитать дату «{value[:80]}» (ожидается 14.10.2023, «14 октября 2023», "
            f"2023-10-14 или 10-12.10.2023) / cannot read date ({str(error)[:200]})",
        ) from error
    latest = dt.date.today() + dt.timedelta(days=LATEST_DAYS_AHEAD)
    if span.start < EARLIEST_DATE or span.end > latest:
        raise _RowProblem(
            _label(fields, name),
            f"неправдоподобная дата «{value[:80]}»: допустимо с {EARLIEST_DATE:%d.%m.%Y} по "
            f"{latest:%d.%m.%Y} / implausible date (before 1990 or more than a year ahead)",
        )
    return span


def _region(row: RawRow, fields: dict[str, str], name: str, ctx: _Context) -> str | None:
    value = _cell(row, fields, name)
    if not value:
        return None
    try:
        return ctx.regions.require(value)
    except UnknownRegionError as error:
        raise _RowProblem(_label(fields, name), str(error)) from error


def _place(row: RawRow, fields: dict[str, str], ctx: _Context) -> GeocodeResult | None:
    """Host place of a row: the settlement (resolved within the row's region) or the region alone."""
    region_code = _region(row, fields, "region", ctx)
    city = _cell(row, fields, "city")
    if city:
        result = geocode(city, region_code, places=ctx.places)
        if result.region_code is None:
            raise _RowProblem(
                _label(fields, "city"),
                f"населённый пункт «{city}» не найден и регион не указан / settlement not found and no region given",
            )
        if result.settlement is None:
            ctx.warnings.append(
                f"{ctx.file_name}: row {row.number}: settlement «{city}» not found in {region_code}; placed at the regional centre"
            )
        return result
    if region_code:
        return region_centre(region_code)
    return None


def _split_list(value: str) -> list[str]:
    return [item.strip() for item in re.split(r"[;\n]|,(?![^()]*\))", value) if item.strip()]


def _count(row: RawRow, fields: dict[str, str], name: str) -> int | None:
    """A whole number in range, or a row problem: «-50», «около 1,5 тыс.» and «1e6» are refused,
    not read as 50, 1 and 1."""
    value = _cell(row, fields, name)
    if not value:
        return None
    if not _INTEGER_RE.fullmatch(value):
        raise _RowProblem(
            _label(fields, name),
            f"ожидается целое неотрицательное число, получено «{value[:80]}» / "
            "expected a whole non-negative number",
        )
    number = int(re.sub(r"\D", "", value))
    maximum = COUNT_MAXIMUMS.get(name, 2_000_000_000)
    if number > maximum:
        raise _RowProblem(
            _label(fields, name),
            f"значение {number} больше допустимого {maximum} / value out of range (max {maximum})",
        )
    return number


def _participant_names(row: RawRow, fields: dict[str, str], ctx: _Context) -> list[str]:
    names = []
    for name in _split_list(_cell(row, fields, "participant_cities")):
        found = ctx.places.candidates(name)
        names.append(found[0].name if found else name)
    return names


def _place_columns(place: GeocodeResult | None) -> dict:
    if place is None:
        return {
            "settlement_name": None,
            "settlement_id": None,
            "region_code": None,
            "lat": None,
            "lon": None,
        }
    settlement = place.settlement
    return {
        "settlement_name": settlement.name if settlement else (place.query or None),
        "settlement_id": settlement.settlement_id if settlement else None,
        "region_code": place.region_code,
        "lat": place.lat,
        "lon": place.lon,
    }


def _table_reason(row: RawRow, ctx: _Context) -> str:
    """Provenance of a table row as a reason: official tables are taken as stated."""
    return f"таблица {ctx.file_name}, строка {row.number}"


def _event_row(
    event_id: str, title: str, span: DateSpan, place: GeocodeResult | None, row, fields, ctx
) -> dict:
    type_cell = _cell(row, fields, "event_type")
    topic_cell = _cell(row, fields, "topic")
    return {
        "event_id": event_id,
        "confidence": 1.0,
        "extraction_reason": _table_reason(row, ctx),
        "title": title,
        "event_type": event_type_from_text(type_cell) if type_cell else event_type_from_text(title),
        "topic": topic_from_text(topic_cell) if topic_cell else topic_from_text(title),
        "date_start": span.start,
        "date_end": span.end,
        "date_precision": span.precision,
        **_place_columns(place),
        "geo_precision": place.geo_precision if place else None,
        "organizers": _split_list(_cell(row, fields, "organizers")),
        "participant_cities": _participant_names(row, fields, ctx),
        "participants_count": _count(row, fields, "participants_count"),
    }


def _source(entity: str, entity_id: str, row: RawRow, ctx: _Context) -> dict:
    return {
        "entity": entity,
        "entity_id": entity_id,
        "document_id": ctx.document_id,
        "char_start": row.char_start,
        "char_end": row.char_end,
        "row_number": row.number,
        "merge_reason": "",
    }


def _place_row(place: GeocodeResult | None, row: RawRow, ctx: _Context) -> dict | None:
    if place is None or not place.query:
        return None
    return {
        "place_id": stable_id("pc", ctx.sha256, row.number, place.query),
        "document_id": ctx.document_id,
        "mention": place.query,
        **_place_columns(place),
        "geo_precision": place.geo_precision,
        "alternatives": place.alternatives,
        "is_ambiguous": place.ambiguous,
        "resolution": place.reason,
        "char_start": row.char_start,
        "char_end": row.char_end,
    }


def _convert_event(row, fields, ctx, out) -> None:
    title = _required(row, fields, "title")
    span = _date(row, fields)
    place = _place(row, fields, ctx)
    if place is None:
        raise _RowProblem(
            "Город / Регион", "не указан ни город, ни регион / neither city nor region given"
        )
    event_id = stable_id("ev", ctx.sha256, row.number)
    out["events"].append(_event_row(event_id, title, span, place, row, fields, ctx))
    out["sources"].append(_source("event", event_id, row, ctx))
    out["places"].append(_place_row(place, row, ctx))


def _convert_agreement(row, fields, ctx, out) -> None:
    parties = _split_list(_required(row, fields, "parties"))
    span = _date(row, fields)
    place = _place(row, fields, ctx)
    count = _count(row, fields, "parties_count") or len(parties)
    agreement_id = stable_id("ag", ctx.sha256, row.number)
    out["agreements"].append(
        {
            "agreement_id": agreement_id,
            "confidence": 1.0,
            "extraction_reason": _table_reason(row, ctx),
            "date": span.start,
            "date_precision": span.precision,
            "parties_count": count,
            "parties": parties,
            **_place_columns(place),
            "subject": _cell(row, fields, "subject") or None,
        }
    )
    out["sources"].append(_source("agreement", agreement_id, row, ctx))
    out["places"].append(_place_row(place, row, ctx))


def _quarter_key(value: str, fields) -> str:
    try:
        span = parse_date(value)
    except DateParseError as error:
        raise _RowProblem(
            _label(fields, "quarter"),
            f"не удалось прочитать период «{value}» (ожидается «IV квартал 2023» или 2023Q4) / cannot read period",
        ) from error
    return quarter_key(span.start)


def _convert_report_item(row, fields, ctx, out) -> None:
    body = _required(row, fields, "reporting_body")
    quarter = _quarter_key(_required(row, fields, "quarter"), fields)
    title = _required(row, fields, "title")
    span = _date(row, fields)
    place = _place(row, fields, ctx)
    item_id = stable_id("ri", ctx.sha256, row.number)
    event_id = stable_id("ev", ctx.sha256, row.number)
    out["report_items"].append(
        {
            "report_item_id": item_id,
            "confidence": 1.0,
            "extraction_reason": _table_reason(row, ctx),
            "reporting_body": body,
            "quarter": quarter,
            "item_number": _count(row, fields, "item_number"),
            "date_start": span.start,
            "date_end": span.end,
            "title": title,
            "goal": _cell(row, fields, "goal") or None,
            "region_code": place.region_code if place else None,
            "event_id": event_id,
        }
    )
    out["events"].append(_event_row(event_id, title, span, place, row, fields, ctx))
    out["sources"].append(_source("report_item", item_id, row, ctx))
    out["sources"].append(_source("event", event_id, row, ctx))
    out["places"].append(_place_row(place, row, ctx))


def _convert_practice_link(row, fields, ctx, out) -> None:
    from_region = _region(row, fields, "from_region", ctx) or _required(row, fields, "from_region")
    to_region = _region(row, fields, "to_region", ctx) or _required(row, fields, "to_region")
    practice = _required(row, fields, "practice")
    span = _date(row, fields, required=False)
    evidence_cell = _cell(row, fields, "evidence_type")
    evidence = evidence_type_from_text(evidence_cell)
    if evidence is None:
        raise _RowProblem(
            _label(fields, "evidence_type"),
            f"неизвестный тип подтверждения «{evidence_cell}» (ожидается adoption_statement, internship, "
            "joint_event, agreement) / unknown evidence type",
        )
    link_id = stable_id("pl", ctx.sha256, row.number)
    out["practice_links"].append(
        {
            "link_id": link_id,
            "confidence": 1.0,
            "extraction_reason": _table_reason(row, ctx),
            "from_region": from_region,
            "to_region": to_region,
            "practice": practice,
            "date_start": span.start if span else None,
            "date_end": span.end if span else None,
            "date_precision": span.precision if span else None,
            "evidence_type": evidence,
        }
    )
    out["sources"].append(_source("practice_link", link_id, row, ctx))


CONVERTERS = {
    "events": _convert_event,
    "agreements": _convert_agreement,
    "report_items": _convert_report_item,
    "practice_links": _convert_practice_link,
}
TABLE_SCHEMAS = {
    t.name: t for t in (EVENTS, AGREEMENTS, REPORT_ITEMS, PRACTICE_LINKS, PLACES, SOURCES)
}


_FACT_TABLES = {"events", "agreements", "report_items", "practice_links"}


def _frame(name: str, rows: list[dict | None]) -> pd.DataFrame:
    rows = [row for row in rows if row is not None]
    if name in _FACT_TABLES:  # rows of an official table count as reviewed (see loaders.review)
        rows = [{**row, "status": "confirmed", "version": 1} for row in rows]
    return frame_from_rows(TABLE_SCHEMAS[name], rows)


def _shown_headers(headers: list[str]) -> str:
    """Headers for a message: each and their number capped (a header can be a megabyte long)."""
    shown = ", ".join(header[:60] + ("…" if len(header) > 60 else "") for header in headers[:30])
    return shown + (f" … (+{len(headers) - 30})" if len(headers) > 30 else "")


def _repeated_headers(headers: list[str]) -> list[str]:
    """Non-empty headers that occur more than once (compared as header names are recognised)."""
    seen: dict[str, str] = {}
    repeated = []
    for header in headers:
        key = normalize_name(header) or header.strip()
        if not key:
            continue
        if key in seen and seen[key] not in repeated:
            repeated.append(seen[key])
        seen.setdefault(key, header)
    return repeated


def load_table_file(
    path: Path, kind: str | None = None, is_demo: bool = False, progress=None
) -> Bundle:
    """Read one table file into a Bundle; raises TableLoadError listing every problem found."""
    path = Path(path)
    try:
        data, raw = read_table_file(path)
    except (UnreadableFileError, csv.Error) as error:
        raise TableLoadError(str(path), [str(error).removeprefix(f"{path.name}: ")]) from error
    fields = canonical_headers(raw.headers)
    kind = kind or detect_kind(fields)
    missing = [
        HEADER_LABELS.get(name, name) for name in REQUIRED_FIELDS[kind] if name not in fields
    ]
    if not raw.headers:
        raise TableLoadError(str(path), ["нет строки заголовков / no header row"])
    repeated = _repeated_headers(raw.headers)
    if repeated:
        raise TableLoadError(
            str(path),
            [
                f"столбец {', '.join('«' + h[:80] + '»' for h in repeated)} повторяется в заголовке "
                "/ duplicate header column"
            ],
        )
    if missing:
        raise TableLoadError(
            str(path),
            [
                f"нет обязательного столбца {', '.join('«' + m + '»' for m in missing)} для таблицы {kind} "
                f"(найдены: {_shown_headers(raw.headers)}) / missing required column(s)"
            ],
        )
    if not raw.rows:
        raise TableLoadError(str(path), ["нет строк с данными / no data rows"])
    sha = sha256_hex(data)
    ctx = _Context(sha, document_id(sha), region_index(), gazetteer(), [], path.name)
    out: dict[str, list] = {name: [] for name in TABLE_SCHEMAS}
    problems = []
    rows = progress(raw.rows) if progress else raw.rows
    for row in rows:
        if row.extra_cells:
            problems.append(
                f"{raw.row_word} {row.number}: {len(row.extra_cells)} лишн. ячеек без заголовка "
                f"(«{row.extra_cells[0][:40]}» …) / extra cells beyond the header"
            )
            continue
        try:
            CONVERTERS[kind](row, fields, ctx, out)
        except _RowProblem as problem:
            problems.append(
                f"{raw.row_word} {row.number}, столбец / column «{problem.column}»: {problem}"
            )
    if problems:
        raise TableLoadError(str(path), problems)
    document = {
        "document_id": ctx.document_id,
        "sha256": sha,
        "file_name": path.name,
        "title": path.stem,
        "genre": "other",
        "published_date": None,
        "source": str(path),
        "source_kind": "table",
        "full_text": raw.text,
        "is_demo": is_demo,
    }
    tables = {
        name: _frame(name, rows) for name, rows in out.items() if any(r is not None for r in rows)
    }
    return Bundle(document, tables, ctx.warnings)
