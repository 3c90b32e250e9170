"""The history: routines played, pain check-ins, red-flag answers, desk breaks and a few
settings, in SQLite.

Sessions get one row per routine played, written while it plays.

The row is inserted as "interrupted" the moment a routine starts and updated at every step
boundary, so a process killed without warning (SIGKILL, a power cut) still leaves an honest
record of what was done; finish_session sets the final status.

Several processes may write at once (two players and a check-in): the database runs in WAL
mode, every write is one BEGIN IMMEDIATE transaction, and a lock that outlasts SQLite's own
busy timeout is retried with a short backoff before giving up with a HistoryError.

Pain scores and red-flag answers are health data, so a folder this module creates is private
(0o700) and so is the database file (0o600). A damaged database is moved aside, never deleted
or overwritten, and the user is told once through `notices`.

Check-ins may be added late (backfilled) and are read back in the order of the moment they
describe. Red-flag answers are never changed or deleted but for the mark that a professional has
checked them: the latest row is the current state, the earlier ones its history.

Desk breaks (see core/breaks.py) get one row each time one is taken, skipped or snoozed, so the
breaks command can say how the day went.
"""

from __future__ import annotations

import contextlib
import errno
import itertools
import json
import math
import os
import sqlite3
import stat
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, fields
from datetime import datetime, timedelta
from pathlib import Path
from types import TracebackType
from typing import Literal, TypeVar, cast

from backroutine.core.health import (
    LEGACY_RED_FLAG_KEYS,
    PAIN_MAX,
    PAIN_MIN,
    QUESTION_SET,
    RED_FLAG_KEYS,
    SPASMS,
    Checkin,
    PlayedSession,
    RedFlagAnswers,
    Spasms,
)
from backroutine.core.text import describe_char, first_unsafe

DB_NAME = "history.sqlite3"
Status = Literal["completed", "stopped", "interrupted"]
FinalStatus = Literal["completed", "stopped"]
FINAL_STATUSES: tuple[FinalStatus, ...] = ("completed", "stopped")

# SQLite waits this long for a lock by itself, then we retry until LOCK_WAIT_SECONDS have
# passed in all: WAL can also answer "database is locked" at once, without waiting.
BUSY_TIMEOUT_MS = 1000
LOCK_WAIT_SECONDS = 30.0  # another backroutine finishing a write: worth waiting out, and saying so
_FIRST_BACKOFF = 0.01
_MAX_BACKOFF = 0.25

# Files SQLite keeps beside the database; they belong to it and move with it.
_SIDE_SUFFIXES = ("-wal", "-shm", "-journal")
_ADVICE = "or use --data-dir to keep the history elsewhere"

NOTE_MAX_CHARS = 500  # a check-in's note, once stripped
SETTING_KEY_MAX_CHARS = 100
BREAK_OUTCOMES = ("taken", "skipped", "snoozed")
BREAK_MINUTES_MAX = 24 * 60  # a break's (or a snooze's) length, in minutes

