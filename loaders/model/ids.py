"""Deterministic row ids: the same source position always yields the same id."""

from __future__ import annotations

import hashlib
import os


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def file_sha256(path: str | os.PathLike) -> str:
    """sha256 of a file, read in pieces (never the whole file at once)."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for piece in iter(lambda: handle.read(1 << 20), b""):
            digest.update(piece)
    return digest.hexdigest()


def stable_id(prefix: str, *parts: object) -> str:
    """prefix_ + 16 hex digits of sha256 over the parts."""
    digest = hashlib.sha256("\x1f".join(str(part) for part in parts).encode("utf-8")).hexdigest()
    return f"{prefix}_{digest[:16]}"


def document_id(sha256: str) -> str:
    return f"doc_{sha256[:16]}"
