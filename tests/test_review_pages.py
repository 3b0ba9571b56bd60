"""AppTest of Загрузка and Проверка, the sign-in box and «только подтверждённые», on a writable copy
of the fixture store with one extracted (proposed) document, on a DuckDB file and on a PostgreSQL
database."""

from __future__ import annotations


import pytest
from app_runner import open_app
from review_fixtures import PASSWORD, as_user, copy_store, read_rows, writable_store
from streamlit.testing.v1 import AppTest

from loaders.review import reject
from loaders.store.writer import write_session


@pytest.fixture(scope="module")
def store_template(fixture_store, tmp_path_factory):
    return writable_store(fixture_store, tmp_path_factory.mktemp("pages_store"))


@pytest.fixture()
def store(store_template, tmp_path, use_db):
    """A fresh copy per test on each engine, which the app reads ($ATLAS_DB)."""
    path = copy_store(store_template, tmp_path)
    use_db(path)
    return path


def sign_in(at: AppTest, name: str, password: str = PASSWORD) -> AppTest:
    at.text_input(key="auth_name").input(name)
    at.text_input(key="auth_password").input(password)
    next(b for b in at.button if b.label == "Войти").click()
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def metric(at: AppTest, label: str) -> str:
    return next(m.value for m in at.metric if m.label == label)


@pytest.mark.parametrize("page", ["app_pages/upload.py", "app_pages/review.py"])
def test_a_reader_sees_no_write_controls(store, page):
    at = open_app(page)
    labels = {b.label for b in at.button}
    assert not labels & {"Сохранить", "Принять отмеченные (0)", "Отклонить отмеченные (0)"}
    assert not at.get("file_uploader")
    assert any("Войдите" in info.value for info in at.info)


def test_viewer_account_sees_no_write_controls(store):
    at = sign_in(open_app("app_pages/review.py"), "reader")
    assert "Вы вошли: **reader**" in " ".join(c.value for c in at.sidebar.caption)
    assert any("Войдите" in info.value for info in at.info)
    assert not [b for b in at.button if b.label.startswith("Принять")]


def test_wrong_password_is_refused(store):
    at = sign_in(open_app(), "khm", "not the password")
    assert "неверное имя или пароль" in at.sidebar.error[0].value
    failed = read_rows(store, "SELECT failed_logins FROM users WHERE user_name = 'khm'")
    assert failed == [(1,)]


def test_editor_clears_the_queue_of_own_regions(store):
    at = sign_in(open_app("app_pages/review.py"), "khm")
    assert metric(at, "В очереди") == "2"  # the news event and agreement, both RU-KHM
    next(b for b in at.button if b.label.startswith("Принять все показанные")).click()
    at.run()
    assert not at.exception
    assert any("Сохранено: 2" in s.value for s in at.success)
    assert metric(at, "В очереди") == "0"
    tyu = sign_in(open_app("app_pages/review.py"), "tyu")
    assert any("Очередь пуста" in s.value for s in tyu.success)


def test_correct_form_changes_the_row_and_is_in_history(store):
    at = sign_in(open_app("app_pages/review.py"), "khm")
    event = next(o for o in at.selectbox(key="review_row").options if o.startswith("ev_"))
    at.selectbox(key="review_row").set_value(event.split(" — ")[0])
    at.run()
    at.selectbox(key="review_field").set_value("participants_count")
    at.text_input(key="review_value").input("130")
    next(b for b in at.button if b.label == "Исправить и принять").click()
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    event_id = event.split(" — ")[0]
    row = read_rows(
        store, "SELECT participants_count, status FROM events WHERE event_id = ?", [event_id]
    )
    actions = read_rows(
        store, "SELECT action FROM audit WHERE entity_id = ? ORDER BY audit_id", [event_id]
    )
    assert row == [(130, "confirmed")] and actions == [("correct",), ("accept",)]


def test_confirmed_only_switch_and_rejected_rows(store):
    everything = metric(open_app(), "События")
    confirmed = open_app(confirmed="1")
    assert confirmed.sidebar.toggle(key="f_confirmed").value is True
    assert int(metric(confirmed, "События")) == int(everything) - 1  # the proposed news event
    event_id = read_rows(store, "SELECT event_id FROM events WHERE status = 'proposed'")[0][0]
    with write_session(store) as connection:
        reject(connection, as_user("khm"), [(event_id, None)])
    assert int(metric(open_app(), "События")) == int(everything) - 1  # rejected: never counted
    at = open_app()
    at.sidebar.toggle(key="f_confirmed").set_value(True)
    at.run()
    assert at.query_params["confirmed"] in ("1", ["1"])


def test_upload_page_limits_and_uploader_for_editors(store):
    at = sign_in(open_app("app_pages/upload.py"), "khm")
    assert not at.exception
    assert any("не больше" in c.value and "МБ" in c.value for c in at.caption)


def test_places_with_only_proposed_events_are_hollow():
    import pandas as pd

    from dashboard import maps
    from dashboard.analysis.aggregations import settlement_activity
    from dashboard.filters import ViewFilter, apply_to_events

    events = pd.DataFrame(
        {
            "event_id": ["ev_1", "ev_2", "ev_3"],
            "title": ["Форум", "Субботник", "Квест"],
            "event_type": ["forum", "action", "quest"],
            "topic": ["ecology"] * 3,
            "date_start": pd.to_datetime(["2024-01-10", "2024-01-11", "2024-02-01"]),
            "quarter": ["2024Q1"] * 3,
            "settlement_name": ["Сургут", "Сургут", "Тюмень"],
            "region_code": ["RU-KHM", "RU-KHM", "RU-TYU"],
            "lat": [61.25, 61.25, 57.15],
            "lon": [73.42, 73.42, 65.53],
            "document_id": ["doc_a", "doc_b", "doc_c"],
            "status": ["confirmed", "proposed", "proposed"],
        }
    )
    features = maps.settlement_features(settlement_activity(events))["features"]
    hollow = {f["properties"]["tooltip"].split(":")[0]: f["properties"]["hollow"] for f in features}
    assert hollow == {"Сургут": False, "Тюмень": True}
    confirmed = apply_to_events(events, ViewFilter(confirmed_only=True))
    assert list(confirmed["event_id"]) == ["ev_1"]
    assert len(apply_to_events(events, ViewFilter())) == 3
