"""Command line: python -m loaders {load, build-demo, new, demo, extract, ingest, evaluate, info,
codebook, derive, check-geography, users, review, audit, migrate}."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from loaders.paths import DATA_DIR, database_path, database_target


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


def _cmd_migrate(args) -> int:
    from loaders.store.transfer import MigrationError, migrate_store

    try:
        report = migrate_store(Path(args.source), args.target)
    except MigrationError as error:
        print(error, file=sys.stderr)
        return 1
    print(f"Перенесено / migrated: {args.source} → {args.target}")
    print("\n".join(report.lines()))
    return 0


def _store_argument(value: str) -> Path | str:
    """--db: a postgresql:// URL as given, anything else a DuckDB file path."""
    return value if value.startswith(("postgresql://", "postgres://")) else Path(value)


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


def _new_server_store(url: str) -> int:
    """On a server the database itself is made by its administrator (README «Серверная
    установка»): `new` creates the schema in it, and refuses one that already holds documents."""
    from loaders.store.database import open_store

    with open_store(url) as connection:
        documents = connection.execute("SELECT count(*) FROM documents").fetchone()[0]
    if documents:
        print(
            f"{url}: в базе уже {documents} документов / the server store already holds data",
            file=sys.stderr,
        )
        return 1
    print(f"Пустое хранилище готово / empty store ready: {url}")
    return 0


def _cmd_new(args) -> int:
    """An empty store for the user's own data, so demo rows and real rows never mix."""
    import datetime as dt
    import os

    from loaders.store.database import open_store

    if isinstance(args.db or database_target(), str):
        return _new_server_store(args.db or database_target())
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


def _quiet_dask_logs() -> None:
    """The ingest summary says what became of every file; Dask's own log lines (a worker restarted,
    the reconnect traceback after a lost scheduler) would only repeat it as noise or tracebacks.
    Dask gives some of its loggers levels of their own and a handler on «distributed»: all muted."""
    import logging

    import distributed  # noqa: F401 — sets up its loggers, which are then muted

    for name in [n for n in logging.root.manager.loggerDict if n.startswith("distributed")]:
        logging.getLogger(name).setLevel(logging.CRITICAL)
    for handler in logging.getLogger("distributed").handlers:
        handler.setLevel(logging.CRITICAL)


def _cmd_ingest(args) -> int:
    from loaders.pipeline.ingest import ingest_documents

    _quiet_dask_logs()
    summary = ingest_documents(
        [Path(p) for p in args.paths], args.db, workers=args.workers, scheduler=args.scheduler
    )
    _print_failures(summary)
    print(f"Прочитано документов / documents read: {len(summary.stored) + len(summary.unchanged)}")
    print("\n".join(summary.lines()))
    return 0 if summary.ok else 1


def _cmd_evaluate(args) -> int:
    from loaders.evaluate import evaluate_folder, format_scores

    if args.reviewed:
        return _cmd_evaluate_reviewed(args)
    if not args.gold or not args.folder:
        print(
            "нужны GOLD и FOLDER, или --reviewed / give GOLD and FOLDER, or --reviewed",
            file=sys.stderr,
        )
        return 2

    scores, differences = evaluate_folder(Path(args.gold), Path(args.folder))
    print(format_scores(scores))
    if args.verbose:
        print("\n".join(differences))
    return 0


def _cmd_info(args) -> int:
    from loaders.store.database import open_store, table_counts

    path = args.db or database_target()
    if isinstance(path, Path) and not path.exists():
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


# ---------------------------------------------------------------- users, review, audit (issue 13)


def _print_json(value) -> None:
    import json

    print(json.dumps(value, ensure_ascii=False, default=str, indent=1))


def _write(args):
    from loaders.store.writer import write_session

    return write_session(args.db)


def _read_password(args) -> str:
    import getpass

    if args.password_stdin:
        return sys.stdin.readline().rstrip("\n")
    first = getpass.getpass("Пароль / password: ")
    if first != getpass.getpass("Ещё раз / again: "):
        raise SystemExit("пароли не совпадают / passwords differ")
    return first


def _cli_actor() -> str:
    """Who ran a users command, for the audit trail (the account of the shell)."""
    import getpass

    return f"cli:{getpass.getuser()}"


