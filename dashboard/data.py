"""The only data access of the dashboard: cached reads from the DuckDB store (filtering happens outside)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

import duckdb
import pandas as pd
import streamlit as st

from dashboard.quarters import quarter_sql
from loaders.paths import database_path
from loaders.store.database import OUTDATED_MESSAGE  # noqa: F401  (shown by app.py)

# A row is demo data when every document it was read from is a demo document.
_DEMO_ROWS = """
demo_rows AS (
    SELECT s.entity, s.entity_id, bool_and(d.is_demo) AS is_demo
    FROM sources s JOIN documents d USING (document_id) GROUP BY s.entity, s.entity_id
)"""
EVENTS_SQL = f"""
WITH first_source AS (
    SELECT entity_id, min(document_id) AS document_id, count(DISTINCT document_id) AS source_count
    FROM sources WHERE entity = 'event' GROUP BY entity_id
), {_DEMO_ROWS}
SELECT e.event_id, e.title, e.event_type, e.topic, e.date_start, e.date_end, e.date_precision,
       {quarter_sql("e.date_start")} AS quarter,
       e.settlement_name, e.settlement_id, e.region_code, e.lat, e.lon, e.geo_precision,
       array_to_string(e.organizers, '; ') AS organizers,
       array_to_string(e.participant_cities, '; ') AS participant_cities,
       e.participants_count, s.document_id, coalesce(s.source_count, 0) AS source_count,
       coalesce(dr.is_demo, false) AS is_demo
FROM events e LEFT JOIN first_source s ON s.entity_id = e.event_id
LEFT JOIN demo_rows dr ON dr.entity = 'event' AND dr.entity_id = e.event_id
ORDER BY e.date_start, e.event_id
"""
AGREEMENTS_SQL = f"""
WITH {_DEMO_ROWS}
SELECT a.agreement_id, a.date, {quarter_sql("a.date")} AS quarter, a.parties_count,
       array_to_string(a.parties, '; ') AS parties, a.settlement_name, a.region_code, a.lat, a.lon, a.subject,
       (SELECT min(document_id) FROM sources s WHERE s.entity = 'agreement' AND s.entity_id = a.agreement_id) AS document_id,
       coalesce(dr.is_demo, false) AS is_demo
FROM agreements a
LEFT JOIN demo_rows dr ON dr.entity = 'agreement' AND dr.entity_id = a.agreement_id
ORDER BY a.date, a.agreement_id
"""
REPORT_ITEMS_SQL = f"""
WITH {_DEMO_ROWS}
SELECT r.report_item_id, r.reporting_body, r.quarter, r.item_number, r.date_start, r.date_end, r.title,
       r.goal, r.region_code, r.event_id,
       (SELECT min(document_id) FROM sources s WHERE s.entity = 'report_item' AND s.entity_id = r.report_item_id) AS document_id,
       coalesce(dr.is_demo, false) AS is_demo
FROM report_items r
LEFT JOIN demo_rows dr ON dr.entity = 'report_item' AND dr.entity_id = r.report_item_id
ORDER BY r.quarter, r.reporting_body, r.item_number
"""
PRACTICE_LINKS_SQL = f"""
WITH {_DEMO_ROWS}
SELECT p.link_id, p.from_region, p.to_region, p.practice, p.date_start,
       {quarter_sql("p.date_start")} AS quarter, p.evidence_type,
       (SELECT min(document_id) FROM sources s WHERE s.entity = 'practice_link' AND s.entity_id = p.link_id) AS document_id,
       coalesce(dr.is_demo, false) AS is_demo
FROM practice_links p
LEFT JOIN demo_rows dr ON dr.entity = 'practice_link' AND dr.entity_id = p.link_id
ORDER BY p.date_start, p.link_id
"""
DOCUMENTS_SQL = """
SELECT document_id, file_name, title, genre, published_date, source, source_kind, is_demo, ingested_at,
       length(full_text) AS text_length
FROM documents ORDER BY file_name
"""
JOINT_EVENT_LINKS_SQL = f"""
WITH {_DEMO_ROWS}
SELECT j.link_id, j.from_region, j.to_region, j.practice, j.date_start,
       {quarter_sql("j.date_start")} AS quarter, j.evidence_type,
       (SELECT min(document_id) FROM sources s WHERE s.entity = 'joint_event_link' AND s.entity_id = j.link_id) AS document_id,
       j.event_id, coalesce(dr.is_demo, false) AS is_demo
