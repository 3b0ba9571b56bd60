"""Versioned schema migrations for the server store, generated from the one schema definition.

Why not Alembic or hand-written numbered SQL files: the tables are defined once in
loaders/model/schema.py (and checked with pandera there); Alembic would need them again as
SQLAlchemy
models, and SQL files would spell every change twice (DuckDB and PostgreSQL). Instead each change of
schema.py that a store has not seen yet becomes one numbered migration: the statements that bring
the
store's catalogue up to the definition (new tables, new columns), applied in one transaction under
an
advisory lock (two app replicas starting together apply it once) and recorded in `schema_migrations`
with the statements themselves and the schema fingerprint. A change that cannot be applied without
losing rows (a column dropped or retyped, a key changed) is refused with OutdatedStoreError, as the
DuckDB store does; such a change needs a hand-written step and a rebuild or `migrate` of the store.
"""

from __future__ import annotations

import datetime as dt

from loaders.model.schema import (
    ALL_TABLES,
    SERVER_POINT_COLUMNS,
    Table,
    column_sql_type,
    create_table_sql,
    schema_fingerprint,
    server_point_sql,
)

VERSION_TABLE = "schema_migrations"
_MIGRATION_LOCK = 471_142  # any fixed number: pg_advisory_xact_lock key of schema migrations
_VERSION_DDL = f"""CREATE TABLE IF NOT EXISTS {VERSION_TABLE} (
  version INTEGER PRIMARY KEY,
  schema_sha256 TEXT NOT NULL,
  statements TEXT NOT NULL,
  applied_at TIMESTAMP NOT NULL
)"""
# Columns the server adds on its own (PostGIS points); not part of the shared definition.
_SERVER_ONLY_COLUMNS = {"geom"}


class SchemaDriftError(RuntimeError):
    """The store holds a table whose columns cannot be brought to the definition without loss."""


def stored_columns(connection) -> dict[str, dict[str, str]]:
    """table → {column → data type} of the current schema's base tables (information_schema)."""
    rows = connection.execute(
        "SELECT c.table_name, c.column_name, c.data_type FROM information_schema.columns c "
        "JOIN information_schema.tables t ON t.table_name = c.table_name "
        "AND t.table_schema = c.table_schema "
        "WHERE c.table_schema = current_schema() AND t.table_type = 'BASE TABLE'"
    ).fetchall()
    columns: dict[str, dict[str, str]] = {}
    for table, column, data_type in rows:
        columns.setdefault(table, {})[column] = data_type
    return columns


def planned_statements(connection, dialect: str = "postgres") -> list[str]:
    """The DDL that brings the store to the definition: CREATE TABLE for missing tables, ADD COLUMN
    for missing columns. SchemaDriftError names a stored column the definition no longer has."""
    stored = stored_columns(connection)
    statements = []
    for table in ALL_TABLES:
        if table.name not in stored:
            statements.append(create_table_sql(table, dialect))
            continue
        statements.extend(_added_columns(table, stored[table.name], dialect))
        _refuse_dropped_columns(table, stored[table.name])
    return statements


def _added_columns(table: Table, stored: dict[str, str], dialect: str) -> list[str]:
    statements = [
        f"ALTER TABLE {table.name} ADD COLUMN {column.name} {column_sql_type(column, dialect)}"
        for column in table.columns
        if column.name not in stored
    ]
    if dialect == "postgres" and table.name in SERVER_POINT_COLUMNS and "geom" not in stored:
        statements.append(f"ALTER TABLE {table.name} ADD COLUMN {server_point_sql(table)}")
    return statements


def _refuse_dropped_columns(table: Table, stored: dict[str, str]) -> None:
    dropped = sorted(set(stored) - set(table.column_names) - _SERVER_ONLY_COLUMNS)
    if dropped:
        raise SchemaDriftError(
            f"таблица {table.name}: в хранилище есть столбцы, которых нет в схеме "
            f"({', '.join(dropped)}); "
            f"/ table {table.name} holds columns the schema no longer has: {', '.join(dropped)}"
        )


