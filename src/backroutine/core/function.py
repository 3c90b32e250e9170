"""The function score beside pain: the Patient-Specific Functional Scale (PSFS).

The person names up to three activities their back makes hard ("putting on socks", "sitting for
an hour") and rates each from 0 (unable to do it) to 10 (able to do it as before the problem).
The score is the mean of the activities' latest ratings; the baseline the mean of each
activity's first rating in the current episode of back pain (core/days.py).

Pure values and arithmetic: no clock, no store. Means are exact fractions, so a change of
exactly 2 points is 2 (with floats, 20/3 - 14/3 is 2.0000000000000004, and 19/3 - 13/3 may
fall just short), and the boundary tests mean what they say.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from fractions import Fraction

from backroutine.core.days import current_episode, in_order
from backroutine.core.health import Checkin
from backroutine.core.text import describe_char, escaped

# Stratford P, Gill C, Westaway M, Binkley J, "Assessing disability and change on individual
# patients: a report of a patient specific measure", Physiotherapy Canada 1995;47(4):258-263.
# Each activity is rated 0 (unable to perform) to 10 (able to perform at the level before the
# problem); the same paper gives the minimal detectable change: about 2 points for the mean
# score (3 for a single activity). We call a change of 2 or more in the mean "meaningful".
PSFS_MIN, PSFS_MAX = 0, 10
MEANINGFUL_CHANGE = 2
# The questionnaire asks for 3 to 5 activities; the app keeps it to 3, the few that matter
# most, so a weekly rating is a few seconds' work (issue 14).
MAX_ACTIVITIES = 3
NAME_MAX_CHARS = 60  # once stripped: a short phrase, one line in a table
# The TUI asks for new ratings when none was given for this long (issue 14: once a week).
RATE_EVERY_DAYS = 7


class ActivityError(ValueError):
    """An activity or a rating that cannot be taken: a name that is empty, too long or holds a
    control character; a duplicate; an unknown name; a fourth activity; a score outside 0-10.
    The message says what is wrong and how to fix it (the CLI exits 2 with it). A ValueError,
    so callers that already turn bad values into exit 2 need no change."""


@dataclass(frozen=True, slots=True)
class Activity:
    """One activity the person named; removing it keeps it (and its ratings) in the history."""

    id: int
    name: str
    added_at: datetime  # timezone-aware
    removed_at: datetime | None = None

    @property
    def current(self) -> bool:
        return self.removed_at is None

    def to_dict(self) -> dict[str, object]:
        return {
            "id": self.id,
            "name": self.name,
            "added_at": self.added_at.isoformat(timespec="seconds"),
            "removed_at": self.removed_at.isoformat(timespec="seconds")
            if self.removed_at
            else None,
        }


@dataclass(frozen=True, slots=True)
class ActivityRating:
    """How well the person could do one activity at a moment."""

    id: int
    activity_id: int
    activity: str  # the activity's name
    at: datetime  # timezone-aware
    score: int  # 0 = unable, 10 = as before the problem
    checkin_id: int | None = None  # the pain check-in it was given with; None: on its own

    def to_dict(self) -> dict[str, object]:
        return {
            "id": self.id,
            "activity_id": self.activity_id,
            "activity": self.activity,
            "date": self.at.isoformat(timespec="seconds"),
            "score": self.score,
            "checkin_id": self.checkin_id,
        }


def clean_name(name: object) -> str:
    """An activity's name as kept: stripped, 1-60 characters, on one line, with no control
    or bidirectional-override character (core/text.py); ActivityError otherwise."""
    if not isinstance(name, str):
        raise ActivityError(f"an activity's name must be text, not {name!r}")
    cleaned = name.strip()
    if not cleaned:
        raise ActivityError(
            "an activity needs a name, such as 'putting on socks' or 'sitting for an hour'"
        )
    bad = next((c for c in cleaned if _unsafe_in_name(c)), None)
    if bad is not None:
        # A name is shown on one line in tables and the TUI: newlines and tabs are out too.
        raise ActivityError(
            f"an activity's name must be one line without control characters; it contains "
            f"{describe_char(bad)} at character {cleaned.index(bad) + 1}"
        )
    if len(cleaned) > NAME_MAX_CHARS:
        raise ActivityError(
            f"an activity's name must be at most {NAME_MAX_CHARS} characters, not "
            f"{len(cleaned)}; shorten it"
        )
    return cleaned


def name_key(name: str) -> str:
    """What makes two names the same activity: the case-folded name ("Socks" is "socks", and
    "STRASSE" is "straße"), once stripped."""
    return name.strip().casefold()


def check_score(score: object) -> int:
    """A rating as kept: a whole number from 0 to 10; ActivityError otherwise."""
    if isinstance(score, bool) or not isinstance(score, int) or not PSFS_MIN <= score <= PSFS_MAX:
        raise ActivityError(
            f"a rating must be a whole number from {PSFS_MIN} (unable) to {PSFS_MAX} (as "
            f"before the problem), not {score!r}"
        )
    return score


def parse_rating(text: str) -> tuple[str, int]:
    """ "NAME=SCORE" as (name, score). Split on the last "=": a name may hold one ("a=b=7" is
    "a=b" rated 7), a score never does. ActivityError for anything else."""
    name, sep, score = text.rpartition("=")
    if not sep:
        raise ActivityError(
            f"a rating is NAME=SCORE, such as 'putting on socks=6'; {text!r} has no '='"
        )
    number = score.strip()
    # isdecimal, not int(): int() takes "+7", " 7_0", "٧" and other forms nobody types here.
    if not (number.isascii() and number.isdecimal()):
        raise ActivityError(
            f"the rating of {name.strip()!r} must be a whole number from {PSFS_MIN} to "
            f"{PSFS_MAX}, not {score.strip()!r}"
        )
    return clean_name(name), check_score(int(number))


def check_ratings(ratings: Iterable[tuple[str, int]]) -> list[tuple[str, int]]:
    """Ratings with clean names and scores, each activity at most once; ActivityError for the
    first bad one (nothing is partly taken)."""
    out: list[tuple[str, int]] = []
    seen: set[str] = set()
    for name, score in ratings:
        cleaned = clean_name(name)
        if name_key(cleaned) in seen:
            raise ActivityError(f"{cleaned!r} is rated twice; give one rating per activity")
        seen.add(name_key(cleaned))
        out.append((cleaned, check_score(score)))
    return out


# -- the score ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ActivityScore:
    name: str
    latest: int | None  # the latest rating ever given; None: never rated
    first: int | None  # the first rating in the current episode; None: none in it

    def to_dict(self) -> dict[str, object]:
        return {"name": self.name, "latest": self.latest, "first": self.first}


@dataclass(frozen=True, slots=True)
class FunctionScore:
    """The PSFS now: exact means (Fractions), rounded to one decimal only when shown."""

    score: Fraction | None  # mean of the current activities' latest ratings; None: no ratings
    baseline: Fraction | None  # mean of their first ratings in the current episode
    activities: tuple[ActivityScore, ...]  # the current activities, in the order added

    @property
    def change(self) -> Fraction | None:
        """Score minus baseline; None when either is missing."""
        if self.score is None or self.baseline is None:
            return None
        return self.score - self.baseline

    @property
    def meaningful(self) -> bool:
        """The change is at least the minimal detectable change (2 points), either way."""
        change = self.change
        return change is not None and abs(change) >= MEANINGFUL_CHANGE

    def to_dict(self) -> dict[str, object]:
        """The shape of `status --json`'s "function"."""
        return {
            "score": shown(self.score),
            "baseline": shown(self.baseline),
            "change": shown(self.change),
            "meaningful": self.meaningful,
            "activities": [a.to_dict() for a in self.activities],
        }


