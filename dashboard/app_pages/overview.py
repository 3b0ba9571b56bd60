"""Обзор: headline figures of the filtered view with change against the previous quarter, and data
coverage."""

import pandas as pd
import streamlit as st

from dashboard import data, filters
from dashboard.analysis import aggregations
from dashboard.app_pages.common import demo_notice
from dashboard.quarters import quarter_label
from loaders.model.vocabulary import GENRE_LABELS

catalogue = data.load_catalogue()
view = filters.current_view()

st.title("Атлас экологической и добровольческой активности")
demo_notice()

headlines = aggregations.headlines_from_counts(data.query_headlines(view))
last, previous = view.quarter_to, view.previous_quarter()

if last:
    st.subheader(f"Период: {quarter_label(view.quarter_from)} — {quarter_label(last)}")
    st.caption(f"Изменение: {quarter_label(last)} к {quarter_label(previous)}")
for column, headline in zip(st.columns(len(headlines)), headlines):
    column.metric(
        headline.label,
        f"{headline.total:,}".replace(",", " "),
        delta=f"{headline.delta:+d} за квартал" if last else None,
        help=f"{quarter_label(last)}: {headline.last_quarter}; {quarter_label(previous)}: "
        f"{headline.previous_quarter}"
        if last
        else None,
    )

st.subheader("Что охватывают данные")
summary = catalogue.summary
with_data = catalogue.quarters_with_data
left, right = st.columns(2)
with left:
    st.markdown(
        f"- Документов и таблиц: **{summary['documents']}**\n"
        f"- События: **{summary['events']}**, соглашения: **{summary['agreements']}**, "
        f"пункты отчётов: **{summary['report_items']}**, связи практик: "
        f"**{summary['practice_links']}**\n"
        + (
            f"- Период данных: **{quarter_label(with_data[0])} — {quarter_label(with_data[-1])}**\n"
            if with_data
            else ""
        )
        + f"- Регионов с событиями: **{summary['regions_with_events']}** из "
        f"{len(catalogue.regions)}"
    )
with right:
    labelled = [(GENRE_LABELS[g], n) for g, n in summary["genres"].items() if g in GENRE_LABELS]
    genres = (
        pd.DataFrame(labelled, columns=["Жанр", "Документов"])
        .groupby("Жанр")["Документов"]
        .sum()
        .sort_values(ascending=False, kind="stable")
    )
    st.dataframe(genres, width="stretch")
