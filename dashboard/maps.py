"""Pure folium map builders (no Streamlit): data in, folium.Map out."""
from __future__ import annotations

import math

import folium
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


def settlement_map(places: pd.DataFrame, tiles: str | None = "OpenStreetMap") -> folium.Map:
    """One circle marker per settlement, sized by events and coloured by its dominant event type.

    `places`: place, lat, lon, events, dominant_type, popup_html (already escaped).
    """
    activity_map = folium.Map(location=[60, 90], zoom_start=3, tiles=tiles, control_scale=True, prefer_canvas=True)
    layer = folium.FeatureGroup(name="Населённые пункты")
    largest = int(places["events"].max()) if not places.empty else 1
    for place in places.itertuples(index=False):
        colour = TYPE_COLOURS.get(place.dominant_type, "#555")
        folium.CircleMarker(
            location=[place.lat, place.lon], radius=marker_radius(place.events, largest), color=colour,
            fill=True, fill_color=colour, fill_opacity=0.6, weight=1,
            popup=folium.Popup(place.popup_html, max_width=360),
            tooltip=folium.Tooltip(_escaped_tooltip(place.place, place.events, place.dominant_type)),
        ).add_to(layer)
    layer.add_to(activity_map)
    if not places.empty:
        activity_map.fit_bounds([[places["lat"].min(), places["lon"].min()], [places["lat"].max(), places["lon"].max()]])
    else:
        activity_map.fit_bounds(RUSSIA_BOUNDS)
    return activity_map


def _escaped_tooltip(place: str, count: int, dominant_type: str) -> str:
    import html

    return f"{html.escape(str(place))}: {count} (чаще всего: {EVENT_TYPE_LABELS.get(dominant_type, dominant_type)})"
