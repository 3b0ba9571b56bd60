"""Rows derived from stored rows after every write: joint-event links (guests from another region).

A joint-event link says: participants from region B came to an event hosted in region A, so B saw
A's practice (from_region A → to_region B). It is derived from events.participant_cities, each name
resolved with the gazetteer (largest settlement of that name), and its sources are the event's own
passages.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

import duckdb
import pandas as pd

from loaders.model.schema import JOINT_EVENT_LINKS, SOURCES, frame_from_rows, validate_frame

JOINT_EVENT_ENTITY = "joint_event_link"

_EVENTS_SQL = """
SELECT event_id, title, region_code, participant_cities, date_start, date_end, date_precision
FROM events
WHERE region_code IS NOT NULL AND len(participant_cities) > 0 {restriction}
ORDER BY event_id
"""
_SOURCES_SQL = """
SELECT entity_id AS event_id, document_id, char_start, char_end, row_number
FROM sources WHERE entity = 'event' AND entity_id IN (SELECT unnest(?))
ORDER BY entity_id, document_id, char_start
"""


def settlement_region(name: str) -> str | None:
    """Region of the largest settlement a participant-city name may refer to, or None if unknown."""
    from loaders.geo.gazetteer import gazetteer

    candidates = gazetteer().candidates(name)
    return candidates[0].region_code if candidates else None


def joint_event_rows(events: pd.DataFrame, region_of: Callable[[str], str | None]) -> list[dict]:
    """One row per (event, guest region other than the host's); grain and key as JOINT_EVENT_LINKS.

    `events`: event_id, title, region_code, participant_cities (list of names), date_start,
    date_end, date_precision.
    """
    resolved: dict[str, str | None] = {}
    rows = []
    for event in events.itertuples(index=False):
        if pd.isna(event.region_code):  # no host region, nothing to link from
            continue
        guests: dict[str, list[str]] = {}
        for name in event.participant_cities:
            if name not in resolved:
                resolved[name] = region_of(name)
            region = resolved[name]
            if region and region != event.region_code:
                guests.setdefault(region, []).append(name)
        for region in sorted(guests):
            rows.append(
                {
                    "link_id": f"je_{event.event_id}_{region}",
                    "event_id": event.event_id,
                    "from_region": event.region_code,
                    "to_region": region,
                    "practice": event.title,
                    "date_start": event.date_start,
                    "date_end": event.date_end,
                    "date_precision": event.date_precision,
                    "evidence_type": "joint_event",
                    "guest_settlements": guests[region],
                }
            )
    return rows


def _sources(links: pd.DataFrame, passages: pd.DataFrame) -> pd.DataFrame:
    """Each link inherits every passage of its event (a join on event_id), as rows of SOURCES."""
    joined = links[["link_id", "event_id"]].merge(passages, on="event_id", how="inner")
    return pd.DataFrame(
        {
            "entity": JOINT_EVENT_ENTITY,
            "entity_id": joined["link_id"].astype(object),
            "document_id": joined["document_id"].astype(object),
            "char_start": joined["char_start"].astype("int64"),
            "char_end": joined["char_end"].astype("int64"),
            "row_number": joined["row_number"].astype("Int64"),
            "merge_reason": pd.Series([None] * len(joined), dtype=object),
        }
    )


def derive_joint_event_links(
    connection: duckdb.DuckDBPyConnection,
    event_ids: Iterable[str] | None = None,
    region_of: Callable[[str], str | None] = settlement_region,
) -> dict[str, pd.DataFrame]:
    """Joint-event links (and their sources) of the given stored events, or of all events when None;
    frames checked against their schemas, ready to replace the stored ones."""
    parameters: list = []
    restriction = ""
    if event_ids is not None:
        restriction = "AND event_id IN (SELECT unnest(?))"
        parameters.append(list(event_ids))
    events = connection.execute(_EVENTS_SQL.format(restriction=restriction), parameters).df()
    events["date_start"] = pd.to_datetime(events["date_start"]).dt.date
    events["date_end"] = pd.to_datetime(events["date_end"]).dt.date
    links = frame_from_rows(JOINT_EVENT_LINKS, joint_event_rows(events, region_of))
    passages = connection.execute(_SOURCES_SQL, [list(links["event_id"].unique())]).df()
    return {
        JOINT_EVENT_LINKS.name: links,
        SOURCES.name: validate_frame(SOURCES, _sources(links, passages)),
    }
