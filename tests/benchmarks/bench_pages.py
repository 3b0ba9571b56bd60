"""Benchmark: the reading pages on the demo, national (100,000 events) and x10 (1,000,000 events)
stores (run on demand, not in CI; no timed assertions).

    python tests/benchmarks/bench_pages.py [--stores demo national x10] [--runs 5]
        [--project PATH]

Each store is measured in a fresh process (so a cache of one store never helps another):
- cold start: the first script run of the app (Обзор) with empty caches, store → first page;
- per page: the first script run after switching to it, and the median of `--runs` warm runs
  (what a reader waits for after changing a widget);
- server memory: the process's resident set after visiting every page under every sidebar filter
  once (one region, one event type, one topic, one quarter, «только подтверждённые», the whole
  period), and its peak.

`--project` measures another checkout of the code (e.g. `git archive main | tar -x -C /tmp/main`)
against the same stores, for a side-by-side on the same machine. The load average (`uptime`) is
printed with every run: the machine may be shared. Missing synthetic stores are built first with
`python -m loaders demo --scale … --seed 1`; the demo store with `build-demo --if-missing`.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PAGES = [
    "app_pages/overview.py",
    "app_pages/map_view.py",
    "app_pages/timeline.py",
    "app_pages/network.py",
    "app_pages/explore.py",
]
SCALES = {"national": "national", "x10": "x10"}


def store_path(store: str) -> Path:
    """The stores live in this checkout, so another checkout is measured on the same files."""
    if store == "demo":
        return ROOT / "data" / "atlas.duckdb"
    return ROOT / "data" / "synthetic" / f"{SCALES[store]}-seed1.duckdb"


def ensure_store(store: str, path: Path) -> None:
    """Build a missing store with the project's own commands (streamed, as a user would)."""
    if path.exists():
        return
    python = sys.executable
    if store == "demo":
        command = [python, "-m", "loaders", "build-demo", "--if-missing"]
    else:
        command = [python, "-m", "loaders", "demo", "--scale", SCALES[store], "--seed", "1"]
    started = time.perf_counter()
    subprocess.run(command, cwd=ROOT, check=True, env={**os.environ, "PYTHONPATH": str(ROOT)})
    print(f"built {path.name} in {time.perf_counter() - started:.0f} s", flush=True)


# ---------------------------------------------------------------- inside the measured process


def _rss_mb() -> tuple[float, float]:
    """(current, peak) resident set of this process in MB, from /proc/self/status."""
    fields = {}
    for line in Path("/proc/self/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            fields[key] = int(value.split()[0]) / 1024
    return fields["VmRSS"], fields["VmHWM"]


def _timed_run(at) -> float:
    started = time.perf_counter()
    at.run()
    elapsed = time.perf_counter() - started
    if at.exception:
        raise RuntimeError(at.exception[0].value)
    return elapsed


def _sidebar_states(db: str) -> list[dict[str, str]]:
    """One setting of every sidebar filter, as URL parameters (what a link reopens)."""
    import duckdb

    with duckdb.connect(db, read_only=True) as connection:
        region, event_type, topic = connection.execute(
            "SELECT mode(region_code), mode(event_type), mode(topic) FROM events"
        ).fetchone()
        last = connection.execute(
            "SELECT year(max(date_start)) || 'Q' || quarter(max(date_start)) FROM events"
        ).fetchone()[0]
        first = connection.execute(
            "SELECT year(min(date_start)) || 'Q' || quarter(min(date_start)) FROM events"
        ).fetchone()[0]
    return [
        {},
        {"region": region},
        {"type": event_type},
        {"topic": topic},
        {"from": last, "to": last},
        {"confirmed": "1"},
        {"from": first, "to": last},
    ]


def measure(project: Path, db: str, runs: int, pages: list[str]) -> dict:
    """Every figure of one store, in this (fresh) process."""
    os.chdir(project)
    sys.path.insert(0, str(project))
    os.environ["ATLAS_DB"] = db
    from streamlit.testing.v1 import AppTest

    app = str(project / "dashboard" / "app.py")
    started = time.perf_counter()
    cold = _timed_run(AppTest.from_file(app, default_timeout=900))
    result: dict = {"cold_start": cold, "pages": {}}
    for page in pages:
        at = AppTest.from_file(app, default_timeout=900)
        at.run()
        at.switch_page(page)
        try:
            first = _timed_run(at)
            warm = statistics.median(_timed_run(at) for _ in range(runs))
            result["pages"][page] = {"first": first, "warm": warm}
        except RuntimeError as error:  # a page that fails is a figure too
            result["pages"][page] = {"error": str(error)[:120]}
    failures = []
    for params in _sidebar_states(db):
        for page in pages:
            at = AppTest.from_file(app, default_timeout=900)
            for key, value in params.items():
                at.query_params[key] = value
            at.run()
            at.switch_page(page)
            try:
                _timed_run(at)
            except RuntimeError as error:
                failures.append(f"{page} {params}: {str(error)[:80]}")
    result["sidebar_failures"] = failures
    result["rss_mb"], result["peak_rss_mb"] = _rss_mb()
    result["total_s"] = time.perf_counter() - started
    return result


# ---------------------------------------------------------------- the driver


def run_store(project: Path, store: str, runs: int, pages: list[str]) -> dict:
    db = store_path(store)
    ensure_store(store, db)
    load = os.getloadavg()
    output = subprocess.run(
        [sys.executable, __file__, "--measure", str(db), "--project", str(project)]
        + ["--runs", str(runs), "--pages", *pages],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(project)},
    )
    if output.returncode:
        raise RuntimeError(f"{store}: {output.stderr[-2000:]}")
    result = json.loads(output.stdout.strip().splitlines()[-1])
    result["load_before"] = load
    result["load_after"] = os.getloadavg()
    return result


def report(store: str, result: dict) -> None:
    load = " ".join(f"{x:.2f}" for x in result["load_before"])
    after = " ".join(f"{x:.2f}" for x in result["load_after"])
    print(f"\n== {store}  (load average before: {load}; after: {after})")
    print(f"cold start (fresh process, store → Обзор): {result['cold_start']:.2f} s")
    print(f"{'page':<28}{'first run, s':>14}{'warm median, s':>16}")
    for page, times in result["pages"].items():
        if "error" in times:
            print(f"{page:<28}  fails: {times['error']}")
        else:
            print(f"{page:<28}{times['first']:>14.2f}{times['warm']:>16.2f}")
    for failure in result["sidebar_failures"]:
        print(f"  fails under a sidebar filter: {failure}")
    print(
        f"server process after every page × every sidebar filter: {result['rss_mb']:.0f} MB "
        f"(peak {result['peak_rss_mb']:.0f} MB)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--stores", nargs="*", default=["demo", "national", "x10"])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument(
        "--pages", nargs="*", default=PAGES, help="pages measured (and visited for the memory)"
    )
    parser.add_argument("--project", type=Path, default=ROOT)
    parser.add_argument("--measure", help=argparse.SUPPRESS)  # the child process
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    args = parser.parse_args()
    if args.measure:
        print(json.dumps(measure(args.project.resolve(), args.measure, args.runs, args.pages)))
        return
    print(f"code: {args.project.resolve()}; uptime: {os.getloadavg()}", flush=True)
    results = {}
    for store in args.stores:
        results[store] = run_store(args.project.resolve(), store, args.runs, args.pages)
        report(store, results[store])
    if args.json:
        args.json.write_text(json.dumps(results, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
