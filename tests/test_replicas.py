"""Two app replicas on one PostgreSQL store, behind nginx with ops/nginx-atlas.conf, as README
describes: a row the loader writes and a review decision each show on both replicas (and through
the proxy) within seconds, because each replica keys its caches by the data version it reads from
the server. Real processes over loopback: two `streamlit run`, nginx, Chromium."""

from __future__ import annotations

import os
import re
import subprocess
import time
from pathlib import Path

import pytest
from review_fixtures import as_user, read_rows, writable_store

from loaders.pipeline.load_tables import load_tables
from loaders.review import reject
from loaders.store.writer import write_session
from tests.conftest import write_fixture_tables
from tests.live_app import ROOT, free_port, wait_for_health

pytestmark = [
    pytest.mark.server,
    pytest.mark.requires("postgres"),
    pytest.mark.requires("chromium"),
    pytest.mark.requires("nginx"),
]

NGINX = Path("/usr/sbin/nginx")
PROXY_CONFIG = ROOT / "ops" / "nginx-atlas.conf"
CONVERGE_SECONDS = 30  # how long the test waits for a replica (a failure, not a speed figure)
NEW_EVENT_TABLE = """Дата,Мероприятие,Тип,Тематика,Город,Регион
21.11.2023,Слёт волонтёров Югры,форум,добровольчество,Сургут,Югра
"""


@pytest.fixture()
def server_store(pg_url, tmp_path):
    """The fixture tables with accounts on a new PostgreSQL database."""
    assert not load_tables(write_fixture_tables(tmp_path / "tables"), pg_url).failed
    return writable_store(pg_url, tmp_path, with_news=False)


def proxy_config(folder: Path, replica_ports: list[int], proxy_port: int) -> Path:
    """ops/nginx-atlas.conf with these ports, inside a minimal main config whose files all live in
    folder (no root paths, no daemon)."""
    site = PROXY_CONFIG.read_text(encoding="utf-8")
    for default, port in zip((8501, 8502), replica_ports, strict=True):
        site = site.replace(f"127.0.0.1:{default};", f"127.0.0.1:{port};")
    site = site.replace("listen 127.0.0.1:8080;", f"listen 127.0.0.1:{proxy_port};")
    temp_paths = "\n".join(
        f"    {name}_temp_path {folder / name};"
        for name in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    user = "user root root;\n" if os.geteuid() == 0 else ""  # workers must write folder's temps
    main = (
        f"{user}daemon off;\nworker_processes 1;\npid {folder / 'nginx.pid'};\n"
        f"error_log {folder / 'error.log'};\nevents {{ worker_connections 256; }}\n"
        f"http {{\n    access_log {folder / 'access.log'};\n{temp_paths}\n"
        f"    include {folder / 'atlas.conf'};\n}}\n"
    )
    (folder / "atlas.conf").write_text(site, encoding="utf-8")
    (folder / "nginx.conf").write_text(main, encoding="utf-8")
    return folder / "nginx.conf"


@pytest.fixture()
def proxy(tmp_path):
    """Start nginx in front of the given replica URLs; its base URL and folder."""
    started: list[subprocess.Popen] = []

    def start(replica_urls: list[str]) -> tuple[str, Path]:
        folder = tmp_path / "nginx"
        folder.mkdir()
        port = free_port()
        ports = [int(url.rsplit(":", 1)[1]) for url in replica_urls]
        config = proxy_config(folder, ports, port)
        command = [
            str(NGINX),
            "-p",
            str(folder),
            "-e",
            str(folder / "error.log"),
            "-c",
            str(config),
        ]
        checked = subprocess.run([*command, "-t"], capture_output=True, text=True)
        assert checked.returncode == 0, checked.stderr
        process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
        started.append(process)
        url = f"http://127.0.0.1:{port}"
        _wait_for_health(url, process, folder)
        return url, folder

    yield start
    for process in started:
        process.terminate()
        process.wait(timeout=20)


def _wait_for_health(url: str, process: subprocess.Popen, folder: Path) -> None:
    wait_for_health(
        url, process, "nginx", lambda: (folder / "error.log").read_text(errors="replace"), 30
    )


def shown_events(page, base_url: str) -> str:
    """The «События» figure of the overview, in a new session (as a reader opening the page)."""
    page.goto(f"{base_url}/", wait_until="domcontentloaded")
    metric = page.get_by_test_id("stMetric").filter(has_text="События").first
    metric.wait_for()
    page.get_by_test_id("stStatusWidget").wait_for(state="hidden")
    return metric.get_by_test_id("stMetricValue").inner_text().strip()


def seconds_until_all_show(
    views: dict[str, tuple], expected: str, since: float
) -> dict[str, tuple[float, int]]:
    """Reload the views in turn until each shows `expected`: per view, seconds from `since` (the
    write's COMMIT) until its page showed it, and how many page loads that took (1: the first load
    after the commit already showed it; the seconds are then mostly page loads of the views
    before)."""
    seen: dict[str, tuple[float, int]] = {}
    last: dict[str, str] = {}
    loads = dict.fromkeys(views, 0)
    while len(seen) < len(views) and time.monotonic() - since < CONVERGE_SECONDS:
        for name, (page, url) in views.items():
            if name not in seen:
                last[name] = shown_events(page, url)
                loads[name] += 1
                if last[name] == expected:
                    seen[name] = (time.monotonic() - since, loads[name])
    assert len(seen) == len(views), f"after {CONVERGE_SECONDS} s, shown {last}, expected {expected}"
    return seen


def test_two_replicas_behind_nginx_show_a_load_and_a_review_decision(
    server_store, live_app, proxy, tmp_path
):
    replicas = [live_app.serve(server_store), live_app.serve(server_store)]
    proxy_url, proxy_folder = proxy(replicas)
    context = live_app.browser({"width": 1400, "height": 1000}, timeout_ms=60_000)
    views = {
        "replica 1": (context.new_page(), replicas[0]),
        "replica 2": (context.new_page(), replicas[1]),
        "nginx": (context.new_page(), proxy_url),
    }
    before = {name: shown_events(page, url) for name, (page, url) in views.items()}
    stored = str(read_rows(server_store, "SELECT count(*) FROM events")[0][0])
    assert set(before.values()) == {stored}, before

    table = tmp_path / "новое.csv"
    table.write_text(NEW_EVENT_TABLE, encoding="utf-8")
    assert not load_tables([table], server_store).failed  # the loader, another client of the store
    loaded = time.monotonic()
    after_load = seconds_until_all_show(views, str(int(stored) + 1), loaded)

    event_id = read_rows(
        server_store, "SELECT event_id FROM events WHERE title = 'Слёт волонтёров Югры'"
    )[0][0]
    with write_session(server_store) as connection:  # a rejected row is counted nowhere
        reject(connection, as_user("khm"), [(event_id, None)])
    decided = time.monotonic()
    after_review = seconds_until_all_show(views, stored, decided)

    access = (proxy_folder / "access.log").read_text(encoding="utf-8")
    assert re.search(r'"GET /_stcore/stream HTTP/1\.1" 101 ', access), "no websocket via nginx"
    for write, shown in (("load", after_load), ("review", after_review)):  # pytest -s shows it
        print(
            f"\n{write}: " + ", ".join(f"{n} {s:.1f} s ({k} load)" for n, (s, k) in shown.items())
        )
