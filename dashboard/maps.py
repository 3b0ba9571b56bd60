"""Pure folium map builders (no Streamlit): data in, folium.Map out."""

from __future__ import annotations

import html
import json
import math

from typing import TYPE_CHECKING

import folium
import pandas as pd
from branca.element import Element, MacroElement
from jinja2 import Template

from dashboard.analysis.aggregations import colour_bins
from dashboard.leaflet_assets import use_local_assets
from dashboard.presentation import EVENT_TYPE_COLOURS
from loaders.model.vocabulary import EVENT_TYPE_LABELS

if TYPE_CHECKING:  # shapes arrive as a GeoDataFrame; the builders need not import geopandas
    import geopandas as gpd

TYPE_COLOURS = EVENT_TYPE_COLOURS  # the same colours as the charts and the calendar
RUSSIA_BOUNDS = [[41.0, 19.0], [72.0, 180.0]]


def marker_radius(count: int, largest: int) -> float:
    """Circle radius in pixels: area grows with the event count, 4 to 28 px."""
    return 4 + 24 * math.sqrt(count / max(largest, 1))


def settlement_features(places: pd.DataFrame) -> dict:
    """GeoJSON FeatureCollection of the places; properties carry radius, colour, popup and tooltip
    (escaped)."""
    largest = int(places["events"].max()) if not places.empty else 1
    features = [
        {
            "type": "Feature",
            "geometry": {
                "type": "Point",
                "coordinates": [round(float(p.lon), 5), round(float(p.lat), 5)],
            },
            "properties": {
                "radius": round(marker_radius(int(p.events), largest), 1),
                "colour": TYPE_COLOURS.get(p.dominant_type, "#555"),
                # hollow: every event here is still proposed (extracted, not reviewed)
                "hollow": bool(getattr(p, "proposed", 0) and p.proposed >= p.events),
                "popup": p.popup_html,
                "place": str(p.place),  # a click asks the store for the place's events
                "tooltip": f"{html.escape(str(p.place))}: {p.events} (чаще всего: "
                f"{EVENT_TYPE_LABELS.get(p.dominant_type, p.dominant_type)})",
            },
        }
        for p in places.itertuples(index=False)
    ]
    return {"type": "FeatureCollection", "features": features}


class _RawScript(Element):
    """Script text added as it is. branca's MacroElement.render wraps every rendered script in a new
    Element, which compiles the text as a Jinja template: for a megabyte of embedded JSON that costs
    about 0.1 s per render, and a map is rendered ~4 times."""

    def __init__(self, text: str):
        super().__init__()
        self._text = text

    def render(self, **kwargs) -> str:
        return self._text


_LAYER_SCRIPT = """
(function () {
    var data = %(payload)s;
    var layer = L.geoJSON(data, {
        pointToLayer: function (feature, latlng) {
            var p = feature.properties;
            return L.circleMarker(latlng, {radius: p.radius, color: p.colour, fillColor: p.colour,
                fillOpacity: p.hollow ? 0 : 0.6,
                weight: p.hollow ? 2.5 : 1, dashArray: p.hollow ? "4 3" : null});
        },
        style: function (feature) {
            return {fillColor: feature.properties.colour, color: "#666", weight: 0.6,
                fillOpacity: 0.75};
        },
        onEachFeature: function (feature, layer) {
            if (feature.properties.popup) { layer.bindPopup(feature.properties.popup,
                {maxWidth: 360}); }
            if (feature.properties.tooltip) { layer.bindTooltip(feature.properties.tooltip,
                {sticky: feature.geometry.type !== "Point"}); }
        }
    }).addTo(%(parent)s);
    %(to_back)s
})();
"""


# Beneath the circles once on the map (a feature group is put on the map after its layers are
# built).
_TO_BACK = (
    "layer.on('add', function () { layer.bringToBack(); }); if (layer._map) { "
    "layer.bringToBack(); }"
)


class EmbeddedGeoJsonLayer(MacroElement):
    """A GeoJSON layer drawn by a few lines of Leaflet code, its data embedded once as UTF-8 JSON.

    folium's GeoJson re-serialises its data and re-applies its style function on every render (and
    streamlit_folium renders a map several times), and with a style function it embeds every feature
    twice: 13 MB for 2,000 places. Properties carry what the JavaScript needs (colour, radius, popup
    and tooltip HTML, already escaped).

    The script is built by plain string formatting (script_text). The one-line macro is there
    because
    streamlit-folium reads every element's `script` macro to build the map it sends to the browser.
    """

    _template = Template("{% macro script(this, kwargs) %}{{ this.script_text() }}{% endmacro %}")

    def __init__(self, features: dict, name: str, to_back: bool = False):
        super().__init__()
        self._name = "EmbeddedGeoJsonLayer"
        self.layer_name = name
        # region polygons added after the settlement circles must stay beneath them (and their
        # clicks)
        self.to_back = to_back
        # "</" is escaped so no text can close the <script> element the JSON sits in.
        self.payload = json.dumps(features, ensure_ascii=False, separators=(",", ":")).replace(
            "</", "<\\/"
        )

    def script_text(self) -> str:
        """The layer's Leaflet code, added to the map it belongs to."""
        return _LAYER_SCRIPT % {
            "payload": self.payload,
            "parent": self._parent.get_name(),
            "to_back": _TO_BACK if self.to_back else "",
        }

    def render(self, **kwargs) -> None:
        self.get_root().script.add_child(_RawScript(self.script_text()), name=self.get_name())


