"""Build the demonstration database from data/demo/ (atomically: a failed build keeps the old
file)."""

from __future__ import annotations

from pathlib import Path

from loaders.paths import DEMO_DOCUMENTS_DIR, DEMO_TABLES_DIR, database_path
from loaders.pipeline.load_tables import load_tables
from loaders.pipeline.summary import LoadSummary
from loaders.store.database import store_is_current


def _store_demo_documents(db_path: Path, summary: LoadSummary) -> None:
    """Demo documents go through the extraction pipeline; their events merge with the tables'
    ones."""
    from loaders.pipeline.ingest import ingest_documents

    documents = ingest_documents([DEMO_DOCUMENTS_DIR], db_path, is_demo=True)
    if documents.failed:
        raise RuntimeError(
            "demo documents failed to load:\n" + "\n".join(documents.failed.values())
        )
    summary.stored.extend(documents.stored)
    summary.add_rows(documents.rows)
    summary.warnings.extend(documents.warnings)


def build_demo_database(
    db_path: Path | None = None, if_missing: bool = False
) -> LoadSummary | None:
    """Write the demo store to db_path (default: the configured store). None if skipped."""
    target = Path(db_path or database_path())
    if if_missing and target.exists() and store_is_current(target):
        return None  # an existing store of an older schema is rebuilt: demo data can always be
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
