"""Сеть: who learns from whom — the directed network of practice sharing between regions, its spread
over time, and the passages behind every link."""

import dataclasses
import html

import pandas as pd
import streamlit as st
from streamlit_folium import st_folium

from dashboard import data, figures, filters, maps
from dashboard.app_pages.common import download_buttons, mirror_to_url, url_choice
from dashboard.analysis import network
from dashboard.analysis.queries import QueryView
from dashboard.presentation import count_phrase
from dashboard.quarters import quarter_label
from loaders.model.vocabulary import EVIDENCE_LABELS

COLOURINGS = {"district": "по федеральному округу", "community": "по сообществу"}

view = filters.current_view()
query_view = QueryView.from_filter(view)
regions = data.query_regions()
st.title("Сеть обмена практиками")
if data.query_store_summary()["has_demo"] and query_view.include_demo:
    st.info(
        "Показаны демонстрационные данные: события, документы и таблицы вымышлены и служат для "
        "знакомства с атласом.",
        icon="ℹ️",
    )
st.caption(
    "Стрелка ведёт от региона, чью практику перенимают, к региону, который её перенимает. Вес — "
    "число подтверждений."
)

with_joint_events = st.toggle(
    "Учитывать совместные мероприятия",
    value=True,
    key="network_joint_events",
    help="Участники из одного региона на мероприятии в другом — связь от принимающего региона к "
    "региону участников.",
)
quarters = data.query_network_quarters(query_view, with_joint_events)
if len(quarters) > 1:
    url_choice("network_upto", "upto", quarters, quarters[-1])
    upto = st.select_slider(
        "Связи, известные к концу квартала", quarters, key="network_upto", format_func=quarter_label
    )
    mirror_to_url("upto", upto)
    # links known by the end of the chosen quarter: the view's period cut at that quarter (undated
    # links stay, as the period filter keeps them)
    query_view = dataclasses.replace(
        query_view,
        quarter_from=query_view.quarter_from or quarters[0],
        quarter_to=min(query_view.quarter_to or upto, upto),
    )

edges, metrics = data.query_network(query_view, with_joint_events)
names = dict(zip(regions["region_code"], regions["name_short"])) if not regions.empty else {}

cells = st.columns(4)
cells[0].metric("Подтверждений", int(edges["weight"].sum()))
cells[1].metric("Пар регионов", len(edges))
cells[2].metric("Регионов в сети", len(metrics))
cells[3].metric("Сообществ", int(metrics["community"].nunique()) if not metrics.empty else 0)

if edges.empty:
    st.info("В выбранном периоде и регионах связей практик нет.")
    st.stop()

left, right = st.columns([3, 1])
url_choice("network_colour", "colour", list(COLOURINGS), "district")
colouring = right.radio(
    "Цвет узлов", list(COLOURINGS), format_func=COLOURINGS.get, key="network_colour"
)
top_default = min(40, len(edges))
top = (
    right.slider("Самых сильных пар", 1, len(edges), top_default, key="network_top")
    if len(edges) > 1
    else 1
)
mirror_to_url("colour", colouring)
shown = edges.head(top)
activity = metrics.set_index("region_code")[["teaches", "learns"]].sum(axis=1)
involved = set(shown["from_region"]) | set(shown["to_region"])
nodes = regions[regions["region_code"].isin(involved)].assign(
    activity=lambda frame: frame["region_code"].map(activity).fillna(0),
    community=lambda frame: frame["region_code"].map(metrics.set_index("region_code")["community"]),
)
with left:
    st.plotly_chart(figures.network_figure(shown, nodes, colour_by=colouring), width="stretch")
if len(shown) < len(edges):
    right.caption(
        f"Показаны {len(shown)} самых сильных из {len(edges)} пар; остальные — в таблице ниже."
    )

if st.toggle(
    "Показать связи на карте", key="network_geography"
):  # off by default: the map costs ~0.4 s a run
    geography = maps.flow_map(shown, regions, data.load_region_shapes())
    st_folium(geography, key="network-map", height=480, width=None, returned_objects=[])

# ---------------------------------------------------------------- one region
st.header("Регион")
region_options = [""] + sorted(metrics["region_code"], key=lambda code: names.get(code, code))
url_choice("network_focus", "focus", region_options, "")
focus = st.selectbox(
    "Кто у кого учится",
    region_options,
    key="network_focus",
    format_func=lambda code: "— выберите регион —"
    if not code
    else f"{names.get(code, code)} ({code})",
)
mirror_to_url("focus", focus or None)
if focus:
    # the evidence of one region, fetched when it is chosen (its links, then their passages)
    links = data.query_region_links(query_view, focus, with_joint_events)
    teachers, learners = network.neighbours(links, focus)
    passages = pd.concat(
        [
            data.load_passages(entity, tuple(links.loc[links["entity"] == entity, "link_id"]))
            for entity in ("practice_link", "joint_event_link")
        ],
        ignore_index=True,
    )
    for title, frame, other in (
        ("Учится у", teachers, "from_region"),
        ("Делится опытом с", learners, "to_region"),
    ):
        st.subheader(
            f"{title}: {count_phrase(frame[other].nunique(), 'регион')}, "
            f"{count_phrase(len(frame), 'подтверждение')}"
        )
        quoted = frame.merge(passages, left_on="link_id", right_on="entity_id", how="left")
        st.html(figures.evidence_list_html(quoted, other, names, EVIDENCE_LABELS))

# ---------------------------------------------------------------- tables
st.header("Таблицы")
edge_view = edges.assign(
    from_name=edges["from_region"].map(names),
    to_name=edges["to_region"].map(names),
    evidence=edges["evidence"].map(
        lambda kinds: ", ".join(EVIDENCE_LABELS.get(k, k) for k in kinds.split(", ") if k)
    ),
).rename(
    columns={
        "from_name": "Чью практику перенимают",
        "to_name": "Кто перенимает",
        "weight": "Подтверждений",
        "evidence": "Типы подтверждений",
        "practices": "Практики (первые пять)",
        "first": "Первое",
        "last": "Последнее",
        "from_region": "Откуда",
        "to_region": "Куда",
    }
)
st.dataframe(edge_view, width="stretch", hide_index=True)
download_buttons(edge_view, "practice_edges", "edges_download")
metric_view = metrics.assign(region=metrics["region_code"].map(names)).rename(
    columns={
        "region": "Регион",
        "region_code": "Код",
        "teaches": "Делится опытом",
        "learns": "Перенимает",
        "teaches_to": "Учеников",
        "learns_from": "Учителей",
        "pagerank": "Влиятельность (PageRank)",
        "community": "Сообщество",
    }
)
st.dataframe(metric_view, width="stretch", hide_index=True)
download_buttons(metric_view, "region_metrics", "metrics_download")
st.subheader("Как распространяются практики")
spread = network.spread_from_adoptions(data.query_practice_adoptions(query_view))
st.dataframe(
    spread.rename(
        columns={
            "practice": "Практика",
            "source_regions": "Откуда",
            "adopters": "Кто перенял (по порядку)",
            "first": "Впервые",
            "regions": "Регионов",
        }
    ),
    width="stretch",
    hide_index=True,
)
download_buttons(spread, "practice_spread", "spread_download")
st.caption(
    html.escape(
        "Влиятельность — PageRank по графу «кто у кого учится»: высока у регионов, у которых "
        "учатся многие и влиятельные."
    )
)
