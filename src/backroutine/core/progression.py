"""Where the person stands now: when strengthening opens and up to which level, what holds a
routine, whether to see a professional, and when to ask the safety questions again. The rules
of SAFETY_RULES.md, exactly, as pure functions of the history and the present moment.

Everything is evaluated now, from the whole history: nothing is remembered ("unlocked" is never
stored), so a day back at a high score closes strengthening at once, and two improved days after
a flare open it again. The present moment is a parameter (`now`), never read from a clock here,
so every rule is table-tested at its boundaries. Days and episodes are in core/days.py, the
reasons to see a professional in core/referral.py, the words in core/advice.py.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Protocol

from backroutine.core import advice
from backroutine.core.categories import CATEGORIES, Category
from backroutine.core.days import (
    Day,
    current_episode,
    day_scores,
    good_at_or_below,
    improved_at_or_below,
    in_order,
    last_flare_day,
    score_days,
)
from backroutine.core.health import (
    URGENCIES,
    Checkin,
    PlayedSession,
    RedFlag,
    RedFlagAnswers,
    Urgency,
    most_urgent,
)
from backroutine.core.referral import Reason, professional_reasons, severe_holds

# Every number of the rules, with where it comes from (the thresholds of days, flares and
# episodes are in core/days.py, those of the advice in core/referral.py). SAFETY_RULES.md is the
# decision for all of them; the sources are what that decision rests on.
#
# Strengthening needs a check-in in the last 14 days: pain that was lessened a month ago says
# nothing about today (SAFETY_RULES.md, a product decision).
STALE_AFTER_DAYS = 14
# Levels: 1-2 open with strengthening; each higher level after completed sessions one level
# below on 2 different days, counted again from level 2 after a flare. Graded activity: Lindström
# I et al., "The effect of graded activity on patients with subacute low back pain", Phys Ther
# 1992;72(4):279-290. A strengthening routine without a level, and a session recorded before
# levels were, count as level 2 (SAFETY_RULES.md).
OPEN_LEVEL = 2
MAX_LEVEL = 5
DEFAULT_LEVEL = 2
LEVEL_DAYS = 2
# Re-screening (SAFETY_RULES.md version 3): a new episode asks the safety questions again,
# unless it is the person's first and started within 7 days of answering them (first use).
RESCREEN_AFTER_FIRST_USE_DAYS = 7
TREND_LENGTH = 14  # day scores kept for the sparkline

STRENGTHENING: Category = "strengthening"
YOGA: Category = "yoga"
# Gentle movement and stretching are never locked by pain: NICE NG59 advises staying active
# and exercise from the start. Only a red flag locks them: an emergency every routine, a
# "today" flag yoga and strengthening (SAFETY_RULES.md version 3).
ALWAYS_OPEN: tuple[Category, ...] = tuple(c for c in CATEGORIES if c != STRENGTHENING)
GATED: tuple[Category, ...] = (STRENGTHENING,)
HELD_BY_TODAY_FLAGS: tuple[Category, ...] = (YOGA, STRENGTHENING)
# "See a professional" reasons that also hold strengthening shut (condition 5): the app never
# says "your back is getting worse" and "strengthening is open" at once. not_improving and a
# "soon" red flag advise without locking.
SHUTTING_REASONS = ("worsening", "severe", "spasms_more", "hurt_stops")


@dataclass(frozen=True, slots=True)
class NextLevel:
    level: int
    needs: str
    days_so_far: int
    days_needed: int = LEVEL_DAYS

    def to_dict(self) -> dict[str, object]:
        return {
            "level": self.level,
            "needs": self.needs,
            "days_so_far": self.days_so_far,
            "days_needed": self.days_needed,
        }


@dataclass(frozen=True, slots=True)
class Progress:
    unlocked: tuple[str, ...]  # categories open now, in CATEGORIES order
    locked: dict[str, str]  # category -> why it is locked and what would open it
    locked_all: str | None  # an emergency red flag holds every routine: why, and what to do
    strengthening_level: int | None  # the highest open level; None while strengthening is shut
    next_level: NextLevel | None  # what opens the next level; None when shut or at the top
    see_professional: bool
    reasons: tuple[Reason, ...]  # most urgent first
    urgency: Urgency | None
    safety_due: bool  # the safety questions should be asked (again)
    safety_asked: bool  # they were answered at least once (to any set of questions)
    stale: bool  # the latest check-in is more than 14 days old
    pain: int | None  # the latest check-in's pain
    baseline: int | None  # the current episode's starting pain
    unlock_at_or_below: int | None  # the highest score of a good day (opens strengthening)
    days_needed: int  # good days still needed to open strengthening (0 when open)
    progress_text: str  # strengthening in one or two sentences: open up to where, or why not
    trend: tuple[int, ...]  # the last TREND_LENGTH day scores, oldest first
    episode_started: datetime | None
    last_flare: date | None  # the current episode's most recent flare day
    days: tuple[Day, ...]  # the current episode's days, oldest first
    improved_at_or_below: int | None = None  # the highest score of an improved day

    def advice_by_urgency(self) -> list[tuple[Urgency, list[str]]]:
        """The reasons' facts grouped under what to do, most urgent first (for the screens)."""
        groups = [(u, [r.fact for r in self.reasons if r.urgency == u]) for u in URGENCIES]
        return [(urgency, facts) for urgency, facts in groups if facts]

    @property
    def red_flag_open(self) -> bool:
        return any(r.code == "red_flag" for r in self.reasons)

    def to_dict(self) -> dict[str, object]:
        """The shape of `status --json` (SAFETY_RULES.md; red_flags is the caller's)."""
        return {
            "unlocked": list(self.unlocked),
            "locked": dict(self.locked),
            "locked_all": self.locked_all,
            "strengthening_level": self.strengthening_level,
            "next_level": self.next_level.to_dict() if self.next_level else None,
            "see_professional": self.see_professional,
            "reasons": [reason.to_dict() for reason in self.reasons],
            "urgency": self.urgency,
            "safety_due": self.safety_due,
            "stale": self.stale,
            "pain": self.pain,
            "baseline": self.baseline,
            "unlock_at_or_below": self.unlock_at_or_below,
            "days_needed": self.days_needed,
            "progress": self.progress_text,
            "trend": list(self.trend),
            "episode_started": _iso(self.episode_started),
            "last_flare": self.last_flare.isoformat() if self.last_flare else None,
        }


