"""What the report shows, read from the history once: the period, and the check-ins, days,
episodes, sessions, activities and ratings in it, with where the person stands now."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Protocol

from backroutine.core.days import Day, current_episode, in_order, score_days
from backroutine.core.function import Activity, ActivityRating, FunctionScore
from backroutine.core.health import Checkin, PlayedSession, RedFlagAnswers
from backroutine.core.history.records import SessionRecord
from backroutine.core.progression import Progress, assess_history
from backroutine.core.stats import countable
from backroutine.services.activities import current_function
from backroutine.services.corrections import device_names


class ReportHistory(Protocol):
    """What the report reads of a history (HistoryStore and EmptyHistory have it)."""

    def sessions(self, limit: int | None = None) -> list[SessionRecord]: ...

    def checkins(self) -> list[Checkin]: ...

    def checkin_records(self) -> tuple[list[Checkin], list[Checkin]]: ...

    def red_flags(self) -> RedFlagAnswers: ...

    def played_sessions(self) -> list[PlayedSession]: ...

    def activities(self, *, include_removed: bool = False) -> list[Activity]: ...

    def ratings(self, since: datetime | None = None) -> list[ActivityRating]: ...


@dataclass(frozen=True, slots=True)
class ReportData:
    """Everything the report's sections show, read once from the history."""

    now: datetime
    start: date
    end: date
    checkins: list[Checkin]  # in the period, in time order (as corrected)
    days: list[Day]  # scored days in the period (flags from the whole history)
    hurt_days: list[date]  # "this hurts" stops in the period
    episodes: list[tuple[date, date, int]]  # (first day, last day, starting pain), clipped
    sessions: list[SessionRecord]  # in the period, oldest first
    activities: list[Activity]  # every activity ever named
    ratings: list[ActivityRating]  # in the period, oldest first
    all_ratings: list[ActivityRating]
    function: FunctionScore
    progress: Progress
    flags: RedFlagAnswers
    deleted: list[Checkin] = field(default_factory=list)  # deleted, in the period, in order
    names: dict[str, str] = field(default_factory=dict)  # the computers, by id


def split_episodes(ordered: Sequence[Checkin]) -> list[Sequence[Checkin]]:
    """Every episode, oldest first, by core/days.py's own rule applied again and again."""
    out: list[Sequence[Checkin]] = []
    rest = ordered
    while rest:
        episode = current_episode(rest)
        out.insert(0, episode)
        rest = rest[: len(rest) - len(episode)]
    return out


def gather(history: ReportHistory, now: datetime, since: date | None) -> ReportData:
    """The period (from `since`, else the first record, to now's date) and what is in it.
    Flare days and starting pains are worked out on the whole history, then clipped: the
    first days of a period need the days before them to know if they are flare days."""
    end = now.date()
    if since is not None and since > end:
        raise ValueError(f"the report cannot start after today ({since.isoformat()})")
    current, deleted = history.checkin_records()
    ordered = in_order(current)
    played = history.played_sessions()
    hurt = {s.day for s in played if s.hurt}
    # Minutes that cannot be true are left out of the report and its charts (stats.py).
    sessions = sorted(
        countable(history.sessions()), key=lambda s: datetime.fromisoformat(s.started_at)
    )
    all_ratings = history.ratings()
    firsts = [c.at.date() for c in ordered[:1]] + [r.at.date() for r in all_ratings[:1]]
    firsts += [datetime.fromisoformat(s.started_at).date() for s in sessions[:1]]
    start = since or min(firsts, default=end)
    days: list[Day] = []
    episodes: list[tuple[date, date, int]] = []
    for episode in split_episodes(ordered):
        scored = score_days(episode, hurt)  # flares need the days before the period too
        days += [d for d in scored if start <= d.day <= end]
        first, last = max(scored[0].day, start), min(scored[-1].day, end)
        if first <= last:
            episodes.append((first, last, episode[0].pain))
    return ReportData(
        now=now,
        start=start,
        end=end,
        checkins=[c for c in ordered if start <= c.at.date() <= end],
        days=days,
        hurt_days=sorted(d for d in hurt if start <= d <= end),
        episodes=episodes,
        sessions=[
            s for s in sessions if start <= datetime.fromisoformat(s.started_at).date() <= end
        ],
        activities=history.activities(include_removed=True),
        ratings=[r for r in all_ratings if start <= r.at.date() <= end],
        all_ratings=all_ratings,
        function=current_function(history),
        progress=assess_history(history, now=now),
        flags=history.red_flags(),
        deleted=[c for c in in_order(deleted) if start <= c.at.date() <= end],
        names=device_names(history),
    )
