"""Activity Atlas entrypoint: page config, shared sidebar filters, and page routing."""

import streamlit as st

from dashboard import data, filters

st.set_page_config(page_title="Атлас активности", page_icon="🗺️", layout="wide")

PAGES = [
    st.Page("app_pages/overview.py", title="Обзор", icon="📊", url_path="overview", default=True),
    st.Page("app_pages/map_view.py", title="Карта", icon="🗺️", url_path="map"),
    st.Page("app_pages/timeline.py", title="Хроника", icon="📅", url_path="timeline"),
    st.Page("app_pages/network.py", title="Сеть", icon="🔗", url_path="network"),
    st.Page("app_pages/explore.py", title="Данные", icon="🔎", url_path="explore"),
]

navigation = st.navigation(PAGES)
if data.store_path().exists() and not data.store_is_current():
    st.error(f"{data.store_path()}: {data.OUTDATED_MESSAGE}")
    st.stop()
atlas = data.load_atlas()
if atlas is None:
    st.error(
        f"База данных не найдена: {data.store_path()}. Соберите демо-базу командой "
        "`python -m loaders build-demo` или загрузите свои таблицы: `python -m loaders load ПУТЬ`."
    )
    st.stop()
st.session_state["view"] = filters.render_sidebar(atlas.events, atlas.regions)
navigation.run()
