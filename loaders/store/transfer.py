"""`python -m loaders migrate DUCKDB_FILE postgresql://…`: move a DuckDB store to the server.

Every table of the schema (documents, extracted rows, their sources, the regions reference and, once
they exist, review and audit tables) is copied in one server transaction; the row count of every
table is compared before COMMIT, so a failed or partial move leaves the server as it was."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from loaders.model.schema import ALL_TABLES, STORE_META
from loaders.store.database import OUTDATED_MESSAGE, connect, store_is_current, transaction
from loaders.store.postgres import ServerConnection, is_server_url

_BATCH_ROWS = 50_000


class MigrationError(RuntimeError):
    """The move was refused or its counts did not match; nothing was written to the server."""


@dataclass
class MigrationReport:
    """Rows per table in the DuckDB file and on the server after the move."""

    source_counts: dict[str, int] = field(default_factory=dict)
    target_counts: dict[str, int] = field(default_factory=dict)

    def lines(self) -> list[str]:
        return [
            f"{name}: {self.source_counts[name]} → {self.target_counts[name]}"
            for name in self.source_counts
        ]


def _copied_tables() -> list[str]:
    # store_meta describes each store itself (its schema fingerprint, reference hashes): the server
    # keeps its own.
    return [table.name for table in ALL_TABLES if table.name != STORE_META.name]


def migrate_store(source: Path, target_url: str) -> MigrationReport:
    """Copy every table of the DuckDB store at source into the (empty) server store at target_url,
    in one transaction, verifying row counts before COMMIT."""
    source = Path(source)
    if not source.exists():
        raise MigrationError(f"{source}: файл хранилища не найден / store file not found")
    if not is_server_url(target_url):
        raise MigrationError(
            f"{target_url}: ожидался адрес postgresql://… / expected a postgresql:// URL"
        )
    if not store_is_current(source):
        raise MigrationError(f"{source}: {OUTDATED_MESSAGE}")
    report = MigrationReport()
    with duckdb.connect(str(source), read_only=True) as reader:
        server = connect(target_url)
        try:
            _refuse_a_non_empty_server(server, target_url)
            with transaction(server):
                for name in _copied_tables():
                    report.source_counts[name] = _count(reader, name)
                    server.execute(f"DELETE FROM {name}")  # the reference regions, loaded on open
                    _copy_table(reader, server, name)
                    report.target_counts[name] = _count(server, name)
                _verify(report)
        finally:
            server.close()
    return report


def _refuse_a_non_empty_server(server: ServerConnection, target_url: str) -> None:
    stored = _count(server, "documents")
    if stored:
        raise MigrationError(
            f"{target_url}: на сервере уже {stored} документов; перенос только в пустую базу / "
            f"the server store already holds {stored} documents: migrate into an empty database"
        )


def _copy_table(reader: duckdb.DuckDBPyConnection, server: ServerConnection, name: str) -> None:
    batches = reader.sql(f"SELECT * FROM {name}").to_arrow_reader(_BATCH_ROWS)
    for batch in batches:
        server.insert_frame(name, batch.to_pandas())


def _count(connection, name: str) -> int:
    return connection.execute(f"SELECT count(*) FROM {name}").fetchall()[0][0]


def _verify(report: MigrationReport) -> None:
    differing = [
        f"{name}: {report.source_counts[name]} ≠ {report.target_counts[name]}"
        for name in report.source_counts
        if report.source_counts[name] != report.target_counts[name]
    ]
    if differing:
        raise MigrationError(
            "число строк не совпало, ничего не записано / row counts differ, nothing written: "
            + "; ".join(differing)
        )
