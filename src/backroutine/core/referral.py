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

# See a professional (SAFETY_RULES.md, "See a professional"): pain that keeps getting worse
# (2 points again: the minimal important change, over the two weeks before), three days in a
# row at 8 or more, not improving within 4 weeks (NHS, "Back pain": see a GP if it has not
# improved within 4 weeks), spasms coming more often, "this hurts" on 2 days in a week.
WORSENING_POINTS = 2
WORSENING_WINDOW_DAYS = 14
RISING_DAYS = 3
SEVERE_PAIN = 8
SEVERE_DAYS = 3
NOT_IMPROVING_DAYS = 28
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
    scores = [d.pain for d in days]
    if worse := _worsening(days):
        reasons.append(Reason("worsening", "soon", worse))
    if len(scores) >= SEVERE_DAYS and all(s >= SEVERE_PAIN for s in scores[-SEVERE_DAYS:]):
        reasons.append(Reason("severe", "soon", advice.severe_text(scores[-SEVERE_DAYS:])))
    if days:
        started = days[0].day  # the episode's first check-in
        if (days[-1].day - started).days >= NOT_IMPROVING_DAYS and not days[-1].improved:
            weeks = (days[-1].day - started).days // 7
            reasons.append(
                Reason("not_improving", "soon", advice.not_improving_text(weeks, started))
            )
    more_days = _recent({c.at.date() for c in ordered if c.spasms == "more"}, today)
    if (ordered and ordered[-1].spasms == "more") or more_days >= RECENT_REPEATS:
        reasons.append(Reason("spasms_more", "soon", advice.spasms_more_text(more_days)))
    hurt = _recent({s.day for s in sessions if s.hurt}, today)
    if hurt >= RECENT_REPEATS:
        reasons.append(Reason("hurt_stops", "soon", advice.hurt_stops_text(hurt)))
    return tuple(reasons)


def _worsening(days: Sequence[Day]) -> str | None:
    """Pain that keeps getting worse: the last two days both at least 2 above the lowest of the
    days in the two weeks before them; or three days each higher than the one before, the last
    at least 2 above the first. One bad day is not enough."""
    if len(days) >= 2:
        d1, d2 = days[-2], days[-1]
        window = [d.pain for d in days[:-2] if (d2.day - d.day).days <= WORSENING_WINDOW_DAYS]
        if window and min(d1.pain, d2.pain) - min(window) >= WORSENING_POINTS:
            return advice.worsening_text(min(window), d1.pain, d2.pain)
    if len(days) >= RISING_DAYS:
        last = [d.pain for d in days[-RISING_DAYS:]]
        rising = all(a < b for a, b in pairwise(last))
        if rising and last[-1] - last[0] >= WORSENING_POINTS:
            return advice.rising_text(last)
    return None


def _recent(dates: set[date], today: date) -> int:
    """How many of these dates fall in the last RECENT_DAYS days, today included."""
    return sum(1 for d in dates if 0 <= (today - d).days < RECENT_DAYS)
