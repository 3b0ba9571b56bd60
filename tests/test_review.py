"""Statuses, accounts, role checks at write time, version conflicts, undo, audit and evaluate
--reviewed, on both engines: a real DuckDB file and a real PostgreSQL database (a writable copy of
the fixture store per test)."""

from __future__ import annotations

import datetime as dt
import json

import duckdb
import pytest
from review_fixtures import NEWS_TEXT, PASSWORD, as_user, copy_store, read_rows, writable_store

from loaders import accounts
from loaders.accounts import Credential, NotAuthorisedError
from loaders.cli import main
from loaders.review import ReviewError, VersionConflictError, accept, correct, reject, undo
from loaders.pipeline.load_tables import load_tables
from loaders.store.audit import read_audit
from loaders.store.database import connect
from loaders.store.writer import write_session
from tests.conftest import write_fixture_tables


@pytest.fixture(scope="module")
def store_template(fixture_store, tmp_path_factory):
    """The fixture store with accounts and the news document, once per module and engine."""
    return writable_store(fixture_store, tmp_path_factory.mktemp("review_store"))


@pytest.fixture()
def store(store_template, tmp_path):
    """A fresh copy for each test (tests write): a DuckDB file or a PostgreSQL database."""
    return copy_store(store_template, tmp_path)


@pytest.fixture(scope="module")
def duckdb_template(fixture_db, tmp_path_factory):
    return writable_store(fixture_db, tmp_path_factory.mktemp("review_duckdb"))


@pytest.fixture()
def duckdb_store(duckdb_template, tmp_path):
    """A DuckDB copy only: for DuckDB's one-writer file lock, which PostgreSQL does not have."""
    return copy_store(duckdb_template, tmp_path)


@pytest.fixture(scope="module")
def server_template(pg_cluster, tmp_path_factory):
    folder = tmp_path_factory.mktemp("review_server")
    url = pg_cluster.new_database()
    assert not load_tables(write_fixture_tables(folder / "tables"), url).failed
    return writable_store(url, folder)


@pytest.fixture()
def server_store(server_template, tmp_path):
    """A PostgreSQL copy only: for concurrent transactions, which DuckDB's one writer does not
    have."""
    return copy_store(server_template, tmp_path)


_one = read_rows


def _news_ids(path):
    """Ids of the facts extracted from the news document (an event and an agreement in RU-KHM)."""
    rows = _one(
        path,
        "SELECT s.entity, s.entity_id FROM sources s JOIN documents d USING (document_id) "
        "WHERE d.file_name = 'news.txt' ORDER BY s.entity",
    )
    return dict(rows)


def _status(path, table, key, entity_id):
    return _one(path, f"SELECT status, version FROM {table} WHERE {key} = ?", [entity_id])[0]


def test_statuses_default_by_source(store):
    ids = _news_ids(store)
    assert _status(store, "events", "event_id", ids["event"]) == ("proposed", 1)
    assert _status(store, "agreements", "agreement_id", ids["agreement"]) == ("proposed", 1)
    table_rows = _one(
        store,
        "SELECT DISTINCT e.status FROM events e JOIN sources s ON s.entity_id = e.event_id "
        "JOIN documents d USING (document_id) WHERE d.source_kind = 'table'",
    )
    assert table_rows == [("confirmed",)]


def test_demo_documents_start_confirmed(fixture_store, tmp_path):
    from loaders.pipeline.ingest import ingest_documents

    path = writable_store(fixture_store, tmp_path, with_news=False)
    news = tmp_path / "demo_news.txt"
    news.write_text(NEWS_TEXT, encoding="utf-8")
    ingest_documents([news], path, is_demo=True, workers=1)
    assert _one(path, "SELECT DISTINCT status FROM agreements WHERE confidence < 1") == [
        ("confirmed",)
    ]


def test_viewer_and_unknown_sessions_cannot_write(store):
    event_id = _news_ids(store)["event"]
    with pytest.raises(NotAuthorisedError):
        with write_session(store) as connection:
            accept(connection, as_user("reader"), [(event_id, None)])
    with pytest.raises(NotAuthorisedError):  # a made-up token, as a crafted session state would be
        with write_session(store) as connection:
            accept(connection, Credential(session_token="forged-token"), [(event_id, None)])
    with pytest.raises(NotAuthorisedError):
        with write_session(store) as connection:
            accept(connection, Credential(), [(event_id, None)])
    assert _status(store, "events", "event_id", event_id) == ("proposed", 1)
    with connect(store, read_only=True) as connection:
        assert read_audit(connection).query("action == 'accept'").empty


