"""Pure figure, map and aggregation builders, tested without Streamlit."""

import html
import re

import folium
import geopandas as gpd
import pandas as pd
import pytest

from dashboard.analysis import aggregations, search, chronicle

from dashboard import figures, filters, maps
from dashboard import data  # noqa: F401  (import check: the data module loads without a running app)

EVENTS = pd.DataFrame(
    {
        "event_id": ["a", "b", "c"],
        "title": ["<script>alert(1)</script>", "Форум", "Акция"],
        "event_type": ["forum", "forum", "action"],
        "topic": ["ecology", "ecology", "volunteering"],
        "date_start": pd.to_datetime(["2023-01-10", "2023-04-02", "2023-04-03"]),
        "quarter": ["2023Q1", "2023Q2", "2023Q2"],
        "settlement_name": ["Сургут", "Сургут", "Тюмень"],
        "region_code": ["RU-KHM", "RU-KHM", "RU-TYU"],
        "lat": [61.25, 61.25, 57.15],
        "lon": [73.4, 73.4, 65.53],
    }
)


def test_popups_escape_untrusted_text():
    places = aggregations.settlement_activity(EVENTS)
    surgut = places[places["place"] == "Сургут"].iloc[0]
    assert surgut["events"] == 2 and surgut["dominant_type"] == "forum"
    assert "<script>" not in surgut["popup_html"] and "&lt;script&gt;" in surgut["popup_html"]
    rendered = maps.activity_map(places, tiles=None).get_root().render()
    # the embedded JSON writes "</" as "<\/", so an unescaped title would show as
    # "<script>alert(1)<\/"
    assert "<script>alert(1)" not in rendered and "&lt;script&gt;alert(1)" in rendered


def test_marker_size_grows_with_count():
    assert (
        maps.marker_radius(1, 100)
        < maps.marker_radius(50, 100)
        <= maps.marker_radius(100, 100)
        == 28
    )


def test_per_quarter_fills_empty_quarters():
    table = chronicle.per_quarter(EVENTS, ["2023Q1", "2023Q2", "2023Q3"], "event_type", None)
    pivot = table.pivot(index="quarter", columns="group", values="value")
    assert (
        pivot.loc["2023Q3"].sum() == 0
        and pivot.loc["2023Q2", "forum"] == 1
        and pivot.loc["2023Q2", "action"] == 1
    )


def test_quarter_bar_figure_has_one_trace_per_group_in_time_order():
    table = chronicle.per_quarter(EVENTS, ["2023Q1", "2023Q2"], "event_type", None).rename(
        columns={"value": "events"}
    )
    figure = figures.quarter_bar_figure(table, {"forum": "Форум", "action": "Акция"}, "t")
    assert [trace.name for trace in figure.data] == ["Форум", "Акция"]
    assert list(figure.data[0].x) == ["I кв. 2023", "II кв. 2023"] and list(figure.data[0].y) == [
        1,
        1,
    ]


def test_filters_apply_region_type_and_period():
    view = filters.ViewFilter("2023Q2", "2023Q2", ("RU-KHM",), (), ())
    assert list(filters.apply_to_events(EVENTS, view)["event_id"]) == ["b"]
    assert list(filters.apply_to_events(EVENTS, view, ignore_period=True)["event_id"]) == ["a", "b"]
    assert view.previous_quarter() == "2023Q1"


def test_practice_edges_weight():
    links = pd.DataFrame(
        {
            "link_id": ["1", "2", "3"],
            "from_region": ["RU-KHM", "RU-KHM", "RU-TYU"],
            "to_region": ["RU-TYU", "RU-TYU", "RU-KHM"],
            "practice": ["a", "b", "c"],
            "evidence_type": ["internship", "agreement", "joint_event"],
        }
    )
    edges = aggregations.practice_edges(links)
    assert edges.iloc[0][["from_region", "to_region", "weight"]].tolist() == ["RU-KHM", "RU-TYU", 2]


def test_network_figure_draws_an_arrow_per_edge():
    edges = pd.DataFrame({"from_region": ["A", "B"], "to_region": ["B", "C"], "weight": [3, 1]})
    nodes = pd.DataFrame(
        {
            "region_code": ["A", "B", "C"],
            "name_short": ["a", "b", "c"],
            "federal_district": ["Южный"] * 3,
            "activity": [3, 4, 1],
        }
    )
    figure = figures.network_figure(edges, nodes)
    assert len(figure.layout.annotations) == 2
    assert figures.circular_positions(nodes) == figures.circular_positions(nodes.iloc[::-1])


