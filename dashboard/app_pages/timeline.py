"""Хроника: events per quarter as a stacked bar chart by type, topic or region, and the list of events."""
import streamlit as st

from dashboard import aggregations, data, figures, filters
from dashboard.app_pages.common import demo_notice
from loaders.vocabulary import EVENT_TYPE_LABELS, TOPIC_LABELS

SPLITS = {"event_type": "по типу", "topic": "по тематике", "region_code": "по региону"}

atlas = data.load_atlas()
view = filters.current_view()

st.title("Хроника по кварталам")
demo_notice(atlas)

split = st.radio("Разбивка", list(SPLITS), format_func=SPLITS.get, horizontal=True, key="timeline_split")
events = filters.apply_to_events(atlas.events, view)
counts = aggregations.events_per_quarter(events, view.quarters(), split)
labels = aggregations.group_labels(split, atlas.regions)
st.plotly_chart(figures.quarter_bar_figure(counts, labels, f"События по кварталам ({SPLITS[split]})"), width="stretch")
st.caption("Многодневное событие учитывается один раз — в квартале, когда оно началось.")

st.subheader(f"События ({len(events)})")
table = events.assign(
    event_type=events["event_type"].astype("string").map(EVENT_TYPE_LABELS),
    topic=events["topic"].astype("string").map(TOPIC_LABELS),
)[["date_start", "date_end", "title", "event_type", "topic", "settlement_name", "region_code"]]
st.dataframe(
    table.rename(columns={
        "date_start": "Начало", "date_end": "Окончание", "title": "Событие", "event_type": "Тип",
        "topic": "Тематика", "settlement_name": "Населённый пункт", "region_code": "Регион",
    }),
    width="stretch", hide_index=True,
    column_config={"Начало": st.column_config.DateColumn(format="DD.MM.YYYY"), "Окончание": st.column_config.DateColumn(format="DD.MM.YYYY")},
)
