"""Loading table files into the store: each file read, validated and stored in its own transaction.

Every file fails alone: whatever goes wrong with one file is reported as that file's error, the
other files are stored and the summary is printed. The store is held only while a file is written.
"""

from __future__ import annotations

from pathlib import Path

from tqdm import tqdm

from loaders.model.bundle import Bundle
from loaders.model.ids import file_sha256
from loaders.pipeline.summary import LoadSummary, expand_paths
from loaders.pipeline.table_rows import load_table_file
from loaders.read.tables import TABLE_SUFFIXES, TableLoadError
from loaders.store.database import StoreBusyError, open_store, store_bundle, stored_hashes


def _row_progress(name: str):
    def wrap(rows):
        return tqdm(rows, desc=name, unit="row", leave=False, disable=len(rows) < 2000)

    return wrap


def _convert(path: Path, kind: str | None, is_demo: bool, summary: LoadSummary) -> Bundle | None:
    """The file's rows, or None with the file's error recorded (never an exception)."""
    try:
        return load_table_file(path, kind=kind, is_demo=is_demo, progress=_row_progress(path.name))
    except TableLoadError as error:
        summary.fail(str(path), str(error))
    except MemoryError:
        summary.fail(str(path), "не хватило памяти / out of memory")
    except Exception as error:  # noqa: BLE001 — a file must fail alone, whatever the cause
        summary.fail(str(path), f"ошибка обработки / failed: {type(error).__name__}: {error}")
    return None


def _store(path: Path, bundle: Bundle, db_path: Path | None, summary: LoadSummary) -> None:
    try:
        with open_store(db_path) as connection:
            counts = store_bundle(connection, bundle)
    except StoreBusyError:
        raise
    except Exception as error:  # noqa: BLE001 — e.g. a value DuckDB cannot convert
        summary.fail(
            str(path), f"не удалось сохранить / cannot store ({type(error).__name__}: {error})"
        )
        return
    if counts is None:
        summary.unchanged.append(str(path))
    else:
        summary.stored.append(str(path))
        summary.add_rows(counts)
        summary.warnings.extend(bundle.warnings)


def _is_stored(path: Path, db_path: Path | None) -> bool:
    """The same bytes are stored already (checked before the file is converted)."""
    return bool(stored_hashes(db_path, [file_sha256(path)]))


def load_tables(
    paths: list[Path], db_path: Path | None = None, kind: str | None = None, is_demo: bool = False
) -> LoadSummary:
    """Load table files; a bad file is reported and skipped, the others are stored."""
    summary = LoadSummary()
    files = expand_paths(paths, TABLE_SUFFIXES, summary)
    try:
        for path in tqdm(files, desc="files", unit="file", disable=len(files) < 5):
            if not path.exists():
                summary.fail(str(path), f"{path}: файл не найден / file not found")
                continue
            try:
                if _is_stored(path, db_path):
                    summary.unchanged.append(str(path))
                    continue
            except OSError as error:
                summary.fail(str(path), f"не удалось прочитать / cannot read ({error.strerror})")
                continue
            bundle = _convert(path, kind, is_demo, summary)
            if bundle is not None:
                _store(path, bundle, db_path, summary)
    except StoreBusyError as error:
        summary.fatal = str(error)
    return summary
