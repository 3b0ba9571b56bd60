"""Ingesting documents: read → extract (in worker processes) → store (one transaction per batch of files)."""

from __future__ import annotations

import multiprocessing
import os
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

import pandas as pd
from tqdm import tqdm

from loaders.text.extract import Extraction, extract_document, topic_of
from loaders.model.ids import document_id, sha256_hex, stable_id
from loaders.model.quarters import quarter_key
from loaders.pipeline.summary import LoadSummary, expand_paths
from loaders.read.documents import DOCUMENT_SUFFIXES, read_document
from loaders.geo.regions import region_index
from loaders.model.schema import (
    AGREEMENTS,
    EVENTS,
    PLACES,
    PRACTICE_LINKS,
    REPORT_ITEMS,
    SOURCES,
    SchemaError,
    frame_from_rows,
)
from loaders.model.bundle import Bundle
from loaders.read.textio import UnreadableFileError
from loaders.store.database import open_store, store_validated, validated_tables

STORE_BATCH = 50  # files per write transaction


@dataclass
class ExtractedFile:
    """What a worker sends back: the file's extraction (and, for ingest, its validated rows), or an error."""

    path: str
    extraction: Extraction | None = None
    data: bytes | None = None
    frames: dict[str, pd.DataFrame] | None = None
    warnings: list[str] = field(default_factory=list)
    error: str | None = None


def extract_file(path: str) -> ExtractedFile:
    """Read and extract one file; a file that cannot be read comes back with its error, not an exception."""
    try:
        data, text = read_document(Path(path))
    except UnreadableFileError as error:
        return ExtractedFile(path, error=str(error))
    except OSError as error:
        return ExtractedFile(
            path, error=f"{Path(path).name}: не удалось прочитать / cannot read ({error})"
        )
    return ExtractedFile(path, extract_document(text), data)


def prepare_file(path: str, is_demo: bool = False) -> ExtractedFile:
    """Read, extract and build the file's validated rows: all the per-file work, done in a worker."""
    extracted = extract_file(path)
    if extracted.error:
        return extracted
    try:
        bundle = extraction_bundle(Path(path), extracted.data, extracted.extraction, is_demo)
        frames = validated_tables(bundle)
    except SchemaError as error:
        return ExtractedFile(path, error=f"{Path(path).name}: {error}")
    return ExtractedFile(path, frames=frames, warnings=bundle.warnings)


def _place_columns(mention) -> dict:
    if mention is None:
        return {"settlement_name": None, "settlement_id": None, "lat": None, "lon": None}
    settlement = mention.settlement
    if settlement:
        return {
            "settlement_name": settlement.name,
            "settlement_id": settlement.settlement_id,
            "lat": settlement.lat,
            "lon": settlement.lon,
        }
    return {"settlement_name": None, "settlement_id": None, "lat": None, "lon": None}


def _region_centre(code: str | None) -> tuple[float | None, float | None]:
    region = region_index().regions.get(code) if code else None
    return (region.centre_lat, region.centre_lon) if region else (None, None)


def _located(mention, region_code: str | None) -> dict:
    """Place columns of a row: the settlement if known, else the regional centre (geo_precision region)."""
    columns = {**_place_columns(mention), "region_code": region_code}
    if columns["lat"] is not None:
        return {**columns, "geo_precision": "settlement"}
    lat, lon = _region_centre(region_code)
    return {
        **columns,
        "lat": lat,
        "lon": lon,
        "geo_precision": "region" if lat is not None else None,
    }


def _source(entity: str, entity_id: str, doc_id: str, passage) -> dict:
    return {
        "entity": entity,
        "entity_id": entity_id,
        "document_id": doc_id,
        "char_start": passage.start,
        "char_end": passage.end,
        "row_number": None,
        "merge_reason": "",
    }


