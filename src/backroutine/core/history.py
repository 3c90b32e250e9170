"""The session history: one SQLite row per routine played, written while it plays.

The row is inserted as "interrupted" the moment a routine starts and updated at every step
boundary, so a process killed without warning (SIGKILL, a power cut) still leaves an honest
record of what was done; finish_session sets the final status.

Several processes may write at once (two players and a check-in): the database runs in WAL
mode, every write is one BEGIN IMMEDIATE transaction, and a lock that outlasts SQLite's own
busy timeout is retried with a short backoff before giving up with a HistoryError.

Pain scores will live here too (health data), so a folder this module creates is private
(0o700) and so is the database file (0o600). A damaged database is moved aside, never deleted
or overwritten, and the user is told once through `notices`.
"""

from __future__ import annotations

import contextlib
import errno
import itertools
import math
import os
import sqlite3
import stat
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, fields
from datetime import datetime
from pathlib import Path
from types import TracebackType
from typing import Literal, TypeVar

DB_NAME = "history.sqlite3"
Status = Literal["completed", "stopped", "interrupted"]
FinalStatus = Literal["completed", "stopped"]
FINAL_STATUSES: tuple[FinalStatus, ...] = ("completed", "stopped")

# SQLite waits this long for a lock by itself, then we retry until LOCK_WAIT_SECONDS have
# passed in all: WAL can also answer "database is locked" at once, without waiting.
BUSY_TIMEOUT_MS = 5000
LOCK_WAIT_SECONDS = 10.0
_FIRST_BACKOFF = 0.01
_MAX_BACKOFF = 0.25

# Files SQLite keeps beside the database; they belong to it and move with it.
_SIDE_SUFFIXES = ("-wal", "-shm", "-journal")
_ADVICE = "or use --data-dir to keep the history elsewhere"

# _MIGRATIONS[n] takes a database from schema version n to n + 1 (PRAGMA user_version).
# Append new versions, never edit old ones: a file at version 1 must upgrade the same way.
_MIGRATIONS: tuple[tuple[str, ...], ...] = (
    (
        """
        CREATE TABLE sessions (
            id INTEGER PRIMARY KEY,
            routine_id TEXT NOT NULL,
            routine_name TEXT NOT NULL,
            category TEXT NOT NULL,
            started_at TEXT NOT NULL,
            ended_at TEXT,
            status TEXT NOT NULL CHECK (status IN ('completed', 'stopped', 'interrupted')),
            active_seconds REAL NOT NULL DEFAULT 0,
            steps_done INTEGER NOT NULL DEFAULT 0,
            steps_total INTEGER NOT NULL,
            reason TEXT
        )
        """,
        # By the instant, not the text: "08:00:00+01:00" comes before "07:30:00+00:00", and
        # the offset changes with daylight saving time and travel.
        "CREATE INDEX sessions_started_at ON sessions (julianday(started_at), id)",
    ),
)
SCHEMA_VERSION = len(_MIGRATIONS)

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class SessionRecord:
    """One routine played (or being played) as the history keeps it."""

    id: int
    routine_id: str
    routine_name: str
    category: str
    started_at: str  # ISO 8601 with its zone offset, to the second
    ended_at: str | None  # the last time the row was written, same form
    status: str  # completed | stopped | interrupted
    active_seconds: float  # time actually played, pauses left out, to 0.1 s
    steps_done: int
    steps_total: int
    reason: str | None  # why it stopped early: "quit", "pain", "signal"; None otherwise

    def to_dict(self) -> dict[str, object]:
        return {f.name: getattr(self, f.name) for f in fields(self)}


_COLUMNS = ", ".join(f.name for f in fields(SessionRecord))


class HistoryError(Exception):
    """The history cannot be used (read-only or full folder...); the message says what and
    how to fix it. Callers keep playing without recording and tell the user once."""


class _Damaged(Exception):
    """The database file is not a readable SQLite database; the message says why."""


