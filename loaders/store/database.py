"""The store (a DuckDB file, or PostgreSQL via loaders/store/postgres.py): schema creation,
transactional idempotent writes, derived rows."""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import re
import time
from pathlib import Path

import duckdb
import pandas as pd
import psycopg

from loaders.geo.regions import read_regions
from loaders.model.bundle import Bundle
from loaders.model.ids import sha256_hex
from loaders.model.schema import (
    AGREEMENTS,
    ALL_TABLES,
    DOCUMENTS,
    EVENTS,
    JOINT_EVENT_LINKS,
    PRACTICE_LINKS,
    REPORT_ITEMS,
    REGIONS,
    SEARCH_TERMS,
    SOURCES,
    STORE_META,
    TABLES_BY_NAME,
    create_table_sql,
    frame_from_rows,
    schema_fingerprint,
    validate_frame,
)
from loaders.paths import REGIONS_CSV, database_target
from loaders.store.derive import JOINT_EVENT_ENTITY, derive_joint_event_links
from loaders.store.merge import merge_batch
from loaders.store.search_terms import rebuild_search_terms, store_written_search_terms
from loaders.store.postgres import ServerConnection, is_server_url

REGIONS_HASH_KEY = "regions_csv_sha256"
SCHEMA_HASH_KEY = "schema_sha256"


class OutdatedStoreError(RuntimeError):
    """The store was built with another version of the schema (tables, columns or keys differ)."""


DEFAULT_LOCK_WAIT_SECONDS = 60.0  # how long a command waits for a store another process holds
_LONGEST_PAUSE = 2.0  # seconds between two tries, at most
_HOLDER_RE = re.compile(r"(?:lock is held in|held by)\s+(.+?\(PID \d+\))")


class StoreBusyError(RuntimeError):
    """Another process held the store for longer than we were willing to wait; one line, no
    traceback."""


def _lock_wait_seconds() -> float:
    """ATLAS_LOCK_WAIT_SECONDS, read at each open (so a caller can change it), else the default."""
    try:
        return float(os.environ.get("ATLAS_LOCK_WAIT_SECONDS", DEFAULT_LOCK_WAIT_SECONDS))
    except ValueError:
        return DEFAULT_LOCK_WAIT_SECONDS


def _is_lock_conflict(error: Exception) -> bool:
    message = str(error)
    return "lock" in message.lower() and (
        "Conflicting lock" in message or "Could not set lock" in message
    )


def _holder(error: Exception) -> str:
    """What holds the store, from DuckDB's message: program and PID, with its command line if
    known."""
    match = _HOLDER_RE.search(str(error))
    if not match:
        return "другой процесс / another process"
    holder = match.group(1)
    pid = re.search(r"PID (\d+)", holder)
    try:
        command = Path(f"/proc/{pid.group(1)}/cmdline").read_bytes().replace(b"\0", b" ").strip()
    except (OSError, AttributeError):
        return holder
    return f"{holder}: {' '.join(command.decode(errors='replace').split())[:200]}"


def _open_server(url: str, read_only: bool) -> ServerConnection:
    connection = ServerConnection(url, read_only=read_only)
    if read_only:
        return connection
    try:
        ensure_schema(connection)
    except BaseException:
        connection.close()
        raise
    return connection


def _open_once(path: Path, read_only: bool) -> duckdb.DuckDBPyConnection:
    if read_only:
        return duckdb.connect(str(path), read_only=True)
    path.parent.mkdir(parents=True, exist_ok=True)
    connection = duckdb.connect(str(path))
    try:
        ensure_schema(connection)
    except BaseException:
        connection.close()
        raise
    return connection