def test_editor_changes_only_rows_of_own_regions(store):
    event_id = _news_ids(store)["event"]  # in RU-KHM
    with pytest.raises(NotAuthorisedError, match="RU-KHM"):
        with write_session(store) as connection:
            reject(connection, as_user("tyu"), [(event_id, 1)])
    with write_session(store) as connection:
        assert accept(connection, as_user("khm"), [(event_id, 1)]) == 1
    assert _status(store, "events", "event_id", event_id) == ("confirmed", 2)
    with pytest.raises(NotAuthorisedError, match="RU-TYU"):  # moving it away needs both regions
        with write_session(store) as connection:
            correct(connection, as_user("khm"), event_id, "region_code", "RU-TYU")


def test_session_token_writes_expire_and_lockout(store):
    with write_session(store) as connection:
        token = accounts.sign_in(connection, "khm", PASSWORD)
    event_id = _news_ids(store)["event"]
    with write_session(store) as connection:
        accept(connection, Credential(session_token=token), [(event_id, None)])
    later = dt.datetime.now(dt.UTC).replace(tzinfo=None) + dt.timedelta(
        hours=accounts.SESSION_HOURS + 1
    )
    with write_session(store) as connection:
        assert accounts.session_user(connection, token) is not None
        assert accounts.session_user(connection, token, now=later) is None
    for _ in range(accounts.MAX_FAILED_LOGINS):
        with write_session(store) as connection:
            assert accounts.attempt_sign_in(connection, "tyu", "wrong password")[0] is None
    with write_session(store) as connection:
        token, refusal = accounts.attempt_sign_in(connection, "tyu", PASSWORD)
    assert token is None and "locked" in refusal
    hashes = _one(store, "SELECT password_hash FROM users")
    assert all(h.startswith("$argon2id$") and PASSWORD not in h for (h,) in hashes)


def test_disabled_user_loses_sessions(store):
    event_id = _news_ids(store)["event"]
    with write_session(store) as connection:
        token = accounts.sign_in(connection, "khm", PASSWORD)
        accounts.disable_user(connection, "khm", "test")
    with pytest.raises(NotAuthorisedError):
        with write_session(store) as connection:
            accept(connection, Credential(session_token=token), [(event_id, None)])


def test_second_save_of_the_same_row_is_refused(store):
    event_id = _news_ids(store)["event"]
    seen_by_both = 1
    with write_session(store) as connection:
        accept(connection, as_user("khm"), [(event_id, seen_by_both)])
    with pytest.raises(VersionConflictError, match="другой редактор"):
        with write_session(store) as connection:
            reject(connection, as_user("admin"), [(event_id, seen_by_both)])
    assert _status(store, "events", "event_id", event_id) == ("confirmed", 2)
    with connect(store, read_only=True) as connection:
        decisions = read_audit(connection, entity_id=event_id)
    assert list(decisions["action"]) == ["accept"] and list(decisions["user_name"]) == ["khm"]


def test_correct_and_undo_are_audited(store):
    agreement_id = _news_ids(store)["agreement"]
    with write_session(store) as connection:
        changed = correct(
            connection, as_user("khm"), agreement_id, "settlement_name", "Нефтеюганск"
        )
    assert changed["settlement_name"] == "Нефтеюганск" and changed["lat"] != pytest.approx(61.25)
    with connect(store, read_only=True) as connection:
        entries = read_audit(connection, entity_id=agreement_id)
    first = int(entries["audit_id"].iloc[0])
    assert set(entries["field"]) >= {"settlement_name", "settlement_id", "lat", "lon"}
    assert set(entries["value_before"][entries["field"] == "settlement_name"]) == {"Сургут"}
    with write_session(store) as connection:
        assert undo(connection, as_user("khm"), first) == len(entries)
    assert _one(
        store, "SELECT settlement_name FROM agreements WHERE agreement_id = ?", [agreement_id]
    ) == [("Сургут",)]
    with connect(store, read_only=True) as connection:
        after = read_audit(connection, entity_id=agreement_id)
    assert len(after) == 2 * len(entries) and set(after["action"][len(entries) :]) == {"undo"}


