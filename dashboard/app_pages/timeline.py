"""Хроника: measures per quarter, comparison of two quarters by region, calendar of a quarter,
council
reports against other sources, and source coverage."""

import datetime as dt
from dataclasses import replace

import pandas as pd
import streamlit as st

from dashboard.analysis import chronicle

from dashboard import data, figures, filters
from dashboard.analysis.aggregations import group_labels
from dashboard.analysis.queries import QueryView
from dashboard.app_pages.common import (
    demo_notice,
    download_buttons,
    mirror_to_url,
    url_choice,
)
from dashboard.presentation import EVENT_TYPE_COLOURS, count_phrase, merge_reason_text, readable
from dashboard.quarters import quarter_label, shift_quarter
from loaders.model.schema import column_label
from loaders.model.vocabulary import EVENT_TYPE_LABELS

SPLITS = {
    "event_type": "по типу",
    "topic": "по тематике",
    "region_code": "по региону",
    "none": "без разбивки",
}

catalogue = data.load_catalogue()
view = filters.current_view()
query_view = QueryView.from_filter(view)
names = catalogue.region_names
st.title("Хроника по кварталам")
demo_notice()

all_quarters = filters.quarter_span(catalogue.quarters_with_data)
range_quarters = view.quarters() or all_quarters


def over(first: str, last: str) -> QueryView:
    """The sidebar's view over another period (the comparison and the calendar pick their own)."""
    return replace(query_view, quarter_from=first, quarter_to=last)


def signed(number: int) -> str:
    """+3, −2 and a plain 0: no change is not a rise."""
    return f"+{number}" if number > 0 else (f"−{-number}" if number < 0 else "0")


CALENDAR_PAGE_ROWS = 500


def with_source_links(rows: pd.DataFrame) -> pd.DataFrame:
    """The calendar rows with a link to each event's passage (document and id columns dropped)."""
    links = [
        f"/explore?table=events&doc={d}&row={e}" if isinstance(d, str) else None
        for d, e in zip(rows["document_id"], rows["event_id"])
    ]
    return rows.drop(columns=["document_id", "event_id"]).assign(source=links)


