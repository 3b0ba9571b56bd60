"""The store (DuckDB and PostgreSQL alike): schema enforcement, atomic writes, merging of the
same event from several sources."""

from pathlib import Path

import duckdb
import pandas as pd
import pytest

from loaders.store import database as store
from loaders.store.merge import match_reason, title_similarity
from loaders.pipeline.load_tables import load_tables
from loaders.model.schema import EVENTS, SchemaError, validate_frame
from loaders.pipeline.table_rows import load_table_file


def test_missing_column_names_table_and_column():
    with pytest.raises(SchemaError, match="events.*region_code"):
        validate_frame(
            EVENTS, pd.DataFrame(columns=[c for c in EVENTS.column_names if c != "region_code"])
        )


def test_required_column_with_nulls_is_rejected():
    frame = pd.DataFrame([{name: None for name in EVENTS.column_names}])
    with pytest.raises(SchemaError, match="event_id"):
        validate_frame(EVENTS, frame)


def test_failure_mid_write_leaves_previous_data_intact(tmp_path, monkeypatch, store_target):
    db = store_target
    first = tmp_path / "first.csv"
    first.write_text(
        "Дата,Мероприятие,Город,Регион\n14.10.2023,Форум,Югорск,Югра\n", encoding="utf-8"
    )
    second = tmp_path / "second.csv"
    second.write_text(
        "Дата,Мероприятие,Город,Регион\n15.11.2023,Субботник,Тюмень,Тюменская область\n",
        encoding="utf-8",
    )
    load_tables([first], db)
    bundle = load_table_file(second)

    real_insert = store._insert

    def failing_insert(connection, table_name, frame):
        if table_name == "sources":  # documents and events are already inserted by now
            raise RuntimeError("disk full")
        real_insert(connection, table_name, frame)

    monkeypatch.setattr(store, "_insert", failing_insert)
    with store.open_store(db) as connection, pytest.raises(RuntimeError):
        store.store_bundle(connection, bundle)
    with store.connect(db, read_only=True) as connection:
        assert connection.execute("SELECT count(*) FROM documents").fetchall()[0][0] == 1
        assert connection.execute("SELECT title FROM events").fetchall() == [("Форум",)]


def test_report_item_links_to_the_existing_event(fixture_store):
    with store.connect(fixture_store, read_only=True) as connection:
        item = connection.execute(
            "SELECT r.event_id, e.title FROM report_items r JOIN events e USING (event_id) "
            "WHERE r.item_number = 1"
        ).fetchall()
        sources = connection.execute(
            "SELECT count(*), max(merge_reason) FROM sources WHERE entity = 'event' AND "
            "entity_id = ?",
            [item[0][0]],
        ).fetchall()[0]
        kemerovo_round_tables = connection.execute(
            "SELECT count(*) FROM events WHERE region_code = 'RU-KEM' AND event_type = "
            "'round_table'"
        ).fetchall()[0][0]
    assert item[0][1] == "Круглый стол «Чистый город»"
    assert kemerovo_round_tables == 1  # linked, not duplicated
    assert sources[0] == 2 and "same region RU-KEM" in sources[1]


def test_unrelated_events_are_not_merged():
    stored = pd.Series(
        {
            "region_code": "RU-KHM",
            "date_start": pd.Timestamp("2023-10-14").date(),
            "date_end": pd.Timestamp("2023-10-14").date(),
            "settlement_id": "1",
            "title": "Форум активистов",
            "event_type": "forum",
        }
    )
    incoming = {
        "region_code": "RU-KHM",
        "date_start": stored.date_start,
        "date_end": stored.date_end,
        "settlement_id": "2",
        "title": "Форум активистов",
        "event_type": "forum",
    }
    assert match_reason(incoming, stored) is None  # different settlement
    assert match_reason({**incoming, "settlement_id": "1"}, stored) is not None
    assert title_similarity("Форум активистов", "Квест для школьников") == 0.0