FROM joint_event_links j
LEFT JOIN demo_rows dr ON dr.entity = 'joint_event_link' AND dr.entity_id = j.link_id
ORDER BY j.date_start, j.link_id
"""
REGIONS_SQL = "SELECT * FROM regions ORDER BY region_code"
# One row per source of an event, agreement or practice link: what kind of document it is, and the
# region and quarter of the row it supports (for coverage and report reconciliation).
SOURCE_FACTS_SQL = f"""
SELECT s.entity, s.entity_id, s.document_id, s.merge_reason,
       CASE WHEN d.source_kind = 'table' THEN 'tables' WHEN d.genre = 'report' THEN 'reports'
            WHEN d.genre = 'invitation' THEN 'letters' ELSE 'news' END AS kind,
       coalesce(e.region_code, a.region_code, p.to_region) AS region_code,
       {quarter_sql("coalesce(e.date_start, a.date, p.date_start)")} AS quarter
FROM sources s
JOIN documents d USING (document_id)
LEFT JOIN events e ON s.entity = 'event' AND e.event_id = s.entity_id
LEFT JOIN agreements a ON s.entity = 'agreement' AND a.agreement_id = s.entity_id
LEFT JOIN practice_links p ON s.entity = 'practice_link' AND p.link_id = s.entity_id
"""
_CATEGORY_COLUMNS = (
    "event_type",
    "topic",
    "region_code",
    "quarter",
    "from_region",
    "to_region",
    "evidence_type",
    "genre",
    "kind",
    "entity",
)
_DATE_COLUMNS = ("date_start", "date_end", "date", "published_date")


@dataclass(frozen=True)
class Atlas:
    """All tables the pages draw from; treat as read-only (it is shared by the cache)."""

    events: pd.DataFrame
    agreements: pd.DataFrame
    report_items: pd.DataFrame
    practice_links: pd.DataFrame
    documents: pd.DataFrame
    regions: pd.DataFrame
    source_facts: pd.DataFrame
    joint_event_links: pd.DataFrame
    # True when a load holds the store's lock and these are the tables read before it began
    is_stale: bool = False

    @property
    def is_empty(self) -> bool:
        return self.events.empty and self.agreements.empty and self.practice_links.empty


def database_version(path: Path) -> str:
    """Changes whenever the store file changes, so cached reads refresh after a load."""
    parts = []
    for candidate in (path, Path(str(path) + ".wal")):
        if candidate.exists():
            stat = candidate.stat()
            parts.append(f"{stat.st_mtime_ns}:{stat.st_size}")
    return "|".join(parts)


def _tidy(frame: pd.DataFrame) -> pd.DataFrame:
    for column in frame.columns:
        if column in _CATEGORY_COLUMNS:
            frame[column] = frame[column].astype("category")
        elif column in _DATE_COLUMNS:
            frame[column] = pd.to_datetime(frame[column])
    return frame


# cache_resource, not cache_data: cache_data hands every caller a fresh unpickled copy (49 MB at national
# scale on every run of every page). The frames are shared and read-only: pages filter and assign,
# never modify them in place. The version argument makes a load into the store a new entry.
@st.cache_resource(show_spinner="Загрузка данных…", max_entries=2)
def _read_atlas(db_path: str, version: str) -> Atlas:
    with duckdb.connect(db_path, read_only=True) as connection:

        def read(sql: str) -> pd.DataFrame:
            return _tidy(connection.execute(sql).df())

        return Atlas(
            events=read(EVENTS_SQL),
            agreements=read(AGREEMENTS_SQL),
            report_items=read(REPORT_ITEMS_SQL),
            practice_links=read(PRACTICE_LINKS_SQL),
            documents=read(DOCUMENTS_SQL),
            regions=read(REGIONS_SQL),
            source_facts=read(SOURCE_FACTS_SQL),
            joint_event_links=read(JOINT_EVENT_LINKS_SQL),
        )


@st.cache_resource(show_spinner=False, max_entries=2)
def _read_region_shapes(path: str, version: str):
    from loaders.geo.boundaries import read_region_boundaries

    return read_region_boundaries(path)


def load_region_shapes():
    """Region polygons as a GeoDataFrame (region_code, name, geometry, area_km2, geojson; see
    loaders.geo.boundaries.read_region_boundaries), or None if data/reference/regions.geojson is missing."""
    from loaders.paths import REGIONS_GEOJSON

    if not REGIONS_GEOJSON.exists():
        return None
    return _read_region_shapes(str(REGIONS_GEOJSON), database_version(REGIONS_GEOJSON))


def store_path() -> Path:
    return database_path()


class StoreBusyError(RuntimeError):
    """The store is locked by a write and nothing has been read from it yet in this server."""


def is_lock_error(error: Exception) -> bool:
    """DuckDB's answer to a reader while another process writes: 'Could not set lock on file'."""
    return isinstance(error, duckdb.IOException) and "lock" in str(error).lower()