def _cmd_users(args) -> int:
    from loaders import accounts

    try:
        if args.users_command == "add":
            regions = [code.strip() for code in (args.regions or "").split(",") if code.strip()]
            password = _read_password(args)
            with _write(args) as connection:
                user = accounts.add_user(
                    connection, args.name, args.role, password, regions, _cli_actor()
                )
            print(f"Создан / created: {user.name} ({user.role}) {', '.join(user.regions)}")
        elif args.users_command == "disable":
            with _write(args) as connection:
                accounts.disable_user(connection, args.name, _cli_actor())
            print(f"Отключён / disabled: {args.name}")
        else:
            with _write(args) as connection:
                users = accounts.list_users(connection)
            if args.json:
                _print_json(users)
            for user in [] if args.json else users:
                state = "активен" if user["is_active"] else "отключён"
                print(
                    f"{user['user_name']}\t{user['role']}\t"
                    f"{','.join(user['regions'] or [])}\t{state}"
                )
    except accounts.AccountError as error:
        print(error, file=sys.stderr)
        return 1
    return 0


def _review_error_types():
    from loaders.accounts import NotAuthorisedError
    from loaders.review import ReviewError
    from loaders.store.writer import StoreBusyError

    return (ReviewError, NotAuthorisedError, StoreBusyError)


def _cmd_review(args) -> int:
    from loaders import review
    from loaders.accounts import Credential

    credential = Credential(user_name=getattr(args, "user", None))
    try:
        if args.review_command == "list":
            with _write(args) as connection:
                queue = review.review_queue(
                    connection,
                    [args.region] if args.region else None,
                    args.status or None,
                    args.limit,
                )
            records = queue.drop(columns=["other_region"]).to_dict("records")
            if args.json:
                _print_json(records)
            for row in [] if args.json else records:
                print(
                    f"{row['entity_id']}\t{row['confidence']:.2f}\t{row['status']}\t{row['summary']}"
                )
        elif args.review_command in ("accept", "reject"):
            items = [(entity_id, None) for entity_id in args.ids]
            with _write(args) as connection:
                action = review.accept if args.review_command == "accept" else review.reject
                changed = action(connection, credential, items, args.comment)
            print(f"Изменено записей / rows changed: {changed}")
        elif args.review_command == "correct":
            with _write(args) as connection:
                changes = review.correct(
                    connection, credential, args.id, args.field, args.value, comment=args.comment
                )
            print(
                ", ".join(f"{k} = {v}" for k, v in changes.items()) or "без изменений / unchanged"
            )
        elif args.review_command == "undo":
            with _write(args) as connection:
                count = review.undo(connection, credential, args.audit_id, args.comment)
            print(f"Отменено полей / fields restored: {count}")
        else:
            from loaders.reviewed_gold import export_gold

            with _write(args) as connection:
                count = export_gold(connection, Path(args.folder))
            print(f"Проверенных документов / reviewed documents: {count} → {args.folder}")
    except _review_error_types() as error:
        print(error, file=sys.stderr)
        return 1
    return 0


def _cmd_audit(args) -> int:
    import datetime as dt

    from loaders.store.audit import read_audit

    since = dt.date.fromisoformat(args.since) if args.since else None
    with _write(args) as connection:
        entries = read_audit(connection, since, args.user, args.entity_id)
    records = entries.to_dict("records")
    if args.json:
        _print_json(records)
    else:
        for row in records:
            print(
                f"{row['audit_id']}\t{row['changed_at']:%Y-%m-%d %H:%M:%S}\t{row['user_name']}\t"
                f"{row['action']}\t{row['entity_id']}\t{row['field'] or ''}\t"
                f"{row['value_before'] or ''} → {row['value_after'] or ''}"
            )
    return 0


def _cmd_evaluate_reviewed(args) -> int:
    from loaders.evaluate import format_scores
    from loaders.reviewed_gold import evaluate_reviewed

    with _write(args) as connection:
        scores, differences, documents = evaluate_reviewed(connection)
    print(f"Проверенных документов / reviewed documents: {documents}")
    print(format_scores(scores))
    if args.verbose:
        print("\n".join(differences))
    return 0


