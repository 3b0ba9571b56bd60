"""Benchmark: what reading places costs on top of natasha's NER, per document.

    python tests/benchmarks/bench_places.py [folder ...]

For each document, natasha segment+NER runs first (timed), then extract_places (timed; it reuses the
cached NER spans), so the second figure is the cost of the place rules, the region-list grammar and
the gazetteer alone. CPU time of this process, so other load on the machine matters less.
Default folders: the dev extraction set, the own annotated set and the demo documents.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DEFAULT_FOLDERS = (
    ROOT / "tests" / "extraction_dev" / "docs",
    ROOT / "tests" / "extraction_set" / "docs",
    ROOT / "data" / "demo" / "documents",
)


def main(folders: list[Path]) -> None:
    sys.path.insert(0, str(ROOT))
    from loaders.geo.gazetteer import gazetteer
    from loaders.read.documents import read_document
    from loaders.text.places import extract_places, ner_models, ner_spans

    texts = [read_document(path)[1] for folder in folders for path in sorted(folder.glob("*.txt"))]
    ner_models()
    gazetteer()
    extract_places(texts[0])  # warm the grammar and the caches
    ner_seconds = places_seconds = 0.0
    for text in texts:
        started = time.process_time()
        ner_spans(text)
        ner_seconds += time.process_time() - started
        started = time.process_time()
        extract_places(text)
        places_seconds += time.process_time() - started
    count = len(texts)
    print(f"{count} documents")
    print(f"natasha segment+NER: {1000 * ner_seconds / count:6.1f} ms/document")
    print(f"places on top:       {1000 * places_seconds / count:6.1f} ms/document")
    print(f"ratio places/NER:    {places_seconds / ner_seconds:6.2f}")


if __name__ == "__main__":
    main([Path(arg) for arg in sys.argv[1:]] or list(DEFAULT_FOLDERS))
