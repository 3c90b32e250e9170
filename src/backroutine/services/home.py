"""What the home screen shows, put together from the history and the routine library: today's
suggestion, the advice, the routines with their locks, the back's progress, the numbers and
the recent sessions. The screen only draws it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any, cast

from backroutine.core import advice as words
from backroutine.core.categories import CATEGORIES, Category
from backroutine.core.function import FunctionScore
from backroutine.core.history.records import SessionRecord
from backroutine.core.library import Entry, load_library
from backroutine.core.model import Routine
from backroutine.core.progression import Progress, assess, routine_lock
from backroutine.core.recommend import Choice, suggest
from backroutine.core.stats import compute, minutes_bars, pain_around
from backroutine.services.activities import function_lines, function_now
from backroutine.services.advice import ProfessionalAdvice, see_a_professional
from backroutine.services.history import NOT_OPENED_NOTICE, History, opened

RECENT_SHOWN = 8  # sessions in the home screen's table


@dataclass(frozen=True, slots=True)
class RoutineRow:
    """One routine in the list."""

    entry: Entry
    seconds: int  # its length as played
    lock: str | None  # why it cannot be played now, or None
    suggested: bool  # today's suggestion

    @property
    def routine(self) -> Routine:
        return self.entry.routine


@dataclass(frozen=True, slots=True)
class RoutineGroup:
    """The routines of one category, easiest first."""

    category: Category
    lock: str | None  # why the whole category is locked, or None
    open_to_level: int | None  # strengthening: the highest level open now
    routines: tuple[RoutineRow, ...]


@dataclass(frozen=True, slots=True)
class Numbers:
    """Sessions and minutes at a glance."""

    week_sessions: int
    week_minutes: float
    total_sessions: int
    total_minutes: float
    streak_days: int
    bars: str  # minutes per day, the last two weeks, as little bars (today last)


@dataclass(frozen=True, slots=True)
class RecentSession:
    session: SessionRecord
    pain_before: int | None  # the last check-in earlier that day
    pain_after: int | None  # the first within two hours after it


@dataclass(frozen=True, slots=True)
class HomeView:
    progress: Progress
    advice: ProfessionalAdvice
    suggested: RoutineRow | None  # today's routine, if one suits
    why: str  # why that one (or why none)
    notices: tuple[str, ...]  # what is wrong with the history; the safety questions when due
    library_problem: str | None  # routine files left out for their mistakes, in words
    groups: tuple[RoutineGroup, ...]
    numbers: Numbers
    recent: tuple[RecentSession, ...]  # newest first
    can_save: bool  # answers can be kept: the safety questions may be asked by themselves
    function: FunctionScore  # the PSFS: the activities' latest ratings and their mean
    function_lines: tuple[str, ...]  # ... in words (the score and its change; a line each)
    rate_now: tuple[str, ...]  # the activities the check-in asks to rate (once a week)
    last_checkin: datetime | None = None  # when the latest check-in was made, if any
    checked_in_today: bool = False  # on today's date, where the person checked in

    def routine(self, routine_id: str) -> RoutineRow | None:
        for group in self.groups:
            for row in group.routines:
                if row.entry.id == routine_id:
                    return row
        return None


def home_view(
    history: History,
    *,
    data_dir: Path | None,
    now: datetime,
    problems: list[str] | tuple[str, ...] = (),
    today: date | None = None,
) -> HomeView:
    """Everything on the home screen. `problems`: what is wrong with the history, as the CLI
    found it on opening it. Reads the history and the library: run it where waiting is fine."""
    # Each is read once: the progress, the notices and the charts all use them.
    sessions = history.sessions()
    checkins = history.checkins()
    library = load_library(data_dir) if data_dir else None
    levels = library.strengthening_levels if library is not None else None
    progress = assess(
        checkins,
        history.red_flags(),
        history.played_sessions(),
        now=now,
        levels_with_routines=levels,
    )
    entries = dict(library.entries) if library is not None else {}
    library_problem = None
    if library is not None and library.problems:
        broken = sorted({str(p.file) for p in library.problems})
        library_problem = (
            f"{len(broken)} of your routine files have mistakes and are left out; "
            f"see what to fix with: backroutine validate {' '.join(broken)}"
        )
    totals = {rid: entry.seconds for rid, entry in entries.items()}  # from the routine cache
    last_played: dict[str, str] = {}
    for s in sessions:  # newest first: the first seen is the latest
        last_played.setdefault(s.routine_id, s.started_at)
    choices = [Choice(rid, e.name, e.category, e.level, totals[rid]) for rid, e in entries.items()]
    suggestion = suggest(progress, choices, last_played)
    groups = _groups(progress, entries, totals, suggestion.routine_id)
    suggested = None
    for group in groups:
        for row in group.routines:
            if row.suggested:
                suggested = row
    # Answers that cannot be kept are not asked for (a read-only history, or none at all).
    can_save = not history.read_only
    notices = list(problems)
    if not opened(history) and not notices:
        notices.append(NOT_OPENED_NOTICE)
    if can_save and progress.safety_due:
        notices.append(words.ask_safety_text(progress.safety_asked))
    day = today or date.today()
    numbers = compute(sessions, checkins, day)
    last_checkin = max((c.at for c in checkins), default=None)
    function = function_now(history, now, checkins)  # with the check-ins read above
    around = pain_around(sessions[:RECENT_SHOWN], checkins)
    return HomeView(
        progress=progress,
        advice=see_a_professional(progress),
        suggested=suggested,
        why=suggestion.why,
        notices=tuple(notices),
        library_problem=library_problem,
        groups=groups,
        numbers=_numbers(numbers),
        recent=tuple(
            RecentSession(s, a.before, a.after)
            for s, a in zip(sessions[:RECENT_SHOWN], around, strict=True)
        ),
        can_save=can_save,
        function=function.score,
        function_lines=tuple(function_lines(function.score)) if function.score.activities else (),
        rate_now=tuple(a.name for a in function.score.activities)
        if function.due and can_save
        else (),
        last_checkin=last_checkin,
        # The check-in's own date (its stored offset), as the day scores count it.
        checked_in_today=last_checkin is not None and last_checkin.date() == day,
    )


def _groups(
    progress: Progress, entries: dict[str, Entry], totals: dict[str, int], suggested: str | None
) -> tuple[RoutineGroup, ...]:
    groups = []
    for category in CATEGORIES:
        members = sorted(
            (e for e in entries.values() if e.category == category),
            key=lambda e: (e.level or 1, e.name.lower()),
        )
        if not members:
            continue
        rows = tuple(
            RoutineRow(
                entry=e,
                seconds=totals[e.id],
                lock=routine_lock(progress, e.category, e.level),
                suggested=e.id == suggested,
            )
            for e in members
        )
        level = progress.strengthening_level if category == "strengthening" else None
        groups.append(RoutineGroup(category, progress.locked.get(category), level, rows))
    return tuple(groups)


def _numbers(data: dict[str, Any]) -> Numbers:
    week, total = data["this_week"], data["total"]
    return Numbers(
        week_sessions=cast(int, week["sessions"]),
        week_minutes=cast(float, week["minutes"]),
        total_sessions=cast(int, total["sessions"]),
        total_minutes=cast(float, total["minutes"]),
        streak_days=cast(int, data["streak_days"]),
        bars=minutes_bars(data["per_day"]),
    )