def test_highlight_passages_escapes_and_marks():
    passages = pd.DataFrame({"char_start": [4], "char_end": [8]})
    assert (
        aggregations.highlight_passages("abc <b>x</b>", passages)
        == "abc <mark>&lt;b&gt;x</mark>&lt;/b&gt;"
    )


def test_search_is_case_and_yo_insensitive():
    found = search.search_rows(EVENTS.assign(title=["Ёлка", "елка", "x"]), "ЕЛКА", ["title"])
    assert list(found["event_id"]) == ["a", "b"]


def test_search_finds_word_forms_and_region_aliases():
    events = EVENTS.assign(
        title=["Субботник в парке", "Субботники на набережной", "Форум"],
        region_code=["RU-TYU", "RU-TYU", "RU-KHM"],
    )
    assert list(search.search_rows(events, "субботники", ["title"])["event_id"]) == ["a", "b"]
    assert list(search.search_rows(events, "субботника", ["title"])["event_id"]) == ["a", "b"]
    for alias in ("ХМАО", "Югра", "Ханты-Мансийский автономный округ — Югра"):
        found = search.search_rows(events, alias, ["title"], ("region_code",))
        assert list(found["event_id"]) == ["c"], alias
    assert search.search_rows(events, "ярмарка", ["title"]).empty


def test_highlight_marks_the_chosen_passage_apart():
    passages = pd.DataFrame({"char_start": [0, 6], "char_end": [5, 11]})
    marked = aggregations.highlight_passages("first second", passages, passages.iloc[[1]])
    assert marked == "<mark>first</mark> <mark id='focus' style='background:#ffb300'>secon</mark>d"


_SQUARE_FEATURES = [
    {
        "type": "Feature",
        "properties": {"region_code": code, "name": name},
        "geometry": {
            "type": "Polygon",
            "coordinates": [[[x, 60], [x + 1, 60], [x + 1, 61], [x, 61], [x, 60]]],
        },
    }
    for code, name, x in (("RU-KHM", "Югра", 70), ("RU-TYU", "Тюменская область", 66))
]
# shaped like loaders.geo.boundaries.read_region_boundaries
SQUARES = gpd.GeoDataFrame.from_features(_SQUARE_FEATURES, crs="EPSG:4326").assign(
    geojson=[feature["geometry"] for feature in _SQUARE_FEATURES]
)
MEASURES = pd.DataFrame(
    {
        "region_code": ["RU-KHM", "RU-TYU", "RU-CR"],
        "name_short": ["<i>Югра</i>", "Тюменская область", "Крым"],
        "population": [1_700_000, 1_600_000, 1_900_000],
        "centre_lat": [61.0, 57.1, 44.9],
        "centre_lon": [69.0, 65.5, 34.1],
        "events": [10, 0, 3],
        "events_per_100k": [0.59, 0.0, 0.16],
        "agreements": [1, 0, 0],
    }
)


def test_region_measures_count_per_region_and_per_100k():
    regions = MEASURES[["region_code", "name_short", "population", "centre_lat", "centre_lon"]]
    events = pd.DataFrame({"region_code": ["RU-KHM"] * 17 + ["RU-CR"]})
    agreements = pd.DataFrame({"region_code": ["RU-TYU"]})
    table = aggregations.region_measures(events, agreements, regions).set_index("region_code")
    assert (
        table.loc["RU-KHM", "events"] == 17
        and table.loc["RU-TYU", "events"] == 0
        and table.loc["RU-TYU", "agreements"] == 1
    )
    assert table.loc["RU-KHM", "events_per_100k"] == 1.0


def test_events_per_1000_km2_and_no_value_without_an_area():
    regions = MEASURES[["region_code", "name_short", "population", "centre_lat", "centre_lon"]]
    events = pd.DataFrame({"region_code": ["RU-KHM"] * 17 + ["RU-CR"]})
    areas = pd.Series({"RU-KHM": 2_000.0, "RU-TYU": 160_000.0})  # no polygon, no area: RU-CR
    table = aggregations.region_measures(
        events, pd.DataFrame({"region_code": []}), regions, areas
    ).set_index("region_code")
    assert table.loc["RU-KHM", "events_per_1000km2"] == 8.5  # 17 / 2000 km² × 1000
    assert table.loc["RU-TYU", "events_per_1000km2"] == 0.0
    assert pd.isna(table.loc["RU-CR", "events_per_1000km2"])
    assert maps.colour_for(float("nan"), [1.0]) == maps.NO_VALUE_COLOUR
    squares = maps.regions_without_shape(
        SQUARES, table.reset_index(), "events_per_1000km2", "На 1000 км²", [1.0]
    )
    rendered = folium.Map(tiles=None).add_child(squares).get_root().render()
    assert "Крым (RU-CR): на 1000 км² — нет данных" in rendered


