"""When to see a professional (SAFETY_RULES.md, "See a professional"): the six reasons, each
with its urgency, evaluated now; each clears itself when its condition no longer holds."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from itertools import pairwise

from backroutine.core import advice
from backroutine.core.days import Day
from backroutine.core.health import Checkin, PlayedSession, RedFlag, Urgency

# See a professional (SAFETY_RULES.md version 3, "See a professional"). Pain that keeps getting
# worse: the last two days 3 points above the lowest day of the two weeks before them, or 2
# points (the minimal important change: Ostelo 2008) when neither is an improved day, or three
# days rising by 2 in all; one bad day is not enough. Severe: one day at 9-10 or two days at 8
# or more (NHS, "Back pain": see a GP when the pain is severe). Not improving within 4 weeks
# (NHS). Spasms coming more often (the source advice). "This hurts" on 2 days in a week.
WORSENING_POINTS = 3
WORSENING_POINTS_UNIMPROVED = 2
WORSENING_WINDOW_DAYS = 14
RISING_DAYS = 3
RISING_POINTS = 2
SEVERE_ONE_DAY = 9
SEVERE_TWO_DAYS = 8
NOT_IMPROVING_DAYS = 28
MILD_PAIN = 2  # "nor at 2 or below": mild pain after four weeks is not "not improving"
SPASMS_LATEST_DAYS = 7  # the latest answer counts while it is at most 7 days old
RECENT_DAYS = 7  # "within the last 7 days (today included)"
RECENT_REPEATS = 2


@dataclass(frozen=True, slots=True)
class Reason:
    """One reason to see a professional."""

    code: str  # worsening | severe | not_improving | spasms_more | hurt_stops | red_flag
    urgency: Urgency
    fact: str  # what was seen, in plain words

    @property
    def text(self) -> str:
        """The fact and what to do about it."""
        after = f" {advice.MARK_CHECKED}" if self.code == "red_flag" else ""
        return f"{self.fact} {advice.URGENCY_ADVICE[self.urgency]}{after}"

    def to_dict(self) -> dict[str, object]:
        return {"code": self.code, "text": self.text, "urgency": self.urgency}


def professional_reasons(
    days: Sequence[Day],
    ordered: Sequence[Checkin],
    sessions: Sequence[PlayedSession],
    open_flags: Sequence[RedFlag],
    today: date,
) -> tuple[Reason, ...]:
    """Every reason to see a professional that holds now, most urgent first."""
    reasons: list[Reason] = []
    for tier in ("emergency", "today", "soon"):
        flags = [flag for flag in open_flags if flag.tier == tier]
        if flags:
            reasons.append(Reason("red_flag", flags[0].tier, advice.red_flag_text(flags)))
    if worse := _worsening(days):
        reasons.append(Reason("worsening", "soon", worse))
    if severe := _severe(days):
        reasons.append(Reason("severe", "soon", severe))
    if days:
        started = days[0].day  # the episode's first check-in
        last = days[-1]
        long = (last.day - started).days >= NOT_IMPROVING_DAYS
        if long and not last.improved and last.pain > MILD_PAIN:
            weeks = (last.day - started).days // 7
            reasons.append(
                Reason("not_improving", "soon", advice.not_improving_text(weeks, started))
            )
    if spasms := _spasms_more(ordered, today):
        reasons.append(Reason("spasms_more", "soon", spasms))
    hurt = _recent({s.day for s in sessions if s.hurt}, today)
    if hurt >= RECENT_REPEATS:
        reasons.append(Reason("hurt_stops", "soon", advice.hurt_stops_text(hurt)))
    return tuple(reasons)


def _worsening(days: Sequence[Day]) -> str | None:
    """Pain that keeps getting worse: the last two days both at least 3 above the lowest of the
    days in the two weeks before them, or both at least 2 above it and neither an improved day;
    or three days each higher than the one before, the last at least 2 above the first."""
    if len(days) >= 2:
        d1, d2 = days[-2], days[-1]
        window = [d.pain for d in days[:-2] if (d2.day - d.day).days <= WORSENING_WINDOW_DAYS]
        if window:
            low, rise = min(window), min(d1.pain, d2.pain) - min(window)
            unimproved = not d1.improved and not d2.improved
            if rise >= WORSENING_POINTS or (unimproved and rise >= WORSENING_POINTS_UNIMPROVED):
                return advice.worsening_text(low, d1.pain, d2.pain)
    if len(days) >= RISING_DAYS:
        last = [d.pain for d in days[-RISING_DAYS:]]
        rising = all(a < b for a, b in pairwise(last))
        if rising and last[-1] - last[0] >= RISING_POINTS:
            return advice.rising_text(last)
    return None


def severe_holds(days: Sequence[Day]) -> bool:
    return _severe(days) is not None


def _severe(days: Sequence[Day]) -> str | None:
    """Severe pain: the most recent day at 9 or more, or the two most recent days at 8 or more."""
    if days and days[-1].pain >= SEVERE_ONE_DAY:
        return advice.severe_text([days[-1].pain])
    last_two = [d.pain for d in days[-2:]]
    if len(last_two) == 2 and min(last_two) >= SEVERE_TWO_DAYS:
        return advice.severe_text(last_two)
    return None


def _spasms_more(ordered: Sequence[Checkin], today: date) -> str | None:
    """Spasms coming more often: the latest check-in that answered the spasms question says
    "more" and is at most 7 days old, or check-ins on 2 different days of the last 7 (today
    included) say "more". A check-in that skipped the question changes nothing."""
    answered = [c for c in ordered if c.spasms is not None]
    more_days = _recent({c.at.date() for c in answered if c.spasms == "more"}, today)
    latest = answered[-1] if answered else None
    fresh = latest is not None and (today - latest.at.date()).days <= SPASMS_LATEST_DAYS
    if (fresh and latest is not None and latest.spasms == "more") or more_days >= RECENT_REPEATS:
        return advice.spasms_more_text(more_days)
    return None


def _recent(dates: set[date], today: date) -> int:
    """How many of these dates fall in the last RECENT_DAYS days, today included."""
    return sum(1 for d in dates if 0 <= (today - d).days < RECENT_DAYS)