CHOROPLETH_COLOURS = (
    "#f7fcf5",
    "#c7e9c0",
    "#a1d99b",
    "#74c476",
    "#31a354",
    "#006d2c",
)  # zero, then 5 classes
NO_VALUE_COLOUR = "#d9d9d9"  # a measure a region has no value for (per km² without a polygon)
TILE_CHOICES = {"OpenStreetMap": "OpenStreetMap", "Без подложки (офлайн)": None}


def colour_for(value: float, bins: list[float]) -> str:
    """Colour of a value: grey for no value, the palest for zero, then the class whose upper bound
    holds it."""
    if pd.isna(value):
        return NO_VALUE_COLOUR
    if not value or not bins:
        return CHOROPLETH_COLOURS[0]
    for index, bound in enumerate(bins):
        if value <= bound:
            return CHOROPLETH_COLOURS[min(index + 1, len(CHOROPLETH_COLOURS) - 1)]
    return CHOROPLETH_COLOURS[-1]


def legend_rows(bins: list[float]) -> list[tuple[str, str]]:
    """(colour, label) per class, for a legend drawn outside the map."""
    rows = [(CHOROPLETH_COLOURS[0], "0")]
    whole = all(float(bound).is_integer() for bound in bins)
    lower = 0.0
    for index, bound in enumerate(bins):
        first = lower + 1 if whole else lower
        text = f"{bound:g}" if whole and first == bound else f"{first:g} – {bound:g}"
        rows.append((CHOROPLETH_COLOURS[min(index + 1, len(CHOROPLETH_COLOURS) - 1)], text))
        lower = bound
    return rows


def value_text(value: float) -> str:
    """A measure as shown in tooltips: «нет данных» for no value."""
    return "нет данных" if pd.isna(value) else f"{value:g}"


def region_features(
    shapes: gpd.GeoDataFrame, measures: pd.DataFrame, measure: str, label: str, bins: list[float]
) -> dict:
    """Region polygons (loaders.geo.boundaries.read_region_boundaries) joined to their measures,
    with
    value, colour and an escaped tooltip in the properties."""
    joined = shapes[["region_code", "geojson"]].merge(
        measures[["region_code", "name_short", measure]], on="region_code", how="inner"
    )
    features = [
        {
            "type": "Feature",
            "geometry": row.geojson,
            "properties": {
                "region_code": row.region_code,
                "colour": colour_for(getattr(row, measure), bins),
                "tooltip": f"{html.escape(str(row.name_short))} ({row.region_code}): "
                f"{label.lower()} — {value_text(getattr(row, measure))}",
            },
        }
        for row in joined.itertuples(index=False)
    ]
    return {"type": "FeatureCollection", "features": features}


def region_layer(
    shapes: gpd.GeoDataFrame, measures: pd.DataFrame, measure: str, label: str, bins: list[float]
) -> EmbeddedGeoJsonLayer:
    """The choropleth, coloured in Python (folium.Choropleth and branca colour maps pull d3 from a
    CDN,
    which breaks the map offline). A click on a region reaches the page through st_folium."""
    return EmbeddedGeoJsonLayer(
        region_features(shapes, measures, measure, label, bins), "Регионы", to_back=True
    )


def regions_without_shape(
    shapes: gpd.GeoDataFrame,
    measures: pd.DataFrame,
    measure: str,
    label: str,
    bins: list[float],
    group: folium.FeatureGroup | None = None,
) -> folium.FeatureGroup:
    """Subjects that have no polygon (Crimea, Sevastopol, the four newest) as squares at their
    centres."""
    with_shape = set(shapes["region_code"])
    group = group or folium.FeatureGroup(name="Регионы без границ")
    for row in measures[~measures["region_code"].isin(with_shape)].itertuples(index=False):
        value = float(getattr(row, measure))
        # a plain DivIcon square: folium's RegularPolygonMarker pulls a plugin from a CDN and blanks
        # the map offline
        square = (
            f"<div "
            f'style="width:14px;height:14px;background:{colour_for(value, bins)};border:1px solid '
            f'#666;opacity:0.9"></div>'
        )
        folium.Marker(
            [row.centre_lat, row.centre_lon],
            icon=folium.DivIcon(
                html=square, icon_size=(16, 16), icon_anchor=(8, 8), class_name="region-square"
            ),
            tooltip=f"{html.escape(str(row.name_short))} ({row.region_code}): {label.lower()} — "
            f"{value_text(value)}",
        ).add_to(group)
    return group


