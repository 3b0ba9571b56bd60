"""A throw-away PostgreSQL 15 + PostGIS cluster for tests: initdb + pg_ctl in a temp folder on a
free
loopback port, stopped at the end. As root the server runs as the `postgres` user (initdb refuses
root); otherwise as the current user."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import uuid
from pathlib import Path

PG_BIN = Path(os.environ.get("ATLAS_PG_BIN", "/usr/lib/postgresql/15/bin"))
TEMPLATE_DB = "atlas_template"


def postgres_available() -> bool:
    """initdb, pg_ctl and the PostGIS extension files are installed."""
    postgis = Path("/usr/share/postgresql/15/extension/postgis.control")
    return (PG_BIN / "initdb").exists() and (PG_BIN / "pg_ctl").exists() and postgis.exists()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _as_server_user(command: list[str]) -> list[str]:
    if os.geteuid() == 0:
        return ["runuser", "-u", "postgres", "--", *command]
    return command


class TemporaryCluster:
    """One cluster; `url(dbname)` gives a libpq URL, `new_database()` a fresh PostGIS database."""

    def __init__(self) -> None:
        self.folder = Path(tempfile.mkdtemp(prefix="atlas-pg-"))
        self.data_dir = self.folder / "data"
        self.port = _free_port()
        self.user = "atlas"

    def start(self) -> TemporaryCluster:
        if os.geteuid() == 0:
            shutil.chown(self.folder, "postgres", "postgres")
        self._run(
            [
                str(PG_BIN / "initdb"),
                "-D",
                str(self.data_dir),
                "-U",
                self.user,
                "--auth=trust",
                "--encoding=UTF8",
                "--locale=C.UTF-8",
            ]
        )
        options = (
            f"-c listen_addresses=127.0.0.1 -c port={self.port} "
            f"-c unix_socket_directories={self.folder} -c fsync=off -c max_connections=60"
        )
        self._run(
            [
                str(PG_BIN / "pg_ctl"),
                "-D",
                str(self.data_dir),
                "-o",
                options,
                "-l",
                str(self.folder / "server.log"),
                "-w",
                "start",
            ]
        )
        self._admin(f"CREATE DATABASE {TEMPLATE_DB}")
        self._admin("CREATE EXTENSION postgis", TEMPLATE_DB)
        return self

    def stop(self) -> None:
        try:
            self._run([str(PG_BIN / "pg_ctl"), "-D", str(self.data_dir), "-m", "fast", "stop"])
        finally:
            shutil.rmtree(self.folder, ignore_errors=True)

    def url(self, dbname: str) -> str:
        return f"postgresql://{self.user}@127.0.0.1:{self.port}/{dbname}"

    def new_database(self) -> str:
        """A new database with PostGIS (copied from the template), its URL."""
        name = f"atlas_{uuid.uuid4().hex[:12]}"
        self._admin(f"CREATE DATABASE {name} TEMPLATE {TEMPLATE_DB}")
        return self.url(name)

    def _admin(self, sql: str, dbname: str = "postgres") -> None:
        _run_admin(self.url(dbname), sql)

    def _run(self, command: list[str]) -> None:
        result = subprocess.run(
            _as_server_user(command), capture_output=True, text=True, cwd=self.folder
        )
        if result.returncode != 0:
            log = self.folder / "server.log"
            tail = log.read_text(errors="replace")[-2000:] if log.exists() else ""
            raise RuntimeError(
                f"{' '.join(command[:1])} failed ({result.returncode}): {result.stderr}\n{tail}"
            )


def _run_admin(url: str, sql: str) -> None:
    import psycopg

    with psycopg.connect(url, autocommit=True) as connection:
        connection.execute(sql)


def copy_database(url: str) -> str:
    """A new database of the same cluster holding a copy of url's (CREATE DATABASE … TEMPLATE, a
    file copy: far faster than reloading); its URL. Nothing may be connected to url meanwhile."""
    base, source = url.rsplit("/", 1)
    name = f"atlas_{uuid.uuid4().hex[:12]}"
    _run_admin(f"{base}/postgres", f"CREATE DATABASE {name} TEMPLATE {source}")
    return f"{base}/{name}"