@st.cache_resource(show_spinner=False)
def _last_read() -> dict[str, Atlas]:
    """The last Atlas read per store path: shown while a load holds the lock."""
    return {}


@st.cache_data(show_spinner=False, max_entries=4)
def _store_is_current(db_path: str, version: str) -> bool:
    from loaders.store.database import store_is_current

    return store_is_current(Path(db_path))


def store_is_current() -> bool:
    """Whether the configured store was built with the current schema (checked once per file version)."""
    path = store_path()
    try:
        return _store_is_current(str(path), database_version(path))
    except duckdb.IOException as error:
        if is_lock_error(error):
            return True  # a load is writing: the version check waits; load_atlas shows cached data
        raise


def load_atlas() -> Atlas | None:
    """Every table of the configured store, or None when the store file does not exist yet.

    While another process writes (DuckDB's lock), the tables read before are returned with
    is_stale=True; with nothing read before, StoreBusyError."""
    path = store_path()
    if not path.exists():
        return None
    try:
        atlas = _read_atlas(str(path), database_version(path))
    except duckdb.IOException as error:
        if not is_lock_error(error):
            raise
        previous = _last_read().get(str(path))
        if previous is None:
            raise StoreBusyError(str(path)) from error
        return replace(previous, is_stale=True)
    _last_read()[str(path)] = atlas
    return atlas


@st.cache_data(show_spinner=False, max_entries=64)
def _read_document(db_path: str, version: str, document_id: str) -> dict | None:
    with duckdb.connect(db_path, read_only=True) as connection:
        rows = connection.execute(
            "SELECT document_id, file_name, title, genre, source, full_text, is_demo FROM documents WHERE document_id = ?",
            [document_id],
        ).fetchall()
        passages = connection.execute(
            "SELECT entity, entity_id, char_start, char_end, row_number FROM sources WHERE document_id = ? ORDER BY char_start",
            [document_id],
        ).df()
    if not rows:
        return None
    keys = ("document_id", "file_name", "title", "genre", "source", "full_text", "is_demo")
    return {**dict(zip(keys, rows[0])), "passages": passages}


def load_document(document_id: str) -> dict | None:
    """One document with its full text and the passages rows were read from."""
    path = store_path()
    if not path.exists():
        return None
    try:
        return _read_document(str(path), database_version(path), document_id)
    except duckdb.IOException as error:
        if is_lock_error(error):
            return None  # the page says the store is busy
        raise


@st.cache_data(show_spinner=False, max_entries=32)
def _read_passages(db_path: str, version: str, entity: str, ids: tuple[str, ...]) -> pd.DataFrame:
    with duckdb.connect(db_path, read_only=True) as connection:
        return connection.execute(
            """
            SELECT s.entity_id, s.document_id, d.file_name,
                   substr(d.full_text, s.char_start + 1, s.char_end - s.char_start) AS passage
            FROM sources s JOIN documents d USING (document_id)
            WHERE s.entity = ? AND s.entity_id IN (SELECT unnest(?))
            ORDER BY s.entity_id, s.char_start
            """,
            [entity, list(ids)],
        ).df()


def load_passages(entity: str, ids: tuple[str, ...]) -> pd.DataFrame:
    """The source passages (quoted text, document id and file) of the given rows of one entity
    (none while a load holds the store's lock)."""
    path = store_path()
    try:
        return _read_passages(str(path), database_version(path), entity, tuple(sorted(ids)))
    except duckdb.IOException as error:
        if is_lock_error(error):
            return pd.DataFrame(columns=["entity_id", "document_id", "file_name", "passage"])
        raise
