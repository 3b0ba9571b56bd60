"""Pure figure, map and aggregation builders, tested without Streamlit."""
import pandas as pd

from dashboard import aggregations, figures, filters, maps
from dashboard.data import Atlas  # noqa: F401  (import check: data module loads without a running app)

EVENTS = pd.DataFrame({
    "event_id": ["a", "b", "c"], "title": ["<script>alert(1)</script>", "Форум", "Акция"],
    "event_type": ["forum", "forum", "action"], "topic": ["ecology", "ecology", "volunteering"],
    "date_start": pd.to_datetime(["2023-01-10", "2023-04-02", "2023-04-03"]),
    "quarter": ["2023Q1", "2023Q2", "2023Q2"], "settlement_name": ["Сургут", "Сургут", "Тюмень"],
    "region_code": ["RU-KHM", "RU-KHM", "RU-TYU"], "lat": [61.25, 61.25, 57.15], "lon": [73.4, 73.4, 65.53],
})


def test_popups_escape_untrusted_text():
    places = aggregations.settlement_activity(EVENTS)
    surgut = places[places["place"] == "Сургут"].iloc[0]
    assert surgut["events"] == 2 and surgut["dominant_type"] == "forum"
    assert "<script>" not in surgut["popup_html"] and "&lt;script&gt;" in surgut["popup_html"]
    rendered = maps.settlement_map(places).get_root().render()
    assert "<script>alert(1)</script>" not in rendered


def test_marker_size_grows_with_count():
    assert maps.marker_radius(1, 100) < maps.marker_radius(50, 100) <= maps.marker_radius(100, 100) == 28


def test_events_per_quarter_fills_empty_quarters():
    table = aggregations.events_per_quarter(EVENTS, ["2023Q1", "2023Q2", "2023Q3"], "event_type")
    pivot = table.pivot(index="quarter", columns="group", values="events")
    assert pivot.loc["2023Q3"].sum() == 0 and pivot.loc["2023Q2", "forum"] == 1 and pivot.loc["2023Q2", "action"] == 1


def test_quarter_bar_figure_has_one_trace_per_group_in_time_order():
    table = aggregations.events_per_quarter(EVENTS, ["2023Q1", "2023Q2"], "event_type")
    figure = figures.quarter_bar_figure(table, {"forum": "Форум", "action": "Акция"}, "t")
    assert [trace.name for trace in figure.data] == ["Форум", "Акция"]
    assert list(figure.data[0].x) == ["I кв. 2023", "II кв. 2023"] and list(figure.data[0].y) == [1, 1]


def test_filters_apply_region_type_and_period():
    view = filters.ViewFilter("2023Q2", "2023Q2", ("RU-KHM",), (), ())
    assert list(filters.apply_to_events(EVENTS, view)["event_id"]) == ["b"]
    assert list(filters.apply_to_events(EVENTS, view, ignore_period=True)["event_id"]) == ["a", "b"]
    assert view.previous_quarter() == "2023Q1"


def test_practice_edges_weight_and_roles():
    links = pd.DataFrame({
        "link_id": ["1", "2", "3"], "from_region": ["RU-KHM", "RU-KHM", "RU-TYU"], "to_region": ["RU-TYU", "RU-TYU", "RU-KHM"],
        "practice": ["a", "b", "c"], "evidence_type": ["internship", "agreement", "joint_event"],
    })
    edges = aggregations.practice_edges(links)
    assert edges.iloc[0][["from_region", "to_region", "weight"]].tolist() == ["RU-KHM", "RU-TYU", 2]
    roles = aggregations.region_roles(edges).set_index("region_code")
    assert roles.loc["RU-KHM"].tolist() == [2, 1]


def test_network_figure_draws_an_arrow_per_edge():
    edges = pd.DataFrame({"from_region": ["A", "B"], "to_region": ["B", "C"], "weight": [3, 1]})
    nodes = pd.DataFrame({"region_code": ["A", "B", "C"], "name_short": ["a", "b", "c"], "federal_district": ["Южный"] * 3, "activity": [3, 4, 1]})
    figure = figures.network_figure(edges, nodes)
    assert len(figure.layout.annotations) == 2
    assert figures.circular_positions(nodes) == figures.circular_positions(nodes.iloc[::-1])


def test_highlight_passages_escapes_and_marks():
    passages = pd.DataFrame({"char_start": [4], "char_end": [8]})
    assert aggregations.highlight_passages("abc <b>x</b>", passages) == "abc <mark>&lt;b&gt;x</mark>&lt;/b&gt;"


def test_search_is_case_and_yo_insensitive():
    found = aggregations.search_rows(EVENTS.assign(title=["Ёлка", "елка", "x"]), "ЕЛКА", ["title"])
    assert list(found["event_id"]) == ["a", "b"]
