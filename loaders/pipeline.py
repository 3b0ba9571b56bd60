"""Loading files into the store: each file read, validated and stored in its own transaction."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from tqdm import tqdm

from loaders.store import open_store, store_bundle
from loaders.tables import TABLE_SUFFIXES, TableLoadError, load_table_file


@dataclass
class LoadSummary:
    """What one load did: files stored, skipped as already stored, failed (with messages), rows per table."""

    stored: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)
    rows: dict[str, int] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)

    def add_rows(self, counts: dict[str, int]) -> None:
        for name, count in counts.items():
            self.rows[name] = self.rows.get(name, 0) + count

    def lines(self) -> list[str]:
        rows = ", ".join(f"{name}: {count}" for name, count in sorted(self.rows.items())) or "—"
        return [
            f"Загружено файлов / files stored: {len(self.stored)}; без изменений / unchanged: {len(self.unchanged)}; "
            f"с ошибками / failed: {len(self.failed)}",
            f"Строк / rows: {rows}",
            *(f"Предупреждение / warning: {warning}" for warning in self.warnings[:50]),
        ]


def expand_paths(paths: list[Path], suffixes: set[str]) -> list[Path]:
    """Files as given, folders expanded to their files with the given suffixes, sorted."""
    files: list[Path] = []
    for path in map(Path, paths):
        if path.is_dir():
            files.extend(sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in suffixes))
        else:
            files.append(path)
    return files


def _row_progress(name: str):
    def wrap(rows):
        return tqdm(rows, desc=name, unit="row", leave=False, disable=len(rows) < 2000)
    return wrap


def load_tables(paths: list[Path], db_path: Path | None = None, kind: str | None = None, is_demo: bool = False) -> LoadSummary:
    """Load table files; a bad file is reported and skipped, the others are stored."""
    summary = LoadSummary()
    files = expand_paths(paths, TABLE_SUFFIXES)
    with open_store(db_path) as connection:
        for path in tqdm(files, desc="files", unit="file", disable=len(files) < 5):
            if not path.exists():
                summary.failed[str(path)] = f"{path}: файл не найден / file not found"
                continue
            try:
                bundle = load_table_file(path, kind=kind, is_demo=is_demo, progress=_row_progress(path.name))
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