def timestamp(moment: datetime) -> str:
    """ISO 8601 to the second with the zone offset; a naive datetime is taken as local time."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        moment = moment.astimezone()
    return moment.isoformat(timespec="seconds")


def migrate(connection: sqlite3.Connection) -> None:
    """Bring the schema up to SCHEMA_VERSION in one write transaction (autocommit connection)."""
    (version,) = connection.execute("PRAGMA user_version").fetchone()
    if version == SCHEMA_VERSION:
        return  # the usual case, without taking the write lock
    connection.execute("BEGIN IMMEDIATE")
    try:
        # Read again under the lock: another process may have migrated meanwhile.
        (version,) = connection.execute("PRAGMA user_version").fetchone()
        if version > SCHEMA_VERSION:
            raise HistoryError(
                f"the history was written by a newer backroutine (schema version {version}, "
                f"this one knows {SCHEMA_VERSION}); update backroutine {_ADVICE}"
            )
        for step in range(version, SCHEMA_VERSION):
            for statement in _MIGRATIONS[step]:
                connection.execute(statement)
            connection.execute(f"PRAGMA user_version = {step + 1}")
        connection.execute("COMMIT")
    except BaseException:
        _rollback(connection)
        raise


class HistoryStore:
    """The history database of one data folder. Open with HistoryStore.open(data_dir)."""

    def __init__(self, path: Path, connection: sqlite3.Connection, notices: list[str]) -> None:
        self.path = path
        self.notices = notices  # things to tell the user once, e.g. a file moved aside
        self._connection = connection
        self._lock = threading.Lock()  # one connection, possibly used from several threads

    @classmethod
    def open(cls, data_dir: Path) -> HistoryStore:
        """The history of a data folder, created if missing; HistoryError if it is unusable."""
        folder = Path(data_dir)
        path = folder / DB_NAME
        notices: list[str] = []
        try:
            _make_private_folder(folder)
            _make_private_file(path)
            try:
                connection = _connect(path)
            except _Damaged as exc:
                notices.append(_move_aside(path, str(exc)))
                _make_private_file(path)
                connection = _connect(path)
        except OSError as exc:
            raise HistoryError(_os_problem(exc, folder)) from None
        except _Damaged as exc:  # even the new file: nothing sensible is left to try
            raise HistoryError(
                f"a new history could not be started in {folder} ({exc}); "
                "use --data-dir to keep the history elsewhere"
            ) from None
        _narrow_side_files(path)
        return cls(path, connection, notices)

    def start_session(
        self,
        *,
        routine_id: str,
        routine_name: str,
        category: str,
        steps_total: int,
        started_at: datetime,
    ) -> int:
        """Record a routine as it starts, as "interrupted" until it is finished; its id."""
        _check_count("steps_total", steps_total)
        started = timestamp(started_at)
        cursor = self._write(
            "INSERT INTO sessions (routine_id, routine_name, category, started_at, ended_at,"
            " status, active_seconds, steps_done, steps_total, reason)"
            " VALUES (?, ?, ?, ?, ?, 'interrupted', 0, 0, ?, NULL)",
            (routine_id, routine_name, category, started, started, steps_total),
        )
        assert cursor.lastrowid is not None  # an INSERT into a rowid table always sets it
        return cursor.lastrowid

    def update_session(
        self, session_id: int, *, steps_done: int, active_seconds: float, at: datetime
    ) -> None:
        """What has been done so far; called at every step boundary."""
        _check_count("steps_done", steps_done)
        cursor = self._write(
            "UPDATE sessions SET steps_done = ?, active_seconds = ?, ended_at = ? WHERE id = ?",
            (steps_done, _seconds(active_seconds), timestamp(at), session_id),
        )
        self._require_row(cursor, session_id)

    def finish_session(
        self,
        session_id: int,
        *,
        status: FinalStatus,
        steps_done: int,
        active_seconds: float,
        at: datetime,
        reason: str | None = None,
    ) -> None:
        """The final word on a session: completed, or stopped early (and why)."""
        if status not in FINAL_STATUSES:
            raise ValueError(f"status must be one of {FINAL_STATUSES}, not {status!r}")
        _check_count("steps_done", steps_done)
        cursor = self._write(
            "UPDATE sessions SET status = ?, steps_done = ?, active_seconds = ?, ended_at = ?,"
            " reason = ? WHERE id = ?",
            (status, steps_done, _seconds(active_seconds), timestamp(at), reason, session_id),
        )
        self._require_row(cursor, session_id)

    def sessions(self, limit: int | None = None) -> list[SessionRecord]:
        """Newest first (by the instant started, then id); all of them without a limit."""
        if limit is not None:
            _check_count("limit", limit)
        query = (
            f"SELECT {_COLUMNS} FROM sessions ORDER BY julianday(started_at) DESC, id DESC LIMIT ?"
        )
        with self._lock:
            try:
                rows = _retrying(
                    self._connection,
                    lambda: self._connection.execute(
                        query, (-1 if limit is None else limit,)
                    ).fetchall(),
                )
            except sqlite3.Error as exc:
                raise HistoryError(_sqlite_problem(exc, self.path)) from None
        return [SessionRecord(*row) for row in rows]

    def close(self) -> None:
        with self._lock, contextlib.suppress(sqlite3.Error):
            self._connection.close()  # closing twice is harmless

    def __enter__(self) -> HistoryStore:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def _write(self, sql: str, parameters: tuple[object, ...]) -> sqlite3.Cursor:
        """One statement in its own write transaction, committed before returning."""
        connection = self._connection

        def attempt() -> sqlite3.Cursor:
            # IMMEDIATE takes the write lock up front: a read lock upgraded later can fail at
            # once in WAL mode, without waiting for the busy timeout.
            connection.execute("BEGIN IMMEDIATE")
            try:
                cursor = connection.execute(sql, parameters)
                connection.execute("COMMIT")
            except BaseException:
                _rollback(connection)
                raise
            return cursor

        with self._lock:
            try:
                return _retrying(connection, attempt)
            except sqlite3.Error as exc:
                raise HistoryError(_sqlite_problem(exc, self.path)) from None

    def _require_row(self, cursor: sqlite3.Cursor, session_id: int) -> None:
        if cursor.rowcount == 0:
            raise HistoryError(
                f"session {session_id} is not in the history {self.path} "
                "(was the file moved aside meanwhile?)"
            )


# -- files and folders ------------------------------------------------------------------------


def _make_private_folder(folder: Path) -> None:
    """Create the folder and any missing parents as 0o700; an existing folder is left as is."""
    missing: list[Path] = []
    current = folder
    while not current.is_dir():
        missing.append(current)
        if current.parent == current:
            break
        current = current.parent
    for path in reversed(missing):
        try:
            os.mkdir(path, 0o700)
        except FileExistsError:
            if path.is_dir():
                continue  # another process made it meanwhile
            raise HistoryError(
                f"cannot write the history in {folder}: {path} is a file, not a folder; "
                f"move it away {_ADVICE}"
            ) from None
        os.chmod(path, 0o700)  # the umask may have taken more away than group and others


def _make_private_file(path: Path) -> None:
    """Create the database file as 0o600 before SQLite opens it (SQLite would use 0o644), and
    make sure an existing one is a regular file this process can write."""
    flags = os.O_RDWR | os.O_CREAT | getattr(os, "O_NONBLOCK", 0)  # never hang on a pipe
    try:
        descriptor = os.open(path, flags, 0o600)
    except IsADirectoryError:
        descriptor = None
    try:
        if descriptor is None or not stat.S_ISREG(os.fstat(descriptor).st_mode):
            what = "a folder" if descriptor is None else "not a regular file"
            raise HistoryError(
                f"cannot write the history in {path.parent}: {path} is {what}, not the "
                f"history database; move it away {_ADVICE}"
            )
    finally:
        if descriptor is not None:
            os.close(descriptor)


def _narrow_side_files(path: Path) -> None:
    """SQLite gives its -wal and -shm files the database file's mode; make sure they are never
    more open than it (a nicety: failing here changes nothing)."""
    with contextlib.suppress(OSError):
        mode = stat.S_IMODE(path.stat().st_mode)
        for suffix in _SIDE_SUFFIXES:
            side = Path(f"{path}{suffix}")
            with contextlib.suppress(OSError):
                side_mode = stat.S_IMODE(side.stat().st_mode)
                if side_mode & ~mode:
                    os.chmod(side, side_mode & mode)


def _move_aside(path: Path, why: str) -> str:
    """Move a damaged database and its side files to history.sqlite3.corrupt-YYYYMMDD-HHMMSS
    (with -2, -3... if taken), never deleting or overwriting anything; the notice to give."""
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    moved: list[str] = []
    try:
        for number in itertools.count(1):
            suffix = "" if number == 1 else f"-{number}"
            target = path.with_name(f"{DB_NAME}.corrupt-{stamp}{suffix}")
            if any(os.path.lexists(f"{target}{side}") for side in ("", *_SIDE_SUFFIXES)):
                continue
            if _move_no_clobber(path, target):
                break
        for side in _SIDE_SUFFIXES:
            # The -wal must go too: replayed into a fresh database it would damage it again.
            source = Path(f"{path}{side}")
            if not os.path.lexists(source):
                continue
            if not _move_no_clobber(source, Path(f"{target}{side}")):
                raise FileExistsError(errno.EEXIST, "already exists", f"{target}{side}")
            moved.append(side)
    except OSError as exc:
        raise HistoryError(
            f"the history {path} cannot be read ({why}) and could not be moved aside "
            f"({_os_reason(exc)}); move it away yourself {_ADVICE}"
        ) from None
    companions = f" with its {' and '.join(moved)} files" if moved else ""
    return (
        f"The history {path} could not be read ({why}). It was moved aside unchanged, "
        f"to {target}{companions}, and a new history was started."
    )


def _move_no_clobber(source: Path, target: Path) -> bool:
    """Rename source to target unless target exists; False when it does."""
    try:
        os.link(source, target)  # fails if target exists, where a rename would replace it
    except FileExistsError:
        return False
    except OSError as exc:
        if exc.errno == errno.ENOENT or os.path.lexists(target):
            raise
        # No hard links on this file system: a checked rename is the best left.
        os.rename(source, target)
        return True
    os.unlink(source)
    return True


_OS_REASONS: dict[int, tuple[str, str]] = {
    errno.EACCES: ("permission denied", "check the folder's permissions"),
    errno.EPERM: ("permission denied", "check the folder's permissions"),
    errno.EROFS: ("the file system is read-only", "choose a writable place"),
    errno.ENOSPC: ("the disk is full", "free some space"),
    errno.ENOTDIR: ("a part of the path is a file, not a folder", "move that file away"),
}
if hasattr(errno, "EDQUOT"):
    _OS_REASONS[errno.EDQUOT] = ("the disk quota is exceeded", "free some space")


def _os_reason(exc: OSError) -> str:
    reason = _OS_REASONS.get(exc.errno or 0, (exc.strerror or str(exc), ""))[0]
    return f"{exc.filename}: {reason}" if exc.filename else reason


def _os_problem(exc: OSError, folder: Path) -> str:
    reason, advice = _OS_REASONS.get(exc.errno or 0, (exc.strerror or str(exc), "check it"))
    return f"cannot write the history in {folder}: {reason}; {advice} {_ADVICE}"


# -- SQLite -----------------------------------------------------------------------------------


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
        raise HistoryError(_sqlite_problem(exc, path)) from None


def _guarded(
    connection: sqlite3.Connection, path: Path, action: Callable[[sqlite3.Connection], None]
) -> None:
    """action(connection) with retries while locked; SQLite's errors become ours."""
    try:
        _retrying(connection, lambda: action(connection))
    except sqlite3.Error as exc:
        if _is_damaged(exc):
            raise _Damaged(str(exc)) from None
        raise HistoryError(_sqlite_problem(exc, path)) from None


