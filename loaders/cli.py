"""Command line: python -m loaders {load, build-demo, new, demo, extract, ingest, evaluate, info,
codebook, derive, check-geography}."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from loaders.paths import DATA_DIR, database_path


def _cmd_load(args) -> int:
    from loaders.pipeline.load_tables import load_tables

    summary = load_tables([Path(p) for p in args.paths], args.db, kind=args.kind)
    _print_failures(summary)
    print("\n".join(summary.lines()))
    return 0 if summary.ok else 1


def _print_failures(summary) -> None:
    for message in summary.failed.values():
        print(message, file=sys.stderr)
    if summary.fatal:
        print(summary.fatal, file=sys.stderr)


def _cmd_build_demo(args) -> int:
    from loaders.build.demo import build_demo_database

    target = Path(args.db or database_path())
    summary = build_demo_database(target, if_missing=args.if_missing)
    if summary is None:
        print(f"Демо-база уже есть / demo database exists: {target}")
    else:
        print(f"Демо-база собрана / demo database built: {target}")
        print("\n".join(summary.lines()))
    return 0


def _cmd_demo(args) -> int:
    from loaders.build.synthetic import write_synthetic

    target = Path(args.db or DATA_DIR / "synthetic" / f"{args.scale}-seed{args.seed}.duckdb")
    counts = write_synthetic(target, args.scale, args.seed)
    print(f"Синтетические данные / synthetic data: {target}")
    print(", ".join(f"{name}: {count}" for name, count in counts.items()))
    return 0


def _cmd_new(args) -> int:
    """An empty store for the user's own data, so demo rows and real rows never mix."""
    import datetime as dt
    import os

    from loaders.store.database import open_store

    target = Path(args.db or database_path())
    if target.exists() and not args.replace:
        print(
            f"Хранилище уже есть / store exists: {target}. Добавьте --replace: старое будет "
            "сохранено рядом с суффиксом .bak-ДАТА / the old file is kept as .bak-DATE",
            file=sys.stderr,
        )
        return 1
    building = target.with_name(target.name + ".building")
    for leftover in (building, Path(str(building) + ".wal")):
        leftover.unlink(missing_ok=True)
    with open_store(building):
        pass  # schema and the regions reference, nothing else
    if target.exists():
        stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
        backup = target.with_name(f"{target.name}.bak-{stamp}")
        os.replace(target, backup)
        print(f"Прежнее хранилище / previous store: {backup}")
    os.replace(building, target)
    print(f"Пустое хранилище / empty store: {target}")
    return 0


def _cmd_extract(args) -> int:
    import json

    from loaders.text.extract import to_contract_json
    from loaders.pipeline.ingest import extract_file

    results, failed = [], 0
    for path in args.files:
        extracted = extract_file(path)
        if extracted.error:
            print(extracted.error, file=sys.stderr)
            failed += 1
            continue
        results.append(to_contract_json(extracted.extraction, path))
    print(json.dumps(results, ensure_ascii=False, indent=1 if args.pretty else None))
    return 1 if failed else 0


def _cmd_ingest(args) -> int:
    from loaders.pipeline.ingest import ingest_documents

    summary = ingest_documents([Path(p) for p in args.paths], args.db, workers=args.workers)
    _print_failures(summary)
    print(f"Прочитано документов / documents read: {len(summary.stored) + len(summary.unchanged)}")
    print("\n".join(summary.lines()))
    return 0 if summary.ok else 1


def _cmd_evaluate(args) -> int:
    from loaders.evaluate import evaluate_folder, format_scores

    scores, differences = evaluate_folder(Path(args.gold), Path(args.folder))
    print(format_scores(scores))
    if args.verbose:
        print("\n".join(differences))
    return 0


def _cmd_info(args) -> int:
    from loaders.store.database import open_store, table_counts

    path = Path(args.db or database_path())
    if not path.exists():
        print(f"{path}: хранилища нет / no store", file=sys.stderr)
        return 1
    with open_store(path, read_only=True) as connection:
        counts = table_counts(connection)
    for name, count in counts.items():
        print(f"{name}: {count}")
    return 0


def _cmd_codebook(args) -> int:
    from loaders.model.codebook import render_codebook, write_codebook
    from loaders.paths import ROOT

    if args.write:
        changed = write_codebook(ROOT / "README.md")
        print("README.md: " + ("обновлён / updated" if changed else "без изменений / unchanged"))
    else:
        print(render_codebook())
    return 0


