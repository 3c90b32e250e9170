"""The corrections' part of the history: a check-in corrected or deleted is a new record (in
this computer's own file, naming the check-in's uid), never a change to the check-in's row;
core/corrections.py says how they combine into the check-ins as they are now."""

from __future__ import annotations

import re
import sqlite3
from datetime import datetime, timedelta
from typing import cast

from backroutine.core.corrections import Correction, apply_corrections
from backroutine.core.device import Device
from backroutine.core.health import PAIN_MAX, PAIN_MIN, SPASMS, Checkin, Spasms
from backroutine.core.history.base import StoreBase
from backroutine.core.history.records import _clean_note, _stamp

# A record's uid: 128 random bits in hex (schema version 6 on), or, for a record older than
# that, the one its migration made of its table, id and time ("checkins/12/2026-...").
_UID = re.compile(r"[0-9a-f]{32}|[a-z_]+/[0-9]+/[0-9T:+-]{19,25}")

# What each kind of record is called, to say what a uid names when it is not a check-in.
_KINDS = (
    ("checkins", "a check-in"),
    ("sessions", "a session"),
    ("breaks", "a desk break"),
    ("red_flag_answers", "a set of answers to the safety questions"),
    ("activities", "an activity"),
    ("activity_ratings", "an activity rating"),
    ("checkin_corrections", "a correction"),
)

_CHECKINS = "SELECT id, uid, at, pain, spasms, note, new_episode FROM checkins"
_CORRECTIONS = (
    "SELECT uid, checkin_uid, at, deleted, pain, spasms, note, device FROM checkin_corrections"
)


class CorrectionError(ValueError):
    """A correction that cannot be made (an unknown, malformed or deleted uid...); the message
    says why. Nothing was written."""


class CorrectionMethods(StoreBase):
    """HistoryStore's methods for correcting and deleting check-ins, and for reading the
    check-ins as they are now."""

    device: Device | None = None  # HistoryStore's: this computer, in a shared folder

    def checkins(self) -> list[Checkin]:
        """All check-ins as they are now (corrected, the deleted ones left out), oldest first
        by the moment they describe (then by id)."""
        return self.checkin_records()[0]

    def checkin_records(self) -> tuple[list[Checkin], list[Checkin]]:
        """The check-ins as they are now, and the deleted ones (as they were before), both
        oldest first, each with its corrections."""
        rows = self._read(_CHECKINS + " ORDER BY julianday(at), id", ())
        corrections = self._read(_CORRECTIONS, ())
        return self._combine(rows, corrections)

    def correct_checkin(
        self,
        uid: str,
        *,
        at: datetime,
        pain: int,
        spasms: str | None = None,
        note: str | None = None,
    ) -> tuple[Checkin, Checkin]:
        """Record that the check-in `uid` is now (pain, spasms, note), made at `at`; the
        check-in before and after. CorrectionError (nothing written) when `uid` names no
        check-in, or one deleted; ValueError for a bad value."""
        if isinstance(pain, bool) or not isinstance(pain, int) or not PAIN_MIN <= pain <= PAIN_MAX:
            raise ValueError(
                f"pain must be a whole number from {PAIN_MIN} to {PAIN_MAX}, not {pain!r}"
            )
        if spasms is not None and (not isinstance(spasms, str) or spasms not in SPASMS):
            raise ValueError(f"spasms must be one of {SPASMS} or None, not {spasms!r}")
        return self._correct(uid, at, (0, pain, spasms, _clean_note(note)))

    def delete_checkin(self, uid: str, *, at: datetime) -> Checkin:
        """Record that the check-in `uid` is deleted, at `at`; the check-in as it was.
        CorrectionError (nothing written) when `uid` names no check-in, or one deleted."""
        return self._correct(uid, at, (1, None, None, None))[0]

    def _correct(
        self, uid: str, at: datetime, values: tuple[int, int | None, str | None, str | None]
    ) -> tuple[Checkin, Checkin]:
        if not isinstance(uid, str) or not _UID.fullmatch(uid):
            raise CorrectionError(
                f"{uid!r} is not a check-in's uid (32 letters and digits, as "
                "`backroutine history --json` shows them)"
            )
        stamp = _stamp("at", at)
        device = self.device.id if self.device is not None else None

        def correct(connection: sqlite3.Connection) -> tuple[Checkin, Checkin]:
            # Checked under the write lock, on the merge of every computer's records: the
            # check-in may have been made on another computer.
            reader = self._reader(connection)
            rows = reader.execute(_CHECKINS + " WHERE uid = ?", (uid,)).fetchall()
            if not rows:
                raise CorrectionError(_not_a_checkin(reader, uid))
            earlier = reader.execute(_CORRECTIONS + " WHERE checkin_uid = ?", (uid,)).fetchall()
            current, deleted = self._combine(rows, earlier)
            if deleted:
                raise CorrectionError(
                    f"the check-in {uid} was deleted on "
                    f"{deleted[0].corrections[-1].at:%Y-%m-%d %H:%M}; there is nothing to change"
                )
            made = stamp
            latest = max((c.at for c in current[0].corrections), default=None)
            if latest is not None and datetime.fromisoformat(stamp) <= latest:
                # Times are kept to the second: two corrections in one second (or a clock
                # set back) would tie, and the tie goes by uid, at random. The one made after
                # seeing the other must win, so it is placed a second after it.
                made = _stamp("at", latest + timedelta(seconds=1))
            cursor = connection.execute(
                "INSERT INTO checkin_corrections"
                " (checkin_uid, at, deleted, pain, spasms, note, device)"
                " VALUES (?, ?, ?, ?, ?, ?, ?)",
                (uid, made, *values, device),
            )
            # This computer's file has it now; the merge read above does not yet.
            added = connection.execute(_CORRECTIONS + " WHERE id = ?", (cursor.lastrowid,))
            after, gone = self._combine(rows, earlier + added.fetchall())
            return current[0], (after or gone)[0]

        return self._transaction(correct)

    def _combine(
        self, rows: list[tuple[object, ...]], corrections: list[tuple[object, ...]]
    ) -> tuple[list[Checkin], list[Checkin]]:
        checkins = [
            Checkin(
                at=self._moment(moment),
                pain=cast(int, pain),
                spasms=cast(Spasms | None, spasms),  # the table's CHECK keeps it to SPASMS
                note=cast(str | None, note),
                new_episode=bool(new_episode),
                id=cast(int, checkin_id),
                uid=cast(str, uid),
            )
            for checkin_id, uid, moment, pain, spasms, note, new_episode in rows
        ]
        return apply_corrections(
            checkins,
            (
                Correction(
                    uid=cast(str, uid),
                    checkin_uid=cast(str, checkin_uid),
                    at=self._moment(moment),
                    deleted=bool(deleted),
                    pain=cast(int | None, pain),
                    spasms=cast(Spasms | None, spasms),
                    note=cast(str | None, note),
                    device=cast(str | None, device),
                )
                for uid, checkin_uid, moment, deleted, pain, spasms, note, device in corrections
            ),
        )


def _not_a_checkin(reader: sqlite3.Connection, uid: str) -> str:
    for table, kind in _KINDS:
        if reader.execute(f"SELECT 1 FROM {table} WHERE uid = ? LIMIT 1", (uid,)).fetchone():
            return f"{uid} is {kind}, not a check-in; nothing was changed"
    return (
        f"there is no check-in {uid} in the history; nothing was changed "
        "(`backroutine history --json` lists the check-ins with their uids)"
    )
