"""Benchmark: the Данные and Сеть pages and the store's search, paging and sorting (run on demand).

    python tests/benchmarks/bench_explore.py [--scales national x10] [--runs 5] [--project PATH]

For each synthetic store (built with `python -m loaders demo --scale …` if missing), each in a fresh
process so no measurement warms another's caches:

* queries: the explorer's search (count + first page of 100) for a few searches, page 201 of the
  events sorted by title by OFFSET and (when the project supports it) by keyset from page 200;
* pages: AppTest of the app (cold start: the sidebar and Обзор), then Данные and Сеть: first run
  and the median of `runs` warm runs; the process's peak memory (RSS) at the end.

`--project` points at another checkout (e.g. `git archive main | tar -x -C /tmp/main`) to measure
it on the same stores and machine; a store is opened read-only and never changed. The machine's
load average is printed first: on a shared machine the figures are only comparable side by side.
"""

from __future__ import annotations

import argparse
import inspect
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SEARCHES = ("Зелёный город", "ХМАО", "чистых берегов Сургут", "юго", "экологической акции")
PAGES = ("app_pages/explore.py", "app_pages/network.py")


def _peak_rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def _median(function, runs: int) -> tuple[float, object]:
    times, result = [], None
    for _ in range(runs):
        started = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - started)
    return statistics.median(times), result


def measure_queries(db: str, runs: int) -> dict:
    import duckdb

    from dashboard.analysis import queries as q

    connection = duckdb.connect(db, read_only=True)
    connection.execute("SET enable_progress_bar = false")
    store, view = q.Store(connection), q.QueryView()
    figures = {}
    for text in SEARCHES:
        seconds, page = _median(
            lambda text=text: q.explorer_page(store, view, search=text, page_size=100), runs
        )
        figures[f"search {text!r} (count + page 1)"] = (seconds, page.total)
    seconds, page = _median(
        lambda: q.explorer_page(store, view, sort_by="title", page=200, page_size=100), runs
    )
    figures["page 201 by title, OFFSET"] = (seconds, page.rows["title"].iloc[0])
    if "after" in inspect.signature(q.explorer_page).parameters:
        before = q.explorer_page(store, view, sort_by="title", page=199, page_size=100).rows
        after = (before["title"].iloc[-1], before["event_id"].iloc[-1])
        seconds, page = _median(
            lambda: q.explorer_page(
                store, view, sort_by="title", page=200, page_size=100, after=after
            ),
            runs,
        )
        figures["page 201 by title, keyset"] = (seconds, page.rows["title"].iloc[0])
    return figures


def measure_pages(db: str, runs: int) -> dict:
    from streamlit.testing.v1 import AppTest

    os.environ["ATLAS_DB"] = db
    figures = {}
    at = AppTest.from_file(str(Path.cwd() / "dashboard" / "app.py"), default_timeout=900)
    started = time.perf_counter()
    at.run()
    figures["cold start (sidebar + Обзор)"] = time.perf_counter() - started
    for page in PAGES:
        at.switch_page(page)
        started = time.perf_counter()
        at.run()
        first = time.perf_counter() - started
        if at.exception:  # recorded, not raised: the other page and the memory still count
            figures[f"{page} FAILS"] = [first, str(at.exception[0].value)[:80]]
            continue
        warm, _ = _median(at.run, runs)
        figures[f"{page} first run"] = first
        figures[f"{page} warm median"] = warm
    figures["peak RSS, MB"] = _peak_rss_mb()
    return figures


def _child(kind: str, db: str, runs: int) -> None:
    sys.path.insert(0, str(Path.cwd()))
    result = measure_queries(db, runs) if kind == "queries" else measure_pages(db, runs)
    print(json.dumps(result, default=str, ensure_ascii=False))


def _run_child(project: Path, kind: str, db: Path, runs: int) -> dict:
    env = {**os.environ, "PYTHONPATH": str(project), "ATLAS_DB": str(db)}
    finished = subprocess.run(
        [sys.executable, str(Path(__file__).resolve()), "--child", kind, str(db), str(runs)],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if finished.returncode != 0:
        raise RuntimeError(finished.stderr[-2000:])
    return json.loads(finished.stdout.strip().splitlines()[-1])


def _store(scale: str) -> Path:
    path = ROOT / "data" / "synthetic" / f"{scale}-seed1.duckdb"
    if not path.exists():
        subprocess.run(
            [sys.executable, "-m", "loaders", "demo", "--scale", scale, "--seed", "1"],
            cwd=ROOT,
            check=True,
        )
    return path


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        _child(sys.argv[2], sys.argv[3], int(sys.argv[4]))
        return
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--scales", nargs="+", default=["national", "x10"])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--project", type=Path, default=ROOT)
    parser.add_argument("--db", type=Path, nargs="*", help="stores to use instead of --scales")
    parser.add_argument("--only", choices=["queries", "pages"])
    args = parser.parse_args()
    print("load average:", " ".join(Path("/proc/loadavg").read_text().split()[:3]))
    stores = args.db or [_store(scale) for scale in args.scales]
    for db in stores:
        print(f"\n{db.name} (project {args.project})")
        for kind in ("queries", "pages"):
            if args.only and kind != args.only:
                continue
            for label, value in _run_child(args.project.resolve(), kind, db, args.runs).items():
                if isinstance(value, list):
                    print(f"  {label:<48}{value[0]:>8.3f} s   {value[1]}")
                else:
                    print(f"  {label:<48}{value:>8.3f}")
        print("  load average now:", " ".join(Path("/proc/loadavg").read_text().split()[:3]))


if __name__ == "__main__":
    main()
