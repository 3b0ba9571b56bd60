"""Карта: participating settlements as circle markers sized by event count, popups listing events."""
import streamlit as st
from streamlit_folium import st_folium

from dashboard import aggregations, data, filters, maps
from dashboard.app_pages.common import demo_notice

atlas = data.load_atlas()
view = filters.current_view()

st.title("Карта активности")
demo_notice(atlas)

events = filters.apply_to_events(atlas.events, view)
places = aggregations.settlement_activity(events, max_listed=10)
unlocated = int(events["lat"].isna().sum())

left, middle, right = st.columns(3)
left.metric("Населённых пунктов на карте", len(places))
middle.metric("Событий", len(events))
right.metric("Без координат", unlocated)

st_folium(maps.settlement_map(places), key="activity-map", height=600, width=None, returned_objects=[])
st.caption("Размер круга — число событий, цвет — самый частый тип мероприятий. Подложка: © OpenStreetMap.")

st.subheader("Самые активные населённые пункты")
st.dataframe(
    places[["place", "events", "dominant_type"]].head(50).rename(
        columns={"place": "Населённый пункт", "events": "Событий", "dominant_type": "Чаще всего"}
    ),
    width="stretch", hide_index=True,
)
