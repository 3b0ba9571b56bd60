"""What a load or ingest did (files stored, unchanged, failed; rows per table), and which files a command means."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path


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
            files.extend(
                sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in suffixes)
            )
        else:
            files.append(path)
    return files
