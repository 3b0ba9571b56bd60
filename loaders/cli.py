"""Command line: python -m loaders {load, build-demo, demo, info}."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from loaders.paths import DATA_DIR, database_path


def _cmd_load(args) -> int:
    from loaders.pipeline import load_tables

    summary = load_tables([Path(p) for p in args.paths], args.db, kind=args.kind)
    for message in summary.failed.values():
        print(message, file=sys.stderr)
    print("\n".join(summary.lines()))
    return 1 if summary.failed else 0


def _cmd_build_demo(args) -> int:
    from loaders.demo import build_demo_database

    target = Path(args.db or database_path())
    summary = build_demo_database(target, if_missing=args.if_missing)
    if summary is None:
        print(f"Демо-база уже есть / demo database exists: {target}")
    else:
        print(f"Демо-база собрана / demo database built: {target}")
        print("\n".join(summary.lines()))
    return 0


def _cmd_demo(args) -> int:
    from loaders.synthetic import write_synthetic

    target = Path(args.db or DATA_DIR / "synthetic" / f"{args.scale}-seed{args.seed}.duckdb")
    counts = write_synthetic(target, args.scale, args.seed)
    print(f"Синтетические данные / synthetic data: {target}")
    print(", ".join(f"{name}: {count}" for name, count in counts.items()))
    return 0


def _cmd_info(args) -> int:
    from loaders.store import open_store, table_counts

    with open_store(args.db) as connection:
        for name, count in table_counts(connection).items():
            print(f"{name}: {count}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m loaders", description="Activity Atlas loaders")
    commands = parser.add_subparsers(dest="command", required=True)

    load = commands.add_parser("load", help="load CSV/XLSX/JSON tables of events, agreements, report items, practice links")
    load.add_argument("paths", nargs="+", help="files or folders")
    load.add_argument("--kind", choices=["events", "agreements", "report_items", "practice_links"], help="force the table kind")
    load.set_defaults(handler=_cmd_load)

    demo_db = commands.add_parser("build-demo", help="build the demonstration database from data/demo")
    demo_db.add_argument("--if-missing", action="store_true", help="do nothing if the database file exists")
    demo_db.set_defaults(handler=_cmd_build_demo)

    synthetic = commands.add_parser("demo", help="write a synthetic dataset for load and speed testing")
    synthetic.add_argument("--scale", choices=["national", "small"], default="national")
    synthetic.add_argument("--seed", type=int, default=1)
    synthetic.set_defaults(handler=_cmd_demo)

    info = commands.add_parser("info", help="row counts of the store")
    info.set_defaults(handler=_cmd_info)

    for sub in (load, demo_db, synthetic, info):
        sub.add_argument("--db", type=Path, default=None, help="DuckDB file (default: $ATLAS_DB or data/atlas.duckdb)")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return args.handler(args)
