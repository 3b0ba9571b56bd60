"""Short write sessions for people's changes: open, write in one transaction, close; retry while
busy.

DuckDB lets one process at a time open the store for writing. The app therefore holds no write
connection: each save opens the file, writes one transaction and closes it, so a `loaders` command
or
another app process gets its turn in between. A save that finds the file locked retries with
exponential back-off and then fails with StoreBusyError, a clear message for the person saving.
"""

from __future__ import annotations

import contextlib
import random
import time
from pathlib import Path

import duckdb

from loaders.store.postgres import ServerConnection, is_server_url
from loaders.store.readers import forget_data_version
from loaders.store.database import StoreBusyError as _StoreHeldElsewhere
from loaders.store.database import connect, transaction

# Messages DuckDB uses when another process (or another configuration in this one) holds the file.
_BUSY_MARKERS = (
    "could not set lock",
    "conflicting lock",
    "different configuration",
    "lock on file",
)
DEFAULT_WAIT_SECONDS = 20.0


class StoreBusyError(RuntimeError):
    """The store stayed locked by another writer for the whole wait."""


def is_busy_error(error: BaseException) -> bool:
    """True when the error means another writer holds the store file."""
    text = str(error).lower()
    return isinstance(error, duckdb.Error) and any(marker in text for marker in _BUSY_MARKERS)


_BUSY_MESSAGE = (
    "База данных занята другой записью (загрузка из командной строки или другой редактор); "
    "изменения не сохранены, попробуйте ещё раз через минуту. / The store is busy with another "
    "writer; nothing was saved, try again."
)


def _open_with_retry(
    path: Path | None, wait_seconds: float, read_only: bool = False
) -> duckdb.DuckDBPyConnection:
    """connect() waits with back-off while another process holds the file; this also waits while a
    save of this same process does (DuckDB refuses a second configuration in one process)."""
    deadline = time.monotonic() + wait_seconds
    delay = 0.02
    while True:
        try:
            remaining = max(0.0, deadline - time.monotonic())
            return connect(path, read_only=read_only, wait_seconds=remaining)
        except _StoreHeldElsewhere as error:
            raise StoreBusyError(f"{_BUSY_MESSAGE} ({error})") from error
        except duckdb.Error as error:
            if not is_busy_error(error):
                raise
            if time.monotonic() + delay > deadline:
                raise StoreBusyError(f"{_BUSY_MESSAGE} ({error})") from error
        time.sleep(delay * (0.5 + random.random()))
        delay = min(delay * 2, 1.0)


@contextlib.contextmanager
def write_session(path: Path | None = None, wait_seconds: float = DEFAULT_WAIT_SECONDS):
    """A connection inside one transaction: committed on success, rolled back on any error, then
    closed."""
    connection = _open_with_retry(path, wait_seconds)
    try:
        with transaction(connection):
            yield connection
    finally:
        connection.close()
        if isinstance(connection, ServerConnection):
            forget_data_version(connection.url)


@contextlib.contextmanager
def read_session(path: Path | None = None, wait_seconds: float = DEFAULT_WAIT_SECONDS):
    """A read-only connection that waits (as write_session does) while a writer holds the store."""
    connection = _open_with_retry(path, wait_seconds, read_only=True)
    try:
        yield connection
    finally:
        connection.close()


@contextlib.contextmanager
def read_connection(path: Path, wait_seconds: float = 10.0):
    """A read-only connection for the dashboard's cached reads: waits only while a save of this same
    process holds the file (DuckDB refuses a second configuration in one process); another process's
    lock is raised at once as DuckDB's own error, so the caller can show what it read before."""
    if is_server_url(str(path)):  # PostgreSQL: readers never wait for writers
        with ServerConnection(str(path), read_only=True) as connection:
            yield connection
        return
    deadline = time.monotonic() + wait_seconds
    delay = 0.02
    while True:
        try:
            connection = duckdb.connect(str(path), read_only=True)
            break
        except duckdb.ConnectionException as error:
            if "different configuration" not in str(error) or time.monotonic() > deadline:
                raise
        time.sleep(delay)
        delay = min(delay * 2, 0.5)
    try:
        yield connection
    finally:
        connection.close()
