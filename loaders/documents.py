"""Text documents (.txt, .md) as `documents` rows. Reading events out of them is a later stage."""
from __future__ import annotations

import json
from pathlib import Path

from loaders.ids import document_id, sha256_hex
from loaders.store import Bundle
from loaders.textio import decode_text

TEXT_SUFFIXES = {".txt", ".md"}
DEMO_MARKER = "[ДЕМОНСТРАЦИОННЫЕ ДАННЫЕ"


def document_title(text: str) -> str:
    """First meaningful line (skipping the demo-data marker and Markdown emphasis), cut to 200 characters."""
    for line in text.splitlines():
        line = line.strip().strip("*#").strip()
        if line and not line.startswith(DEMO_MARKER):
            return line[:200]
    return ""


def read_genres(gold_path: Path) -> dict[str, str]:
    """file name → genre from a gold file of the seeds' shape (used for demo documents)."""
    if not gold_path.exists():
        return {}
    return {entry["file"]: entry["genre"] for entry in json.loads(gold_path.read_text(encoding="utf-8"))}


def load_text_document(path: Path, genre: str = "other", is_demo: bool = False) -> Bundle:
    """One text document as a Bundle holding only its documents row."""
    data = path.read_bytes()
    text = decode_text(data, path)
    sha = sha256_hex(data)
    return Bundle({
        "document_id": document_id(sha), "sha256": sha, "file_name": path.name, "title": document_title(text),
        "genre": genre, "published_date": None, "source": str(path), "source_kind": "text",
        "full_text": text, "is_demo": is_demo,
    })
