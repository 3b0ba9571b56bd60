"""Shared fixtures: a tiny deterministic store built from inline tables with the real loaders."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from loaders.build.dcw import DEFAULT_NC
from loaders.pipeline.load_tables import load_tables
from tests.live_app import LiveApp
from tests.pg import TemporaryCluster, postgres_available

# The real seed documents live in ../shared/seeds beside the repository ($ATLAS_SEEDS overrides it,
# e.g. for a git worktree that sits elsewhere).
SEEDS_DIR = Path(
    os.environ.get("ATLAS_SEEDS", Path(__file__).resolve().parents[2] / "shared" / "seeds")
)
IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def _importable(module: str) -> bool:
    import importlib.util

    return importlib.util.find_spec(module) is not None


# What a `@pytest.mark.requires(name)` test needs, and how to get it. CI has all of them.
RESOURCES = {
    "seeds": (
        lambda: (SEEDS_DIR / "gold.json").exists(),
        f"{SEEDS_DIR} (../shared/seeds) is absent",
    ),
    "dcw": (
        lambda: DEFAULT_NC.exists(),
        f"{DEFAULT_NC} is absent: apt-get install gmt-dcw",
    ),
    "postgres": (
        postgres_available,
        "PostgreSQL 15 + PostGIS 3 are absent: apt-get install postgresql postgis "
        "postgresql-15-postgis-3",
    ),
    "nginx": (
        lambda: Path("/usr/sbin/nginx").exists(),
        "nginx is absent (tests/test_replicas.py puts it before two app replicas): "
        "apt-get install nginx",
    ),
    "chromium": (
        lambda: Path("/usr/bin/chromium").exists() and _importable("playwright"),
        "Debian's chromium (/usr/bin/chromium) or playwright is absent: apt-get install chromium",
    ),
}


def require(name: str) -> None:
    """Skip when a resource is missing, except under CI=true, where it fails: CI always has it, so a
    skip there would hide a broken setup."""
    available, reason = RESOURCES[name]
    if available():
        return
    if IN_CI:
        pytest.fail(f"{reason} (CI=true: required, not skipped)", pytrace=False)
    pytest.skip(reason)


def pytest_configure(config):
    config.addinivalue_line(
        "markers", "requires(name): needs a resource of RESOURCES; skipped outside CI, fails in CI"
    )


def pytest_runtest_setup(item):
    for marker in item.iter_markers(name="requires"):
        require(marker.args[0])


# Hand-countable fixture: 6 events in 2023Q2..2023Q4 (+1 via a report that merges), 3 regions.
FIXTURE_EVENTS = """Дата,Мероприятие,Тип,Тематика,Город,Регион,Организаторы,Участники (города),Число участников
12.04.2023,Экологический форум «Зелёная Югра»,форум,экология,Сургут,Югра,Природнадзор Югры,Нягань; Югорск,150
20.05.2023,Субботник в парке,акция,экология,Тюмень,Тюменская область,,,
14.07.2023,Форум добровольцев,форум,добровольчество,Югорск,ХМАО,,Советский,80
10-12.10.2023,Круглый стол «Чистый город»,круглый стол,экология,Кемерово,Кузбасс,,,
05.11.2023,Квест «Тропа»,квест,экология,Сургут,Ханты-Мансийский автономный округ — Югра,,,
28.12.2023,Семинар <b>«Школа ТОС»</b>,семинар,ТОС,Тюмень,Тюменская обл.,,,
"""  # noqa: E501
FIXTURE_AGREEMENTS = """Дата,Число сторон,Стороны,Город,Регион,Предмет
14.07.2023,3,Фонд А; Центр Б; Администрация В,Югорск,Югра,экопросвещение
01.11.2023,2,Совет А; Совет Б,Кемерово,Кузбасс,обмен опытом
"""
FIXTURE_LINKS = """[
  {"from_region": "Югра", "to_region": "Тюменская область", "practice": "волонтёрские центры", "date": "2023-05-01", "evidence": "adoption_statement"},
  {"from_region": "ХМАО", "to_region": "Кузбасс", "practice": "школа активиста", "date": "2023-10-20", "evidence": "internship"},
  {"from_region": "Тюменская область", "to_region": "Югра", "practice": "КРТ", "date": "2023-11-02", "evidence": "joint_event"}
]
"""  # noqa: E501
FIXTURE_REPORT = """Орган,Период,№,Дата,Мероприятие,Цель,Регион
Общественный совет Кузбасса,IV квартал 2023,1,10-12.10.2023,Круглый стол «Чистый город»,обсуждение,Кузбасс
Общественный совет Кузбасса,IV квартал 2023,2,15.12.2023,Заседание совета,подведение итогов,Кузбасс
"""  # noqa: E501
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


@pytest.fixture(scope="session")
def demo_db(tmp_path_factory) -> Path:
    """The built-in demonstration store, built once per test session with the real pipeline."""
    from loaders.build.demo import build_demo_database

    path = tmp_path_factory.mktemp("demo") / "demo.duckdb"
    build_demo_database(path)
    return path


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


# --- Both store engines -----------------------------------------------------------------------
# A test taking `store_target` (or `fixture_store`) runs once on a DuckDB file and once on a
# PostgreSQL/PostGIS database of a cluster this session starts in a temp folder (tests/pg.py).
BACKENDS = ("duckdb", "postgres")


@pytest.fixture(scope="session")
def pg_cluster():
    """One PostgreSQL + PostGIS cluster for the whole session, stopped at the end."""
    require("postgres")
    cluster = TemporaryCluster().start()
    yield cluster
    cluster.stop()


@pytest.fixture()
def pg_url(pg_cluster) -> str:
    """A new empty PostGIS database of the session's cluster."""
    return pg_cluster.new_database()


@pytest.fixture(params=BACKENDS)
def store_target(request, tmp_path):
    """An empty store on each engine: a DuckDB file path, or a postgresql:// URL."""
    if request.param == "postgres":
        return request.getfixturevalue("pg_cluster").new_database()
    return tmp_path / "store.duckdb"


@pytest.fixture(scope="session", params=BACKENDS)
def fixture_store(request, tmp_path_factory):
    """fixture_db's rows on each engine (built once per session and engine)."""
    folder = tmp_path_factory.mktemp(f"fixture-{request.param}")
    if request.param == "postgres":
        target = request.getfixturevalue("pg_cluster").new_database()
    else:
        target = folder / "fixture.duckdb"
    summary = load_tables(write_fixture_tables(folder / "tables"), target)
    assert not summary.failed, summary.failed
    return target


# --- The real app in a browser --------------------------------------------------------------------
@pytest.fixture()
def live_app(tmp_path):
    """`streamlit run` servers on free ports (`live_app.serve(store)` → base URL, as many as asked)
    and headless Chromium contexts (`live_app.browser(viewport)`); all stopped after the test."""
    app = LiveApp(tmp_path / "live_app", require)
    app.folder.mkdir()
    try:
        yield app
    finally:
        app.close()
