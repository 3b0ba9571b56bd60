"""A bounded loopback load on a PostgreSQL store: editors accepting and correcting facts while a
loader
ingests table files, each a separate process. Used by tests/test_server_load.py (a short run) and
tests/benchmarks/bench_server_load.py (60 s).

Each editor writes what it did to a JSON file: every correction that was saved (row, new title) and
every refusal (a version conflict: another editor changed the row first). Nothing is retried
blindly:
a refused edit is reported to the editor, which is how the review pages behave.

Run one role: python tests/server_load.py editor URL NAME SECONDS OUT.json
              python tests/server_load.py loader URL SECONDS FOLDER OUT.json"""

from __future__ import annotations

import json
import random
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

LOADER_TABLE = "Дата,Мероприятие,Город,Регион\n{day:02d}.{month:02d}.2024,{title},Сургут,Югра\n"


def _events(url: str) -> list[tuple[str, int]]:
    from loaders.store.database import connect

    with connect(url, read_only=True) as connection:
        rows = connection.execute("SELECT event_id, version FROM events").fetchall()
    return [(event_id, int(version)) for event_id, version in rows]


def run_editor(url: str, name: str, seconds: float, out: Path) -> None:
    """Correct a random event's title with the version just read; every third step accept or
    reopen it instead. Saved and refused edits go to out."""
    from loaders.accounts import Credential
    from loaders.review import VersionConflictError, correct, set_status
    from loaders.store.writer import write_session

    credential = Credential(user_name=name)
    rng = random.Random(name)
    saved, status_changes, refused = [], 0, 0
    deadline = time.monotonic() + seconds
    step = 0
    while time.monotonic() < deadline:
        step += 1
        event_id, version = rng.choice(_events(url))
        try:
            with write_session(url) as connection:
                if step % 3 == 0:
                    status = rng.choice(["confirmed", "proposed"])
                    status_changes += set_status(
                        connection, credential, [(event_id, version)], status
                    )
                else:
                    title = f"Правка {name} №{step}"
                    if correct(connection, credential, event_id, "title", title, version=version):
                        saved.append([event_id, title])
        except VersionConflictError:
            refused += 1
    out.write_text(
        json.dumps({"saved": saved, "status_changes": status_changes, "refused": refused}),
        encoding="utf-8",
    )


def run_loader(url: str, seconds: float, folder: Path, out: Path) -> None:
    """Load a new one-row table file (new bytes each time) until the time is up."""
    from loaders.pipeline.load_tables import load_tables

    folder.mkdir(parents=True, exist_ok=True)
    loaded, failed = 0, []
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        path = folder / f"load_{loaded:05d}.csv"
        day, month = loaded % 28 + 1, loaded // 28 % 12 + 1
        title = f"Нагрузочная акция {loaded}"
        path.write_text(LOADER_TABLE.format(day=day, month=month, title=title), encoding="utf-8")
        summary = load_tables([path], url)
        failed.extend(summary.failed.values())
        loaded += 1
    out.write_text(json.dumps({"loaded": loaded, "failed": failed}), encoding="utf-8")


@dataclass
class LoadRun:
    editors: dict[str, dict]
    loader: dict
    stderr: dict[str, str]
    return_codes: dict[str, int]


def run_load(url: str, editor_names: list[str], seconds: float, folder: Path) -> LoadRun:
    """Start the editors and the loader as separate processes, wait, collect what each reports."""
    folder.mkdir(parents=True, exist_ok=True)
    processes = {}
    for name in editor_names:
        command = ["editor", url, name, str(seconds), str(folder / f"{name}.json")]
        processes[name] = _start(command, folder / f"{name}.err")
    loader_command = [
        "loader",
        url,
        str(seconds),
        str(folder / "files"),
        str(folder / "loader.json"),
    ]
    processes["loader"] = _start(loader_command, folder / "loader.err")
    codes = {name: process.wait(timeout=seconds + 120) for name, process in processes.items()}
    return LoadRun(
        editors={
            name: json.loads((folder / f"{name}.json").read_text(encoding="utf-8"))
            for name in editor_names
            if (folder / f"{name}.json").exists()
        },
        loader=json.loads((folder / "loader.json").read_text(encoding="utf-8"))
        if (folder / "loader.json").exists()
        else {},
        stderr={
            name: (folder / f"{name}.err").read_text(encoding="utf-8", errors="replace")
            for name in processes
        },
        return_codes=codes,
    )


def _start(arguments: list[str], stderr_path: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, __file__, *arguments],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=stderr_path.open("w", encoding="utf-8"),
    )


if __name__ == "__main__":
    role, *rest = sys.argv[1:]
    if role == "editor":
        run_editor(rest[0], rest[1], float(rest[2]), Path(rest[3]))
    else:
        run_loader(rest[0], float(rest[1]), Path(rest[2]), Path(rest[3]))
