"""Benchmark: the Хроника counting in pandas (categorical groupby, what the page uses) against the
same in
DuckDB SQL over the same in-memory frame, on the national synthetic dataset.

    python tests/benchmarks/bench_quarters.py
"""

from __future__ import annotations

import os
import statistics
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def timed(function, runs: int = 7) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        function()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def main() -> None:
    os.environ.setdefault("ATLAS_DB", str(ROOT / "data" / "synthetic" / "national-seed1.duckdb"))
    from dashboard.analysis import chronicle
    from dashboard import data, filters
    import duckdb

    connection = duckdb.connect()

    def count_by_sql(frame, keys, distinct=None):  # the same counting in DuckDB SQL over the frame
        connection.register("rows_frame", frame[keys + ([distinct] if distinct else [])])
        measure = f'count(DISTINCT "{distinct}")' if distinct else "count(*)"
        return connection.execute(
            f"SELECT {', '.join(keys)}, {measure} FROM rows_frame GROUP BY ALL"
        ).df()

    from loaders.store.readers import open_reader

    reader = open_reader(data.store_path())
    try:
        events = data._tidy(reader.execute(data.EVENTS_SQL).df())  # what the pages once loaded
        regions = reader.execute(data.REGIONS_SQL).df()
    finally:
        reader.close()
    quarters = filters.available_quarters(events)
    cases = {
        "events per quarter × type": (
            lambda: events.groupby(["quarter", "event_type"], observed=True).size(),
            lambda: count_by_sql(events, ["quarter", "event_type"]),
        ),
        "active settlements per quarter": (
            lambda: events.groupby("quarter", observed=True)["settlement_name"].nunique(),
            lambda: count_by_sql(events, ["quarter"], "settlement_name"),
        ),
        "events per quarter × region": (
            lambda: events.groupby(["quarter", "region_code"], observed=True).size(),
            lambda: count_by_sql(events, ["quarter", "region_code"]),
        ),
    }
    print(f"{'counting (100,000 events)':<34}{'pandas, ms':>12}{'DuckDB SQL, ms':>16}")
    for label, (in_pandas, in_sql) in cases.items():
        print(f"{label:<34}{timed(in_pandas) * 1000:>12.1f}{timed(in_sql) * 1000:>16.1f}")
    print("whole page aggregations (pandas, as the page runs them):")
    seconds = timed(lambda: chronicle.per_quarter(events, quarters, "event_type", None))
    print(f"  per_quarter by type: {seconds * 1000:.1f} ms")
    seconds = timed(
        lambda: chronicle.compare_quarters(events, None, quarters[-2], quarters[-1], regions)
    )
    print(f"  compare_quarters:    {seconds * 1000:.1f} ms")


if __name__ == "__main__":
    main()
