"""Activity Atlas entrypoint: page config, shared sidebar filters, source line, and page routing."""

import streamlit as st

from dashboard import account, data, filters
from dashboard.app_pages.common import source_line

st.set_page_config(page_title="Атлас активности", page_icon="🗺️", layout="wide")

PAGES = [
    st.Page("app_pages/overview.py", title="Обзор", icon="📊", url_path="overview", default=True),
    st.Page("app_pages/map_view.py", title="Карта", icon="🗺️", url_path="map"),
    st.Page("app_pages/timeline.py", title="Хроника", icon="📅", url_path="timeline"),
    st.Page("app_pages/network.py", title="Сеть", icon="🔗", url_path="network"),
    st.Page("app_pages/explore.py", title="Данные", icon="🔎", url_path="explore"),
    st.Page("app_pages/upload.py", title="Загрузка", icon="📤", url_path="upload"),
    st.Page("app_pages/review.py", title="Проверка", icon="✅", url_path="review"),
]

navigation = st.navigation(PAGES)
if data.store_available() and not data.store_is_current():
    st.error(data.OUTDATED_MESSAGE)  # no server path: readers need the command, not the file
    st.stop()
if account.render_account_box() is None and account.login_required():
    st.info("Атлас закрыт: войдите, чтобы читать данные.")
    st.stop()
BUSY_MESSAGE = "Хранилище сейчас занято загрузкой новых данных. Обновите страницу через минуту."
try:
    catalogue = data.load_catalogue()  # a few small queries, not the tables: pages ask the store
except data.StoreBusyError:
    st.warning(BUSY_MESSAGE, icon="⏳")
    st.stop()
if catalogue is None:
    # no server path here: readers see what to do, not where the server keeps its files
    st.error(
        "База данных ещё не создана. Соберите демо-базу командой `python -m loaders build-demo`, "
        "начните пустую — `python -m loaders new`, или загрузите свои таблицы: "
        "`python -m loaders load ПУТЬ`."
    )
    st.stop()
if catalogue.is_stale:
    st.warning(
        "Идёт загрузка новых данных в хранилище: показаны данные, прочитанные до её начала. "
        "Обновите страницу, когда загрузка закончится.",
        icon="⏳",
    )
st.session_state["view"] = filters.render_sidebar(catalogue)
st.sidebar.caption(f"Источник: {source_line(catalogue)}")
try:
    with data.page_run():  # the page's queries share one read connection
        navigation.run()
except data.StoreBusyError:  # a page asked for something not read before the load began
    st.warning(BUSY_MESSAGE, icon="⏳")