def _check_intact(connection: sqlite3.Connection) -> None:
    check = [str(row[0]) for row in connection.execute("PRAGMA quick_check").fetchall()]
    if check != ["ok"]:
        # One line for the notice: the first findings, without the "*** in database" banner.
        lines = [line for text in check for line in text.splitlines() if line[:3] != "***"]
        raise _Damaged(f"integrity check: {'; '.join(lines[:3])}")


def _prepare(connection: sqlite3.Connection) -> None:
    # WAL lets readers and one writer work at once; FULL syncs the WAL at every commit so a
    # power cut keeps the last step boundary too (one fsync per step costs nothing here).
    connection.execute("PRAGMA journal_mode = WAL")
    connection.execute("PRAGMA synchronous = FULL")
    migrate(connection)


def _retrying(connection: sqlite3.Connection, action: Callable[[], T]) -> T:
    """action(), again after a short backoff while the database is locked, for at most
    LOCK_WAIT_SECONDS in all; other errors and the last lock error go to the caller."""
    deadline = time.monotonic() + LOCK_WAIT_SECONDS
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
            f"the history {path} stayed locked by another program for more than "
            f"{LOCK_WAIT_SECONDS:g} s; try again once the other backroutine has finished"
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


def _check_count(name: str, value: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValueError(f"{name} must be a whole number of 0 or more, not {value!r}")


def _seconds(value: float) -> float:
    if not math.isfinite(value) or value < 0:
        raise ValueError(f"active_seconds must be a finite number of 0 or more, not {value!r}")
    return round(float(value), 1)
