"""Benchmark: the CPU of the client of a Dask ingest — the one process that schedules, receives the
results and writes the store. On a 2-core machine its CPU is taken from the workers, so it bounds
the 1 → 2 worker speed-up. Prints:
- per-thread CPU of the client during a 2-worker ingest, and the writer's parts (thread CPU);
- Dask's own cost per task: a run whose tasks do no work but return a real file's result;
- the client's event loop with a cluster up and nothing to do, in % of a core.

    python tests/benchmarks/bench_client.py [--documents 400]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import threading
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

import psutil  # noqa: E402

from tests.benchmarks.bench_distributed import uptime, write_documents  # noqa: E402
from tests.benchmarks.bench_extraction import build_batch  # noqa: E402


def _thread_cpu() -> dict[int, float]:
    return {t.id: t.user_time + t.system_time for t in psutil.Process().threads()}


def _thread_names() -> dict[int, str]:
    return {t.native_id: t.name for t in threading.enumerate()}


class _ThreadWatch:
    """Samples every thread's CPU time while a run goes on (threads that end keep their last)."""

    def __init__(self) -> None:
        self.start, self.last, self.names = _thread_cpu(), {}, {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._watch, daemon=True)

    def _watch(self) -> None:
        while not self._stop.is_set():
            self.names.update(_thread_names())
            self.last.update(_thread_cpu())
            time.sleep(0.3)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()

    def report(self, most: int = 4) -> str:
        spent = {tid: cpu - self.start.get(tid, 0.0) for tid, cpu in self.last.items()}
        top = sorted(spent.items(), key=lambda item: -item[1])[:most]
        return ", ".join(f"{self.names.get(tid, tid)} {cpu:.2f} s" for tid, cpu in top)


def _timed_parts(modules_and_names) -> dict[str, float]:
    """Wrap functions so that the thread CPU each call takes is summed per name."""
    spent: dict[str, float] = defaultdict(float)
    for module, name in modules_and_names:
        function = getattr(module, name)

        def wrapped(*args, _function=function, _name=name, **kwargs):
            started = time.thread_time()
            try:
                return _function(*args, **kwargs)
            finally:
                spent[_name] += time.thread_time() - started

        setattr(module, name, wrapped)
    return spent


def client_during_ingest(folder: Path) -> None:
    from loaders.pipeline.ingest import ingest_documents
    from loaders.store import database

    spent = _timed_parts(
        [
            (database, "merge_batch"),
            (database, "store_written_search_terms"),
            (database, "_insert"),
            (database, "_store_joint_event_links"),
        ]
    )
    process = psutil.Process()
    before = process.cpu_times()
    started = time.perf_counter()
    with _ThreadWatch() as watch:
        summary = ingest_documents([folder], folder.parent / "client.duckdb", workers=2)
    elapsed = time.perf_counter() - started
    after = process.cpu_times()
    cpu = (after.user - before.user) + (after.system - before.system)
    stored = len(summary.stored)
    print(f"2-worker ingest: {stored} files in {elapsed:.1f} s; client CPU {cpu:.1f} s")
    print(f"  by thread: {watch.report()}")
    parts = ", ".join(f"{name} {seconds:.2f} s" for name, seconds in spent.items())
    print(f"  writer parts: {parts}")


def dask_cost_per_task(folder: Path) -> None:
    """The files' work replaced by handing back a real file's result: what is left is Dask's."""
    from loaders.pipeline import cluster
    from loaders.pipeline.ingest import prepare_file

    paths = sorted(str(path) for path in folder.glob("*.txt"))
    results = [prepare_file(path, Path(path).read_bytes()) for path in paths[:20]]
    real = cluster.prepare_file
    cluster.prepare_file = lambda path, data, is_demo: results[hash(path) % len(results)]
    try:  # local workers are forked after this: they call the replacement
        for files_per_task in (1, cluster.FILES_PER_TASK):
            real_size = cluster.files_per_task
            cluster.files_per_task = lambda waiting, threads, size=files_per_task: size
            with cluster.extraction_client(2) as client:
                before = psutil.Process().cpu_times()
                started = time.perf_counter()
                done = list(cluster.extracted_on_cluster(client, paths, False))
                elapsed = time.perf_counter() - started
                after = psutil.Process().cpu_times()
            cluster.files_per_task = real_size
            cpu = (after.user - before.user) + (after.system - before.system)
            print(
                f"{len(done)} files doing no work, {files_per_task} per task: client CPU "
                f"{cpu:.2f} s ({cpu / len(done) * 1000:.1f} ms per file), wall {elapsed:.2f} s"
            )
    finally:
        cluster.prepare_file = real


def idle_event_loop(seconds: float = 10.0) -> None:
    from loaders.pipeline import cluster

    with cluster.extraction_client(2):
        time.sleep(2)
        names, before = _thread_names(), _thread_cpu()
        time.sleep(seconds)
        after = _thread_cpu()
    busy = {names.get(tid, tid): after[tid] - before.get(tid, 0.0) for tid in after}
    loop = max(busy.items(), key=lambda item: item[1])
    print(f"cluster up, nothing to do: busiest thread {loop[0]} {loop[1] / seconds:.1%} of a core")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--documents", type=int, default=400)
    args = parser.parse_args()
    from loaders.pipeline.ingest import load_extraction_models

    load_extraction_models()
    with tempfile.TemporaryDirectory() as temporary:
        folder = Path(temporary) / "docs"
        folder.mkdir()
        write_documents(folder, build_batch(args.documents))
        uptime("start")
        client_during_ingest(folder)
        dask_cost_per_task(folder)
        idle_event_loop()
        uptime("end")


if __name__ == "__main__":
    main()
