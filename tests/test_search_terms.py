"""Search terms (loaders/store/search_terms.py) and the store-side Данные and Сеть queries: terms
are
written with their rows, follow review corrections, are derived for a store built before them; the
store's search finds word forms, word beginnings and region names; keyset pages equal OFFSET pages;
the network built from the store's edges equals the one built from every link."""

from __future__ import annotations

import shutil

import duckdb
import pandas as pd
import pytest

from dashboard.analysis import network
from dashboard.analysis import queries as q
from loaders.model.schema import SEARCH_TERMS, schema_fingerprint
from loaders.store import search_terms as terms
from loaders.store.database import SCHEMA_HASH_KEY, connect
from loaders.store.readers import open_reader


def test_words_are_indexed_by_normal_form_and_spelling():
    assert terms.words("Экологический ФОРУМ «Чистая Обь», Сургут-2024") == [
        "экологический",
        "форум",
        "чистая",
        "обь",
        "сургут",
        "2024",
    ]
    assert set(terms.word_terms("сургуте")) == {"сургуте", "сургут"}
    assert terms.word_terms("в") == ()  # a preposition is neither indexed nor required
    assert "елка" in terms.query_terms(terms.fold("Ёлки"))
    assert terms.query_words("субботник в Сургуте") == ["субботник", "сургуте"]
    assert terms.query_words("на") == ["на"]  # nothing but a function word: still looked for


def _stored_terms(target, entity_id: str) -> set[str]:
    with open_reader(target) as connection:
        found = q.Store(connection).frame(
            "SELECT term FROM search_terms WHERE entity_id = ?", [entity_id]
        )
    return set(found["term"])


def _event_id(target, title: str) -> str:
    with open_reader(target) as connection:
        found = q.Store(connection).frame("SELECT event_id FROM events WHERE title = ?", [title])
    return found["event_id"].iloc[0]


def test_every_fact_row_has_its_terms_on_both_engines(fixture_store):
    with open_reader(fixture_store) as connection:
        store = q.Store(connection)
        for table, entity in terms.ENTITY_OF.items():
            rows = store.frame(f"SELECT count(*) AS n FROM {table}")["n"].iloc[0]
            with_terms = store.frame(
                "SELECT count(DISTINCT entity_id) AS n FROM search_terms WHERE entity = ?",
                [entity],
            )["n"].iloc[0]
            assert with_terms == rows, table


def test_terms_follow_a_review_correction(fixture_db, tmp_path):
    from loaders.review import correct
    from loaders.store.writer import write_session
    from review_fixtures import as_user, writable_store

    path = writable_store(fixture_db, tmp_path, with_news=False)
    with open_reader(path) as connection:
        event_id, title = connection.execute(
            "SELECT event_id, title FROM events WHERE region_code = 'RU-KHM' ORDER BY event_id"
        ).fetchone()
    old_word = terms.words(title)[0]
    assert old_word in _stored_terms(path, event_id)
    with write_session(path) as connection:
        correct(connection, as_user("admin"), event_id, "title", "Субботник на берегу Иртыша")
    stored = _stored_terms(path, event_id)
    assert {"субботник", "берегу", "берег", "иртыша", "иртыш"} <= stored
    assert old_word not in stored or old_word in terms.words("Субботник на берегу Иртыша")
    with duckdb.connect(str(path), read_only=True) as connection:
        found = q.explorer_page(q.Store(connection), q.QueryView(), search="берег Иртыш")
    assert list(found.rows["event_id"]) == [event_id]


def test_a_store_built_before_the_terms_gets_them_when_opened(fixture_db, tmp_path):
    """Only the derived table is new: the store is upgraded in place, not refused as outdated."""
    path = tmp_path / "older.duckdb"
    shutil.copy(fixture_db, path)
    with duckdb.connect(str(path)) as connection:
        expected = connection.execute(
            "SELECT entity, entity_id, term FROM search_terms ORDER BY ALL"
        ).fetchall()
        connection.execute(f"DROP TABLE {SEARCH_TERMS.name}")
        connection.execute(
            "UPDATE store_meta SET value = ? WHERE key = ?",
            [schema_fingerprint(without=(SEARCH_TERMS.name,)), SCHEMA_HASH_KEY],
        )
    connection = connect(path)
    try:
        derived = connection.execute(
            "SELECT entity, entity_id, term FROM search_terms ORDER BY ALL"
        ).fetchall()
        stamp = connection.execute(
            "SELECT value FROM store_meta WHERE key = ?", [SCHEMA_HASH_KEY]
        ).fetchone()[0]
    finally:
        connection.close()
    assert expected and derived == expected
    assert stamp == schema_fingerprint()


def test_loading_the_same_files_again_writes_no_terms_twice(fixture_db, tmp_path):
    from conftest import write_fixture_tables
    from loaders.pipeline.load_tables import load_tables

    path = tmp_path / "again.duckdb"
    shutil.copy(fixture_db, path)
    with duckdb.connect(str(path), read_only=True) as connection:
        before = connection.execute("SELECT count(*) FROM search_terms").fetchone()[0]
    summary = load_tables(write_fixture_tables(tmp_path / "tables"), path)
    assert not summary.failed
    with duckdb.connect(str(path), read_only=True) as connection:
        assert connection.execute("SELECT count(*) FROM search_terms").fetchone()[0] == before


