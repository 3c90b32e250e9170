"""Opening the history's database: checked (a damaged file is found before anything is written
to it), in WAL mode, and migrated to the latest schema."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from backroutine.core.history.schema import migrate
from backroutine.core.history.sqlite import _check_intact, _guarded, _open


def _connect(path: Path, *, journal: str = "WAL") -> sqlite3.Connection:
    """An autocommit connection, checked and migrated; _Damaged if the file is not usable as
    a database, HistoryError for everything else (permissions, full disk, locks).

    `journal`: WAL for the single history of one computer; DELETE for a device file in a
    synced folder (_connect_file), which must be whole on its own between writes."""
    # The check is made read-only: a read-write connection to a damaged file would fold its
    # -wal into it and delete the -wal on closing, and the file must be moved aside as found.
    checker = _open(f"{path.absolute().as_uri()}?mode=ro", path, uri=True)
    try:
        _guarded(checker, path, _check_intact)
    finally:
        checker.close()
    connection = _open(str(path), path, uri=False)
    try:
        _guarded(connection, path, lambda opened: _prepare(opened, journal))
    except BaseException:
        connection.close()
        raise
    return connection


def _connect_file(path: Path) -> sqlite3.Connection:
    """_connect for a device file in a synced folder. A sync engine copies files one by one:
    a WAL file beside the database would travel apart from it (the known way to damage a
    database in a synced folder), so the journal is a rollback journal, deleted at every
    commit: between writes the file is the whole database and nothing lies beside it."""
    return _connect(path, journal="DELETE")


def _prepare(connection: sqlite3.Connection, journal: str) -> None:
    # WAL lets readers and one writer work at once; FULL syncs the WAL at every commit so a
    # power cut keeps the last step boundary too (one fsync per step costs nothing here).
    # (The rollback journal of a device file is as safe: FULL syncs it before the file.)
    connection.execute(f"PRAGMA journal_mode = {journal}")
    connection.execute("PRAGMA synchronous = FULL")
    migrate(connection)
