"""Shared pieces of the review tests: a writable copy of the fixture store on either engine (a
DuckDB file or a PostgreSQL database), a document written for these tests (our own words), and
accounts of every role."""

from __future__ import annotations

import shutil
from pathlib import Path

from loaders.accounts import Credential, add_user
from loaders.store.database import connect
from loaders.store.postgres import is_server_url
from loaders.store.writer import write_session
from tests.pg import copy_database

NEWS_TEXT = """В Сургуте прошёл экологический форум «Чистая Обь»

15 марта 2024 года в Сургуте состоялся экологический форум «Чистая Обь». В нём приняли участие 120 \
волонтёров из Нефтеюганска, Нижневартовска и Тюмени.

В рамках форума подписано трёхстороннее соглашение о сотрудничестве между Общественной палатой \
Ханты-Мансийского автономного округа – Югры, фондом «Северная природа» и администрацией города \
Сургута.
"""
PASSWORD = "correct horse battery"
ACCOUNTS = {
    "admin": ("admin", []),
    "khm": ("editor", ["RU-KHM"]),
    "tyu": ("editor", ["RU-TYU"]),
    "reader": ("viewer", []),
}


Store = Path | str  # a DuckDB file or a postgresql:// URL


def copy_store(source: Store, folder: Path) -> Store:
    """A copy of a store on the same engine: the file copied, or a database made from it."""
    if is_server_url(str(source)):
        return copy_database(str(source))
    path = folder / "store.duckdb"
    shutil.copy(source, path)
    return path


def read_rows(store: Store, sql: str, parameters=()) -> list[tuple]:
    """Rows of one query, read through a read-only connection of either engine."""
    with connect(store, read_only=True) as connection:
        return connection.execute(sql, list(parameters)).fetchall()


def writable_store(fixture_store: Store, folder: Path, with_news: bool = True) -> Store:
    """A copy of the fixture store with the accounts above and (optionally) the news document."""
    from loaders.pipeline.ingest import ingest_documents

    path = copy_store(fixture_store, folder)
    with write_session(path) as connection:
        for name, (role, regions) in ACCOUNTS.items():
            add_user(connection, name, role, PASSWORD, regions, changed_by="test")
    if with_news:
        news = folder / "news.txt"
        news.write_text(NEWS_TEXT, encoding="utf-8")
        summary = ingest_documents([news], path, workers=1)
        assert not summary.failed, summary.failed
    return path


def as_user(name: str) -> Credential:
    return Credential(user_name=name)
