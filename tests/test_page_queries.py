"""The questions Обзор, Карта, Хроника and the sidebar ask the store (analysis.queries, issue 15):
on the hand-countable store of test_queries (DuckDB and PostgreSQL), and on the demo store against
the pandas functions the pages used before (they must agree)."""

from __future__ import annotations

import shutil
from dataclasses import replace

import duckdb
import pandas as pd
import pytest

from dashboard import data, filters
from dashboard.analysis import aggregations, chronicle, nearby
from dashboard.analysis import queries as q
from dashboard.quarters import quarter_range, shift_quarter
from loaders.store.spatial import events_within_km

import test_queries
from test_queries import YEAR_2023, _demo_views

# the fixtures of the query-layer tests: a six-event store on both engines, and the demo store
small_db, small_target, small = test_queries.small_db, test_queries.small_target, test_queries.small
demo_db, demo_frames, demo = test_queries.demo_db, test_queries.demo_frames, test_queries.demo

SURGUT = (61.25, 73.4167)


# ---------------------------------------------------------------- the hand-countable store


def test_catalogue_counts_what_the_store_holds(small):
    totals = q.event_quarter_totals(small)
    assert list(zip(totals["quarter"], totals["events"])) == [
        ("2023Q1", 2),
        ("2023Q2", 1),
        ("2023Q3", 1),
        ("2023Q4", 2),
    ]
    summary = q.store_contents(small)
    assert (summary["events"], summary["agreements"], summary["practice_links"]) == (6, 2, 3)
    assert summary["report_items"] == 0 and summary["regions_with_events"] == 3
    assert summary["documents"] == 4 and summary["demo_documents"] == 1
    assert summary["demo_events"] == "some"  # one event read only from the demo file
    assert len(q.regions(small)) > 80


def test_demo_events_in_a_view(small):
    assert q.has_demo_events(small, YEAR_2023, "some")
    only_tyumen = q.QueryView("2023Q1", "2023Q4", regions=("RU-TYU",))
    assert not q.has_demo_events(small, only_tyumen, "some")
    assert q.has_demo_events(small, only_tyumen, "all")  # every event is demo: any event shows
    assert not q.has_demo_events(small, YEAR_2023, "none")


def test_headline_counts_over_the_period_and_its_last_two_quarters(small):
    table = q.headline_counts(small, q.QueryView("2023Q3", "2023Q4")).set_index("measure")
    assert table.loc["events"].tolist() == [3, 2, 1]  # total, 2023Q4, 2023Q3
    assert table.loc["settlements"].tolist() == [3, 2, 1]  # Кемерово, Тюмень, Сургут
    assert table.loc["regions", "total"] == 3
    assert table.loc["agreements"].tolist() == [2, 1, 1]
    # the link of 2024Q1 is outside; the one of 2023Q2 is the quarter before the period's first
    assert table.loc["links"].tolist() == [1, 1, 0]
    without_demo = q.headline_counts(small, q.QueryView("2023Q3", "2023Q4", include_demo=False))
    assert without_demo.set_index("measure").loc["events"].tolist() == [2, 1, 1]


def test_confirmed_only_keeps_confirmed_rows(small):
    view = q.QueryView.from_filter(filters.ViewFilter("2023Q1", "2023Q4", confirmed_only=True))
    assert view.statuses == ("confirmed",)
    everything = q.QueryView.from_filter(filters.ViewFilter("2023Q1", "2023Q4"))
    assert everything.statuses == ()
    # rows loaded from tables are confirmed, so both views count the same here
    assert q.headline_counts(small, view)["total"].tolist() == (
        q.headline_counts(small, everything)["total"].tolist()
    )


def test_events_near_a_town(small):
    near_surgut = replace(YEAR_2023, near=(*SURGUT, 50.0))
    markers = q.settlement_markers(small, near_surgut)
    assert list(markers["place"]) == ["Сургут"] and list(markers["events"]) == [3]
    far = replace(YEAR_2023, near=(*SURGUT, 1500.0))  # Тюмень ~ 700 km, Кемерово ~ 1,200 km
    assert set(q.settlement_markers(small, far)["place"]) == {"Сургут", "Тюмень", "Кемерово"}
    assert q.headline_counts(small, near_surgut).set_index("measure").loc["events", "total"] == 3
    assert q.event_totals(small, near_surgut) == {"events": 3, "located": 3}
    assert q.event_totals(small, YEAR_2023) == {"events": 6, "located": 6}


