"""Deterministic row ids: the same source position always yields the same id."""

from __future__ import annotations

import hashlib


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def stable_id(prefix: str, *parts: object) -> str:
    """prefix_ + 16 hex digits of sha256 over the parts."""
    digest = hashlib.sha256("\x1f".join(str(part) for part in parts).encode("utf-8")).hexdigest()
    return f"{prefix}_{digest[:16]}"


def document_id(sha256: str) -> str:
    return f"doc_{sha256[:16]}"
