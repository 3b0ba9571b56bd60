"""The only data access of the dashboard: cached reads from the store, a DuckDB file or PostgreSQL
(filtering happens outside). The SQL here is the subset both engines share."""

from __future__ import annotations

import contextlib
import threading
from dataclasses import dataclass, replace
from pathlib import Path

import duckdb
import pandas as pd
import streamlit as st

from dashboard.quarters import quarter_sql
from loaders.model.schema import REGIONS
from loaders.paths import database_target
from loaders.store.database import OUTDATED_MESSAGE  # noqa: F401  (shown by app.py)
from loaders.store.readers import data_version, open_reader, store_exists

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
       e.status, e.confidence, coalesce(dr.is_demo, false) AS is_demo
FROM events e LEFT JOIN first_source s ON s.entity_id = e.event_id
LEFT JOIN demo_rows dr ON dr.entity = 'event' AND dr.entity_id = e.event_id
WHERE e.status <> 'rejected'
ORDER BY e.date_start, e.event_id
"""
AGREEMENTS_SQL = f"""
WITH {_DEMO_ROWS}
SELECT a.agreement_id, a.date, {quarter_sql("a.date")} AS quarter, a.parties_count,
       array_to_string(a.parties, '; ') AS parties, a.settlement_name, a.region_code, a.lat, a.lon,
           a.subject,
       (SELECT min(document_id) FROM sources s WHERE s.entity = 'agreement'
           AND s.entity_id = a.agreement_id) AS document_id,
       a.status, a.confidence, coalesce(dr.is_demo, false) AS is_demo
FROM agreements a
LEFT JOIN demo_rows dr ON dr.entity = 'agreement' AND dr.entity_id = a.agreement_id
WHERE a.status <> 'rejected'
ORDER BY a.date, a.agreement_id
"""
REPORT_ITEMS_SQL = f"""
WITH {_DEMO_ROWS}
SELECT r.report_item_id, r.reporting_body, r.quarter, r.item_number, r.date_start, r.date_end,
    r.title,
       r.goal, r.region_code, r.event_id,
       (SELECT min(document_id) FROM sources s WHERE s.entity = 'report_item'
           AND s.entity_id = r.report_item_id) AS document_id,
       r.status, r.confidence, coalesce(dr.is_demo, false) AS is_demo
FROM report_items r
LEFT JOIN demo_rows dr ON dr.entity = 'report_item' AND dr.entity_id = r.report_item_id
WHERE r.status <> 'rejected'
ORDER BY r.quarter, r.reporting_body, r.item_number
"""
PRACTICE_LINKS_SQL = f"""
WITH {_DEMO_ROWS}
SELECT p.link_id, p.from_region, p.to_region, p.practice, p.date_start,
       {quarter_sql("p.date_start")} AS quarter, p.evidence_type,
       (SELECT min(document_id) FROM sources s WHERE s.entity = 'practice_link'
           AND s.entity_id = p.link_id) AS document_id,
       p.status, p.confidence, coalesce(dr.is_demo, false) AS is_demo
FROM practice_links p
LEFT JOIN demo_rows dr ON dr.entity = 'practice_link' AND dr.entity_id = p.link_id
WHERE p.status <> 'rejected'
ORDER BY p.date_start, p.link_id
"""
JOINT_EVENT_LINKS_SQL = f"""
WITH {_DEMO_ROWS}
SELECT j.link_id, j.from_region, j.to_region, j.practice, j.date_start,
       {quarter_sql("j.date_start")} AS quarter, j.evidence_type,
       (SELECT min(document_id) FROM sources s WHERE s.entity = 'joint_event_link'
           AND s.entity_id = j.link_id) AS document_id,
       j.event_id, coalesce(dr.is_demo, false) AS is_demo
