"""The PostgreSQL/PostGIS store against a real cluster (tests/pg.py): the same loads give the same
rows as DuckDB, migrations are numbered and additive, spatial questions agree on both engines, and
`migrate` moves a DuckDB store with verified counts."""

from __future__ import annotations

import datetime as dt
import json
import shutil

import duckdb
import pytest

from loaders.cli import main as cli
from loaders.model.schema import ALL_TABLES, schema_fingerprint
from loaders.paths import REGIONS_GEOJSON
from loaders.pipeline.ingest import ingest_documents
from loaders.pipeline.load_tables import load_tables
from loaders.store import database as store
from loaders.store.migrations import SchemaDriftError, applied_versions
from loaders.store.postgres import ServerConnection, translate_sql
from loaders.store.spatial import events_within_km, haversine_km
from loaders.store.transfer import MigrationError, migrate_store
from tests.conftest import SEEDS_DIR, write_fixture_tables

pytestmark = pytest.mark.requires("postgres")

ORDERED_ROWS = {
    "documents": "SELECT document_id, sha256, file_name, genre, source_kind FROM documents",
    "events": "SELECT event_id, title, date_start, region_code, participant_cities FROM events",
    "sources": "SELECT entity, entity_id, document_id, char_start, char_end, merge_reason "
    "FROM sources",
    "places": "SELECT place_id, settlement_name, region_code, lat, lon FROM places",
    "joint_event_links": "SELECT link_id, from_region, to_region, guest_settlements "
    "FROM joint_event_links",
}


def _rows(target, sql: str) -> list[tuple]:
    with store.connect(target, read_only=True) as connection:
        return sorted(connection.execute(sql).fetchall(), key=repr)


def test_placeholders_and_list_parameters_are_translated():
    sql = "SELECT 1 WHERE a = ? AND b IN (SELECT unnest(?))"
    assert translate_sql(sql, [1, []]) == (
        "SELECT 1 WHERE a = %s AND b IN (SELECT unnest(%s::text[]))"
    )
    assert translate_sql(sql, [1, [None, dt.date(2023, 1, 1)]]).endswith("unnest(%s::date[]))")
    assert translate_sql("SELECT '5%' WHERE a = ?", [1]) == "SELECT '5%%' WHERE a = %s"


def test_a_write_answers_its_row_count_as_duckdb_does(pg_url):
    with store.connect(pg_url) as connection:
        updated = connection.execute(
            "UPDATE regions SET population = population WHERE region_code IN (?, ?)",
            ["RU-KHM", "RU-TYU"],
        ).fetchall()
    with duckdb.connect() as local:
        local.execute("CREATE TABLE t (a INTEGER)")
        local.execute("INSERT INTO t VALUES (1), (2), (3)")
        assert local.execute("UPDATE t SET a = a WHERE a < 3").fetchall() == [(2,)]
    assert updated == [(2,)]


def test_atlas_db_url_selects_the_server(pg_url, monkeypatch):
    monkeypatch.setenv("ATLAS_DB", pg_url)
    with store.open_store() as connection:
        assert isinstance(connection, ServerConnection)
        assert connection.execute("SELECT count(*) FROM regions").fetchone()[0] > 80


def test_table_loads_give_the_same_rows_on_both_engines(tmp_path, pg_url):
    files = write_fixture_tables(tmp_path / "tables")
    duck = tmp_path / "s.duckdb"
    assert not load_tables(files, duck).failed
    assert not load_tables(files, pg_url).failed
    for sql in ORDERED_ROWS.values():
        assert _rows(pg_url, sql) == _rows(duck, sql)
    with store.connect(pg_url, read_only=True) as server, store.connect(duck) as local:
        server_counts, local_counts = store.table_counts(server), store.table_counts(local)
    del server_counts["store_meta"], local_counts["store_meta"]  # the server's has one key more
    assert server_counts == local_counts


@pytest.mark.requires("seeds")
def test_document_ingest_gives_the_same_rows_on_both_engines(tmp_path, pg_url):
    seeds = sorted(p for p in SEEDS_DIR.iterdir() if p.suffix in {".txt", ".docx", ".pdf"})[:6]
    assert seeds, f"no seed documents in {SEEDS_DIR}"
    duck = tmp_path / "s.duckdb"
    local = ingest_documents(seeds, duck, workers=1)
    server = ingest_documents(seeds, pg_url, workers=1)
    assert server.failed == local.failed
    for sql in ORDERED_ROWS.values():
        assert _rows(pg_url, sql) == _rows(duck, sql)
    again = ingest_documents(seeds, pg_url, workers=1)  # same bytes: nothing new
    assert _rows(pg_url, ORDERED_ROWS["events"]) == _rows(duck, ORDERED_ROWS["events"])
    assert not again.failed