def assess(
    checkins: Iterable[Checkin],
    red_flags: RedFlagAnswers | None = None,
    sessions: Iterable[PlayedSession] = (),
    *,
    now: datetime,
    levels_with_routines: Collection[int] | None = None,
) -> Progress:
    """Where the person stands at `now` (timezone-aware): what is open and why not, and
    whether (and how urgently) to see a professional. `levels_with_routines`: the
    strengthening levels that have a routine (None: every level), so a level with none is
    never announced as opening."""
    if now.tzinfo is None or now.utcoffset() is None:
        raise ValueError(f"now ({now.isoformat()}) has no time zone")
    today = now.date()
    flags = red_flags if red_flags is not None else RedFlagAnswers()
    played = list(sessions)
    ordered = in_order(checkins)
    episode = current_episode(ordered)
    first_day = episode[0].at.date() if episode else None
    hurt_days = {s.day for s in played if s.hurt}
    days = score_days(episode, hurt_days)
    last_flare = last_flare_day(days, hurt_days, first_day)
    baseline = episode[0].pain if episode else None
    good_max = good_at_or_below(baseline) if baseline is not None else None
    stale = bool(days) and (today - days[-1].day).days > STALE_AFTER_DAYS
    needed = days_needed(days, last_flare)

    open_flags = flags.open_flags
    emergency = [f for f in open_flags if f.locks == "everything"]
    holds = [f for f in open_flags if f.locks == "strengthening and yoga"]
    locked_all = advice.emergency_lock_text(emergency) if emergency else None
    reasons = professional_reasons(days, ordered, played, open_flags, today)
    shutting = [r for r in reasons if r.code in SHUTTING_REASONS]
    is_open = not emergency and not holds and needed == 0 and not stale and not shutting

    level = next_level = None
    if is_open:
        assert first_day is not None
        level, next_level = levels(
            played,
            since=max(first_day, last_flare or first_day),
            today=today,
            available=levels_with_routines,
        )
        text = f"Strengthening is open: levels 1-{level}."
        if next_level is not None:
            text += " " + advice.next_level_text(
                next_level.level, next_level.days_so_far, next_level.days_needed
            )
        why = None
    else:
        why = _why_shut(days, holds, shutting, stale, last_flare, baseline, good_max, needed, today)
        text = locked_all or why
    locked: dict[str, str] = {}
    if locked_all is not None:
        locked = dict.fromkeys(CATEGORIES, locked_all)
    else:
        if holds:
            locked[YOGA] = advice.red_flag_lock_text(holds, YOGA)
        if why is not None:
            locked[STRENGTHENING] = why
    return Progress(
        unlocked=tuple(c for c in CATEGORIES if c not in locked),
        locked={c: locked[c] for c in CATEGORIES if c in locked},
        locked_all=locked_all,
        strengthening_level=level,
        next_level=next_level,
        see_professional=bool(reasons),
        reasons=reasons,
        urgency=most_urgent(r.urgency for r in reasons),
        safety_due=safety_due(flags, ordered, episode, last_flare, played),
        safety_asked=flags.asked,
        stale=stale,
        pain=ordered[-1].pain if ordered else None,
        baseline=baseline,
        unlock_at_or_below=good_max,
        days_needed=needed,
        progress_text=text,
        trend=tuple(day_scores(ordered).values())[-TREND_LENGTH:],
        episode_started=episode[0].at if episode else None,
        last_flare=last_flare,
        days=tuple(days),
        improved_at_or_below=improved_at_or_below(baseline) if baseline is not None else None,
    )


