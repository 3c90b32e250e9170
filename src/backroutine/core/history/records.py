"""What the history keeps, as Python values, and the checks on what goes in."""

from __future__ import annotations

import math
from dataclasses import dataclass, fields
from datetime import datetime, timedelta
from typing import Literal

from backroutine.core.history.common import timestamp
from backroutine.core.text import describe_char, first_unsafe

Status = Literal["completed", "skipped", "stopped", "interrupted"]
FinalStatus = Literal["completed", "skipped", "stopped"]
FINAL_STATUSES: tuple[FinalStatus, ...] = ("completed", "skipped", "stopped")
# A session that reached its end by skipping (core/outcome.py) is kept in the table as stopped
# with this reason, and read back as status "skipped": the table's CHECK (schema version 1)
# stays as it was, and an older backroutine on another computer of a synced folder, which
# knows only completed / stopped / interrupted, reads it as not done, never as completed.
SKIPPED_REASON = "skipped"


def stored_status(status: FinalStatus, reason: str | None) -> tuple[str, str | None]:
    """How a final status is kept in the table: (status, reason)."""
    return ("stopped", SKIPPED_REASON) if status == "skipped" else (status, reason)


def read_status(status: str, reason: str | None) -> tuple[str, str | None]:
    """A row's (status, reason) as the history shows it."""
    if status == "stopped" and reason == SKIPPED_REASON:
        return "skipped", None
    return status, reason


NOTE_MAX_CHARS = 500  # a check-in's note, once stripped
SETTING_KEY_MAX_CHARS = 100
BREAK_OUTCOMES = ("taken", "skipped", "snoozed")
BREAK_MINUTES_MAX = 24 * 60  # a break's (or a snooze's) length, in minutes


@dataclass(frozen=True, slots=True)
class SessionRecord:
    """One routine played (or being played) as the history keeps it."""

    id: int
    routine_id: str
    routine_name: str
    category: str
    started_at: str  # ISO 8601 with its zone offset, to the second
    ended_at: str | None  # the last time the row was written, same form
    status: str  # completed | skipped | stopped | interrupted
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