def connect(
    path: Path | str | None = None, read_only: bool = False, wait_seconds: float | None = None
) -> duckdb.DuckDBPyConnection:
    """Open (and on first use create) the store: a DuckDB file, or PostgreSQL for a postgresql://
    URL ($ATLAS_DB by default); the schema is ensured on every writable open.

    DuckDB lets one process write or several read. While another process holds the store we try
    again with growing pauses, for up to wait_seconds (default ATLAS_LOCK_WAIT_SECONDS), then raise
    StoreBusyError naming the store and the holder. PostgreSQL has no such lock: writers take
    short transactions and readers never wait for them.
    """
    target = path or database_target()
    if is_server_url(str(target)):
        return _open_server(str(target), read_only)
    path = Path(target)
    wait = _lock_wait_seconds() if wait_seconds is None else wait_seconds
    deadline = time.monotonic() + wait
    pause = 0.05
    while True:
        try:
            return _open_once(path, read_only)
        except duckdb.Error as error:
            if not _is_lock_conflict(error):
                raise
            if time.monotonic() + pause > deadline:
                raise StoreBusyError(
                    f"{path}: хранилище занято другим процессом ({_holder(error)}); ждали "
                    f"{wait:.0f} с / store is busy, lock held by another process; waited "
                    f"{wait:.0f} s"
                ) from None
        time.sleep(pause)
        pause = min(pause * 2, _LONGEST_PAUSE)


@contextlib.contextmanager
def open_store(path: Path | str | None = None, read_only: bool = False):
    """Context manager around connect() that always closes the connection."""
    connection = connect(path, read_only=read_only)
    try:
        yield connection
    finally:
        connection.close()


def stored_hashes(db_path: Path | str | None, hashes: list[str]) -> set[str]:
    """Which of these content hashes the store already holds (read-only, briefly; none if no
    store)."""
    target = db_path or database_target()
    path = target if is_server_url(str(target)) else Path(target)
    if not hashes or (isinstance(path, Path) and not path.exists()):
        return set()
    with open_store(path, read_only=True) as connection:
        if not _has_table(connection, DOCUMENTS.name):
            return set()
        return _stored_hashes(connection, hashes)


def _has_table(connection: duckdb.DuckDBPyConnection, name: str) -> bool:
    return bool(
        connection.execute(
            "SELECT count(*) FROM information_schema.tables WHERE table_name = ? "
            "AND table_schema = current_schema()",
            [name],
        ).fetchall()[0][0]
    )


def ensure_schema(connection: duckdb.DuckDBPyConnection) -> None:
    """Create missing tables; (re)load the regions reference when the store is new or the reference
    file changed since it was loaded (its sha256 is kept in store_meta), all in one transaction."""
    if isinstance(connection, ServerConnection):
        _ensure_server_schema(connection)
        return
    with transaction(connection):
        for table in ALL_TABLES:
            connection.execute(create_table_sql(table))
        _check_schema_version(connection)
        reference_hash = sha256_hex(REGIONS_CSV.read_bytes())
        if _meta(connection, REGIONS_HASH_KEY) != reference_hash:
            _load_regions(connection)
            _set_meta(connection, REGIONS_HASH_KEY, reference_hash)


def _ensure_server_schema(connection: ServerConnection) -> None:
    """The server's schema comes from numbered migrations (loaders/store/migrations.py); the
    fingerprint in store_meta is stamped as on DuckDB, so both stores answer store_is_current alike.
    Region boundaries go into PostGIS (loaders/store/spatial.py) when their file changes."""
    from loaders.store.migrations import ensure_data_version_triggers, migrate_server_schema
    from loaders.store.spatial import refresh_region_shapes

    with transaction(connection):
        if migrate_server_schema(connection) is not None:
            _derive_missing_search_terms(connection)
        if _meta(connection, SCHEMA_HASH_KEY) != schema_fingerprint():
            _set_meta(connection, SCHEMA_HASH_KEY, schema_fingerprint())
        reference_hash = sha256_hex(REGIONS_CSV.read_bytes())
        if _meta(connection, REGIONS_HASH_KEY) != reference_hash:
            _load_regions(connection)
            _set_meta(connection, REGIONS_HASH_KEY, reference_hash)
        refresh_region_shapes(connection)
        ensure_data_version_triggers(connection)


def _derive_missing_search_terms(connection) -> None:
    """A server store that has just gained the search-terms table (a migration) gets every stored
    row's terms; a store whose terms exist, or that holds no rows, is left as it is."""
    has_terms = connection.execute(
        f"SELECT count(*) FROM (SELECT 1 FROM {SEARCH_TERMS.name} LIMIT 1) t"
    ).fetchone()[0]
    if not has_terms:
        rebuild_search_terms(connection)


