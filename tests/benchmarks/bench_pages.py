"""Benchmark: one full script run per page on the national synthetic dataset (run on demand, not in
CI).

    python tests/benchmarks/bench_pages.py [--runs 5] [--db PATH]

Builds data/synthetic/national-seed1.duckdb if missing, then for every page prints the first run
(cold cache: includes reading the store) and the median of warm runs (what a user waits for after
changing a widget).
"""

from __future__ import annotations

import argparse
import os
import statistics
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


def _timed_run(at) -> float:
    started = time.perf_counter()
    at.run()
    elapsed = time.perf_counter() - started
    if at.exception:
        raise RuntimeError(at.exception[0].value)
    return elapsed


def benchmark_page(page: str, runs: int) -> tuple[float, float]:
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(ROOT / "dashboard" / "app.py"), default_timeout=600)
    at.run()
    at.switch_page(page)
    cold = _timed_run(at)
    warm = [_timed_run(at) for _ in range(runs)]
    return cold, statistics.median(warm)


def map_payload_bytes() -> tuple[int, int]:
    """Size of the Карта page's map HTML for the whole dataset, and the number of settlements on
    it."""
    from dashboard.analysis import aggregations
    from dashboard import data, maps

    atlas, shapes = data.load_atlas(), data.load_region_shapes()
    events = atlas.events
    places = aggregations.settlement_activity(
        events, max_listed=10 if events["settlement_name"].nunique() <= 500 else 5
    )
    measures = aggregations.region_measures(events, atlas.agreements, atlas.regions)
    html = maps.activity_map(places, shapes, measures).get_root().render()
    return len(html.encode("utf-8")), len(places)


def cold_start() -> float:
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    st.cache_data.clear()
    return _timed_run(AppTest.from_file(str(ROOT / "dashboard" / "app.py"), default_timeout=600))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument(
        "--db", type=Path, default=ROOT / "data" / "synthetic" / "national-seed1.duckdb"
    )
    args = parser.parse_args()
    if not args.db.exists():
        from loaders.build.synthetic import write_synthetic

        started = time.perf_counter()
        counts = write_synthetic(args.db, "national", 1)
        print(f"built {args.db.name} in {time.perf_counter() - started:.1f} s: {counts}")
    os.environ["ATLAS_DB"] = str(args.db)
    print(f"cold start (reading the store into the cache + Обзор): {cold_start():.2f} s")
    print(f"{'page':<28}{'first run, s':>14}{'warm median, s':>16}")
    for page in PAGES:
        cold, warm = benchmark_page(page, args.runs)
        print(f"{page:<28}{cold:>14.2f}{warm:>16.2f}")
    size, places = map_payload_bytes()
    print(f"map payload: {size / 1e6:.2f} MB for {places} settlements and the region polygons")


if __name__ == "__main__":
    main()
