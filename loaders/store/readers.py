"""Read access to either store for the dashboard and reports: open read-only, does it exist, and the
data version that caches are keyed by (a DuckDB file's size and time; the server's write
counter)."""

from __future__ import annotations

import time
from pathlib import Path

import duckdb

from loaders.store.migrations import server_data_version
from loaders.store.postgres import ServerConnection, is_server_url


def open_reader(target: Path | str):
    """A read-only connection to the store (DuckDB file or postgresql:// URL); close it after
    use."""
    if is_server_url(str(target)):
        return ServerConnection(str(target), read_only=True)
    return duckdb.connect(str(target), read_only=True)


def store_exists(target: Path | str) -> bool:
    """A server store is taken to exist (connecting tells otherwise); a DuckDB file must."""
    return is_server_url(str(target)) or Path(target).exists()


def file_version(path: Path) -> str:
    """Changes whenever the file (or its write-ahead log) changes."""
    parts = []
    for candidate in (path, Path(str(path) + ".wal")):
        if candidate.exists():
            stat = candidate.stat()
            parts.append(f"{stat.st_mtime_ns}:{stat.st_size}")
    return "|".join(parts)


_recent_versions: dict[str, tuple[float, str]] = {}


def data_version(target: Path | str, max_age_seconds: float = 0.0) -> str:
    """A text that changes after every write to the store: two app replicas reading the same
    server see the same version, so their caches refresh together. A server's version may be reused
    for max_age_seconds (asking costs a connection, ~30 ms; a page asks several times a rerun)."""
    if not is_server_url(str(target)):
        return file_version(Path(target))
    url = str(target)
    now = time.monotonic()
    recent = _recent_versions.get(url)
    if recent and now - recent[0] <= max_age_seconds:
        return recent[1]
    with ServerConnection(url, read_only=True) as connection:
        version = server_data_version(connection)
    _recent_versions[url] = (now, version)
    return version


def forget_data_version(target: Path | str) -> None:
    """Drop this process's recent copy of a server's version (after its own write), so its next
    read sees the write at once; other replicas see it within their max_age_seconds."""
    _recent_versions.pop(str(target), None)
