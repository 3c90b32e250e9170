"""Another computer's records, checked one by one before they are merged (sources.py).

Its file passed the schema check (peer_schema.py), but a table's CHECKs bind only the writes
SQLite makes with them on, and some columns have none: a row can still hold text where a
number belongs, a BLOB note, 1e308 seconds, a time that cannot be read, answers that are not
JSON, or a date in the year 9999. Such a row is left out, counted by why, and the count is
named in `devices` and `doctor` ("N records of COMPUTER left out: why"); the rest of the file
is merged.

Dates. A record of another computer dated more than a day after this computer's now is wrong
(a clock or a file): it is left out. One dated later than now but within the day (two clocks
that disagree by a few hours) is held back, not merged, until this computer's clock reaches
it, so that what counts as "the latest" (the current safety answers, the pain now) is never
decided by another computer's clock being ahead: this computer's own answer given now stays
the latest until the other computer's date has really come.
"""

from __future__ import annotations

import json
import math
import re
from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from backroutine.core.health import LEGACY_RED_FLAG_KEYS, RED_FLAG_KEYS

Row = tuple[object, ...]

CLOCK_ALLOWANCE = timedelta(days=1)
EARLIEST_YEAR = 1900
MAX_ACTIVE_SECONDS = 24 * 60 * 60  # a session longer than a day was not played
MAX_STEPS = 100_000
MAX_TEXT = 1_000  # routine ids and names, reasons: far longer than any the app writes
MAX_NOTE = 500  # a check-in's note (records.NOTE_MAX_CHARS)
_KNOWN_KEYS = frozenset(RED_FLAG_KEYS) | frozenset(LEGACY_RED_FLAG_KEYS)
# timestamp() writes this (schema.py's _V2_TIME), to the second; a fraction is read too.
_TIME = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,6})?[+-]\d\d:\d\d")

HELD = "dated later than now on this computer (its clock may be ahead): merged once that time comes"
UNKNOWN_QUESTIONS = (
    "answers to safety questions this backroutine does not know (those answers only)"
)


class Bad(Exception):
    """Why a row is left out, in words for `devices`."""


class Checked:
    """The rows of one file that may be merged, and what was left out."""

    def __init__(self, now: datetime) -> None:
        self.now = now
        self.latest = now + CLOCK_ALLOWANCE
        self.left_out: Counter[str] = Counter()  # why -> how many records
        self.held_until: datetime | None = None  # the earliest time of a record held back

    def rows(self, table: str, rows: list[Row]) -> list[Row]:
        check = _CHECKS[table]
        kept = []
        for row in rows:
            try:
                row, moments = check(self, row)
            except Bad as exc:
                self.left_out[str(exc)] += 1
                continue
            ahead = [moment for moment in moments if moment > self.now]
            if ahead:
                self.left_out[HELD] += 1
                first = min(ahead)
                self.held_until = first if self.held_until is None else min(self.held_until, first)
                continue
            kept.append(row)
        return kept

    def moment(self, value: object, what: str) -> datetime:
        if not isinstance(value, str) or not _TIME.fullmatch(value):
            raise Bad(f"a {what} that is not a time as backroutine writes it")
        try:
            moment = datetime.fromisoformat(value)
        except ValueError:
            raise Bad(f"a {what} that is not a real date") from None
        if moment.year < EARLIEST_YEAR:
            raise Bad(f"a {what} before {EARLIEST_YEAR}")
        if moment > self.latest:
            raise Bad(f"a {what} more than a day in the future (a wrong clock or file)")
        return moment


def _uid(row: Row) -> None:
    uid = row[0]
    if not isinstance(uid, str) or not 1 <= len(uid) <= 200:
        raise Bad("no record id that can be read")


def _text(value: object, what: str, *, empty: bool = False, limit: int = MAX_TEXT) -> None:
    if not isinstance(value, str) or len(value) > limit or (not value and not empty):
        raise Bad(f"{what} that is not text")


def _optional_text(value: object, what: str, limit: int = MAX_TEXT) -> None:
    if value is not None:
        _text(value, what, empty=True, limit=limit)


