"""SQLite, carefully: connections, waiting out another program's lock, and errors in plain words."""

from __future__ import annotations

import contextlib
import sqlite3
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from backroutine.core.history.common import _ADVICE, HistoryError, _Damaged

# SQLite waits this long for a lock by itself, then we retry until LOCK_WAIT_SECONDS have
# passed in all: WAL can also answer "database is locked" at once, without waiting.
BUSY_TIMEOUT_MS = 1000
LOCK_WAIT_SECONDS = 30.0  # another backroutine finishing a write: worth waiting out, and saying so
_FIRST_BACKOFF = 0.01
_MAX_BACKOFF = 0.25

T = TypeVar("T")


def _open(target: str, path: Path, *, uri: bool) -> sqlite3.Connection:
    try:
        return sqlite3.connect(
            target,
            timeout=BUSY_TIMEOUT_MS / 1000,  # sqlite3_busy_timeout, as PRAGMA busy_timeout
            isolation_level=None,  # transactions are explicit: BEGIN IMMEDIATE ... COMMIT
            check_same_thread=False,  # the store's own lock serialises threads
            uri=uri,
        )
    except sqlite3.Error as exc:
        raise _history_error(exc, path) from None


def _guarded(
    connection: sqlite3.Connection, path: Path, action: Callable[[sqlite3.Connection], None]
) -> None:
    """action(connection) with retries while locked; SQLite's errors become ours."""
    try:
        _retrying(connection, lambda: action(connection))
    except sqlite3.Error as exc:
        if _is_damaged(exc):
            raise _Damaged(str(exc)) from None
        raise _history_error(exc, path) from None


def _check_intact(connection: sqlite3.Connection) -> None:
    check = [str(row[0]) for row in connection.execute("PRAGMA quick_check").fetchall()]
    if check != ["ok"]:
        # One line for the notice: the first findings, without the "*** in database" banner.
        lines = [line for text in check for line in text.splitlines() if line[:3] != "***"]
        raise _Damaged(f"integrity check: {'; '.join(lines[:3])}")


def _retrying(
    connection: sqlite3.Connection,
    action: Callable[[], T],
    *,
    wait: float | None = None,
    on_wait: Callable[[], None] | None = None,
) -> T:
    """action(), again after a short backoff while the database is locked, for at most `wait`
    seconds in all (LOCK_WAIT_SECONDS by default); on_wait() once when the waiting starts;
    other errors and the last lock error go to the caller."""
    deadline = time.monotonic() + (LOCK_WAIT_SECONDS if wait is None else wait)
    delay = _FIRST_BACKOFF
    waiting = False
    try:
        while True:
            try:
                return action()
            except sqlite3.OperationalError as exc:
                left = deadline - time.monotonic()
                if not _is_busy(exc) or left <= delay:
                    raise
            if not waiting and on_wait is not None:
                with contextlib.suppress(Exception):  # a message must not stop the write
                    on_wait()
            time.sleep(delay)
            delay = min(delay * 2, _MAX_BACKOFF)
            # SQLite's own wait must not carry us past the deadline.
            left_ms = max(1, int((deadline - time.monotonic()) * 1000))
            connection.execute(f"PRAGMA busy_timeout = {min(BUSY_TIMEOUT_MS, left_ms)}")
            waiting = True
    finally:
        if waiting:
            with contextlib.suppress(sqlite3.Error):
                connection.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")


def _history_error(exc: sqlite3.Error, path: Path) -> HistoryError:
    return HistoryError(_sqlite_problem(exc, path), busy=_is_busy(exc))


def _rollback(connection: sqlite3.Connection) -> None:
    if connection.in_transaction:
        with contextlib.suppress(sqlite3.Error):
            connection.execute("ROLLBACK")


def _primary_code(exc: sqlite3.Error) -> int:
    code = getattr(exc, "sqlite_errorcode", None)
    return code & 0xFF if isinstance(code, int) else 0  # extended codes keep it in the low byte


def _is_busy(exc: sqlite3.Error) -> bool:
    if _primary_code(exc) in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED):
        return True
    message = str(exc).lower()
    return "locked" in message or "busy" in message


def _is_damaged(exc: sqlite3.Error) -> bool:
    return _primary_code(exc) in (sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB)


def _sqlite_problem(exc: sqlite3.Error, path: Path) -> str:
    folder = path.parent
    code = _primary_code(exc)
    if _is_busy(exc):
        return (
            f"the history {path} stayed locked by another program for too long; try again "
            "once the other backroutine has finished"
        )
    if _is_damaged(exc):
        return (
            f"the history {path} is damaged ({exc}); it will be moved aside and a new one "
            "started the next time backroutine starts"
        )
    if code == sqlite3.SQLITE_READONLY:
        return (
            f"cannot write the history in {folder}: it is read-only ({exc}); check the "
            f"permissions of the folder and of {path.name} {_ADVICE}"
        )
    if code == sqlite3.SQLITE_FULL:
        return f"cannot write the history in {folder}: the disk is full; free some space {_ADVICE}"
    if code in (sqlite3.SQLITE_CANTOPEN, sqlite3.SQLITE_PERM, sqlite3.SQLITE_IOERR):
        return (
            f"cannot write the history in {folder}: {exc}; check the folder's permissions "
            f"and free space {_ADVICE}"
        )
    if isinstance(exc, sqlite3.ProgrammingError) and "closed" in str(exc):
        return f"the history {path} was already closed; open it again"
    return f"the history {path} cannot be used: {exc}"