def _check_schema_version(connection: duckdb.DuckDBPyConnection) -> None:
    """Stamp a new store with the schema fingerprint; refuse a store holding rows of another schema
    (CREATE TABLE IF NOT EXISTS would leave its old columns in place and writes would fail
    midway)."""
    fingerprint = schema_fingerprint()
    stored = _meta(connection, SCHEMA_HASH_KEY)
    if stored == fingerprint:
        return
    if stored is not None and stored == schema_fingerprint(without=(SEARCH_TERMS.name,)):
        # A store built before the search terms existed: only a derived table is new, so derive it
        # (the CREATE above made it) instead of asking for a rebuild.
        rebuild_search_terms(connection)
        _set_meta(connection, SCHEMA_HASH_KEY, fingerprint)
        return
    has_rows = connection.execute(f"SELECT count(*) FROM {DOCUMENTS.name}").fetchone()[0] > 0
    if stored is not None or has_rows:
        raise OutdatedStoreError(OUTDATED_MESSAGE)
    _set_meta(connection, SCHEMA_HASH_KEY, fingerprint)


OUTDATED_MESSAGE = (
    "хранилище собрано другой версией схемы; пересоберите его (make clean-db, затем make run или "
    "python -m loaders load …) / the store was built with another schema version: rebuild it"
)


def store_is_current(path: Path | str) -> bool:
    """True when the store at path (or URL) carries the current schema fingerprint (read-only)."""
    if is_server_url(str(path)):
        with ServerConnection(str(path), read_only=True) as connection:
            try:
                return _meta(connection, SCHEMA_HASH_KEY) == schema_fingerprint()
            except psycopg.errors.UndefinedTable:  # an empty database: not built yet
                return False
    with duckdb.connect(str(path), read_only=True) as connection:
        try:
            return _meta(connection, SCHEMA_HASH_KEY) == schema_fingerprint()
        except duckdb.CatalogException:  # built before store_meta existed
            return False


def _load_regions(connection: duckdb.DuckDBPyConnection) -> None:
    regions = frame_from_rows(
        REGIONS,
        [
            {
                "region_code": r.code,
                "name_full": r.name_full,
                "name_short": r.name_short,
                "aliases": "|".join(r.aliases),
                "federal_district": r.federal_district,
                "admin_centre": r.admin_centre,
                "centre_lat": r.centre_lat,
                "centre_lon": r.centre_lon,
                "population": r.population,
            }
            for r in read_regions(REGIONS_CSV)
        ],
    )
    connection.execute("DELETE FROM regions")
    _insert(connection, REGIONS.name, regions)


def _meta(connection: duckdb.DuckDBPyConnection, key: str) -> str | None:
    row = connection.execute(f"SELECT value FROM {STORE_META.name} WHERE key = ?", [key]).fetchone()
    return row[0] if row else None


def _set_meta(connection: duckdb.DuckDBPyConnection, key: str, value: str) -> None:
    connection.execute(f"DELETE FROM {STORE_META.name} WHERE key = ?", [key])
    connection.execute(f"INSERT INTO {STORE_META.name} VALUES (?, ?)", [key, value])


FACT_TABLES = (EVENTS, AGREEMENTS, REPORT_ITEMS, PRACTICE_LINKS)


def default_status(document: dict) -> str:
    """Rows of official tables and of the demo data start confirmed; extracted rows start
    proposed."""
    return (
        "confirmed"
        if document.get("source_kind") == "table" or document.get("is_demo")
        else "proposed"
    )


def with_review_defaults(frame: pd.DataFrame, status: str) -> pd.DataFrame:
    """The frame with status (where not already decided) and version 1 filled in."""
    current = frame["status"] if "status" in frame else pd.Series(None, index=frame.index)
    return frame.assign(
        status=current.where(current.notna(), status).astype(object),
        version=frame["version"].fillna(1).astype("int64") if "version" in frame else 1,
    )