# Part of schema versions 2 and 3, never to be edited: a time as timestamp() writes it, ISO
# 8601 to the second with a zone offset in whole minutes, which julianday() can read.
_V2_TIME = (
    "GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9]"
    "[+-][0-9][0-9]:[0-9][0-9]'"
)

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
    (
        f"""
        CREATE TABLE checkins (
            id INTEGER PRIMARY KEY,
            at TEXT NOT NULL CHECK (at {_V2_TIME} AND julianday(at) IS NOT NULL),
            pain INTEGER NOT NULL CHECK (typeof(pain) = 'integer' AND pain BETWEEN 0 AND 10),
            spasms TEXT CHECK (spasms IS NULL OR spasms IN ('fewer', 'same', 'more')),
            note TEXT CHECK (note IS NULL OR typeof(note) = 'text'),
            new_episode INTEGER NOT NULL DEFAULT 0 CHECK (new_episode IN (0, 1)),
            created_at TEXT NOT NULL CHECK (created_at {_V2_TIME})
        )
        """,
        "CREATE INDEX checkins_at ON checkins (julianday(at), id)",
        # Appended to, never deleted from; checked_at is the only thing ever updated.
        f"""
        CREATE TABLE red_flag_answers (
            id INTEGER PRIMARY KEY,
            answered_at TEXT NOT NULL
                CHECK (answered_at {_V2_TIME} AND julianday(answered_at) IS NOT NULL),
            yes TEXT NOT NULL CHECK (yes GLOB '[[]*]'),
            checked_at TEXT
                CHECK (checked_at IS NULL OR (checked_at {_V2_TIME}
                    AND julianday(checked_at) IS NOT NULL))
        )
        """,
        """
        CREATE TABLE settings (
            key TEXT NOT NULL PRIMARY KEY,
            value TEXT NOT NULL
        )
        """,
    ),
    (
        # One row per desk break answered; `minutes` is how long it lasted (taken) or how long
        # it was put off (snoozed), when known.
        f"""
        CREATE TABLE breaks (
            id INTEGER PRIMARY KEY,
            at TEXT NOT NULL CHECK (at {_V2_TIME} AND julianday(at) IS NOT NULL),
            outcome TEXT NOT NULL CHECK (outcome IN ('taken', 'skipped', 'snoozed')),
            routine_id TEXT
                CHECK (routine_id IS NULL OR (typeof(routine_id) = 'text' AND routine_id <> '')),
            minutes REAL
                CHECK (minutes IS NULL OR (typeof(minutes) = 'real' AND minutes BETWEEN 0 AND 1440))
        )
        """,
        "CREATE INDEX breaks_at ON breaks (julianday(at), id)",
    ),
    (
        # The level of the routine played (SAFETY_RULES.md: levels inside strengthening); NULL
        # for rows written before levels were recorded, which the rules count as level 2.
        "ALTER TABLE sessions ADD COLUMN level INTEGER"
        " CHECK (level IS NULL OR (typeof(level) = 'integer' AND level BETWEEN 1 AND 5))",
        # Which set of safety questions the answers were given to: the first version's eight
        # (1), or the fourteen of SAFETY_RULES.md (2). Older answers are asked again.
        "ALTER TABLE red_flag_answers ADD COLUMN question_set INTEGER NOT NULL DEFAULT 1"
        " CHECK (typeof(question_set) = 'integer' AND question_set >= 1)",
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
    level: int | None = None  # the routine's level as played; None before levels were recorded

    def to_dict(self) -> dict[str, object]:
        return {f.name: getattr(self, f.name) for f in fields(self)}


_COLUMNS = ", ".join(f.name for f in fields(SessionRecord))


@dataclass(frozen=True, slots=True)
class BreakRecord:
    """A desk break as the history keeps it: taken, skipped or snoozed at a moment."""

    id: int
    at: datetime  # timezone-aware, to the second
    outcome: str  # taken | skipped | snoozed
    routine_id: str | None = None  # the routine played for it, if any
    minutes: float | None = None  # how long it lasted (taken) or was put off (snoozed)

    def to_dict(self) -> dict[str, object]:
        return {
            "id": self.id,
            "at": self.at.isoformat(timespec="seconds"),
            "outcome": self.outcome,
            "routine_id": self.routine_id,
            "minutes": self.minutes,
        }


class HistoryError(Exception):
    """The history cannot be used (read-only or full folder...); the message says what and
    how to fix it. Callers keep playing without recording and tell the user once.

    `busy`: only locked by another program for now (the same write may succeed later)."""

    def __init__(self, message: str, *, busy: bool = False) -> None:
        super().__init__(message)
        self.busy = busy


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
        # How long a write or read waits for a lock held by another program, and what to call
        # once when it starts waiting (to say so: a silent wait looks like a hang).
        self.lock_wait: float | None = None  # None: LOCK_WAIT_SECONDS
        self.on_wait: Callable[[], None] | None = None
        # Opened read-only (core/readonly.py: the disk cannot be written): why, else None.
        self.read_only: str | None = None
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
        level: int | None = None,
    ) -> int:
        """Record a routine as it starts, as "interrupted" until it is finished; its id."""
        _check_count("steps_total", steps_total)
        if level is not None and (
            isinstance(level, bool) or not isinstance(level, int) or not 1 <= level <= 5
        ):
            raise ValueError(f"level must be a whole number from 1 to 5 or None, not {level!r}")
        started = timestamp(started_at)
        cursor = self._write(
            "INSERT INTO sessions (routine_id, routine_name, category, started_at, ended_at,"
            " status, active_seconds, steps_done, steps_total, reason, level)"
            " VALUES (?, ?, ?, ?, ?, 'interrupted', 0, 0, ?, NULL, ?)",
            (routine_id, routine_name, category, started, started, steps_total, level),
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
        rows = self._read(
            f"SELECT {_COLUMNS} FROM sessions ORDER BY julianday(started_at) DESC, id DESC LIMIT ?",
            (-1 if limit is None else limit,),
        )
        return [SessionRecord(*row) for row in rows]

    def played_sessions(self) -> list[PlayedSession]:
        """What the safety rules read of the sessions: the completed strengthening sessions
        (with their levels) and the sessions stopped with "this hurts", oldest first."""
        rows = self._read(
            "SELECT coalesce(ended_at, started_at), category, level, status, reason"
            " FROM sessions WHERE (status = 'completed' AND category = 'strengthening')"
            " OR reason = 'pain' ORDER BY julianday(started_at), id",
            (),
        )
        return [
            PlayedSession(
                day=self._moment(moment).date(),
                category=cast(str, category),
                level=cast(int | None, level),
                completed=status == "completed",
                hurt=reason == "pain",
            )
            for moment, category, level, status, reason in rows
        ]

    # -- check-ins ----------------------------------------------------------------------------

    def add_checkin(
        self,
        *,
        at: datetime,
        pain: int,
        spasms: str | None = None,
        note: str | None = None,
        new_episode: bool = False,
    ) -> Checkin:
        """Record how the back feels at a moment (naive: local time), possibly in the past;
        the check-in as stored: with its id, `at` to the second and the note stripped."""
        if isinstance(pain, bool) or not isinstance(pain, int) or not PAIN_MIN <= pain <= PAIN_MAX:
            raise ValueError(
                f"pain must be a whole number from {PAIN_MIN} to {PAIN_MAX}, not {pain!r}"
            )
        if spasms is not None and (not isinstance(spasms, str) or spasms not in SPASMS):
            raise ValueError(f"spasms must be one of {SPASMS} or None, not {spasms!r}")
        if not isinstance(new_episode, bool):
            raise ValueError(f"new_episode must be True or False, not {new_episode!r}")
        note = _clean_note(note)
        stamp = _stamp("at", at)
        cursor = self._write(
            "INSERT INTO checkins (at, pain, spasms, note, new_episode, created_at)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            (stamp, int(pain), spasms, note, int(new_episode), _now()),
        )
        assert cursor.lastrowid is not None  # an INSERT into a rowid table always sets it
        return Checkin(
            at=datetime.fromisoformat(stamp),
            pain=int(pain),
            spasms=cast(Spasms | None, spasms),
            note=note,
            new_episode=new_episode,
            id=cursor.lastrowid,
        )

    def checkins(self) -> list[Checkin]:
        """All check-ins, oldest first by the moment they describe (then by id)."""
        rows = self._read(
            "SELECT id, at, pain, spasms, note, new_episode FROM checkins"
            " ORDER BY julianday(at), id",
            (),
        )
        return [
            Checkin(
                at=self._moment(at),
                pain=pain,
                spasms=spasms,  # the table's CHECK keeps it to SPASMS or NULL
                note=note,
                new_episode=bool(new_episode),
                id=checkin_id,
            )
            for checkin_id, at, pain, spasms, note, new_episode in rows
        ]

    # -- red flags ----------------------------------------------------------------------------

    def save_red_flags(self, yes: Iterable[str], *, at: datetime) -> RedFlagAnswers:
        """Record a new set of answers (the keys answered yes, from RED_FLAG_KEYS); it becomes
        the current state, not yet checked by a professional. Earlier answers are kept."""
        if isinstance(yes, str | bytes):
            raise ValueError(f"yes must be a collection of red-flag keys, not {yes!r}")
        keys = list(yes)
        unknown = [key for key in keys if not isinstance(key, str) or key not in RED_FLAG_KEYS]
        if unknown:
            raise ValueError(
                f"unknown red-flag keys {unknown!r}; the keys are {', '.join(RED_FLAG_KEYS)}"
            )
        stamp = _stamp("at", at)
        chosen = frozenset(keys)
        self._write(
            "INSERT INTO red_flag_answers (answered_at, yes, checked_at, question_set)"
            " VALUES (?, ?, NULL, ?)",
            (stamp, json.dumps([key for key in RED_FLAG_KEYS if key in chosen]), QUESTION_SET),
        )
        return RedFlagAnswers(answered_at=datetime.fromisoformat(stamp), yes=chosen)

    def mark_red_flags_checked(self, *, at: datetime) -> RedFlagAnswers:
        """Record that a professional has checked the current answers (naive `at`: local
        time); the answers as they now stand. ValueError if no answers were ever saved.

        A mark earlier than the answers it is set on leaves their flags open (see
        RedFlagAnswers.open_flags): checking cannot come before the answers were given."""
        stamp = _stamp("at", at)

        def mark(connection: sqlite3.Connection) -> tuple[str, str, int]:
            row = connection.execute(
                "SELECT id, answered_at, yes, question_set FROM red_flag_answers"
                " ORDER BY id DESC LIMIT 1"
            ).fetchone()
            if row is None:
                raise ValueError("no red-flag answers to mark as checked; save_red_flags first")
            connection.execute(
                "UPDATE red_flag_answers SET checked_at = ? WHERE id = ?", (stamp, row[0])
            )
            return row[1], row[2], row[3]

        answered_at, yes, question_set = self._transaction(mark)
        return self._answers(answered_at, yes, stamp, question_set)

    def red_flags(self) -> RedFlagAnswers:
        """The current (latest) answers; RedFlagAnswers() if the questions were never asked."""
        rows = self._read(
            "SELECT answered_at, yes, checked_at, question_set FROM red_flag_answers"
            " ORDER BY id DESC LIMIT 1",
            (),
        )
        return self._answers(*rows[0]) if rows else RedFlagAnswers()

    # -- desk breaks --------------------------------------------------------------------------

    def add_break(
        self,
        *,
        at: datetime,
        outcome: str,
        routine_id: str | None = None,
        minutes: float | None = None,
    ) -> int:
        """Record what became of a desk break at a moment (naive: local time): "taken",
        "skipped" or "snoozed", with the routine played for it and how many minutes it lasted
        or was put off, when known; its id."""
        if not isinstance(outcome, str) or outcome not in BREAK_OUTCOMES:
            raise ValueError(f"outcome must be one of {BREAK_OUTCOMES}, not {outcome!r}")
        if routine_id is not None and (not isinstance(routine_id, str) or not routine_id):
            raise ValueError(f"routine_id must be a routine's id or None, not {routine_id!r}")
        if minutes is not None:
            minutes = _minutes(minutes)
        stamp = _stamp("at", at)
        cursor = self._write(
            "INSERT INTO breaks (at, outcome, routine_id, minutes) VALUES (?, ?, ?, ?)",
            (stamp, outcome, routine_id, minutes),
        )
        assert cursor.lastrowid is not None  # an INSERT into a rowid table always sets it
        return cursor.lastrowid

    def breaks(self, since: datetime | None = None) -> list[BreakRecord]:
        """Desk breaks, oldest first by the moment (then by id); only those at or after
        `since` (naive: local time) when given."""
        if since is None:
            rows = self._read(
                "SELECT id, at, outcome, routine_id, minutes FROM breaks"
                " ORDER BY julianday(at), id",
                (),
            )
        else:
            rows = self._read(
                "SELECT id, at, outcome, routine_id, minutes FROM breaks"
                " WHERE julianday(at) >= julianday(?) ORDER BY julianday(at), id",
                (_stamp("since", since),),
            )
        return [
            BreakRecord(
                id=cast(int, break_id),
                at=self._moment(at),
                outcome=cast(str, outcome),  # the table's CHECK keeps it to BREAK_OUTCOMES
                routine_id=cast(str | None, routine_id),
                minutes=cast(float | None, minutes),
            )
            for break_id, at, outcome, routine_id, minutes in rows
        ]

    # -- settings -----------------------------------------------------------------------------

    def get_setting(self, key: str) -> str | None:
        """A small stored value, such as "first_run_done"; None if it was never set."""
        _check_key(key)
        rows = self._read("SELECT value FROM settings WHERE key = ?", (key,))
        return rows[0][0] if rows else None

    def set_setting(self, key: str, value: str) -> None:
        _check_key(key)
        if not isinstance(value, str):
            raise ValueError(f"a setting's value must be a string, not {value!r}")
        self._write(
            "INSERT INTO settings (key, value) VALUES (?, ?)"
            " ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            (key, value),
        )

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
        return self._transaction(lambda connection: connection.execute(sql, parameters))

    def _transaction(self, work: Callable[[sqlite3.Connection], T]) -> T:
        """work(connection) in one write transaction, committed before returning, retried as
        a whole while the database is locked; rolled back if work raises."""
        connection = self._connection
        if self.read_only is not None:
            raise HistoryError(
                f"nothing was saved: the history is open read-only ({self.read_only})"
            )

        def attempt() -> T:
            # IMMEDIATE takes the write lock up front: a read lock upgraded later can fail at
            # once in WAL mode, without waiting for the busy timeout.
            connection.execute("BEGIN IMMEDIATE")
            try:
                result = work(connection)
                connection.execute("COMMIT")
            except BaseException:
                _rollback(connection)
                raise
            return result

        with self._lock:
            try:
                return _retrying(connection, attempt, wait=self.lock_wait, on_wait=self.on_wait)
            except sqlite3.Error as exc:
                raise _history_error(exc, self.path) from None

    def _read(self, query: str, parameters: tuple[object, ...]) -> list[tuple[object, ...]]:
        with self._lock:
            try:
                return _retrying(
                    self._connection,
                    lambda: self._connection.execute(query, parameters).fetchall(),
                    wait=self.lock_wait,
                    on_wait=self.on_wait,
                )
            except sqlite3.Error as exc:
                raise _history_error(exc, self.path) from None

    def reopen(self) -> HistoryStore:
        """A second connection to the same history (for a writer on another thread, so that
        its waits never hold up this one).

        Only through SQLite: opening and closing the file directly here (as `open` does to make
        it private) would drop every POSIX lock this process holds on it, so another program
        closing the history would think it the last user and delete the -wal file under us."""
        if self.read_only is not None:
            raise HistoryError(f"the history is open read-only ({self.read_only})")
        refuse_link(self.path)
        try:
            connection = _connect(self.path)
        except _Damaged as exc:
            raise HistoryError(f"the history {self.path} cannot be used ({exc})") from None
        return HistoryStore(self.path, connection, [])

    def _moment(self, text: object) -> datetime:
        """A stored time read back, always aware; HistoryError if it was tampered with."""
        try:
            moment = datetime.fromisoformat(cast(str, text))
        except (TypeError, ValueError):
            moment = None
        if moment is None or moment.utcoffset() is None:
            raise HistoryError(
                f"the history {self.path} holds a time that cannot be read ({text!r}); "
                f"move the file away {_ADVICE}"
            )
        return moment

    def _answers(
        self, answered_at: object, yes: object, checked_at: object, question_set: object
    ) -> RedFlagAnswers:
        try:
            keys = json.loads(cast(str, yes))
        except (TypeError, ValueError):
            keys = None
        if not isinstance(keys, list) or not all(isinstance(key, str) for key in keys):
            raise HistoryError(
                f"the history {self.path} holds red-flag answers that cannot be read "
                f"({yes!r}); move the file away {_ADVICE}"
            )
        return RedFlagAnswers(
            answered_at=self._moment(answered_at),
            # The first version's two retired questions read as their closest current ones.
            yes=frozenset(LEGACY_RED_FLAG_KEYS.get(str(key), str(key)) for key in keys),
            checked_at=None if checked_at is None else self._moment(checked_at),
            question_set=question_set if isinstance(question_set, int) else 1,
        )

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
    make sure an existing one is a regular file (not a link, a folder or a pipe).

    An existing file is only looked at, never opened here: closing a descriptor of it would
    drop every POSIX lock this process holds on it through SQLite (see `reopen`)."""
    refuse_link(path)
    try:
        info = os.lstat(path)
    except FileNotFoundError:
        flags = os.O_RDWR | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
        try:
            os.close(os.open(path, flags, 0o600))
        except FileExistsError:
            info = os.lstat(path)  # made meanwhile by another process: look at it below
        else:
            return
    if stat.S_ISLNK(info.st_mode):
        refuse_link(path)
    if not stat.S_ISREG(info.st_mode):
        what = "a folder" if stat.S_ISDIR(info.st_mode) else "not a regular file"
        raise HistoryError(
            f"cannot write the history in {path.parent}: {path} is {what}, not the "
            f"history database; move it away {_ADVICE}"
        )


def refuse_link(path: Path) -> None:
    """The history is a file of its own: a symbolic link in its place could point at another
    program's database (which would get our tables and the person's notes) or anywhere else."""
    if path.is_symlink():
        raise HistoryError(
            f"{path} is a symbolic link; backroutine never reads or writes your history "
            "through a link (it could be another program's file). Replace the link with the "
            f"file itself, or use --data-dir to keep the history elsewhere"
        )


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


def _prepare(connection: sqlite3.Connection) -> None:
    # WAL lets readers and one writer work at once; FULL syncs the WAL at every commit so a
    # power cut keeps the last step boundary too (one fsync per step costs nothing here).
    connection.execute("PRAGMA journal_mode = WAL")
    connection.execute("PRAGMA synchronous = FULL")
    migrate(connection)


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


def _check_count(name: str, value: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValueError(f"{name} must be a whole number of 0 or more, not {value!r}")


def _stamp(name: str, moment: datetime) -> str:
    """timestamp(moment), refusing what is not a datetime or what SQLite could not read."""
    if not isinstance(moment, datetime):
        raise ValueError(f"{name} must be a datetime, not {moment!r}")
    stamp = timestamp(moment)
    offset = datetime.fromisoformat(stamp).utcoffset()
    if offset is None or offset % timedelta(minutes=1):
        raise ValueError(f"{name} must have a zone offset in whole minutes, not {stamp!r}")
    return stamp


def _now() -> str:
    return timestamp(datetime.now().astimezone())


def _clean_note(note: str | None) -> str | None:
    """The note stripped, None if nothing is left; ValueError if it is not text or too long."""
    if note is None:
        return None
    if not isinstance(note, str):
        raise ValueError(f"note must be a string or None, not {note!r}")
    note = note.strip()
    where = first_unsafe(note)
    if where is not None:
        raise ValueError(
            f"note must not contain control characters; {describe_char(note[where])} at "
            f"character {where + 1}"
        )
    if len(note) > NOTE_MAX_CHARS:
        raise ValueError(
            f"note must be at most {NOTE_MAX_CHARS} characters, not {len(note)}; shorten it"
        )
    return note or None


def _check_key(key: str) -> None:
    if not isinstance(key, str) or not key or len(key) > SETTING_KEY_MAX_CHARS:
        raise ValueError(
            f"a setting's key must be a string of 1 to {SETTING_KEY_MAX_CHARS} characters, "
            f"not {key!r}"
        )


def _minutes(value: float) -> float:
    if (
        isinstance(value, bool)
        or not isinstance(value, int | float)
        or not 0 <= value <= BREAK_MINUTES_MAX  # also refuses NaN
    ):
        raise ValueError(
            f"minutes must be a number from 0 to {BREAK_MINUTES_MAX} or None, not {value!r}"
        )
    return round(float(value), 2)


def _seconds(value: float) -> float:
    if not math.isfinite(value) or value < 0:
        raise ValueError(f"active_seconds must be a finite number of 0 or more, not {value!r}")
    return round(float(value), 1)


class EmptyHistory:
    """Stands in for a history that does not exist yet, for commands that only read: looking
    must not create a data folder (a mistyped --data-dir would leave one behind)."""

    def __init__(self) -> None:
        self.notices: list[str] = []

    def sessions(self, limit: int | None = None) -> list[SessionRecord]:
        return []

    def checkins(self) -> list[Checkin]:
        return []

    def red_flags(self) -> RedFlagAnswers:
        return RedFlagAnswers()

    def played_sessions(self) -> list[PlayedSession]:
        return []

    def breaks(self, since: datetime | None = None) -> list[BreakRecord]:
        return []

    def close(self) -> None:
        pass

    def __enter__(self) -> EmptyHistory:
        return self

    def __exit__(self, *exc: object) -> None:
        pass
