"""Which routine categories are open, from the person's pain check-ins and red-flag answers.

Gentle routines and yoga are always open; strengthening opens once pain has clearly lessened
on two different days and closes again on a flare. The rules are a walk through the current
episode's check-ins in time order, so the answer never depends on the order they were stored.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from itertools import pairwise
from typing import Protocol

from backroutine.core.health import PAIN_MAX, PAIN_MIN, Checkin, RedFlag, RedFlagAnswers
from backroutine.core.model import CATEGORIES, Category

# Every threshold, in one place.
#
# "Clearly lessened": a drop of at least 2 points AND at least 30% from the episode's starting
# pain on the 0-10 numeric rating scale, the smallest change that matters to people with low
# back pain (Ostelo RW et al., "Interpreting change scores for pain and functional status in
# low back pain", Spine 2008;33(1):90-94). Pain at 0-1 counts as low whatever the baseline.
BASELINE_DROP_POINTS = 2
BASELINE_DROP_SHARE = 0.30
LOW_PAIN = 1
# A flare: pain at least 2 points above the lowest of the three check-ins before it. The 2 points
# mirror the minimal important change above; looking back three check-ins is a product choice
# (long enough that one good day does not make an ordinary day look like a flare).
FLARE_RISE_POINTS = 2
FLARE_LOOKBACK = 3
# More than four weeks without a check-in starts a new episode: a product choice, not a clinical
# threshold (long enough that a quiet spell between check-ins is not taken for a new episode).
NEW_EPISODE_GAP = timedelta(days=28)
# Two different days, so one good morning is not enough. NICE NG59 (low back pain and sciatica
# in over 16s) advises staying active and exercise from the start, which is why gentle movement
# and stretching are never locked; it also lists the red flags that mean seeing a professional.
DAYS_TO_UNLOCK = 2
# Pain rising at each of the last two check-ins (three scores in a row): a product choice for
# "getting worse", said calmly as a reason to see someone.
RISING_SCORES = 3
TREND_LENGTH = 14  # scores kept for the sparkline

# Yoga is the stretching the gentle stage leads into, so it opens with gentle. The one place
# that says which categories are never locked.
ALWAYS_OPEN: tuple[Category, ...] = ("gentle", "yoga")
GATED: tuple[Category, ...] = tuple(c for c in CATEGORIES if c not in ALWAYS_OPEN)
ALWAYS_OPEN_IN_ORDER: tuple[Category, ...] = tuple(c for c in CATEGORIES if c in ALWAYS_OPEN)

# The share as a whole-number ratio (30/100), so the test is exact: 0.3 * 10 in floating point
# is 3.0000000000000004, which would refuse a 3-point drop from 10. (No fractions module: it
# costs start-up time.)
_SHARE_NUM, _SHARE_DEN = round(BASELINE_DROP_SHARE * 100), 100
_WORDS = {1: "one", 2: "two", 3: "three", 4: "four", 5: "five"}

# Where the spec is silent, the cautious reading:
# - "Spasms more" on an episode's first check-in is a flare too, so its day never counts.
# - A day is the calendar date where the person was when checking in (the offset stored in
#   Checkin.at), not wherever this code happens to run.
# - Open red flags add reasons to see a professional but do not lock anything here: the spec
#   locks only on flares and new episodes, and the clients show the reasons prominently.
# - The texts never promise an unlock sooner than it can happen: after a good day and then a
#   worse one, they say two more days (a new day pairs with the worse one).


@dataclass(frozen=True, slots=True)
class Progress:
    unlocked: tuple[str, ...]  # categories open now, in CATEGORIES order
    locked: dict[str, str]  # category -> why it is locked and what would unlock it
    see_professional: bool
    reasons: tuple[str, ...]  # one plain sentence or two per reason to see a professional
    pain: int | None  # latest pain
    baseline: int | None  # the current episode's starting pain
    unlock_at_or_below: int | None  # highest pain that counts as clearly lessened
    # How many of the two most recent days (after the last flare) qualify now. A qualifying day
    # followed by one that does not still leaves two days to go (a new day pairs with the latest
    # one); progress_text and the lock reason say how many are really needed.
    qualifying_days: int
    progress_text: str
    trend: tuple[int, ...]  # the last TREND_LENGTH pain scores, oldest first
    episode_started: datetime | None
    last_flare: datetime | None  # in the current episode

    def to_dict(self) -> dict[str, object]:
        return {
            "unlocked": list(self.unlocked),
            "locked": dict(self.locked),
            "see_professional": self.see_professional,
            "reasons": list(self.reasons),
            "pain": self.pain,
            "baseline": self.baseline,
            "unlock_at_or_below": self.unlock_at_or_below,
            "qualifying_days": self.qualifying_days,
            "progress": self.progress_text,
            "trend": list(self.trend),
            "episode_started": _iso(self.episode_started),
            "last_flare": _iso(self.last_flare),
        }


def assess(checkins: Iterable[Checkin], red_flags: RedFlagAnswers | None = None) -> Progress:
    """Where the person stands now: what is open, what is not and why, and whether to see
    a professional."""
    ordered = in_order(checkins)
    reasons = _professional_reasons(ordered, red_flags)
    if not ordered:
        return Progress(
            unlocked=ALWAYS_OPEN_IN_ORDER,
            locked=dict.fromkeys(GATED, _lock_text_fresh()),
            see_professional=bool(reasons),
            reasons=reasons,
            pain=None,
            baseline=None,
            unlock_at_or_below=None,
            qualifying_days=0,
            progress_text=_progress_fresh(),
            trend=(),
            episode_started=None,
            last_flare=None,
        )

    episode = current_episode(ordered)
    baseline = episode[0].pain
    threshold = unlock_threshold(baseline)
    unlocked, flare, days = _walk(episode)
    recent = _recent(days)
    qualifying = sum(_day_counts(p, baseline) for p in recent)
    needed = DAYS_TO_UNLOCK - _trailing_run(recent, baseline)
    flare_day = flare.at.date() if flare is not None else None
    why = _lock_text(baseline, threshold, needed, flare_day)
    return Progress(
        unlocked=CATEGORIES if unlocked else ALWAYS_OPEN_IN_ORDER,
        locked={} if unlocked else dict.fromkeys(GATED, why),
        see_professional=bool(reasons),
        reasons=reasons,
        pain=ordered[-1].pain,
        baseline=baseline,
        unlock_at_or_below=threshold,
        qualifying_days=qualifying,
        progress_text=_progress(unlocked, threshold, needed, flare_day),
        trend=tuple(c.pain for c in ordered[-TREND_LENGTH:]),
        episode_started=episode[0].at,
        last_flare=flare.at if flare is not None else None,
    )


def is_open(progress: Progress, category: str) -> bool:
    _known(category)
    return category in progress.unlocked


def lock_reason(progress: Progress, category: str) -> str | None:
    """Why `category` is locked and what would unlock it; None when it is open."""
    _known(category)
    return progress.locked.get(category)


# --- the rules ---------------------------------------------------------------------------------


def in_order(checkins: Iterable[Checkin]) -> list[Checkin]:
    """Check-ins by time; ties by id (not yet stored last), then as given. Checks each one."""
    indexed = list(enumerate(checkins))
    for _, checkin in indexed:
        _check(checkin)
    indexed.sort(key=lambda pair: (pair[1].at, pair[1].id is None, pair[1].id or 0, pair[0]))
    return [checkin for _, checkin in indexed]


def current_episode(ordered: Sequence[Checkin]) -> Sequence[Checkin]:
    """The check-ins of the latest episode: from the last 'new episode' or long gap onwards."""
    start = 0
    for i in range(1, len(ordered)):
        gap = ordered[i].at - ordered[i - 1].at
        if ordered[i].new_episode or gap > NEW_EPISODE_GAP:
            start = i
    return ordered[start:]


def lessened_enough(pain: int, baseline: int) -> bool:
    """At least 2 points and at least 30% below the starting pain (both, not either)."""
    drop = baseline - pain
    return drop >= BASELINE_DROP_POINTS and drop * _SHARE_DEN >= _SHARE_NUM * baseline


def unlock_threshold(baseline: int) -> int:
    """The highest pain that counts as clearly lessened from `baseline` (see _days_unlock)."""
    needed_drop = max(BASELINE_DROP_POINTS, -(-_SHARE_NUM * baseline // _SHARE_DEN))
    return max(baseline - needed_drop, LOW_PAIN)


def _days_unlock(pains: Sequence[int], baseline: int) -> bool:
    """The spec's rule, literally: every day clearly lessened, or every day at 0-1.

    It never mixes the two, but it does not need to: from a baseline of 3 or more any 0-1 is
    also clearly lessened, and from 0-2 anything clearly lessened is 0. So a day counts exactly
    when its pain is at most unlock_threshold(baseline), which is what the texts promise.
    """
    if len(pains) < DAYS_TO_UNLOCK:
        return False
    return all(lessened_enough(p, baseline) for p in pains) or all(p <= LOW_PAIN for p in pains)


def _day_counts(pain: int, baseline: int) -> bool:
    return lessened_enough(pain, baseline) or pain <= LOW_PAIN


def is_flare(checkin: Checkin, before: Sequence[Checkin]) -> bool:
    """More spasms, or pain well above the lowest of the few check-ins before it (same episode)."""
    if checkin.spasms == "more":
        return True
    window = before[-FLARE_LOOKBACK:]
    return bool(window) and checkin.pain - min(c.pain for c in window) >= FLARE_RISE_POINTS


def _walk(episode: Sequence[Checkin]) -> tuple[bool, Checkin | None, dict[date, int]]:
    """Unlocked or not after the last check-in, the last flare, and the latest pain of each day
    after that flare."""
    baseline = episode[0].pain
    unlocked = False
    flare: Checkin | None = None
    days: dict[date, int] = {}  # local calendar date -> that day's latest pain so far
    for i, checkin in enumerate(episode):
        if is_flare(checkin, episode[max(0, i - FLARE_LOOKBACK) : i]):
            unlocked, flare, days = False, checkin, {}
            continue
        day = checkin.at.date()  # the calendar date where the person was when checking in
        # Days count only once the flare's day is over: a better hour that same day is not enough.
        if flare is None or day > flare.at.date():
            days[day] = checkin.pain
        # Once open it stays open: a merely less good day is not a flare.
        unlocked = unlocked or _days_unlock(_recent(days), baseline)
    return unlocked, flare, days


def _recent(days: dict[date, int]) -> list[int]:
    """The latest pain of each of the most recent days, oldest first."""
    return [days[d] for d in sorted(days)[-DAYS_TO_UNLOCK:]]


def _trailing_run(recent: Sequence[int], baseline: int) -> int:
    """How many of the most recent days count, going back from the latest until one does not.
    A new day pairs with the latest day, so only this run brings unlocking closer."""
    run = 0
    for pain in reversed(recent):
        if not _day_counts(pain, baseline):
            break
        run += 1
    return run


def _professional_reasons(
    ordered: Sequence[Checkin], red_flags: RedFlagAnswers | None
) -> tuple[str, ...]:
    reasons: list[str] = []
    if red_flags is not None:
        open_flags = sorted(red_flags.open_flags, key=lambda f: not f.urgent)  # urgent first
        reasons.extend(_flag_reason(flag) for flag in open_flags)
    scores = [c.pain for c in ordered[-RISING_SCORES:]]
    if len(scores) == RISING_SCORES and all(a < b for a, b in pairwise(scores)):
        rises = _word(RISING_SCORES - 1)
        shown = ", then ".join(str(s) for s in scores)
        reasons.append(
            f"Your pain has gone up at each of your last {rises} check-ins ({shown}). "
            "If it keeps rising, please see a doctor or physiotherapist."
        )
    if ordered and ordered[-1].spasms == "more":
        reasons.append(
            "You said the spasms are coming more often than before. "
            "It is worth seeing a doctor or physiotherapist about them."
        )
    return tuple(reasons)


def _flag_reason(flag: RedFlag) -> str:
    if flag.urgent:
        return (
            f'You answered yes to "{flag.question}" '
            "Please get medical help urgently, today, before doing more exercise."
        )
    return (
        f'You answered yes to "{flag.question}" '
        "Please see a doctor or physiotherapist about your back soon."
    )


# --- the words ---------------------------------------------------------------------------------


def _lock_text_fresh() -> str:
    return (
        "Locked until you check in: check in your pain to start; it opens once your pain has "
        f"clearly lessened on {_word(DAYS_TO_UNLOCK)} different days."
    )


def _lock_text(baseline: int, threshold: int, needed: int, flare_day: date | None) -> str:
    days = f"{_word(DAYS_TO_UNLOCK)} different days"
    more = f"({_days(needed)} more {'day' if needed == 1 else 'days'} needed)"
    if flare_day is not None:
        return (
            f"Locked after a flare on {flare_day.isoformat()}: your starting pain was {baseline}; "
            f"check in at {threshold} or below on {days} after that {more}."
        )
    return (
        f"Locked until your pain has clearly lessened: your starting pain was {baseline}; "
        f"check in at {threshold} or below on {days} {more}."
    )


def _progress_fresh() -> str:
    return "Check in your pain to get started." if GATED else "Every routine is open."


def _progress(unlocked: bool, threshold: int, needed: int, flare_day: date | None) -> str:
    names = " and ".join(GATED)
    if not GATED:
        return "Every routine is open."
    if unlocked:
        verb = "is" if len(GATED) == 1 else "are"
        return f"{names[0].upper()}{names[1:]} {verb} unlocked."
    day_words = f"{'day' if needed == 1 else 'days'} at {threshold} or below"
    if flare_day is not None:
        count = "one more" if needed == 1 else _days(needed)
        return (
            f"A flare locked {names} on {flare_day.isoformat()}; "
            f"{count} {day_words} will unlock {'it' if len(GATED) == 1 else 'them'} again."
        )
    count = _days(needed).capitalize()
    return f"{count} more {day_words} {'unlocks' if needed == 1 else 'unlock'} {names}."


def _days(n: int) -> str:
    return _word(max(n, 1))


def _word(n: int) -> str:
    return _WORDS.get(n, str(n))


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat(timespec="seconds") if moment is not None else None


def _known(category: str) -> None:
    if category not in CATEGORIES:
        raise ValueError(f"unknown category {category!r}; expected one of {', '.join(CATEGORIES)}")


def _check(checkin: Checkin) -> None:
    # Mixing naive and aware times would fail deep inside sorting; say what is wrong instead.
    if checkin.at.tzinfo is None or checkin.at.utcoffset() is None:
        raise ValueError(f"check-in time {checkin.at.isoformat()} has no time zone")
    if not PAIN_MIN <= checkin.pain <= PAIN_MAX:
        raise ValueError(f"pain {checkin.pain} is outside {PAIN_MIN}..{PAIN_MAX}")


class History(Protocol):
    """What assessing needs from a history store."""

    def checkins(self) -> list[Checkin]: ...

    def red_flags(self) -> RedFlagAnswers: ...


def assess_history(history: History | None) -> Progress:
    """Where the person stands, from a history store; with none, as on a first run."""
    if history is None:
        return assess([])
    return assess(history.checkins(), history.red_flags())


def change_note(before: Progress, after: Progress) -> str | None:
    """What a new check-in changed about strengthening, in plain words, or None."""
    if is_open(after, "strengthening") and not is_open(before, "strengthening"):
        return "Strengthening is now unlocked: your pain has clearly lessened. Start gently."
    if is_open(before, "strengthening") and not is_open(after, "strengthening"):
        return "Strengthening is locked again for now; gentle movement and yoga stay open."
    return None
