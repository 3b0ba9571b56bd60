"""Ingesting documents: hash → read → extract (on Dask workers) → store (batched transactions).

Hostile input is expected. Files whose bytes are stored already are skipped before any reading;
every other file is read here and extracted on a Dask worker (loaders.pipeline.cluster) with a
memory cap and a time limit, and whatever goes wrong there (an error, a limit, a worker killed by
the kernel) is that file's failure alone: the batch finishes and the summary lists it.
"""

from __future__ import annotations

import contextlib
import ctypes
import datetime as dt
import os
import queue
import resource
import threading
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
from tqdm import tqdm

from loaders.text.extract import Extraction, extract_document, topic_of
from loaders.model.ids import document_id, file_sha256, sha256_hex, stable_id
from loaders.model.quarters import quarter_key
from loaders.pipeline.summary import LoadSummary, expand_paths
from loaders.read.documents import DOCUMENT_SUFFIXES, document_text, read_document_bytes
from loaders.read.limits import current_limits
from loaders.geo.regions import region_index
from loaders.model.schema import (
    AGREEMENTS,
    EVENTS,
    PLACES,
    PRACTICE_LINKS,
    REPORT_ITEMS,
    SEARCH_TERMS,
    SOURCES,
    SchemaError,
    frame_from_rows,
)
from loaders.model.bundle import Bundle
from loaders.read.textio import UnreadableFileError
from loaders.store.database import (
    StoreBusyError,
    open_store,
    store_each,
    stored_hashes,
    validated_tables,
)
from loaders.store.search_terms import file_search_terms

STORE_BATCH = 50  # files per write transaction


@dataclass
class ExtractedFile:
    """What a worker sends back: the file's extraction (and, for ingest, its validated rows), or an
    error."""

    path: str
    extraction: Extraction | None = None
    data: bytes | None = None
    frames: dict[str, pd.DataFrame] | None = None
    warnings: list[str] = field(default_factory=list)
    error: str | None = None


def extract_file(path: str) -> ExtractedFile:
    """Read and extract one file; a file that cannot be read comes back with its error, not an
    exception."""
    try:
        data = read_document_bytes(Path(path))
    except UnreadableFileError as error:
        return ExtractedFile(path, error=str(error))
    except OSError as error:
        return ExtractedFile(path, error=_cannot_read(path, error))
    return extract_bytes(path, data)


def extract_bytes(path: str, data: bytes) -> ExtractedFile:
    """Extract a document already read (its bytes); `path` names it and its suffix its format."""
    try:
        data, text = document_text(data, Path(path))
    except UnreadableFileError as error:
        return ExtractedFile(path, error=str(error))
    return ExtractedFile(path, extract_document(text), data)


def _cannot_read(path: str, error: OSError) -> str:
    return f"{Path(path).name}: не удалось прочитать / cannot read ({error})"


def prepare_file(path: str, data: bytes, is_demo: bool = False) -> ExtractedFile:
    """Extract a file's bytes and build its validated rows: all the per-file work, done on a worker.

    Never raises: any failure, including running out of memory or time, comes back as the file's
    error.
    """
    name = Path(path).name
    limits = current_limits()
    try:
        with _time_limit(limits.seconds_per_file):
            return _prepare_file(path, data, is_demo)
    except _FileTimeout:
        return timed_out(path)
    except MemoryError:
        return ExtractedFile(
            path,
            error=f"{name}: не хватило памяти (предел {limits.worker_memory_mb} МБ на процесс, "
            "ATLAS_WORKER_MEMORY_MB) / out of memory (per-worker limit)",
        )
    except Exception as error:  # noqa: BLE001 — a file must fail alone, whatever the cause
        return ExtractedFile(
            path,
            error=f"{name}: ошибка обработки / failed: {type(error).__name__}: {error}",
        )


