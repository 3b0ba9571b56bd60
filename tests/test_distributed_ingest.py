"""Ingest on Dask, real clusters and real stores: two local workers store what one does; a file that
hangs in C, or kills its worker once, is given up or retried without losing the others; a
scheduler and two workers as separate processes on loopback survive one worker killed mid-run
with every file stored exactly once, on DuckDB and on PostgreSQL."""

from __future__ import annotations

import os
import resource
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pandas as pd
import pytest

from loaders.model.ids import file_sha256
from loaders.model.schema import ALL_TABLES
from loaders.pipeline import cluster, ingest
from loaders.pipeline.ingest import ingest_documents
from loaders.store import database as store
from tests.benchmarks.bench_extraction import build_batch
from tests.conftest import SEEDS_DIR
from tests.dask_cluster import ROOT, LoopbackCluster
from tests.hostile_files import GOOD_DOCUMENT

RUN_SECONDS = 900  # the longest a whole ingest may take here before the test fails


def _ingest_within(seconds: float, *args, **kwargs):
    """ingest_documents in a thread: the test fails, not hangs, if it takes over `seconds`."""
    outcome: dict = {}

    def run() -> None:
        try:
            outcome["summary"] = ingest_documents(*args, **kwargs)
        except BaseException as error:  # noqa: BLE001 — handed to the test below
            outcome["error"] = error

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(seconds)
    assert not thread.is_alive(), f"ingest did not finish within {seconds} s"
    if "error" in outcome:
        raise outcome["error"]
    return outcome["summary"]


def _write_documents(folder: Path, count: int) -> list[Path]:
    """`count` distinct documents of 2–5 KB made from this project's own texts."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for index, text in enumerate(build_batch(count, seed=11)):
        path = folder / f"doc_{index:03d}.txt"
        path.write_text(f"{text}\n\n(копия {index})", encoding="utf-8")
        paths.append(path)
    return paths


def _table(target, name: str) -> pd.DataFrame:
    """A table's rows in a canonical order, without the columns that record when (`*_at`)."""
    with store.open_store(target, read_only=True) as connection:
        frame = connection.execute(f"SELECT * FROM {name}").df()
    frame = frame[[column for column in frame.columns if not column.endswith("_at")]]
    order = frame.astype(str).sort_values(list(frame.columns)).index
    return frame.loc[order].reset_index(drop=True)


def _stored_hashes(target) -> list[str]:
    with store.open_store(target, read_only=True) as connection:
        return [row[0] for row in connection.execute("SELECT sha256 FROM documents").fetchall()]


@pytest.mark.requires("seeds")
def test_two_local_workers_store_the_same_rows_as_one(tmp_path):
    folder = tmp_path / "docs"
    _write_documents(folder, 12)
    seeds = sorted(p for p in SEEDS_DIR.iterdir() if p.suffix == ".txt")
    one = _ingest_within(RUN_SECONDS, [*seeds, folder], tmp_path / "one.duckdb", workers=1)
    two = _ingest_within(RUN_SECONDS, [*seeds, folder], tmp_path / "two.duckdb", workers=2)
    assert not one.failed and not two.failed
    assert len(one.stored) == len(seeds) + 12 and two.stored == one.stored
    assert two.rows == one.rows and one.rows["events"] > 0
    for table in ALL_TABLES:
        one_rows = _table(tmp_path / "one.duckdb", table.name)
        pd.testing.assert_frame_equal(_table(tmp_path / "two.duckdb", table.name), one_rows)


@pytest.fixture(params=[1, 3], ids=["one-file-tasks", "three-file-tasks"])
def files_per_task(request, monkeypatch) -> int:
    """Tasks of one file (a small run's) or of several (a large run's), whatever the file count."""
    monkeypatch.setattr(cluster, "files_per_task", lambda waiting, threads: request.param)
    return request.param


def test_a_file_stuck_in_a_c_call_is_given_up_and_its_worker_restarted(
    tmp_path, monkeypatch, files_per_task
):
    """time.sleep never returns to Python, so the in-worker limit cannot stop it: the client's
    deadline gives up the task and restarts the one worker, which then takes the files after it.
    A task of several files is tried again file by file, so only the stuck one is reported."""
    # a good document needs ~0.2 s of CPU; a busy shared machine stretches that tenfold
    monkeypatch.setenv("ATLAS_SECONDS_PER_FILE", "10")
    real = ingest._prepare_file

    def stuck(path, data, is_demo):
        if path.endswith("stuck.txt"):
            time.sleep(600)
        return real(path, data, is_demo)

    monkeypatch.setattr(ingest, "_prepare_file", stuck)
    for index in range(4):
        text = GOOD_DOCUMENT.replace("120 человек", f"{100 + index} человек")
        (tmp_path / f"doc{index}.txt").write_text(text, encoding="utf-8")
    (tmp_path / "doc1_stuck.txt").write_text(GOOD_DOCUMENT + "\nЕщё.", encoding="utf-8")
    summary = _ingest_within(
        cluster.deadline_seconds(files_per_task) + cluster.deadline_seconds() + 120,
        [tmp_path],
        tmp_path / "s.duckdb",
        workers=1,
    )
    assert list(summary.failed) == [str(tmp_path / "doc1_stuck.txt")]
    assert "ATLAS_SECONDS_PER_FILE" in summary.failed[str(tmp_path / "doc1_stuck.txt")]
    assert summary.stored == [str(tmp_path / f"doc{index}.txt") for index in range(4)]


