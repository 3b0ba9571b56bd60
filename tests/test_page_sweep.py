"""Every page × every widget state: open each page of dashboard/app.py in AppTest and work every
toggle, checkbox, radio, selectbox and select slider on it, and the sidebar filters; any exception
fails.

The pages are read from app.py and the widgets from the rendered tree, so a new page or widget is
covered without anyone remembering to add it. Options are chosen by their position, as a click in
the browser does (AppTest's own set_value wants the raw value, which a format_func hides).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from streamlit.proto.WidgetStates_pb2 import WidgetState
from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[1]
APP = str(ROOT / "dashboard" / "app.py")
MAX_OPTIONS = 4  # per widget: first, last and evenly spaced ones between
SWEPT_KINDS = ("toggle", "checkbox", "radio", "selectbox", "select_slider")
CHOICE_KINDS = ("radio", "selectbox")  # tried again with each switch flipped


def page_files() -> list[str]:
    """Every page routed by the entrypoint, in its order."""
    source = (ROOT / "dashboard" / "app.py").read_text(encoding="utf-8")
    return re.findall(r"st\.Page\(\s*[\"']([^\"']+\.py)[\"']", source)


def sample_positions(count: int, limit: int = MAX_OPTIONS) -> list[int]:
    """Positions of a bounded, evenly spread sample of `count` options (first and last included)."""
    if count <= limit:
        return list(range(count))
    step = (count - 1) / (limit - 1)
    return sorted({round(i * step) for i in range(limit)})


def choose_position(widget, position: int) -> None:
    """Make the next run see option `position` chosen, sending its shown label as the browser
    does."""
    label = widget.options[position]
    if widget.type == "select_slider":
        current = widget._widget_state.string_array_value.data
        labels = [label, label] if len(current) == 2 else [label]

        def state(self) -> WidgetState:
            chosen = WidgetState(id=self.id)
            chosen.string_array_value.data[:] = labels
            return chosen

        overrides = {"_widget_state": property(state)}
    else:
        overrides = {"index": property(lambda self: position)}
    widget.__class__ = type(f"Chosen{type(widget).__name__}", (type(widget),), overrides)


def widget_ids(at: AppTest, kind: str) -> list[str]:
    return [widget.id for widget in getattr(at, kind)]


def find(at: AppTest, kind: str, widget_id: str):
    return next((widget for widget in getattr(at, kind) if widget.id == widget_id), None)


def failure(at: AppTest, what: str) -> str | None:
    if not at.exception:
        return None
    return f"{what}: {at.exception[0].value[:400]}"


def open_page(page: str, **params) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120)
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    at.switch_page(page).run()
    return at


def sweep_widgets(
    at: AppTest, page: str, context: str, kinds: tuple[str, ...] = SWEPT_KINDS
) -> tuple[list[str], int]:
    """Try every option of every widget on the page in its current state; return failures,
    states."""
    failures, states = [], 0
    for kind in kinds:
        for widget_id in widget_ids(at, kind):
            widget = find(at, kind, widget_id)
            if widget is None:
                continue  # hidden by an earlier choice
            if kind in ("toggle", "checkbox"):
                trials = [not widget.value, widget.value]
            else:
                original = widget.index if kind != "select_slider" else None
                trials = [p for p in sample_positions(len(widget.options)) if p != original]
                trials += [original] if original is not None else []
            for trial in trials:
                widget = find(at, kind, widget_id)
                if widget is None:
                    break
                if kind in ("toggle", "checkbox"):
                    widget.set_value(trial)
                else:
                    choose_position(widget, trial)
                at.run()
                states += 1
                shown = trial if kind in ("toggle", "checkbox") else widget.options[trial]
                problem = failure(at, f"{page} [{context}] {kind} «{widget.label}» = {shown!r}")
                if problem:
                    failures.append(problem)
                    at = open_page(page)
                    break
    return failures, states


def switch_ids(at: AppTest) -> list[tuple[str, str]]:
    return [(kind, widget.id) for kind in ("toggle", "checkbox") for widget in getattr(at, kind)]


@pytest.fixture()
def demo_app(demo_db, use_db):
    use_db(demo_db)


@pytest.mark.parametrize("page", page_files())
def test_every_widget_state_of_the_page(page, demo_app):
    """The default view, then each switch flipped on its own with every other widget tried again
    (so a region is also chosen with joint events off, for example)."""
    at = open_page(page)
    assert not at.exception, failure(at, f"{page} (open)")
    failures, states = sweep_widgets(at, page, "default")
    for kind, switch_id in switch_ids(open_page(page)):
        at = open_page(page)
        switch = find(at, kind, switch_id)
        context = f"{kind} «{switch.label}» = {not switch.value}"
        switch.set_value(not switch.value).run()
        problem = failure(at, f"{page} [{context}]")
        if problem:
            failures.append(problem)
            continue
        more, more_states = sweep_widgets(at, page, context, CHOICE_KINDS)
        failures += more
        states += more_states
    assert not failures, "\n".join(failures)
    assert states > 0


def sidebar_states(demo_db) -> list[dict]:
    """URL filters a user can set in the sidebar: each region, type and topic (sampled), one
    quarter,
    and a region with no data at all (an empty selection)."""
    import duckdb

    with duckdb.connect(str(demo_db), read_only=True) as connection:
        with_events = [
            row[0]
            for row in connection.execute(
                "SELECT DISTINCT region_code FROM events WHERE region_code IS NOT NULL ORDER BY 1"
            ).fetchall()
        ]
        without = connection.execute(
            "SELECT region_code FROM regions WHERE region_code NOT IN "
            "(SELECT region_code FROM events WHERE region_code IS NOT NULL) "
            "AND region_code NOT IN (SELECT from_region FROM practice_links) "
            "AND region_code NOT IN (SELECT to_region FROM practice_links) ORDER BY 1 LIMIT 1"
        ).fetchone()[0]
        quarters = [
            row[0]
            for row in connection.execute(
                "SELECT DISTINCT year(date_start) || 'Q' || quarter(date_start) FROM events "
                "ORDER BY 1"
            ).fetchall()
        ]
    from loaders.model.vocabulary import EVENT_TYPES, TOPICS

    return [
        {"region": without},
        {"region": with_events[0]},
        {"region": with_events[-1], "type": EVENT_TYPES[0]},
        {"type": EVENT_TYPES[-2], "topic": TOPICS[1]},
        {"from": quarters[0], "to": quarters[0]},
        {"from": quarters[-1], "to": quarters[-1]},
    ]


@pytest.mark.parametrize("page", page_files())
def test_every_page_under_sidebar_filters(page, demo_db, demo_app):
    """Each page under each sampled sidebar filter, including a region with no data: no exception,
    and the page's own widgets still work in the empty view."""
    failures = []
    for params in sidebar_states(demo_db):
        at = open_page(page, **params)
        problem = failure(at, f"{page} with {params}")
        if problem:
            failures.append(problem)
    empty = sidebar_states(demo_db)[0]
    at = open_page(page, **empty)
    more, _ = sweep_widgets(at, page, f"empty view {empty}")
    assert not failures + more, "\n".join(failures + more)
