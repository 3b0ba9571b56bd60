"""Uploads from the browser: the file type checked by content, a preview of what would be stored,
and
a reviewed save (one transaction per file, with its audit entries).

The same readers and extraction as `python -m loaders ingest` / `load`: a document goes through
extraction_bundle, a table through load_table_file (a bad row raises the CLI's TableLoadError).
"""

from __future__ import annotations

import io
import os
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pandas as pd

from loaders.accounts import Credential, NotAuthorisedError, authorised_user, require_region
from loaders.read.documents import DOCUMENT_SUFFIXES
from loaders.read.tables import TABLE_SUFFIXES
from loaders.review import FACTS, ReviewError, entity_of, field_changes
from loaders.store.audit import append_audit
from loaders.store.database import validated_tables, write_in_transaction

MAX_FILE_MB = float(os.environ.get("ATLAS_UPLOAD_MAX_MB", "20"))
MAX_FILES = int(os.environ.get("ATLAS_UPLOAD_MAX_FILES", "20"))
FACT_TABLE_NAMES = {fact.table.name: entity for entity, fact in FACTS.items()}


class UploadError(ValueError):
    """A file refused before reading (size, type), with a Russian/English message naming it."""


def _zip_kind(data: bytes) -> str | None:
    try:
        names = set(zipfile.ZipFile(io.BytesIO(data)).namelist())
    except zipfile.BadZipFile:
        return None
    if "word/document.xml" in names:
        return ".docx"
    if "xl/workbook.xml" in names:
        return ".xlsx"
    return None


def _looks_like_html(text: str) -> bool:
    head = text[:2000].lower()
    return bool(re.search(r"<(!doctype html|html|body|p|div|h1|article)[\s>]", head))


def sniff_suffix(name: str, data: bytes) -> str:
    """The file's real type from its bytes; UploadError when it is not one we read or when the name
    claims another kind of file (e.g. a PDF called .docx)."""
    claimed = Path(name).suffix.lower()
    if len(data) > MAX_FILE_MB * 1024 * 1024:
        raise UploadError(f"{name}: файл больше {MAX_FILE_MB:g} МБ / file larger than the limit")
    if data.startswith(b"%PDF"):
        actual = ".pdf"
    elif data.startswith(b"PK\x03\x04"):
        actual = _zip_kind(data)
        if actual is None:
            raise UploadError(f"{name}: архив, но не .docx и не .xlsx / a zip that is neither")
    elif b"\x00" in data[:4096]:
        raise UploadError(f"{name}: двоичный файл неизвестного вида / unknown binary file")
    else:
        text = data[:20000].decode("utf-8", errors="ignore").lstrip("\ufeff \r\n\t")
        if claimed in (".csv", ".json", ".txt", ".md"):
            actual = claimed
            if claimed == ".json" and not text.startswith(("[", "{")):
                raise UploadError(f"{name}: не JSON / not JSON")
        elif claimed in (".html", ".htm") or _looks_like_html(text):
            actual = ".html"
        else:
            actual = ".txt"
    textual = {".txt", ".md", ".csv", ".json", ".html", ".htm"}
    if claimed and claimed != actual and not (claimed in textual and actual in textual):
        raise UploadError(
            f"{name}: по содержимому это {actual}, а не {claimed or 'файл без расширения'} / "
            f"the content is {actual}, not {claimed}"
        )
    if actual not in DOCUMENT_SUFFIXES | TABLE_SUFFIXES:
        raise UploadError(f"{name}: такой вид файла не читается / unsupported file type")
    return actual


@dataclass
class Preview:
    """What one uploaded file would store: its documents row and tables, or the error that stops
    it."""

    name: str
    kind: str  # document or table
    frames: dict[str, pd.DataFrame] = field(default_factory=dict)
    text: str = ""
    facts: pd.DataFrame = field(default_factory=pd.DataFrame)
    already_stored: bool = False
    warnings: list[str] = field(default_factory=list)
    error: str | None = None


def _safe_name(name: str, suffix: str) -> str:
    stem = re.sub(r"[^\w.\-]+", "_", Path(name).stem, flags=re.UNICODE)[:80] or "file"
    return stem + suffix


def _read_bundle(path: Path, suffix: str):
    if suffix in TABLE_SUFFIXES:
        from loaders.pipeline.table_rows import load_table_file

        return "table", load_table_file(path)
    from loaders.pipeline.ingest import extract_file, extraction_bundle

    extracted = extract_file(str(path))
    if extracted.error:
        raise UploadError(extracted.error)
    return "document", extraction_bundle(path, extracted.data, extracted.extraction)


