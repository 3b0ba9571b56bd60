"""A Dask cluster on loopback for tests and benchmarks: `python -m dask scheduler` and `python -m
dask worker` as separate processes (the README's commands), each worker in a process group of its
own so that a test can kill it like a machine that goes down (nanny and worker at once)."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# Dask's statistical profiler (for its dashboard) off: it samples every thread each 10 ms
WORKER_ENVIRONMENT = {"DASK_DISTRIBUTED__WORKER__PROFILE__ENABLED": "False"}
START_SECONDS = 180  # scheduler up and workers registered (workers load no models until used)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def scheduler_command(port: int) -> list[str]:
    return [
        sys.executable,
        *("-m", "dask", "scheduler", "--host", "127.0.0.1", "--port", str(port)),
        "--no-dashboard",
    ]


def worker_command(address: str, name: str) -> list[str]:
    return [
        sys.executable,
        *("-m", "dask", "worker", address, "--host", "127.0.0.1", "--name", name),
        *("--nthreads", "1", "--nworkers", "1", "--no-dashboard"),
    ]


class LoopbackCluster:
    """A scheduler and `workers` one-thread workers; `kill(name)` SIGKILLs one worker's process
    group; `stop()` ends whatever is left. Every wait is bounded."""

    def __init__(self, workers: int, log_folder: Path) -> None:
        self.port = _free_port()
        self.address = f"tcp://127.0.0.1:{self.port}"
        self.worker_names = [f"worker-{index}" for index in range(1, workers + 1)]
        self.log_folder = log_folder
        self.processes: dict[str, subprocess.Popen] = {}

    def start(self) -> LoopbackCluster:
        self.log_folder.mkdir(parents=True, exist_ok=True)
        self._launch("scheduler", scheduler_command(self.port))
        self._wait_for_port()
        for name in self.worker_names:
            self._launch(name, worker_command(self.address, name))
        self.wait_for_workers(len(self.worker_names))
        return self

    def _launch(self, name: str, command: list[str]) -> None:
        environment = {**os.environ, "PYTHONPATH": str(ROOT), **WORKER_ENVIRONMENT}
        with open(self.log_folder / f"{name}.log", "wb") as log:
            self.processes[name] = subprocess.Popen(
                command,
                cwd=ROOT,
                env=environment,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # its own process group: kill() takes nanny and worker
            )

    def _wait_for_port(self) -> None:
        deadline = time.monotonic() + START_SECONDS
        while time.monotonic() < deadline:
            with socket.socket() as probe:
                if probe.connect_ex(("127.0.0.1", self.port)) == 0:
                    return
            if self.processes["scheduler"].poll() is not None:
                break
            time.sleep(0.2)
        raise RuntimeError(f"dask scheduler did not start:\n{self.log('scheduler')}")

    def client(self):
        from distributed import Client

        return Client(self.address, timeout=30, set_as_default=False)

    def wait_for_workers(self, count: int) -> None:
        with self.client() as client:
            client.wait_for_workers(count, timeout=START_SECONDS)

    def worker_address(self, name: str) -> str:
        with self.client() as client:
            workers = client.scheduler_info(n_workers=-1)["workers"]
        return next(address for address, info in workers.items() if info["name"] == name)

    def kill(self, name: str) -> None:
        """SIGKILL the worker's nanny and worker: a machine lost, no goodbye to the scheduler."""
        process = self.processes[name]
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=30)

    def kill_when_busy(self, name: str, after_files: int, within_seconds: float) -> dict:
        """Wait until worker `name` has finished `after_files` files and is working on more, then
        kill it; what it had in flight then (files Dask must run elsewhere), or {} if that moment
        did not come within `within_seconds`."""
        address = self.worker_address(name)
        deadline = time.monotonic() + within_seconds
        with self.client() as client:
            while time.monotonic() < deadline:
                done = client.run(executed_count, workers=[address]).get(address, 0)
                in_flight = client.processing([address]).get(address, [])
                if done >= after_files and in_flight:
                    self.kill(name)
                    return {"done_before_kill": done, "in_flight_at_kill": list(in_flight)}
                time.sleep(0.2)
        return {}

    def log(self, name: str) -> str:
        path = self.log_folder / f"{name}.log"
        return path.read_text(errors="replace")[-4000:] if path.exists() else ""

    def stop(self) -> None:
        for process in self.processes.values():
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for process in self.processes.values():
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=30)


def executed_count(dask_worker) -> int:
    """Tasks this worker has run (client.run passes the worker as `dask_worker`)."""
    return dask_worker.state.executed_count