def _prepare_file(path: str, data: bytes, is_demo: bool) -> ExtractedFile:
    extracted = extract_bytes(path, data)
    if extracted.error:
        return extracted
    try:
        bundle = extraction_bundle(Path(path), extracted.data, extracted.extraction, is_demo)
        frames = validated_tables(bundle)
    except SchemaError as error:
        return ExtractedFile(path, error=f"{Path(path).name}: {error}")
    frames[SEARCH_TERMS.name] = file_search_terms(frames)
    return ExtractedFile(path, frames=frames, warnings=bundle.warnings)


def timed_out(path: str) -> ExtractedFile:
    """The failure of a file that took longer than ATLAS_SECONDS_PER_FILE."""
    return ExtractedFile(
        path,
        error=f"{Path(path).name}: обработка заняла больше {current_limits().seconds_per_file} с "
        "(ATLAS_SECONDS_PER_FILE) / processing exceeded the time limit",
    )


def worker_died(path: str) -> ExtractedFile:
    """The failure of a file whose worker process died while working on it (again, when alone)."""
    limits = current_limits()
    return ExtractedFile(
        path,
        error=f"{Path(path).name}: процесс обработки завершился аварийно "
        f"(вероятно, превышен предел памяти {limits.worker_memory_mb} МБ, "
        "ATLAS_WORKER_MEMORY_MB) / the worker process died "
        "while reading this file",
    )


class _FileTimeout(BaseException):
    """Raised into the thread working on a file when its time is up. A BaseException, so that a
    broad `except Exception` in a reader or an extractor cannot swallow it."""


def _raise_in_thread(thread_id: int, exception: type[BaseException] | None) -> None:
    """Make `exception` raise in that thread at its next Python instruction (None: cancel one not
    raised yet). CPython's PyThreadState_SetAsyncExc: what SIGALRM did, for any thread."""
    ctypes.pythonapi.PyThreadState_SetAsyncExc(
        ctypes.c_ulong(thread_id), ctypes.py_object(exception) if exception else None
    )


@contextlib.contextmanager
def _time_limit(seconds: int):
    """Raise _FileTimeout in this thread after `seconds`.

    Dask runs a file in a worker thread, where SIGALRM cannot reach, so a timer thread raises the
    exception into this one instead. Like SIGALRM's handler, it lands between Python instructions:
    a C call that never returns is not interrupted here; the client's deadline (cluster.py) catches
    that one and restarts the worker.
    """
    if seconds <= 0:
        yield
        return
    target = threading.get_ident()
    lock = threading.Lock()
    state = {"working": True, "raised": False}

    def expire() -> None:
        with lock:
            if state["working"]:
                state["raised"] = True
                _raise_in_thread(target, _FileTimeout)

    timer = threading.Timer(seconds, expire)
    timer.daemon = True
    timer.start()
    try:
        yield
    finally:
        with lock:
            state["working"] = False
            if state["raised"]:
                _raise_in_thread(target, None)  # finished just in time: drop the pending raise
        timer.cancel()


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
    """Place columns of a row: the settlement if known, else the regional centre (geo_precision
    region)."""
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
    # extracted rows wait for review, except the demo's (shown as a reviewed store would be)
    review = {"status": "confirmed" if is_demo else "proposed", "version": 1}
    for name in ("events", "report_items", "agreements", "practice_links"):
        rows[name] = [{**row, **review} for row in rows[name]]
    implausible = _implausible_values(path.name, rows)
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
        for name in dict.fromkeys(extraction.unresolved_places)  # each name once
    ] + implausible
    if not any(
        name in tables for name in ("events", "report_items", "agreements", "practice_links")
    ):
        warnings.append(
            f"{path.name}: документ сохранён, но ни одной записи не извлечено "
            "(проверьте кодировку и содержание) / document stored but yielded no rows"
        )
    return Bundle(document, tables, warnings)


# A stated participant count above this is taken as a typing or extraction error.
MAX_PARTICIPANTS = 1_000_000


