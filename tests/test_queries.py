"""The query layer: each query on a hand-countable store built with the real loaders, and on the
demo
store against the pandas aggregations the pages use today (they must agree)."""

from __future__ import annotations

import shutil

import duckdb
import pandas as pd
import pytest

from dashboard import data, filters
from dashboard.analysis import aggregations, chronicle
from dashboard.analysis import queries as q
from loaders.build.demo import build_demo_database
from loaders.geo.regions import read_regions
from loaders.pipeline.load_tables import load_tables

# Six events in 2023, three regions. «Квест «Тропа»» comes from a file we mark as demo data.
EVENTS_CSV = """Дата,Мероприятие,Тип,Тематика,Город,Регион
10.01.2023,Форум «Альфа»,форум,экология,Сургут,Югра
15.02.2023,Акция «Берег»,акция,экология,Сургут,Югра
20.05.2023,Круглый стол «Двор»,круглый стол,ТОС,Тюмень,Тюменская область
03.08.2023,Акция «Ёлка»,акция,добровольчество,Кемерово,Кузбасс
11.11.2023,Форум «Бета»,форум,экология,Тюмень,Тюменская область
"""
DEMO_EVENTS_CSV = """Дата,Мероприятие,Тип,Тематика,Город,Регион
01.12.2023,Квест «Тропа»,квест,экология,Сургут,Югра
"""
AGREEMENTS_CSV = """Дата,Число сторон,Стороны,Город,Регион,Предмет
14.07.2023,3,Фонд А; Центр Б; Администрация В,Югорск,Югра,экопросвещение
01.11.2023,2,Совет А; Совет Б,Кемерово,Кузбасс,обмен опытом
"""
LINKS_JSON = """[
  {"from_region": "Югра", "to_region": "Тюменская область", "practice": "волонтёрские центры", \
"date": "2023-05-01", "evidence": "adoption_statement"},
  {"from_region": "Югра", "to_region": "Тюменская область", "practice": "школа активиста", \
"date": "2023-10-20", "evidence": "internship"},
  {"from_region": "Тюменская область", "to_region": "Кузбасс", "practice": "КРТ", "date": \
"2024-01-15", "evidence": "joint_event"}
]
"""
YEAR_2023 = q.QueryView("2023Q1", "2023Q4")


@pytest.fixture(scope="module")
def small_db(tmp_path_factory):
    folder = tmp_path_factory.mktemp("queries")
    files = {
        "events.csv": EVENTS_CSV,
        "events_demo.csv": DEMO_EVENTS_CSV,
        "agreements.csv": AGREEMENTS_CSV,
        "links.json": LINKS_JSON,
    }
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    db = folder / "small.duckdb"
    summary = load_tables([folder / name for name in files], db)
    assert not summary.failed, summary.failed
    with duckdb.connect(str(db)) as connection:
        connection.execute(
            "UPDATE documents SET is_demo = true WHERE file_name = 'events_demo.csv'"
        )
    return db


@pytest.fixture(scope="module", params=["duckdb", "postgres"])
def small_target(request, small_db, tmp_path_factory):
    """small_db's rows on each engine: the queries are common SQL and must answer alike."""
    if request.param == "duckdb":
        return small_db
    from loaders.store.transfer import migrate_store

    url = request.getfixturevalue("pg_cluster").new_database()
    migrate_store(small_db, url)
    return url


@pytest.fixture()
def small(small_target):
    from loaders.store.readers import open_reader

    with open_reader(small_target) as connection:
        dialect = "duckdb" if isinstance(connection, duckdb.DuckDBPyConnection) else "postgresql"
        yield q.Store(connection, dialect=dialect)


def _values(table: pd.DataFrame) -> dict[tuple[str, str], int]:
    return {(row.quarter, row.group): row.value for row in table.itertuples() if row.value}


