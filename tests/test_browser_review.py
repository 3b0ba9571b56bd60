"""People in the loop, in a real browser (Playwright driving Debian's Chromium) against a real
server on a DuckDB file and on a PostgreSQL database: an editor signs in, uploads a .docx and a
.csv, corrects one fact and accepts it, and finds it confirmed on the map, the timeline and the
explorer, with its audit entry; a viewer sees no upload or review controls, and URL parameters grant
nothing."""

from __future__ import annotations

import re

import pytest
from review_fixtures import PASSWORD, writable_store

from loaders.store.database import connect
from test_upload import news_docx

CORRECTED_TITLE = "Экофорум «Чистая Обь» (исправлено)"
OFFICIAL_TABLE = """Дата,Мероприятие,Тип,Тематика,Город,Регион
20.01.2024,Лыжный эко-забег,акция,экология,Ханты-Мансийск,Югра
"""

pytestmark = [pytest.mark.server, pytest.mark.requires("chromium")]


@pytest.fixture()
def server(fixture_store, tmp_path, live_app):
    """The app on a writable copy of the fixture store, a DuckDB file or a PostgreSQL database."""
    store = writable_store(fixture_store, tmp_path, with_news=False)
    return live_app.serve(store), store


@pytest.fixture()
def browser(live_app):
    # not offline: these tests have always let the browser ask other hosts (the app asks none)
    return live_app.browser({"width": 1500, "height": 1400}, offline=False, timeout_ms=90_000)


def _sign_in(page, name: str) -> None:
    # exact: the pages also name the expander inside a sentence
    page.get_by_text("Вход для редакторов", exact=True).click()
    page.get_by_label("Имя пользователя").fill(name)
    page.get_by_label("Пароль").fill(PASSWORD)
    page.get_by_role("button", name="Войти").click()
    page.get_by_text("Вы вошли:").wait_for()


def _go(page, title: str) -> None:
    """Move within the app by its navigation (a full reload would start a new session)."""
    page.get_by_test_id("stSidebarNav").get_by_role("link", name=title).click()


def _metric(page, label: str) -> str:
    metric = page.get_by_test_id("stMetric").filter(has_text=label).first
    return metric.get_by_test_id("stMetricValue").inner_text().strip()


def _wait_idle(page) -> None:
    page.wait_for_timeout(500)
    page.get_by_test_id("stStatusWidget").wait_for(state="hidden")


def test_editor_uploads_corrects_accepts_and_finds_it_confirmed(server, browser, tmp_path):
    url, store = server
    files = tmp_path / "files"
    files.mkdir()
    (files / "Форум.docx").write_bytes(news_docx())
    (files / "забег.csv").write_text(OFFICIAL_TABLE, encoding="utf-8")
    page = browser.new_page()
    page.goto(f"{url}/review")
    _sign_in(page, "khm")

    _go(page, "Загрузка")
    page.locator("input[type=file]").set_input_files([files / "Форум.docx", files / "забег.csv"])
    page.get_by_role("button", name="Сохранить").wait_for()
    _wait_idle(page)
    page.get_by_role("button", name="Сохранить").click()
    page.get_by_text("Форум.docx: сохранено").wait_for()
    page.get_by_text("забег.csv: сохранено").wait_for()

    _go(page, "Проверка")
    page.get_by_text("Исправить запись").wait_for()
    _wait_idle(page)
    assert _metric(page, "В очереди") == "2"
    page.get_by_role("combobox", name="Запись", exact=True).click()
    page.keyboard.type("Чистая")
    page.keyboard.press("Enter")
    _wait_idle(page)
    page.get_by_label(re.compile("^Новое значение")).fill(CORRECTED_TITLE)
    page.get_by_role("button", name="Исправить и принять").click()
    page.get_by_text("Сохранено").first.wait_for()
    _wait_idle(page)
    assert _metric(page, "В очереди") == "1"

    with connect(store, read_only=True) as connection:
        event_id, status = connection.execute(
            "SELECT event_id, status FROM events WHERE title = ?", [CORRECTED_TITLE]
        ).fetchall()[0]
        audit = connection.execute(
            "SELECT user_name, action, field, value_after FROM audit WHERE entity_id = ? "
            "ORDER BY audit_id",
            [event_id],
        ).fetchall()
        uploads = connection.execute(
            "SELECT value_after FROM audit WHERE action = 'upload' ORDER BY audit_id"
        ).fetchall()
    assert status == "confirmed"
    assert audit == [
        ("khm", "correct", "title", CORRECTED_TITLE),
        ("khm", "accept", "status", "confirmed"),
    ]
    assert uploads == [("Форум.docx",), ("забег.csv",)]

    view = "confirmed=1&region=RU-KHM&from=2024Q1&to=2024Q1"
    reader = browser.new_page()  # a new session, signed out: reading needs no account
    reader.goto(f"{url}/explore?{view}&q=исправлено")
    reader.get_by_text("Найдено строк").wait_for()
    _wait_idle(reader)
    assert _metric(reader, "Найдено строк") == "1"
    reader.goto(f"{url}/map?{view}")
    reader.get_by_text("Событий").first.wait_for()
    _wait_idle(reader)
    assert _metric(reader, "Событий") == "2"  # the confirmed fact and the official table's row
    reader.goto(f"{url}/timeline?{view}")
    reader.get_by_text("Календарь").first.wait_for()
    _wait_idle(reader)
    assert reader.get_by_text("В этом квартале событий нет").count() == 0
    # the calendar (a Plotly chart, drawn after the page's script ends) names the confirmed event
    reader.wait_for_function("() => document.body.innerHTML.includes('Чистая Обь')")


def test_viewer_sees_no_write_controls_and_urls_grant_nothing(server, browser):
    url, store = server
    page = browser.new_page()
    page.goto(f"{url}/review")
    _sign_in(page, "reader")
    for title in ("Загрузка", "Проверка"):
        _go(page, title)
        page.get_by_text("могут редакторы и администраторы").wait_for()
        assert page.locator("input[type=file]").count() == 0
        assert page.get_by_role("button", name=re.compile("^(Сохранить|Принять)")).count() == 0
    crafted = browser.new_page()
    crafted.goto(f"{url}/upload?user=khm&role=admin&auth_token=anything")
    crafted.get_by_text("могут редакторы и администраторы").wait_for()
    assert crafted.locator("input[type=file]").count() == 0
    with connect(store, read_only=True) as connection:
        assert connection.execute(
            "SELECT count(*) FROM audit WHERE action <> 'user_change'"
        ).fetchall() == [(0,)]