def test_undo_refused_after_a_later_change(store):
    event_id = _news_ids(store)["event"]
    with write_session(store) as connection:
        correct(connection, as_user("khm"), event_id, "date_start", "2024-03-16")
        correct(connection, as_user("admin"), event_id, "date_start", "17.03.2024")
    with connect(store, read_only=True) as connection:
        first = int(read_audit(connection, entity_id=event_id)["audit_id"].iloc[0])
    with pytest.raises(VersionConflictError, match="изменено позже"):
        with write_session(store) as connection:
            undo(connection, as_user("khm"), first)
    assert _one(
        store, "SELECT date_start, date_end FROM events WHERE event_id = ?", [event_id]
    ) == [(dt.date(2024, 3, 17), dt.date(2024, 3, 17))]


@pytest.mark.parametrize(
    "field, value",
    [("date_start", "в марте"), ("event_type", "пикник"), ("region_code", "RU-XXX"), ("x", "1")],
)
def test_bad_corrections_name_the_problem_and_change_nothing(store, field, value):
    event_id = _news_ids(store)["event"]
    with pytest.raises(ReviewError):
        with write_session(store) as connection:
            correct(connection, as_user("admin"), event_id, field, value)
    assert _status(store, "events", "event_id", event_id) == ("proposed", 1)


def test_evaluate_reviewed_scores_against_what_people_confirmed(store, capsys):
    ids = _news_ids(store)
    assert main(["evaluate", "--reviewed", "--db", str(store)]) == 0
    assert "reviewed documents: 0" in capsys.readouterr().out  # nothing reviewed yet
    with write_session(store) as connection:
        accept(connection, as_user("khm"), [(ids["event"], None), (ids["agreement"], None)])
    assert main(["evaluate", "--reviewed", "--db", str(store)]) == 0
    agreed = capsys.readouterr().out
    assert "reviewed documents: 1" in agreed
    assert _score_line(agreed, "agreements") == ["1.000", "1.000", "1.000", "1", "1"]
    with write_session(store) as connection:  # the reviewer says it had four parties, not three
        correct(connection, as_user("khm"), ids["agreement"], "parties_count", "4")
    main(["evaluate", "--reviewed", "--db", str(store)])
    assert _score_line(capsys.readouterr().out, "agreements")[:3] == ["0.000", "0.000", "0.000"]


def _score_line(output: str, measure: str) -> list[str]:
    return next(line.split()[1:] for line in output.splitlines() if line.startswith(measure))


def test_export_gold_feeds_evaluate(store, tmp_path, capsys):
    ids = _news_ids(store)
    with write_session(store) as connection:
        accept(connection, as_user("admin"), [(ids["event"], None)])
        reject(connection, as_user("admin"), [(ids["agreement"], None)])
    folder = tmp_path / "gold"
    assert main(["review", "export-gold", str(folder), "--db", str(store)]) == 0
    gold = json.loads((folder / "gold.json").read_text(encoding="utf-8"))
    assert len(gold) == 1 and gold[0]["agreements"] == []
    assert gold[0]["events"][0]["date_start"] == "2024-03-15"
    capsys.readouterr()
    assert main(["evaluate", str(folder / "gold.json"), str(folder)]) == 0
    assert _score_line(capsys.readouterr().out, "agreements")[:2] == ["0.000", "1.000"]


def test_cli_users_review_and_audit(store, capsys, monkeypatch):
    import io

    monkeypatch.setattr("sys.stdin", io.StringIO("a long password\n"))
    assert main(["users", "add", "olga", "--role", "editor", "--regions", "RU-KHM",
                 "--password-stdin", "--db", str(store)]) == 0  # fmt: skip
    assert main(["users", "list", "--json", "--db", str(store)]) == 0
    listed = json.loads(capsys.readouterr().out.split("\n", 1)[1])
    assert {u["user_name"] for u in listed} >= {"olga", "khm"}
    assert all("password_hash" not in u for u in listed)
    assert main(["review", "list", "--json", "--region", "RU-KHM", "--db", str(store)]) == 0
    queue = json.loads(capsys.readouterr().out)
    assert {row["entity"] for row in queue} == {"event", "agreement"}
    assert queue == sorted(queue, key=lambda row: row["confidence"])
    ids = [row["entity_id"] for row in queue]
    assert main(["review", "accept", *ids, "--user", "olga", "--db", str(store)]) == 0
    assert main(["review", "reject", ids[0], "--user", "tyu", "--db", str(store)]) == 1
    assert "RU-KHM" in capsys.readouterr().err
    assert main(["users", "disable", "olga", "--db", str(store)]) == 0
    capsys.readouterr()
    assert main(["audit", "--json", "--user", "olga", "--db", str(store)]) == 0
    audit = json.loads(capsys.readouterr().out)
    assert [entry["action"] for entry in audit] == ["accept"] * len(ids)


