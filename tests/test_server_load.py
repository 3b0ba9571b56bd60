"""A bounded loopback load on PostgreSQL (tests/server_load.py): 4 editors accepting and correcting
facts while a loader ingests table files, each a separate process. Afterwards the audit trail
accounts
for every saved edit, the last saved title of each row is the one stored, and no process failed.
ATLAS_LOAD_SECONDS sets the length (default 10 s here; the benchmark runs 60 s)."""

from __future__ import annotations

import os
from collections import Counter

import pytest

from loaders.accounts import add_user
from loaders.pipeline.load_tables import load_tables
from loaders.store import database as store
from loaders.store.writer import write_session
from tests.conftest import write_fixture_tables
from tests.server_load import run_load

pytestmark = pytest.mark.requires("postgres")
EDITORS = ["editor_a", "editor_b", "editor_c", "editor_d"]


def prepared_server_store(url: str, folder) -> None:
    """The fixture tables on the server, with four admin accounts (admins may change any region)."""
    assert not load_tables(write_fixture_tables(folder / "tables"), url).failed
    with write_session(url) as connection:
        for name in EDITORS:
            add_user(connection, name, "admin", "correct horse battery", changed_by="test")


def test_four_editors_and_a_loader_lose_nothing(tmp_path, pg_url):
    prepared_server_store(pg_url, tmp_path)
    with store.connect(pg_url, read_only=True) as connection:
        documents_before = connection.execute("SELECT count(*) FROM documents").fetchone()[0]
    seconds = float(os.environ.get("ATLAS_LOAD_SECONDS", "10"))
    run = run_load(pg_url, EDITORS, seconds, tmp_path / "load")

    assert run.return_codes == {name: 0 for name in [*EDITORS, "loader"]}, run.stderr
    assert not any("Traceback" in text for text in run.stderr.values()), run.stderr
    assert not run.loader["failed"]
    saved = [(name, *edit) for name, result in run.editors.items() for edit in result["saved"]]
    assert saved, "no edit was saved: the load did not run"

    with store.connect(pg_url, read_only=True) as connection:
        audit = connection.execute(
            "SELECT audit_id, user_name, action, entity_id, field, value_after FROM audit "
            "WHERE user_name LIKE 'editor_%' ORDER BY audit_id"
        ).fetchall()
        titles = dict(connection.execute("SELECT event_id, title FROM events").fetchall())
        documents_after = connection.execute("SELECT count(*) FROM documents").fetchone()[0]

    # Every saved correction is in the audit trail once, by its editor, and nothing else is.
    corrections = Counter(
        (user, entity_id, value)
        for _, user, action, entity_id, field, value in audit
        if action == "correct" and field == "title"
    )
    assert corrections == Counter(saved)
    status_entries = sum(action in ("accept", "reopen") for _, _, action, *_ in audit)
    assert status_entries == sum(result["status_changes"] for result in run.editors.values())
    # No edit lost: each corrected row holds the title of its last audited correction.
    last = {}
    for _, _, action, entity_id, field, value in audit:
        if action == "correct" and field == "title":
            last[entity_id] = value
    assert {entity_id: titles[entity_id] for entity_id in last} == last
    assert documents_after == documents_before + run.loader["loaded"]