@contextlib.contextmanager
def transaction(connection: duckdb.DuckDBPyConnection):
    """BEGIN … COMMIT, or ROLLBACK on any exception (which is re-raised)."""
    connection.execute("BEGIN TRANSACTION")
    try:
        yield connection
    except BaseException:
        connection.execute("ROLLBACK")
        raise
    connection.execute("COMMIT")


def _insert(connection: duckdb.DuckDBPyConnection, table_name: str, frame: pd.DataFrame) -> None:
    if frame.empty:
        return
    if isinstance(connection, ServerConnection):
        connection.insert_frame(table_name, frame)
        return
    view = f"incoming_{table_name}"
    connection.register(view, frame)
    try:
        columns = ", ".join(frame.columns)
        connection.execute(f"INSERT INTO {table_name} ({columns}) SELECT {columns} FROM {view}")
    finally:
        # In a transaction the failed INSERT aborted, unregistering fails too; that second error
        # («transaction is aborted») must not hide the first, which says what was wrong.
        with contextlib.suppress(duckdb.Error):
            connection.unregister(view)


def validated_tables(bundle: Bundle) -> dict[str, pd.DataFrame]:
    """The bundle's frames checked against their schemas (documents row included); SchemaError if
    not."""
    document = dict(bundle.document)
    document.setdefault("ingested_at", dt.datetime.now(dt.UTC).replace(tzinfo=None))
    frames = {DOCUMENTS.name: frame_from_rows(DOCUMENTS, [document])}
    fact_tables = {table.name for table in FACT_TABLES}
    for name, frame in bundle.tables.items():
        if name in fact_tables:
            frame = with_review_defaults(frame, default_status(document))
        frames[name] = validate_frame(TABLES_BY_NAME[name], frame)
    return frames


def _stored_hashes(connection: duckdb.DuckDBPyConnection, hashes: list[str]) -> set[str]:
    rows = connection.execute(
        "SELECT sha256 FROM documents WHERE sha256 IN (SELECT unnest(?))", [hashes]
    ).fetchall()
    return {row[0] for row in rows}


def _write_batch(
    connection: duckdb.DuckDBPyConnection, batch: list[dict[str, pd.DataFrame]]
) -> list[dict[str, int] | None]:
    with transaction(connection):
        return write_in_transaction(connection, batch)


def write_in_transaction(
    connection: duckdb.DuckDBPyConnection, batch: list[dict[str, pd.DataFrame]]
) -> list[dict[str, int] | None]:
    """The body of store_validated for a caller that holds the transaction (e.g. a reviewed upload,
    stored with its audit entries in one transaction)."""
    hashes = [frames[DOCUMENTS.name]["sha256"].iloc[0] for frames in batch]
    stored = _stored_hashes(connection, hashes)
    new, seen = [], set()
    for frames, sha in zip(batch, hashes):
        new.append(sha not in stored and sha not in seen)
        seen.add(sha)
    merged = iter(merge_batch(connection, [frames for frames, is_new in zip(batch, new) if is_new]))
    written = [next(merged) if is_new else None for is_new in new]
    for name in TABLES_BY_NAME:
        if name == SEARCH_TERMS.name:
            continue  # derived: written below, for the rows kept
        parts = [
            frames[name]
            for frames in written
            if frames is not None and name in frames and not frames[name].empty
        ]
        if parts:
            _insert(
                connection,
                name,
                pd.concat(parts, ignore_index=True) if len(parts) > 1 else parts[0],
            )
    store_written_search_terms(connection, [frames for frames in written if frames is not None])
    _store_joint_event_links(connection, _new_event_ids(written))
    return [
        {
            name: len(frame)
            for name, frame in frames.items()
            if name not in (DOCUMENTS.name, SEARCH_TERMS.name)
        }
        if frames is not None
        else None
        for frames in written
    ]


def _new_event_ids(written: list[dict[str, pd.DataFrame] | None]) -> list[str]:
    return [
        event_id
        for frames in written
        if frames is not None and EVENTS.name in frames
        for event_id in frames[EVENTS.name]["event_id"]
    ]


