"""Benchmark: two editors saving corrections while a `python -m loaders load` runs, on one store file.

    python tests/benchmarks/bench_concurrent_writes.py [--saves 40] [--copies 20]

Three processes: the CLI loading a large events table (the demo table repeated --copies times, each
copy its own file, so the CLI writes one transaction per file like a real folder load), and two editor
processes, each making --saves corrections (read the row's version, then correct participants_count
with that version) in short write sessions that retry while the store is locked. Half of the
editors' rows are shared, so they also collide on the same rows.

Prints per-save latency (median, 95th percentile, max), how many saves succeeded, were refused as a
version conflict, or gave up as busy; the CLI's time alone and with the editors; and checks that
nothing was lost: every successful save has its audit entry and every row's version counts its saves.
"""

from __future__ import annotations

import argparse
import multiprocessing
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DEMO_EVENTS = ROOT / "data" / "demo" / "tables" / "events_2022_2023.csv"


def build_store(folder: Path) -> Path:
    from loaders.accounts import add_user
    from loaders.pipeline.load_tables import load_tables
    from loaders.store.writer import write_session

    store = folder / "store.duckdb"
    load_tables([ROOT / "data" / "demo" / "tables"], store)
    with write_session(store) as connection:
        for name in ("editor_a", "editor_b"):
            add_user(connection, name, "admin", "benchmark password", [], "bench")
    return store


def table_copies(folder: Path, copies: int) -> Path:
    """The demo events table, --copies times, each with distinct titles (so nothing merges away)."""
    header, *rows = DEMO_EVENTS.read_text(encoding="utf-8").splitlines()
    target = folder / "tables"
    target.mkdir()
    for copy in range(copies):
        renamed = [  # other years, so the copies do not merge into the stored events
            row.replace(",", f",Копия {copy}: ", 1)
            .replace("2022", str(2040 + 2 * copy))
            .replace("2023", str(2041 + 2 * copy))
            for row in rows
        ]
        (target / f"events_{copy:03d}.csv").write_text(
            "\n".join([header, *renamed]) + "\n", encoding="utf-8"
        )
    return target


def run_cli(store: Path, tables: Path, results=None) -> float:
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "loaders", "load", str(tables), "--db", str(store)],
        check=True,
        capture_output=True,
        cwd=ROOT,
    )
    seconds = time.perf_counter() - started
    if results is not None:
        results.put(("cli", seconds))
    return seconds


def editor(name: str, store: str, event_ids: list[str], saves: int, seed: int, results) -> None:
    from loaders.accounts import Credential
    from loaders.review import VersionConflictError, correct
    from loaders.store.writer import StoreBusyError, read_session, write_session

    rng = random.Random(seed)
    outcomes = []
    for number in range(saves):
        event_id = rng.choice(event_ids)
        started = time.perf_counter()
        try:
            with read_session(Path(store)) as connection:
                version = connection.execute(
                    "SELECT version FROM events WHERE event_id = ?", [event_id]
                ).fetchall()[0][0]
            time.sleep(rng.uniform(0, 0.5))  # the editor types
            with write_session(Path(store)) as connection:
                correct(
                    connection,
                    Credential(user_name=name),
                    event_id,
                    "participants_count",
                    str(1000 + number),
                    version,
                )
            outcome = "saved"
        except VersionConflictError:
            outcome = "conflict"
        except StoreBusyError:
            outcome = "busy"
        outcomes.append((outcome, time.perf_counter() - started, event_id))
    results.put((name, outcomes))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--saves", type=int, default=40)
    parser.add_argument("--copies", type=int, default=20)
    parser.add_argument(
        "--editor-delay",
        type=float,
        default=4.0,
        help="seconds between starting the CLI and the editors (the CLI takes ~3 s to start)",
    )
    args = parser.parse_args()
    import duckdb

    with tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)
        store = build_store(folder)
        tables = table_copies(folder, args.copies)
        alone_store = folder / "alone.duckdb"
        shutil.copy(store, alone_store)
        cli_alone = run_cli(alone_store, tables)
        with duckdb.connect(str(store), read_only=True) as connection:
            ids = [r[0] for r in connection.execute("SELECT event_id FROM events").fetchall()]
        rng = random.Random(1)
        shared = rng.sample(ids, 10)
        own_a, own_b = rng.sample(ids, 10), rng.sample(ids, 10)
        results = multiprocessing.get_context("spawn").Queue()
        started = time.perf_counter()
        cli = multiprocessing.get_context("spawn").Process(
            target=run_cli, args=(store, tables, results)
        )
        editors = [
            multiprocessing.get_context("spawn").Process(
                target=editor, args=(name, str(store), shared + own, args.saves, seed, results)
            )
            for name, own, seed in (("editor_a", own_a, 11), ("editor_b", own_b, 12))
        ]
        cli.start()
        time.sleep(args.editor_delay)  # the load is under way when the editors start
        for process in editors:
            process.start()
        outcomes = dict(results.get() for _ in range(len(editors) + 1))
        cli_seconds = outcomes.pop("cli")
        for process in editors:
            process.join()
        cli.join()
        wall = time.perf_counter() - started
        all_outcomes = [o for name in sorted(outcomes) for o in outcomes[name]]
        latencies = sorted(seconds for _, seconds, _ in all_outcomes)
        counts = {
            kind: sum(1 for o in all_outcomes if o[0] == kind)
            for kind in ("saved", "conflict", "busy")
        }
        with duckdb.connect(str(store), read_only=True) as connection:
            audited = connection.execute(
                "SELECT count(DISTINCT changed_at) FROM audit WHERE action = 'correct'"
            ).fetchall()[0][0]
            versions = dict(connection.execute("SELECT event_id, version FROM events").fetchall())
            loaded = connection.execute(
                "SELECT count(*) FROM events WHERE title LIKE 'Копия %'"
            ).fetchall()[0][0]
        saved_per_row: dict[str, int] = {}
        for outcome, _, event_id in all_outcomes:
            if outcome == "saved":
                saved_per_row[event_id] = saved_per_row.get(event_id, 0) + 1
        # every saved correction bumps its row's version once (a save of the value already stored
        # would change nothing; the values differ per save here, so none is expected)
        bumps = sum(versions[e] - 1 for e in set(shared + own_a + own_b))
    print(
        f"CLI load of {args.copies} files ({loaded} events): alone {cli_alone:.1f} s, "
        f"beside two editors {cli_seconds:.1f} s; all three done in {wall:.1f} s"
    )
    print(f"editor saves: {len(all_outcomes)}; {counts}")
    print(
        f"save latency: median {statistics.median(latencies):.2f} s, "
        f"p95 {latencies[int(0.95 * (len(latencies) - 1))]:.2f} s, max {latencies[-1]:.2f} s"
    )
    print(
        f"saved {counts['saved']}, audited {audited}, version bumps {bumps}: "
        + ("nothing lost" if audited == bumps == counts["saved"] else "MISMATCH")
    )


if __name__ == "__main__":
    main()
