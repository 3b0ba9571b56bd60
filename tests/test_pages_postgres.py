"""Every page of dashboard/app.py on a PostgreSQL store: the demonstration store moved onto the
server with `migrate` (as a team would move theirs), opened in AppTest, renders without an exception
and shows the same main elements (metrics, tables, charts, maps, messages) as on the DuckDB file it
came from, in the default view and in a filtered one. The DuckDB rendering is the oracle: nothing
here is a hard-coded figure."""

from __future__ import annotations

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest
from test_page_sweep import APP, page_files

from loaders.store.transfer import migrate_store

pytestmark = pytest.mark.requires("postgres")

# A narrower view than the default: one region, one year, confirmed facts only.
FILTERED_VIEW = {"region": "RU-KHM", "from": "2024Q1", "to": "2024Q4", "confirmed": "1"}
MAIN_KINDS = ("metric", "dataframe", "table", "plotly_chart", "json")
TEXT_KINDS = ("title", "header", "subheader", "caption", "info", "warning", "error", "success")


@pytest.fixture(scope="module")
def demo_on_server(demo_db, pg_cluster) -> str:
    url = pg_cluster.new_database()
    migrate_store(demo_db, url)
    return url


def _open(store, monkeypatch, page: str, params: dict) -> AppTest:
    monkeypatch.setenv("ATLAS_DB", str(store))
    at = AppTest.from_file(APP, default_timeout=120)
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    at.switch_page(page).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _frame_digest(frame: pd.DataFrame) -> tuple:
    """Columns, length and the sorted rows as text (row order of ties may differ by engine)."""
    rows = sorted(
        "|".join("" if pd.isna(v) else str(v) for v in row) for row in frame.astype(object).values
    )
    return tuple(frame.columns), len(frame), tuple(rows)


def main_elements(at: AppTest) -> dict[str, list]:
    """What a reader sees on the page, element kind by kind."""
    shown: dict[str, list] = {}
    shown["metric"] = [(m.label, m.value) for m in at.metric]
    shown["dataframe"] = [_frame_digest(d.value) for d in at.dataframe]
    shown["plotly_chart"] = [len(element.proto.spec) > 0 for element in at.get("plotly_chart")]
    shown["component"] = [type(element).__name__ for element in at.get("component_instance")]
    for kind in TEXT_KINDS:
        shown[kind] = [getattr(element, "value", "") for element in getattr(at, kind)]
    return shown


@pytest.mark.parametrize("view", [{}, FILTERED_VIEW], ids=["default", "filtered"])
@pytest.mark.parametrize("page", page_files())
def test_the_page_on_the_server_shows_what_it_shows_on_the_file(
    page, view, demo_on_server, demo_db, monkeypatch
):
    on_server = main_elements(_open(demo_on_server, monkeypatch, page, view))
    on_file = main_elements(_open(demo_db, monkeypatch, page, view))
    assert any(on_server[kind] for kind in ("metric", "dataframe", "plotly_chart", "info")), (
        f"{page}: nothing drawn on the server store"
    )
    differing = {
        kind: (on_server[kind], on_file[kind])
        for kind in on_file
        if on_server[kind] != on_file[kind]
    }
    assert not differing, differing
