"""Hostile-input benchmark: peak memory per process on bombs and huge files, the cost of
«unchanged»,
20 loads in a loop while another process keeps reading the store, and 2 000 numbered events.

Run: PYTHONPATH=. python tests/benchmarks/bench_hostile.py
Bars: peak RSS under 1.5 GB in every process; no traceback; no lost file; 2 000 events kept apart.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from tests.hostile_files import (  # noqa: E402
    GOOD_DOCUMENT,
    docx_paragraph_bomb,
    minimal_docx,
    minimal_xlsx,
    with_extra_parts,
)

MB = 1024 * 1024
# Runs a loaders command and reports peak RSS of this process (the command's main process) and of
# its largest child (an extraction worker), from getrusage (Linux: kilobytes).
MEASURED_RUN = """
import json, resource, sys
from loaders.cli import main
code = main(sys.argv[1:])
print("@@" + json.dumps({
    "code": code,
    "main_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    "worker_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024,
}))
"""


def _measured(*args: str) -> tuple[dict, str, float]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    started = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "-c", MEASURED_RUN, *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    elapsed = time.perf_counter() - started
    line = next(line for line in result.stdout.splitlines() if line.startswith("@@"))
    return json.loads(line[2:]), result.stdout + result.stderr, elapsed


def _sentences_line(characters: int) -> str:
    words = (
        "форум добровольцев прошёл в Сургуте собрал участников из Тюмени и Кемерово совет ТОС "
        "подписал соглашение о сотрудничестве с администрацией района"
    ).split()
    parts, size, index = [], 0, 0
    while size < characters:
        sentence = " ".join(words[(index + k) % len(words)] for k in range(7 + index % 9))
        parts.append(sentence.capitalize() + ".")
        size += len(parts[-1]) + 1
        index += 1
    return " ".join(parts)[:characters]


def write_hostile_documents(folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "good.txt").write_text(GOOD_DOCUMENT, encoding="utf-8")
    (folder / "bomb.docx").write_bytes(docx_paragraph_bomb(2_000_000))  # 94 MB of XML inflated
    (folder / "long.docx").write_bytes(docx_paragraph_bomb(200_000))  # under the XML limit
    (folder / "zeros.docx").write_bytes(
        with_extra_parts(
            minimal_docx(["Семинар"]), {f"word/media/{i}.bin": bytes(60 * MB) for i in range(8)}
        )
    )
    (folder / "line_450k.txt").write_text(_sentences_line(450_000), encoding="utf-8")
    (folder / "line_5m.txt").write_text(_sentences_line(5_000_000), encoding="utf-8")
    (folder / "huge_50mb.txt").write_text(_sentences_line(50 * MB // 2), encoding="utf-8")


def bench_memory(work: Path) -> None:
    folder = work / "hostile"
    write_hostile_documents(folder)
    db = work / "memory.duckdb"
    first, output, elapsed = _measured("ingest", str(folder), "--db", str(db), "--workers", "2")
    failed = [line for line in output.splitlines() if ": " in line and "/ " in line][:12]
    print(
        f"ingest of {len(list(folder.iterdir()))} hostile files: exit {first['code']}, "
        f"{elapsed:.1f} s"
    )
    print(
        f"  peak RSS: main process {first['main_mb']:.0f} MB, largest worker "
        f"{first['worker_mb']:.0f} MB"
    )
    print("  traceback:", "Traceback" in output)
    for line in failed:
        print("   ", line[:160])
    tables = work / "hostile_tables"
    tables.mkdir()
    (tables / "zeros.xlsx").write_bytes(
        with_extra_parts(minimal_xlsx([["Дата", "Мероприятие"]]), {"xl/z.bin": bytes(400 * MB)})
    )
    (tables / "big_header.csv").write_text("Ж" * (8 * MB) + ",Мероприятие\nx,y\n", encoding="utf-8")
    (tables / "many_rows.csv").write_text(
        "Дата,Мероприятие,Город,Регион,Число участников\n"
        + "14.10.2023,Форум,Сургут,Югра,99999999999\n" * 200_000,
        encoding="utf-8",
    )
    stats, output, elapsed = _measured("load", str(tables), "--db", str(db))
    print(
        f"load of 3 hostile tables (XLSX bomb, 8 M-character header, 200 000 bad rows): exit "
        f"{stats['code']}, {elapsed:.1f} s, peak RSS {stats['main_mb']:.0f} MB, "
        f"stderr {sum(len(line) for line in output.splitlines())} characters, traceback "
        f"{'Traceback' in output}"
    )
    again, output, elapsed = _measured("ingest", str(folder), "--db", str(db), "--workers", "2")
    print(
        f"second run (stored files unchanged, bad ones refused again): {elapsed:.1f} s, exit "
        f"{again['code']}"
    )
    (work / "only_line").mkdir()
    (work / "only_line" / "line.txt").write_text(_sentences_line(450_000), encoding="utf-8")
    _measured("ingest", str(work / "only_line"), "--db", str(db))
    _, output, elapsed = _measured("ingest", str(work / "only_line"), "--db", str(db))
    print(
        f"«unchanged» for a stored 450 000-character one-line text: {elapsed:.1f} s (whole command)"
    )


def _reader(db: str, stop, report) -> None:
    """Another process reading the store the whole time, briefly each time, as a dashboard would."""
    from loaders.store.database import connect

    reads, errors, longest = 0, [], 0.0
    while not stop.is_set():
        started = time.perf_counter()
        try:
            connection = connect(Path(db), read_only=True, wait_seconds=60)
            try:
                connection.execute("SELECT count(*) FROM events").fetchall()
                connection.execute("SELECT region_code, count(*) FROM events GROUP BY 1").fetchall()
            finally:
                connection.close()
            reads += 1
        except Exception as error:  # noqa: BLE001 — counted and reported
            errors.append(f"{type(error).__name__}: {error}"[:200])
        longest = max(longest, time.perf_counter() - started)
        time.sleep(0.05)
    report.put({"reads": reads, "errors": errors, "longest_open_s": longest})


def bench_concurrent_loads(work: Path) -> None:
    db = work / "loop.duckdb"
    tables = work / "loop"
    tables.mkdir()
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    first = tables / "seed.csv"
    first.write_text(
        "Дата,Мероприятие,Город,Регион\n14.10.2023,Форум,Сургут,Югра\n", encoding="utf-8"
    )
    subprocess.run(
        [sys.executable, "-m", "loaders", "load", str(first), "--db", str(db)],
        env=env,
        cwd=ROOT,
        capture_output=True,
    )
    context = multiprocessing.get_context("spawn")
    stop, report = context.Event(), context.Queue()
    reader = context.Process(target=_reader, args=(str(db), stop, report))
    reader.start()
    time.sleep(2)
    codes, tracebacks, started = [], 0, time.perf_counter()
    for index in range(20):
        path = tables / f"load_{index:02d}.csv"
        path.write_text(
            "Дата,Мероприятие,Город,Регион\n"
            + "".join(
                f"{1 + d:02d}.0{1 + index % 9}.2023,Двор {index * 100 + d},Сургут,Югра\n"
                for d in range(25)
            ),
            encoding="utf-8",
        )
        result = subprocess.run(
            [sys.executable, "-m", "loaders", "load", str(path), "--db", str(db)],
            env=env,
            cwd=ROOT,
            capture_output=True,
            text=True,
        )
        codes.append(result.returncode)
        tracebacks += "Traceback" in result.stdout + result.stderr
    elapsed = time.perf_counter() - started
    stop.set()
    outcome = report.get(timeout=120)
    reader.join()
    import duckdb

    with duckdb.connect(str(db), read_only=True) as connection:
        documents = connection.execute("SELECT count(*) FROM documents").fetchall()[0][0]
        events = connection.execute("SELECT count(*) FROM events").fetchall()[0][0]
    print(
        f"20 loads while another process reads: {elapsed:.1f} s; exit codes {sorted(set(codes))}; "
        f"tracebacks {tracebacks}; documents {documents}/21, events {events}/501"
    )
    print(
        f"  reader: {outcome['reads']} reads, {len(outcome['errors'])} errors, "
        f"longest open (incl. waiting) {outcome['longest_open_s']:.2f} s"
    )
    for error in outcome["errors"][:3]:
        print("   ", error)


def bench_numbered_events(work: Path) -> None:
    path = work / "yards.csv"
    path.write_text(
        "Дата,Мероприятие,Город,Регион\n"
        + "".join(f"14.10.2023,Двор {n},Сургут,Югра\n" for n in range(1, 2001)),
        encoding="utf-8",
    )
    stats, output, elapsed = _measured("load", str(path), "--db", str(work / "yards.duckdb"))
    import duckdb

    with duckdb.connect(str(work / "yards.duckdb"), read_only=True) as connection:
        events = connection.execute("SELECT count(*) FROM events").fetchall()[0][0]
    print(
        f"2 000 events «Двор 1» … «Двор 2000»: {events} stored, {elapsed:.1f} s, peak "
        f"{stats['main_mb']:.0f} MB"
    )


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        bench_memory(work)
        bench_numbered_events(work)
        bench_concurrent_loads(work)


if __name__ == "__main__":
    main()
