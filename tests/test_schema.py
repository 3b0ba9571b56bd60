"""The schema is enforced on frames as built: each kind of error fires, naming table and column."""

import datetime as dt

import pandas as pd
import pytest

from loaders.model.schema import (
    ALL_TABLES,
    EVENTS,
    PRACTICE_LINKS,
    REPORT_ITEMS,
    SchemaError,
    frame_from_rows,
    validate_frame,
)
from loaders.model.vocabulary import EVENT_TYPES
from loaders.pipeline import table_rows


def _link(**changes) -> dict:
    row = {
        "link_id": "pl_1",
        "from_region": "RU-KHM",
        "to_region": "RU-TYU",
        "practice": "школа активиста",
        "date_start": dt.date(2023, 5, 1),
        "date_end": dt.date(2023, 5, 1),
        "date_precision": "day",
        "evidence_type": "internship",
        "confidence": 1.0,
        "extraction_reason": "hand-written",
        "status": "confirmed",
        "version": 1,
    }
    row.update(changes)
    return row


def _event(**changes) -> dict:
    row = {
        "event_id": "ev_1",
        "title": "Форум",
        "event_type": "forum",
        "topic": "ecology",
        "date_start": dt.date(2023, 10, 14),
        "date_end": dt.date(2023, 10, 14),
        "date_precision": "day",
        "settlement_name": "Югорск",
        "settlement_id": "1",
        "region_code": "RU-KHM",
        "lat": 61.3,
        "lon": 63.3,
        "geo_precision": "settlement",
        "organizers": ["Совет"],
        "participant_cities": [],
        "participants_count": None,
        "confidence": 0.9,
        "extraction_reason": "rule",
        "status": "proposed",
        "version": 1,
    }
    row.update(changes)
    return row


def test_a_well_formed_frame_passes_in_schema_order():
    shuffled = dict(reversed(list(_link().items())))
    frame = frame_from_rows(PRACTICE_LINKS, [shuffled, _link(link_id="pl_2")])
    assert list(frame.columns) == PRACTICE_LINKS.column_names
    assert list(frame["link_id"]) == ["pl_1", "pl_2"]


def test_a_misspelled_key_fails_as_unexpected_and_missing_column():
    row = _link()
    row["evidnce_type"] = row.pop("evidence_type")
    with pytest.raises(SchemaError) as error:
        frame_from_rows(PRACTICE_LINKS, [row])
    message = str(error.value)
    assert "table practice_links, column evidnce_type: unexpected column" in message
    assert "table practice_links, column evidence_type: missing column" in message


def test_a_key_misspelled_in_one_row_only_still_fails():
    row = _link(link_id="pl_2")
    row["practise"] = row.pop("practice")
    with pytest.raises(SchemaError, match="column practise: unexpected column"):
        frame_from_rows(PRACTICE_LINKS, [_link(), row])


def test_a_missing_column_fails():
    row = _event()
    del row["region_code"]
    with pytest.raises(SchemaError, match="table events, column region_code: missing column"):
        frame_from_rows(EVENTS, [row])


def test_a_value_outside_the_vocabulary_fails_with_the_allowed_values():
    with pytest.raises(SchemaError) as error:
        frame_from_rows(EVENTS, [_event(), _event(event_id="ev_2", event_type="picnic")])
    message = str(error.value)
    assert "table events, column event_type: allowed values: " + ", ".join(EVENT_TYPES) in message
    assert "'picnic' (row 1)" in message


@pytest.mark.parametrize(
    ("column", "value", "expected"),
    [
        ("date_precision", "week", "allowed values: day, month, quarter, year"),
        ("geo_precision", "street", "allowed values: settlement, region, country"),
        ("confidence", 1.5, "allowed range"),
        ("lat", 95.0, "allowed range"),
        ("date_start", "2023-10-14", "expected a date"),
        ("participants_count", 12.5, "expected a whole number"),
        ("participants_count", "12", "expected a whole number"),
        ("organizers", "Совет", "expected a list of texts"),
        ("title", 42, "expected text"),
    ],
)
def test_each_column_check_fires(column, value, expected):
    with pytest.raises(SchemaError, match=f"table events, column {column}: {expected}"):
        frame_from_rows(EVENTS, [_event(**{column: value})])


def test_a_report_quarter_must_look_like_2023Q4():
    item = {
        "report_item_id": "ri_1",
        "reporting_body": "Совет",
        "quarter": "IV квартал 2023",
        "item_number": 1,
        "date_start": None,
        "date_end": None,
        "title": "Заседание",
        "goal": None,
        "region_code": None,
        "event_id": None,
        "confidence": 1.0,
        "extraction_reason": None,
        "status": "confirmed",
        "version": 1,
    }
    with pytest.raises(SchemaError, match="column quarter: expected the form"):
        frame_from_rows(REPORT_ITEMS, [item])
    assert frame_from_rows(REPORT_ITEMS, [{**item, "quarter": "2023Q4"}])["quarter"][0] == "2023Q4"


def test_a_duplicate_primary_key_fails():
    with pytest.raises(
        SchemaError, match="table practice_links, column link_id: duplicate primary key"
    ):
        frame_from_rows(PRACTICE_LINKS, [_link(), _link(practice="другое")])


def test_empty_required_values_fail_and_optional_ones_pass():
    with pytest.raises(SchemaError, match="column from_region: empty values in a required column"):
        frame_from_rows(PRACTICE_LINKS, [_link(from_region=None)])
    assert frame_from_rows(PRACTICE_LINKS, [_link(date_start=None, date_end=None)]).shape == (1, 12)


def test_integers_with_a_missing_value_pass():
    """pandas turns [12, None] into floats 12.0 and NaN: still whole numbers."""
    frame = frame_from_rows(
        EVENTS, [_event(participants_count=12), _event(event_id="ev_2", participants_count=None)]
    )
    assert frame["participants_count"].iloc[0] == 12


def test_the_table_builder_checks_its_rows_as_built():
    """loaders.pipeline.table_rows builds its frames from the row dicts, so a typo there fails."""
    row = _event()
    row["topik"] = row.pop("topic")
    with pytest.raises(SchemaError, match="column topik: unexpected column"):
        table_rows._frame("events", [row, None])


def test_validate_frame_rejects_an_extra_column_on_every_table():
    for table in ALL_TABLES:
        frame = pd.DataFrame(columns=[*table.column_names, "extra"])
        with pytest.raises(SchemaError, match=f"table {table.name}, column extra: unexpected"):
            validate_frame(table, frame)


def test_review_status_and_version_are_checked():
    with pytest.raises(SchemaError, match="table events, column status"):
        frame_from_rows(EVENTS, [_event(status="maybe")])
    with pytest.raises(SchemaError, match="table events, column version"):
        frame_from_rows(EVENTS, [_event(version=0)])
