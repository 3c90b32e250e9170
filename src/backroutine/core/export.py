"""History as CSV, for a spreadsheet or a clinician."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from datetime import datetime

from backroutine.core.function import ActivityRating
from backroutine.core.health import Checkin
from backroutine.core.history import BreakRecord, SessionRecord
from backroutine.core.text import escaped

# One table: a row per session, check-in, desk break and activity rating, oldest first. New
# columns go at the end, so a spreadsheet made from an older export still lines up.
COLUMNS = (
    "type",
    "time",
    "routine_id",
    "routine_name",
    "category",
    "status",
    "reason",
    "active_seconds",
    "steps_done",
    "steps_total",
    "level",
    "ended_at",
    "pain",
    "spasms",
    "note",
    "new_episode",
    "outcome",
    "minutes",
    "activity",
    "score",
    "uid",
    "original_pain",
)

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: object) -> object:
    """Text that a spreadsheet would run as a formula gets a leading apostrophe (the OWASP
    advice against CSV injection), and control codes are shown escaped (the CSV may land on a
    terminal); numbers stay numbers."""
    if isinstance(value, str):
        value = escaped(value)
        if value.startswith(_FORMULA_START):
            return "'" + value
    return "" if value is None else value


def _session_row(s: SessionRecord) -> dict[str, object]:
    row = s.to_dict()
    row.update(type="session", time=s.started_at)
    return row


def _checkin_row(c: Checkin) -> dict[str, object]:
    when = c.at.isoformat(timespec="seconds")
    return {
        "type": "checkin",
        "time": when,
        "pain": c.pain,
        "spasms": c.spasms,
        "note": c.note,
        "new_episode": int(c.new_episode),
        "uid": c.uid,
        # Set when the check-in was corrected: the pain as first recorded.
        "original_pain": None if c.original is None else c.original.pain,
    }


def _break_row(b: BreakRecord) -> dict[str, object]:
    when = b.at.isoformat(timespec="seconds")
    return {
        "type": "break",
        "time": when,
        "routine_id": b.routine_id,
        "outcome": b.outcome,
        "minutes": b.minutes,
    }


def _rating_row(r: ActivityRating) -> dict[str, object]:
    return {
        "type": "rating",
        "time": r.at.isoformat(timespec="seconds"),
        "activity": r.activity,
        "score": r.score,
    }


def history_csv(
    sessions: Iterable[SessionRecord],
    checkins: Iterable[Checkin],
    breaks: Iterable[BreakRecord] = (),
    ratings: Iterable[ActivityRating] = (),
) -> str:
    rows = [_session_row(s) for s in sessions] + [_checkin_row(c) for c in checkins]
    rows += [_break_row(b) for b in breaks]
    rows += [_rating_row(r) for r in ratings]
    rows.sort(key=lambda row: datetime.fromisoformat(str(row["time"])))
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    for row in rows:
        writer.writerow([safe_cell(row.get(column)) for column in COLUMNS])
    return out.getvalue()