FROM joint_event_links j JOIN events e ON e.event_id = j.event_id AND e.status <> 'rejected'
LEFT JOIN demo_rows dr ON dr.entity = 'joint_event_link' AND dr.entity_id = j.link_id
ORDER BY j.date_start, j.link_id
"""
REGIONS_SQL = f"SELECT {', '.join(REGIONS.column_names)} FROM regions ORDER BY region_code"
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
WHERE coalesce(e.status, a.status, p.status, 'confirmed') <> 'rejected'
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
    "status",
)
_DATE_COLUMNS = ("date_start", "date_end", "date", "published_date")


# A replica asks the server for its data version at most once a second: another replica's write
# shows
# here within that second (plus the page's own rerun).
SERVER_VERSION_MAX_AGE = 1.0


def database_version(target: Path | str) -> str:
    """Changes whenever the store changes (a file's size and time; the server's write counter), so
    cached reads refresh after a load; every app replica of one server sees the same version."""
    return data_version(target, max_age_seconds=SERVER_VERSION_MAX_AGE)


def _tidy(frame: pd.DataFrame) -> pd.DataFrame:
    for column in frame.columns:
        if column in _CATEGORY_COLUMNS:
            frame[column] = frame[column].astype("category")
        elif column in _DATE_COLUMNS:
            frame[column] = pd.to_datetime(frame[column])
    return frame


@st.cache_resource(show_spinner=False, max_entries=2)
def _read_region_shapes(path: str, version: str):
    from loaders.geo.boundaries import read_region_boundaries

    return read_region_boundaries(path)


def load_region_shapes():
    """Region polygons as a GeoDataFrame (region_code, name, geometry, area_km2, geojson; see
    loaders.geo.boundaries.read_region_boundaries), or None if data/reference/regions.geojson is
    missing."""
    from loaders.paths import REGIONS_GEOJSON

    if not REGIONS_GEOJSON.exists():
        return None
    return _read_region_shapes(str(REGIONS_GEOJSON), database_version(REGIONS_GEOJSON))


def store_path() -> Path | str:
    """The configured store: a DuckDB file path, or a postgresql:// URL ($ATLAS_DB)."""
    return database_target()


def store_available() -> bool:
    """A DuckDB file exists, or a server store is configured."""
    return store_exists(store_path())


class StoreBusyError(RuntimeError):
    """The store is locked by a write and nothing has been read from it yet in this server."""


def is_lock_error(error: Exception) -> bool:
    """DuckDB's answer to a reader while another process writes: 'Could not set lock on file'."""
    return isinstance(error, duckdb.IOException) and "lock" in str(error).lower()


@st.cache_data(show_spinner=False, max_entries=4)
def _store_is_current(db_path: str, version: str) -> bool:
    from loaders.store.database import store_is_current

    return store_is_current(db_path)


def store_is_current() -> bool:
    """Whether the configured store was built with the current schema (checked once per file
    version)."""
    path = store_path()
    try:
        return _store_is_current(str(path), database_version(path))
    except duckdb.IOException as error:
        if is_lock_error(error):
            return True  # a load is writing: the version check waits; pages show cached data
        raise


def review_queue(regions: tuple[str, ...] | None, status: str | None) -> pd.DataFrame:
    """Facts to review, lowest confidence first (not cached: it must show the latest decisions)."""
    from loaders.review import review_queue as queue
    from loaders.store.writer import read_session

    with read_session(store_path()) as connection:
        return queue(connection, list(regions) if regions else None, status)


def row_history(entity_id: str) -> pd.DataFrame:
    """The audit entries of one row (not cached)."""
    from loaders.review import row_history as history
    from loaders.store.writer import read_session

    with read_session(store_path()) as connection:
        return history(connection, entity_id)


@st.cache_data(show_spinner=False, max_entries=64)
def _read_document(db_path: str, version: str, document_id: str) -> dict | None:
    from loaders.store.writer import read_connection

    with read_connection(db_path) as connection:
        rows = connection.execute(
            "SELECT document_id, file_name, title, genre, source, full_text, is_demo FROM "
            "documents WHERE document_id = ?",
            [document_id],
        ).fetchall()
        passages = connection.execute(
            "SELECT entity, entity_id, char_start, char_end, row_number FROM sources WHERE "
            "document_id = ? ORDER BY char_start",
            [document_id],
        ).df()
    if not rows:
        return None
    keys = ("document_id", "file_name", "title", "genre", "source", "full_text", "is_demo")
    return {**dict(zip(keys, rows[0])), "passages": passages}


