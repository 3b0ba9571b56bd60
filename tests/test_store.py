"""The DuckDB store: schema enforcement, atomic writes, merging of the same event from several sources."""

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


def test_failure_mid_write_leaves_previous_data_intact(tmp_path, monkeypatch):
    db = tmp_path / "s.duckdb"
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
    with duckdb.connect(str(db), read_only=True) as connection:
        assert connection.execute("SELECT count(*) FROM documents").fetchall()[0][0] == 1
        assert connection.execute("SELECT title FROM events").fetchall() == [("Форум",)]


def test_report_item_links_to_the_existing_event(fixture_db):
    with duckdb.connect(str(fixture_db), read_only=True) as connection:
        item = connection.execute(
            "SELECT r.event_id, e.title FROM report_items r JOIN events e USING (event_id) WHERE r.item_number = 1"
        ).fetchall()
        sources = connection.execute(
            "SELECT count(*), max(merge_reason) FROM sources WHERE entity = 'event' AND entity_id = ?",
            [item[0][0]],
        ).fetchall()[0]
        kemerovo_round_tables = connection.execute(
            "SELECT count(*) FROM events WHERE region_code = 'RU-KEM' AND event_type = 'round_table'"
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
