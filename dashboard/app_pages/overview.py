"""Обзор: headline figures of the filtered view with change against the previous quarter, and data
coverage."""

import streamlit as st

from dashboard.analysis import aggregations

from dashboard import data, filters
from dashboard.app_pages.common import demo_notice
from dashboard.quarters import quarter_label
from loaders.model.vocabulary import GENRE_LABELS

atlas = data.load_atlas()
view = filters.current_view()

st.title("Атлас экологической и добровольческой активности")
demo_notice(atlas)

in_period = {
    "events": filters.apply_to_events(atlas.events, view),
    "agreements": filters.apply_to_agreements(atlas.agreements, view),
    "links": filters.apply_to_links(atlas.practice_links, view),
}
any_period = {
    "events": filters.apply_to_events(atlas.events, view, ignore_period=True),
    "agreements": filters.apply_to_agreements(atlas.agreements, view, ignore_period=True),
    "links": filters.apply_to_links(atlas.practice_links, view, ignore_period=True),
}
last, previous = view.quarter_to, view.previous_quarter()
headlines = aggregations.headline_figures(in_period, any_period, last, previous)

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
documents = atlas.documents
events = atlas.events
left, right = st.columns(2)
with left:
    st.markdown(
        f"- Документов и таблиц: **{len(documents)}**\n"
        f"- События: **{len(events)}**, соглашения: **{len(atlas.agreements)}**, "
        f"пункты отчётов: **{len(atlas.report_items)}**, связи практик: "
        f"**{len(atlas.practice_links)}**\n"
        + (
            f"- Период данных: **{quarter_label(events['quarter'].astype('string').min())} — "
            f"{quarter_label(events['quarter'].astype('string').max())}**\n"
            if not events.empty
            else ""
        )
        + f"- Регионов с событиями: **{events['region_code'].nunique()}** из {len(atlas.regions)}"
    )
with right:
    genres = (
        documents["genre"]
        .astype("string")
        .map(GENRE_LABELS)
        .value_counts()
        .rename_axis("Жанр")
        .rename("Документов")
    )
    st.dataframe(genres, width="stretch")