def load_document(document_id: str) -> dict | None:
    """One document with its full text and the passages rows were read from."""
    path = store_path()
    if not store_exists(path):
        return None
    try:
        return _read_document(str(path), database_version(path), document_id)
    except duckdb.IOException as error:
        if is_lock_error(error):
            return None  # the page says the store is busy
        raise


@st.cache_data(show_spinner=False, max_entries=32)
def _read_passages(db_path: str, version: str, entity: str, ids: tuple[str, ...]) -> pd.DataFrame:
    from loaders.store.writer import read_connection

    with read_connection(db_path) as connection:
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


@st.cache_resource(show_spinner="Подготовка извлечения (один раз после запуска)…")
def warm_extraction() -> bool:
    """Load the extraction models once per server process (see loaders.upload.warm_up)."""
    from loaders.upload import warm_up

    warm_up()
    return True


# ---------------------------------------------------------------- the query layer (issue 15)
# Pages ask the store for the small frame they draw instead of loading every table. Not wired into
# the
# pages yet. Each wrapper is cached by (store file, data version, view as a tuple, arguments),
# bounded in
# entries and time, so a filter change costs one SQL query and memory stays flat however big the
# store.

QUERY_CACHE = {"max_entries": 256, "ttl": 3600, "show_spinner": False}


_RUN = threading.local()


@st.cache_resource(show_spinner=False, max_entries=8)
def _known_columns(db_path: str, version: str) -> dict[str, set[str]]:
    """Table → columns of one version of a store, shared by every query on it (asking the
    information schema cost ~0.1 s per connection on a busy machine)."""
    return {}


@contextlib.contextmanager
def page_run():
    """Within a script run, the cache misses of all its queries share one read connection per
    store, closed when the run ends: opening one per query cost 0.05–0.3 s each. Held for one run
    only, so the loaders (which retry while the file is held) get the store between runs."""
    _RUN.stack, _RUN.stores = contextlib.ExitStack(), {}
    try:
        yield
    finally:
        stack = _RUN.stack
        _RUN.stack = _RUN.stores = None
        stack.close()


def _open_store(stack: contextlib.ExitStack, db_path: str, version: str | None):
    from dashboard.analysis.queries import Store
    from loaders.store.writer import read_connection

    # DuckDB file or PostgreSQL: the queries are common SQL. Waits while a save of this server
    # process holds the file; another process's lock is raised (see _ask).
    connection = stack.enter_context(read_connection(db_path))
    if isinstance(connection, duckdb.DuckDBPyConnection):
        connection.execute("SET enable_progress_bar = false")
    dialect = "duckdb" if isinstance(connection, duckdb.DuckDBPyConnection) else "postgresql"
    columns = _known_columns(db_path, version) if version is not None else None
    return Store(connection, dialect=dialect, columns=columns)


@contextlib.contextmanager
def _query_store(db_path: str, version: str | None = None):
    """A read-only connection for a cache miss: the run's shared one inside page_run(), else one
    opened for this query and closed at once (a connection held open would lock the loaders out
    of the store file: DuckDB lets one process write only when no other has it open)."""
    stores = getattr(_RUN, "stores", None)
    if stores is not None:
        if db_path not in stores:
            stores[db_path] = _open_store(_RUN.stack, db_path, version)
        yield stores[db_path]
        return
    with contextlib.ExitStack() as stack:
        yield _open_store(stack, db_path, version)


def _view_key(view) -> tuple:
    """A sidebar ViewFilter or a QueryView as a plain tuple (what the caches hash)."""
    from dashboard.analysis.queries import QueryView

    query_view = view if isinstance(view, QueryView) else QueryView.from_filter(view)
    return (
        query_view.quarter_from,
        query_view.quarter_to,
        query_view.regions,
        query_view.event_types,
        query_view.topics,
        query_view.include_demo,
        query_view.statuses,
        query_view.near,
    )


def _from_key(key: tuple):
    from dashboard.analysis.queries import QueryView

    return QueryView(*key)


def _store_key() -> tuple[str, str] | None:
    path = store_path()
    if not store_exists(path):
        return None
    return str(path), database_version(path)


@st.cache_data(**QUERY_CACHE)
def _cached_quarter_span(db_path: str, version: str, key: tuple) -> list[str]:
    from dashboard.analysis import queries

    with _query_store(db_path, version) as store:
        return queries.quarter_span(store, _from_key(key))


