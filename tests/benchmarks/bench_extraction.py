"""Benchmark: extraction throughput against bare natasha, and ingest on one core against all cores.

    python tests/benchmarks/bench_extraction.py [--documents 1000]

The batch is built from this project's own texts (demo documents and the annotated extraction set):
paragraphs of 1–3 of them are combined into documents of 2–5 KB, deterministically.
Prints documents per second for: natasha segment+morph+NER; our extract_document (annotation with
segment+morph+NER once per document, the syntax parser only on candidate sentences, then every
extractor); ingest with 1 and with 2 worker processes (read → extract → store into a fresh DuckDB).
"""

from __future__ import annotations

import argparse
import random
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def build_batch(count: int, seed: int = 7) -> list[str]:
    from loaders.read.documents import read_document

    sources = sorted((ROOT / "data" / "demo" / "documents").glob("*.txt")) + sorted(
        (ROOT / "tests" / "extraction_set" / "docs").glob("*.txt")
    )
    paragraphs = [
        [p for p in read_document(path)[1].split("\n\n") if p.strip()] for path in sources
    ]
    rng = random.Random(seed)
    batch = []
    while len(batch) < count:
        parts = []
        for document in rng.sample(paragraphs, rng.randint(1, 3)):
            parts.extend(document)
        text = "\n\n".join(parts)
        while len(text.encode("utf-8")) > 5000:
            parts = parts[:-1]
            text = "\n\n".join(parts)
        if len(text.encode("utf-8")) >= 2000:
            batch.append(text)
    return batch


def rate(label: str, count: int, seconds: float) -> float:
    print(f"{label:<48}{count / seconds:>10.1f} docs/s  ({seconds:.1f} s)")
    return count / seconds


def _bare_natasha():
    from natasha import Doc, NewsEmbedding, NewsMorphTagger, NewsNERTagger, Segmenter

    from loaders.text.morph import _point_pymorphy_at_bundled_dictionaries

    _point_pymorphy_at_bundled_dictionaries()
    segmenter, embedding = Segmenter(), NewsEmbedding()
    morph, ner = NewsMorphTagger(embedding), NewsNERTagger(embedding)

    def run(text: str) -> None:
        document = Doc(text)
        document.segment(segmenter)
        document.tag_morph(morph)
        document.tag_ner(ner)

    return run


def natasha_and_ours(texts: list[str], chunk: int = 20) -> tuple[float, float]:
    """Bare natasha and our extract_document on the same documents, alternating in chunks, so that
    the load of a shared machine weighs on both alike."""
    from loaders.text.document import load_models
    from loaders.text.extract import extract_document

    load_models()  # loading is measured separately: once per process
    bare = _bare_natasha()
    bare(texts[0]), extract_document(texts[0])  # first-call set-up outside the timing
    spent = {"natasha": 0.0, "ours": 0.0}
    for first in range(0, len(texts), chunk):
        part = texts[first : first + chunk]
        for name, work in (("natasha", bare), ("ours", extract_document)):
            started = time.perf_counter()
            for text in part:
                work(text)
            spent[name] += time.perf_counter() - started
    natasha = rate("natasha segment + morph + NER", len(texts), spent["natasha"])
    ours = rate("Activity Atlas extract_document (1 process)", len(texts), spent["ours"])
    return natasha, ours


def ingest_rate(texts: list[str], workers: int) -> float:
    from loaders.pipeline.ingest import ingest_documents

    with tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)
        for index, text in enumerate(texts):
            (folder / f"doc_{index:05d}.txt").write_text(
                f"{text}\n\n(копия {index})", encoding="utf-8"
            )
        started = time.perf_counter()
        summary = ingest_documents([folder], folder / "bench.duckdb", workers=workers)
        elapsed = time.perf_counter() - started
        assert len(summary.stored) == len(texts), summary.failed
    return rate(f"ingest, {workers} worker process(es), read+extract+store", len(texts), elapsed)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--documents", type=int, default=1000)
    args = parser.parse_args()
    from loaders.text.document import load_models

    started = time.perf_counter()
    load_models()
    print(f"models and gazetteer load once per process: {time.perf_counter() - started:.1f} s")
    texts = build_batch(args.documents)
    sizes = [len(t.encode("utf-8")) for t in texts]
    print(
        f"batch: {len(texts)} documents, {min(sizes)}–{max(sizes)} bytes, mean {sum(sizes) / len(sizes):.0f}"
    )
    natasha, ours = natasha_and_ours(texts)
    one = ingest_rate(texts, 1)
    two = ingest_rate(texts, 2)
    print(f"cost of our pipeline relative to bare natasha: {natasha / ours:.2f}×")
    print(f"ingest speed-up with 2 workers: {two / one:.2f}×")


if __name__ == "__main__":
    main()
