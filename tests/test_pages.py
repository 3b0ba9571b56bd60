"""AppTest of every page on the fixture store (7 events: 2 in 2023Q2, 1 in 2023Q3, 4 in 2023Q4)."""

import csv
import html
import json

import pytest
from app_runner import APP, open_app
from streamlit.testing.v1 import AppTest

from loaders.model.vocabulary import EVIDENCE_LABELS
from loaders.paths import REGIONS_CSV


@pytest.fixture()
def app(fixture_store, use_db):
    use_db(fixture_store)  # every page test runs on DuckDB and on PostgreSQL

    return open_app


def metrics(at: AppTest) -> dict[str, str]:
    return {metric.label: metric.value for metric in at.metric}


def test_overview_headline_figures_and_quarter_change(app):
    at = app()
    figures = metrics(at)
    assert (
        figures["События"] == "7"
        and figures["Соглашения"] == "2"
        and figures["Связи практик"] == "3"
    )
    assert figures["Регионы"] == "3" and figures["Населённые пункты"] == "4"
    deltas = {metric.label: metric.proto.delta for metric in at.metric}
    assert deltas["События"] == "+3 за квартал"  # 4 in 2023Q4 against 1 in 2023Q3
    assert deltas["Связи практик"] == "+2 за квартал"


def test_url_filters_reopen_the_same_view(app):
    at = app(region="RU-TYU")
    assert metrics(at)["События"] == "2"
    assert at.sidebar.multiselect[0].value == ["RU-TYU"]
    narrowed = app(**{"from": "2023Q4", "to": "2023Q4"})
    assert metrics(narrowed)["События"] == "4"


def test_changing_a_filter_changes_figures_and_url(app):
    at = app()
    at.sidebar.multiselect[1].set_value(["forum"]).run()  # event types
    assert metrics(at)["События"] == "2"
    assert at.query_params["type"] in ("forum", ["forum"])


def test_map_page_counts_places(app):
    at = app("app_pages/map_view.py")
    figures = metrics(at)
    assert figures["Событий"] == "7" and figures["Без координат"] == "0"
    assert (
        figures["Населённых пунктов на карте"] == "5"
    )  # 4 settlements + the region-only council meeting
    regions = at.dataframe[0].value.set_index("Код")
    assert regions.loc["RU-KHM", "События"] == 3 and regions.loc["RU-KEM", "События"] == 2
    assert regions.loc["RU-KEM", "Соглашения"] == 1 and regions.loc["RU-MOW", "События"] == 0
    population = {
        row["iso_code"]: int(row["population"])
        for row in csv.DictReader(open(REGIONS_CSV, encoding="utf-8"))
    }
    assert regions.loc["RU-TYU", "На 100 000 жителей"] == pytest.approx(
        2 / population["RU-TYU"] * 100_000, abs=0.01
    )
    table = at.dataframe[1].value
    assert table.iloc[0]["Населённый пункт"] == "Сургут" and table.iloc[0]["Событий"] == 2


def test_a_region_chosen_on_the_map_filters_every_page(app, fixture_db):
    at = app("app_pages/map_view.py")
    at.session_state["_pending_regions"] = ["RU-TYU"]  # what a click on the Tyumen polygon requests
    at.run()
    assert metrics(at)["Событий"] == "2"
    at.switch_page("app_pages/overview.py").run()
    assert metrics(at)["События"] == "2"


def test_timeline_page_draws_quarters_and_compares(app):
    at = app("app_pages/timeline.py")
    assert quarter_totals(at) == {"II кв. 2023": 2, "III кв. 2023": 1, "IV кв. 2023": 4}
    comparison = at.dataframe[0].value.set_index("Код")  # default: IV кв. 2023 against III кв. 2023
    assert (
        comparison.loc["RU-KHM", "III кв. 2023"] == 1
        and comparison.loc["RU-KHM", "IV кв. 2023"] == 1
    )
    assert (
        comparison.loc["RU-KEM", "IV кв. 2023"] == 2
        and comparison.loc["RU-KEM", "Оценка"] == "мало данных"
    )
    at.radio[0].set_value("region_code").run()
    traces = json.loads(at.get("plotly_chart")[0].proto.spec)["data"]
    assert {trace["name"] for trace in traces} == {
        "Ханты-Мансийский АО",
        "Тюменская область",
        "Кемеровская область",
    }
    assert quarter_totals(at) == {"II кв. 2023": 2, "III кв. 2023": 1, "IV кв. 2023": 4}