def test_a_save_while_another_process_writes_waits_then_fails_clearly(duckdb_store, tmp_path):
    import subprocess
    import sys
    import time

    from loaders.store.writer import StoreBusyError

    store = duckdb_store
    holder = subprocess.Popen(
        [sys.executable, "-c",
         "import duckdb, sys, time; c = duckdb.connect(sys.argv[1]); print('locked', flush=True); "
         "time.sleep(30)", str(store)],
        stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert holder.stdout.readline().strip() == "locked"
        started = time.monotonic()
        with pytest.raises(StoreBusyError, match="изменения не сохранены"):
            with write_session(store, wait_seconds=1.0) as connection:
                accept(connection, as_user("admin"), [("ev_never_reached", None)])
        assert time.monotonic() - started >= 0.5  # it waited, with back-off, before giving up
    finally:
        holder.kill()
        holder.wait(timeout=20)
    with write_session(
        store, wait_seconds=10
    ) as connection:  # the lock is gone: the save goes through
        assert connection.execute("SELECT count(*) FROM events").fetchall()[0][0] > 0


def test_reads_in_the_app_process_wait_for_a_save_in_another_thread(duckdb_store):
    """DuckDB refuses a read-only connection while this process has the file open for writing; the
    dashboard's reads go through read_connection, which waits for the save instead of failing."""
    import threading
    import time

    from loaders.store.writer import read_connection

    store = duckdb_store
    opened = threading.Event()

    def save():
        with write_session(store) as connection:
            opened.set()
            time.sleep(1.0)
            connection.execute("UPDATE events SET version = version + 1")

    saver = threading.Thread(target=save)
    saver.start()
    opened.wait(10)
    with pytest.raises(duckdb.ConnectionException):
        duckdb.connect(str(store), read_only=True)
    with read_connection(store) as connection:
        versions = connection.execute("SELECT min(version) FROM events").fetchall()
    saver.join()
    assert versions == [(2,)]  # it read after the save committed


def test_on_the_server_a_read_during_a_save_is_not_blocked(server_store):
    """PostgreSQL: while an editor's transaction is open, a reader gets the committed rows at once
    (no waiting, no lock error), and the new ones as soon as the save commits."""
    from loaders.store.writer import read_connection

    event_id = _news_ids(server_store)["event"]
    with write_session(server_store) as connection:
        accept(connection, as_user("khm"), [(event_id, 1)])
        with read_connection(server_store) as reader:
            during = reader.execute(
                "SELECT status, version FROM events WHERE event_id = ?", [event_id]
            ).fetchall()
    assert during == [("proposed", 1)]
    assert _status(server_store, "events", "event_id", event_id) == ("confirmed", 2)


def test_on_the_server_two_editors_saving_one_row_at_once_conflict(server_store):
    """Two transactions that both read version 1: the second waits for the first's row lock, then
    finds version 2 and is refused; the audit holds only the first decision."""
    import threading

    event_id = _news_ids(server_store)["event"]
    first_saved = threading.Event()
    outcome: dict[str, BaseException | None] = {}

    def second_editor():
        try:
            with write_session(server_store) as connection:
                first_saved.wait(10)
                reject(connection, as_user("admin"), [(event_id, 1)])
            outcome["second"] = None
        except BaseException as error:  # noqa: BLE001 - the test inspects it
            outcome["second"] = error

    with write_session(server_store) as connection:
        accept(connection, as_user("khm"), [(event_id, 1)])
        other = threading.Thread(target=second_editor)
        other.start()
        first_saved.set()
    other.join(30)
    assert isinstance(outcome["second"], VersionConflictError), outcome
    assert _status(server_store, "events", "event_id", event_id) == ("confirmed", 2)
    with connect(server_store, read_only=True) as connection:
        decisions = read_audit(connection, entity_id=event_id)
    assert list(decisions["action"]) == ["accept"] and list(decisions["user_name"]) == ["khm"]
