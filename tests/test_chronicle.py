"""Quarter aggregations of the Хроника page, on small hand-counted tables."""

import datetime as dt

import pandas as pd
import pytest

from dashboard.analysis import chronicle

REGIONS = pd.DataFrame(
    {"region_code": ["RU-KHM", "RU-TYU", "RU-KEM"], "name_short": ["Югра", "Тюмень", "Кузбасс"]}
)
# 2023Q1: KHM ×4; 2023Q2: none; 2023Q3: KHM ×1, TYU ×2 (one spans into Q4), KEM ×6; 2023Q4: KEM ×2
EVENTS = pd.DataFrame(
    {
        "event_id": [f"e{i}" for i in range(15)],
        "quarter": ["2023Q1"] * 4 + ["2023Q3"] * 9 + ["2023Q4"] * 2,
        "region_code": ["RU-KHM"] * 4
        + ["RU-KHM", "RU-TYU", "RU-TYU"]
        + ["RU-KEM"] * 6
        + ["RU-KEM"] * 2,
        "settlement_name": ["Сургут", "Сургут", "Нягань", "Югорск", "Сургут", "Тюмень", "Тобольск"]
        + ["Кемерово"] * 8,
        "event_type": ["forum"] * 15,
        "title": [f"Событие {i}" for i in range(15)],
        "date_start": pd.to_datetime(
            ["2023-01-10"] * 4
            + ["2023-08-01", "2023-09-29", "2023-07-01"]
            + ["2023-08-10"] * 6
            + ["2023-10-05"] * 2
        ),
        "date_end": pd.to_datetime(
            ["2023-01-10"] * 4
            + ["2023-08-01", "2023-10-02", "2023-07-01"]
            + ["2023-08-10"] * 6
            + ["2023-10-05"] * 2
        ),
    }
)


def test_per_quarter_counts_each_event_once_in_its_start_quarter_and_keeps_empty_quarters():
    table = chronicle.per_quarter(EVENTS, ["2023Q1", "2023Q2", "2023Q3", "2023Q4"], None, None)
    assert dict(zip(table["quarter"], table["value"])) == {
        "2023Q1": 4,
        "2023Q2": 0,
        "2023Q3": 9,
        "2023Q4": 2,
    }
    settlements = chronicle.per_quarter(EVENTS, ["2023Q1", "2023Q2"], None, "settlement_name")
    assert dict(zip(settlements["quarter"], settlements["value"])) == {"2023Q1": 3, "2023Q2": 0}


def test_per_quarter_split_by_region():
    table = chronicle.per_quarter(EVENTS, ["2023Q3"], "region_code", None).set_index("group")[
        "value"
    ]
    assert table.to_dict() == {"RU-KEM": 6, "RU-KHM": 1, "RU-TYU": 2}


@pytest.mark.parametrize(
    "before, after, band",
    [
        (1, 2, "мало данных"),
        (0, 2, "мало данных"),
        (0, 3, "мало данных"),
        (1, 3, "мало данных"),
        (2, 1, "мало данных"),
        (2, 9, "мало данных"),
        (1, 10, "сильный рост"),
        (3, 1, "сильное снижение"),
        (10, 15, "сильный рост"),
        (10, 12, "рост"),
        (10, 11, "без изменений"),
        (10, 8, "снижение"),
        (10, 5, "сильное снижение"),
        (2, 3, "мало данных"),
    ],
)
def test_change_band_with_low_baseline_guard(before, after, band):
    assert chronicle.change_band(before, after) == band


def test_compare_quarters_table():
    table = chronicle.compare_quarters(EVENTS, None, "2023Q3", "2023Q4", REGIONS).set_index(
        "region_code"
    )
    assert list(table.index) == ["RU-KEM", "RU-KHM", "RU-TYU"]
    assert table.loc["RU-KEM", ["before", "after", "change"]].tolist() == [6, 2, -4]
    assert (
        table.loc["RU-KEM", "change_pct"] == -67
        and table.loc["RU-KEM", "band"] == "сильное снижение"
    )
    assert table.loc["RU-TYU", "band"] == "мало данных" and pd.isna(
        table.loc["RU-TYU", "change_pct"]
    )  # 2 → 0, not −100 %


def test_latest_complete_quarter_and_defaults():
    quarters = ["2023Q3", "2023Q4", "2024Q1"]
    assert chronicle.latest_complete_quarter(quarters, dt.date(2024, 2, 1)) == "2023Q4"
    assert chronicle.default_comparison(quarters, dt.date(2026, 1, 1)) == (
        "2024Q1",
        "2023Q4",
        "2023Q1",
    )
    assert chronicle.default_comparison(["2024Q1"], dt.date(2024, 2, 1)) == (None, None, None)


def test_coverage_marks_regions_without_sources():
    facts = pd.DataFrame(
        {
            "region_code": ["RU-KHM", "RU-KHM", "RU-TYU"],
            "quarter": ["2023Q3", "2023Q3", "2023Q4"],
            "kind": ["news", "reports", "tables"],
        }
    )
    table = chronicle.coverage(facts, REGIONS, ["2023Q3", "2023Q4"]).set_index(
        ["region_code", "quarter"]
    )
    assert (
        table.loc[("RU-KHM", "2023Q3"), "kinds"] == 2
        and table.loc[("RU-KHM", "2023Q3"), "kinds_text"] == "новости, отчёты"
    )
    assert table.loc[("RU-KHM", "2023Q4"), "kinds_text"] == "нет источников"
    assert (
        not table.loc[("RU-KEM", "2023Q3"), "has_sources"]
        and table.loc[("RU-TYU", "2023Q3"), "has_sources"]
    )


def test_reconcile_report_statuses():
    items = pd.DataFrame(
        {
            "report_item_id": ["r1", "r2"],
            "reporting_body": ["Совет"] * 2,
            "quarter": ["2023Q4"] * 2,
            "item_number": [1, 2],
            "date_start": pd.to_datetime(["2023-10-05", "2023-11-01"]),
            "title": ["Форум", "Заседание"],
            "event_id": ["e13", "x"],
            "region_code": ["RU-KEM"] * 2,
        }
    )
    sources = pd.DataFrame(
        {
            "entity": ["report_item", "report_item", "event", "event", "event", "event"],
            "entity_id": ["r1", "r2", "e13", "e13", "x", "e14"],
            "document_id": ["rep", "rep", "rep", "news", "rep", "news"],
            "merge_reason": ["", "", "dates overlap", "", "", ""],
        }
    )
    table = chronicle.reconcile_report(items, sources, EVENTS, "Совет", "2023Q4").set_index(
        "event_id"
    )
    assert (
        table.loc["e13", "status"] == "подтверждено" and table.loc["e13", "rule"] == "dates overlap"
    )
    assert table.loc["x", "status"] == "только в отчёте"
    assert table.loc["e14", "status"] == "нет в отчёте"


def test_comparison_with_the_same_quarter_a_year_earlier():
    later = pd.concat([EVENTS, EVENTS.assign(quarter="2024Q3", event_id=EVENTS["event_id"] + "b")])
    table = chronicle.compare_with_year_ago(later, None, "2024Q2", "2024Q3", REGIONS).set_index(
        "region_code"
    )
    assert table.loc["RU-KEM", ["before", "after", "year_ago"]].tolist() == [
        0,
        8,
        6,
    ]  # 2024Q2, 2024Q3, 2023Q3
    assert table.loc["RU-KEM", "band_year"] == "рост"  # 6 → 8 is +33 %