def test_choropleth_colours_legend_and_escaped_tooltips():
    bins = aggregations.colour_bins(MEASURES["events"])
    assert maps.colour_for(0, bins) == maps.CHOROPLETH_COLOURS[0]
    assert bins == [
        4.0,
        6.0,
        7.0,
        9.0,
        10.0,
    ]  # quintiles of the non-zero values 3 and 10, rounded (counts)
    assert (
        maps.colour_for(3, bins) == maps.CHOROPLETH_COLOURS[1]
        and maps.colour_for(10, bins) == maps.CHOROPLETH_COLOURS[5]
    )
    assert maps.legend_rows(bins)[0] == (maps.CHOROPLETH_COLOURS[0], "0")
    features = maps.region_features(SQUARES, MEASURES, "events", "События", bins)["features"]
    by_code = {f["properties"]["region_code"]: f["properties"] for f in features}
    assert by_code["RU-TYU"]["colour"] == maps.CHOROPLETH_COLOURS[0]
    assert "&lt;i&gt;" in by_code["RU-KHM"]["tooltip"] and "<i>" not in by_code["RU-KHM"]["tooltip"]


def test_activity_map_layers_and_no_cdn_colour_scale():
    places = aggregations.settlement_activity(EVENTS)
    flows = pd.DataFrame({"from_region": ["RU-KHM"], "to_region": ["RU-TYU"], "weight": [2]})
    rendered = (
        maps.activity_map(places, SQUARES, MEASURES, "events", "События", flows, tiles=None)
        .get_root()
        .render()
    )
    assert "RU-TYU" in rendered and "L.control.layers" in rendered
    assets = re.findall(r"""(?:src|href)=["']([^"']+)["']""", rendered)
    assert assets and not [url for url in assets if "d3" in url or url.startswith("http")]
    assert rendered.count("L.polyline(") == 1
    assert "Крым" in rendered  # a region without a polygon is drawn at its centre


def test_flow_map_draws_outlines_and_one_line_per_pair():
    edges = pd.DataFrame(
        {"from_region": ["RU-KHM", "RU-TYU"], "to_region": ["RU-TYU", "RU-KHM"], "weight": [2, 1]}
    )
    rendered = maps.flow_map(edges, MEASURES, SQUARES).get_root().render()
    assert rendered.count("L.polyline(") == 2
    assert "Тюменская область" in rendered  # the outline tooltips


def test_popup_links_open_the_event_passage_in_the_explorer():
    places = aggregations.settlement_activity(
        EVENTS.assign(document_id=["doc_a", "doc_b", "doc_c"])
    )
    assert (
        f'href="/explore?table=events&amp;doc=doc_b&amp;row={EVENTS["event_id"].iloc[1]}" '
        'target="_top"' in places.loc[places["place"] == "Сургут", "popup_html"].iloc[0]
    )


def _quarter_calendar() -> pd.DataFrame:
    events = EVENTS.assign(
        date_start=pd.to_datetime(["2023-10-02", "2023-11-14", "2023-12-20"]),
        date_end=pd.to_datetime(["2023-10-03", "2023-11-14", "2023-12-21"]),
        quarter="2023Q4",
    )
    return chronicle.calendar_rows(events, "2023Q4")


def test_calendar_axis_names_months_in_russian_at_the_ticks_it_places():
    axis = figures.calendar_figure(_quarter_calendar(), {}).layout.xaxis
    assert axis.tickmode == "array" and len(axis.tickvals) == len(axis.ticktext) >= 12
    for value, text in zip(axis.tickvals, axis.ticktext):
        day = pd.Timestamp(value)
        assert text == f"{day.day} {figures.MONTHS_SHORT[day.month - 1]}"
        assert day.weekday() == 0
    shown = " ".join(axis.ticktext)
    assert {"окт", "ноя", "дек"} <= set(re.findall(r"[а-я]+", shown))
    assert not re.search(r"[A-Za-z]", shown)
    assert pd.Timestamp(axis.tickvals[0]) <= pd.Timestamp("2023-10-02")
    assert pd.Timestamp(axis.tickvals[-1]) >= pd.Timestamp("2023-12-15")


def test_calendar_axis_over_a_long_span_names_each_month():
    events = _quarter_calendar()
    events.loc[events.index[-1], "bar_end"] = pd.Timestamp("2024-05-02")
    ticks = figures.russian_date_ticks(events)
    assert ticks["ticktext"][0] == "октябрь 2023" and ticks["ticktext"][-1] == "май 2024"
    assert len(ticks["tickvals"]) == 8