def test_a_new_server_store_records_migration_one(pg_url):
    with store.open_store(pg_url) as connection:
        versions = applied_versions(connection)
        assert [version for version, _ in versions] == [1]
        assert versions[0][1] == schema_fingerprint()
    with store.open_store(pg_url) as connection:  # nothing pending: no new version
        assert len(applied_versions(connection)) == 1


def test_a_column_added_to_the_schema_becomes_the_next_migration(pg_url):
    with store.open_store(pg_url) as connection:
        connection.execute("INSERT INTO documents (document_id, sha256) VALUES ('d1', 'x')")
        connection.execute("ALTER TABLE documents DROP COLUMN title")  # as before the column
    with store.open_store(pg_url) as connection:
        versions = applied_versions(connection)
        assert [version for version, _ in versions] == [1, 2]
        statements = connection.execute(
            "SELECT statements FROM schema_migrations WHERE version = 2"
        ).fetchone()[0]
        assert statements == "ALTER TABLE documents ADD COLUMN title TEXT"
        assert connection.execute("SELECT document_id FROM documents").fetchall() == [("d1",)]


def test_a_column_the_schema_no_longer_has_is_refused(pg_url):
    with store.open_store(pg_url) as connection:
        connection.execute("ALTER TABLE events ADD COLUMN old_score INTEGER")
    with pytest.raises(SchemaDriftError, match="events.*old_score"):
        store.connect(pg_url)


def test_two_replicas_opening_a_new_store_at_once_migrate_it_once(pg_url):
    from concurrent.futures import ThreadPoolExecutor

    def open_and_close(_):
        store.connect(pg_url).close()

    with ThreadPoolExecutor(4) as pool:
        list(pool.map(open_and_close, range(4)))
    with store.connect(pg_url, read_only=True) as connection:
        assert [version for version, _ in applied_versions(connection)] == [1]


def test_region_boundaries_are_postgis_polygons(pg_url):
    features = json.loads(REGIONS_GEOJSON.read_text(encoding="utf-8"))["features"]
    with store.open_store(pg_url) as connection:
        count, invalid = connection.execute(
            "SELECT count(*), count(*) FILTER (WHERE NOT ST_IsValid(geom)) FROM region_shapes"
        ).fetchone()
        # Distance (km) from each region's centre (regions.csv) to its own polygon.
        distances = dict(
            connection.execute(
                "SELECT r.region_code, ST_Distance(s.geom::geography, r.geom) / 1000 "
                "FROM regions r JOIN region_shapes s USING (region_code)"
            ).fetchall()
        )
    assert count == len(features)
    assert invalid == 0
    assert set(distances) == {feature["properties"]["region_code"] for feature in features}
    # The polygons are simplified: a centre on a border (Abakan, Anadyr) may fall a few km outside.
    assert max(distances.values()) < 5
    assert sum(distance == 0 for distance in distances.values()) >= len(distances) - 3


def test_events_within_km_agree_on_both_engines(tmp_path, pg_url):
    files = write_fixture_tables(tmp_path / "tables")
    duck = tmp_path / "s.duckdb"
    load_tables(files, duck)
    load_tables(files, pg_url)
    surgut = (61.254, 73.396)
    with store.connect(duck) as local, store.connect(pg_url) as server:
        points = local.execute(
            "SELECT event_id, lat, lon FROM events WHERE geo_precision = 'settlement'"
        ).df()
        for radius in (0, 50, 250, 1000, 3000):
            expected = events_within_km(local, *surgut, radius)
            assert events_within_km(server, *surgut, radius) == expected
        everything = events_within_km(local, *surgut, 20_000)
        near = events_within_km(local, *surgut, 50)
    assert everything == sorted(points.dropna(subset=["lat"])["event_id"])
    assert near and set(near) < set(everything)


def test_haversine_matches_postgis_distance(pg_url):
    moscow, petersburg = (55.7558, 37.6173), (59.9386, 30.3141)
    with store.connect(pg_url) as connection:
        postgis_km = connection.execute(
            "SELECT ST_Distance(ST_MakePoint(?, ?)::geography, ST_MakePoint(?, ?)::geography, "
            "false) / 1000",
            [moscow[1], moscow[0], petersburg[1], petersburg[0]],
        ).fetchone()[0]
    ours = float(haversine_km(*moscow, [petersburg[0]], [petersburg[1]])[0])
    assert ours == pytest.approx(postgis_km, abs=1e-6)
    assert 600 < ours < 700


def test_migrate_moves_every_table_and_verifies_counts(fixture_db, tmp_path, pg_url):
    report = migrate_store(fixture_db, pg_url)
    assert report.source_counts == report.target_counts
    with duckdb.connect(str(fixture_db), read_only=True) as local:
        for table in ALL_TABLES:
            if table.name == "store_meta":
                continue
            expected = local.execute(f"SELECT count(*) FROM {table.name}").fetchone()[0]
            assert report.target_counts[table.name] == expected, table.name
    for sql in ORDERED_ROWS.values():
        assert _rows(pg_url, sql) == _rows(fixture_db, sql)
    with store.connect(pg_url, read_only=True) as connection:  # stamped with this schema
        stamp = connection.execute(
            "SELECT value FROM store_meta WHERE key = ?", [store.SCHEMA_HASH_KEY]
        ).fetchone()
    assert stamp == (schema_fingerprint(),)