@st.cache_data(**QUERY_CACHE)
def _cached_quarter_counts(
    db_path: str, version: str, key: tuple, measure: str, split: str | None
) -> pd.DataFrame:
    from dashboard.analysis import queries

    with _query_store(db_path, version) as store:
        return queries.quarter_counts(store, _from_key(key), measure, split)


@st.cache_data(**QUERY_CACHE)
def _cached_region_measures(db_path: str, version: str, key: tuple) -> pd.DataFrame:
    from dashboard.analysis import queries

    with _query_store(db_path, version) as store:
        return queries.region_measures(store, _from_key(key))


@st.cache_data(**QUERY_CACHE)
def _cached_settlement_markers(db_path: str, version: str, key: tuple) -> pd.DataFrame:
    from dashboard.analysis import queries

    with _query_store(db_path, version) as store:
        return queries.settlement_markers(store, _from_key(key))


@st.cache_data(**QUERY_CACHE)
def _cached_place_events(
    db_path: str, version: str, key: tuple, place: str, lat: float, lon: float, limit: int
) -> pd.DataFrame:
    from dashboard.analysis import queries

    with _query_store(db_path, version) as store:
        return queries.place_events(store, _from_key(key), place, lat, lon, limit)


@st.cache_data(**QUERY_CACHE)
def _cached_network_edges(
    db_path: str, version: str, key: tuple, with_joint_events: bool
) -> pd.DataFrame:
    from dashboard.analysis import queries

    with _query_store(db_path, version) as store:
        return queries.network_edges(store, _from_key(key), with_joint_events)


@st.cache_data(**QUERY_CACHE)
def _cached_explorer_page(
    db_path: str,
    version: str,
    key: tuple,
    table: str,
    search: str,
    sort_by: str | None,
    descending: bool,
    page: int,
    page_size: int,
    after: tuple | None = None,
):
    from dashboard.analysis import queries

    with _query_store(db_path, version) as store:
        return queries.explorer_page(
            store, _from_key(key), table, search, sort_by, descending, page, page_size, after
        )


def query_quarter_span(view) -> list[str]:
    """Quarters from the first to the last event in the view's regions, types and topics."""
    store = _store_key()
    return [] if store is None else _ask(_cached_quarter_span, _view_key(view))


def query_quarter_counts(view, measure: str = "events", split: str | None = None) -> pd.DataFrame:
    """quarter × group → value for the view (see analysis.queries.quarter_counts)."""
    store = _store_key()
    if store is None:
        return pd.DataFrame(columns=["quarter", "group", "value", "quarter_label"])
    return _ask(_cached_quarter_counts, _view_key(view), measure, split)


def query_region_measures(view) -> pd.DataFrame | None:
    """Per region: events, agreements, events per 100,000 residents (None without a store)."""
    store = _store_key()
    return None if store is None else _ask(_cached_region_measures, _view_key(view))


def query_settlement_markers(view) -> pd.DataFrame | None:
    """Per place: coordinates, events, dominant type, proposed events (None without a store)."""
    store = _store_key()
    return None if store is None else _ask(_cached_settlement_markers, _view_key(view))


def query_place_events(view, place: str, lat: float, lon: float, limit: int = 15):
    """The newest events of one marker, for its popup (None without a store)."""
    store = _store_key()
    if store is None:
        return None
    return _ask(_cached_place_events, _view_key(view), place, float(lat), float(lon), limit)


def query_network_edges(view, with_joint_events: bool = False) -> pd.DataFrame | None:
    """Region → region edges of the practice links (and joint-event links) in the view (None
    without a store)."""
    store = _store_key()
    if store is None:
        return None
    return _cached_network_edges(*store, _view_key(view), with_joint_events)


def query_explorer_page(
    view,
    table: str = "events",
    search: str = "",
    sort_by: str | None = None,
    descending: bool = False,
    page: int = 0,
    page_size: int = 50,
    after: tuple | None = None,
):
    """One page of explorer rows and the total (analysis.queries.ExplorerPage; None without a
    store); `after` = (sort value, id) of the previous page's last row pages by keyset."""
    store = _store_key()
    if store is None:
        return None
    return _cached_explorer_page(
        *store, _view_key(view), table, search, sort_by, descending, page, page_size, after
    )


