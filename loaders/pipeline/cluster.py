"""Extraction on Dask: this process reads the files and sends their bytes to the workers of a
LocalCluster on this machine, or of a cluster behind a scheduler address; the results come back
here in input order, to be stored.

The rules of the hand-made process pool this replaces still hold:
- one model load per worker process: local workers are forked from this process after it has
  loaded the models; workers elsewhere load them once, in ExtractionSetup (a WorkerPlugin, which
  also reaches workers that join or restart later);
- the client's limits (ATLAS_*) are in force on every worker, and ATLAS_WORKER_MEMORY_MB caps each
  worker's address space (RLIMIT_AS): an allocation over it is that file's MemoryError;
- the time limit runs inside the worker (ingest._time_limit). A task (up to FILES_PER_TASK files)
  not back by that limit per file plus a grace period after its worker started it (a C call that
  never returns) is given up and its worker restarted: a one-file task's file is reported as timed
  out, the files of a larger one are tried again one by one. Workers announce each start as an
  event, so that a task waiting behind a stuck one is not counted late;
- a worker that dies is Dask's to handle: its tasks go to other workers. The files of a task on
  which workers kept dying (Dask's KilledWorker) are each tried once more alone; if a worker dies
  again, that file is reported as failed. No file is lost; none is stored twice (this process
  writes each result once, and the store skips bytes it holds).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import time
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import dask
from distributed import Client, Future, KilledWorker, LocalCluster, WorkerPlugin, wait
from distributed.client import FuturesCancelledError
from distributed.utils import CancelledError

from loaders.pipeline.ingest import (
    ExtractedFile,
    cap_address_space,
    load_extraction_models,
    prepare_file,
    timed_out,
    worker_died,
)
from loaders.read.documents import read_document_bytes
from loaders.read.limits import current_limits, limits_environment
from loaders.read.textio import UnreadableFileError

# How often a local worker may die under a file before Dask gives up on it (KilledWorker). Low,
# because a suspect is then tried alone before it is reported; a remote scheduler keeps its own.
LOCAL_ALLOWED_FAILURES = 1
DEADLINE_GRACE_SECONDS = 15  # added to ATLAS_SECONDS_PER_FILE for the client's deadline
CONNECT_SECONDS = 30  # to reach a scheduler, and for it to have at least one worker
NO_WORKERS_SECONDS = 120  # a cluster left without workers this long ends the run
STARTED_TOPIC = "atlas-extraction-started"  # the event a worker logs as it starts a file
POLL_SECONDS = 0.5  # how often overdue files are looked for while waiting
THREADS_RECOUNT_SECONDS = 2.0  # the cluster's size is asked again after this
FILES_AHEAD = 256  # files sent ahead of the oldest one not back yet (bounds results held here)
# Files one task carries while many wait. Dask's own work per task (scheduling, messages, the start
# event) cost this process about 6 ms of CPU, measured with tasks that do nothing; this process also
# writes the store, and on a 2-core machine its CPU is taken from the workers. Near the end of a run
# tasks shrink to one file, so that no worker is left idle while another works through a chunk.
FILES_PER_TASK = 4


class ClusterUnavailableError(RuntimeError):
    """The scheduler cannot be reached, has no workers, or was lost during the run."""


class ExtractionSetup(WorkerPlugin):
    """Prepares every worker for extraction: the client's limits, the memory cap, the models."""

    def __init__(self, environment: dict[str, str]) -> None:
        self.environment = environment

    async def setup(self, worker) -> None:
        os.environ.update(self.environment)
        cap_address_space(current_limits().worker_memory_mb)
        # loading takes seconds: off the worker's event loop, which must keep answering
        await asyncio.get_running_loop().run_in_executor(None, load_extraction_models)


def _local_config() -> dict:
    return {
        # fork: workers start in a fraction of a second with the models this process loaded
        # (spawn would load them again in every worker: ~10 s each)
        "distributed.worker.multiprocessing-method": "fork" if os.name == "posix" else "spawn",
        "distributed.scheduler.allowed-failures": LOCAL_ALLOWED_FAILURES,
        # the statistical profiler samples every thread each 10 ms for Dask's dashboard, which a
        # local cluster does not have; on a 2-core machine it took CPU from the workers
        "distributed.worker.profile.enabled": False,
        # every server (scheduler, nannies, client here; each worker) checks its event loop for
        # stalls at this interval (20 ms by default): 2.6% of a core in this process with nothing
        # to do, about 1% at 1 s (bench_client.py); only the resolution of the «event loop
        # unresponsive» warning changes
        "distributed.admin.tick.interval": "1s",
        # files are handed out about two tasks per worker thread: nothing to steal, yet the
        # scheduler (in this process) looks ten times a second
        "distributed.scheduler.work-stealing": False,
    }


