"""Merging by meaning: an incoming row that describes something already known becomes another source
of it, whether the known row is stored, came earlier in the same batch, or earlier in the same file.

Natural keys (explainable; the reason is stored in sources.merge_reason):
- events: the date ranges overlap, the region is the same, the settlements do not contradict each
  other, the numbers in the titles agree («Двор 1» is not «Двор 2»), and the titles are alike
  (word-stem overlap ≥ 0.5, or ≥ 0.25 with the same event type); events with no region on either
  side only when title and dates are the same;
- agreements: date, parties (as a set, ignoring case, quotes and spacing) and place (settlement,
else
  region); without a date the subject must agree too;
- practice links: from, to, practice (normalised as the parties) and date;
- report items: reporting body, the event reported (after events are merged) and item number.
The byte hash (documents.sha256) is checked before any of this: the same bytes are not read again.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field

import duckdb
import pandas as pd

_WORD = re.compile(r"\w{3,}")
_NUMBER = re.compile(r"\d+")
_QUOTES = re.compile(r"[«»\"'“”„`]")
_STOP_STEMS = {"при", "для", "сов", "год", "года"}

# entity name in sources → (table, id column)
ENTITIES = {
    "event": ("events", "event_id"),
    "agreement": ("agreements", "agreement_id"),
    "practice_link": ("practice_links", "link_id"),
    "report_item": ("report_items", "report_item_id"),
}


@functools.lru_cache(maxsize=65536)
def title_stems(title: str) -> frozenset[str]:
    """Five-letter stems of the title's words: crude, but robust to Russian case endings."""
    words = _WORD.findall(str(title).lower().replace("ё", "е"))
    return frozenset(word[:5] for word in words if not word.isdigit()) - _STOP_STEMS


@functools.lru_cache(maxsize=65536)
def title_numbers(title: str) -> frozenset[int]:
    """Numbers written in the title («Двор 12», «Форум-2023»): they tell events apart."""
    return frozenset(int(number) for number in _NUMBER.findall(str(title)))


def title_similarity(first: str, second: str) -> float:
    """Jaccard overlap of title stems, 0..1."""
    a, b = title_stems(first), title_stems(second)
    return len(a & b) / len(a | b) if a and b else 0.0


def normalized_phrase(text) -> str:
    """Lower case, ё → е, no quotes, single spaces: how a name is compared."""
    text = _QUOTES.sub("", str(text or "").lower().replace("ё", "е"))
    return " ".join(text.split())


def match_reason(incoming: dict, stored) -> str | None:
    """Why incoming and stored are the same event, or None if they are not."""
    if incoming["region_code"] is None and stored.region_code is None:
        return _placeless_match_reason(incoming, stored)
    if incoming["region_code"] is None or incoming["region_code"] != stored.region_code:
        return None
    if not (
        incoming["date_start"] <= stored.date_end and stored.date_start <= incoming["date_end"]
    ):
        return None
    if (
        incoming["settlement_id"]
        and stored.settlement_id
        and incoming["settlement_id"] != stored.settlement_id
    ):
        return None
    numbers, stored_numbers = title_numbers(incoming["title"]), title_numbers(stored.title)
    if numbers and stored_numbers and numbers != stored_numbers:
        return None
    similarity = title_similarity(incoming["title"], stored.title)
    same_type = incoming["event_type"] == stored.event_type
    if similarity >= 0.5 or (same_type and similarity >= 0.25):
        return (
            f"dates overlap ({incoming['date_start']} / {stored.date_start}), same region "
            f"{stored.region_code}"
            + (
                ", same settlement"
                if incoming["settlement_id"] and incoming["settlement_id"] == stored.settlement_id
                else ""
            )
            + (", same type" if same_type else "")
            + f", title similarity {similarity:.2f}"
        )
    return None


def _placeless_match_reason(incoming: dict, stored) -> str | None:
    """Events with no known place: only the same title on the same dates is the same event."""
    if (
        normalized_phrase(incoming["title"]) == normalized_phrase(stored.title)
        and incoming["date_start"] == stored.date_start
        and incoming["date_end"] == stored.date_end
    ):
        return f"same title and dates ({stored.date_start}), no region on either"
    return None


def agreement_key(row) -> tuple:
    """Date, parties as a set, place; and the subject when there is no date."""
    parties = frozenset(normalized_phrase(party) for party in (row["parties"] or []))
    place = row["settlement_id"] or row["region_code"]
    subject = normalized_phrase(row["subject"]) if row["date"] is None else None
    return (row["date"], parties, place, subject)


