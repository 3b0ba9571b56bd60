"""Build the demonstration database from data/demo/ (atomically: a failed build keeps the old file)."""
from __future__ import annotations

from pathlib import Path

from loaders.documents import TEXT_SUFFIXES, load_text_document, read_genres
from loaders.paths import DEMO_DOCUMENTS_DIR, DEMO_TABLES_DIR, database_path
from loaders.pipeline import LoadSummary, expand_paths, load_tables
from loaders.store import open_store, store_bundle


def _store_demo_documents(db_path: Path, summary: LoadSummary) -> None:
    genres = read_genres(DEMO_DOCUMENTS_DIR / "gold.json")
    with open_store(db_path) as connection:
        for path in expand_paths([DEMO_DOCUMENTS_DIR], TEXT_SUFFIXES):
            stored = store_bundle(connection, load_text_document(path, genres.get(path.name, "other"), is_demo=True))
            (summary.stored if stored is not None else summary.unchanged).append(str(path))


def build_demo_database(db_path: Path | None = None, if_missing: bool = False) -> LoadSummary | None:
    """Write the demo store to db_path (default: the configured store). None if skipped."""
    target = Path(db_path or database_path())
    if if_missing and target.exists():
        return None
    partial = target.with_name(target.name + ".building")
    for leftover in (partial, Path(str(partial) + ".wal")):
        leftover.unlink(missing_ok=True)
    summary = load_tables([DEMO_TABLES_DIR], partial, is_demo=True)
    if summary.failed:
        partial.unlink(missing_ok=True)
        raise RuntimeError("demo tables failed to load:\n" + "\n".join(summary.failed.values()))
    _store_demo_documents(partial, summary)
    partial.replace(target)
    return summary