def test_small_multiples_one_panel_per_region_titled_and_apart():
    table = chronicle.region_small_multiples(
        EVENTS.assign(region_code=["RU-KHM", "RU-TYU", "RU-TA"]),
        None,
        ["2023Q1", "2023Q2"],
        ["RU-KHM", "RU-TYU", "RU-TA"],
    )
    labels = {
        "RU-KHM": "Ханты-Мансийский АО",
        "RU-TYU": "Тюменская <b>обл.</b>",
        "RU-TA": "Татарстан",
    }
    figure = figures.small_multiples_figure(table, labels)
    assert len(figure.data) == 3
    regions = list(dict.fromkeys(table["region_code"]))
    titles = [note.text for note in figure.layout.annotations]
    assert titles == [html.escape(labels[region], quote=False) for region in regions]
    assert "&lt;b&gt;" in "".join(titles)
    domains = [figure.layout[f"xaxis{'' if i == 0 else i + 1}"].domain for i in range(3)]
    assert all(left[1] < right[0] for left, right in zip(domains, domains[1:]))
    for index, trace in enumerate(figure.data):
        region = regions[index]
        expected = table[table["region_code"] == region].sort_values("quarter")["value"]
        assert list(trace.y) == expected.tolist()
        assert trace.xaxis == ("x" if index == 0 else f"x{index + 1}")


def test_small_multiples_twelve_regions_fit_the_grid():
    """Three full rows: float rounding once put a domain at −5e-17 and Plotly refused it."""
    codes = [f"RU-R{index:02d}" for index in range(12)]
    table = pd.DataFrame(
        {"quarter": "2023Q1", "quarter_label": "I кв. 2023", "region_code": codes, "value": 1}
    )
    figure = figures.small_multiples_figure(table, {})
    assert len(figure.data) == 12
    for index in range(12):
        suffix = "" if index == 0 else str(index + 1)
        for axis in (f"xaxis{suffix}", f"yaxis{suffix}"):
            low, high = figure.layout[axis].domain
            assert 0 <= low < high <= 1


def test_document_view_scrolls_its_box_to_the_focused_passage_and_escapes_the_text():
    text = "Начало. <script>alert(1)</script> " + "строка\n" * 200 + "Нужный фрагмент. Конец."
    start = text.index("Нужный")
    passages = pd.DataFrame({"char_start": [0, start], "char_end": [7, start + 16]})
    page = aggregations.document_view_html(text, passages, passages.iloc[[1]])
    assert "<mark id='focus' style='background:#ffb300'>Нужный фрагмент.</mark>" in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert page.count("<script>") == 1  # only the scroll, never the document's own
    assert "getElementById('focus')" in page and "box.scrollTop" in page
    assert "scrollIntoView" not in page  # the page around the frame must not jump


def test_document_view_without_a_chosen_row_has_no_script():
    passages = pd.DataFrame({"char_start": [0], "char_end": [5]})
    page = aggregations.document_view_html("first second", passages)
    assert "<mark>first</mark>" in page and "<script>" not in page


def test_dashboard_quarters_agree_with_the_loaders_calendar():
    """dashboard/quarters.py (pd.Period) and loaders/model/quarters.py give the same keys and
    labels."""
    import datetime as dt

    from dashboard import quarters as periods
    from loaders.model import quarters as keys

    for key in ("2015Q1", "2023Q4", "2024Q1"):
        assert periods.quarter_label(key) == keys.quarter_label(key)
        for by in (-5, -4, -1, 0, 1, 4):
            assert periods.shift_quarter(key, by) == keys.shift_quarter(key, by)
    assert periods.quarter_range("2022Q3", "2024Q2") == keys.quarter_range("2022Q3", "2024Q2")
    assert periods.quarter_range("2024Q2", "2022Q3") == []
    for day in (dt.date(2023, 1, 1), dt.date(2023, 3, 31), dt.date(2023, 10, 14)):
        assert periods.quarter_key(day) == keys.quarter_key(day)
    for bad in ("2023Q5", "2023-10", "", None):
        with pytest.raises(ValueError):
            periods.as_period(bad)


def test_quarter_filter_on_rows_without_any_quarter():
    """Every row without a quarter (an empty category set) is outside any period, not an
    IndexError."""
    from dashboard.filters import ViewFilter, _in_quarters

    quarters = pd.Series([None, None], dtype="category")
    view = ViewFilter(quarter_from="2023Q1", quarter_to="2023Q4")
    assert _in_quarters(quarters, view).tolist() == [False, False]
