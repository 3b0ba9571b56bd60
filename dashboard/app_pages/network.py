"""Сеть: practice links between regions as a directed network and a table of edges."""
import streamlit as st

from dashboard import aggregations, data, figures, filters
from dashboard.app_pages.common import demo_notice

atlas = data.load_atlas()
view = filters.current_view()

st.title("Сеть обмена практиками")
demo_notice(atlas)
st.caption("Стрелка ведёт от региона, чью практику перенимают, к региону, который её перенимает.")

links = filters.apply_to_links(atlas.practice_links, view)
edges = aggregations.practice_edges(links)
top = st.slider("Показать самых сильных связей", 5, max(5, min(200, len(edges))), min(40, max(5, len(edges))), key="network_top") if len(edges) > 5 else len(edges)
shown = edges.head(top)

regions = atlas.regions
roles = aggregations.region_roles(edges)
activity = roles.set_index("region_code")[["teaches", "learns"]].sum(axis=1)
involved = set(shown["from_region"]) | set(shown["to_region"])
nodes = regions[regions["region_code"].isin(involved)].assign(
    activity=lambda frame: frame["region_code"].map(activity).fillna(0)
)

left, middle, right = st.columns(3)
left.metric("Связей (доказательств)", len(links))
middle.metric("Пар регионов", len(edges))
right.metric("Регионов в сети", len(set(edges["from_region"]) | set(edges["to_region"])))

if edges.empty:
    st.info("В выбранном периоде и регионах связей практик нет.")
else:
    if len(shown) < len(edges):
        st.caption(f"Показаны {len(shown)} самых сильных из {len(edges)} пар регионов.")
    st.plotly_chart(figures.network_figure(shown, nodes), width="stretch")

names = dict(zip(regions["region_code"], regions["name_short"]))
st.subheader("Связи между регионами")
st.dataframe(
    edges.assign(
        from_name=edges["from_region"].map(names), to_name=edges["to_region"].map(names)
    )[["from_name", "to_name", "weight", "evidence", "practices"]].rename(columns={
        "from_name": "Чью практику перенимают", "to_name": "Кто перенимает", "weight": "Доказательств",
        "evidence": "Тип подтверждения", "practices": "Практики",
    }),
    width="stretch", hide_index=True,
)
st.subheader("Роли регионов")
st.dataframe(
    roles.assign(region=roles["region_code"].map(names))[["region", "region_code", "teaches", "learns"]].rename(
        columns={"region": "Регион", "region_code": "Код", "teaches": "Делится опытом", "learns": "Перенимает"}
    ),
    width="stretch", hide_index=True,
)
