"""Combining sources: an incoming event that matches a stored one becomes another source of it.

Rule (explainable, recorded per merge): the date ranges overlap, the region is the same, the settlements
do not contradict each other, and the titles are alike (word-stem overlap ≥ 0.5, or ≥ 0.25 with the
same event type).
"""

from __future__ import annotations

import re

import duckdb
import pandas as pd

_WORD = re.compile(r"\w{3,}")
_STOP_STEMS = {"при", "для", "сов", "год", "года"}


def title_stems(title: str) -> set[str]:
    """Five-letter stems of the title's words: crude, but robust to Russian case endings."""
    return {word[:5] for word in _WORD.findall(str(title).lower().replace("ё", "е"))} - _STOP_STEMS


def title_similarity(first: str, second: str) -> float:
    """Jaccard overlap of title stems, 0..1."""
    a, b = title_stems(first), title_stems(second)
    return len(a & b) / len(a | b) if a and b else 0.0


def match_reason(incoming: dict, stored) -> str | None:
    """Why incoming and stored are the same event, or None if they are not."""
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
    similarity = title_similarity(incoming["title"], stored.title)
    same_type = incoming["event_type"] == stored.event_type
    if similarity >= 0.5 or (same_type and similarity >= 0.25):
        return (
            f"dates overlap ({incoming['date_start']} / {stored.date_start}), same region {stored.region_code}"
            + (
                ", same settlement"
                if incoming["settlement_id"] and incoming["settlement_id"] == stored.settlement_id
                else ""
            )
            + (", same type" if same_type else "")
            + f", title similarity {similarity:.2f}"
        )
    return None


def _stored_candidates(connection: duckdb.DuckDBPyConnection, events: pd.DataFrame) -> pd.DataFrame:
    """Stored events that could match any of the incoming ones (same regions, overlapping date range)."""
    regions = [code for code in events["region_code"].dropna().unique()]
    if not regions:
        return pd.DataFrame(
            columns=[
                "event_id",
                "title",
                "event_type",
                "date_start",
                "date_end",
                "region_code",
                "settlement_id",
            ]
        )
    stored = connection.execute(
        "SELECT event_id, title, event_type, date_start, date_end, region_code, settlement_id FROM events "
        "WHERE region_code IN (SELECT unnest(?)) AND date_start <= ? AND date_end >= ?",
        [regions, max(events["date_end"]), min(events["date_start"])],
    ).df()
    return stored.assign(
        date_start=pd.to_datetime(stored["date_start"]).dt.date,
        date_end=pd.to_datetime(stored["date_end"]).dt.date,
    )


def _repoint(
    tables: dict[str, pd.DataFrame], replaced: dict[str, tuple[str, str]]
) -> dict[str, pd.DataFrame]:
    """Drop merged events; their sources (with the reason) and report items point at the kept event."""
    merged = dict(tables)
    merged["events"] = tables["events"][~tables["events"]["event_id"].isin(replaced)]
    sources = tables["sources"].copy()
    is_merged = (sources["entity"] == "event") & sources["entity_id"].isin(replaced)
    sources.loc[is_merged, "merge_reason"] = sources.loc[is_merged, "entity_id"].map(
        lambda i: replaced[i][1]
    )
    sources.loc[is_merged, "entity_id"] = sources.loc[is_merged, "entity_id"].map(
        lambda i: replaced[i][0]
    )
    # two events of one passage (one action in two towns) may both join the same stored event:
    # that event has this passage as its source once
    merged["sources"] = sources.drop_duplicates(
        subset=["entity", "entity_id", "document_id", "char_start"]
    )
    if "report_items" in tables:
        items = tables["report_items"]
        merged["report_items"] = items.assign(
            event_id=items["event_id"].map(lambda i: replaced.get(i, (i,))[0])
        )
    return merged


def merge_batch(
    connection: duckdb.DuckDBPyConnection, batch: list[dict[str, pd.DataFrame]]
) -> list[dict[str, pd.DataFrame]]:
    """Merge each file's incoming events into stored events and into those of earlier files in the batch."""
    incoming = [
        tables["events"] for tables in batch if "events" in tables and not tables["events"].empty
    ]
    if not incoming:
        return batch
    pool: dict[str, list] = {}
    for candidate in _stored_candidates(
        connection, pd.concat(incoming, ignore_index=True)
    ).itertuples(index=False):
        pool.setdefault(candidate.region_code, []).append(candidate)
    result = []
    for tables in batch:
        events = tables.get("events")
        if events is None or events.empty:
            result.append(tables)
            continue
        replaced: dict[str, tuple[str, str]] = {}
        kept = []
        for event in events.to_dict("records"):
            match = next(
                (
                    (c.event_id, reason)
                    for c in pool.get(event["region_code"], [])
                    if (reason := match_reason(event, c))
                ),
                None,
            )
            if match:
                replaced[event["event_id"]] = match
            else:
                kept.append(event)
        for event in kept:
            pool.setdefault(event["region_code"], []).append(pd.Series(event))
        result.append(_repoint(tables, replaced) if replaced else tables)
    return result
