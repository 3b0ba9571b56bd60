"""The built-in demonstration data meets its coverage targets and is marked as demo everywhere."""

import duckdb

from loaders.build.demo import build_demo_database

from loaders.paths import DEMO_DOCUMENTS_DIR


def one(db, sql):
    with duckdb.connect(str(db), read_only=True) as connection:
        return connection.execute(sql).fetchall()[0][0]


def test_demo_coverage(demo_db):
    assert one(demo_db, "SELECT count(*) FROM events") >= 200
    assert one(demo_db, "SELECT count(DISTINCT region_code) FROM events") >= 12
    assert one(demo_db, "SELECT count(*) FROM agreements") >= 15
    assert one(demo_db, "SELECT count(*) FROM practice_links") >= 30
    quarters = one(
        demo_db,
        "SELECT list(DISTINCT year(date_start) || 'Q' || quarter(date_start) ORDER BY 1) FROM "
        "events",
    )
    assert {"2022Q3", "2022Q4", "2023Q1", "2023Q2", "2023Q3", "2023Q4", "2024Q1", "2024Q2"} <= set(
        quarters
    )


def test_demo_is_marked_and_documents_are_stored(demo_db):
    assert one(demo_db, "SELECT bool_and(is_demo) FROM documents")
    texts = one(demo_db, "SELECT count(*) FROM documents WHERE source_kind = 'text'")
    assert texts == len(list(DEMO_DOCUMENTS_DIR.glob("*.txt"))) >= 12
    for path in DEMO_DOCUMENTS_DIR.glob("*.txt"):
        assert path.read_text(encoding="utf-8").startswith("[ДЕМОНСТРАЦИОННЫЕ ДАННЫЕ")


def test_build_if_missing_keeps_an_existing_store(demo_db):
    before = demo_db.stat().st_mtime_ns
    assert build_demo_database(demo_db, if_missing=True) is None
    assert demo_db.stat().st_mtime_ns == before
