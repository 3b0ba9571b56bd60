"""Reading bytes as text: UTF-8 or Windows-1251, detected, with a clear error for anything else."""

from __future__ import annotations

from pathlib import Path


class UnreadableFileError(ValueError):
    """A file we cannot read as text; the message names the file, in Russian and English."""


def _looks_binary(data: bytes) -> bool:
    sample = data[:4096]
    if b"\x00" in sample:
        return True
    control = sum(1 for byte in sample if byte < 32 and byte not in (9, 10, 13))
    return control > max(2, len(sample) // 100)


def _cyrillic_share(text: str) -> float:
    letters = [ch for ch in text if ch.isalpha()]
    return sum(1 for ch in letters if "\u0400" <= ch <= "\u04ff") / max(1, len(letters))


def decode_text(data: bytes, path: Path | str) -> str:
    """UTF-8 (with or without BOM) if valid, else Windows-1251 if it reads as Russian text."""
    name = Path(path).name
    if not data.strip():
        raise UnreadableFileError(f"{name}: файл пуст / file is empty")
    if _looks_binary(data):
        raise UnreadableFileError(
            f"{name}: файл не является текстом (двоичные данные) / not a text file (binary content)"
        )
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    text = data.decode("cp1251", errors="replace")
    if "\ufffd" not in text and _cyrillic_share(text) > 0.3:
        return text
    raise UnreadableFileError(
        f"{name}: не удалось определить кодировку (ожидается UTF-8 или Windows-1251) / "
        "cannot decode: expected UTF-8 or Windows-1251"
    )
