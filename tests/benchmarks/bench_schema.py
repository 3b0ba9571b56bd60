"""Benchmark: what enforcing the schema and deriving joint-event links cost at national scale.

    python tests/benchmarks/bench_schema.py [--db PATH]

Times pandera validation (loaders.model.schema.validate_frame) of every table the synthetic
generator
builds, and the derivation of every joint-event link from a national store (built if missing).
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _median_seconds(work, runs: int = 3) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        work()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument(
        "--db", type=Path, default=ROOT / "data" / "synthetic" / "national-seed1.duckdb"
    )
    args = parser.parse_args()

    import duckdb

    from loaders.build.synthetic import generate, write_synthetic
    from loaders.geo.gazetteer import gazetteer
    from loaders.model.schema import TABLES_BY_NAME, pandera_schema, validate_frame
    from loaders.store.derive import derive_joint_event_links

    tables = generate("national", 1)
    print("pandera validation of the frames as built (median of 3)")
    for name, frame in tables.items():
        table = TABLES_BY_NAME[name]
        pandera_schema(table)  # built once per process, not part of each check
        seconds = _median_seconds(lambda: validate_frame(table, frame))
        print(f"  {name:<16} {len(frame):>8,} rows  {seconds:6.3f} s")
    if not args.db.exists():
        write_synthetic(args.db, "national", 1)
    gazetteer()  # loaded once per process in the loaders too
    with duckdb.connect(str(args.db), read_only=True) as connection:
        derived = {}

        def derive() -> None:
            derived.update(derive_joint_event_links(connection))

        seconds = _median_seconds(derive, runs=1)
    links = len(derived["joint_event_links"])
    print(f"joint-event links derived from every event: {links:,} in {seconds:.2f} s")


if __name__ == "__main__":
    main()