def _cmd_derive(args) -> int:
    from loaders.store.database import open_store, rebuild_derived

    with open_store(args.db) as connection:
        count = rebuild_derived(connection)
    print(f"Связи через совместные мероприятия / joint-event links: {count}")
    return 0


def _cmd_check_geography(args) -> int:
    from loaders.geo.boundaries import check_gazetteer_regions

    report = check_gazetteer_regions()
    print("\n".join(report.lines(limit=None if args.all else 40)))
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m loaders", description="Activity Atlas loaders")
    commands = parser.add_subparsers(dest="command", required=True)

    load = commands.add_parser(
        "load", help="load CSV/XLSX/JSON tables of events, agreements, report items, practice links"
    )
    load.add_argument("paths", nargs="+", help="files or folders")
    load.add_argument(
        "--kind",
        choices=["events", "agreements", "report_items", "practice_links"],
        help="force the table kind",
    )
    load.set_defaults(handler=_cmd_load)

    demo_db = commands.add_parser(
        "build-demo", help="build the demonstration database from data/demo"
    )
    demo_db.add_argument(
        "--if-missing", action="store_true", help="do nothing if the database file exists"
    )
    demo_db.set_defaults(handler=_cmd_build_demo)

    new = commands.add_parser("new", help="start an empty store for your own data (no demo rows)")
    new.add_argument(
        "--replace", action="store_true", help="replace an existing store (kept as .bak-DATE)"
    )
    new.set_defaults(handler=_cmd_new)

    synthetic = commands.add_parser(
        "demo", help="write a synthetic dataset for load and speed testing"
    )
    synthetic.add_argument("--scale", choices=["x10", "national", "small"], default="national")
    synthetic.add_argument("--seed", type=int, default=1)
    synthetic.set_defaults(handler=_cmd_demo)

    extract = commands.add_parser(
        "extract", help="read documents and print what is extracted (writes nothing)"
    )
    extract.add_argument(
        "--json",
        action="store_true",
        required=True,
        help="print one JSON array, one object per file",
    )
    extract.add_argument("--pretty", action="store_true", help="indent the JSON")
    extract.add_argument("files", nargs="+")
    extract.set_defaults(handler=_cmd_extract)

    ingest = commands.add_parser(
        "ingest", help="extract and store documents (.txt .md .html .docx .pdf), files or folders"
    )
    ingest.add_argument("paths", nargs="+")
    ingest.add_argument(
        "--workers", type=int, default=None, help="extraction processes (default: cores, at most 4)"
    )
    ingest.set_defaults(handler=_cmd_ingest)

    evaluate = commands.add_parser("evaluate", help="score extraction against a gold file")
    evaluate.add_argument("gold")
    evaluate.add_argument("folder")
    evaluate.add_argument("-v", "--verbose", action="store_true", help="list every difference")
    evaluate.set_defaults(handler=_cmd_evaluate)

    info = commands.add_parser("info", help="row counts of the store")
    info.set_defaults(handler=_cmd_info)

    codebook = commands.add_parser(
        "codebook", help="print the data dictionary rendered from the schema (README's section)"
    )
    codebook.add_argument("--write", action="store_true", help="rewrite README.md's section")
    codebook.set_defaults(handler=_cmd_codebook)

    derive = commands.add_parser(
        "derive", help="re-derive joint-event links of every stored event (after a gazetteer fix)"
    )
    derive.set_defaults(handler=_cmd_derive)

    geography = commands.add_parser(
        "check-geography",
        help="spatial join of the gazetteer to the region polygons: settlements whose region disagrees",
    )
    geography.add_argument("--all", action="store_true", help="list every disagreement")
    geography.set_defaults(handler=_cmd_check_geography)

    for sub in (load, demo_db, new, synthetic, ingest, info, derive):
        sub.add_argument(
            "--db",
            type=Path,
            default=None,
            help="DuckDB file (default: $ATLAS_DB or data/atlas.duckdb)",
        )
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run a command; a busy store is one line on stderr and exit code 1, never a traceback."""
    from loaders.store.database import StoreBusyError

    args = build_parser().parse_args(argv)
    try:
        return args.handler(args)
    except StoreBusyError as error:
        print(error, file=sys.stderr)
        return 1