def _implausible_values(file_name: str, rows: dict[str, list[dict]]) -> list[str]:
    """Warnings for event dates before 1990 or over a year ahead, and participant counts over
    MAX_PARTICIPANTS (those counts are dropped: the store's INTEGER could not even hold some)."""
    latest = dt.date.today() + dt.timedelta(days=366)
    warnings = []
    for event in rows["events"]:
        if event["date_start"] < dt.date(1990, 1, 1) or event["date_end"] > latest:
            warnings.append(
                f"{file_name}: неправдоподобная дата события «{event['title'][:80]}»: "
                f"{event['date_start']} / implausible event date"
            )
        count = event["participants_count"]
        if count is not None and not 0 <= count <= MAX_PARTICIPANTS:
            warnings.append(
                f"{file_name}: число участников {count} отброшено (больше {MAX_PARTICIPANTS}) "
                f"у события «{event['title'][:80]}» / implausible participant count dropped"
            )
            event["participants_count"] = None
    return warnings


class MemoryCapError(RuntimeError):
    """ATLAS_WORKER_MEMORY_MB leaves a worker no room: it already maps nearly that much."""


CAP_HEADROOM_BYTES = 512 * 1024 * 1024  # what a worker needs above its mappings to work at all


def _mapped_bytes() -> int:
    """This process's address space now (Linux: VmSize), 0 where unknown."""
    try:
        status = Path("/proc/self/status").read_text()
    except OSError:
        return 0
    for line in status.splitlines():
        if line.startswith("VmSize:"):
            return int(line.split()[1]) * 1024
    return 0


def cap_address_space(memory_mb: int) -> None:
    """Cap this (worker) process's address space at `memory_mb` (0: no cap): an allocation over it
    raises MemoryError in the file that asked, instead of the kernel killing the machine's
    processes. A cap the worker already (nearly) fills is refused: every allocation of the worker's
    own machinery would fail too, and it would hang instead of working."""
    if memory_mb <= 0:
        return
    limit = memory_mb * 1024 * 1024
    mapped = _mapped_bytes()
    if mapped + CAP_HEADROOM_BYTES > limit:
        raise MemoryCapError(
            f"ATLAS_WORKER_MEMORY_MB={memory_mb}: процесс-исполнитель уже занимает "
            f"{mapped // 1024 // 1024} МБ адресного пространства, увеличьте предел / the worker "
            "already maps nearly that much: raise the limit"
        )
    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    resource.setrlimit(resource.RLIMIT_AS, (limit, hard))


def load_extraction_models() -> None:
    """Models, gazetteer and the extractor's lazily built parts, once per process (so no worker
    spends its first file's time limit on warming up); forked workers inherit them."""
    from loaders.text.document import load_models

    load_models()  # NER, morph tagger, gazetteer
    extract_document(_WARM_UP_TEXT)


_WARM_UP_TEXT = "Семинар прошёл 1 марта 2023 года в Сургуте (Югра), его провёл совет ТОС."


def _store_batch(db_path: Path | None, batch: list[ExtractedFile], summary: LoadSummary) -> None:
    with open_store(db_path) as connection:
        results = store_each(connection, [p.frames for p in batch])
    for prepared, result in zip(batch, results):
        if isinstance(result, Exception):
            summary.fail(
                prepared.path,
                f"не удалось сохранить / cannot store ({type(result).__name__}: {result})",
            )
        elif result is None:
            summary.unchanged.append(prepared.path)
        else:
            summary.stored.append(prepared.path)
            summary.add_rows(result)
            summary.warnings.extend(prepared.warnings)


def _files_to_extract(files: list[Path], db_path: Path | None, summary: LoadSummary) -> list[str]:
    """Files whose bytes are not stored yet, hashed before any reading (so «unchanged» is instant);
    missing, unreadable and oversized files are failed here."""
    limit = current_limits().file_bytes
    hashes: dict[str, str] = {}
    for path in files:
        try:
            size = path.stat().st_size
            if size > limit:
                continue  # the reader refuses it with the limit in the message
            hashes[str(path)] = file_sha256(path)
        except OSError as error:
            summary.fail(str(path), f"не удалось прочитать / cannot read ({error.strerror})")
    known = stored_hashes(db_path, list(set(hashes.values())))
    unchanged = {path for path, sha in hashes.items() if sha in known}
    summary.unchanged.extend(sorted(unchanged))
    return [str(p) for p in files if str(p) not in unchanged and str(p) not in summary.failed]


