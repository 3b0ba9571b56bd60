"""Resource limits on one input file, checked before the expensive step they protect.

Every limit can be changed with an environment variable (ATLAS_<NAME>), so an operator with a larger
machine or a larger honest file can raise it without editing code. A file over a limit fails alone
with a message naming the file and the limit.
"""

from __future__ import annotations

import os
import zipfile
from dataclasses import dataclass
from pathlib import Path

from loaders.read.textio import UnreadableFileError


def _env_int(name: str, default: int) -> int:
    value = os.environ.get(f"ATLAS_{name}")
    try:
        return int(value) if value else default
    except ValueError:
        return default


@dataclass(frozen=True)
class Limits:
    """The limits in force; read from the environment once per call of current_limits()."""

    file_bytes: int  # size of the file on disk
    document_chars: int  # characters of text extracted from one document
    zip_uncompressed_bytes: int  # total uncompressed size of a DOCX/XLSX archive
    zip_parts: int  # number of parts (members) of a DOCX/XLSX archive
    zip_xml_part_bytes: int  # uncompressed size of one XML part (parsed whole into memory)
    ner_chunk_chars: int  # longest piece of text given to natasha's NER at once
    worker_memory_mb: int  # address-space cap of one extraction worker process
    seconds_per_file: int  # wall time one file may take in a worker


# Each limit's environment variable (ATLAS_<NAME>) and default.
_SETTINGS = {
    "file_bytes": ("MAX_FILE_BYTES", 20 * 1024 * 1024),
    "document_chars": ("MAX_DOCUMENT_CHARS", 500_000),
    "zip_uncompressed_bytes": ("MAX_ZIP_UNCOMPRESSED_BYTES", 100 * 1024 * 1024),
    "zip_parts": ("MAX_ZIP_PARTS", 2_000),
    "zip_xml_part_bytes": ("MAX_ZIP_XML_PART_BYTES", 10 * 1024 * 1024),
    "ner_chunk_chars": ("MAX_NER_CHUNK_CHARS", 5_000),
    "worker_memory_mb": ("WORKER_MEMORY_MB", 6_144),
    "seconds_per_file": ("SECONDS_PER_FILE", 120),
}


def current_limits() -> Limits:
    return Limits(
        **{field: _env_int(name, default) for field, (name, default) in _SETTINGS.items()}
    )


def limits_environment() -> dict[str, str]:
    """The limits in force as environment variables: what a Dask worker on another machine sets so
    that the client's limits, not the worker's, apply to the files it sends."""
    limits = current_limits()
    return {f"ATLAS_{name}": str(getattr(limits, field)) for field, (name, _) in _SETTINGS.items()}


def _megabytes(count: int) -> str:
    return f"{count / 1024 / 1024:.1f} МБ / MB"


def read_limited_bytes(path: Path) -> bytes:
    """The file's bytes, after checking its size on disk (so a huge file is never read)."""
    path = Path(path)
    limit = current_limits().file_bytes
    size = path.stat().st_size
    if size > limit:
        raise UnreadableFileError(
            f"{path.name}: файл больше предела {_megabytes(limit)} ({_megabytes(size)}); "
            f"предел задаёт ATLAS_MAX_FILE_BYTES / file exceeds the size limit"
        )
    return path.read_bytes()


def check_zip_directory(data: bytes, name: str, kind: str) -> None:
    """Refuse a DOCX/XLSX whose central directory promises too many parts or too many bytes.

    Only the directory is read: a zip bomb is caught before a single part is inflated. The sizes in
    the directory could lie, so zipfile itself also stops at the declared size while inflating.
    """
    import io

    limits = current_limits()
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, ValueError, EOFError):
        return  # not a zip at all: the format's own reader reports the damage
    if len(members) > limits.zip_parts:
        raise UnreadableFileError(
            f"{name}: в архиве {kind} {len(members)} частей, предел {limits.zip_parts} "
            f"(ATLAS_MAX_ZIP_PARTS) / {kind} archive has too many parts"
        )
    total = sum(member.file_size for member in members)
    if total > limits.zip_uncompressed_bytes:
        raise UnreadableFileError(
            f"{name}: {kind} после распаковки занимает {_megabytes(total)}, предел "
            f"{_megabytes(limits.zip_uncompressed_bytes)} (ATLAS_MAX_ZIP_UNCOMPRESSED_BYTES) / "
            f"{kind} uncompressed size exceeds the limit"
        )
    largest = max(
        (m for m in members if m.filename.endswith((".xml", ".rels"))),
        key=lambda m: m.file_size,
        default=None,
    )
    if largest is not None and largest.file_size > limits.zip_xml_part_bytes:
        raise UnreadableFileError(
            f"{name}: часть {largest.filename} после распаковки занимает "
            f"{_megabytes(largest.file_size)}, предел {_megabytes(limits.zip_xml_part_bytes)} "
            f"(ATLAS_MAX_ZIP_XML_PART_BYTES) / {kind} XML part exceeds the size limit"
        )


def check_document_chars(text: str, name: str) -> None:
    """Refuse a document whose extracted text is longer than the extraction limit."""
    limit = current_limits().document_chars
    if len(text) > limit:
        raise UnreadableFileError(
            f"{name}: в документе {_spaced(len(text))} символов, предел {_spaced(limit)} "
            "(ATLAS_MAX_DOCUMENT_CHARS) / document text exceeds the character limit"
        )


def _spaced(count: int) -> str:
    return f"{count:_}".replace("_", " ")
