"""Pure folium map builders (no Streamlit): data in, folium.Map out."""
from __future__ import annotations

import html
import json
import math

import folium
from branca.element import MacroElement
from jinja2 import Template
import pandas as pd

from loaders.vocabulary import EVENT_TYPE_LABELS

TYPE_COLOURS = {
    "forum": "#1f77b4", "round_table": "#ff7f0e", "meeting": "#7f7f7f", "conference": "#9467bd",
    "strategic_session": "#8c564b", "action": "#2ca02c", "workshop": "#17becf", "contest": "#d62728",
    "exhibition": "#e377c2", "fair": "#bcbd22", "quest": "#393b79", "other": "#aaaaaa",
}
RUSSIA_BOUNDS = [[41.0, 19.0], [72.0, 180.0]]


def marker_radius(count: int, largest: int) -> float:
    """Circle radius in pixels: area grows with the event count, 4 to 28 px."""
    return 4 + 24 * math.sqrt(count / max(largest, 1))


def settlement_features(places: pd.DataFrame) -> dict:
    """GeoJSON FeatureCollection of the places; properties carry radius, colour, popup and tooltip (escaped)."""
    largest = int(places["events"].max()) if not places.empty else 1
    features = [
        {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [round(float(p.lon), 5), round(float(p.lat), 5)]},
            "properties": {
                "radius": round(marker_radius(int(p.events), largest), 1),
                "colour": TYPE_COLOURS.get(p.dominant_type, "#555"),
                "popup": p.popup_html,
                "tooltip": f"{html.escape(str(p.place))}: {p.events} (чаще всего: {EVENT_TYPE_LABELS.get(p.dominant_type, p.dominant_type)})",
            },
        }
        for p in places.itertuples(index=False)
    ]
    return {"type": "FeatureCollection", "features": features}


class CircleMarkerLayer(MacroElement):
    """All place markers as one GeoJSON layer drawn by a few lines of Leaflet code.

    folium's own GeoJson with a style_function embeds every feature twice (data and a style lookup);
    with 2,000 places that is 13 MB. Here the data is embedded once, as UTF-8 JSON.
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function () {
            var data = {{ this.payload }};
            L.geoJSON(data, {
                pointToLayer: function (feature, latlng) {
                    var p = feature.properties;
                    return L.circleMarker(latlng, {radius: p.radius, color: p.colour, fillColor: p.colour, fillOpacity: 0.6, weight: 1});
                },
                onEachFeature: function (feature, layer) {
                    layer.bindPopup(feature.properties.popup, {maxWidth: 360});
                    layer.bindTooltip(feature.properties.tooltip);
                }
            }).addTo({{ this._parent.get_name() }});
        })();
        {% endmacro %}
        """
    )

    def __init__(self, features: dict, name: str = "Населённые пункты"):
        super().__init__()
        self._name = "CircleMarkerLayer"
        self.layer_name = name
        # "</" is escaped so no text can close the <script> element the JSON sits in.
        self.payload = json.dumps(features, ensure_ascii=False).replace("</", "<\\/")


def settlement_map(places: pd.DataFrame, tiles: str | None = "OpenStreetMap") -> folium.Map:
    """One circle marker per place, sized by events and coloured by its dominant event type.

    `places`: place, lat, lon, events, dominant_type, popup_html (already escaped).
    """
    activity_map = folium.Map(location=[60, 90], zoom_start=3, tiles=tiles, control_scale=True, prefer_canvas=True)
    activity_map.add_child(CircleMarkerLayer(settlement_features(places)))
    if not places.empty:
        activity_map.fit_bounds([[places["lat"].min(), places["lon"].min()], [places["lat"].max(), places["lon"].max()]])
    else:
        activity_map.fit_bounds(RUSSIA_BOUNDS)
    return activity_map