def link_key(row) -> tuple:
    return (
        row["from_region"],
        row["to_region"],
        normalized_phrase(row["practice"]),
        row["date_start"],
    )


def report_item_key(row) -> tuple:
    return (normalized_phrase(row["reporting_body"]), row["event_id"], row["item_number"])


_KEY_REASONS = {
    "agreement": "same date, parties and place",
    "practice_link": "same from, to, practice and date",
    "report_item": "same reporting body, event and item number",
}


@dataclass
class _Known:
    """Rows incoming ones are compared with: stored candidates, then each row kept so far."""

    events: dict[str, list] = field(default_factory=dict)  # region → event rows
    keys: dict[str, dict[tuple, str]] = field(default_factory=dict)  # entity → key → kept id


@dataclass(frozen=True)
class _EventRow:
    event_id: str
    title: str
    event_type: str
    date_start: object
    date_end: object
    region_code: str
    settlement_id: str | None


def _incoming(batch: list[dict[str, pd.DataFrame]], table: str) -> pd.DataFrame | None:
    parts = [tables[table] for tables in batch if table in tables and not tables[table].empty]
    return pd.concat(parts, ignore_index=True) if parts else None


def _none_if_missing(value):
    return None if value is None or (not isinstance(value, list) and pd.isna(value)) else value


def _records(frame: pd.DataFrame) -> list[dict]:
    """Rows as dicts with None (not NaN/NaT) for missing values. Built column by column: the
    string columns are Arrow-backed, and pandas' row-wise to_dict on them was the writer's
    largest cost (the one process that writes the store must stay light; see cluster.py)."""
    columns = list(frame.columns)
    values = [[_none_if_missing(value) for value in frame[column].tolist()] for column in columns]
    return [dict(zip(columns, row)) for row in zip(*values)]


def _stored_events(connection, events: pd.DataFrame) -> list[_EventRow]:
    """Stored events that could match any incoming one (same regions, or none if an incoming event
    has none; overlapping date range)."""
    regions = [code for code in events["region_code"].dropna().unique()]
    placeless = bool(events["region_code"].isna().any())
    rows = connection.execute(
        "SELECT event_id, title, event_type, date_start, date_end, region_code, settlement_id "
        "FROM events WHERE (region_code IN (SELECT unnest(?)) OR (? AND region_code IS NULL)) "
        "AND date_start <= ? AND date_end >= ?",
        [regions, placeless, max(events["date_end"]), min(events["date_start"])],
    ).fetchall()
    return [_EventRow(*row) for row in rows]


def _stored_keys(connection, batch) -> dict[str, dict[tuple, str]]:
    """Natural keys of stored agreements, links and report items that incoming ones could match."""
    keys: dict[str, dict[tuple, str]] = {entity: {} for entity in _KEY_REASONS}
    agreements = _incoming(batch, "agreements")
    if agreements is not None:
        dates = [d for d in agreements["date"].dropna().unique()]
        rows = connection.execute(
            "SELECT agreement_id, date, parties, settlement_id, region_code, subject FROM "
            "agreements "
            "WHERE date IN (SELECT unnest(?)) OR date IS NULL",
            [dates],
        ).fetchall()
        for agreement_id, *values in rows:
            row = dict(zip(("date", "parties", "settlement_id", "region_code", "subject"), values))
            keys["agreement"].setdefault(agreement_key(row), agreement_id)
    links = _incoming(batch, "practice_links")
    if links is not None:
        rows = connection.execute(
            "SELECT link_id, from_region, to_region, practice, date_start FROM practice_links "
            "WHERE from_region IN (SELECT unnest(?))",
            [list(links["from_region"].unique())],
        ).fetchall()
        for link_id, *values in rows:
            row = dict(zip(("from_region", "to_region", "practice", "date_start"), values))
            keys["practice_link"].setdefault(link_key(row), link_id)
    items = _incoming(batch, "report_items")
    if items is not None:
        rows = connection.execute(
            "SELECT report_item_id, reporting_body, event_id, item_number FROM report_items"
        ).fetchall()
        for item_id, *values in rows:
            row = dict(zip(("reporting_body", "event_id", "item_number"), values))
            keys["report_item"].setdefault(report_item_key(row), item_id)
    return keys


def _known_rows(connection, batch) -> _Known:
    known = _Known(keys=_stored_keys(connection, batch))
    events = _incoming(batch, "events")
    if events is not None:
        for event in _stored_events(connection, events):
            known.events.setdefault(event.region_code, []).append(event)
    return known