def ingest_documents(
    paths: list[Path],
    db_path: Path | str | None = None,
    is_demo: bool = False,
    workers: int | None = None,
    scheduler: str | None = None,
) -> LoadSummary:
    """Extract and store documents; files that fail are reported and the rest still load.

    Extraction runs on Dask workers: those of the cluster at `scheduler` (tcp://host:8786), or of a
    LocalCluster of `workers` processes on this machine (default: cores, at most 4). This process
    reads the files, sends their bytes and writes the results in batches of STORE_BATCH files per
    transaction, holding the store only while writing. If the store stays busy (another writer)
    past the wait limit, or the cluster cannot be reached, the load stops with summary.fatal set;
    what was stored until then stays stored, and a second run skips it.
    """
    from loaders.pipeline.cluster import ClusterUnavailableError

    summary = LoadSummary()
    files = expand_paths(paths, DOCUMENT_SUFFIXES, summary)
    try:
        todo = _files_to_extract(files, db_path, summary)
        if todo:
            workers = workers or min(os.cpu_count() or 1, 4, len(todo))
            _extract_and_store(todo, db_path, is_demo, workers, scheduler, summary)
    except (StoreBusyError, ClusterUnavailableError) as error:
        summary.fatal = str(error)
    return summary


def _extract_and_store(
    todo: list[str],
    db_path: Path | str | None,
    is_demo: bool,
    workers: int,
    scheduler: str | None,
    summary: LoadSummary,
) -> None:
    from loaders.pipeline.cluster import extraction_client, extracted_on_cluster

    writer = _BatchWriter(db_path, summary)
    batch: list[ExtractedFile] = []
    try:
        with (
            extraction_client(workers, scheduler) as client,
            contextlib.closing(extracted_on_cluster(client, todo, is_demo)) as extracted,
        ):
            progress = tqdm(
                extracted,
                total=len(todo),
                desc="documents",
                unit="doc",
                disable=len(todo) < 5,
            )
            for prepared in progress:
                if prepared.error:
                    summary.fail(prepared.path, prepared.error)
                    continue
                batch.append(prepared)
                if len(batch) >= STORE_BATCH:
                    writer.put(batch)
                    batch = []
    finally:  # files extracted before the cluster was lost are stored all the same
        writer.close(batch)


class _BatchWriter:
    """Stores batches in a thread of its own while the workers go on extracting: writing 50 files
    takes a second or more, in which the cluster would otherwise run dry. At most one batch waits;
    the first error (e.g. StoreBusyError) stops the writing and is raised by the next put or close.

    The summary is shared with the extracting thread; each of its updates is one list append or
    dict assignment, which the interpreter does atomically.
    """

    def __init__(self, db_path: Path | str | None, summary: LoadSummary) -> None:
        self.db_path, self.summary = db_path, summary
        self.batches: queue.Queue[list[ExtractedFile] | None] = queue.Queue(maxsize=1)
        self.error: BaseException | None = None
        self.thread = threading.Thread(target=self._write, name="atlas-writer", daemon=True)
        self.thread.start()

    def _write(self) -> None:
        while (batch := self.batches.get()) is not None:
            if self.error is None:
                try:
                    _store_batch(self.db_path, batch, self.summary)
                except BaseException as error:  # noqa: BLE001 — handed to the extracting thread
                    self.error = error

    def put(self, batch: list[ExtractedFile]) -> None:
        if self.error is not None:
            raise self.error
        self.batches.put(batch)

    def close(self, last: list[ExtractedFile]) -> None:
        """Store the last batch, wait for the writing to end, raise its error if any."""
        if last and self.error is None:
            self.batches.put(last)
        self.batches.put(None)
        self.thread.join()
        if self.error is not None:
            raise self.error