@st.cache_data(show_spinner=False, max_entries=32)
def _read_events_near(
    db_path: str, version: str, lat: float, lon: float, radius_km: float
) -> frozenset[str]:
    from loaders.store.spatial import events_within_km

    with open_reader(db_path) as connection:
        return frozenset(events_within_km(connection, lat, lon, radius_km))


def events_near(lat: float, lon: float, radius_km: float) -> frozenset[str]:
    """Ids of the events held in a settlement within radius_km of the point: PostGIS ST_DWithin on a
    server store, haversine in numpy over a DuckDB store (loaders.store.spatial)."""
    path = store_path()
    return _read_events_near(str(path), database_version(path), lat, lon, radius_km)


# ---------------------------------------------------------------- pages' questions (issue 15)
# Обзор, Карта, Хроника and the sidebar ask these; nothing below loads a whole table.


@st.cache_resource(show_spinner=False)
def _last_versions() -> dict[str, str]:
    """Per store: the last data version a query was answered for (shown while a load holds the
    lock)."""
    return {}


def _ask(cached, *args):
    """Run a cached query (its first two arguments: store, data version) on the current version
    of the store. While another process holds the store's lock, the answer cached for the last
    version read is returned; StoreBusyError when there is none."""
    path = str(store_path())
    version = database_version(path)
    try:
        result = cached(path, version, *args)
    except duckdb.IOException as error:
        if not is_lock_error(error):
            raise
        last = _last_versions().get(path)
        if last is None or last == version:
            raise StoreBusyError(path) from error
        try:
            return cached(path, last, *args)
        except duckdb.IOException as again:
            if is_lock_error(again):
                raise StoreBusyError(path) from again
            raise
    _last_versions()[path] = version
    return result


@dataclass(frozen=True)
class Catalogue:
    """What the sidebar and the shared page parts need of the whole store, in a few small frames:
    the regions (~90 rows), events per quarter (one row per quarter with events) and the counts of
    analysis.queries.store_contents. Read once per data version."""

    regions: pd.DataFrame
    event_quarters: pd.DataFrame
    summary: dict
    # True when a load holds the store's lock and this is what was read before it began
    is_stale: bool = False

    @property
    def is_empty(self) -> bool:
        counts = self.summary
        return not (counts["events"] or counts["agreements"] or counts["practice_links"])

    @property
    def quarters_with_data(self) -> list[str]:
        return list(self.event_quarters["quarter"])

    @property
    def region_names(self) -> dict[str, str]:
        return dict(zip(self.regions["region_code"], self.regions["name_short"]))


@st.cache_data(max_entries=8, ttl=3600, show_spinner="Чтение каталога данных…")
def _cached_catalogue(db_path: str, version: str) -> Catalogue:
    from dashboard.analysis import queries

    with _query_store(db_path, version) as store:
        return Catalogue(
            regions=queries.regions(store),
            event_quarters=queries.event_quarter_totals(store),
            summary=queries.store_contents(store),
        )


def load_catalogue() -> Catalogue | None:
    """The store's catalogue, or None when the store file does not exist yet. While another process
    writes, the catalogue read before with is_stale=True; with nothing read before,
    StoreBusyError."""
    path = store_path()
    if not store_exists(path):
        return None
    version = database_version(path)
    catalogue = _ask(_cached_catalogue)
    if _last_versions().get(str(path)) != version:
        return replace(catalogue, is_stale=True)
    return catalogue


@st.cache_data(**QUERY_CACHE)
def _cached_query(db_path: str, version: str, name: str, key: tuple | None, args: tuple):
    """Any function of analysis.queries taking (store, view, *args), or (store, *args) without a
    view: one cache for the small answers the pages draw."""
    from dashboard.analysis import queries

    with _query_store(db_path, version) as store:
        function = getattr(queries, name)
        if key is None:
            return function(store, *args)
        return function(store, _from_key(key), *args)


def _query(name: str, view, *args):
    return _ask(_cached_query, name, None if view is None else _view_key(view), args)


