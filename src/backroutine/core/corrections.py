"""Corrections of check-ins (SAFETY_RULES.md, "Corrections"): a mistyped 1 for 10 must not open
strengthening for days, so a check-in can be corrected or deleted.

A check-in as first recorded is never changed. Each correction is a record of its own (made on
one computer, naming the check-in's uid) holding the whole check-in as it should now be, or
saying it is deleted. The newest correction wins: by the moment it was made, then by its uid, so
two computers that corrected the same check-in before they synced agree on the result.

This is the one place that turns check-ins and their corrections into the check-ins as they
are now; the history (one file, or several computers' files merged) reads both and calls it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import datetime

from backroutine.core.health import Checkin, Spasms


@dataclass(frozen=True, slots=True)
class Correction:
    """One correction of a check-in, as the history keeps it."""

    uid: str
    checkin_uid: str  # the check-in it corrects
    at: datetime  # when it was made (aware)
    deleted: bool
    pain: int | None  # the check-in's values from now on (None when deleted)
    spasms: Spasms | None = None
    note: str | None = None
    device: str | None = None  # the computer that made it; None: this one, on its own

    def to_dict(self) -> dict[str, object]:
        return {
            "uid": self.uid,
            "at": self.at.isoformat(timespec="seconds"),
            "deleted": self.deleted,
            "pain": self.pain,
            "spasms": self.spasms,
            "note": self.note,
            "device": self.device,
        }


def _newest_last(correction: Correction) -> tuple[datetime, str]:
    return (correction.at, correction.uid)


def apply_corrections(
    checkins: Iterable[Checkin], corrections: Iterable[Correction]
) -> tuple[list[Checkin], list[Checkin]]:
    """The check-ins as they are now, in the order given, and the deleted ones (as they were
    before they were deleted), each carrying the corrections that name it, oldest first, and
    its values as first recorded. A correction naming no check-in given is left out: it
    cannot make one up, whatever another computer's file says."""
    by_checkin: dict[str, list[Correction]] = {}
    for correction in corrections:
        by_checkin.setdefault(correction.checkin_uid, []).append(correction)
    current: list[Checkin] = []
    deleted: list[Checkin] = []
    for checkin in checkins:
        found = by_checkin.get(checkin.uid or "")
        if not found:
            current.append(checkin)
            continue
        found.sort(key=_newest_last)
        newest = found[-1]
        edits = [c for c in found if not c.deleted]
        state = edits[-1] if edits else None
        now = replace(checkin, corrections=tuple(found), original=checkin)
        if state is not None and state.pain is not None:  # the table's CHECK: always set
            now = replace(now, pain=state.pain, spasms=state.spasms, note=state.note)
        (deleted if newest.deleted else current).append(now)
    return current, deleted
