"""Numbers about the sessions and check-ins: what `backroutine stats` and the home screen show."""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Protocol, TypeVar

from backroutine.core.categories import CATEGORIES
from backroutine.core.health import Checkin
from backroutine.core.words import minutes_of

PAIN_AFTER_WINDOW = timedelta(hours=2)  # a check-in this soon after a session is "after" it
DAYS_SHOWN = 14
DAY_SECONDS = 24 * 60 * 60


class SessionLike(Protocol):
    # Read-only properties, so that frozen records (the history's SessionRecord) satisfy it.
    @property
    def routine_name(self) -> str: ...

    @property
    def category(self) -> str: ...

    @property
    def started_at(self) -> str: ...

    @property
    def ended_at(self) -> str | None: ...

    @property
    def status(self) -> str: ...

    @property
    def active_seconds(self) -> float: ...


class BreakLike(Protocol):
    @property
    def at(self) -> datetime: ...

    @property
    def outcome(self) -> str: ...


@dataclass(frozen=True, slots=True)
class Around:
    """Pain before and after one session, when the person checked in around it."""

    routine_name: str
    started_at: datetime
    minutes: float
    before: int | None
    after: int | None


def _when(text: str) -> datetime:
    return datetime.fromisoformat(text)


S = TypeVar("S", bound=SessionLike)


def countable(sessions: Sequence[S]) -> list[S]:
    """The sessions whose minutes can be counted, in their order. A session whose minutes are
    not a number from 0 to 24 h, or a day whose sessions add up to more than 24 h, cannot be
    true (a broken or hostile file): left out as invalid, so that no chart, report or total
    scales itself to it (1e13 seconds made the report build a list of gigabytes)."""
    dated: list[tuple[S, date]] = []
    for session in sessions:
        seconds = session.active_seconds
        if isinstance(seconds, bool) or not isinstance(seconds, int | float):
            continue
        if not math.isfinite(seconds) or not 0 <= seconds <= DAY_SECONDS:
            continue
        try:
            dated.append((session, _when(session.started_at).date()))
        except (TypeError, ValueError):
            continue
    per_day: defaultdict[date, float] = defaultdict(float)
    for session, day in dated:
        per_day[day] += session.active_seconds
    return [session for session, day in dated if per_day[day] <= DAY_SECONDS]


def _minutes(sessions: Sequence[SessionLike]) -> float:
    return minutes_of(sum(s.active_seconds for s in sessions))


def _count(sessions: Sequence[SessionLike]) -> dict[str, float]:
    return {"sessions": len(sessions), "minutes": _minutes(sessions)}


def streak(days_with_sessions: set[date], today: date) -> int:
    """Days in a row with a completed session, ending today (or yesterday: a streak is not
    broken before the day is over)."""
    day = today if today in days_with_sessions else today - timedelta(days=1)
    count = 0
    while day in days_with_sessions:
        count += 1
        day -= timedelta(days=1)
    return count


def pain_around(sessions: Sequence[SessionLike], checkins: Sequence[Checkin]) -> list[Around]:
    """For each session (newest first): the last check-in earlier that day, and the first
    within two hours after it ended."""
    ordered = sorted(checkins, key=lambda c: c.at)
    out = []
    for session in sessions:
        start = _when(session.started_at)
        end = _when(session.ended_at) if session.ended_at else start
        before = [c for c in ordered if c.at <= start and c.at.date() == start.date()]
        after = [c for c in ordered if end <= c.at <= end + PAIN_AFTER_WINDOW]
        out.append(
            Around(
                session.routine_name,
                start,
                round(session.active_seconds / 60, 1),
                before[-1].pain if before else None,
                after[0].pain if after else None,
            )
        )
    return out


def compute(
    sessions: Sequence[SessionLike],
    checkins: Sequence[Checkin],
    today: date,
    breaks: Sequence[BreakLike] = (),
) -> dict[str, object]:
    """Everything as plain JSON-ready values."""
    week_start = today - timedelta(days=today.weekday())  # Monday
    last_week_start = week_start - timedelta(days=7)
    sessions = countable(sessions)
    day_of = {id(s): _when(s.started_at).date() for s in sessions}
    this_week = [s for s in sessions if day_of[id(s)] >= week_start]
    completed_days = {day_of[id(s)] for s in sessions if s.status == "completed"}
    per_category = {
        category: _count([s for s in sessions if s.category == category]) for category in CATEGORIES
    }
    per_day = []
    for back in range(DAYS_SHOWN - 1, -1, -1):
        day = today - timedelta(days=back)
        that_day = [s for s in sessions if day_of[id(s)] == day]
        per_day.append({"date": day.isoformat(), **_count(that_day)})
    ordered = sorted(checkins, key=lambda c: c.at)

    def average(start: date, end: date) -> float | None:
        scores = [c.pain for c in ordered if start <= c.at.date() < end]
        return round(sum(scores) / len(scores), 1) if scores else None

    around = [
        a
        for a in pain_around(sessions[:20], ordered)
        if a.before is not None or a.after is not None
    ]

    def break_counts(items: Sequence[BreakLike]) -> dict[str, int]:
        outcomes = [b.outcome for b in items]
        return {o: outcomes.count(o) for o in ("taken", "skipped", "snoozed")}

    breaks_this_week = [b for b in breaks if b.at.date() >= week_start]
    return {
        "today": today.isoformat(),
        "breaks": {"this_week": break_counts(breaks_this_week), "total": break_counts(breaks)},
        "this_week": _count(this_week),
        "total": _count(sessions),
        "completed": sum(1 for s in sessions if s.status == "completed"),
        "streak_days": streak(completed_days, today),
        "per_category": per_category,
        "per_day": per_day,
        "pain": {
            "latest": ordered[-1].pain if ordered else None,
            "average_this_week": average(week_start, today + timedelta(days=1)),
            "average_last_week": average(last_week_start, week_start),
            "trend": [c.pain for c in ordered[-DAYS_SHOWN:]],
            "checkins": len(ordered),
        },
        "pain_around_sessions": [
            {
                "routine_name": a.routine_name,
                "started_at": a.started_at.isoformat(timespec="seconds"),
                "minutes": a.minutes,
                "before": a.before,
                "after": a.after,
            }
            for a in around
        ],
    }


SPARK = "▁▂▃▄▅▆▇█"


def sparkline(scores: Sequence[int], top: int = 10) -> str:
    """Pain scores 0..10 as a row of little bars."""
    return "".join(SPARK[min(len(SPARK) - 1, round(s / top * (len(SPARK) - 1)))] for s in scores)


def minutes_bars(per_day: Sequence[dict[str, object]]) -> str:
    """Minutes per day (compute()'s "per_day") as little bars, the busiest day the tallest."""
    minutes = [float(day["minutes"]) for day in per_day]  # type: ignore[arg-type]
    top = max(minutes, default=0) or 1
    return sparkline([round(m / top * 10) for m in minutes])
