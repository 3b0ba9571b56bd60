"""Benchmark: ingest on Dask. LocalCluster start-up; 1 vs 2 local workers on the same documents as
bench_extraction; a loopback cluster (scheduler and two workers as separate processes) with and
without one worker killed mid-run; and the writer alone, into DuckDB and into PostgreSQL.

    python tests/benchmarks/bench_distributed.py [--documents 400] [--repeats 2]
        [--skip-loopback] [--skip-writer]

The machine may be shared: `uptime` is printed before and after each part, and the 1- and 2-worker
runs alternate (--repeats times) so that a change of load weighs on both alike.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from tests.benchmarks.bench_extraction import build_batch  # noqa: E402


def uptime(label: str) -> None:
    load = subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()
    print(f"[{label}] {load}", flush=True)


def write_documents(folder: Path, texts: list[str]) -> list[Path]:
    paths = []
    for index, text in enumerate(texts):
        path = folder / f"doc_{index:05d}.txt"
        path.write_text(f"{text}\n\n(копия {index})", encoding="utf-8")
        paths.append(path)
    return paths


def cluster_start_up(repeats: int = 3) -> None:
    """Seconds to open and to close a LocalCluster of 1 and 2 workers (models already loaded)."""
    from loaders.pipeline.cluster import extraction_client

    for workers in (1, 2):
        opened, closed = [], []
        for _ in range(repeats):
            started = time.perf_counter()
            with extraction_client(workers):
                opened.append(time.perf_counter() - started)
                started = time.perf_counter()
            closed.append(time.perf_counter() - started)
        print(
            f"LocalCluster, {workers} worker(s): start {min(opened):.2f}–{max(opened):.2f} s, "
            f"close {min(closed):.2f}–{max(closed):.2f} s",
            flush=True,
        )


def ingest_rate(folder: Path, label: str, **options) -> float:
    from loaders.pipeline.ingest import ingest_documents

    store = folder.parent / f"bench-{time.monotonic_ns()}.duckdb"
    started = time.perf_counter()
    summary = ingest_documents([folder], store, **options)
    elapsed = time.perf_counter() - started
    store.unlink(missing_ok=True)
    count = len(summary.stored)
    assert not summary.failed and not summary.fatal, (summary.failed, summary.fatal)
    print(f"{label:<58}{count / elapsed:>8.1f} docs/s  ({count} in {elapsed:.1f} s)", flush=True)
    return count / elapsed


def local_workers(folder: Path, repeats: int) -> None:
    rates: dict[int, list[float]] = {1: [], 2: []}
    for _ in range(repeats):
        for workers in (1, 2):
            rates[workers].append(
                ingest_rate(folder, f"ingest, LocalCluster {workers} worker(s)", workers=workers)
            )
    best = {workers: max(found) for workers, found in rates.items()}
    print(f"speed-up with 2 local workers (best of {repeats}): {best[2] / best[1]:.2f}×")
    pairs = [two / one for one, two in zip(rates[1], rates[2])]
    print("speed-up per alternating pair: " + ", ".join(f"{pair:.2f}×" for pair in pairs))


def loopback(folder: Path, count: int) -> None:
    """The same ingest against `dask scheduler` + 2 `dask worker` processes: once whole, once with
    worker-2 killed (SIGKILL, nanny and worker) when it has done a quarter of its share."""
    from tests.dask_cluster import LoopbackCluster

    for kill in (False, True):
        with tempfile.TemporaryDirectory() as logs:
            cluster = LoopbackCluster(2, Path(logs)).start()
            try:
                seen: dict = {}
                killer = None
                if kill:
                    killer = threading.Thread(
                        target=lambda: seen.update(
                            cluster.kill_when_busy("worker-2", count // 8, within_seconds=1800)
                        )
                    )
                    killer.start()
                label = "loopback cluster, 2 workers" + (", worker-2 killed" if kill else "")
                ingest_rate(folder, label, scheduler=cluster.address)
                if killer:
                    killer.join(timeout=60)
                    print(
                        f"  worker-2 killed after {seen.get('done_before_kill')} files; "
                        f"files in flight on it, run again elsewhere: "
                        f"{len(seen.get('in_flight_at_kill', []))}",
                        flush=True,
                    )
            finally:
                cluster.stop()


def writer(folder: Path) -> None:
    """Store prepared files (extracted once) in batches of STORE_BATCH: DuckDB, then PostgreSQL."""
    from loaders.pipeline.cluster import extracted_on_cluster, extraction_client
    from loaders.pipeline.ingest import _store_batch
    from loaders.pipeline.summary import LoadSummary
    from loaders.pipeline.ingest import STORE_BATCH
    from tests.pg import TemporaryCluster, postgres_available

    paths = sorted(str(p) for p in folder.glob("*.txt"))
    with extraction_client(2) as client:
        prepared = list(extracted_on_cluster(client, paths, False))
    targets = [("DuckDB", folder.parent / "writer.duckdb")]
    server = TemporaryCluster().start() if postgres_available() else None
    try:
        if server:
            targets.append(("PostgreSQL (loopback, fsync off)", server.new_database()))
        for label, target in targets:
            summary = LoadSummary()
            started = time.perf_counter()
            for first in range(0, len(prepared), STORE_BATCH):
                _store_batch(target, prepared[first : first + STORE_BATCH], summary)
            elapsed = time.perf_counter() - started
            assert len(summary.stored) == len(prepared), summary.failed
            print(
                f"writer alone into {label:<38}{len(prepared) / elapsed:>8.1f} docs/s  "
                f"({len(prepared)} in {elapsed:.1f} s, {STORE_BATCH} files per transaction)",
                flush=True,
            )
    finally:
        if server:
            server.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--documents", type=int, default=400)
    parser.add_argument("--repeats", type=int, default=2)
    parser.add_argument("--skip-loopback", action="store_true")
    parser.add_argument("--skip-writer", action="store_true")
    args = parser.parse_args()
    from loaders.pipeline.ingest import load_extraction_models

    started = time.perf_counter()
    load_extraction_models()
    print(f"models and gazetteer load once per process: {time.perf_counter() - started:.1f} s")
    with tempfile.TemporaryDirectory() as temporary:
        folder = Path(temporary) / "docs"
        folder.mkdir()
        write_documents(folder, build_batch(args.documents))
        uptime("start")
        cluster_start_up()
        uptime("local workers")
        local_workers(folder, args.repeats)
        if not args.skip_loopback:
            uptime("loopback")
            loopback(folder, args.documents)
        if not args.skip_writer:
            uptime("writer")
            writer(folder)
        uptime("end")


if __name__ == "__main__":
    main()