def test_terms_computed_by_the_workers_are_those_of_the_rows_kept(tmp_path):
    """Workers send each file's terms with its rows; when a row merges into one already known, its
    terms must not be written: what ingest stores equals the terms derived from the stored rows."""
    from loaders.paths import ROOT
    from loaders.pipeline.ingest import ingest_documents

    first, second = [
        path.read_text(encoding="utf-8")
        for path in sorted((ROOT / "data" / "demo" / "documents").glob("event_news_*.txt"))[:2]
    ]
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "1.txt").write_text(first, encoding="utf-8")
    # the first text again, then another: some of its rows merge into known ones, some are new
    (folder / "2.txt").write_text(f"{first}\n\n{second}", encoding="utf-8")
    path = tmp_path / "merged.duckdb"
    summary = ingest_documents([folder], path, workers=2)
    assert len(summary.stored) == 2 and not summary.failed
    connection = connect(path)
    try:
        stored = connection.execute("SELECT * FROM search_terms ORDER BY ALL").fetchall()
        merged = connection.execute(
            "SELECT count(*) FROM sources WHERE merge_reason IS NOT NULL"
        ).fetchone()[0]
        connection.execute("BEGIN")
        terms.rebuild_search_terms(connection)
        derived = connection.execute("SELECT * FROM search_terms ORDER BY ALL").fetchall()
        connection.execute("ROLLBACK")
    finally:
        connection.close()
    assert merged > 0  # the copies did merge, so rows were dropped after the workers sent terms
    assert stored and stored == derived


# ---------------------------------------------------------------- the search, on the demo store


@pytest.fixture(scope="module")
def demo_store(tmp_path_factory):
    from loaders.build.demo import build_demo_database

    path = tmp_path_factory.mktemp("search_demo") / "demo.duckdb"
    build_demo_database(path)
    return path


@pytest.fixture()
def demo(demo_store):
    with duckdb.connect(str(demo_store), read_only=True) as connection:
        yield q.Store(connection)


def _titles(store: q.Store, text: str, table: str = "events") -> list[str]:
    page = q.explorer_page(store, q.QueryView(), table, search=text, page_size=10_000)
    return page.rows


def test_word_forms_beginnings_and_region_names(demo):
    every = q.explorer_page(demo, q.QueryView(), page_size=10_000).rows
    singular = _titles(demo, "субботник")
    assert len(singular) and set(_titles(demo, "субботники")["event_id"]) == set(
        singular["event_id"]
    )
    folded = every["title"].str.lower().str.replace("ё", "е")
    assert set(_titles(demo, "эколог")["event_id"]) >= set(
        every.loc[folded.str.contains(r"\bэколог", regex=True), "event_id"]
    )
    khm = set(every.loc[every["region_code"] == "RU-KHM", "event_id"])
    for alias in ("ХМАО", "Югра", "югры"):
        assert set(_titles(demo, alias)["event_id"]) >= khm, alias
    # every word must be found: a second word narrows
    both = set(_titles(demo, "субботник Югры")["event_id"])
    assert both and both <= set(singular["event_id"])
    assert both <= khm | set(singular.loc[singular["title"].str.contains("Югр"), "event_id"])
    for nothing in ("%", "—", "' OR 1=1 --"):
        assert q.explorer_page(demo, q.QueryView(), search=nothing).total == 0, nothing


@pytest.mark.parametrize(
    "table,sort_by,descending",
    [
        ("events", "title", False),
        ("events", "title", True),
        ("events", "participants_count", False),  # with empty values (NULLS LAST)
        ("events", "settlement_name", True),
        ("agreements", "date", False),
        ("practice_links", "practice", True),
    ],
)
def test_keyset_pages_equal_offset_pages(demo, table, sort_by, descending):
    size = 7
    first = q.explorer_page(demo, q.QueryView(), table, "", sort_by, descending, 0, size)
    previous = first
    id_column = first.rows.columns[0]
    for page in range(1, min(first.pages, 6)):
        last = previous.rows.iloc[-1]
        keyset = q.explorer_page(
            demo,
            q.QueryView(),
            table,
            "",
            sort_by,
            descending,
            page,
            size,
            (last[sort_by], last[id_column]),
        )
        offset = q.explorer_page(demo, q.QueryView(), table, "", sort_by, descending, page, size)
        assert list(keyset.rows[id_column]) == list(offset.rows[id_column]), page
        assert keyset.total == offset.total == first.total
        previous = keyset


def test_export_is_the_selection_in_order_with_sources(demo):
    view = q.QueryView()
    export = q.explorer_export(demo, view, "events", "акция", "date_start", True, limit=25)
    page = q.explorer_page(demo, view, "events", "акция", "date_start", True, 0, 25)
    assert list(export["event_id"]) == list(page.rows["event_id"])
    assert list(export["document_id"]) == list(page.rows["document_id"])
    everything = q.explorer_export(demo, view, "events", "акция", limit=10_000)
    assert len(everything) == page.total