def _store_joint_event_links(
    connection: duckdb.DuckDBPyConnection, event_ids: list[str] | None
) -> None:
    """Derive (see loaders.store.derive) and store the joint-event links of these events (all if
    None), replacing any stored for them. New events are derived here; a reviewed correction of an
    event's place re-derives through refresh_joint_event_links."""
    if event_ids is not None and not event_ids:
        return
    derived = derive_joint_event_links(connection, event_ids)
    links = derived[JOINT_EVENT_LINKS.name]
    if event_ids is None:
        connection.execute(f"DELETE FROM {JOINT_EVENT_LINKS.name}")
        connection.execute("DELETE FROM sources WHERE entity = ?", [JOINT_EVENT_ENTITY])
    else:
        stale = connection.execute(
            f"SELECT link_id FROM {JOINT_EVENT_LINKS.name} WHERE event_id IN (SELECT unnest(?))",
            [event_ids],
        ).fetchall()
        stale_ids = [row[0] for row in stale]
        connection.execute(
            f"DELETE FROM {JOINT_EVENT_LINKS.name} WHERE link_id IN (SELECT unnest(?))", [stale_ids]
        )
        connection.execute(
            "DELETE FROM sources WHERE entity = ? AND entity_id IN (SELECT unnest(?))",
            [JOINT_EVENT_ENTITY, stale_ids],
        )
    _insert(connection, JOINT_EVENT_LINKS.name, links)
    _insert(connection, SOURCES.name, derived[SOURCES.name])


def refresh_joint_event_links(connection: duckdb.DuckDBPyConnection, event_ids: list[str]) -> None:
    """Re-derive the joint-event links of events changed by review (inside the caller's
    transaction)."""
    _store_joint_event_links(connection, list(event_ids))


def rebuild_derived(connection: duckdb.DuckDBPyConnection) -> int:
    """Re-derive every joint-event link from the stored events (e.g. after a gazetteer fix), and
    every row's search terms; joint-event links stored."""
    with transaction(connection):
        _store_joint_event_links(connection, None)
        rebuild_search_terms(connection)
    return connection.execute(f"SELECT count(*) FROM {JOINT_EVENT_LINKS.name}").fetchone()[0]


def store_bundles(
    connection: duckdb.DuckDBPyConnection, bundles: list[Bundle]
) -> list[dict[str, int] | None]:
    """Store several files' rows in one transaction (much faster than one each); rows written per
    file, or
    None for a file whose bytes were stored before. Incoming rows that repeat stored ones (or those
    of an
    earlier file in the batch) are merged into them (see loaders.store.merge). Raises the first
    file's
    error if any file cannot be stored (the others are stored: see store_each).
    """
    results = store_each(connection, [validated_tables(bundle) for bundle in bundles])
    for result in results:
        if isinstance(result, Exception):
            raise result
    return results


def store_each(
    connection: duckdb.DuckDBPyConnection, batch: list[dict[str, pd.DataFrame]]
) -> list[dict[str, int] | None | Exception]:
    """Store frames checked by validated_tables: per file, rows written, None (bytes stored before),
    or the exception that kept this file out. The batch is tried in one transaction; if that fails,
    each file is tried in a transaction of its own, so one bad file cannot take the others down.
    """
    try:
        return _write_batch(connection, batch)
    except Exception as error:
        if len(batch) == 1:
            return [error]
    results: list[dict[str, int] | None | Exception] = []
    for frames in batch:
        try:
            results.append(_write_batch(connection, [frames])[0])
        except Exception as error:
            results.append(error)
    return results


def store_bundle(connection: duckdb.DuckDBPyConnection, bundle: Bundle) -> dict[str, int] | None:
    """Store one file's rows atomically; rows written per table, or None (nothing written) if the
    same bytes
    were stored before."""
    return store_bundles(connection, [bundle])[0]


def table_counts(connection: duckdb.DuckDBPyConnection) -> dict[str, int]:
    """Row count of every table."""
    return {
        t.name: connection.execute(f"SELECT count(*) FROM {t.name}").fetchall()[0][0]
        for t in ALL_TABLES
    }
