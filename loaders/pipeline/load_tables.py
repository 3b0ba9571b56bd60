"""Loading files into the store: each file read, validated and stored in its own transaction."""

from __future__ import annotations

from pathlib import Path

from tqdm import tqdm

from loaders.store.database import open_store, store_bundle
from loaders.pipeline.summary import LoadSummary, expand_paths
from loaders.pipeline.table_rows import load_table_file
from loaders.read.tables import TABLE_SUFFIXES, TableLoadError


def _row_progress(name: str):
    def wrap(rows):
        return tqdm(rows, desc=name, unit="row", leave=False, disable=len(rows) < 2000)

    return wrap


def load_tables(
    paths: list[Path], db_path: Path | None = None, kind: str | None = None, is_demo: bool = False
) -> LoadSummary:
    """Load table files; a bad file is reported and skipped, the others are stored."""
    summary = LoadSummary()
    files = expand_paths(paths, TABLE_SUFFIXES)
    with open_store(db_path) as connection:
        for path in tqdm(files, desc="files", unit="file", disable=len(files) < 5):
            if not path.exists():
                summary.failed[str(path)] = f"{path}: файл не найден / file not found"
                continue
            try:
                bundle = load_table_file(
                    path, kind=kind, is_demo=is_demo, progress=_row_progress(path.name)
                )
            except TableLoadError as error:
                summary.failed[str(path)] = str(error)
                continue
            counts = store_bundle(connection, bundle)
            if counts is not None:
                summary.stored.append(str(path))
                summary.add_rows(counts)
                summary.warnings.extend(bundle.warnings)
            else:
                summary.unchanged.append(str(path))
    return summary