def test_rows_in_selection_follow_the_search(demo):
    found = q.explorer_page(demo, q.QueryView(), search="субботник", page_size=10_000).rows
    others = q.explorer_page(demo, q.QueryView(), sort_by="title", page_size=5).rows
    ids = tuple(found["event_id"].head(3)) + tuple(others["event_id"])
    inside = q.rows_in_selection(demo, q.QueryView(), "events", "субботник", ids)
    assert inside == set(ids) & set(found["event_id"])


# ---------------------------------------------------------------- the network from the store


@pytest.fixture(scope="module")
def demo_links(demo_store):
    from dashboard import data

    with duckdb.connect(str(demo_store), read_only=True) as connection:
        return {
            "practice": data._tidy(connection.execute(data.PRACTICE_LINKS_SQL).df()),
            "joint": data._tidy(connection.execute(data.JOINT_EVENT_LINKS_SQL).df()),
        }


@pytest.mark.parametrize("with_joint_events", [False, True])
def test_network_metrics_from_the_store_edges_equal_those_from_every_link(
    demo, demo_links, with_joint_events
):
    links = demo_links["practice"]
    if with_joint_events:
        links = pd.concat([links, demo_links["joint"]], ignore_index=True)
    expected = network.region_metrics(network.build_graph(links))
    edges = q.network_edges(demo, q.QueryView(), with_joint_events)
    got = network.region_metrics(network.graph_from_edges(edges))
    pd.testing.assert_frame_equal(got, expected, check_dtype=False)


def test_practice_spread_from_the_store_equals_the_pandas_one(demo, demo_links):
    links = demo_links["practice"]
    named = links[links["evidence_type"].astype("string") != "joint_event"]
    expected = network.practice_spread(named)
    got = network.spread_from_adoptions(q.practice_adoptions(demo, q.QueryView()))
    assert len(expected) > 3
    pd.testing.assert_frame_equal(
        got.drop(columns="first"), expected.drop(columns="first"), check_dtype=False
    )
    assert list(pd.to_datetime(got["first"])) == list(pd.to_datetime(expected["first"]))


def test_region_links_are_the_neighbours_of_a_region(demo, demo_links):
    links = pd.concat([demo_links["practice"], demo_links["joint"]], ignore_index=True)
    region = links["to_region"].astype("string").value_counts().index[0]
    teachers, learners = network.neighbours(links, region)
    got = q.region_links(demo, q.QueryView(), region, with_joint_events=True)
    assert set(got["link_id"]) == set(teachers["link_id"]) | set(learners["link_id"])
    joint = set(demo_links["joint"]["link_id"])
    assert all(
        (entity == "joint_event_link") == (link in joint)
        for link, entity in zip(got["link_id"], got["entity"])
    )
    quarters = q.network_quarters(demo, q.QueryView(), with_joint_events=True)
    assert quarters == sorted(links["quarter"].astype("string").dropna().unique())


def test_common_words_as_subqueries_find_what_id_lists_find(demo, monkeypatch):
    """A word in more than ID_LIST_LIMIT rows is looked up by a subquery instead of a list of ids:
    both must find the same rows (with region words, several words, nothing found)."""
    searches = ("субботник", "субботники Югры", "акции Тюменской", "ХМАО", "экологической акции")
    as_lists = {text: q.explorer_page(demo, q.QueryView(), search=text).total for text in searches}
    monkeypatch.setattr(q, "ID_LIST_LIMIT", 0)
    for text in searches:
        page = q.explorer_page(demo, q.QueryView(), search=text)
        assert page.total == as_lists[text], text
    assert any(as_lists.values())


def test_explore_page_walks_the_pages_of_a_sorted_selection(demo_store, use_db):
    """Данные: 100 rows a page; pages 2 and 3 (keyset from the page before) and a jump back to 1
    show the rows the store lists at those offsets; the search narrows the count."""
    from pathlib import Path

    from streamlit.testing.v1 import AppTest

    use_db(demo_store)
    app = Path(__file__).resolve().parents[1] / "dashboard" / "app.py"
    at = AppTest.from_file(str(app), default_timeout=120)
    at.run()
    at.switch_page("app_pages/explore.py").run()
    assert not at.exception, [e.value for e in at.exception]
    at.radio(key="explore_sort_events").set_value("title").run()
    with duckdb.connect(str(demo_store), read_only=True) as connection:
        store = q.Store(connection)
        expected = {
            page: q.explorer_page(store, q.QueryView(), sort_by="title", page=page, page_size=100)
            for page in range(3)
        }
    total = expected[0].total
    assert at.metric[0].value == str(total) and total > 200
    for page in (2, 3, 1):
        at.number_input(key="explore_page").set_value(page).run()
        assert not at.exception, [e.value for e in at.exception]
        shown = at.dataframe[0].value
        assert list(shown.iloc[:, 0]) == list(expected[page - 1].rows["event_id"]), page
    at.text_input(key="explore_search").set_value("субботники").run()
    assert 0 < int(at.metric[0].value) < total