def flow_lines(edges: pd.DataFrame, centres: pd.DataFrame, limit: int = 60) -> folium.FeatureGroup:
    """Practice-sharing flows as lines between regional centres, the strongest `limit` pairs, width
    by weight."""
    group = folium.FeatureGroup(name="Обмен практиками")
    position = {
        row.region_code: (row.centre_lat, row.centre_lon) for row in centres.itertuples(index=False)
    }
    shown = edges.head(limit)
    largest = int(shown["weight"].max()) if not shown.empty else 1
    for edge in shown.itertuples(index=False):
        if edge.from_region not in position or edge.to_region not in position:
            continue
        folium.PolyLine(
            [position[edge.from_region], position[edge.to_region]],
            color="#d6604d",
            opacity=0.7,
            weight=1.5 + 5 * edge.weight / largest,
            tooltip=html.escape(f"{edge.from_region} → {edge.to_region}: {edge.weight}"),
        ).add_to(group)
    return group


def region_choropleth(
    shapes: gpd.GeoDataFrame, measures: pd.DataFrame, measure: str, label: str
) -> folium.FeatureGroup:
    """The region choropleth as one feature group: polygons and the squares of subjects without one.

    The Карта page hands it to st_folium as `feature_group_to_add`, so a new measure or filter swaps
    this group in the browser while the map itself (and the component) stays as it is."""
    bins = colour_bins(measures[measure])
    group = folium.FeatureGroup(name="Регионы")
    group.add_child(region_layer(shapes, measures, measure, label, bins))
    return regions_without_shape(shapes, measures, measure, label, bins, group)


def activity_map(
    places: pd.DataFrame,
    shapes: gpd.GeoDataFrame | None = None,
    measures: pd.DataFrame | None = None,
    measure: str = "events",
    label: str = "События",
    flows: pd.DataFrame | None = None,
    tiles: str | None = "OpenStreetMap",
    with_regions: bool = True,
) -> folium.Map:
    """The Карта page's map: region choropleth (the base layer when tiles cannot load), one circle
    per
    settlement sized by events and coloured by the dominant type, and optional practice flows.
    with_regions=False leaves the choropleth out (the page adds region_choropleth separately).

    `places`: place, lat, lon, events, dominant_type, popup_html (already escaped).
    """
    activity = folium.Map(
        location=[62, 95], zoom_start=3, tiles=tiles, control_scale=True, prefer_canvas=False
    )
    if with_regions and shapes is not None and measures is not None:
        bins = colour_bins(measures[measure])
        activity.add_child(region_layer(shapes, measures, measure, label, bins))
        regions_without_shape(shapes, measures, measure, label, bins).add_to(activity)
    if flows is not None and measures is not None and not flows.empty:
        flow_lines(flows, measures).add_to(activity)
    activity.add_child(EmbeddedGeoJsonLayer(settlement_features(places), "Населённые пункты"))
    folium.LayerControl(collapsed=True).add_to(activity)
    if not places.empty:
        activity.fit_bounds(
            [[places["lat"].min(), places["lon"].min()], [places["lat"].max(), places["lon"].max()]]
        )
    else:
        activity.fit_bounds(RUSSIA_BOUNDS)
    return use_local_assets(activity)


def flow_map(
    edges: pd.DataFrame,
    regions: pd.DataFrame,
    shapes: gpd.GeoDataFrame | None,
    tiles: str | None = None,
) -> folium.Map:
    """Practice flows between regional centres over plain grey region outlines (no tiles needed)."""
    flows = folium.Map(location=[62, 95], zoom_start=3, tiles=tiles, control_scale=True)
    if shapes is not None:
        outlines = {
            "type": "FeatureCollection",
            "features": [
                {
                    "type": "Feature",
                    "geometry": row.geojson,
                    "properties": {"colour": "#f2f2f2", "tooltip": html.escape(str(row.name))},
                }
                for row in shapes.itertuples(index=False)
            ],
        }
        flows.add_child(EmbeddedGeoJsonLayer(outlines, "Регионы"))
    flow_lines(edges, regions, limit=len(edges)).add_to(flows)
    flows.fit_bounds(RUSSIA_BOUNDS)
    return use_local_assets(flows)
