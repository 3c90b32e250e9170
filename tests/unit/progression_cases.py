"""Shared helpers for the table tests of SAFETY_RULES.md: check-ins by day number, sessions,
answers, and an assess() that never reads the clock."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

from backroutine.core.health import QUESTION_SET, Checkin, PlayedSession, RedFlagAnswers, Spasms
from backroutine.core.progression import Progress, assess

CET = timezone(timedelta(hours=1))
DAY0 = datetime(2026, 11, 1, 9, 0, tzinfo=CET)  # fixed: tests never read the clock

Row = tuple[int, int] | tuple[int, int, Spasms | None]


def at(day: int, hour: int = 9) -> datetime:
    return DAY0.replace(hour=hour) + timedelta(days=day)


def on(day: int) -> date:
    return at(day).date()


def series(*rows: Row, new_episode_at: int | None = None) -> list[Checkin]:
    """Check-ins from (day, pain) or (day, pain, spasms) rows, day counted from DAY0. Rows on the
    same day get later hours in the order given, so a day's last row is its latest check-in."""
    seen: dict[int, int] = {}
    out = []
    for index, row in enumerate(rows):
        day, pain = row[0], row[1]
        spasms = row[2] if len(row) > 2 else None  # type: ignore[misc]
        hour = 9 + seen.get(day, 0)
        seen[day] = seen.get(day, 0) + 1
        out.append(
            Checkin(at=at(day, hour), pain=pain, spasms=spasms, new_episode=index == new_episode_at)
        )
    return out


def daily(*pains: int, start: int = 0) -> list[Checkin]:
    """One check-in a day with these pains, from day `start`."""
    return series(*((start + i, pain) for i, pain in enumerate(pains)))


def completed(day: int, level: int | None = 2, category: str = "strengthening") -> PlayedSession:
    return PlayedSession(on(day), category, level, completed=True, hurt=False)


def hurt(day: int) -> PlayedSession:
    return PlayedSession(on(day), "gentle", 1, completed=False, hurt=True)


def answered(day: int, *yes: str, checked: int | None = None, question_set: int = QUESTION_SET):
    return RedFlagAnswers(
        answered_at=at(day, 8),
        yes=frozenset(yes),
        checked_at=None if checked is None else at(checked, 8),
        question_set=question_set,
    )


NONE_YET = answered(0)  # answered on the first check-in's day: nothing open, nothing due


def assess_on(
    checkins: list[Checkin],
    today: int | None = None,
    *,
    flags: RedFlagAnswers | None = NONE_YET,
    sessions: list[PlayedSession] | tuple[PlayedSession, ...] = (),
) -> Progress:
    """assess() at 20:00 of day `today` (default: the last check-in's day)."""
    if today is None:
        today = max(((c.at - DAY0).days for c in checkins), default=0)
    return assess(checkins, flags, sessions, now=at(today, 20))


def codes(progress: Progress) -> set[str]:
    return {reason.code for reason in progress.reasons}


def strengthening_open(progress: Progress) -> bool:
    return "strengthening" in progress.unlocked