def _merge_events(events: pd.DataFrame, known: _Known, replaced: dict) -> None:
    for event in _records(events):
        match = next(
            (
                (candidate.event_id, reason)
                for candidate in known.events.get(event["region_code"], [])
                if (reason := match_reason(event, candidate))
            ),
            None,
        )
        if match:
            replaced[("event", event["event_id"])] = match
        else:
            known.events.setdefault(event["region_code"], []).append(
                _EventRow(**{name: event[name] for name in _EventRow.__dataclass_fields__})
            )


def _merge_by_key(entity: str, frame: pd.DataFrame, key_of, known: _Known, replaced: dict):
    id_column = ENTITIES[entity][1]
    seen = known.keys.setdefault(entity, {})
    for row in _records(frame):
        key = key_of(row)
        kept = seen.get(key)
        if kept is not None and kept != row[id_column]:
            replaced[(entity, row[id_column])] = (kept, _KEY_REASONS[entity])
        else:
            seen[key] = row[id_column]


def _repoint(
    tables: dict[str, pd.DataFrame], replaced: dict[tuple[str, str], tuple[str, str]]
) -> dict[str, pd.DataFrame]:
    """Drop merged rows; their sources (with the reason) and report items point at the kept row."""
    merged = dict(tables)
    for entity, (table, id_column) in ENTITIES.items():
        if table in tables:
            frame = tables[table]
            kept = [(entity, i) not in replaced for i in frame[id_column].tolist()]
            merged[table] = frame[kept] if not all(kept) else frame
    if "report_items" in merged:
        items = merged["report_items"]
        merged["report_items"] = items.assign(
            event_id=[replaced.get(("event", i), (i,))[0] for i in items["event_id"].tolist()]
        )
    if "sources" in tables:
        merged["sources"] = _repointed_sources(tables["sources"], replaced)
    return merged


def _repointed_sources(
    sources: pd.DataFrame, replaced: dict[tuple[str, str], tuple[str, str]]
) -> pd.DataFrame:
    """Sources of merged rows point at the kept row, with the reason; two passages of one file
    merged into one row at the same offset keep one source."""
    pairs = list(zip(sources["entity"].tolist(), sources["entity_id"].tolist()))
    entity_ids = [replaced[pair][0] if pair in replaced else pair[1] for pair in pairs]
    reasons = [
        replaced[pair][1] if pair in replaced else reason
        for pair, reason in zip(pairs, sources["merge_reason"].tolist())
    ]
    seen: set[tuple] = set()
    first = []
    for (entity, _), entity_id, document_id, start in zip(
        pairs, entity_ids, sources["document_id"].tolist(), sources["char_start"].tolist()
    ):
        key = (entity, entity_id, document_id, start)
        first.append(key not in seen)
        seen.add(key)
    repointed = sources.assign(
        entity_id=pd.Series(entity_ids, index=sources.index, dtype=sources["entity_id"].dtype),
        merge_reason=pd.Series(reasons, index=sources.index, dtype=sources["merge_reason"].dtype),
    )
    return repointed[first]


def _merge_file(tables: dict[str, pd.DataFrame], known: _Known) -> dict[str, pd.DataFrame]:
    replaced: dict[tuple[str, str], tuple[str, str]] = {}
    if "events" in tables and not tables["events"].empty:
        _merge_events(tables["events"], known, replaced)
    if "agreements" in tables:
        _merge_by_key("agreement", tables["agreements"], agreement_key, known, replaced)
    if "practice_links" in tables:
        _merge_by_key("practice_link", tables["practice_links"], link_key, known, replaced)
    if "report_items" in tables:
        items = tables["report_items"].assign(
            event_id=tables["report_items"]["event_id"].map(
                lambda i: replaced.get(("event", i), (i,))[0]
            )
        )
        _merge_by_key("report_item", items, report_item_key, known, replaced)
    return _repoint(tables, replaced) if replaced else tables


def merge_batch(
    connection: duckdb.DuckDBPyConnection, batch: list[dict[str, pd.DataFrame]]
) -> list[dict[str, pd.DataFrame]]:
    """Each file's frames with rows that repeat known ones merged away (see the module docstring).

    Known rows are the stored ones that could match, then every row kept from earlier files of the
    batch and earlier rows of the same file, so the result does not depend on how files are batched.
    """
    known = _known_rows(connection, batch)
    return [_merge_file(tables, known) for tables in batch]
