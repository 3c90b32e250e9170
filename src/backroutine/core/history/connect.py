"""Opening the history's database: checked (a damaged file is found before anything is written
to it), in WAL mode, and migrated to the latest schema."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from backroutine.core.history.schema import migrate
from backroutine.core.history.sqlite import _check_intact, _guarded, _open


def _connect(path: Path) -> sqlite3.Connection:
    """An autocommit connection, checked and migrated; _Damaged if the file is not usable as
    a database, HistoryError for everything else (permissions, full disk, locks)."""
    # The check is made read-only: a read-write connection to a damaged file would fold its
    # -wal into it and delete the -wal on closing, and the file must be moved aside as found.
    checker = _open(f"{path.absolute().as_uri()}?mode=ro", path, uri=True)
    try:
        _guarded(checker, path, _check_intact)
    finally:
        checker.close()
    connection = _open(str(path), path, uri=False)
    try:
        _guarded(connection, path, _prepare)
    except BaseException:
        connection.close()
        raise
    return connection


def _prepare(connection: sqlite3.Connection) -> None:
    # WAL lets readers and one writer work at once; FULL syncs the WAL at every commit so a
    # power cut keeps the last step boundary too (one fsync per step costs nothing here).
    connection.execute("PRAGMA journal_mode = WAL")
    connection.execute("PRAGMA synchronous = FULL")
    migrate(connection)
