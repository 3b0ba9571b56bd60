"""The real app for browser and server tests: `streamlit run dashboard/app.py` on a free loopback
port (as many servers as a test needs, e.g. two replicas of one store) and headless Chromium
(Debian's /usr/bin/chromium driven by Playwright). The `live_app` fixture in conftest.py hands a
LiveApp to a test and stops everything it started at the end."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

import pytest

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
LOCAL_HOSTS = {"127.0.0.1", "localhost"}
HEALTH_TIMEOUT_SECONDS = 60


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def streamlit_command(port: int) -> list[str]:
    """The command README gives for one app server (or one replica behind a proxy)."""
    return [
        sys.executable, "-m", "streamlit", "run", str(ROOT / "dashboard" / "app.py"),
        "--server.port", str(port),
        "--server.headless", "true",
        "--server.address", "127.0.0.1",
        "--browser.gatherUsageStats", "false",
    ]  # fmt: skip


@dataclass
class AppServer:
    """One running `streamlit run`; its output goes to a log file (a pipe nobody reads would fill
    and stall the server)."""

    process: subprocess.Popen
    port: int
    log: Path

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def log_tail(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")[-3000:]

    def wait_until_healthy(self, timeout: float = HEALTH_TIMEOUT_SECONDS) -> None:
        wait_for_health(self.url, self.process, "streamlit", self.log_tail, timeout)

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=20)


@dataclass
class LiveApp:
    """Servers and browser contexts started for one test; `close` stops them all."""

    folder: Path
    require: Callable[[str], None]  # conftest.require: skip (or, in CI, fail) without chromium
    servers: list[AppServer] = field(default_factory=list)
    blocked: list[str] = field(default_factory=list)  # requests an offline browser refused
    _closers: list = field(default_factory=list)

    def serve(self, store: Path | str, extra_env: dict[str, str] | None = None) -> str:
        """Start a server on the store ($ATLAS_DB), wait for its health check; its base URL."""
        port = free_port()
        log = self.folder / f"streamlit-{port}.log"
        with log.open("w", encoding="utf-8") as output:
            process = subprocess.Popen(
                streamlit_command(port),
                cwd=ROOT,
                env={**os.environ, "ATLAS_DB": str(store), **(extra_env or {})},
                stdout=output,
                stderr=subprocess.STDOUT,
                text=True,
            )
        server = AppServer(process, port, log)
        self.servers.append(server)
        server.wait_until_healthy()
        return server.url

    def browser(self, viewport: dict | None = None, offline: bool = True, timeout_ms: int = 0):
        """A headless Chromium context (own profile); offline blocks every non-local request
        (recorded in `blocked`)."""
        self.require("chromium")
        from playwright import sync_api

        if not self._closers:
            playwright = sync_api.sync_playwright().start()
            self._closers.append(playwright.stop)
            self._playwright = playwright
        profile = self.folder / f"chromium-profile-{len(self._closers)}"
        context = self._playwright.chromium.launch_persistent_context(
            str(profile),
            executable_path=str(CHROMIUM),
            headless=True,
            args=CHROMIUM_ARGS,
            viewport=viewport or {"width": 1400, "height": 1400},
        )
        self._closers.insert(0, context.close)  # contexts close before Playwright stops
        if timeout_ms:
            context.set_default_timeout(timeout_ms)
        if offline:
            context.route("**/*", self._offline)
        return context

    def _offline(self, route) -> None:
        if urlparse(route.request.url).hostname in LOCAL_HOSTS:
            route.continue_()
        else:
            self.blocked.append(route.request.url)
            route.abort("internetdisconnected")

    def close(self) -> None:
        for close in self._closers:
            try:
                close()
            except Exception:  # noqa: BLE001 - keep stopping the rest
                pass
        for server in self.servers:
            server.stop()


def wait_for_health(
    url: str,
    process: subprocess.Popen,
    name: str,
    log_tail: Callable[[], str],
    timeout: float = HEALTH_TIMEOUT_SECONDS,
) -> None:
    """Until Streamlit's health endpoint at `url` (directly or through a proxy) answers 200; the
    test fails with the process's log if it exits or the time runs out."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"{name} exited early:\n{log_tail()}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=5) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    pytest.fail(f"{name} did not answer its health check in time:\n{log_tail()}")