def applied_versions(connection) -> list[tuple[int, str]]:
    """(version, schema fingerprint) of every migration applied, oldest first."""
    return connection.execute(
        f"SELECT version, schema_sha256 FROM {VERSION_TABLE} ORDER BY version"
    ).fetchall()


def migrate_server_schema(connection) -> int | None:
    """Apply the pending migration, if any, in the caller's transaction; its version, or None when
    the
    store already matches the definition."""
    # The lock first: two replicas creating the same table at once collide even with IF NOT EXISTS.
    connection.execute("SELECT pg_advisory_xact_lock(?)", [_MIGRATION_LOCK])
    connection.execute(_VERSION_DDL)
    statements = planned_statements(connection, "postgres")
    if not statements:
        return None
    for statement in statements:
        connection.execute(statement)
    latest = connection.execute(f"SELECT max(version) FROM {VERSION_TABLE}").fetchone()[0]
    version = (latest or 0) + 1
    connection.execute(
        f"INSERT INTO {VERSION_TABLE} VALUES (?, ?, ?, ?)",
        [
            version,
            schema_fingerprint(),
            ";\n".join(statements),
            dt.datetime.now(dt.UTC).replace(tzinfo=None),
        ],
    )
    return version


# --- Data version ---------------------------------------------------------------------------------
# Every statement that writes a table of the store bumps one sequence (statement-level triggers), so
# any app replica learns that the data changed by reading one number: its caches are keyed by it.
# A sequence is outside transactions: a rolled-back write bumps it too, which costs one cache miss.
DATA_VERSION_SEQUENCE = "atlas_data_version"
_BUMP_FUNCTION = f"""CREATE OR REPLACE FUNCTION atlas_bump_data_version() RETURNS trigger
LANGUAGE plpgsql AS $$ BEGIN PERFORM nextval('{DATA_VERSION_SEQUENCE}'); RETURN NULL; END $$"""


def ensure_data_version_triggers(connection) -> None:
    """A bump trigger on every base table of the schema that has none yet (in the caller's
    transaction, under the migration lock)."""
    connection.execute(f"CREATE SEQUENCE IF NOT EXISTS {DATA_VERSION_SEQUENCE}")
    connection.execute(_BUMP_FUNCTION)
    have = {
        row[0]
        for row in connection.execute(
            "SELECT event_object_table FROM information_schema.triggers "
            "WHERE trigger_name = 'atlas_data_version'"
        ).fetchall()
    }
    for table in sorted(set(stored_columns(connection)) - have - {VERSION_TABLE}):
        connection.execute(
            f"CREATE TRIGGER atlas_data_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE "
            f"ON {table} FOR EACH STATEMENT EXECUTE FUNCTION atlas_bump_data_version()"
        )


# The sequence moves when a writer's statement runs, not when it commits: a replica that read the
# version in between would cache the rows before the commit under the version after it, and keep
# them until the next write. So the version also names this database's transactions that hold a
# transaction id (only writers get one; readers never): their commit changes the version again.
_VERSION_SQL = f"""SELECT
    (SELECT CASE WHEN is_called THEN last_value ELSE 0 END FROM {DATA_VERSION_SEQUENCE}),
    (SELECT coalesce(string_agg(backend_xid::text, ',' ORDER BY backend_xid::text), '')
     FROM pg_stat_activity
     WHERE datname = current_database() AND backend_xid IS NOT NULL AND pid <> pg_backend_pid())"""


def server_data_version(connection) -> str:
    """The store's data version: changes after every write to any table, and again when a write
    that was in progress when it was read commits or rolls back."""
    value, writing = connection.execute(_VERSION_SQL).fetchone()
    return f"pg:{value}" + (f":{writing}" if writing else "")
