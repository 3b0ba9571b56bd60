"""Сеть: who learns from whom — the directed network of practice sharing between regions, its spread
over time, and the passages behind every link."""

import html

import pandas as pd
import streamlit as st
from streamlit_folium import st_folium

from dashboard import data, figures, filters, maps
from dashboard.app_pages.common import demo_notice, download_buttons, mirror_to_url, url_choice
from dashboard.analysis import network
from dashboard.presentation import count_phrase
from dashboard.quarters import quarter_label
from loaders.model.vocabulary import EVIDENCE_LABELS

COLOURINGS = {"district": "по федеральному округу", "community": "по сообществу"}

atlas = data.load_atlas()
view = filters.current_view()
st.title("Сеть обмена практиками")
demo_notice(atlas)
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
links = filters.apply_to_links(atlas.practice_links, view)
if with_joint_events and not atlas.joint_event_links.empty:
    links = pd.concat(
        [links, filters.apply_to_links(atlas.joint_event_links, view)], ignore_index=True
    )
quarters = sorted(links["quarter"].astype("string").dropna().unique())
if len(quarters) > 1:
    url_choice("network_upto", "upto", quarters, quarters[-1])
    upto = st.select_slider(
        "Связи, известные к концу квартала", quarters, key="network_upto", format_func=quarter_label
    )
    mirror_to_url("upto", upto)
    links = links[(links["quarter"].astype("string") <= upto) | links["quarter"].isna()]

graph = network.build_graph(links)
edges = network.edge_table(graph)
metrics = network.region_metrics(graph)
names = dict(zip(atlas.regions["region_code"], atlas.regions["name_short"]))

cells = st.columns(4)
cells[0].metric("Подтверждений", len(links))
cells[1].metric("Пар регионов", len(edges))
cells[2].metric("Регионов в сети", graph.number_of_nodes())
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
nodes = atlas.regions[atlas.regions["region_code"].isin(involved)].assign(
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
    geography = maps.flow_map(shown, atlas.regions, data.load_region_shapes())
    st_folium(geography, key="network-map", height=480, width=None, returned_objects=[])

# ---------------------------------------------------------------- one region
st.header("Регион")
region_options = [""] + sorted(graph.nodes, key=lambda code: names.get(code, code))
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
    teachers, learners = network.neighbours(links, focus)
    both = pd.concat([teachers, learners])
    # derived links (joint_event_links) carry their event's passages as sources of their own
    derived = both["link_id"].isin(atlas.joint_event_links["link_id"])
    passages = pd.concat(
        [
            data.load_passages("practice_link", tuple(both.loc[~derived, "link_id"])),
            data.load_passages("joint_event_link", tuple(both.loc[derived, "link_id"])),
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
        quoted = frame.drop(columns=["document_id"]).merge(
            passages, left_on="link_id", right_on="entity_id", how="left"
        )
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
spread = network.practice_spread(
    links[links["evidence_type"].astype("string") != "joint_event"]
)  # named practices only
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