def test_migrate_refuses_a_non_empty_server_and_writes_nothing(fixture_db, pg_url):
    migrate_store(fixture_db, pg_url)
    with pytest.raises(MigrationError, match="already holds"):
        migrate_store(fixture_db, pg_url)
    with store.connect(pg_url, read_only=True) as connection:
        assert store.table_counts(connection)["documents"] == 4


def test_migrate_with_a_failing_table_leaves_the_server_empty(
    fixture_db, tmp_path, pg_url, monkeypatch
):
    from loaders.store import transfer

    real_copy = transfer._copy_table

    def failing_copy(reader, server, name):
        real_copy(reader, server, name)
        if name == "sources":
            raise RuntimeError("connection lost")

    monkeypatch.setattr(transfer, "_copy_table", failing_copy)
    with pytest.raises(RuntimeError, match="connection lost"):
        migrate_store(fixture_db, pg_url)
    with store.connect(pg_url, read_only=True) as connection:
        counts = store.table_counts(connection)
    assert counts["documents"] == counts["events"] == counts["sources"] == 0


def test_migrate_command_line(fixture_db, tmp_path, pg_url, capsys):
    copy = tmp_path / "copy.duckdb"
    shutil.copy(fixture_db, copy)
    assert cli(["migrate", str(copy), pg_url]) == 0
    assert "events: " in capsys.readouterr().out
    assert cli(["migrate", str(tmp_path / "absent.duckdb"), pg_url]) == 1
    assert "not found" in capsys.readouterr().err
    assert cli(["info", "--db", pg_url]) == 0


def test_new_on_a_server_creates_the_schema_and_refuses_one_with_data(tmp_path, pg_url, capsys):
    assert cli(["new", "--db", pg_url]) == 0
    with store.connect(pg_url, read_only=True) as connection:
        assert store.table_counts(connection)["regions"] > 80
    load_tables(write_fixture_tables(tmp_path / "tables")[:1], pg_url)
    assert cli(["new", "--db", pg_url]) == 1
    assert "already holds data" in capsys.readouterr().err


def test_a_read_only_server_connection_refuses_writes(pg_url):
    store.connect(pg_url).close()
    import psycopg

    with store.connect(pg_url, read_only=True) as connection:
        with pytest.raises(psycopg.errors.ReadOnlySqlTransaction):
            connection.execute("DELETE FROM regions")


def test_the_data_version_changes_after_every_write_and_only_then(tmp_path, pg_url):
    from loaders.store.readers import data_version

    store.connect(pg_url).close()
    before = data_version(pg_url)
    assert data_version(pg_url) == before  # reading changes nothing
    files = write_fixture_tables(tmp_path / "tables")
    load_tables(files[:1], pg_url)
    after_load = data_version(pg_url)
    assert after_load != before
    with store.connect(pg_url, read_only=True) as connection:
        connection.execute("SELECT count(*) FROM events").fetchone()
    assert data_version(pg_url) == after_load
    with store.connect(pg_url) as connection:
        connection.execute("UPDATE events SET title = title || '!' WHERE false")
    assert data_version(pg_url) != after_load  # a statement that wrote (even no rows) bumps it


def test_a_version_read_while_a_write_is_uncommitted_changes_at_its_commit(pg_url):
    """A replica reading the version between a writer's statement and its COMMIT caches the rows
    before the commit: the version must differ once the commit is visible, or it would keep them."""
    from loaders.store.readers import data_version

    store.connect(pg_url).close()
    with store.connect(pg_url) as writer:
        with store.transaction(writer):
            writer.execute("UPDATE regions SET population = 1 WHERE region_code = 'RU-KHM'")
            during = data_version(pg_url)
            cached = _rows(pg_url, "SELECT population FROM regions WHERE region_code = 'RU-KHM'")
            assert cached != [(1,)]  # what a replica caches under `during`: the rows before
        after = data_version(pg_url)
    assert after != during
    assert data_version(pg_url) == after  # and it is stable again once nothing is writing


def test_a_write_session_of_this_process_is_seen_at_once_despite_the_version_reuse(pg_url):
    """A replica reuses the server's version for up to a second; its own saves forget it."""
    from loaders.store.readers import data_version
    from loaders.store.writer import write_session

    store.connect(pg_url).close()
    before = data_version(pg_url, max_age_seconds=60)
    with write_session(pg_url) as connection:
        connection.execute("UPDATE regions SET population = 2 WHERE region_code = 'RU-KHM'")
    assert data_version(pg_url, max_age_seconds=60) != before