def test_quarter_span_runs_from_first_to_last_event(small):
    assert q.quarter_span(small) == ["2023Q1", "2023Q2", "2023Q3", "2023Q4"]
    assert q.quarter_span(small, q.QueryView(regions=("RU-KEM",))) == ["2023Q3"]
    assert q.quarter_span(small, q.QueryView(regions=("RU-MOW",))) == []
    # with a gap: Кузбасс only in Q3 and Тюмень in Q2 and Q4
    tyumen_and_kuzbass = q.QueryView(regions=("RU-TYU", "RU-KEM"))
    assert q.quarter_span(small, tyumen_and_kuzbass) == ["2023Q2", "2023Q3", "2023Q4"]
    forums = q.QueryView(event_types=("forum",))
    assert q.quarters_with_events(small, forums) == ["2023Q1", "2023Q4"]
    assert q.quarter_span(small, forums) == ["2023Q1", "2023Q2", "2023Q3", "2023Q4"]


def test_events_per_quarter_and_type(small):
    table = q.quarter_counts(small, YEAR_2023, "events", "event_type")
    assert _values(table) == {
        ("2023Q1", "action"): 1,
        ("2023Q1", "forum"): 1,
        ("2023Q2", "round_table"): 1,
        ("2023Q3", "action"): 1,
        ("2023Q4", "forum"): 1,
        ("2023Q4", "quest"): 1,
    }
    # every quarter × group present, zeros included
    assert len(table) == 4 * 4
    assert table["quarter_label"].iloc[0] == "I кв. 2023"


def test_demo_rows_can_be_left_out(small):
    with_demo = q.quarter_counts(small, YEAR_2023, "events")
    without = q.quarter_counts(small, q.QueryView("2023Q1", "2023Q4", include_demo=False), "events")
    assert list(with_demo["value"]) == [2, 1, 1, 2]
    assert list(without["value"]) == [2, 1, 1, 1]
    from_sidebar = q.QueryView.from_filter(filters.ViewFilter("2023Q1", "2023Q4", hide_demo=True))
    assert list(q.quarter_counts(small, from_sidebar, "events")["value"]) == [2, 1, 1, 1]


def test_distinct_settlements_agreements_and_links_per_quarter(small):
    settlements = q.quarter_counts(small, YEAR_2023, "settlements")
    assert list(settlements["value"]) == [1, 1, 1, 2]
    agreements = q.quarter_counts(small, YEAR_2023, "agreements", "event_type")
    assert set(agreements["group"]) == {"—"}  # agreements have no event type
    assert list(agreements["value"]) == [0, 0, 1, 1]
    links = q.quarter_counts(small, YEAR_2023, "practice_links", "region_code")
    assert _values(links) == {("2023Q2", "RU-TYU"): 1, ("2023Q4", "RU-TYU"): 1}


def test_filters_by_region_type_and_topic(small):
    view = q.QueryView("2023Q1", "2023Q4", regions=("RU-KHM", "RU-TYU"), event_types=("forum",))
    assert list(q.quarter_counts(small, view)["value"]) == [1, 0, 0, 1]
    view = q.QueryView("2023Q1", "2023Q4", topics=("civic",))
    assert list(q.quarter_counts(small, view)["value"]) == [0, 1, 0, 0]


def test_region_measures_for_the_choropleth(small):
    table = q.region_measures(small, YEAR_2023).set_index("region_code")
    population = {region.code: region.population for region in read_regions()}
    assert len(table) == len(population)
    assert table.loc["RU-KHM", ["events", "agreements"]].tolist() == [3, 1]
    assert table.loc["RU-TYU", ["events", "agreements"]].tolist() == [2, 0]
    assert table.loc["RU-KEM", ["events", "agreements"]].tolist() == [1, 1]
    assert table.loc["RU-MOW", ["events", "agreements"]].tolist() == [0, 0]
    assert table.loc["RU-KHM", "events_per_100k"] == round(3 / population["RU-KHM"] * 100_000, 2)