def facts_table(frames: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """One row per proposed fact of a preview: entity, id, summary, region, date, confidence,
    reason,
    status and the passage offsets (for highlighting)."""
    sources = frames.get("sources", pd.DataFrame(columns=["entity_id", "char_start", "char_end"]))
    first = sources.sort_values("char_start").drop_duplicates("entity_id")
    rows = []
    for table_name, entity in FACT_TABLE_NAMES.items():
        frame = frames.get(table_name)
        if frame is None or frame.empty:
            continue
        key = FACTS[entity].table.primary_key[0]
        for record in frame.to_dict("records"):
            rows.append(
                {
                    "entity": entity,
                    "entity_id": record[key],
                    "summary": _summary(entity, record),
                    "region_code": record.get("region_code") or record.get("to_region"),
                    "date": record.get("date_start", record.get("date")),
                    "confidence": record["confidence"],
                    "extraction_reason": record["extraction_reason"],
                    "status": record["status"],
                }
            )
    facts = pd.DataFrame(rows)
    if facts.empty:
        return facts
    offsets = first.set_index("entity_id")[["char_start", "char_end"]]
    return facts.join(offsets, on="entity_id").sort_values("confidence", kind="stable")


def _summary(entity: str, record: dict) -> str:
    if entity == "agreement":
        parties = record.get("parties")
        return record.get("subject") or "; ".join(list(parties) if parties is not None else [])
    if entity == "practice_link":
        return f"{record['practice']} ({record['from_region']} → {record['to_region']})"
    return str(record["title"])


def _mark_stored_matches(connection, frames: dict[str, pd.DataFrame], facts: pd.DataFrame):
    """Events that would merge into a stored one get «уже есть: будет добавлен источник»."""
    from loaders.store.merge import merge_batch

    if facts.empty or "events" not in frames:
        return facts
    merged = merge_batch(connection, [frames])[0]
    kept = set(merged["events"]["event_id"])
    notes = {
        row.entity_id: "уже есть: будет добавлен источник"
        for row in facts.itertuples()
        if row.entity == "event" and row.entity_id not in kept
    }
    return facts.assign(note=[notes.get(entity_id, "") for entity_id in facts["entity_id"]])


def preview_upload(
    name: str, data: bytes, workdir: Path, db_path: Path | str | None = None
) -> Preview:
    """Read and extract an uploaded file without storing anything; errors come back in
    Preview.error."""
    from loaders.read.tables import TableLoadError
    from loaders.store.database import connect

    try:
        suffix = sniff_suffix(name, data)
        Path(workdir).mkdir(parents=True, exist_ok=True)
        path = Path(workdir) / _safe_name(name, suffix)
        path.write_bytes(data)
        kind, bundle = _read_bundle(path, suffix)
        bundle.document["file_name"] = name
        bundle.document["source"] = f"upload:{name}"
        frames = validated_tables(bundle)
    except (UploadError, TableLoadError) as error:
        return Preview(
            name,
            "table" if name.lower().endswith(tuple(TABLE_SUFFIXES)) else "document",
            error=str(error).replace(str(workdir) + "/", ""),
        )
    facts = facts_table(frames)
    preview = Preview(
        name,
        kind,
        frames,
        frames["documents"]["full_text"].iloc[0] or "",
        facts,
        warnings=bundle.warnings,
    )
    from loaders.paths import database_target
    from loaders.store.readers import store_exists

    target = database_target() if db_path is None else db_path
    if store_exists(target):  # a DuckDB file that exists, or a postgresql:// URL
        try:
            with connect(target, read_only=True) as connection:
                sha = frames["documents"]["sha256"].iloc[0]
                preview.already_stored = bool(
                    connection.execute("SELECT 1 FROM documents WHERE sha256 = ?", [sha]).fetchall()
                )
                preview.facts = _mark_stored_matches(connection, frames, facts)
        except duckdb.Error:
            pass  # the store is busy with a writer: the preview goes without the match notes
    if "note" not in preview.facts:
        preview.facts = preview.facts.assign(note="") if not preview.facts.empty else preview.facts
    return preview


def _apply_corrections(
    connection, frames, corrections: dict[str, dict]
) -> tuple[dict[str, pd.DataFrame], list[tuple[str, str, object, object]]]:
    """Frames with the corrections applied, and (id, column, before, after) for each changed
    cell."""
    frames = {name: frame.copy() for name, frame in frames.items()}
    changed = []
    for entity_id, fields in corrections.items():
        fact = FACTS[entity_of(entity_id)]
        frame = frames[fact.table.name]
        position = frame.index[frame[fact.table.primary_key[0]] == entity_id]
        if len(position) != 1:
            raise ReviewError(f"нет такой записи в файле / no such row in the file: {entity_id}")
        for field_name, value in fields.items():
            row = frame.loc[position[0]].to_dict()
            for column, new in field_changes(connection, fact, row, field_name, value).items():
                if column in frame and frame[column].dtype.kind == "M":
                    new = pd.Timestamp(new)
                changed.append((entity_id, column, row.get(column), new))
                frame.at[position[0], column] = new
    return frames, changed


def save_upload(
    connection: duckdb.DuckDBPyConnection,
    credential: Credential,
    preview: Preview,
    decisions: dict[str, str] | None = None,
    corrections: dict[str, dict] | None = None,
) -> dict[str, int] | None:
    """Store one previewed file inside the caller's transaction: corrections applied, each decided
    fact
    given its status (confirmed or rejected), and the upload and every decision in the audit trail.
    Editors may upload any document (its facts stay proposed) but decide, correct or load official
    table rows only of their regions. Returns rows written per table, or None if already stored."""
    if preview.error:
        raise UploadError(preview.error)
    user = authorised_user(connection, credential)
    decisions, corrections = decisions or {}, corrections or {}
    frames, changed = _apply_corrections(connection, preview.frames, corrections)
    for table_name, entity in FACT_TABLE_NAMES.items():
        frame = frames.get(table_name)
        if frame is None or frame.empty:
            continue
        key = FACTS[entity].table.primary_key[0]
        for record in frame.to_dict("records"):
            touched = record[key] in decisions or record[key] in corrections
            if touched or preview.kind == "table":
                regions = [record.get(c) for c in FACTS[entity].region_columns]
                require_region(user, [r if isinstance(r, str) else None for r in regions], "записи")
        statuses = [decisions.get(i) or status for i, status in zip(frame[key], frame["status"])]
        frames[table_name] = frame.assign(status=statuses)
    counts = write_in_transaction(connection, [frames])[0]
    if counts is None:
        return None
    document_id = frames["documents"]["document_id"].iloc[0]
    summary = ", ".join(f"{name}: {count}" for name, count in counts.items() if count)
    append_audit(
        connection, user.name, "upload", "document", document_id, None, None, preview.name, summary
    )
    _audit_decisions(connection, user.name, preview, decisions, changed)
    return counts


def _audit_decisions(connection, user_name, preview, decisions, changed) -> None:
    action = {"confirmed": "accept", "rejected": "reject"}
    for entity_id, column, before, after in changed:
        append_audit(
            connection,
            user_name,
            "correct",
            entity_of(entity_id),
            entity_id,
            column,
            before,
            after,
            f"при загрузке {preview.name}",
        )
    for entity_id, status in decisions.items():
        if status in action:
            append_audit(
                connection,
                user_name,
                action[status],
                entity_of(entity_id),
                entity_id,
                "status",
                "proposed",
                status,
                f"при загрузке {preview.name}",
            )


_WARM_UP_TEXT = (
    "12 марта 2024 года в Сургуте прошёл экологический форум «Чистый берег». В нём участвовали "
    "волонтёры из Тюмени. Подписано соглашение о сотрудничестве между двумя общественными палатами."
)


def warm_up() -> None:
    """Load the models, gazetteer and schema checks once (~5 s), so that the first upload of a
    process previews as fast as the later ones; the Загрузка page calls it when it opens."""
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        preview_upload(
            "warm-up.txt", _WARM_UP_TEXT.encode("utf-8"), Path(folder), Path(folder) / "none"
        )


def check_upload_count(count: int) -> None:
    if count > MAX_FILES:
        raise UploadError(
            f"за один раз не больше {MAX_FILES} файлов (выбрано {count}) / at most {MAX_FILES} "
            "files"
        )


__all__ = [
    "MAX_FILE_MB",
    "MAX_FILES",
    "NotAuthorisedError",
    "Preview",
    "UploadError",
    "check_upload_count",
    "preview_upload",
    "save_upload",
    "sniff_suffix",
]
