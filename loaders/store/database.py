"""The DuckDB store: schema creation, transactional and idempotent ingest of one document's rows."""

from __future__ import annotations

import contextlib
import datetime as dt
from pathlib import Path

import duckdb
import pandas as pd

from loaders.store.merge import merge_batch
from loaders.paths import database_path
from loaders.geo.regions import read_regions
from loaders.model.bundle import Bundle
from loaders.model.schema import (
    AGREEMENTS,
    ALL_TABLES,
    DOCUMENTS,
    EVENTS,
    PRACTICE_LINKS,
    REPORT_ITEMS,
    REGIONS,
    TABLES_BY_NAME,
    create_table_sql,
    validate_frame,
)


def connect(path: Path | None = None, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """Open (and on first use create) the store; the schema is ensured on every writable open."""
    path = Path(path or database_path())
    if read_only:
        return duckdb.connect(str(path), read_only=True)
    path.parent.mkdir(parents=True, exist_ok=True)
    connection = duckdb.connect(str(path))
    ensure_schema(connection)
    return connection


@contextlib.contextmanager
def open_store(path: Path | None = None):
    """Context manager around connect() that always closes the connection."""
    connection = connect(path)
    try:
        yield connection
    finally:
        connection.close()


def ensure_schema(connection: duckdb.DuckDBPyConnection) -> None:
    """Create missing tables and refresh the regions reference, in one transaction."""
    with transaction(connection):
        for table in ALL_TABLES:
            connection.execute(create_table_sql(table))
        _add_review_columns(connection)
        regions = pd.DataFrame(
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
                for r in read_regions()
            ]
        )
        connection.execute("DELETE FROM regions")
        _insert(connection, REGIONS.name, validate_frame(REGIONS, regions))


FACT_TABLES = (EVENTS, AGREEMENTS, REPORT_ITEMS, PRACTICE_LINKS)


def _add_review_columns(connection: duckdb.DuckDBPyConnection) -> None:
    """Stores made before review existed get status and version: confirmed where a row has a table or
    demo source (as a fresh load would set it), proposed otherwise."""
    for table in FACT_TABLES:
        present = {
            row[0]
            for row in connection.execute(
                "SELECT column_name FROM information_schema.columns WHERE table_name = ?",
                [table.name],
            ).fetchall()
        }
        if "status" in present and "version" in present:
            continue
        entity = table.name.removesuffix("s")
        key = table.primary_key[0]
        connection.execute(f"ALTER TABLE {table.name} ADD COLUMN IF NOT EXISTS status VARCHAR")
        connection.execute(f"ALTER TABLE {table.name} ADD COLUMN IF NOT EXISTS version INTEGER")
        connection.execute(
            f"""UPDATE {table.name} t SET version = 1, status = CASE WHEN EXISTS (
                    SELECT 1 FROM sources s JOIN documents d USING (document_id)
                    WHERE s.entity = '{entity}' AND s.entity_id = t.{key}
                      AND (d.source_kind = 'table' OR d.is_demo)) THEN 'confirmed' ELSE 'proposed' END
                WHERE status IS NULL"""
        )


def default_status(document: dict) -> str:
    """Rows of official tables and of the demo data start confirmed; extracted rows start proposed."""
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
    view = f"incoming_{table_name}"
    connection.register(view, frame)
    try:
        columns = ", ".join(frame.columns)
        connection.execute(f"INSERT INTO {table_name} ({columns}) SELECT {columns} FROM {view}")
    finally:
        connection.unregister(view)


def validated_tables(bundle: Bundle) -> dict[str, pd.DataFrame]:
    """The bundle's frames checked against their schemas (documents row included); SchemaError if not."""
    document = dict(bundle.document)
    document.setdefault("ingested_at", dt.datetime.now(dt.UTC).replace(tzinfo=None))
    frames = {DOCUMENTS.name: validate_frame(DOCUMENTS, pd.DataFrame([document]))}
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
    return [
        {name: len(frame) for name, frame in frames.items() if name != DOCUMENTS.name}
        if frames is not None
        else None
        for frames in written
    ]


def store_bundles(
    connection: duckdb.DuckDBPyConnection, bundles: list[Bundle]
) -> list[dict[str, int] | None]:
    """Store several files' rows in one transaction (much faster than one each); rows written per file, or
    None for a file whose bytes were stored before. Incoming events that match stored ones (or those of an
    earlier file in the batch) are merged into them (see loaders.store.merge). If the batch fails, each file is
    retried in a transaction of its own, so one bad file cannot take the others down.
    """
    return store_validated(connection, [validated_tables(bundle) for bundle in bundles])


def store_validated(
    connection: duckdb.DuckDBPyConnection, batch: list[dict[str, pd.DataFrame]]
) -> list[dict[str, int] | None]:
    """store_bundles for frames already checked by validated_tables (e.g. in a worker process)."""
    try:
        return _write_batch(connection, batch)
    except duckdb.Error:
        if len(batch) == 1:
            raise
        return [_write_batch(connection, [frames])[0] for frames in batch]


def store_bundle(connection: duckdb.DuckDBPyConnection, bundle: Bundle) -> dict[str, int] | None:
    """Store one file's rows atomically; rows written per table, or None (nothing written) if the same bytes
    were stored before."""
    return store_bundles(connection, [bundle])[0]


def table_counts(connection: duckdb.DuckDBPyConnection) -> dict[str, int]:
    """Row count of every table."""
    return {
        t.name: connection.execute(f"SELECT count(*) FROM {t.name}").fetchall()[0][0]
        for t in ALL_TABLES
    }