def test_settlement_markers_and_popup_events(small):
    markers = q.settlement_markers(small, YEAR_2023)
    assert list(zip(markers["place"], markers["events"], markers["dominant_type"])) == [
        ("Сургут", 3, "action"),  # action, forum, quest: a tie goes to the first alphabetically
        ("Тюмень", 2, "forum"),
        ("Кемерово", 1, "action"),
    ]
    surgut = markers.iloc[0]
    newest = q.place_events(small, YEAR_2023, "Сургут", surgut["lat"], surgut["lon"], limit=2)
    assert list(newest["title"]) == ["Квест «Тропа»", "Акция «Берег»"]
    assert newest["document_id"].notna().all()
    assert newest["document_id"].iloc[0] != newest["document_id"].iloc[1]  # demo file vs events.csv


def test_network_edges_for_a_period_and_a_region(small):
    edges = q.network_edges(small, YEAR_2023)
    assert len(edges) == 1
    edge = edges.iloc[0]
    assert (edge["from_region"], edge["to_region"], edge["weight"]) == ("RU-KHM", "RU-TYU", 2)
    assert edge["practices"] == "волонтёрские центры; школа активиста"
    assert edge["evidence"] == ", ".join(
        sorted(aggregations.EVIDENCE_LABELS[k] for k in ("adoption_statement", "internship"))
    )
    everything = q.network_edges(small, q.QueryView())
    assert list(everything["weight"]) == [2, 1]
    kemerovo = q.network_edges(small, q.QueryView(regions=("RU-KEM",)))
    assert list(zip(kemerovo["from_region"], kemerovo["to_region"])) == [("RU-TYU", "RU-KEM")]


def test_explorer_pages_sorts_and_counts(small):
    page = q.explorer_page(small, YEAR_2023, sort_by="title", descending=True, page=1, page_size=2)
    assert page.total == 6 and page.pages == 3
    assert list(page.rows["title"]) == ["Круглый стол «Двор»", "Квест «Тропа»"]
    assert page.rows["document_id"].str.startswith("doc_").all()
    last = q.explorer_page(small, YEAR_2023, sort_by="title", descending=True, page=2, page_size=2)
    assert list(last.rows["title"]) == ["Акция «Берег»", "Акция «Ёлка»"]


def test_explorer_search_ignores_case_and_yo(small):
    for text in ("ёлка", "ЕЛКА", " елк "):
        page = q.explorer_page(small, YEAR_2023, search=text)
        assert list(page.rows["title"]) == ["Акция «Ёлка»"], text
    assert q.explorer_page(small, YEAR_2023, search="тюмень").total == 2  # settlement name
    # Wildcards and quotes are text, not SQL.
    for text in ("%", "_", "' OR 1=1 --", ".", "(", "[", "\\"):
        assert q.explorer_page(small, YEAR_2023, search=text).total == 0, text


def test_explorer_other_tables(small):
    agreements = q.explorer_page(small, YEAR_2023, "agreements", search="совет б")
    assert agreements.total == 1 and agreements.rows["region_code"].iloc[0] == "RU-KEM"
    links = q.explorer_page(small, q.QueryView(), "practice_links", sort_by="date_start")
    assert list(links.rows["practice"]) == ["волонтёрские центры", "школа активиста", "КРТ"]
    assert q.explorer_page(small, q.QueryView(), "report_items").total == 0


def test_bad_arguments_name_what_is_wrong(small):
    with pytest.raises(ValueError, match="split"):
        q.quarter_counts(small, YEAR_2023, "events", "title")
    with pytest.raises(ValueError, match="measure"):
        q.quarter_counts(small, YEAR_2023, "people")
    with pytest.raises(ValueError, match="sort by 'full_text'"):
        q.explorer_page(small, YEAR_2023, sort_by="full_text")
    with pytest.raises(ValueError, match="table 'documents'"):
        q.explorer_page(small, YEAR_2023, "documents")