@contextlib.contextmanager
def extraction_client(workers: int, scheduler: str | None = None) -> Iterator[Client]:
    """A Dask client whose workers are ready to extract: connected to `scheduler`
    (tcp://host:8786), or to a new LocalCluster of `workers` one-thread processes on loopback,
    closed on exit."""
    if scheduler:
        with _remote_client(scheduler) as client:
            _set_up_workers(client)
            yield client
        return
    load_extraction_models()
    with (
        dask.config.set(_local_config()),
        LocalCluster(
            n_workers=workers,
            threads_per_worker=1,
            processes=True,
            host="127.0.0.1",
            scheduler_port=0,
            dashboard_address=None,
            # no nanny memory policing: the cap is RLIMIT_AS inside each worker (ExtractionSetup),
            # which fails the one file that asks too much. The nanny's limit killed a worker whose
            # inherited models already exceeded a small cap before the setup could say so, and
            # polled every worker's memory ten times a second in this, the writing, process.
            memory_limit=0,
            silence_logs=logging.ERROR,
        ) as cluster,
        Client(cluster) as client,
    ):
        _set_up_workers(client)
        yield client


@contextlib.contextmanager
def _remote_client(scheduler: str) -> Iterator[Client]:
    try:
        client = Client(scheduler, timeout=CONNECT_SECONDS)
    except OSError as error:
        raise ClusterUnavailableError(
            f"планировщик Dask {scheduler} недоступен / cannot reach the Dask scheduler: {error}"
        ) from error
    with client:
        try:
            client.wait_for_workers(1, timeout=CONNECT_SECONDS)
        except TimeoutError as error:
            raise ClusterUnavailableError(
                f"у планировщика Dask {scheduler} нет исполнителей за {CONNECT_SECONDS} с / "
                "the Dask scheduler has no workers"
            ) from error
        yield client


def _set_up_workers(client: Client) -> None:
    try:
        client.register_plugin(ExtractionSetup(limits_environment()), name="atlas-extraction")
    except Exception as error:  # noqa: BLE001 — e.g. MemoryCapError, raised on a worker
        raise ClusterUnavailableError(
            f"исполнители Dask не готовы / the Dask workers could not be set up: {error}"
        ) from error


def deadline_seconds(files: int = 1) -> float:
    """How long after a worker started a task of `files` files the client gives up on it (0:
    never)."""
    seconds = current_limits().seconds_per_file
    return files * seconds + DEADLINE_GRACE_SECONDS if seconds > 0 else 0


def prepare_announced(files: list[tuple[str, bytes]], is_demo: bool) -> list[ExtractedFile]:
    """prepare_file on a worker for each file of a task, after telling the client (an event) that
    the task starts now."""
    from distributed import get_worker

    worker = get_worker()
    worker.log_event(STARTED_TOPIC, worker.get_current_task())
    return [prepare_file(path, data, is_demo) for path, data in files]


