"""Short write sessions for people's changes: open, write in one transaction, close; retry while busy.

DuckDB lets one process at a time open the store for writing. The app therefore holds no write
connection: each save opens the file, writes one transaction and closes it, so a `loaders` command or
another app process gets its turn in between. A save that finds the file locked retries with
exponential back-off and then fails with StoreBusyError, a clear message for the person saving.
"""

from __future__ import annotations

import contextlib
import random
import time
from pathlib import Path

import duckdb

from loaders.paths import database_path
from loaders.store.database import connect, ensure_schema, transaction

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


def _schema_is_current(connection: duckdb.DuckDBPyConnection) -> bool:
    """True when the review tables and columns exist (then ensure_schema's refresh can be skipped)."""
    found = connection.execute(
        "SELECT count(*) FROM information_schema.columns WHERE (table_name IN ('users', 'sessions', "
        "'audit') AND column_name = 'user_name') OR (column_name IN ('status', 'version') AND "
        "table_name IN ('events', 'agreements', 'report_items', 'practice_links'))"
    ).fetchall()[0][0]
    return found == 11


def _connect_for_write(path: Path | None) -> duckdb.DuckDBPyConnection:
    """A writable connection; the full schema check (~0.3 s) runs only on a store that needs it."""
    path = Path(path or database_path())
    if not path.exists():
        return connect(path)
    connection = duckdb.connect(str(path))
    try:
        if not _schema_is_current(connection):
            ensure_schema(connection)
    except BaseException:
        connection.close()
        raise
    return connection


def _open_with_retry(
    path: Path | None, wait_seconds: float, read_only: bool = False
) -> duckdb.DuckDBPyConnection:
    deadline = time.monotonic() + wait_seconds
    delay = 0.02
    while True:
        try:
            if read_only:
                return connect(path, read_only=True)
            return _connect_for_write(path)
        except duckdb.Error as error:
            if not is_busy_error(error) or time.monotonic() + delay > deadline:
                if is_busy_error(error):
                    raise StoreBusyError(
                        "База данных занята другой записью (загрузка из командной строки или "
                        f"другой редактор); изменения не сохранены, попробуйте ещё раз через минуту. "
                        f"/ The store is busy with another writer; nothing was saved, try again. "
                        f"({error})"
                    ) from error
                raise
        time.sleep(delay * (0.5 + random.random()))
        delay = min(delay * 2, 1.0)


@contextlib.contextmanager
def write_session(path: Path | None = None, wait_seconds: float = DEFAULT_WAIT_SECONDS):
    """A connection inside one transaction: committed on success, rolled back on any error, then closed."""
    connection = _open_with_retry(path, wait_seconds)
    try:
        with transaction(connection):
            yield connection
    finally:
        connection.close()


@contextlib.contextmanager
def read_session(path: Path | None = None, wait_seconds: float = DEFAULT_WAIT_SECONDS):
    """A read-only connection that waits (as write_session does) while a writer holds the store."""
    connection = _open_with_retry(path, wait_seconds, read_only=True)
    try:
        yield connection
    finally:
        connection.close()
