"""What comes from documents is shown as text, never run: no Markdown image, no Plotly link, no
formula; and a load that holds the store's lock does not break the dashboard."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from loaders.cli import build_parser
from loaders.pipeline.ingest import ingest_documents
from loaders.pipeline.load_tables import load_tables

ROOT = Path(__file__).resolve().parents[1]
APP = str(ROOT / "dashboard" / "app.py")
IMAGE_TITLE = "![x](http://127.0.0.1:9/pixel.png) Форум «Чистый берег»"
LINK_TITLE = "<a href='http://127.0.0.1:9/'>Субботник</a>"


@pytest.fixture(scope="module")
def hostile_db(tmp_path_factory) -> Path:
    """A store read from two documents of our own whose titles try to be Markdown and HTML."""
    folder = tmp_path_factory.mktemp("hostile")
    (folder / "news_`rm -rf`.txt").write_text(
        f"{IMAGE_TITLE}\n\n14 октября 2023 года в Сургуте прошёл экологический форум «Чистый "
        "берег». "
        "Участники из Нягани обсудили уборку берегов Оби.\n",
        encoding="utf-8",
    )
    db = folder / "hostile.duckdb"
    summary = ingest_documents([folder], db, workers=1)
    assert not summary.failed, summary.failed
    table = folder / "tables" / "events.csv"
    table.parent.mkdir()
    table.write_text(
        "Дата,Мероприятие,Тип,Тематика,Город,Регион\n"
        f'20.05.2023,"{LINK_TITLE}",акция,экология,Тюмень,Тюменская область\n'
        '21.05.2023,=HYPERLINK("http://127.0.0.1:9"),акция,экология,Тюмень,Тюменская область\n',
        encoding="utf-8",
    )
    loaded = load_tables([table], db)
    assert not loaded.failed, loaded.failed
    return db


def _markdown_bodies(at: AppTest) -> list[str]:
    kinds = ("markdown", "caption", "title", "header", "subheader", "info", "warning", "error")
    return [element.value for kind in kinds for element in at.get(kind)]


def test_document_titles_and_file_names_are_text_not_markdown(hostile_db, use_db):
    use_db(hostile_db)
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    at.switch_page("app_pages/explore.py").run()
    assert not at.exception
    import duckdb

    with duckdb.connect(str(hostile_db), read_only=True) as connection:
        (document_id,) = connection.execute(
            "SELECT document_id FROM documents WHERE file_name LIKE '%rm -rf%'"
        ).fetchone()
    at.selectbox(key="explore_document").set_value(document_id).run()
    assert not at.exception
    shown = " ".join(element.proto.body for element in at.get("html"))
    assert "pixel.png" in shown and "rm -rf" in shown  # the title and file name are there, as text
    markdown = " ".join(_markdown_bodies(at))
    assert "](http" not in markdown and "`rm -rf`" not in markdown
    html_bodies = " ".join(element.proto.body for element in at.get("html"))
    assert "<img" not in html_bodies


def test_titles_in_plotly_charts_are_escaped(hostile_db, use_db):
    use_db(hostile_db)
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params["target"] = "2023Q2"
    at.run()
    at.switch_page("app_pages/timeline.py").run()
    assert not at.exception
    specs = [json.loads(chart.proto.spec) for chart in at.get("plotly_chart")]
    text = json.dumps(specs, ensure_ascii=False)
    assert "<a href" not in text
    assert "&lt;a href" in text  # the calendar shows the title, as text


def test_new_store_is_empty_and_every_page_opens(tmp_path, use_db):
    target = tmp_path / "own.duckdb"
    arguments = build_parser().parse_args(["new", "--db", str(target)])
    assert arguments.handler(arguments) == 0
    assert arguments.handler(arguments) == 1  # never overwritten silently
    use_db(target)
    for page in (
        "app_pages/overview.py",
        "app_pages/map_view.py",
        "app_pages/timeline.py",
        "app_pages/network.py",
        "app_pages/explore.py",
    ):
        at = AppTest.from_file(APP, default_timeout=60)
        at.run()
        at.switch_page(page).run()
        assert not at.exception, (page, [e.value for e in at.exception])
        assert not any("демонстрационные" in body for body in _markdown_bodies(at))


HOLD_LOCK = """
import sys, time, duckdb
connection = duckdb.connect(sys.argv[1])
connection.execute("CREATE TABLE IF NOT EXISTS lock_probe (x INTEGER)")
connection.execute("INSERT INTO lock_probe VALUES (1)")
connection.execute("CHECKPOINT")
print("locked", flush=True)
time.sleep(60)
"""


def test_a_write_holding_the_lock_keeps_the_cached_view(fixture_db, tmp_path, use_db):
    import shutil

    db = tmp_path / "busy.duckdb"
    shutil.copy(fixture_db, db)
    use_db(db)
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    assert not at.exception
    before = {metric.label: metric.value for metric in at.metric}
    writer = subprocess.Popen(
        [sys.executable, "-c", HOLD_LOCK, str(db)], stdout=subprocess.PIPE, text=True
    )
    try:
        assert writer.stdout.readline().strip() == "locked"
        time.sleep(0.2)
        at.run()
        assert not at.exception, [e.value for e in at.exception]
        assert any("Идёт загрузка" in warning.value for warning in at.warning)
        assert {metric.label: metric.value for metric in at.metric} == before
        fresh = AppTest.from_file(APP, default_timeout=60)
        fresh.run()  # the same server process: the cached tables are still there
        assert not fresh.exception
    finally:
        writer.kill()
        writer.wait()


def test_demo_rows_are_hidden_once_own_data_exists(fixture_db, tmp_path, use_db):
    """The fixture tables are «own» data; one demo table beside them is hidden by the sidebar
    switch,
    and the demo notice shows only when demo rows are on screen."""
    import shutil

    db = tmp_path / "mixed.duckdb"
    shutil.copy(fixture_db, db)
    demo_table = tmp_path / "demo_events.csv"
    demo_table.write_text(
        "Дата,Мероприятие,Тип,Тематика,Город,Регион\n"
        "03.03.2023,Выставка «Вымышленная»,выставка,экология,Пермь,Пермский край\n",
        encoding="utf-8",
    )
    assert not load_tables([demo_table], db, is_demo=True).failed
    use_db(db)
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    assert not at.exception
    switch = at.sidebar.toggle(key="f_hide_demo")
    assert switch.value is True
    events = {metric.label: metric.value for metric in at.metric}["События"]
    assert not any("демонстрационные" in info.value for info in at.info)
    switch.set_value(False).run()
    assert {metric.label: metric.value for metric in at.metric}["События"] == str(int(events) + 1)
    assert any("демонстрационные" in info.value for info in at.info)
