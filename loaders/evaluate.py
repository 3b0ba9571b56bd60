"""Scoring `extract` output against a gold file (the shape of ../shared/seeds/gold.json).

Per document, and summed over documents (micro average):
- cities, regions: sets of names / codes;
- event dates: multisets of (date_start, date_end); event types: multisets of types;
- agreements: multisets of (date, parties_count); practice links: sets of (from_region, to_region);
- genre: one label per document (precision = recall = accuracy).
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

MEASURES = (
    "cities",
    "regions",
    "event_dates",
    "event_types",
    "agreements",
    "practice_links",
    "genre",
)


def _items(entry: dict, measure: str) -> Counter:
    if measure == "cities":  # ё and е are one letter for this comparison (Киселёвск = Киселевск)
        return Counter(
            {city.replace("ё", "е").replace("Ё", "Е") for city in entry.get("cities", [])}
        )
    if measure == "regions":
        return Counter(set(entry.get("regions", [])))
    if measure == "event_dates":
        return Counter((e.get("date_start"), e.get("date_end")) for e in entry.get("events", []))
    if measure == "event_types":
        return Counter(e.get("type") for e in entry.get("events", []))
    if measure == "genre":
        return Counter([entry.get("genre")])
    if measure == "agreements":
        return Counter((a.get("date"), a.get("parties_count")) for a in entry.get("agreements", []))
    return Counter(
        set(
            (link.get("from_region"), link.get("to_region"))
            for link in entry.get("practice_links", [])
        )
    )


@dataclass
class Score:
    true_positive: int = 0
    predicted: int = 0
    expected: int = 0

    @property
    def precision(self) -> float:
        return self.true_positive / self.predicted if self.predicted else 1.0

    @property
    def recall(self) -> float:
        return self.true_positive / self.expected if self.expected else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


def score(predicted: list[dict], gold: list[dict]) -> tuple[dict[str, Score], list[str]]:
    """Scores per measure, and a line per document and measure where prediction and gold differ."""
    by_file = {Path(entry["source"]).name: entry for entry in predicted}
    scores = {measure: Score() for measure in MEASURES}
    differences = []
    for expected in gold:
        got = by_file.get(expected["file"], {})
        for measure in MEASURES:
            want, have = _items(expected, measure), _items(got, measure)
            hit = sum((want & have).values())
            scores[measure].true_positive += hit
            scores[measure].predicted += sum(have.values())
            scores[measure].expected += sum(want.values())
            if want != have:
                differences.append(_difference(expected["file"], measure, want - have, have - want))
    return scores, differences


def _difference(file: str, measure: str, missing: Counter, extra: Counter) -> str:
    """One line: «file: field: missing [...] extra [...]» (empty sides left out)."""
    parts = []
    if missing:
        parts.append(f"missing {sorted(map(str, missing.elements()))}")
    if extra:
        parts.append(f"extra {sorted(map(str, extra.elements()))}")
    return f"{file}: {measure}: " + "; ".join(parts)


def evaluate_folder(gold_path: Path, folder: Path) -> tuple[dict[str, Score], list[str]]:
    """Extract every document the gold file names (from `folder`) and score it."""
    from loaders.text.extract import extract_document, to_contract_json
    from loaders.read.documents import read_document

    gold = json.loads(Path(gold_path).read_text(encoding="utf-8"))
    predicted = []
    for entry in gold:
        path = Path(folder) / entry["file"]
        _, text = read_document(path)
        predicted.append(to_contract_json(extract_document(text), str(path)))
    return score(predicted, gold)


def format_scores(scores: dict[str, Score]) -> str:
    lines = [f"{'measure':<16}{'precision':>10}{'recall':>8}{'F1':>7}{'gold':>6}{'found':>7}"]
    for measure, s in scores.items():
        lines.append(
            f"{measure:<16}{s.precision:>10.3f}{s.recall:>8.3f}{s.f1:>7.3f}{s.expected:>6}{s.predicted:>7}"
        )
    return "\n".join(lines)
