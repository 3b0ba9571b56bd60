"""Shared sidebar filters: kept in st.session_state and mirrored in st.query_params, so a URL
reopens a view.

The pure part (ViewFilter, apply_*) has no Streamlit calls and is unit-tested directly.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import streamlit as st

from dashboard.quarters import quarter_label, quarter_range, shift_quarter
from dashboard.presentation import count_phrase
from loaders.model.vocabulary import EVENT_TYPE_LABELS, TOPIC_LABELS

QUARTER_KEY, REGIONS_KEY, TYPES_KEY, TOPICS_KEY = "f_quarters", "f_regions", "f_types", "f_topics"
CONFIRMED_KEY, PARAM_CONFIRMED = "f_confirmed", "confirmed"
HIDE_DEMO_KEY = "f_hide_demo"
PARAM_FROM, PARAM_TO, PARAM_REGION, PARAM_TYPE, PARAM_TOPIC = (
    "from",
    "to",
    "region",
    "type",
    "topic",
)
_INITIALISED = "_filters_from_url"


@dataclass(frozen=True)
class ViewFilter:
    """What the user is looking at: a quarter range and optional region, type and topic
    selections."""

    quarter_from: str | None = None
    quarter_to: str | None = None
    regions: tuple[str, ...] = ()
    event_types: tuple[str, ...] = ()
    topics: tuple[str, ...] = ()
    hide_demo: bool = False  # leave out rows read only from demo documents
    confirmed_only: bool = False  # «только подтверждённые»: leave out proposed (unreviewed) rows

    def quarters(self) -> list[str]:
        if not self.quarter_from or not self.quarter_to:
            return []
        return quarter_range(self.quarter_from, self.quarter_to)

    def previous_quarter(self) -> str | None:
        return shift_quarter(self.quarter_to, -1) if self.quarter_to else None


def _reviewed(frame: pd.DataFrame, view: ViewFilter) -> pd.Series:
    """True for rows the view shows by status (rejected rows never reach the pages)."""
    if not view.confirmed_only or "status" not in frame:
        return pd.Series(True, index=frame.index)
    return frame["status"].astype("string").eq("confirmed").fillna(False).astype(bool)


def describe(view: ViewFilter, region_names: dict[str, str]) -> list[str]:
    """The filters in effect, in Russian, one line each (written into every download)."""
    period = (
        f"{quarter_label(view.quarter_from)} — {quarter_label(view.quarter_to)}"
        if view.quarter_from
        else "все даты"
    )
    return (
        [
            f"период: {period}",
            "регионы: " + (", ".join(region_names.get(c, c) for c in view.regions) or "все"),
            "типы мероприятий: "
            + (", ".join(EVENT_TYPE_LABELS.get(t, t) for t in view.event_types) or "все"),
            "тематика: " + (", ".join(TOPIC_LABELS.get(t, t) for t in view.topics) or "все"),
        ]
        + (["демонстрационные данные скрыты"] if view.hide_demo else [])
        + (["только подтверждённые"] if view.confirmed_only else [])
    )


def _not_demo(frame: pd.DataFrame, view: ViewFilter) -> pd.Series:
    if not view.hide_demo or "is_demo" not in frame:
        return pd.Series(True, index=frame.index)
    return ~frame["is_demo"].fillna(False).astype(bool)


def _in_quarters(quarters: pd.Series, view: ViewFilter) -> pd.Series:
    if not view.quarter_from:
        return pd.Series(True, index=quarters.index)
    if isinstance(quarters.dtype, pd.CategoricalDtype):
        # compare the few categories, then pick by code: casting 100,000 rows to strings cost ~40 ms
        categories = quarters.cat.categories.astype("string")
        wanted = ((categories >= view.quarter_from) & (categories <= view.quarter_to)).to_numpy(
            dtype=bool, na_value=False
        )
        # code -1 (no quarter) picks the appended False, also when there are no categories at all
        wanted = np.append(wanted, False)
        return pd.Series(wanted[quarters.cat.codes.to_numpy()], index=quarters.index)
    keys = quarters.astype("string")
    return ((keys >= view.quarter_from) & (keys <= view.quarter_to)).fillna(False)


def apply_to_events(
    events: pd.DataFrame, view: ViewFilter, ignore_period: bool = False
) -> pd.DataFrame:
    """Events in the view: the quarter the event starts in, its host region, type and topic."""
    mask = (
        pd.Series(True, index=events.index)
        if ignore_period
        else _in_quarters(events["quarter"], view)
    )
    mask &= _not_demo(events, view)
    if view.regions:
        mask &= events["region_code"].isin(view.regions)
    if view.event_types:
        mask &= events["event_type"].isin(view.event_types)
    if view.topics:
        mask &= events["topic"].isin(view.topics)
    return events[mask & _reviewed(events, view)]


def apply_to_agreements(
    agreements: pd.DataFrame, view: ViewFilter, ignore_period: bool = False
) -> pd.DataFrame:
    """Agreements signed in the period and (if regions are chosen) in those regions."""
    mask = (
        pd.Series(True, index=agreements.index)
        if ignore_period
        else _in_quarters(agreements["quarter"], view)
    )
    mask &= _not_demo(agreements, view)
    if view.regions:
        mask &= agreements["region_code"].isin(view.regions)
    return agreements[mask & _reviewed(agreements, view)]


def apply_to_links(
    links: pd.DataFrame, view: ViewFilter, ignore_period: bool = False
) -> pd.DataFrame:
    """Practice links dated in the period (undated links are kept) touching a chosen region at
    either end."""
    if ignore_period or not view.quarter_from:
        mask = pd.Series(True, index=links.index)
    else:
        mask = _in_quarters(links["quarter"], view) | links["quarter"].isna()
    mask &= _not_demo(links, view)
    if view.regions:
        mask &= links["from_region"].isin(view.regions) | links["to_region"].isin(view.regions)
    return links[mask & _reviewed(links, view)]


def apply_to_report_items(items: pd.DataFrame, view: ViewFilter) -> pd.DataFrame:
    """Report items of reporting periods in the range and of the chosen regions."""
    mask = _in_quarters(items["quarter"], view) & _not_demo(items, view)
    if view.regions:
        mask &= items["region_code"].isin(view.regions)
    return items[mask & _reviewed(items, view)]


def quarters_with_data(quarters: pd.Series) -> list[str]:
    """The distinct quarters present, sorted (by category codes when categorical: no string cast of
    every row)."""
    if isinstance(quarters.dtype, pd.CategoricalDtype):
        codes = pd.unique(quarters.cat.codes.to_numpy())
        present = quarters.cat.categories[codes[codes >= 0]]
        return sorted(str(q) for q in present)
    return sorted(quarters.astype("string").dropna().unique())


def available_quarters(events: pd.DataFrame) -> list[str]:
    """Every quarter from the first to the last event (gaps included, so empty quarters show as
    zero)."""
    if events.empty:
        return []
    return quarter_span(quarters_with_data(events["quarter"]))


def quarter_span(with_data: list[str]) -> list[str]:
    """Every quarter from the first to the last of the sorted quarters with data (gaps
    included)."""
    return quarter_range(with_data[0], with_data[-1]) if with_data else []


DEFAULT_QUARTERS = 8


def default_range(events: pd.DataFrame, count: int = DEFAULT_QUARTERS) -> tuple[str, str] | None:
    """The default period: from the earliest to the latest of the last `count` quarters that have
    events, so one old article does not stretch every page over years of empty quarters."""
    if events.empty:
        return None
    return default_range_of(quarters_with_data(events["quarter"]), count)


def default_range_of(with_data: list[str], count: int = DEFAULT_QUARTERS) -> tuple[str, str] | None:
    """default_range over the sorted quarters that have events."""
    if not with_data:
        return None
    recent = with_data[-count:]
    return recent[0], recent[-1]


def left_out_of_default(events: pd.DataFrame, first: str) -> tuple[int, str | None]:
    """How many events start before the default period, and the earliest quarter among them."""
    earlier = _in_quarters(events["quarter"], ViewFilter("1000Q1", shift_quarter(first, -1)))
    if not earlier.any():
        return 0, None
    return int(earlier.sum()), quarters_with_data(events.loc[earlier, "quarter"])[0]


def left_out_of_default_of(event_quarters: pd.DataFrame, first: str) -> tuple[int, str | None]:
    """left_out_of_default over events per quarter (quarter, events: the store's catalogue)."""
    earlier = event_quarters[event_quarters["quarter"] < first]
    if earlier.empty:
        return 0, None
    return int(earlier["events"].sum()), str(earlier["quarter"].min())


# ---------------------------------------------------------------- Streamlit side


def _valid(values: list[str], options: list[str]) -> list[str]:
    return [value for value in values if value in options]


def _seed_state_from_url(
    quarters: list[str], regions: list[str], default: tuple[str, str] | None
) -> None:
    """On the first run of a session, copy the URL's filters into the widgets' state."""
    if st.session_state.get(_INITIALISED):
        return
    params = st.query_params
    first, last = params.get(PARAM_FROM), params.get(PARAM_TO)
    if quarters:
        first = first if first in quarters else default[0]
        last = last if last in quarters else default[1]
        st.session_state[QUARTER_KEY] = (first, last) if first <= last else (last, first)
    st.session_state[REGIONS_KEY] = _valid(params.get_all(PARAM_REGION), regions)
    st.session_state[TYPES_KEY] = _valid(params.get_all(PARAM_TYPE), list(EVENT_TYPE_LABELS))
    st.session_state[TOPICS_KEY] = _valid(params.get_all(PARAM_TOPIC), list(TOPIC_LABELS))
    st.session_state[CONFIRMED_KEY] = params.get(PARAM_CONFIRMED) == "1"
    st.session_state[_INITIALISED] = True


def _mirror_state_to_url(view: ViewFilter, default: tuple[str, str] | None) -> None:
    wanted: dict[str, str | list[str]] = {}
    if view.quarter_from and (view.quarter_from, view.quarter_to) != default:
        wanted[PARAM_FROM], wanted[PARAM_TO] = view.quarter_from, view.quarter_to
    for key, values in (
        (PARAM_REGION, view.regions),
        (PARAM_TYPE, view.event_types),
        (PARAM_TOPIC, view.topics),
    ):
        if values:
            wanted[key] = list(values)
    if view.confirmed_only:
        wanted[PARAM_CONFIRMED] = "1"
    for key in (PARAM_FROM, PARAM_TO, PARAM_REGION, PARAM_TYPE, PARAM_TOPIC, PARAM_CONFIRMED):
        current = st.query_params.get_all(key)
        target = wanted.get(key)
        target_list = [target] if isinstance(target, str) else (target or [])
        if current != target_list:
            if target_list:
                st.query_params[key] = target
            else:
                del st.query_params[key]


_PENDING_REGIONS = "_pending_regions"


def request_regions(codes: list[str]) -> None:
    """Ask for a region selection from a page (e.g. a map click); applied before the sidebar is
    drawn
    on the next run, because a widget's state cannot change after the widget exists."""
    st.session_state[_PENDING_REGIONS] = list(codes)


def render_sidebar(catalogue) -> ViewFilter:
    """Draw the shared filters in the sidebar from the store's catalogue (data.Catalogue: regions,
    events per quarter, demo rows) and return the view they define."""
    with_data = catalogue.quarters_with_data
    quarters = quarter_span(with_data)
    default = default_range_of(with_data)
    region_names = catalogue.region_names
    region_codes = sorted(region_names, key=lambda code: region_names[code])
    _seed_state_from_url(quarters, region_codes, default)
    if _PENDING_REGIONS in st.session_state:
        st.session_state[REGIONS_KEY] = _valid(st.session_state.pop(_PENDING_REGIONS), region_codes)
    chosen = st.session_state.get(QUARTER_KEY)
    if quarters and (not chosen or not set(chosen) <= set(quarters)):
        st.session_state[QUARTER_KEY] = default
    with st.sidebar:
        st.header("Фильтры")
        if len(quarters) > 1:
            first, last = st.select_slider(
                "Период (кварталы)", options=quarters, key=QUARTER_KEY, format_func=quarter_label
            )
        else:
            first = last = quarters[0] if quarters else None
        if default and first == default[0]:
            _offer_whole_range(catalogue.event_quarters, default, quarters)
        chosen_regions = st.multiselect(
            "Регионы",
            region_codes,
            key=REGIONS_KEY,
            format_func=lambda c: f"{region_names[c]} ({c})",
            placeholder="Все регионы",
        )
        chosen_types = st.multiselect(
            "Типы мероприятий",
            list(EVENT_TYPE_LABELS),
            key=TYPES_KEY,
            format_func=EVENT_TYPE_LABELS.get,
            placeholder="Все типы",
        )
        chosen_topics = st.multiselect(
            "Тематика",
            list(TOPIC_LABELS),
            key=TOPICS_KEY,
            format_func=TOPIC_LABELS.get,
            placeholder="Все темы",
        )
        confirmed_only = st.toggle(
            "только подтверждённые",
            key=CONFIRMED_KEY,
            help="Скрыть предложенные (ещё не проверенные) факты, извлечённые из документов",
        )
        hide_demo = _demo_switch(catalogue.summary["demo_events"])
    view = ViewFilter(
        first,
        last,
        tuple(chosen_regions),
        tuple(chosen_types),
        tuple(chosen_topics),
        hide_demo,
        confirmed_only=confirmed_only,
    )
    _mirror_state_to_url(view, default)
    return view


def _demo_switch(demo_events: str) -> bool:
    """Once the store holds the user's own rows beside demo rows ("some" events are demo), a
    switch (on by default) hides the demo rows, so the two never mix silently."""
    if demo_events != "some":
        return False
    return st.toggle(
        "Скрыть демо-данные",
        value=True,
        key=HIDE_DEMO_KEY,
        help="В хранилище есть и ваши данные, и демонстрационные. Включено — показаны только ваши.",
    )


def _include_everything(quarters: list[str]) -> None:
    st.session_state[QUARTER_KEY] = (quarters[0], quarters[-1])


def _offer_whole_range(
    event_quarters: pd.DataFrame, default: tuple[str, str], quarters: list[str]
) -> None:
    """Say what the default period leaves out, with one click to include it."""
    count, earliest = left_out_of_default_of(event_quarters, default[0])
    if not count:
        return
    st.caption(
        f"По умолчанию — последние {DEFAULT_QUARTERS} кварталов с данными. Раньше "
        f"{quarter_label(default[0])}: {count_phrase(count, 'событие')} (с "
        f"{quarter_label(earliest)})."
    )
    st.button(
        "Показать весь период",
        key="f_whole_range",
        on_click=_include_everything,
        args=(quarters,),
    )


def current_view() -> ViewFilter:
    """The view set by the sidebar in this run (read by pages)."""
    return st.session_state.get("view", ViewFilter())