def calendar_page_number(total: int) -> int:
    """The page of a quarter's calendar table shown now: a national quarter holds ~10,000 events
    and a tenfold store ~100,000, so the store sends one page of rows at a time."""
    pages = max(1, -(-total // CALENDAR_PAGE_ROWS))
    if pages == 1:
        return 0
    if st.session_state.get("calendar_page", 0) >= pages:  # another quarter had more rows
        st.session_state["calendar_page"] = 0
    return st.selectbox(
        "Строки таблицы",
        range(pages),
        format_func=lambda i: (
            f"{i * CALENDAR_PAGE_ROWS + 1}–{min(total, (i + 1) * CALENDAR_PAGE_ROWS)} из {total}"
        ),
        key="calendar_page",
    )


CALENDAR_COLUMNS = [
    "date_start",
    "date_end",
    "title",
    "event_type",
    "settlement_name",
    "region_code",
]


# ---------------------------------------------------------------- timeline
st.header("Динамика")
url_choice("chronicle_measure", "measure", list(chronicle.MEASURES), "events")
url_choice("timeline_split", "split", list(SPLITS), "event_type")
left, right = st.columns(2)
measure = left.selectbox(
    "Показатель",
    list(chronicle.MEASURES),
    format_func=chronicle.MEASURES.get,
    key="chronicle_measure",
)
split = right.radio(
    "Разбивка", list(SPLITS), format_func=SPLITS.get, horizontal=True, key="timeline_split"
)
mirror_to_url("measure", measure)
mirror_to_url("split", split)
timeline = (
    data.query_quarter_counts(
        over(range_quarters[0], range_quarters[-1]), measure, None if split == "none" else split
    )
    if range_quarters
    else chronicle.per_quarter(pd.DataFrame(), [], None, None)
)
labels = group_labels(split, catalogue.regions) if split != "none" else {}
if int(timeline["value"].sum()) == 0:
    st.info(
        f"{chronicle.MEASURES[measure]}: в выбранном периоде и фильтрах ничего нет. Это значит, "
        f"что "
        "в загруженных источниках нет таких записей, а не обязательно что активности не было."
    )
else:
    st.plotly_chart(
        figures.quarter_bar_figure(
            timeline.rename(columns={"value": "events"}),
            labels,
            f"{chronicle.MEASURES[measure]} по кварталам",
            EVENT_TYPE_COLOURS if split == "event_type" else None,
        ),
        width="stretch",
    )
st.caption("Многодневное событие учитывается один раз — в квартале, когда оно началось.")
download_buttons(
    timeline.assign(group=timeline["group"].map(lambda g: labels.get(g, g))).drop(
        columns="quarter"
    ),
    f"timeline_{measure}",
    "timeline_download",
)

# ---------------------------------------------------------------- comparison
st.header("Сравнение кварталов")
latest, previous, year_ago = chronicle.default_comparison(all_quarters, dt.date.today())
if latest is None:
    st.info("Нет завершённых кварталов для сравнения.")
else:
    options = all_quarters
    url_choice("compare_target", "target", options, latest)
    url_choice(
        "compare_base", "base", options + [q for q in (previous,) if q not in options], previous
    )
    left, middle, right = st.columns(3)
    target = left.selectbox("Квартал", options, format_func=quarter_label, key="compare_target")
    # a quarter is never compared with itself: the two columns of the table would share one name
    base_options = sorted(
        (set(options) | {shift_quarter(target, -1), shift_quarter(target, -4)}) - {target}
    )
    if st.session_state["compare_base"] not in base_options:
        st.session_state["compare_base"] = shift_quarter(target, -1)
    base = middle.selectbox(
        "Сравнить с", base_options, format_func=quarter_label, key="compare_base"
    )
    right.caption(
        f"По умолчанию — последний завершённый квартал к предыдущему. Тот же квартал годом раньше: "
        f"{quarter_label(shift_quarter(target, -4))}. «Мало данных» — база меньше "
        f"{chronicle.LOW_BASELINE}: процент от такой базы ничего не говорит."
    )
    mirror_to_url("target", target)
    mirror_to_url("base", base)
    last_eight = [q for q in (shift_quarter(target, -i) for i in range(7, -1, -1))]
    needed = sorted({base, *last_eight})
    counted = chronicle.counts_by_region(
        data.query_quarter_counts(over(needed[0], needed[-1]), measure, "region_code")
    )
    comparison = chronicle.compare_counts_with_year_ago(counted, base, target, catalogue.regions)
    year_ago_label = f"{quarter_label(shift_quarter(target, -4))} (год назад)"
    shown = comparison.assign(
        change=comparison["change"].map(signed),
        change_pct=comparison["change_pct"].map(
            lambda pct: "" if pd.isna(pct) else f"{signed(int(pct))} %"
        ),
    ).rename(
        columns={
            "name_short": "Регион",
            "region_code": "Код",
            "before": quarter_label(base),
            "after": quarter_label(target),
            "change": "Изменение",
            "change_pct": "Изменение, %",
            "band": "Оценка",
            "year_ago": year_ago_label,
            "band_year": "Оценка к году назад",
        }
    )
    st.dataframe(shown, width="stretch", hide_index=True)
    download_buttons(shown, f"comparison_{base}_{target}", "comparison_download")
    top_regions = comparison["region_code"].head(12).tolist()
    if top_regions:
        multiples = chronicle.small_multiples_from_counts(counted, last_eight, top_regions)
        st.plotly_chart(
            figures.small_multiples_figure(
                multiples, group_labels("region_code", catalogue.regions)
            ),
            width="stretch",
        )
        st.caption(
            f"Кварталы {quarter_label(last_eight[0])} — {quarter_label(last_eight[-1])} для "
            f"{count_phrase(len(top_regions), 'регион')} с наибольшим значением в выбранном "
            f"квартале."
        )

    # ------------------------------------------------------------ calendar
    st.header(f"Календарь: {quarter_label(target)}")
    first_rows, total = data.query_calendar(query_view, target, 0, CALENDAR_PAGE_ROWS)
    if total == 0:
        st.info("В этом квартале событий нет.")
    else:
        calendar = chronicle.with_bar_ends(first_rows)
        st.plotly_chart(
            figures.calendar_figure(calendar.head(150), EVENT_TYPE_LABELS), width="stretch"
        )
        if total > 150:
            st.caption(
                f"На диаграмме первые 150 из {total} событий; в таблице ниже — все, "
                f"по {CALENDAR_PAGE_ROWS} строк."
            )
        page = calendar_page_number(total)
        rows = (
            first_rows
            if page == 0
            else data.query_calendar(query_view, target, page, CALENDAR_PAGE_ROWS)[0]
        )
        listing = rows[[*CALENDAR_COLUMNS, "document_id", "event_id"]]
        st.dataframe(
            readable(with_source_links(listing), names),
            width="stretch",
            hide_index=True,
            column_config={
                column_label("source"): st.column_config.LinkColumn(
                    column_label("source"), display_text="открыть"
                )
            },
        )

        def whole_quarter(quarter: str = target, count: int = total) -> pd.DataFrame:
            """Every event of the quarter, fetched when a download is clicked."""
            return data.query_calendar(query_view, quarter, 0, count)[0][CALENDAR_COLUMNS]

        download_buttons(whole_quarter, f"calendar_{target}", "calendar_download")

# ---------------------------------------------------------------- council reports
st.header("Отчёты советов и другие источники")
reports = data.query_report_bodies(view.regions)  # the reconciliation follows the regions
if reports.empty:
    st.info(
        "Отчётов советов по выбранным регионам в данных нет."
        if view.regions
        else "Отчётов советов в данных нет."
    )
else:
    bodies = sorted(reports["reporting_body"].unique())
    url_choice("report_body", "body", bodies, bodies[0])
    body = st.selectbox("Орган", bodies, key="report_body")
    periods = sorted(reports.loc[reports["reporting_body"] == body, "quarter"].unique())
    url_choice("report_period", "period", periods, periods[-1])
    if st.session_state["report_period"] not in periods:
        st.session_state["report_period"] = periods[-1]
    period = st.selectbox("Период", periods, format_func=quarter_label, key="report_period")
    mirror_to_url("body", body)
    mirror_to_url("period", period)
    items, sources, in_scope = data.query_reconciliation_inputs(view.regions, body, period)
    reconciliation = chronicle.reconcile_report(items, sources, in_scope, body, period)
    counts = reconciliation["status"].value_counts()
    columns = st.columns(3)
    for column, status in zip(columns, ("подтверждено", "только в отчёте", "нет в отчёте")):
        column.metric(status.capitalize(), int(counts.get(status, 0)))
    reconciliation = reconciliation.assign(
        rule=reconciliation["rule"].map(lambda rule: merge_reason_text(rule, names) or rule)
    )
    st.dataframe(
        reconciliation.rename(
            columns={
                "status": "Статус",
                "item_number": "№",
                "date_start": "Дата",
                "title": "Мероприятие",
                "other_sources": "Других источников",
                "rule": "Почему",
            }
        ).drop(columns="event_id"),
        width="stretch",
        hide_index=True,
    )
    download_buttons(reconciliation.drop(columns="event_id"), f"report_{period}", "report_download")

# ---------------------------------------------------------------- coverage
st.header("Покрытие источниками")
source_kinds = (
    data.query_source_kinds(range_quarters[0], range_quarters[-1])
    if range_quarters
    else pd.DataFrame(columns=["region_code", "quarter", "kind"])
)
coverage = chronicle.coverage(source_kinds, catalogue.regions, range_quarters)
if view.regions:
    coverage = coverage[coverage["region_code"].isin(view.regions)]
with_sources = coverage[coverage["has_sources"]]
if with_sources.empty:
    st.info("За выбранный период ни один источник не говорит о выбранных регионах.")
else:
    st.plotly_chart(figures.coverage_figure(with_sources), width="stretch")
silent = sorted(set(coverage.loc[~coverage["has_sources"], "name_short"]))
st.caption(
    "Цвет — сколько видов источников (новости, письма, отчёты, таблицы) говорят о регионе в "
    "квартале. "
    "Пустая клетка — нет источников, а не «нет активности»."
    + (
        f" Регионы без единого источника за период ({len(silent)}): {', '.join(silent)}."
        if silent
        else ""
    )
)
download_buttons(coverage, "coverage", "coverage_download")
