"""Opening the history's database: checked (a damaged file is found before anything is written
to it), in WAL mode, and migrated to the latest schema."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from backroutine.core.history import own
from backroutine.core.history.common import HistoryError, _Damaged
from backroutine.core.history.files import _make_private_file, _move_aside, _os_problem
from backroutine.core.history.schema import migrate
from backroutine.core.history.sqlite import _check_intact, _guarded, _open


@contextmanager
def opening_in(folder: Path) -> Iterator[None]:
    """What stops a history being opened in `folder`, said as a HistoryError: a system error
    (permissions, a full disk), or a database that cannot be started even anew."""
    try:
        yield
    except OSError as exc:
        raise HistoryError(_os_problem(exc, folder)) from None
    except _Damaged as exc:  # even the new file: nothing sensible is left to try
        raise HistoryError(
            f"a new history could not be started in {folder} ({exc}); "
            "use --data-dir to keep the history elsewhere"
        ) from None


def open_or_start_anew(
    path: Path, connect: Callable[..., sqlite3.Connection], notices: list[str]
) -> sqlite3.Connection:
    """The database at `path`, created owner-only if missing; a damaged one is moved aside
    (said in `notices`) and a new one started in its place."""
    _make_private_file(path)
    try:
        return connect(path, notices=notices)
    except _Damaged as exc:
        notices.append(_move_aside(path, str(exc)))
        _make_private_file(path)
        return connect(path, notices=notices)


def _connect(
    path: Path,
    *,
    journal: str = "WAL",
    notices: list[str] | None = None,
    kept: str | None = None,
) -> sqlite3.Connection:
    """An autocommit connection, checked, cleaned of what the app did not make (own.py: said
    in `notices`; `kept`: where the file as it was is kept already, else a copy is made) and
    migrated; _Damaged if the file is not usable as a database, HistoryError for everything
    else (permissions, full disk, locks).

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
        said: list[str] = []  # only once it all went through (a retry starts again)
        _guarded(connection, path, lambda opened: _prepare(opened, journal, path, said, kept))
        if notices is not None:
            notices.extend(said)
    except BaseException:
        connection.close()
        raise
    return connection


def _connect_file(
    path: Path, *, notices: list[str] | None = None, kept: str | None = None
) -> sqlite3.Connection:
    """_connect for a device file in a synced folder. A sync engine copies files one by one:
    a WAL file beside the database would travel apart from it (the known way to damage a
    database in a synced folder), so the journal is a rollback journal, deleted at every
    commit: between writes the file is the whole database and nothing lies beside it."""
    return _connect(path, journal="DELETE", notices=notices, kept=kept)


def _prepare(
    connection: sqlite3.Connection, journal: str, path: Path, said: list[str], kept: str | None
) -> None:
    # WAL lets readers and one writer work at once; FULL syncs the WAL at every commit so a
    # power cut keeps the last step boundary too (one fsync per step costs nothing here).
    # (The rollback journal of a device file is as safe: FULL syncs it before the file.)
    connection.execute(f"PRAGMA journal_mode = {journal}")
    connection.execute("PRAGMA synchronous = FULL")
    said.clear()
    own.clean(connection, path, said, kept=kept)  # before migrating: its UPDATEs fire triggers
    migrate(connection)
    own.restore(connection)
