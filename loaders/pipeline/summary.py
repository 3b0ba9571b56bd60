"""What a load or ingest did (files stored, unchanged, failed; rows per table), and which files a
command means."""

from __future__ import annotations

import stat
from dataclasses import dataclass, field
from pathlib import Path

MAX_MESSAGE_CHARS = 2_000  # one file's error message, however long the cause (a 1 MB header …)
MAX_LINE_CHARS = 400  # one line of it


def capped_message(message: str, file_name: str) -> str:
    """The message with each line and the whole capped, and the file named at its start."""
    lines = []
    for line in str(message).splitlines() or [""]:
        if len(line) > MAX_LINE_CHARS:
            line = f"{line[:MAX_LINE_CHARS]}… (+{len(line) - MAX_LINE_CHARS} симв. / chars)"
        lines.append(line)
    text = "\n".join(lines)
    if len(text) > MAX_MESSAGE_CHARS:
        text = text[:MAX_MESSAGE_CHARS] + "… (сообщение сокращено / message truncated)"
    if not text.startswith(file_name) and file_name not in text.split("\n", 1)[0]:
        text = f"{file_name}: {text}"
    return text


@dataclass
class LoadSummary:
    """What one load did: files stored, skipped as already stored, failed (with messages), rows per
    table.

    `fatal` is set when the load could not go on at all (the store stayed busy): the files not yet
    stored are then not listed one by one, and the command prints `fatal` as its one error line.
    """

    stored: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)
    rows: dict[str, int] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    skipped: dict[str, str] = field(default_factory=dict)
    fatal: str | None = None

    def add_rows(self, counts: dict[str, int]) -> None:
        for name, count in counts.items():
            self.rows[name] = self.rows.get(name, 0) + count

    def fail(self, path: str, message: str) -> None:
        """Record a file's failure; the message is capped and names the file."""
        self.failed[str(path)] = capped_message(message, Path(path).name)

    @property
    def ok(self) -> bool:
        return not self.failed and self.fatal is None

    def lines(self) -> list[str]:
        rows = ", ".join(f"{name}: {count}" for name, count in sorted(self.rows.items())) or "—"
        return [
            f"Загружено файлов / files stored: {len(self.stored)}; без изменений / unchanged: "
            f"{len(self.unchanged)}; "
            f"с ошибками / failed: {len(self.failed)}"
            + (f"; пропущено / skipped: {len(self.skipped)}" if self.skipped else ""),
            f"Строк / rows: {rows}",
            *(
                f"Пропущен / skipped: {path} — {why}"
                for path, why in list(self.skipped.items())[:50]
            ),
            *(f"Предупреждение / warning: {warning}" for warning in self.warnings[:50]),
        ]


def _skip_reason(path: Path, root: Path) -> str | None:
    """Why a file found in a folder is not read: a link leading out of the folder, or not a regular
    file."""
    try:
        if path.is_symlink():
            target = path.resolve(strict=True)
            if not target.is_relative_to(root):
                return "ссылка ведёт за пределы папки / symlink points outside the folder"
        mode = path.stat().st_mode
    except (OSError, RuntimeError):  # broken link, loop, no permission
        return "битая ссылка или нет доступа / broken link or no access"
    if not stat.S_ISREG(mode):
        return "не обычный файл (устройство, канал, сокет) / not a regular file"
    return None


def _folder_files(folder: Path, suffixes: set[str], skipped: dict[str, str]) -> list[Path]:
    """Regular files with these suffixes under the folder; links are not followed into other
    folders."""
    root = folder.resolve()
    found = []
    for path in sorted(folder.rglob("*")):  # rglob does not descend into symlinked folders
        if path.suffix.lower() not in suffixes or (path.is_dir() and not path.is_symlink()):
            continue
        reason = _skip_reason(path, root)
        if reason:
            skipped[str(path)] = reason
        else:
            found.append(path)
    return found


def expand_paths(
    paths: list[Path], suffixes: set[str], summary: LoadSummary | None = None
) -> list[Path]:
    """Files as given, folders expanded to their files with the given suffixes, sorted.

    Inside a folder, symbolic links that lead out of it and special files (devices, pipes, sockets)
    are skipped and listed in summary.skipped. A file named explicitly is taken as given, but a
    special file is still refused.
    """
    skipped = summary.skipped if summary is not None else {}
    files: list[Path] = []
    for path in map(Path, paths):
        if path.is_dir():
            files.extend(_folder_files(path, suffixes, skipped))
        elif path.exists() and not stat.S_ISREG(path.stat().st_mode):
            skipped[str(path)] = "не обычный файл (устройство, канал, сокет) / not a regular file"
        else:
            files.append(path)
    return files