def _add_review_commands(commands) -> list:
    """The parsers of users, review and audit; returns those that take --db."""
    users = commands.add_parser("users", help="accounts: add, list, disable")
    user_commands = users.add_subparsers(dest="users_command", required=True)
    add = user_commands.add_parser("add", help="create an account (asks for the password)")
    add.add_argument("name")
    add.add_argument("--role", choices=["viewer", "editor", "admin"], required=True)
    add.add_argument("--regions", help="comma-separated ISO codes an editor may change")
    add.add_argument("--password-stdin", action="store_true", help="read the password from stdin")
    listing = user_commands.add_parser("list", help="every account (no hashes)")
    listing.add_argument("--json", action="store_true")
    disable = user_commands.add_parser("disable", help="disable an account and end its sessions")
    disable.add_argument("name")
    users.set_defaults(handler=_cmd_users)

    review = commands.add_parser("review", help="the review queue: list, accept, reject, correct")
    review_commands = review.add_subparsers(dest="review_command", required=True)
    queue = review_commands.add_parser("list", help="facts lowest confidence first")
    queue.add_argument("--json", action="store_true")
    queue.add_argument("--region")
    queue.add_argument("--status", default="proposed", help="proposed, confirmed, rejected or ''")
    queue.add_argument("--limit", type=int)
    deciders = []
    for name in ("accept", "reject"):
        decide = review_commands.add_parser(name, help=f"{name} rows by id")
        deciders.append(decide)
        decide.add_argument("ids", nargs="+")
        decide.add_argument("--user", required=True)
        decide.add_argument("--comment")
    fix = review_commands.add_parser("correct", help="correct one field of one row")
    fix.add_argument("id")
    fix.add_argument("field")
    fix.add_argument("value")
    fix.add_argument("--user", required=True)
    fix.add_argument("--comment")
    back = review_commands.add_parser("undo", help="undo the change recorded as an audit entry")
    back.add_argument("audit_id", type=int)
    back.add_argument("--user", required=True)
    back.add_argument("--comment")
    gold = review_commands.add_parser("export-gold", help="reviewed documents as evaluate gold")
    gold.add_argument("folder")
    review.set_defaults(handler=_cmd_review)

    audit = commands.add_parser("audit", help="print the audit trail")
    audit.add_argument("--json", action="store_true")
    audit.add_argument("--since", help="YYYY-MM-DD")
    audit.add_argument("--user")
    audit.add_argument("--entity-id")
    audit.set_defaults(handler=_cmd_audit)
    return [add, listing, disable, queue, *deciders, fix, back, gold, audit]


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
        "--workers",
        type=int,
        default=None,
        help="local Dask worker processes (default: cores, at most 4); ignored with --scheduler",
    )
    ingest.add_argument(
        "--scheduler",
        default=None,
        metavar="tcp://HOST:8786",
        help="extract on the workers of this Dask scheduler instead of a local cluster",
    )
    ingest.set_defaults(handler=_cmd_ingest)

    evaluate = commands.add_parser("evaluate", help="score extraction against a gold file")
    evaluate.add_argument("gold", nargs="?")
    evaluate.add_argument("folder", nargs="?")
    evaluate.add_argument(
        "--reviewed",
        action="store_true",
        help="score against the facts people reviewed in the store",
    )
    evaluate.add_argument(
        "-v",
        "--verbose",
        "--errors",
        dest="verbose",
        action="store_true",
        help="per file and field, what was extra and what was missing",
    )
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
        help="spatial join of the gazetteer to the region polygons: settlements whose region "
        "disagrees",
    )
    geography.add_argument("--all", action="store_true", help="list every disagreement")
    geography.set_defaults(handler=_cmd_check_geography)

    migrate = commands.add_parser(
        "migrate",
        help="move a DuckDB store to PostgreSQL (all rows, sources, audit) and verify the counts",
    )
    migrate.add_argument("source", help="the DuckDB file")
    migrate.add_argument("target", help="postgresql://user@host:port/database (empty)")
    migrate.set_defaults(handler=_cmd_migrate)

    review_parsers = _add_review_commands(commands)
    for sub in (load, demo_db, new, synthetic, ingest, info, derive, evaluate, *review_parsers):
        sub.add_argument(
            "--db",
            type=_store_argument,
            default=None,
            help="DuckDB file or postgresql:// URL (default: $ATLAS_DB or data/atlas.duckdb)",
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
