"""Benchmark: the query layer (SQL in the store) against today's load-everything pandas path.

    python tests/benchmarks/bench_queries.py [--scales national x10] [--runs 5]

For each synthetic store (built with `python -m loaders demo --scale …` if missing) it runs two fresh
processes, so neither path warms the other's caches or inflates its memory:

* sql: cold start (open the store + the first query), then every query of the layer, median of warm runs,
  for three views (everything; one year; three regions × two types); process memory (RSS) at the end.
* pandas: load time of the tables as dashboard/data.py reads them, then the same answers from
  dashboard.filters + analysis.aggregations/chronicle over the loaded frames; RSS at the end.

It also compares ways to search titles at that scale (ILIKE, lower()+LIKE as the layer does, pandas) and
says whether DuckDB's full-text search extension can be loaded here.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))


def _rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def _median_seconds(function, runs: int) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        function()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def _views(quarters: list[str], regions: list[str]):
    from dashboard.filters import ViewFilter

    year = [q for q in quarters if q.startswith(quarters[-1][:4])]
    return {
        "all": ViewFilter(quarters[0], quarters[-1]),
        "one year": ViewFilter(year[0], year[-1]),
        "3 regions × 2 types": ViewFilter(
            quarters[0], quarters[-1], tuple(regions[:3]), ("forum", "action")
        ),
    }


def _sql_queries(store, view):
    from dashboard.analysis import queries as q

    query_view = q.QueryView.from_filter(view)

    def popup():
        markers = q.settlement_markers(store, query_view)
        first = markers.iloc[0]
        return q.place_events(store, query_view, first["place"], first["lat"], first["lon"])

    return {
        "quarter × type": lambda: q.quarter_counts(store, query_view, "events", "event_type"),
        "quarter × region, settlements": lambda: q.quarter_counts(
            store, query_view, "settlements", "region_code"
        ),
        "region measures": lambda: q.region_measures(store, query_view),
        "settlement markers": lambda: q.settlement_markers(store, query_view),
        "markers + one popup": popup,
        "network edges": lambda: q.network_edges(store, query_view),
        "explorer page 1": lambda: q.explorer_page(store, query_view),
        "explorer page 200, by title": lambda: q.explorer_page(
            store, query_view, sort_by="title", page=200
        ),
        "explorer search «акция»": lambda: q.explorer_page(store, query_view, search="акция"),
        "explorer search, no match": lambda: q.explorer_page(store, query_view, search="нетакого"),
    }


def _pandas_queries(frames, view):
    from dashboard import filters
    from dashboard.analysis import aggregations, chronicle

    def events():
        return filters.apply_to_events(frames["events"], view)

    def counts(measure, split):
        rows, distinct = chronicle.measure_rows(
            measure,
            events(),
            filters.apply_to_agreements(frames["agreements"], view),
            filters.apply_to_links(frames["links"], view),
        )
        return chronicle.per_quarter(rows, view.quarters(), split, distinct)

    def explorer(text):
        found = aggregations.search_rows(
            events(), text, ["title", "settlement_name", "region_code"]
        )
        return found.head(50), len(found)

    def explorer_by_title():
        return events().sort_values(["title", "event_id"]).iloc[200 * 50 : 201 * 50]

    return {
        "quarter × type": lambda: counts("events", "event_type"),
        "quarter × region, settlements": lambda: counts("settlements", "region_code"),
        "region measures": lambda: aggregations.region_measures(
            events(), filters.apply_to_agreements(frames["agreements"], view), frames["regions"]
        ),
        "settlement markers": lambda: aggregations.settlement_activity(events(), max_listed=5),
        "markers + one popup": lambda: aggregations.settlement_activity(events(), max_listed=15),
        "network edges": lambda: aggregations.practice_edges(
            filters.apply_to_links(frames["links"], view)
        ),
        "explorer page 1": lambda: explorer(""),
        "explorer page 200, by title": explorer_by_title,
        "explorer search «акция»": lambda: explorer("акция"),
        "explorer search, no match": lambda: explorer("нетакого"),
    }


def run_sql(db: str, runs: int) -> dict:
    import duckdb

    from dashboard.analysis import queries as q

    started = time.perf_counter()
    connection = duckdb.connect(db, read_only=True)
    connection.execute("SET enable_progress_bar = false")
    store = q.Store(connection)
    quarters = q.quarter_span(store)
    first = q.quarter_counts(store, q.QueryView(quarters[0], quarters[-1]), "events", "event_type")
    cold = time.perf_counter() - started
    assert not first.empty
    regions = list(
        store.frame(
            "SELECT region_code FROM events GROUP BY region_code ORDER BY count(*) DESC LIMIT 3"
        )["region_code"]
    )
    timings = {}
    for view_name, view in _views(quarters, regions).items():
        for name, query in _sql_queries(store, view).items():
            query()  # warm
            timings[f"{view_name} | {name}"] = _median_seconds(query, runs)
    return {"cold_start": cold, "timings": timings, "rss_mb": _rss_mb()}


def run_pandas(db: str, runs: int) -> dict:
    import duckdb

    from dashboard import data
    from dashboard.filters import available_quarters

    started = time.perf_counter()
    with duckdb.connect(db, read_only=True) as connection:

        def read(sql):
            return data._tidy(connection.execute(sql).df())

        frames = {
            "events": read(data.EVENTS_SQL),
            "agreements": read(data.AGREEMENTS_SQL),
            "links": read(data.PRACTICE_LINKS_SQL),
            "regions": read(data.REGIONS_SQL),
        }
    load = time.perf_counter() - started
    quarters = available_quarters(frames["events"])
    regions = list(frames["events"]["region_code"].astype("string").value_counts().index[:3])
    timings = {}
    for view_name, view in _views(quarters, regions).items():
        for name, query in _pandas_queries(frames, view).items():
            query()
            timings[f"{view_name} | {name}"] = _median_seconds(query, runs)
    return {"load": load, "timings": timings, "rss_mb": _rss_mb()}


def run_search(db: str, runs: int) -> dict:
    """Title search variants over all events (count of matches + first page)."""
    import duckdb

    connection = duckdb.connect(db, read_only=True)
    connection.execute("SET enable_progress_bar = false")
    variants = {
        "ILIKE": ("e.title ILIKE ?", "%акция%"),
        "lower()+LIKE, ё→е": ("replace(lower(e.title), 'ё', 'е') LIKE ?", "%акция%"),
        "contains(lower())": ("contains(lower(e.title), ?)", "акция"),
        "regexp_matches (?i), е=[её] (the layer)": ("regexp_matches(e.title, ?)", "(?i)акция"),
    }
    results = {}
    for name, (condition, needle) in variants.items():

        def search(condition=condition, needle=needle):
            connection.execute(
                f"SELECT count(*) FROM events e WHERE {condition}", [needle]
            ).fetchall()
            return connection.execute(
                f"SELECT e.event_id, e.title FROM events e WHERE {condition}"
                " ORDER BY e.date_start DESC, e.event_id LIMIT 50",
                [needle],
            ).fetchall()

        search()
        results[name] = _median_seconds(search, runs)
    # What a stored search column (lower case, ё as е; a write-path change) would give: the same search
    # over a copy of the titles normalised once.
    memory = duckdb.connect()
    memory.execute("SET enable_progress_bar = false")
    memory.execute(f"ATTACH '{db.replace(chr(39), chr(39) * 2)}' AS store (READ_ONLY)")
    memory.execute(
        "CREATE TABLE normalised AS SELECT event_id, date_start,"
        " replace(lower(title), 'ё', 'е') AS title_search FROM store.events"
    )

    def search_normalised():
        memory.execute(
            "SELECT count(*) FROM normalised WHERE title_search LIKE ?", ["%акция%"]
        ).fetchall()
        return memory.execute(
            "SELECT event_id FROM normalised WHERE title_search LIKE ?"
            " ORDER BY date_start DESC, event_id LIMIT 50",
            ["%акция%"],
        ).fetchall()

    search_normalised()
    results["stored normalised column + LIKE (what-if)"] = _median_seconds(search_normalised, runs)
    try:
        connection.execute("LOAD fts")
        results["fts"] = "loadable (index must be built by a write path: PRAGMA create_fts_index)"
    except duckdb.Error as error:
        results["fts"] = f"not available: {str(error).splitlines()[0]}"
    return results


def _child(mode: str, db: str, runs: int) -> dict:
    completed = subprocess.run(
        [sys.executable, __file__, "--child", mode, "--db", db, "--runs", str(runs)],
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT,
    )
    if completed.returncode != 0:
        raise RuntimeError(f"{mode} on {db} failed:\n{completed.stderr}")
    return json.loads(completed.stdout.strip().splitlines()[-1])


def _ensure_store(scale: str, seed: int) -> Path:
    path = ROOT / "data" / "synthetic" / f"{scale}-seed{seed}.duckdb"
    if not path.exists():
        from loaders.build.synthetic import write_synthetic

        print(f"building {path} …", flush=True)
        started = time.perf_counter()
        write_synthetic(path, scale, seed)
        print(f"built in {time.perf_counter() - started:.1f} s", flush=True)
    return path


def report(scale: str, db: Path, runs: int) -> None:
    sql = _child("sql", str(db), runs)
    pandas = _child("pandas", str(db), runs)
    search = _child("search", str(db), runs)
    print(f"\n## {scale}: {db.name}")
    print(f"cold start, SQL (open store + first query): {sql['cold_start']:.2f} s")
    print(f"load everything, pandas (events, agreements, links, regions): {pandas['load']:.2f} s")
    print(
        f"process RSS after all queries: SQL {sql['rss_mb']:.0f} MB, pandas {pandas['rss_mb']:.0f} MB"
    )
    print("\n| view · query | SQL, s | pandas (loaded), s |\n|---|---|---|")
    for key, seconds in sql["timings"].items():
        print(f"| {key} | {seconds:.3f} | {pandas['timings'][key]:.3f} |")
    print("\ntitle search over all events (count + first page of 50):")
    for name, value in search.items():
        print(f"  {name}: {value if isinstance(value, str) else f'{value:.3f} s'}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--scales", nargs="+", default=["national", "x10"])
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--child", choices=["sql", "pandas", "search"], help=argparse.SUPPRESS)
    parser.add_argument("--db", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        run = {"sql": run_sql, "pandas": run_pandas, "search": run_search}[args.child]
        print(json.dumps(run(args.db, args.runs)))
        return
    for scale in args.scales:
        report(scale, _ensure_store(scale, args.seed), args.runs)


if __name__ == "__main__":
    main()