def routine_lock(progress: Progress, category: str, level: int | None = None) -> str | None:
    """Why a routine of `category` (and `level`) cannot be played now; None when it can."""
    _known(category)
    if progress.locked_all is not None:
        return progress.locked_all
    why = progress.locked.get(category)
    if why is not None or category != STRENGTHENING:
        return why
    wanted = level or DEFAULT_LEVEL
    open_level = progress.strengthening_level
    if open_level is not None and wanted > open_level and progress.next_level is not None:
        step = progress.next_level
        return advice.level_lock_text(wanted, open_level, step.days_so_far, step.days_needed)
    return None


def is_open(progress: Progress, category: str) -> bool:
    _known(category)
    return category in progress.unlocked


# --- days and episodes ---------------------------------------------------------------------


def days_needed(days: Sequence[Day], last_flare: date | None) -> int:
    """How many more good days open strengthening (leaving red flags, staleness and the
    reasons to see a professional aside): 0 when the two most recent days are good days after
    the last flare."""

    def counts(day: Day) -> bool:
        return day.good and (last_flare is None or day.day > last_flare)

    if len(days) >= 2 and counts(days[-2]) and counts(days[-1]):
        return 0
    if days and counts(days[-1]):
        return 1  # a new day pairs with the latest
    return 2


def levels(
    sessions: Iterable[PlayedSession],
    *,
    since: date,
    today: date,
    available: Collection[int] | None = None,
) -> tuple[int, NextLevel | None]:
    """The highest open strengthening level, and what opens the next one (None at the top, or
    when no routine has the next level). Only completed strengthening sessions on dates after
    `since` (the episode's first day, or the last flare day if later) count."""
    counting = [
        s
        for s in sessions
        if s.completed and s.category == STRENGTHENING and since < s.day <= today
    ]

    def days_at(level: int) -> int:
        return len({s.day for s in counting if (s.level or DEFAULT_LEVEL) >= level})

    level = OPEN_LEVEL
    while level < MAX_LEVEL and days_at(level) >= LEVEL_DAYS:
        level += 1
    following = level + 1
    if level == MAX_LEVEL or (available is not None and following not in available):
        return level, None
    return level, NextLevel(following, advice.level_needs_text(following), days_at(level))


