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
    if not (incoming["date_start"] <= stored.date_end and stored.date_start <= incoming["date_end"]):
        return None
    if incoming["settlement_id"] and stored.settlement_id and incoming["settlement_id"] != stored.settlement_id:
        return None
    similarity = title_similarity(incoming["title"], stored.title)
    same_type = incoming["event_type"] == stored.event_type
    if similarity >= 0.5 or (same_type and similarity >= 0.25):
        return (
            f"dates overlap ({incoming['date_start']} / {stored.date_start}), same region {stored.region_code}"
            + (", same settlement" if incoming["settlement_id"] and incoming["settlement_id"] == stored.settlement_id else "")
            + (", same type" if same_type else "") + f", title similarity {similarity:.2f}"
        )
    return None


def _stored_candidates(connection: duckdb.DuckDBPyConnection, events: pd.DataFrame) -> pd.DataFrame:
    regions = [code for code in events["region_code"].dropna().unique()]
    if not regions:
        return pd.DataFrame()
    return connection.execute(
        "SELECT event_id, title, event_type, date_start, date_end, region_code, settlement_id FROM events "
        "WHERE region_code IN (SELECT unnest(?)) AND date_start <= ? AND date_end >= ?",
        [regions, max(events["date_end"]), min(events["date_start"])],
    ).df()


def merge_into_stored(connection: duckdb.DuckDBPyConnection, tables: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    """Drop incoming events that match stored ones; point their sources and report items at the stored id."""
    events = tables.get("events")
    if events is None or events.empty:
        return tables
    stored = _stored_candidates(connection, events)
    if stored.empty:
        return tables
    stored = stored.assign(date_start=pd.to_datetime(stored["date_start"]).dt.date, date_end=pd.to_datetime(stored["date_end"]).dt.date)
    by_region = {region: group for region, group in stored.groupby("region_code")}
    replaced: dict[str, tuple[str, str]] = {}
    for event in events.to_dict("records"):
        for candidate in by_region.get(event["region_code"], pd.DataFrame()).itertuples(index=False):
            reason = match_reason(event, candidate)
            if reason:
                replaced[event["event_id"]] = (candidate.event_id, reason)
                break
    if not replaced:
        return tables
    merged = dict(tables)
    merged["events"] = events[~events["event_id"].isin(replaced)]
    sources = tables["sources"].copy()
    is_merged = (sources["entity"] == "event") & sources["entity_id"].isin(replaced)
    sources.loc[is_merged, "merge_reason"] = sources.loc[is_merged, "entity_id"].map(lambda i: replaced[i][1])
    sources.loc[is_merged, "entity_id"] = sources.loc[is_merged, "entity_id"].map(lambda i: replaced[i][0])
    merged["sources"] = sources
    if "report_items" in tables:
        items = tables["report_items"]
        merged["report_items"] = items.assign(event_id=items["event_id"].map(lambda i: replaced.get(i, (i,))[0]))
    return merged