def files_per_task(waiting: int, threads: int) -> int:
    """FILES_PER_TASK while at least four such tasks per worker thread wait, fewer towards the end
    of a run (and for a few files, such as an upload's: one)."""
    return min(FILES_PER_TASK, max(1, waiting // (4 * threads)))


def extracted_on_cluster(
    client: Client, paths: list[str], is_demo: bool
) -> Iterator[ExtractedFile]:
    """Each file prepared (ingest.prepare_file) on the client's workers, in input order, so that the
    store merges rows in the same order whatever the number of workers."""
    yield from _ClusterRun(client, paths, is_demo).results()


@dataclass
class _Job:
    files: list[tuple[int, str]]  # (input index, path) of each file the task carries
    alone: bool = False  # a suspect retried with no other file on the cluster


class _ClusterRun:
    """One pass over the files: keeps about two tasks per worker thread in flight, watches the
    deadline, retries suspects alone, and hands results back in input order."""

    def __init__(self, client: Client, paths: list[str], is_demo: bool) -> None:
        self.client = client
        self.is_demo = is_demo
        self.waiting: deque[tuple[int, str]] = deque(enumerate(paths))
        self.suspects: deque[tuple[int, str]] = deque()
        self.in_flight: dict[Future, _Job] = {}
        self.finished: dict[int, ExtractedFile] = {}
        self.next_index = 0
        self.deadline = deadline_seconds()  # > 0: deadlines are watched
        self.started: dict[str, float] = {}  # task key → time.monotonic() its worker started it
        self._threads = 1
        self._threads_counted_at = float("-inf")
        self._workers_seen_at = time.monotonic()

    def results(self) -> Iterator[ExtractedFile]:
        self.client.subscribe_topic(STARTED_TOPIC, self._on_started)
        try:
            while self.waiting or self.suspects or self.in_flight:
                try:
                    self._send_more()
                    self._collect()
                except OSError as error:  # a call to a scheduler that is gone (CommClosedError)
                    raise _lost(error) from error
                yield from self._in_order()
            yield from self._in_order()
        finally:
            with contextlib.suppress(Exception):  # the scheduler may be gone by now
                self.client.unsubscribe_topic(STARTED_TOPIC)

    def _on_started(self, event: tuple[float, str]) -> None:
        """Called in the client's event loop: the clock is this machine's, not the worker's."""
        self.started[event[1]] = time.monotonic()

    def _in_order(self) -> Iterator[ExtractedFile]:
        while self.next_index in self.finished:
            yield self.finished.pop(self.next_index)
            self.next_index += 1

    def _send_more(self) -> None:
        if self.suspects:  # a suspect goes alone: wait until nothing else is in flight
            if not self.in_flight:
                self._send([self.suspects.popleft()], alone=True)
            return
        threads = self._thread_count()
        while (
            self.waiting
            and len(self.in_flight) < 2 * threads
            and self.waiting[0][0] - self.next_index < FILES_AHEAD
        ):
            size = min(files_per_task(len(self.waiting), threads), len(self.waiting))
            self._send([self.waiting.popleft() for _ in range(size)])

    def _thread_count(self) -> int:
        """Worker threads in the cluster now (workers may join, die or restart), asked at most
        every THREADS_RECOUNT_SECONDS."""
        now = time.monotonic()
        if now - self._threads_counted_at > THREADS_RECOUNT_SECONDS:
            threads = sum(self.client.nthreads().values())
            if threads:
                self._workers_seen_at = now
            elif now - self._workers_seen_at > NO_WORKERS_SECONDS:
                raise ClusterUnavailableError(
                    f"у планировщика Dask нет исполнителей {NO_WORKERS_SECONDS} с / "
                    "the Dask cluster has had no workers for too long"
                )
            self._threads = max(1, threads)
            self._threads_counted_at = now
        return self._threads

    def _send(self, files: list[tuple[int, str]], alone: bool = False) -> None:
        """Read the files here (workers need no shared disk) and submit their bytes as one task;
        a file that cannot be read is finished here with its error."""
        readable, contents = [], []
        for index, path in files:
            try:
                contents.append((path, read_document_bytes(Path(path))))
                readable.append((index, path))
            except UnreadableFileError as error:
                self.finished[index] = ExtractedFile(path, error=str(error))
            except OSError as error:
                self.finished[index] = ExtractedFile(
                    path, error=f"{Path(path).name}: не удалось прочитать / cannot read ({error})"
                )
        if readable:
            future = self.client.submit(prepare_announced, contents, self.is_demo, pure=False)
            self.in_flight[future] = _Job(readable, alone)

    def _collect(self) -> None:
        if not self.in_flight:
            return
        try:
            done = wait(list(self.in_flight), timeout=POLL_SECONDS, return_when="FIRST_COMPLETED")
            finished = done.done
        except TimeoutError:
            finished = set()
        except (FuturesCancelledError, CancelledError) as error:
            raise _lost(error) from error
        for future in finished:
            self._take(future, self.in_flight.pop(future))
            self.started.pop(future.key, None)
        self._give_up_overdue()

    def _take(self, future: Future, job: _Job) -> None:
        try:
            for (index, _), prepared in zip(job.files, future.result(), strict=True):
                self.finished[index] = prepared
        except KilledWorker:
            if job.alone:
                index, path = job.files[0]
                self.finished[index] = worker_died(path)
            else:  # which file of the task killed its workers is not known: each is tried alone
                self.suspects.extend(job.files)
        except CancelledError as error:  # the scheduler went away
            raise _lost(error) from error
        except Exception as error:  # noqa: BLE001 — e.g. a result that could not be sent back
            for index, path in job.files:
                self.finished[index] = ExtractedFile(
                    path, error=f"{Path(path).name}: ошибка обработки / failed: {error!r}"
                )

    def _give_up_overdue(self) -> None:
        """Tasks past their deadline are given up and their workers restarted (the thread stuck in
        them cannot be stopped otherwise). A one-file task's file is reported as timed out; the
        files of a larger task are each tried again alone, since which one was stuck is not
        known."""
        if not self.deadline:
            return
        if len(self.started) > 2 * len(self.in_flight) + 100:  # starts announced after the result
            keys = {future.key for future in self.in_flight}
            for key in [key for key in list(self.started) if key not in keys]:
                self.started.pop(key, None)  # in place: _on_started may be adding one right now
        now = time.monotonic()
        overdue = [
            future
            for future, job in self.in_flight.items()
            if now - self.started.get(future.key, now) > deadline_seconds(len(job.files))
        ]
        if not overdue:
            return
        running_on = {
            key: worker for worker, keys in self.client.processing().items() for key in keys
        }
        self.client.cancel(overdue)
        stuck_workers = {running_on[f.key] for f in overdue if f.key in running_on}
        if stuck_workers:
            self.client.restart_workers(sorted(stuck_workers), raise_for_error=False)
        for future in overdue:
            job = self.in_flight.pop(future)
            self.started.pop(future.key, None)
            if len(job.files) == 1:
                index, path = job.files[0]
                self.finished[index] = timed_out(path)
            else:
                self.suspects.extend(job.files)


def _lost(error: BaseException) -> ClusterUnavailableError:
    return ClusterUnavailableError(
        f"связь с планировщиком Dask потеряна / lost the Dask scheduler ({type(error).__name__}); "
        "сохранённое сохранено, повторный запуск продолжит / what was stored stays stored, "
        "run again to go on"
    )
