"""Карта: region choropleth, one circle per settlement (sized by events, coloured by dominant type),
practice flows; clicking a region filters every page."""

import streamlit as st
from streamlit_folium import st_folium

from dashboard.analysis import aggregations, nearby

from dashboard import data, filters, maps
from dashboard.app_pages.common import demo_notice
from loaders.model.vocabulary import EVENT_TYPE_LABELS

atlas = data.load_atlas()
view = filters.current_view()

st.title("Карта активности")
demo_notice(atlas)

left, middle, right = st.columns([2, 2, 1])
measure = left.selectbox(
    "Заливка регионов",
    list(aggregations.REGION_MEASURES),
    format_func=aggregations.REGION_MEASURES.get,
    key="map_measure",
)
tiles = middle.selectbox("Подложка", list(maps.TILE_CHOICES), key="map_tiles")
show_flows = right.toggle("Потоки практик", key="map_flows")

events = filters.apply_to_events(atlas.events, view)
towns = nearby.town_points(atlas.regions, atlas.events)
near_town, near_km = st.columns([2, 1])
town = near_town.selectbox("События в радиусе от города", ["—", *towns], key="map_near_town")
radius_km = near_km.number_input(
    "Радиус, км", min_value=1, max_value=5000, value=50, step=10, key="map_near_km"
)
if town != "—":  # PostGIS on a server store, haversine over a DuckDB store
    events = events[events["event_id"].isin(data.events_near(*towns[town], float(radius_km)))]
    st.caption(f"Только события в населённых пунктах не дальше {radius_km} км от: {town}.")
places = aggregations.settlement_activity(
    events, max_listed=10 if events["settlement_name"].nunique() <= 500 else 5
)  # keeps the map payload small at national scale
shapes = data.load_region_shapes()
measures = aggregations.region_measures(
    events,
    filters.apply_to_agreements(atlas.agreements, view),
    atlas.regions,
    shapes.set_index("region_code")["area_km2"] if shapes is not None else None,
)
flows = (
    aggregations.practice_edges(filters.apply_to_links(atlas.practice_links, view))
    if show_flows
    else None
)

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
region_clicked = (
    ((clicked or {}).get("last_active_drawing") or {}).get("properties", {}).get("region_code")
)
if region_clicked and st.session_state.get("_map_last_click") != region_clicked:
    st.session_state["_map_last_click"] = region_clicked
    filters.request_regions([region_clicked])
    st.rerun()

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
        "Круг — населённый пункт: размер по числу событий, цвет — самый частый тип. Щелчок по "
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
metrics[1].metric("Событий", len(events))
metrics[2].metric("Без координат", int(events["lat"].isna().sum()))

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