def query_headlines(view) -> pd.DataFrame:
    """Обзор's headline measures: total over the period, last quarter, the quarter before."""
    return _query("headline_counts", view)


def query_event_totals(view) -> dict[str, int]:
    """events and located (with coordinates) in the view (queries.event_totals)."""
    return _query("event_totals", view)


def query_demo_in_view(view, demo_events: str) -> bool:
    """Whether any event of the view is demo data (catalogue summary's `demo_events`)."""
    if demo_events == "none":
        return False
    return _query("has_demo_events", view, demo_events)


def query_towns() -> pd.DataFrame:
    """Settlements hosting events placed in the settlement itself (for «в радиусе от города»)."""
    return _query("town_places", None)


def query_calendar(view, quarter: str, page: int = 0, page_size: int = 500):
    """One page of a quarter's events in the view and their number (queries.calendar_page)."""
    return _query("calendar_page", view, quarter, page, page_size)


def query_report_bodies(regions: tuple[str, ...]) -> pd.DataFrame:
    """Councils and their reporting quarters (of the regions, if any)."""
    return _query("report_bodies", None, tuple(regions))


def query_reconciliation_inputs(regions: tuple[str, ...], body: str, period: str):
    """Report items, events and sources for one council's report (queries.reconciliation_inputs)."""
    return _query("reconciliation_inputs", None, tuple(regions), body, period)


def query_source_kinds(quarter_from: str, quarter_to: str) -> pd.DataFrame:
    """Region × quarter × kind of the documents speaking of them (queries.source_kinds)."""
    return _query("source_kinds", None, quarter_from, quarter_to)


# ---------------------------------------------------------------- Данные and Сеть on the store
# (issue 15, part 2). Small frames only: one page of rows, one document's facts, the network's
# edges; an export is fetched when its button is clicked and kept for a few views.

EXPORT_LIMIT = 10_000  # rows in a download of the Данные page (said on the page)
EXPORT_CACHE = {"max_entries": 4, "ttl": 600, "show_spinner": "Готовим выгрузку…"}


@st.cache_data(**QUERY_CACHE)
def _cached_document_facts(db_path: str, version: str, ids: tuple[str, ...]) -> pd.DataFrame:
    from dashboard.analysis import queries

    with _query_store(db_path) as store:
        return queries.document_facts(store, ids)


@st.cache_data(**QUERY_CACHE)
def _cached_store_basics(db_path: str, version: str) -> tuple[dict, dict[str, str]]:
    """The store summary and the region names, read together (one connection on a cold page)."""
    from dashboard.analysis import queries

    with _query_store(db_path) as store:
        return queries.store_summary(store), queries.region_names(store)


@st.cache_data(**QUERY_CACHE)
def _cached_rows_in_selection(
    db_path: str, version: str, key: tuple, table: str, search: str, ids: tuple[str, ...]
) -> set[str]:
    from dashboard.analysis import queries

    with _query_store(db_path) as store:
        return queries.rows_in_selection(store, _from_key(key), table, search, ids)


@st.cache_data(**EXPORT_CACHE)
def _cached_explorer_export(
    db_path: str,
    version: str,
    key: tuple,
    table: str,
    search: str,
    sort_by: str | None,
    descending: bool,
    limit: int,
) -> pd.DataFrame:
    from dashboard.analysis import queries

    with _query_store(db_path) as store:
        return queries.explorer_export(
            store, _from_key(key), table, search, sort_by, descending, limit
        )


def query_document_facts(ids) -> pd.DataFrame:
    """file_name, title, genre, is_demo of the given documents (indexed by document_id)."""
    store = _store_key()
    wanted = tuple(sorted({i for i in ids if isinstance(i, str)}))
    if store is None or not wanted:
        return pd.DataFrame(columns=["file_name", "title", "genre", "is_demo"]).rename_axis(
            "document_id"
        )
    return _cached_document_facts(*store, wanted).set_index("document_id")


def query_store_summary() -> dict:
    """documents (count) and has_demo of the configured store (zero and False without one)."""
    store = _store_key()
    return {"documents": 0, "has_demo": False} if store is None else _cached_store_basics(*store)[0]