def test_a_file_whose_worker_dies_once_is_retried_and_stored_once(
    tmp_path, monkeypatch, files_per_task
):
    marker = tmp_path / "died-once"
    real = ingest._prepare_file

    def dies_once(path, data, is_demo):
        if path.endswith("flaky.txt") and not marker.exists():
            marker.touch()
            os.kill(os.getpid(), 9)
        return real(path, data, is_demo)

    monkeypatch.setattr(ingest, "_prepare_file", dies_once)
    folder = tmp_path / "docs"
    paths = _write_documents(folder, 5)
    (folder / "doc_002_flaky.txt").write_text(GOOD_DOCUMENT, encoding="utf-8")
    summary = _ingest_within(RUN_SECONDS, [folder], tmp_path / "s.duckdb", workers=2)
    assert marker.exists()  # its worker did die
    assert not summary.failed and len(summary.stored) == 6
    hashes = _stored_hashes(tmp_path / "s.duckdb")
    expected = {file_sha256(p) for p in [*paths, folder / "doc_002_flaky.txt"]}
    assert sorted(hashes) == sorted(expected)


def _closed_port() -> int:
    """A loopback port nothing listens on (bound, then released)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_an_unreachable_scheduler_is_one_clear_error(tmp_path, monkeypatch):
    monkeypatch.setattr(cluster, "CONNECT_SECONDS", 2)
    (tmp_path / "doc.txt").write_text(GOOD_DOCUMENT, encoding="utf-8")
    address = f"tcp://127.0.0.1:{_closed_port()}"
    summary = _ingest_within(60, [tmp_path], tmp_path / "s.duckdb", scheduler=address)
    assert summary.fatal and address in summary.fatal
    assert "cannot reach the Dask scheduler" in summary.fatal
    assert not summary.stored and not (tmp_path / "s.duckdb").exists()


# ---------------------------------------------------------------- a cluster of separate processes

LOOPBACK_DOCUMENTS = 40


@pytest.fixture()
def loopback(tmp_path):
    ingest.load_extraction_models()  # builds the gazetteer cache once, before workers need it
    started = LoopbackCluster(2, tmp_path / "cluster-logs").start()
    yield started
    started.stop()


@pytest.mark.parametrize(
    "backend", ["duckdb", pytest.param("postgres", marks=pytest.mark.requires("postgres"))]
)
def test_a_loopback_cluster_survives_a_worker_killed_mid_run(request, tmp_path, loopback, backend):
    target = request.getfixturevalue("pg_url") if backend == "postgres" else tmp_path / "s.duckdb"
    paths = _write_documents(tmp_path / "docs", LOOPBACK_DOCUMENTS)
    command = [sys.executable, "-m", "loaders", "ingest", "--db", str(target)]
    command += ["--scheduler", loopback.address, str(tmp_path / "docs")]
    seen: dict = {}

    def kill_worker_2() -> None:
        seen.update(loopback.kill_when_busy("worker-2", after_files=3, within_seconds=RUN_SECONDS))

    killer = threading.Thread(target=kill_worker_2)
    run = subprocess.Popen(
        command,
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT), "ATLAS_WORKER_MEMORY_MB": "5000"},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    killer.start()
    try:
        stdout, stderr = run.communicate(timeout=RUN_SECONDS)
    finally:
        run.kill()
        killer.join(timeout=60)
    assert "Traceback" not in stderr, stderr[-3000:]
    assert run.returncode == 0, (stdout + stderr)[-3000:] + loopback.log("worker-1")
    assert seen.get("in_flight_at_kill"), "worker-2 was not killed while working"
    assert f"files stored: {LOOPBACK_DOCUMENTS};" in stdout and "failed: 0" in stdout
    hashes = _stored_hashes(target)
    assert len(hashes) == LOOPBACK_DOCUMENTS  # none duplicated
    assert set(hashes) == {file_sha256(path) for path in paths}  # none lost
    with loopback.client() as client:
        assert [info["name"] for info in client.scheduler_info()["workers"].values()] == [
            "worker-1"
        ]
        # the client's limits reached the workers (the plugin), memory cap included
        caps = client.run(lambda: resource.getrlimit(resource.RLIMIT_AS)[0])
        assert set(caps.values()) == {5000 * 1024 * 1024}


def test_a_memory_cap_the_worker_already_fills_is_one_clear_error(tmp_path, monkeypatch):
    """Rather than a worker that can allocate nothing and hangs, the run stops with the reason."""
    monkeypatch.setenv("ATLAS_WORKER_MEMORY_MB", "100")
    (tmp_path / "doc.txt").write_text(GOOD_DOCUMENT, encoding="utf-8")
    summary = _ingest_within(RUN_SECONDS, [tmp_path], tmp_path / "s.duckdb", workers=1)
    assert summary.fatal and "ATLAS_WORKER_MEMORY_MB=100" in summary.fatal
    assert not summary.stored