def safety_due(
    flags: RedFlagAnswers,
    ordered: Sequence[Checkin],
    episode: Sequence[Checkin],
    last_flare: date | None,
    played: Sequence[PlayedSession] = (),
) -> bool:
    """Ask the safety questions (again), at most once a day: never answered, or answered to an
    older set of questions; the episode's last flare day is a later date than the answers; the
    episode started on a later date than the answers and either follows an earlier episode or
    started more than 7 days after them (so first use, then a check-in the next day, does not
    ask again); or `severe` holds now and did not with the check-ins made before the answers."""
    if not flags.current or flags.answered_at is None:
        return True
    answered_at = flags.answered_at
    answered = answered_at.date()
    if last_flare is not None and last_flare > answered:
        return True
    if episode:
        first = episode[0].at.date()
        earlier_episode = len(episode) < len(ordered)
        if first > answered and (
            earlier_episode or (first - answered).days > RESCREEN_AFTER_FIRST_USE_DAYS
        ):
            return True
    severe_now = _severe_in(ordered, played)
    if severe_now:
        before = [c for c in ordered if c.at < answered_at]
        return not _severe_in(before, played)
    return False


def _severe_in(ordered: Sequence[Checkin], played: Sequence[PlayedSession]) -> bool:
    """Whether `severe` holds on these check-ins (time-ordered) alone."""
    episode = current_episode(ordered)
    hurt_days = {s.day for s in played if s.hurt}
    return severe_holds(score_days(episode, hurt_days))


# --- see a professional --------------------------------------------------------------------


# --- why strengthening is shut -------------------------------------------------------------


def _why_shut(
    days: Sequence[Day],
    holds: Sequence[RedFlag],
    shutting: Sequence[Reason],
    stale: bool,
    last_flare: date | None,
    baseline: int | None,
    threshold: int | None,
    needed: int,
    today: date,
) -> str:
    """Which condition holds strengthening shut, and what would open it (the first that holds:
    a red flag, no check-in, a reason to see a professional, a stale check-in, a flare, not yet
    lessened)."""
    if holds:
        return advice.red_flag_lock_text(holds, STRENGTHENING)
    if not days or baseline is None or threshold is None:
        return advice.fresh_lock_text()
    if shutting:
        return advice.advice_lock_text([r.code for r in shutting], needed, threshold)
    if stale:
        ago = (today - days[-1].day).days
        return advice.stale_lock_text(ago, threshold, max(needed, 1))
    recent = days[-2].day if len(days) >= 2 else days[-1].day
    if last_flare is not None and last_flare >= recent:
        return advice.flare_lock_text(last_flare, baseline, threshold, needed)
    return advice.lessening_lock_text(baseline, threshold, needed)


# --- what changed --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Change:
    """What a new check-in (or session, or answer) changed."""

    strengthening: str | None  # opened, closed, or a level opened, in words; None if nothing
    new_reasons: tuple[Reason, ...]  # reasons to see a professional that were not there before

    def notes(self) -> list[str]:
        """In words, the advice first: for a toast or a line each."""
        notes = [advice.new_advice_text(r.text) for r in self.new_reasons]
        return notes + ([self.strengthening] if self.strengthening else [])


def what_changed(before: Progress, after: Progress) -> Change:
    was, now = is_open(before, STRENGTHENING), is_open(after, STRENGTHENING)
    note = None
    if now and not was:
        note = advice.OPENED
    elif was and not now:
        note = advice.CLOSED
    elif now and (after.strengthening_level or 0) > (before.strengthening_level or 0):
        note = advice.level_opened_text(after.strengthening_level or 0)
    seen = {(r.code, r.urgency) for r in before.reasons}
    fresh = tuple(r for r in after.reasons if (r.code, r.urgency) not in seen)
    return Change(note, fresh)


# --- reading a history ---------------------------------------------------------------------


class History(Protocol):
    """What assessing needs from a history store."""

    def checkins(self) -> list[Checkin]: ...

    def red_flags(self) -> RedFlagAnswers: ...

    def played_sessions(self) -> list[PlayedSession]: ...


def assess_history(
    history: History | None, *, now: datetime, levels: Collection[int] | None = None
) -> Progress:
    """Where the person stands, from a history store; with none, as on a first run.
    `levels`: the strengthening levels that have a routine (None: all)."""
    if history is None:
        return assess([], now=now, levels_with_routines=levels)
    return assess(
        history.checkins(),
        history.red_flags(),
        history.played_sessions(),
        now=now,
        levels_with_routines=levels,
    )


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat(timespec="seconds") if moment is not None else None


def _known(category: str) -> None:
    if category not in CATEGORIES:
        raise ValueError(f"unknown category {category!r}; expected one of {', '.join(CATEGORIES)}")