def test_towns_are_settlements_with_their_own_coordinates(small):
    towns = q.town_places(small)
    assert list(towns["settlement_name"]) == ["Сургут", "Тюмень", "Кемерово"]  # first event order


def test_calendar_pages_through_a_quarter(small):
    rows, total = q.calendar_page(small, YEAR_2023, "2023Q1", page=0, page_size=1)
    assert total == 2 and list(rows["title"]) == ["Форум «Альфа»"]
    rows, _ = q.calendar_page(small, YEAR_2023, "2023Q1", page=1, page_size=1)
    assert list(rows["title"]) == ["Акция «Берег»"] and rows["document_id"].notna().all()
    _, outside_the_period = q.calendar_page(small, q.QueryView("2023Q4", "2023Q4"), "2023Q1")
    assert outside_the_period == 2  # the calendar's quarter is chosen apart from the period


# ---------------------------------------------------------------- the demo store against pandas


def test_headlines_agree_with_the_overview(demo, demo_frames):
    for view in _demo_views(demo_frames["events"]):
        frames = {"events": "events", "agreements": "agreements", "links": "links"}
        apply = {
            "events": filters.apply_to_events,
            "agreements": filters.apply_to_agreements,
            "links": filters.apply_to_links,
        }
        in_period = {k: apply[k](demo_frames[v], view) for k, v in frames.items()}
        any_period = {
            k: apply[k](demo_frames[v], view, ignore_period=True) for k, v in frames.items()
        }
        expected = aggregations.headline_figures(
            in_period, any_period, view.quarter_to, view.previous_quarter()
        )
        found = aggregations.headlines_from_counts(
            q.headline_counts(demo, q.QueryView.from_filter(view))
        )
        assert found == expected, view


def test_sidebar_catalogue_agrees_with_the_events(demo, demo_frames):
    events = demo_frames["events"]
    totals = q.event_quarter_totals(demo)
    with_data = list(totals["quarter"])
    assert filters.quarter_span(with_data) == filters.available_quarters(events)
    assert filters.default_range_of(with_data) == filters.default_range(events)
    first = filters.default_range(events)[0]
    assert filters.left_out_of_default_of(totals, first) == filters.left_out_of_default(
        events, first
    )


def test_towns_agree(demo, demo_frames):
    regions = demo_frames["regions"]
    expected = nearby.town_points(regions, demo_frames["events"])
    assert nearby.town_points(regions, q.town_places(demo)) == expected


def test_radius_agrees_with_the_spatial_module(demo, demo_frames):
    events = demo_frames["events"]
    lat, lon = events.dropna(subset=["lat"]).iloc[0][["lat", "lon"]]
    for km in (30.0, 400.0, 3000.0):
        expected = set(events_within_km(demo.connection, lat, lon, km))
        view = q.QueryView(near=(float(lat), float(lon), km))
        found = q.headline_counts(demo, view).set_index("measure").loc["events", "total"]
        assert found == len(expected), km


def test_calendar_agrees_with_the_chronicle(demo, demo_frames):
    for view in _demo_views(demo_frames["events"]):
        target = view.quarter_to
        events = filters.apply_to_events(demo_frames["events"], view, ignore_period=True)
        expected = chronicle.calendar_rows(events, target)
        rows, total = q.calendar_page(demo, q.QueryView.from_filter(view), target, 0, 10_000)
        assert total == len(expected)
        assert list(rows["event_id"]) == list(expected["event_id"])
        assert list(rows["document_id"]) == list(expected["document_id"])
        bars = chronicle.with_bar_ends(rows)["bar_end"]
        assert list(bars) == list(expected["bar_end"])