def test_rejected_rows_are_left_out_by_status(small_db, tmp_path):
    copy = tmp_path / "reviewed.duckdb"
    shutil.copy(small_db, copy)
    with duckdb.connect(str(copy)) as connection:
        for table in ("events", "agreements", "practice_links"):
            connection.execute(f"UPDATE {table} SET status = 'confirmed'")
        connection.execute("UPDATE events SET status = 'rejected' WHERE title = 'Форум «Альфа»'")
        connection.execute("UPDATE events SET status = 'proposed' WHERE title = 'Форум «Бета»'")
        connection.execute("UPDATE practice_links SET status = 'rejected' WHERE practice = 'КРТ'")
    with duckdb.connect(str(copy), read_only=True) as connection:
        store = q.Store(connection)
        assert list(q.quarter_counts(store, YEAR_2023)["value"]) == [1, 1, 1, 2]
        rejected = q.QueryView("2023Q1", "2023Q4", statuses=("rejected",))
        assert list(q.quarter_counts(store, rejected)["value"]) == [1, 0, 0, 0]
        proposed = q.QueryView("2023Q1", "2023Q4", statuses=("proposed",))
        assert q.explorer_page(store, proposed).rows["title"].tolist() == ["Форум «Бета»"]
        assert list(q.network_edges(store, q.QueryView())["weight"]) == [2]


# ---------------------------------------------------------------- the demo store: SQL = pandas


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory):
    path = tmp_path_factory.mktemp("demo_queries") / "demo.duckdb"
    build_demo_database(path)
    return path


@pytest.fixture(scope="module")
def demo_frames(demo_db):
    """The tables as the pages load them today (data.py's SQL and tidying)."""
    with duckdb.connect(str(demo_db), read_only=True) as connection:

        def read(sql):
            return data._tidy(connection.execute(sql).df())

        return {
            "events": read(data.EVENTS_SQL),
            "agreements": read(data.AGREEMENTS_SQL),
            "links": read(data.PRACTICE_LINKS_SQL),
            "report_items": read(data.REPORT_ITEMS_SQL),
            "regions": read(data.REGIONS_SQL),
            "joint_links": read(data.JOINT_EVENT_LINKS_SQL),
        }


@pytest.fixture()
def demo(demo_db):
    with duckdb.connect(str(demo_db), read_only=True) as connection:
        yield q.Store(connection)


def _demo_views(events: pd.DataFrame) -> list[filters.ViewFilter]:
    quarters = filters.available_quarters(events)
    busiest = list(events["region_code"].astype("string").value_counts().index[:3])
    return [
        filters.ViewFilter(quarters[0], quarters[-1]),
        filters.ViewFilter(quarters[2], quarters[-3]),
        filters.ViewFilter(quarters[0], quarters[-1], regions=tuple(busiest)),
        filters.ViewFilter(
            quarters[1], quarters[-1], event_types=("forum", "action"), topics=("ecology",)
        ),
        filters.ViewFilter(quarters[0], quarters[-1], hide_demo=True),
    ]


def test_demo_store_has_what_the_comparison_needs(demo_frames):
    events = demo_frames["events"]
    assert len(events) >= 200 and events["region_code"].nunique() >= 12
    assert len(demo_frames["links"]) >= 30 and len(demo_frames["agreements"]) >= 15


@pytest.mark.parametrize("measure", list(chronicle.MEASURES))
@pytest.mark.parametrize("split", [None, "event_type", "topic", "region_code"])
def test_quarter_counts_agree_with_the_chronicle(demo, demo_frames, measure, split):
    for view in _demo_views(demo_frames["events"]):
        rows, distinct = chronicle.measure_rows(
            measure,
            filters.apply_to_events(demo_frames["events"], view),
            filters.apply_to_agreements(demo_frames["agreements"], view),
            filters.apply_to_links(demo_frames["links"], view),
        )
        expected = chronicle.per_quarter(rows, view.quarters(), split, distinct)
        got = q.quarter_counts(demo, q.QueryView.from_filter(view), measure, split)
        assert expected["value"].sum() > 0 or view.event_types or view.hide_demo, (measure, view)
        pd.testing.assert_frame_equal(
            got.reset_index(drop=True),
            expected.astype({"group": "object", "value": "int64"}).reset_index(drop=True),
            check_dtype=False,
        )


