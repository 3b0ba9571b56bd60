"""Reading Russian documents: quality on the users' seed documents and on our own annotated set, the
`extract --json` contract, and ingest into the store."""

import json
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from loaders.evaluate import evaluate_folder
from loaders.text.extract import document_date, extract_document
from loaders.pipeline.ingest import ingest_documents

from conftest import SEEDS_DIR

OWN_SET = Path(__file__).parent / "extraction_set"
needs_seeds = pytest.mark.requires("seeds")


@pytest.fixture(scope="module")
def seed_scores():
    scores, differences = evaluate_folder(SEEDS_DIR / "gold.json", SEEDS_DIR)
    return scores, differences


@needs_seeds
def test_seed_places_dates_agreements_links(seed_scores):
    scores, differences = seed_scores
    assert scores["cities"].f1 >= 0.95 and scores["regions"].f1 >= 0.95, differences
    assert scores["event_dates"].f1 >= 0.9 and scores["event_types"].f1 >= 0.9, differences
    assert scores["agreements"].recall == 1.0 and scores["practice_links"].recall == 1.0, (
        differences
    )


def test_own_annotated_set():
    gold = json.loads((OWN_SET / "gold.json").read_text(encoding="utf-8"))
    assert len(gold) >= 25 and {entry["genre"] for entry in gold} >= {
        "event_news",
        "invitation",
        "report",
        "agreement",
        "practice_sharing",
        "other",
    }
    scores, differences = evaluate_folder(OWN_SET / "gold.json", OWN_SET / "docs")
    for measure in (
        "cities",
        "regions",
        "event_dates",
        "event_types",
        "agreements",
        "practice_links",
    ):
        assert scores[measure].f1 >= 0.9, (measure, differences)


def test_genres_of_own_set():
    gold = json.loads((OWN_SET / "gold.json").read_text(encoding="utf-8"))
    from loaders.read.documents import read_document

    right = sum(
        extract_document(read_document(OWN_SET / "docs" / e["file"])[1]).genre == e["genre"]
        for e in gold
    )
    assert right / len(gold) >= 0.8


def test_letter_registration_date_is_the_document_date_not_an_event():
    text = (
        "Руководителям организаций\n\n№ 245-01 от 03.03.2023\n\nПриглашаем на круглый стол "
        "«Чистый берег», который пройдет в Сургуте 15 марта 2023 года."
    )
    extraction = extract_document(text)
    assert document_date(text).isoformat() == "2023-03-03"
    assert [
        (e.span.start.isoformat(), e.event_type, e.settlement.name) for e in extraction.events
    ] == [("2023-03-15", "round_table", "Сургут")]


def test_missing_year_comes_from_the_document_and_reserves_are_not_settlements():
    text = (
        "Новости Югры, 01.11.2023\n\nС 4 по 6 декабря в Нягани пройдет семинар для волонтеров "
        "заповедника «Малая Сосьва»."
    )
    extraction = extract_document(text)
    assert [(e.span.start.isoformat(), e.span.end.isoformat()) for e in extraction.events] == [
        ("2023-12-04", "2023-12-06")
    ]
    assert extraction.cities() == ["Нягань"]


@needs_seeds
def test_extract_cli_prints_the_contract(tmp_path):
    seed = sorted(SEEDS_DIR.glob("003_*.txt"))[0]
    broken = tmp_path / "broken.pdf"
    broken.write_bytes(b"%PDF-1.4 not really")
    result = subprocess.run(
        [sys.executable, "-m", "loaders", "extract", "--json", str(seed), str(broken)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert (
        result.returncode == 1 and "broken.pdf" in result.stderr
    )  # the bad file is named, the good one still read
    [entry] = json.loads(result.stdout)
    assert set(entry) >= {
        "source",
        "genre",
        "events",
        "cities",
        "regions",
        "agreements",
        "practice_links",
    }
    assert (
        entry["genre"] == "report"
        and entry["report"]["period"] == "2023Q4"
        and entry["report"]["region"] == "RU-KEM"
    )
    assert all(
        set(e)
        >= {"title", "date_start", "date_end", "city", "region", "type", "participant_cities"}
        for e in entry["events"]
    )


@needs_seeds
def test_ingest_stores_rows_with_passages_and_is_idempotent(tmp_path):
    db = tmp_path / "docs.duckdb"
    unreadable = tmp_path / "empty.txt"
    unreadable.write_bytes(b"")
    summary = ingest_documents([SEEDS_DIR, unreadable], db, workers=2)
    assert len(summary.stored) == 5 and list(summary.failed) == [str(unreadable)]
    with duckdb.connect(str(db), read_only=True) as connection:
        links = connection.execute(
            "SELECT p.from_region, p.to_region, substr(d.full_text, s.char_start + 1, "
            "s.char_end - s.char_start) FROM practice_links p "
            "JOIN sources s ON s.entity_id = p.link_id JOIN documents d USING (document_id)"
        ).fetchall()
        report_events = connection.execute(
            "SELECT count(*) FROM report_items r JOIN events e USING (event_id)"
        ).fetchall()[0][0]
        genres = dict(connection.execute("SELECT file_name, genre FROM documents").fetchall())
    assert {(f, t) for f, t, _ in links} == {("RU-KHM", "RU-TYU"), ("RU-TYU", "RU-KHM")}
    assert all("Югр" in passage or "ХМАО" in passage for _, _, passage in links)
    assert report_events == 6
    assert sorted(genres.values()) == [
        "event_news",
        "event_news",
        "invitation",
        "practice_sharing",
        "report",
    ]
    again = ingest_documents([SEEDS_DIR], db, workers=1)
    assert again.stored == [] and len(again.unchanged) == 5


def test_demo_documents_as_a_held_out_set():
    """The demo documents were annotated by another writer and never used to tune the rules."""
    from loaders.paths import DEMO_DOCUMENTS_DIR

    scores, differences = evaluate_folder(DEMO_DOCUMENTS_DIR / "gold.json", DEMO_DOCUMENTS_DIR)
    assert scores["cities"].f1 >= 0.9 and scores["regions"].f1 >= 0.9, differences
    assert scores["event_dates"].f1 >= 0.85 and scores["event_types"].f1 >= 0.85, differences
    assert scores["agreements"].f1 >= 0.9 and scores["practice_links"].f1 >= 0.9, differences
