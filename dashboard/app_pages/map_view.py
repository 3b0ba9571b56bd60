"""Карта: region choropleth, one circle per settlement (sized by events, coloured by dominant type),
practice flows; clicking a region filters every page, clicking a circle lists its events."""

from dataclasses import replace

import streamlit as st
from streamlit_folium import st_folium

from dashboard import data, filters, maps
from dashboard.analysis import aggregations, nearby
from dashboard.analysis.queries import QueryView
from dashboard.app_pages.common import demo_notice
from dashboard.presentation import readable
from loaders.model.schema import column_label
from loaders.model.vocabulary import EVENT_TYPE_LABELS

PLACE_EVENTS = 15  # the newest events of a clicked place listed under the map

catalogue = data.load_catalogue()
view = QueryView.from_filter(filters.current_view())

st.title("Карта активности")
demo_notice()

left, middle, right = st.columns([2, 2, 1])
measure = left.selectbox(
    "Заливка регионов",
    list(aggregations.REGION_MEASURES),
    format_func=aggregations.REGION_MEASURES.get,
    key="map_measure",
)
tiles = middle.selectbox("Подложка", list(maps.TILE_CHOICES), key="map_tiles")
show_flows = right.toggle("Потоки практик", key="map_flows")

towns = nearby.town_points(catalogue.regions, data.query_towns())
near_town, near_km = st.columns([2, 1])
town = near_town.selectbox("События в радиусе от города", ["—", *towns], key="map_near_town")
radius_km = near_km.number_input(
    "Радиус, км", min_value=1, max_value=5000, value=50, step=10, key="map_near_km"
)
if town != "—":  # PostGIS on a server store, the haversine formula in SQL over a DuckDB store
    view = replace(view, near=(*towns[town], float(radius_km)))
    st.caption(f"Только события в населённых пунктах не дальше {radius_km} км от: {town}.")

places = aggregations.marker_popups(data.query_settlement_markers(view))
shapes = data.load_region_shapes()
measures = aggregations.with_area_measure(
    data.query_region_measures(view),
    shapes.set_index("region_code")["area_km2"] if shapes is not None else None,
)
totals = data.query_event_totals(view)
flows = data.query_network_edges(view) if show_flows else None

label = aggregations.REGION_MEASURES[measure]
activity = maps.activity_map(
    places, shapes, measures, measure, label, flows, maps.TILE_CHOICES[tiles], with_regions=False
)
regions_layer = (
    maps.region_choropleth(shapes, measures, measure, label) if shapes is not None else None
)
clicked = st_folium(
    activity,
    key="activity-map",
    height=600,
    width=None,
    returned_objects=["last_active_drawing"],
    feature_group_to_add=regions_layer,
)
drawing = (clicked or {}).get("last_active_drawing") or {}
properties = drawing.get("properties") or {}
region_clicked = properties.get("region_code")
if region_clicked and st.session_state.get("_map_last_click") != region_clicked:
    st.session_state["_map_last_click"] = region_clicked
    filters.request_regions([region_clicked])
    st.rerun()

place_clicked = properties.get("place")
if place_clicked and (drawing.get("geometry") or {}).get("type") == "Point":
    lon, lat = drawing["geometry"]["coordinates"]
    chosen = places[
        (places["place"] == place_clicked)
        & ((places["lat"] - lat).abs() < 1e-4)
        & ((places["lon"] - lon).abs() < 1e-4)
    ]
    if not chosen.empty:
        marker = chosen.iloc[0]
        listed = data.query_place_events(
            view, marker["place"], marker["lat"], marker["lon"], PLACE_EVENTS
        )
        st.markdown(
            f"**{marker['place']}**: {marker['events']} событ."
            + (f", ниже — {PLACE_EVENTS} последних" if marker["events"] > PLACE_EVENTS else "")
        )
        st.dataframe(
            readable(aggregations.place_event_rows(listed), catalogue.region_names),
            width="stretch",
            hide_index=True,
            column_config={
                column_label("source"): st.column_config.LinkColumn(
                    column_label("source"), display_text="открыть"
                )
            },
        )

legend, notes = st.columns([1, 2])
with legend:
    st.markdown(f"**{label}**")
    legend_rows = maps.legend_rows(aggregations.colour_bins(measures[measure]))
    if measures[measure].isna().any():
        legend_rows.append((maps.NO_VALUE_COLOUR, "нет данных"))
    for colour, text in legend_rows:
        st.markdown(
            f"<span "
            f"style='display:inline-block;width:14px;height:14px;background:{colour};border:1px "
            f"solid #999'></span> {text}",
            unsafe_allow_html=True,
        )
with notes:
    st.caption(
        "Круг — населённый пункт: размер по числу событий, цвет — самый частый тип; щелчок по "
        "кругу показывает его последние события под картой. Щелчок по "
        "региону оставляет в фильтре только его. Регионы без границ в справочнике (Крым, "
        "Севастополь, новые субъекты) показаны квадратами; площади у них нет, поэтому «на 1000 "
        "км²» для них не считается. Площадь — по полигону в равновеликой проекции; у Москвы это "
        "граница до 2012 г. (1081 км², без Новой Москвы). Полый пунктирный круг — все события там "
        "ещё предложены (не проверены). Границы: DCW-GMT (LGPL-3+); подложка: © OpenStreetMap."
    )
    st.markdown(
        " ".join(
            f"<span style='color:{maps.TYPE_COLOURS[kind]}'>●</span> {name}"
            for kind, name in EVENT_TYPE_LABELS.items()
        ),
        unsafe_allow_html=True,
    )

metrics = st.columns(3)
metrics[0].metric("Населённых пунктов на карте", len(places))
metrics[1].metric("Событий", totals["events"])
metrics[2].metric("Без координат", totals["events"] - totals["located"])

st.subheader("Регионы")
st.dataframe(
    measures.sort_values(measure, ascending=False)[
        [
            "name_short",
            "region_code",
            "events",
            "events_per_100k",
            "events_per_1000km2",
            "agreements",
        ]
    ].rename(
        columns={
            "name_short": "Регион",
            "region_code": "Код",
            "events": "События",
            "events_per_100k": "На 100 000 жителей",
            "events_per_1000km2": "На 1000 км²",
            "agreements": "Соглашения",
        }
    ),
    width="stretch",
    hide_index=True,
)
st.subheader("Самые активные населённые пункты")
st.dataframe(
    places[["place", "events", "dominant_type"]]
    .head(50)
    .assign(dominant_type=lambda t: t["dominant_type"].map(EVENT_TYPE_LABELS))
    .rename(
        columns={"place": "Населённый пункт", "events": "Событий", "dominant_type": "Чаще всего"}
    ),
    width="stretch",
    hide_index=True,
)