def test_url_reopens_the_same_comparison(app):
    at = app("app_pages/timeline.py")
    at.selectbox[1].set_value("2023Q2").run()  # the target quarter
    at.selectbox[2].set_value("2023Q3").run()
    params = {key: at.query_params[key] for key in ("target", "base")}
    reopened = app("app_pages/timeline.py", **params)
    assert reopened.selectbox[1].value == "2023Q2" and reopened.selectbox[2].value == "2023Q3"
    assert reopened.dataframe[0].value.equals(at.dataframe[0].value)
    assert set(reopened.dataframe[0].value.columns) >= {"III кв. 2023", "II кв. 2023"}


def test_council_report_reconciliation(app):
    at = app("app_pages/timeline.py")
    figures = metrics(at)
    # item 1 (round table) is also in the events table; item 2 (council meeting) only in the report;
    # the Kuzbass events of 2023Q4 are all in the report, so nothing is missing from it.
    assert (figures["Подтверждено"], figures["Только в отчёте"], figures["Нет в отчёте"]) == (
        "1",
        "1",
        "0",
    )
    table = frame_with(at, "Статус")
    confirmed = table[table["Статус"] == "подтверждено"].iloc[0]
    assert "тот же регион (Кемеровская область)" in confirmed["Почему"]
    assert confirmed["Других источников"] == 1


def frame_with(at: AppTest, column: str):
    """The first table on the page that has the column."""
    return next(frame.value for frame in at.dataframe if column in frame.value.columns)


def quarter_totals(at: AppTest) -> dict[str, int]:
    totals: dict[str, int] = {}
    for trace in json.loads(at.get("plotly_chart")[0].proto.spec)["data"]:
        for label, count in zip(trace["x"], trace["y"]):
            totals[label] = totals.get(label, 0) + count
    return totals


def test_network_page_tables(app):
    at = app("app_pages/network.py")
    assert metrics(at)["Пар регионов"] == "3"
    edges = at.dataframe[0].value
    pairs = set(
        zip(edges["Чью практику перенимают"], edges["Кто перенимает"], edges["Подтверждений"])
    )
    assert pairs == {
        ("Ханты-Мансийский АО", "Тюменская область", 1),
        ("Ханты-Мансийский АО", "Кемеровская область", 1),
        ("Тюменская область", "Ханты-Мансийский АО", 1),
    }
    roles = at.dataframe[1].value.set_index("Код")
    assert (roles.loc["RU-KHM", "Делится опытом"], roles.loc["RU-KHM", "Перенимает"]) == (2, 1)


def test_network_focus_quotes_a_stated_joint_event_link(app):
    """The fixture's table row «Тюменская область → Югра, КРТ, joint_event» is stated evidence, not
    a
    derived link: its passage is the table row it came from."""
    at = app("app_pages/network.py", focus="RU-TYU")
    quoted = " ".join(element.proto.body for element in at.get("html"))
    assert "КРТ" in quoted and "2023-11-02" in quoted


def test_explore_page_search_export_and_source(app):
    at = app("app_pages/explore.py")
    assert metrics(at)["Найдено строк"] == "7"
    at.text_input[0].set_value("Сургут").run()
    assert metrics(at)["Найдено строк"] == "2"
    assert at.query_params["q"] in ("Сургут", ["Сургут"])
    at.radio[0].set_value("agreements").run()
    at.text_input[0].set_value("").run()
    assert metrics(at)["Найдено строк"] == "2"
    assert at.selectbox[0].value.startswith("doc_")
    assert [button.label for button in at.get("download_button")] == [
        "XLSX",
        "CSV для Excel",
        "CSV (UTF-8, запятая)",
    ]