def test_regions_reference_is_loaded_once_per_file_hash(store_target):
    db = store_target
    with store.open_store(db) as connection:
        connection.execute(
            "UPDATE regions SET name_short = 'изменено' WHERE region_code = 'RU-KHM'"
        )
    with store.open_store(db) as connection:  # same reference file: not reloaded
        assert connection.execute(
            "SELECT name_short FROM regions WHERE region_code = 'RU-KHM'"
        ).fetchall() == [("изменено",)]
        connection.execute(
            "UPDATE store_meta SET value = 'old' WHERE key = ?", [store.REGIONS_HASH_KEY]
        )
    with store.open_store(db) as connection:  # the reference "changed": reloaded
        assert connection.execute(
            "SELECT name_short FROM regions WHERE region_code = 'RU-KHM'"
        ).fetchall() == [("Ханты-Мансийский АО",)]  # as in data/reference/regions.csv


GUESTS_CSV = """Дата,Мероприятие,Город,Регион,Участники (города)
14.10.2023,Форум «Диалог»,Тюмень,Тюменская область,Сургут; Тобольск; Нягань
15.11.2023,Субботник,Курган,Курганская область,Курган
"""


def test_joint_event_links_are_derived_and_stored_with_their_sources(tmp_path, store_target):
    """Guests from Surgut and Nyagan (both Yugra) and Tobolsk (the host's own region) at a Tyumen
    forum: one link RU-TYU → RU-KHM carrying both Yugra towns, sourced by the event's table row."""
    path = tmp_path / "guests.csv"
    path.write_text(GUESTS_CSV, encoding="utf-8")
    db = store_target
    load_tables([path], db)
    load_tables([path], db)  # same bytes again: nothing new, nothing duplicated
    with store.connect(db, read_only=True) as connection:
        links = connection.execute(
            "SELECT from_region, to_region, practice, guest_settlements, evidence_type, link_id "
            "FROM joint_event_links"
        ).fetchall()
        assert [row[:5] for row in links] == [
            ("RU-TYU", "RU-KHM", "Форум «Диалог»", ["Сургут", "Нягань"], "joint_event")
        ]
        sources = connection.execute(
            "SELECT row_number FROM sources WHERE entity = 'joint_event_link' AND entity_id = ?",
            [links[0][5]],
        ).fetchall()
        assert sources == [(2,)]


def test_rebuilding_derived_rows_gives_the_same_links(fixture_db, tmp_path):
    import shutil

    copy = tmp_path / "copy.duckdb"
    shutil.copy(fixture_db, copy)
    query = "SELECT link_id, from_region, to_region FROM joint_event_links ORDER BY link_id"
    with store.open_store(copy) as connection:
        before = connection.execute(query).fetchall()
        assert store.rebuild_derived(connection) == len(before)
        assert connection.execute(query).fetchall() == before
        # fixture: Yugorsk forum (RU-KHM) with guests from Sovetsky (also RU-KHM): no link;
        # Surgut forum with guests from Nyagan and Yugorsk (RU-KHM): no link either.
        assert before == []


def test_a_store_of_another_schema_is_refused_not_half_written(fixture_db, tmp_path):
    import shutil

    copy = tmp_path / "old.duckdb"
    shutil.copy(fixture_db, copy)
    assert store.store_is_current(copy)
    with duckdb.connect(str(copy)) as connection:  # as if built by an older version
        connection.execute(
            "UPDATE store_meta SET value = 'old' WHERE key = ?", [store.SCHEMA_HASH_KEY]
        )
    assert not store.store_is_current(copy)
    with pytest.raises(store.OutdatedStoreError, match="another schema version"):
        store.connect(copy)
    new = tmp_path / "new.duckdb"
    with store.open_store(new):
        pass
    assert store.store_is_current(new)


def test_the_dashboard_asks_to_rebuild_an_outdated_store(fixture_db, tmp_path, use_db):
    import shutil

    from streamlit.testing.v1 import AppTest

    copy = tmp_path / "old.duckdb"
    shutil.copy(fixture_db, copy)
    with duckdb.connect(str(copy)) as connection:
        connection.execute("ALTER TABLE report_items RENAME COLUMN quarter TO period")
        connection.execute("DELETE FROM store_meta")
    use_db(copy)
    at = AppTest.from_file(
        str(Path(__file__).resolve().parents[1] / "dashboard" / "app.py"), default_timeout=60
    ).run()
    assert not at.exception
    assert "another schema version" in at.error[0].value
