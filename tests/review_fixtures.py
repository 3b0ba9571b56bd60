"""Shared pieces of the review tests: a writable copy of the fixture store, a document written for
these tests (our own words), and accounts of every role."""

from __future__ import annotations

import shutil
from pathlib import Path

from loaders.accounts import Credential, add_user
from loaders.store.writer import write_session

NEWS_TEXT = """В Сургуте прошёл экологический форум «Чистая Обь»

15 марта 2024 года в Сургуте состоялся экологический форум «Чистая Обь». В нём приняли участие 120 \
волонтёров из Нефтеюганска, Нижневартовска и Тюмени.

В рамках форума подписано трёхстороннее соглашение о сотрудничестве между Общественной палатой \
Ханты-Мансийского автономного округа – Югры, фондом «Северная природа» и администрацией города Сургута.
"""
PASSWORD = "correct horse battery"
ACCOUNTS = {
    "admin": ("admin", []),
    "khm": ("editor", ["RU-KHM"]),
    "tyu": ("editor", ["RU-TYU"]),
    "reader": ("viewer", []),
}


def writable_store(fixture_db: Path, folder: Path, with_news: bool = True) -> Path:
    """A copy of the fixture store with the accounts above and (optionally) the news document."""
    from loaders.pipeline.ingest import ingest_documents

    path = folder / "store.duckdb"
    shutil.copy(fixture_db, path)
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
