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
# A flare day: a score at least 2 points (the same minimal important change) above the usual
# level, the median of the (up to) 3 days before it in the episode; a rise beyond the person's
# usual variation, not above their single best day (Costa N et al., "A definition of 'flare'
# in low back pain", J Pain 2019;20(11):1267-1275; SAFETY_RULES.md version 3, "Flare day").
FLARE_POINTS = 2
FLARE_LOOKBACK_DAYS = 3
# A new episode after more than 28 days without a check-in, when the last day before the gap
# scored 0 or 1: an episode is bounded by at least a month without pain (de Vet HCW et al.,
# "Episodes of low back pain: a proposal for uniform definitions to be used in research", Spine
# 2002;27(21):2409-2416). A month without check-ins after a day that still hurt is not a month
# without pain, so it stays the same episode.
NEW_EPISODE_AFTER_DAYS = 28
PAIN_FREE = 1
# A good day (the days that open strengthening): not a flare, at 5 or below (the
# pain-monitoring model lets exercise go on while pain stays at 5/10 or below: Silbernagel KG
# et al., "Continued sports activity, using a pain-monitoring model, during rehabilitation in
# patients with Achilles tendinopathy", Am J Sports Med 2007;35(6):897-906), and either an
# improved day or mild pain, 2 or below (SAFETY_RULES.md version 3, "Good day").
GOOD_DAY_MAX = 5
MILD_PAIN = 2


@dataclass(frozen=True, slots=True)
class Day:
    """One calendar date of the episode with at least one check-in."""

    day: date
    pain: int  # the day's score: the pain of its latest check-in
    improved: bool
    flare: bool
    good: bool = False  # counts towards opening strengthening


def in_order(checkins: Iterable[Checkin]) -> list[Checkin]:
    """Check-ins by time; ties by id (not yet stored last), then as given. Checks each one."""
    indexed = list(enumerate(checkins))
    for _, checkin in indexed:
        _check(checkin)
    indexed.sort(key=lambda pair: (pair[1].at, pair[1].id is None, pair[1].id or 0, pair[0]))
    return [checkin for _, checkin in indexed]


def current_episode(ordered: Sequence[Checkin]) -> Sequence[Checkin]:
    """The check-ins of the latest episode: from the last check-in given as a new episode, or
    the last one dated more than 28 calendar days after the check-in before it when that one
    (the last of its day, so the day's score) was 0 or 1."""
    start = 0
    for i in range(1, len(ordered)):
        before = ordered[i - 1]
        gap = (ordered[i].at.date() - before.at.date()).days
        if ordered[i].new_episode or (gap > NEW_EPISODE_AFTER_DAYS and before.pain <= PAIN_FREE):
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


def good_at_or_below(baseline: int) -> int:
    """The highest score of a good day: 5 or below, and improved or 2 or below."""
    return min(GOOD_DAY_MAX, max(improved_at_or_below(baseline), MILD_PAIN))


def usual_level(before: Sequence[int]) -> int | None:
    """The usual level before a day: the median of the (up to) 3 days before it; with 2 days,
    the lower; with 1, that day; None with none."""
    last = sorted(before[-FLARE_LOOKBACK_DAYS:])
    if not last:
        return None
    return last[1] if len(last) == FLARE_LOOKBACK_DAYS else last[0]


def score_days(episode: Sequence[Checkin], hurt_days: set[date]) -> list[Day]:
    """The episode's days in date order: each one's score, whether it is a flare day, an
    improved day and a good day. `episode` is in time order."""
    if not episode:
        return []
    more = {c.at.date() for c in episode if c.spasms == "more"}
    threshold = improved_at_or_below(episode[0].pain)
    good_max = good_at_or_below(episode[0].pain)
    first = episode[0].at.date()
    out: list[Day] = []
    for day, pain in day_scores(episode).items():
        usual = usual_level([d.pain for d in out])
        rise = usual is not None and pain - usual >= FLARE_POINTS
        flare = rise or day in more or day in hurt_days
        improved = day > first and pain <= threshold and not flare
        good = day > first and pain <= good_max and not flare
        out.append(Day(day, pain, improved, flare, good))
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
