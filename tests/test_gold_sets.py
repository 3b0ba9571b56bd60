"""Every hand-written evaluation set passes the shared structural gold checks, and the checks catch
broken gold."""

import json
from pathlib import Path

import pytest

from gold_checks import check_folder

TESTS = Path(__file__).parent
SETS = sorted(p.parent for p in TESTS.glob("*/gold.json") if (p.parent / "docs").is_dir())


def test_the_sets_are_found():
    assert {
        "extraction_set",
        "extraction_dev",
        "extraction_sealed",
        "extraction_dev_b",
        "extraction_dev_c",
        "extraction_dev_d",
        "extraction_dev_e",
        "extraction_dev_f",
        "extraction_sealed7",
        "extraction_sealed8",
    } <= {folder.name for folder in SETS}


@pytest.mark.parametrize("folder", SETS, ids=lambda folder: folder.name)
def test_gold_passes_structural_checks(folder):
    gold, problems = check_folder(folder)
    assert gold
    assert problems == []


def _entry(**changes) -> dict:
    entry = {
        "file": "001_doc.txt",
        "genre": "event_news",
        "events": [
            {
                "title": "Субботник",
                "date_start": "2025-04-19",
                "date_end": "2025-04-19",
                "city": "Волгоград",
                "region": "RU-VGG",
                "type": "action",
                "participant_cities": [],
            }
        ],
        "cities": ["Волгоград"],
        "regions": ["RU-VGG"],
        "agreements": [],
        "practice_links": [],
        "notes": "A valid entry.",
    }
    entry.update(changes)
    return entry


def _write_set(folder: Path, entries: list[dict], files: list[str]) -> Path:
    (folder / "docs").mkdir()
    for name in files:
        (folder / "docs" / name).write_text("Текст новости. " * 60, encoding="utf-8")
    (folder / "gold.json").write_text(json.dumps(entries, ensure_ascii=False), encoding="utf-8")
    return folder


def test_a_valid_entry_has_no_problems(tmp_path):
    _, problems = check_folder(_write_set(tmp_path, [_entry()], ["001_doc.txt"]))
    assert problems == []


def test_broken_gold_is_reported_with_file_and_field(tmp_path):
    event = _entry()["events"][0] | {
        "date_start": "2025-04-20",
        "type": "party",
        "city": "Волжский",
        "region": "RU-SAR",
    }
    link = {"from_region": "RU-VGG", "to_region": "RU-AST", "practice": "патрули"}
    agreement = {
        "date": "2025-13-01",
        "parties_count": 1,
        "parties": ["А", "Б"],
        "city": "Астрахань",
        "region": "RU-VGG",
    }
    broken = _entry(
        genre="news",
        events=[event],
        regions=["RU-VGG", "RU-XX"],
        practice_links=[link],
        agreements=[agreement],
        notes="",
    )
    _, problems = check_folder(_write_set(tmp_path, [broken], ["001_doc.txt", "002_extra.txt"]))
    text = "\n".join(problems)
    for expected in (
        "only in docs ['002_extra.txt']",
        "001_doc.txt: genre 'news'",
        "unknown region RU-XX",
        "date_start after date_end",
        "type 'party'",
        "city Волжский not in cities",
        "no GeoNames settlement Волжский in RU-SAR",
        "region RU-SAR not in regions",
        "not an ISO date: '2025-13-01'",
        "parties_count below the parties named",
        "city Астрахань not in cities",
        "practice link ('RU-VGG', 'RU-AST')",
        "no notes",
    ):
        assert expected in text


def test_report_events_must_fall_in_the_report_quarter(tmp_path):
    report = {"body": "Общественный совет", "period": "2025Q3", "region": "RU-VGG"}
    entry = _entry(genre="report", report=report)
    _, problems = check_folder(_write_set(tmp_path, [entry], ["001_doc.txt"]))
    assert problems == ["001_doc.txt: report event «Субботник» outside 2025Q3"]


def test_unreadable_gold_names_the_file(tmp_path):
    (tmp_path / "docs").mkdir()
    (tmp_path / "gold.json").write_text("[{", encoding="utf-8")
    _, problems = check_folder(tmp_path)
    assert len(problems) == 1 and "gold.json: cannot be read as JSON" in problems[0]