def shown(value: Fraction | None) -> float | None:
    """A mean to one decimal, as people read it (5.666... is 5.7)."""
    return None if value is None else round(float(value), 1)


def mean(values: Sequence[int]) -> Fraction | None:
    return Fraction(sum(values), len(values)) if values else None


def episode_start(checkins: Iterable[Checkin]) -> date | None:
    """The first day of the current episode when an earlier episode exists, else None (the
    first episode takes every rating, even those given before its first pain check-in: a
    person may name and rate activities first)."""
    ordered = in_order(checkins)
    episode = current_episode(ordered)
    if not episode or len(episode) == len(ordered):
        return None
    return episode[0].at.date()


def function_score(
    activities: Iterable[Activity],
    ratings: Iterable[ActivityRating],
    since: date | None = None,
) -> FunctionScore:
    """The score of the current (not removed) activities. `since`: the first day of the
    current episode (episode_start), None when every rating is in it. Ratings of removed
    activities count for nothing; an activity never rated is left out of both means."""
    current = [a for a in activities if a.current]
    by_activity: dict[int, list[ActivityRating]] = {a.id: [] for a in current}
    for rating in sorted(ratings, key=lambda r: (r.at, r.id)):
        if rating.activity_id in by_activity:
            by_activity[rating.activity_id].append(rating)
    scores = []
    for activity in current:
        rated = by_activity[activity.id]
        in_episode = [r for r in rated if since is None or r.at.date() >= since]
        scores.append(
            ActivityScore(
                activity.name,
                rated[-1].score if rated else None,
                in_episode[0].score if in_episode else None,
            )
        )
    latest = [s.latest for s in scores if s.latest is not None]
    first = [s.first for s in scores if s.first is not None]
    return FunctionScore(mean(latest), mean(first), tuple(scores))


def ratings_due(
    activities: Iterable[Activity], ratings: Iterable[ActivityRating], now: datetime
) -> bool:
    """Ask for new ratings (the TUI, once a week): there are activities and none of them was
    rated in the last RATE_EVERY_DAYS days (a rating dated later than now counts as recent)."""
    current = {a.id for a in activities if a.current}
    if not current:
        return False
    rated = [r.at for r in ratings if r.activity_id in current]
    return not rated or (now - max(rated)).days >= RATE_EVERY_DAYS


def _unsafe_in_name(char: str) -> bool:
    # core/text.py's one definition of unsafe, newline and tab included (one_line).
    return escaped(char, one_line=True) != char