def test_network_focus_quotes_escaped_passages(app, tmp_path, use_db):
    """The seeds' Yugra ↔ Tyumen links, read from the text, with their passages quoted and
    escaped."""
    from conftest import SEEDS_DIR
    from loaders.pipeline.ingest import ingest_documents

    from conftest import require

    require("seeds")
    hostile = tmp_path / "hostile.txt"
    hostile.write_text(
        "Курганская область перенимает опыт Югры <script>alert('x')</script> в экологическом "
        "просвещении.",
        encoding="utf-8",
    )
    db = tmp_path / "seeds.duckdb"
    ingest_documents([SEEDS_DIR, hostile], db, workers=1)
    use_db(db)
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params["focus"] = "RU-KHM"
    at.run()
    at.switch_page("app_pages/network.py").run()
    assert not at.exception
    edges = frame_with(at, "Подтверждений")
    pairs = set(zip(edges["Откуда"], edges["Куда"], edges["Типы подтверждений"]))
    assert {(f, t) for f, t, _ in pairs} == {
        ("RU-KHM", "RU-TYU"),
        ("RU-TYU", "RU-KHM"),
        ("RU-KHM", "RU-KGN"),
        ("RU-KHM", "RU-SVE"),
    }
    # guests from Nizhny Tagil at the Yugorsk forum; the evidence type by its Russian label
    assert ("RU-KHM", "RU-SVE", EVIDENCE_LABELS["joint_event"]) in pairs
    quoted = " ".join(element.proto.body for element in at.get("html"))
    assert "&lt;script&gt;" in quoted and "<script>alert" not in quoted
    assert "Тюмен" in quoted


def test_council_reconciliation_follows_the_sidebar_regions(app):
    outside = app("app_pages/timeline.py", region="RU-TYU")
    assert "Отчётов советов по выбранным регионам в данных нет." in [i.value for i in outside.info]
    inside = app("app_pages/timeline.py", region="RU-KEM")
    assert frame_with(inside, "Статус")["Статус"].tolist().count("подтверждено") == 1


def test_map_radius_around_a_town_keeps_only_its_events(app):
    """Both engines: Surgut's two events are within 50 km of it; Kemerovo's council meeting is known
    only to its region, so only the round table in Kemerovo is within 50 km of Kemerovo."""
    at = app("app_pages/map_view.py")
    at.selectbox(key="map_near_town").set_value("Сургут").run()
    assert metrics(at)["Событий"] == "2"
    at.selectbox(key="map_near_town").set_value("Кемерово").run()
    assert metrics(at)["Событий"] == "1"
    at.number_input(key="map_near_km").set_value(
        5000
    ).run()  # every settlement event of the fixture
    assert metrics(at)["Событий"] == "6"
    at.selectbox(key="map_near_town").set_value("—").run()
    assert metrics(at)["Событий"] == "7"


def test_explore_opens_a_row_with_its_passage_marked_in_a_scrolling_frame(demo_db, use_db):
    """A link like the calendar's (?table=events&doc=…&row=…) opens the document in a frame whose
    script scrolls the chosen passage into view."""
    import duckdb

    use_db(demo_db)
    with duckdb.connect(str(demo_db), read_only=True) as connection:
        document_id, event_id, passage = connection.execute(
            "SELECT s.document_id, s.entity_id, substr(d.full_text, s.char_start + 1, "
            "s.char_end - s.char_start) FROM sources s JOIN documents d USING (document_id) "
            "WHERE s.entity = 'event' AND s.char_end - s.char_start > 20 "
            "ORDER BY s.char_start DESC LIMIT 1"
        ).fetchone()
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params.update(table="events", doc=document_id, row=event_id)
    at.run()
    at.switch_page("app_pages/explore.py").run()
    assert not at.exception, [e.value for e in at.exception]
    frames = [element.proto.srcdoc for element in at.get("iframe")]
    assert len(frames) == 1
    assert (
        f"<mark id='focus' style='background:#ffb300'>{html.escape(passage, quote=False)}"
        in (frames[0])
    )
    assert "box.scrollTop" in frames[0]
