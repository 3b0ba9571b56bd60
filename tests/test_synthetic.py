"""The synthetic dataset generator is reproducible and hits its scale."""

import duckdb
import pandas as pd

from loaders.build.synthetic import SCALES, generate, write_synthetic


def test_same_seed_same_data_other_seed_other_data():
    first, again, other = generate("small", 7), generate("small", 7), generate("small", 8)
    pd.testing.assert_frame_equal(first["events"], again["events"])
    assert not first["events"]["settlement_id"].equals(other["events"]["settlement_id"])


def test_written_store_has_the_scale_and_provenance(tmp_path):
    db = tmp_path / "syn.duckdb"
    write_synthetic(db, "small", 3)
    scale = SCALES["small"]
    with duckdb.connect(str(db), read_only=True) as connection:

        def one(sql):
            return connection.execute(sql).fetchall()[0][0]

        assert one("SELECT count(*) FROM events") == scale.events
        assert one("SELECT count(*) FROM practice_links") == scale.practice_links
        assert (
            one("SELECT count(DISTINCT year(date_start) || quarter(date_start)) FROM events") == 12
        )
        assert (
            one(
                "SELECT count(*) FROM events e WHERE NOT EXISTS (SELECT 1 FROM sources s WHERE s.entity_id = e.event_id)"
            )
            == 0
        )
        passage = connection.execute(
            "SELECT substr(d.full_text, s.char_start + 1, s.char_end - s.char_start), e.title FROM sources s "
            "JOIN documents d USING (document_id) JOIN events e ON e.event_id = s.entity_id WHERE s.entity = 'event' LIMIT 1"
        ).fetchall()[0]
        assert passage[1] in passage[0]
        assert one("SELECT count(*) FROM practice_links WHERE from_region = to_region") == 0


def test_batches_stream_and_join_up():
    """The generator never holds more than one batch of events; ids, documents and report items still
    line up across batches."""
    from loaders.build.synthetic import generate_batches

    scale = SCALES["small"]
    batches = list(generate_batches("small", 5))
    event_batches = [batch["events"] for batch in batches if "events" in batch]
    assert len(event_batches) == -(-scale.events // scale.batch_events) > 1
    assert max(len(frame) for frame in event_batches) == scale.batch_events
    events = pd.concat(event_batches, ignore_index=True)
    assert events["event_id"].is_unique and len(events) == scale.events
    documents = pd.concat([batch["documents"] for batch in batches], ignore_index=True)
    assert documents["file_name"].is_unique and documents["document_id"].is_unique
    report = batches[-1]["report_items"]
    assert len(report) == scale.report_items
    assert report["event_id"].isin(events["event_id"]).all()
    assert (report.groupby(["region_code", "quarter"])["item_number"].min() == 1).all()


def test_x10_scale_is_the_million_event_store():
    scale = SCALES["x10"]
    assert (scale.events, scale.agreements, scale.practice_links, scale.report_items) == (
        1_000_000,
        20_000,
        30_000,
        30_000,
    )
    assert scale.batch_events % scale.events_per_document == 0
    assert scale.events // scale.batch_events >= 10  # streamed, not one frame


def test_joint_event_links_derived_batch_by_batch_equal_a_full_rebuild(tmp_path):
    """Deriving joint-event links per streamed batch (and again for events a report line sources)
    gives what re-deriving them all at once from the finished store gives."""
    from loaders.store.database import rebuild_derived

    db = tmp_path / "syn.duckdb"
    write_synthetic(db, "small", 2)
    links_sql = "SELECT * FROM joint_event_links ORDER BY link_id"
    sources_sql = (
        "SELECT * FROM sources WHERE entity = 'joint_event_link'"
        " ORDER BY entity_id, document_id, char_start"
    )
    with duckdb.connect(str(db)) as connection:
        streamed = connection.execute(links_sql).df(), connection.execute(sources_sql).df()
        rebuild_derived(connection)
        rebuilt = connection.execute(links_sql).df(), connection.execute(sources_sql).df()
    assert len(streamed[0]) > 0
    pd.testing.assert_frame_equal(streamed[0], rebuilt[0])
    pd.testing.assert_frame_equal(streamed[1], rebuilt[1])
