"""Days, episodes, improved days and flare days: the vocabulary of SAFETY_RULES.md ("Terms").

A day is a local calendar date with at least one check-in, and everything counts days, not
check-ins: a day's score is its latest check-in. Pure functions; the present moment is not
needed here.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from backroutine.core.health import PAIN_MAX, PAIN_MIN, Checkin

# "Clearly lessened" (an improved day): at least 2 points AND at least 30% below the starting
# pain on the 0-10 numeric rating scale, the smallest change that matters to people with low
# back pain: Ostelo RW et al., "Interpreting change scores for pain and functional status in
# low back pain", Spine 2008;33(1):90-94; Childs JD et al., "Responsiveness of the numeric pain
# rating scale in patients with low back pain", Spine 2005;30(11):1331-1334. Pain at 0-1 is
# low whatever the start (SAFETY_RULES.md).
IMPROVED_POINTS = 2
IMPROVED_PERCENT = 30  # a whole number, so the arithmetic is exact (0.3 * 10 is 3.0000000000000004)
LOW_PAIN = 1
# A flare day: a score at least 2 points (the same minimal important change) above the lowest
# of the up to 3 days before it; SAFETY_RULES.md ("Flare day").
FLARE_POINTS = 2
FLARE_LOOKBACK_DAYS = 3
# A new episode after more than 28 days without a check-in: de Vet HCW et al., "Episodes of low
# back pain: a proposal for uniform definitions to be used in research", Spine 2002;27(21):
# 2409-2416 (an episode is bounded by at least a month without pain).
NEW_EPISODE_AFTER_DAYS = 28


@dataclass(frozen=True, slots=True)
class Day:
    """One calendar date of the episode with at least one check-in."""

    day: date
    pain: int  # the day's score: the pain of its latest check-in
    improved: bool
    flare: bool


def in_order(checkins: Iterable[Checkin]) -> list[Checkin]:
    """Check-ins by time; ties by id (not yet stored last), then as given. Checks each one."""
    indexed = list(enumerate(checkins))
    for _, checkin in indexed:
        _check(checkin)
    indexed.sort(key=lambda pair: (pair[1].at, pair[1].id is None, pair[1].id or 0, pair[0]))
    return [checkin for _, checkin in indexed]


def current_episode(ordered: Sequence[Checkin]) -> Sequence[Checkin]:
    """The check-ins of the latest episode: from the last check-in given as a new episode, or
    the last one dated more than 28 calendar days after the check-in before it."""
    start = 0
    for i in range(1, len(ordered)):
        gap = (ordered[i].at.date() - ordered[i - 1].at.date()).days
        if ordered[i].new_episode or gap > NEW_EPISODE_AFTER_DAYS:
            start = i
    return ordered[start:]


def improved_at_or_below(baseline: int) -> int:
    """max(1, baseline - max(2, ceil(30% of baseline))): the highest improved day's score."""
    drop = max(IMPROVED_POINTS, -(-IMPROVED_PERCENT * baseline // 100))
    return max(LOW_PAIN, baseline - drop)


def day_scores(checkins: Sequence[Checkin]) -> dict[date, int]:
    """Each calendar date's score: the pain of its latest check-in. `checkins` in time order;
    the date is the one where the person was when checking in (the offset stored)."""
    latest: dict[date, int] = {}
    for checkin in checkins:
        latest[checkin.at.date()] = checkin.pain  # time order: the last one is the latest
    return dict(sorted(latest.items()))


def score_days(episode: Sequence[Checkin], hurt_days: set[date]) -> list[Day]:
    """The episode's days in date order: each one's score, whether it is a flare day, and
    whether it is an improved day. `episode` is in time order."""
    if not episode:
        return []
    more = {c.at.date() for c in episode if c.spasms == "more"}
    threshold = improved_at_or_below(episode[0].pain)
    first = episode[0].at.date()
    out: list[Day] = []
    for day, pain in day_scores(episode).items():
        before = [d.pain for d in out[-FLARE_LOOKBACK_DAYS:]]
        rise = bool(before) and pain - min(before) >= FLARE_POINTS
        flare = rise or day in more or day in hurt_days
        improved = day > first and pain <= threshold and not flare
        out.append(Day(day, pain, improved, flare))
    return out


def last_flare_day(days: Sequence[Day], hurt_days: set[date], first: date | None) -> date | None:
    """The episode's most recent flare day. A "this hurts" stop makes its date a flare day even
    with no check-in on it (the person may skip the question that follows)."""
    if first is None:
        return None
    flares = [d.day for d in days if d.flare] + [h for h in hurt_days if h >= first]
    return max(flares, default=None)


def _check(checkin: Checkin) -> None:
    # Mixing naive and aware times would fail deep inside sorting; say what is wrong instead.
    if checkin.at.tzinfo is None or checkin.at.utcoffset() is None:
        raise ValueError(f"check-in time {checkin.at.isoformat()} has no time zone")
    if not PAIN_MIN <= checkin.pain <= PAIN_MAX:
        raise ValueError(f"pain {checkin.pain} is outside {PAIN_MIN}..{PAIN_MAX}")
