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
