"""The pain check-ins' part of the history, with the activity ratings given with them (they
are read back, corrected, in corrections.py)."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from datetime import datetime

from backroutine.core.function import check_ratings
from backroutine.core.health import PAIN_MAX, PAIN_MIN, SPASMS, Checkin
from backroutine.core.history.activities import _adopt, _insert_ratings
from backroutine.core.history.base import StoreBase
from backroutine.core.history.records import _clean_note, _now, _stamp


class CheckinMethods(StoreBase):
    """HistoryStore's methods for the check-ins."""

    def add_checkin(
        self,
        *,
        at: datetime,
        pain: int,
        spasms: str | None = None,
        note: str | None = None,
        new_episode: bool = False,
        ratings: Iterable[tuple[str, int]] = (),
    ) -> Checkin:
        """Record how the back feels at a moment (naive: local time), possibly in the past;
        the check-in as stored: with its id, `at` to the second and the note stripped.

        `ratings`: (activity name, 0-10) pairs given with it, stored in the same transaction
        at the same time: ActivityError (a ValueError) for any bad one, and then neither the
        check-in nor any rating is stored."""
        if isinstance(pain, bool) or not isinstance(pain, int) or not PAIN_MIN <= pain <= PAIN_MAX:
            raise ValueError(
                f"pain must be a whole number from {PAIN_MIN} to {PAIN_MAX}, not {pain!r}"
            )
        if spasms is not None and (not isinstance(spasms, str) or spasms not in SPASMS):
            raise ValueError(f"spasms must be one of {SPASMS} or None, not {spasms!r}")
        if not isinstance(new_episode, bool):
            raise ValueError(f"new_episode must be True or False, not {new_episode!r}")
        note = _clean_note(note)
        checked = check_ratings(ratings)
        stamp = _stamp("at", at)

        def add(connection: sqlite3.Connection) -> tuple[int, str]:
            cursor = connection.execute(
                "INSERT INTO checkins (at, pain, spasms, note, new_episode, created_at)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                (stamp, int(pain), spasms, note, int(new_episode), _now()),
            )
            assert cursor.lastrowid is not None  # an INSERT into a rowid table always sets it
            if checked:
                _adopt(connection, self._reader(connection))
                _insert_ratings(connection, checked, stamp, cursor.lastrowid)
            (uid,) = connection.execute(
                "SELECT uid FROM checkins WHERE id = ?", (cursor.lastrowid,)
            ).fetchone()
            return cursor.lastrowid, uid

        checkin_id, uid = self._transaction(add)
        return Checkin(
            at=datetime.fromisoformat(stamp),
            pain=int(pain),
            spasms=spasms,  # narrowed to Spasms by the check above
            note=note,
            new_episode=new_episode,
            id=checkin_id,
            uid=uid,
        )
