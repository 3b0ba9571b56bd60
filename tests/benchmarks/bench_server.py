"""Benchmark of the PostgreSQL/PostGIS store against DuckDB on this machine (a throw-away cluster in
a
temp folder, as the tests start it): `migrate` of the national synthetic store, the radius query
(«events within N km»), the data-version read every page does, and small table loads.

Run: PYTHONPATH=. python tests/benchmarks/bench_server.py [--scale national|small]"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from loaders.build.synthetic import write_synthetic  # noqa: E402
from loaders.pipeline.load_tables import load_tables  # noqa: E402
from loaders.store import database as store  # noqa: E402
from loaders.store.readers import data_version  # noqa: E402
from loaders.store.spatial import events_within_km  # noqa: E402
from loaders.store.transfer import migrate_store  # noqa: E402
from tests.conftest import write_fixture_tables  # noqa: E402
from tests.pg import TemporaryCluster  # noqa: E402

TOWNS = {"Москва": (55.7558, 37.6173), "Сургут": (61.254, 73.396), "Чита": (52.03, 113.5)}


def _median_ms(action, repeat: int = 15) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        action()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", default="national")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="bench-server-"))
    start = time.perf_counter()
    cluster = TemporaryCluster().start()
    print(
        f"cluster start (initdb + pg_ctl + postgis template): {time.perf_counter() - start:.1f} s"
    )
    try:
        duck = folder / "synthetic.duckdb"
        counts = write_synthetic(duck, args.scale, seed=1)
        total = sum(counts.values())
        url = cluster.new_database()
        start = time.perf_counter()
        report = migrate_store(duck, url)
        seconds = time.perf_counter() - start
        moved = sum(report.target_counts.values())
        print(
            f"migrate {args.scale} ({counts['events']:,} events, {total:,} rows): {seconds:.1f} s, "
            f"{moved / seconds:,.0f} rows/s, counts equal: "
            f"{report.source_counts == report.target_counts}"
        )
        with store.connect(duck, read_only=True) as local, store.connect(url) as server:
            for town, (lat, lon) in TOWNS.items():
                for radius in (50, 300):
                    found = events_within_km(server, lat, lon, radius)
                    assert found == events_within_km(local, lat, lon, radius)
                    pg_ms = _median_ms(lambda: events_within_km(server, lat, lon, radius))
                    duck_ms = _median_ms(lambda: events_within_km(local, lat, lon, radius))
                    print(
                        f"within {radius} km of {town}: {len(found):,} events; PostGIS "
                        f"{pg_ms:.1f} ms, DuckDB+numpy {duck_ms:.1f} ms (median of 15)"
                    )
        print(f"data version read (server): {_median_ms(lambda: data_version(url)):.1f} ms")
        print(f"data version read (DuckDB file): {_median_ms(lambda: data_version(duck)):.2f} ms")
        files = write_fixture_tables(folder / "tables")
        for name, target in (
            ("DuckDB", folder / "small.duckdb"),
            ("PostgreSQL", cluster.new_database()),
        ):
            start = time.perf_counter()
            load_tables(files, target)
            print(
                f"fixture tables (4 files) loaded into a new {name} store: "
                f"{(time.perf_counter() - start) * 1000:.0f} ms"
            )
    finally:
        cluster.stop()


if __name__ == "__main__":
    main()