@pytest.mark.parametrize("measure", list(chronicle.MEASURES))
def test_comparison_agrees_with_the_chronicle(demo, demo_frames, measure):
    quarters = filters.available_quarters(demo_frames["events"])
    target, base = quarters[-2], quarters[-6]
    for view in _demo_views(demo_frames["events"]):
        rows, distinct = chronicle.measure_rows(
            measure,
            filters.apply_to_events(demo_frames["events"], view, ignore_period=True),
            filters.apply_to_agreements(demo_frames["agreements"], view, ignore_period=True),
            filters.apply_to_links(demo_frames["links"], view, ignore_period=True),
        )
        regions = demo_frames["regions"]
        expected = chronicle.compare_with_year_ago(rows, distinct, base, target, regions)
        eight = [shift_quarter(target, -i) for i in range(7, -1, -1)]
        needed = sorted({base, *eight})
        wide = replace(q.QueryView.from_filter(view), quarter_from=needed[0], quarter_to=needed[-1])
        counted = chronicle.counts_by_region(q.quarter_counts(demo, wide, measure, "region_code"))
        found = chronicle.compare_counts_with_year_ago(counted, base, target, regions)
        pd.testing.assert_frame_equal(found, expected, check_dtype=False)
        top = list(expected["region_code"].head(12))
        if top:
            small_multiples = chronicle.region_small_multiples(rows, distinct, eight, top)
            pd.testing.assert_frame_equal(
                chronicle.small_multiples_from_counts(counted, eight, top),
                small_multiples.astype({"region_code": object}),
                check_dtype=False,
            )


def test_reconciliation_agrees(demo, demo_db, demo_frames):
    with duckdb.connect(str(demo_db), read_only=True) as connection:
        source_facts = data._tidy(connection.execute(data.SOURCE_FACTS_SQL).df())
    items = demo_frames["report_items"]
    reports = q.report_bodies(demo)
    assert len(reports) == len(items[["reporting_body", "quarter"]].drop_duplicates())
    for regions in ((), tuple(items["region_code"].dropna().astype(str).unique()[:1])):
        chosen = items[items["region_code"].isin(regions)] if regions else items
        for body, period in q.report_bodies(demo, regions).itertuples(index=False):
            expected = chronicle.reconcile_report(
                chosen, source_facts, demo_frames["events"], body, period
            )
            found = chronicle.reconcile_report(
                *q.reconciliation_inputs(demo, regions, body, period), body, period
            )
            key = ["status", "event_id", "item_number"]
            pd.testing.assert_frame_equal(
                found.sort_values(key, ignore_index=True),
                expected.sort_values(key, ignore_index=True),
                check_dtype=False,
            )


def test_coverage_agrees(demo, demo_db, demo_frames):
    with duckdb.connect(str(demo_db), read_only=True) as connection:
        source_facts = data._tidy(connection.execute(data.SOURCE_FACTS_SQL).df())
    quarters = filters.available_quarters(demo_frames["events"])
    for first, last in ((quarters[0], quarters[-1]), (quarters[-3], quarters[-1])):
        chosen = quarter_range(first, last)
        expected = chronicle.coverage(
            source_facts.dropna(subset=["region_code"]), demo_frames["regions"], chosen
        )
        found = chronicle.coverage(
            q.source_kinds(demo, first, last), demo_frames["regions"], chosen
        )
        pd.testing.assert_frame_equal(found, expected)


# ---------------------------------------------------------------- the cached wrappers


def test_catalogue_and_wrappers_follow_the_store(small_db, tmp_path, use_db):
    store_file = tmp_path / "atlas.duckdb"
    shutil.copy(small_db, store_file)
    use_db(store_file)
    catalogue = data.load_catalogue()
    assert catalogue.quarters_with_data == ["2023Q1", "2023Q2", "2023Q3", "2023Q4"]
    assert not catalogue.is_stale and not catalogue.is_empty
    assert catalogue.region_names["RU-KHM"]
    view = filters.ViewFilter("2023Q1", "2023Q4")
    assert data.query_headlines(view).set_index("measure").loc["events", "total"] == 6
    assert data.query_demo_in_view(view, catalogue.summary["demo_events"])
    with duckdb.connect(str(store_file)) as connection:  # a load changes the store file
        connection.execute("DELETE FROM events WHERE title = 'Форум «Альфа»'")
    assert data.load_catalogue().summary["events"] == 5
    assert data.query_headlines(view).set_index("measure").loc["events", "total"] == 5


def test_no_store_no_catalogue(use_db, tmp_path):
    use_db(tmp_path / "missing.duckdb")
    assert data.load_catalogue() is None