def test_quarter_span_agrees_with_the_sidebar(demo, demo_frames):
    assert q.quarter_span(demo) == filters.available_quarters(demo_frames["events"])


def test_region_measures_agree(demo, demo_frames):
    for view in _demo_views(demo_frames["events"]):
        expected = aggregations.region_measures(
            filters.apply_to_events(demo_frames["events"], view),
            filters.apply_to_agreements(demo_frames["agreements"], view),
            demo_frames["regions"],
        )
        got = q.region_measures(demo, q.QueryView.from_filter(view))
        columns = ["region_code", "events", "agreements", "events_per_100k"]
        pd.testing.assert_frame_equal(
            got[columns].sort_values("region_code", ignore_index=True),
            expected[columns]
            .astype({"region_code": "object"})
            .sort_values("region_code", ignore_index=True),
            check_dtype=False,
        )


def test_settlement_markers_agree(demo, demo_frames):
    for view in _demo_views(demo_frames["events"]):
        events = filters.apply_to_events(demo_frames["events"], view)
        expected = aggregations.settlement_activity(events)
        got = q.settlement_markers(demo, q.QueryView.from_filter(view))
        columns = ["place", "lat", "lon", "events", "dominant_type"]
        keys = ["place", "lat", "lon"]
        pd.testing.assert_frame_equal(
            got[columns].sort_values(keys, ignore_index=True),
            expected[columns]
            .astype({"place": "object", "dominant_type": "object"})
            .sort_values(keys, ignore_index=True),
            check_dtype=False,
        )
        if got.empty:  # the view without demo rows, on a store of demo data
            continue
        busiest = got.iloc[0]
        at_place = events[
            (events["lat"] == busiest["lat"]) & (events["lon"] == busiest["lon"])
        ].sort_values(["date_start", "event_id"], ascending=[False, True])
        popup = q.place_events(
            demo, q.QueryView.from_filter(view), busiest["place"], busiest["lat"], busiest["lon"]
        )
        assert list(popup["event_id"]) == list(at_place["event_id"].head(15))
        assert list(popup["document_id"]) == list(at_place["document_id"].head(15))


@pytest.mark.parametrize("with_joint_events", [False, True])
def test_network_edges_agree(demo, demo_frames, with_joint_events):
    assert len(demo_frames["joint_links"]) > 0
    for view in _demo_views(demo_frames["events"]):
        links = filters.apply_to_links(demo_frames["links"], view)
        if with_joint_events:  # as the Сеть page combines them
            joint = filters.apply_to_links(demo_frames["joint_links"], view)
            links = pd.concat([links, joint], ignore_index=True)
        expected = aggregations.practice_edges(links)
        got = q.network_edges(demo, q.QueryView.from_filter(view), with_joint_events)
        columns = ["from_region", "to_region", "weight", "evidence", "practices"]
        pd.testing.assert_frame_equal(
            got[columns].reset_index(drop=True),
            expected[columns].reset_index(drop=True),
            check_dtype=False,
        )


SEARCH_COLUMNS = {  # what the Данные page searched in pandas (dashboard/analysis/search.py)
    "events": ["title", "settlement_name", "organizers", "participant_cities", "region_name"],
    "agreements": ["parties", "settlement_name", "subject", "region_name"],
    "report_items": ["reporting_body", "title", "goal", "region_name"],
    "practice_links": ["practice", "from_name", "to_name"],
}


def _pandas_search(frame: pd.DataFrame, text: str, table: str) -> pd.DataFrame:
    """Reference for the store's search: the page's pandas search (every word in any form, region
    names and aliases) over the frames the page loaded, region names added as the page did."""
    from dashboard.analysis.search import search_rows

    names = {r.code: r.name_short for r in read_regions()}
    named = frame.assign(
        **{
            name: frame[code].astype("string").map(names)
            for code, name in (
                ("region_code", "region_name"),
                ("from_region", "from_name"),
                ("to_region", "to_name"),
            )
            if code in frame
        }
    )
    regions = ("region_code", "from_region", "to_region")
    return search_rows(named, text, SEARCH_COLUMNS[table], regions)