def _whole(value: object, what: str, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise Bad(f"{what} that is not a whole number from {low} to {high}")
    return value


def _number(value: object, what: str, low: float, high: float) -> None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise Bad(f"{what} that is not a number")
    if not math.isfinite(value) or not low <= value <= high:
        raise Bad(f"{what} outside {low:g} to {high:g}")


def _optional(value: object, times: list[datetime], checked: Checked, what: str) -> None:
    if value is not None:
        times.append(checked.moment(value, what))


def _session(checked: Checked, row: Row) -> tuple[Row, list[datetime]]:
    _uid(row)
    _, routine_id, name, category, started, ended, status, seconds, done, total, reason, level = row
    _text(routine_id, "a routine id")
    _text(name, "a routine name", empty=True)
    _text(category, "a category")
    times = [checked.moment(started, "session start")]
    _optional(ended, times, checked, "session end")
    if status not in ("completed", "stopped", "interrupted"):
        raise Bad("a session status backroutine does not know")
    _number(seconds, "minutes played", 0, MAX_ACTIVE_SECONDS)
    if _whole(done, "a step count", 0, MAX_STEPS) > _whole(total, "a step count", 0, MAX_STEPS):
        raise Bad("more steps done than the routine has")
    _optional_text(reason, "a reason")
    if level is not None:
        _whole(level, "a level", 1, 5)
    return row, times


def _checkin(checked: Checked, row: Row) -> tuple[Row, list[datetime]]:
    _uid(row)
    _, local_id, at, pain, spasms, note, new_episode, created = row
    _whole(local_id, "a local id", 1, 2**62)
    times = [checked.moment(at, "check-in time"), checked.moment(created, "check-in time")]
    _whole(pain, "a pain score", 0, 10)
    if spasms not in (None, "fewer", "same", "more"):
        raise Bad("a spasms answer backroutine does not know")
    _optional_text(note, "a note", MAX_NOTE)
    _whole(new_episode, "a new-episode mark", 0, 1)
    return row, times


def _answers(checked: Checked, row: Row) -> tuple[Row, list[datetime]]:
    """Safety answers. Keys this version does not know (a newer backroutine's questions) are
    dropped and the known ones kept: leaving the whole row out would lose a yes to a question
    both versions ask, and make older answers the latest."""
    _uid(row)
    uid, answered, yes, checked_at, question_set = row
    times = [checked.moment(answered, "safety answer time")]
    _optional(checked_at, times, checked, "time marked as checked")
    try:
        keys = json.loads(yes) if isinstance(yes, str) and len(yes) <= 10_000 else None
    except ValueError:
        keys = None
    if not isinstance(keys, list) or not all(isinstance(key, str) for key in keys):
        raise Bad("safety answers that cannot be read")
    _whole(question_set, "a question set", 1, 1_000)
    known = [key for key in keys if key in _KNOWN_KEYS]
    if len(known) != len(keys):
        checked.left_out[UNKNOWN_QUESTIONS] += 1
        row = (uid, answered, json.dumps(known), checked_at, question_set)
    return row, times


def _break(checked: Checked, row: Row) -> tuple[Row, list[datetime]]:
    _uid(row)
    _, at, outcome, routine_id, minutes = row
    times = [checked.moment(at, "break time")]
    if outcome not in ("taken", "skipped", "snoozed"):
        raise Bad("a break outcome backroutine does not know")
    if routine_id is not None:
        _text(routine_id, "a routine id")
    if minutes is not None:
        _number(minutes, "a break length", 0, 24 * 60)
    return row, times


def _activity(checked: Checked, row: Row) -> tuple[Row, list[datetime]]:
    _uid(row)
    _, local_id, name, key, added, removed = row
    _whole(local_id, "a local id", 1, 2**62)
    _text(name, "an activity name", limit=60)
    _text(key, "an activity name", limit=240)
    times = [checked.moment(added, "activity time")]
    _optional(removed, times, checked, "activity time")
    return row, times


def _rating(checked: Checked, row: Row) -> tuple[Row, list[datetime]]:
    _uid(row)
    _, activity_id, checkin_id, at, score, created = row
    _whole(activity_id, "a local id", 1, 2**62)
    if checkin_id is not None:
        _whole(checkin_id, "a local id", 1, 2**62)
    times = [checked.moment(at, "rating time"), checked.moment(created, "rating time")]
    _whole(score, "a rating", 0, 10)
    return row, times


def _correction(checked: Checked, row: Row) -> tuple[Row, list[datetime]]:
    _uid(row)
    _, checkin_uid, at, deleted, pain, spasms, note, _device = row
    _text(checkin_uid, "a check-in id", limit=200)
    times = [checked.moment(at, "correction time")]
    _whole(deleted, "a deletion mark", 0, 1)
    if pain is not None:
        _whole(pain, "a pain score", 0, 10)
    elif not deleted:
        raise Bad("a correction without a pain score")
    if spasms not in (None, "fewer", "same", "more"):
        raise Bad("a spasms answer backroutine does not know")
    _optional_text(note, "a note", MAX_NOTE)
    return row, times


_CHECKS: dict[str, Callable[[Checked, Row], tuple[Row, list[datetime]]]] = {
    "sessions": _session,
    "checkins": _checkin,
    "red_flag_answers": _answers,
    "breaks": _break,
    "activities": _activity,
    "activity_ratings": _rating,
    "checkin_corrections": _correction,
}


def check_rows(rows: dict[str, list[Row]], now: datetime | None = None) -> Checked:
    """Check every table's rows in place (`rows` keeps only those that may be merged)."""
    checked = Checked(datetime.now(UTC) if now is None else now)
    for table, table_rows in rows.items():
        rows[table] = checked.rows(table, table_rows)
    return checked
