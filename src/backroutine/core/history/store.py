"""The history store of one data folder: sessions, check-ins, safety answers, desk breaks,
activities and settings, read and written through SQLite. The check-ins are in checkins.py, the
activities and their ratings in activities.py, the connection and transactions in base.py."""

from __future__ import annotations

import dataclasses
import json
import sqlite3
from collections.abc import Iterable
from datetime import datetime
from pathlib import Path
from typing import Any, cast

from backroutine.core.device import Device
from backroutine.core.health import (
    LEGACY_RED_FLAG_KEYS,
    QUESTION_SET,
    RED_FLAG_KEYS,
    PlayedSession,
    RedFlagAnswers,
)
from backroutine.core.history.activities import ActivityMethods
from backroutine.core.history.checkins import CheckinMethods
from backroutine.core.history.common import _ADVICE, DB_NAME, HistoryError, _Damaged, timestamp
from backroutine.core.history.connect import _connect, _connect_file, open_or_start_anew, opening_in
from backroutine.core.history.corrections import CorrectionMethods
from backroutine.core.history.files import (
    _make_private_folder,
    _narrow_side_files,
    refuse_link,
)
from backroutine.core.history.layout import is_shared
from backroutine.core.history.merge import DeviceSummary, Merge, build, read_source
from backroutine.core.history.records import (
    _COLUMNS,
    BREAK_OUTCOMES,
    FINAL_STATUSES,
    BreakRecord,
    FinalStatus,
    SessionRecord,
    _check_count,
    _check_key,
    _minutes,
    _seconds,
    _stamp,
    read_status,
    stored_status,
)
from backroutine.core.history.seen import SeenDevice
from backroutine.core.history.shared import open_shared
from backroutine.core.history.sqlite import _history_error


class HistoryStore(CheckinMethods, CorrectionMethods, ActivityMethods):
    """The history database of one data folder. Open with HistoryStore.open(data_dir)."""

    # This computer, when the data folder is shared by several (layout.py); else None.
    device: Device | None = None
    # Another computer writes this computer's file (the same id, own.py): no write goes in
    # until `backroutine devices` gives this computer an id of its own (shared.give_new_id).
    same_id: bool = False
    # The device files that are symbolic links, left out of the merge (shared.py).
    links: list[Path] = []  # noqa: RUF012 (replaced, never changed in place)

    @classmethod
    def open(cls, data_dir: Path, *, device: Device | None = None) -> HistoryStore:
        """The history of a data folder, created if missing; HistoryError if it is unusable.

        A folder shared by several computers (layout.is_shared), or any folder when `device`
        is given: this computer writes its own file and reads the merge of all of them."""
        folder = Path(data_dir)
        if device is not None or is_shared(folder):
            return open_shared(cls, folder, device)
        path = folder / DB_NAME
        notices: list[str] = []
        with opening_in(folder):
            _make_private_folder(folder)
            connection = open_or_start_anew(path, _connect, notices)
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
        """The final word on a session: completed, skipped (to the end), or stopped early
        (and why)."""
        if status not in FINAL_STATUSES:
            raise ValueError(f"status must be one of {FINAL_STATUSES}, not {status!r}")
        _check_count("steps_done", steps_done)
        kept, reason = stored_status(status, reason)
        cursor = self._write(
            "UPDATE sessions SET status = ?, steps_done = ?, active_seconds = ?, ended_at = ?,"
            " reason = ? WHERE id = ?",
            (kept, steps_done, _seconds(active_seconds), timestamp(at), reason, session_id),
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
        # The table's columns are SessionRecord's fields, in order (_COLUMNS).
        records = [SessionRecord(*cast(tuple[Any, ...], row)) for row in rows]
        return [_as_shown(record) for record in records]

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
            row = (
                self._reader(connection)
                .execute(
                    "SELECT uid, answered_at, yes, question_set FROM red_flag_answers"
                    " ORDER BY id DESC LIMIT 1"
                )
                .fetchone()
            )
            if row is None:
                raise ValueError("no red-flag answers to mark as checked; save_red_flags first")
            cursor = connection.execute(
                "UPDATE red_flag_answers SET checked_at = ? WHERE uid = ?", (stamp, row[0])
            )
            if cursor.rowcount == 0:
                # Answers given on another computer: its file is its own, so the mark goes
                # into a copy here, with the same uid (the merge keeps the checked copy).
                connection.execute(
                    "INSERT INTO red_flag_answers (uid, answered_at, yes, checked_at,"
                    " question_set) VALUES (?, ?, ?, ?, ?)",
                    (row[0], row[1], row[2], stamp, row[3]),
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
        return cast(str, rows[0][0]) if rows else None  # the column is TEXT NOT NULL

    def set_setting(self, key: str, value: str) -> None:
        _check_key(key)
        if not isinstance(value, str):
            raise ValueError(f"a setting's value must be a string, not {value!r}")
        self._write(
            "INSERT INTO settings (key, value) VALUES (?, ?)"
            " ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            (key, value),
        )

    def reopen(self) -> HistoryStore:
        """A second connection to the same history (for a writer on another thread, so that
        its waits never hold up this one).

        Only through SQLite: opening and closing the file directly here (as `open` does to make
        it private) would drop every POSIX lock this process holds on it, so another program
        closing the history would think it the last user and delete the -wal file under us."""
        if self.read_only is not None:
            raise HistoryError(f"the history is open read-only ({self.read_only})")
        refuse_link(self.path)
        notices: list[str] = []  # a trigger added since the first open is cleaned (own.py)
        connect = _connect_file if self.device else _connect
        try:
            connection = connect(self.path, notices=notices)
        except _Damaged as exc:
            raise HistoryError(f"the history {self.path} cannot be used ({exc})") from None
        store = HistoryStore(self.path, connection, notices)
        store.owner = self.owner
        if self._merge is not None and self.device is not None:
            store.device = self.device
            store._merge = Merge(self._merge.data_dir, self.path, self.device.id, store.notices)
        return store

    def devices(self) -> list[DeviceSummary]:
        """The devices whose records are merged, this one first: name, files, counts and the
        latest moment recorded; one computer alone when the folder is not shared."""
        if self._merge is not None:
            self._merge.refresh()
        with self._lock:
            try:
                if self._merge is None:
                    memory, summaries = build(
                        [read_source(self._connection, self.path, "")], self._connection, ""
                    )
                    memory.close()
                    return summaries
                self._merge.reader(self._connection, always=True)
                return list(self._merge.summaries)
            except sqlite3.Error as exc:
                raise _history_error(exc, self.path) from None

    def unread_files(self) -> dict[Path, str]:
        """The device files left out of the merge just now (half copied, damaged, a link...),
        and why."""
        links = {path: "a symbolic link, never read" for path in self.links}
        return links if self._merge is None else {**links, **self._merge.problems}

    def missing_devices(self) -> list[SeenDevice]:
        """The devices whose records were merged here before but whose file is no longer in
        the folder (seen.py): their records are not shown."""
        if self._merge is not None:
            self._merge.refresh()
        with self._lock:
            if self._merge is None:
                return []
            try:
                self._merge.reader(self._connection)
            except sqlite3.Error as exc:
                raise _history_error(exc, self.path) from None
            return self._merge.gone()

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


def _as_shown(record: SessionRecord) -> SessionRecord:
    """A row as the history shows it: a session skipped to its end reads as "skipped"."""
    status, reason = read_status(record.status, record.reason)
    if (status, reason) == (record.status, record.reason):
        return record
    return dataclasses.replace(record, status=status, reason=reason)