# Whole words in another form, prefixes, ё, region names and aliases. (Not a piece from the middle
# of a word: the pandas search found «рум» in «форум», the store's terms do not.)
SEARCHES = [
    "",
    "акции",
    "Субботник",
    "субботники",
    "ёлк",
    "Сургуте",
    "волонтёров",
    "экологический форум",
    "Кузбасс",
    "ХМАО",
    "Югры",
    "Тюменской области",
]


@pytest.mark.parametrize("text", SEARCHES)
def test_explorer_agrees_with_the_pandas_search(demo, demo_frames, text):
    view = _demo_views(demo_frames["events"])[0]
    found = _pandas_search(filters.apply_to_events(demo_frames["events"], view), text, "events")
    expected = found.sort_values(["date_start", "event_id"], ascending=[False, True])
    page = q.explorer_page(
        demo,
        q.QueryView.from_filter(view),
        search=text,
        sort_by="date_start",
        descending=True,
        page_size=20,
    )
    assert page.total == len(found)
    assert list(page.rows["event_id"]) == list(expected["event_id"].head(20))
    assert list(page.rows["document_id"]) == list(expected["document_id"].head(20))


@pytest.mark.parametrize(
    "table,frame",
    [
        ("agreements", "agreements"),
        ("report_items", "report_items"),
        ("practice_links", "links"),
    ],
)
def test_explorer_other_tables_agree(demo, demo_frames, table, frame):
    view = _demo_views(demo_frames["events"])[1]
    apply = {
        "agreements": filters.apply_to_agreements,
        "report_items": filters.apply_to_report_items,
        "practice_links": filters.apply_to_links,
    }[table]
    for text in ("", "совет", "советы", "опыт", "волонтёрской", "ХМАО", "Тюменской"):
        found = _pandas_search(apply(demo_frames[frame], view), text, table)
        page = q.explorer_page(demo, q.QueryView.from_filter(view), table, search=text)
        assert page.total == len(found), (table, text)


# ---------------------------------------------------------------- cached wrappers in
# dashboard/data.py


def test_cached_wrappers_answer_for_the_configured_store_and_refresh_after_a_write(
    small_db, tmp_path, use_db
):
    store_file = tmp_path / "atlas.duckdb"
    shutil.copy(small_db, store_file)
    use_db(store_file)
    view = filters.ViewFilter("2023Q1", "2023Q4")
    assert data.query_quarter_span(view) == ["2023Q1", "2023Q2", "2023Q3", "2023Q4"]
    assert list(data.query_quarter_counts(view)["value"]) == [2, 1, 1, 2]
    assert data.query_region_measures(view).set_index("region_code").loc["RU-KHM", "events"] == 3
    markers = data.query_settlement_markers(view)
    first = markers.iloc[0]
    popup = data.query_place_events(view, first["place"], first["lat"], first["lon"], limit=1)
    assert list(popup["title"]) == ["Квест «Тропа»"]
    assert list(data.query_network_edges(view)["weight"]) == [2]
    assert data.query_explorer_page(view, search="ёлка").total == 1

    with duckdb.connect(str(store_file)) as connection:  # a load changes the store file
        connection.execute("DELETE FROM events WHERE title = 'Форум «Альфа»'")
    assert list(data.query_quarter_counts(view)["value"]) == [1, 1, 1, 2]
    assert data.query_explorer_page(view).total == 5


def test_cached_wrappers_without_a_store(use_db, tmp_path):
    use_db(tmp_path / "missing.duckdb")
    view = filters.ViewFilter()
    assert data.query_quarter_span(view) == []
    assert data.query_quarter_counts(view).empty
    assert data.query_region_measures(view) is None
    assert data.query_explorer_page(view) is None