def query_region_names() -> dict[str, str]:
    """Region code → short name (the store's reference; empty without a store)."""
    store = _store_key()
    return {} if store is None else _cached_store_basics(*store)[1]


def query_rows_in_selection(view, table: str, search: str, ids) -> set[str]:
    """Which of these ids of a table are in the explorer's selection (view and search)."""
    store = _store_key()
    wanted = tuple(sorted(set(ids)))
    if store is None or not wanted:
        return set()
    return _cached_rows_in_selection(*store, _view_key(view), table, search, wanted)


def query_explorer_export(
    view, table: str, search: str = "", sort_by: str | None = None, descending: bool = False
) -> pd.DataFrame:
    """The first EXPORT_LIMIT rows of the explorer's selection in its order, with source documents
    (an empty frame without a store)."""
    store = _store_key()
    if store is None:
        return pd.DataFrame()
    return _cached_explorer_export(
        *store, _view_key(view), table, search, sort_by, descending, EXPORT_LIMIT
    )


@st.cache_data(**QUERY_CACHE)
def _cached_network_quarters(
    db_path: str, version: str, key: tuple, with_joint_events: bool
) -> list[str]:
    from dashboard.analysis import queries

    with _query_store(db_path) as store:
        return queries.network_quarters(store, _from_key(key), with_joint_events)


@st.cache_data(**QUERY_CACHE)
def _cached_region_links(
    db_path: str, version: str, key: tuple, region: str, with_joint_events: bool
) -> pd.DataFrame:
    from dashboard.analysis import queries

    with _query_store(db_path) as store:
        return queries.region_links(store, _from_key(key), region, with_joint_events)


@st.cache_data(**QUERY_CACHE)
def _cached_practice_adoptions(db_path: str, version: str, key: tuple) -> pd.DataFrame:
    from dashboard.analysis import queries

    with _query_store(db_path) as store:
        return queries.practice_adoptions(store, _from_key(key))


@st.cache_data(**QUERY_CACHE)
def _cached_regions_table(db_path: str, version: str) -> pd.DataFrame:
    from dashboard.analysis import queries

    with _query_store(db_path) as store:
        return queries.regions_table(store)


def query_network_quarters(view, with_joint_events: bool = False) -> list[str]:
    """Quarters in which the view's links start (for the «known by» slider)."""
    store = _store_key()
    return (
        []
        if store is None
        else _cached_network_quarters(*store, _view_key(view), with_joint_events)
    )


def query_region_links(view, region: str, with_joint_events: bool = False) -> pd.DataFrame:
    """The view's links from or to one region, with the entity their passages are stored under."""
    store = _store_key()
    if store is None:
        return pd.DataFrame()
    return _cached_region_links(*store, _view_key(view), region, with_joint_events)


def query_practice_adoptions(view) -> pd.DataFrame:
    """(practice, adopting region) → first evidence and source regions, in the view."""
    store = _store_key()
    return pd.DataFrame() if store is None else _cached_practice_adoptions(*store, _view_key(view))


def query_regions() -> pd.DataFrame:
    """The regions reference (about ninety rows; empty without a store)."""
    store = _store_key()
    return pd.DataFrame() if store is None else _cached_regions_table(*store)


@st.cache_data(**QUERY_CACHE)
def _cached_network(
    db_path: str, version: str, key: tuple, with_joint_events: bool
) -> tuple[pd.DataFrame, pd.DataFrame]:
    from dashboard.analysis import network, queries

    with _query_store(db_path) as store:
        edges = queries.network_edges(store, _from_key(key), with_joint_events)
    # PageRank and communities cost ~0.3 s for a national network: once per view, not per run
    return edges, network.region_metrics(network.graph_from_edges(edges))


def query_network(view, with_joint_events: bool = False) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The view's region → region edges (analysis.queries.network_edges) and the regions' metrics
    (analysis.network.region_metrics: teaches, learns, PageRank, community); empty without a
    store."""
    store = _store_key()
    if store is None:
        from dashboard.analysis import network

        empty = pd.DataFrame(
            columns=["from_region", "to_region", "weight", "evidence", "first", "last"]
        )
        return empty, network.region_metrics(network.graph_from_edges(empty))
    return _cached_network(*store, _view_key(view), with_joint_events)
