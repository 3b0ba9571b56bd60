"""Shared fixtures: a tiny deterministic store built from inline tables with the real loaders."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from loaders.pipeline.load_tables import load_tables

# ../shared/seeds beside the repo; ATLAS_SEEDS_DIR points elsewhere (a git worktree lives deeper)
SEEDS_DIR = Path(
    os.environ.get("ATLAS_SEEDS_DIR", Path(__file__).resolve().parents[2] / "shared" / "seeds")
)

# Hand-countable fixture: 6 events in 2023Q2..2023Q4 (+1 via a report that merges), 3 regions.
FIXTURE_EVENTS = """Дата,Мероприятие,Тип,Тематика,Город,Регион,Организаторы,Участники (города),Число участников
12.04.2023,Экологический форум «Зелёная Югра»,форум,экология,Сургут,Югра,Природнадзор Югры,Нягань; Югорск,150
20.05.2023,Субботник в парке,акция,экология,Тюмень,Тюменская область,,,
14.07.2023,Форум добровольцев,форум,добровольчество,Югорск,ХМАО,,Советский,80
10-12.10.2023,Круглый стол «Чистый город»,круглый стол,экология,Кемерово,Кузбасс,,,
05.11.2023,Квест «Тропа»,квест,экология,Сургут,Ханты-Мансийский автономный округ — Югра,,,
28.12.2023,Семинар <b>«Школа ТОС»</b>,семинар,ТОС,Тюмень,Тюменская обл.,,,
"""
FIXTURE_AGREEMENTS = """Дата,Число сторон,Стороны,Город,Регион,Предмет
14.07.2023,3,Фонд А; Центр Б; Администрация В,Югорск,Югра,экопросвещение
01.11.2023,2,Совет А; Совет Б,Кемерово,Кузбасс,обмен опытом
"""
FIXTURE_LINKS = """[
  {"from_region": "Югра", "to_region": "Тюменская область", "practice": "волонтёрские центры", "date": "2023-05-01", "evidence": "adoption_statement"},
  {"from_region": "ХМАО", "to_region": "Кузбасс", "practice": "школа активиста", "date": "2023-10-20", "evidence": "internship"},
  {"from_region": "Тюменская область", "to_region": "Югра", "practice": "КРТ", "date": "2023-11-02", "evidence": "joint_event"}
]
"""
FIXTURE_REPORT = """Орган,Период,№,Дата,Мероприятие,Цель,Регион
Общественный совет Кузбасса,IV квартал 2023,1,10-12.10.2023,Круглый стол «Чистый город»,обсуждение,Кузбасс
Общественный совет Кузбасса,IV квартал 2023,2,15.12.2023,Заседание совета,подведение итогов,Кузбасс
"""
FIXTURE_FILES = {
    "events.csv": FIXTURE_EVENTS,
    "agreements.csv": FIXTURE_AGREEMENTS,
    "links.json": FIXTURE_LINKS,
    "report.csv": FIXTURE_REPORT,
}


def write_fixture_tables(folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, text in FIXTURE_FILES.items():
        path = folder / name
        path.write_text(text, encoding="utf-8")
        paths.append(path)
    return paths


@pytest.fixture(scope="session")
def fixture_db(tmp_path_factory) -> Path:
    """A store holding exactly the fixture tables above (loaded in this order)."""
    folder = tmp_path_factory.mktemp("fixture")
    db_path = folder / "fixture.duckdb"
    summary = load_tables(write_fixture_tables(folder / "tables"), db_path)
    assert not summary.failed, summary.failed
    return db_path


@pytest.fixture()
def use_db(monkeypatch):
    """Point the dashboard at a given store for one test."""

    def point(path: Path) -> None:
        monkeypatch.setenv("ATLAS_DB", str(path))

    return point


@pytest.fixture(autouse=True)
def _no_ambient_store(monkeypatch, tmp_path):
    """Tests never touch data/atlas.duckdb unless they ask for a store."""
    if "ATLAS_DB" not in os.environ:
        monkeypatch.setenv("ATLAS_DB", str(tmp_path / "absent.duckdb"))