def extraction_bundle(
    path: Path, data: bytes, extraction: Extraction, is_demo: bool = False
) -> Bundle:
    """The rows one document contributes to every table, each with its passage."""
    sha = sha256_hex(data)
    doc_id = document_id(sha)
    rows: dict[str, list[dict]] = {
        name: []
        for name in ("events", "report_items", "agreements", "practice_links", "places", "sources")
    }
    event_ids = []
    for index, event in enumerate(extraction.events):
        event_id = stable_id("ev", sha, index, event.passage.start)
        event_ids.append(event_id)
        event_place = _located(event.settlement, event.region_code)
        rows["events"].append(
            {
                "event_id": event_id,
                "title": event.title,
                "event_type": event.event_type,
                "topic": topic_of(event, extraction.text, extraction.document),
                "date_start": event.span.start,
                "date_end": event.span.end,
                "date_precision": event.span.precision,
                **event_place,
                "organizers": event.organizers,
                "participant_cities": event.participant_cities,
                "participants_count": event.participants_count,
                "confidence": event.confidence,
                "extraction_reason": event.reason,
            }
        )
        rows["sources"].append(_source("event", event_id, doc_id, event.passage))
    if extraction.report:
        for item in extraction.report.items:
            event = extraction.events[item.event_index]
            # a row with two dates («17.11.2022, 24.11.2022») is two items of one number and passage
            item_id = stable_id("ri", sha, item.number, event.passage.start, event.span.start)
            rows["report_items"].append(
                {
                    "report_item_id": item_id,
                    "reporting_body": extraction.report.body,
                    "quarter": extraction.report.period or quarter_key(event.span.start),
                    "item_number": item.number,
                    "date_start": event.span.start,
                    "date_end": event.span.end,
                    "title": item.title,
                    "goal": item.goal,
                    "region_code": extraction.report.region_code,
                    "event_id": event_ids[item.event_index],
                    "confidence": item.confidence,
                    "extraction_reason": item.reason,
                }
            )
            rows["sources"].append(_source("report_item", item_id, doc_id, event.passage))
    for index, agreement in enumerate(extraction.agreements):
        agreement_id = stable_id("ag", sha, index, agreement.passage.start)
        located = _located(agreement.settlement, agreement.region_code)
        rows["agreements"].append(
            {
                "agreement_id": agreement_id,
                "date": agreement.date.start if agreement.date else None,
                "date_precision": agreement.date.precision if agreement.date else None,
                "parties_count": agreement.parties_count,
                "parties": agreement.parties,
                "subject": agreement.subject,
                "confidence": agreement.confidence,
                "extraction_reason": agreement.reason,
                **{k: v for k, v in located.items() if k != "geo_precision"},
            }
        )
        rows["sources"].append(_source("agreement", agreement_id, doc_id, agreement.passage))
    for index, link in enumerate(extraction.practice_links):
        link_id = stable_id("pl", sha, index, link.passage.start, link.to_region)
        span = link.span
        published = extraction.published_date
        rows["practice_links"].append(
            {
                "link_id": link_id,
                "from_region": link.from_region,
                "to_region": link.to_region,
                "practice": link.practice,
                "date_start": span.start if span else published,
                "date_end": span.end if span else published,
                "date_precision": span.precision if span else ("day" if published else None),
                "evidence_type": link.evidence_type,
                "confidence": link.confidence,
                "extraction_reason": link.reason,
            }
        )
        rows["sources"].append(_source("practice_link", link_id, doc_id, link.passage))
    for mention in extraction.places:
        if mention.kind == "country":
            continue
        columns = _place_columns(mention)
        rows["places"].append(
            {
                "place_id": stable_id("pc", sha, mention.start),
                "document_id": doc_id,
                "mention": mention.text,
                **columns,
                "region_code": mention.region_code,
                "geo_precision": mention.geo_precision,
                "alternatives": mention.alternatives[:10],
                "is_ambiguous": mention.ambiguous,
                "resolution": mention.reason or mention.kind,
                "char_start": mention.start,
                "char_end": mention.end,
            }
        )
    schemas = {
        t.name: t for t in (EVENTS, REPORT_ITEMS, AGREEMENTS, PRACTICE_LINKS, PLACES, SOURCES)
    }
    tables = {name: frame_from_rows(schemas[name], found) for name, found in rows.items() if found}
    document = {
        "document_id": doc_id,
        "sha256": sha,
        "file_name": path.name,
        "title": extraction.title,
        "genre": extraction.genre,
        "published_date": extraction.published_date,
        "source": str(path),
        "source_kind": "text",
        "full_text": extraction.text,
        "is_demo": is_demo,
    }
    warnings = [
        f"{path.name}: место не распознано / place not resolved: {name}"
        for name in extraction.unresolved_places
    ]
    return Bundle(document, tables, warnings)


def _worker_init() -> None:
    """Load the models once per worker process."""
    from loaders.text.document import load_models

    load_models()


def prepared_files(paths: list[str], workers: int, is_demo: bool):
    """Prepared files in input order; with workers > 1, the per-file work runs in that many processes."""
    work = partial(prepare_file, is_demo=is_demo)
    if workers <= 1 or len(paths) < 4:
        yield from map(work, paths)
        return
    context = multiprocessing.get_context("fork" if os.name == "posix" else "spawn")
    with context.Pool(workers, initializer=_worker_init) as pool:
        yield from pool.imap(work, paths, chunksize=4)


def _store_batch(connection, batch: list[ExtractedFile], summary: LoadSummary) -> None:
    for prepared, counts in zip(batch, store_validated(connection, [p.frames for p in batch])):
        if counts is None:
            summary.unchanged.append(prepared.path)
            continue
        summary.stored.append(prepared.path)
        summary.add_rows(counts)
        summary.warnings.extend(prepared.warnings)


def ingest_documents(
    paths: list[Path],
    db_path: Path | None = None,
    is_demo: bool = False,
    workers: int | None = None,
) -> LoadSummary:
    """Extract and store documents; unreadable files are reported and the rest still load.

    Reading and extraction run in worker processes (models load once per worker); the main process
    writes in batches of STORE_BATCH files per transaction.
    """
    files = [str(p) for p in expand_paths(paths, DOCUMENT_SUFFIXES)]
    workers = workers or min(os.cpu_count() or 1, 4)
    summary = LoadSummary()
    with open_store(db_path) as connection:
        batch: list[ExtractedFile] = []
        progress = tqdm(
            prepared_files(files, workers, is_demo),
            total=len(files),
            desc="documents",
            unit="doc",
            disable=len(files) < 5,
        )
        for prepared in progress:
            if prepared.error:
                summary.failed[prepared.path] = prepared.error
                continue
            batch.append(prepared)
            if len(batch) >= STORE_BATCH:
                _store_batch(connection, batch, summary)
                batch = []
        if batch:
            _store_batch(connection, batch, summary)
    return summary
