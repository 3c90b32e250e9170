"""The function score's use cases: the activities the person names (list, add, remove), their
ratings (on their own or with a pain check-in), the score as `status --json` shows it, and the
rows `history --json` carries. Each returns values or words; none prints or draws.

Errors: ActivityError (a ValueError) for anything the person typed wrong, with a message that
says how to fix it (the CLI exits 2 with it); HistoryError when the history cannot be written.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any, Protocol

from backroutine.core.function import (
    MAX_ACTIVITIES,
    MEANINGFUL_CHANGE,
    Activity,
    ActivityError,
    ActivityRating,
    FunctionScore,
    episode_start,
    function_score,
    parse_rating,
    shown,
)
from backroutine.core.function import ratings_due as _ratings_due
from backroutine.core.health import Checkin, PlayedSession, RedFlagAnswers
from backroutine.services.checkins import (
    CheckinOutcome,
    CheckinReport,
    record_checkin,
    save_checkin,
)
from backroutine.services.history import History

if TYPE_CHECKING:
    from backroutine.core.writer import HistoryWriter

__all__ = [
    "ActivityError",
    "RatedCheckin",
    "activity_rows",
    "add_activity",
    "current_function",
    "function_lines",
    "function_now",
    "function_status",
    "list_activities",
    "parse_ratings",
    "rating_rows",
    "ratings_due",
    "record_ratings",
    "remove_activity",
    "rename_activity",
]


class ActivityHistory(Protocol):
    """What reading the function score needs of a history (EmptyHistory has it too)."""

    def checkins(self) -> list[Checkin]: ...

    def activities(self, *, include_removed: bool = False) -> list[Activity]: ...

    def ratings(self, since: datetime | None = None) -> list[ActivityRating]: ...


# -- the activities -----------------------------------------------------------------------


def list_activities(history: ActivityHistory) -> list[Activity]:
    """The current activities, in the order they were added (at most MAX_ACTIVITIES)."""
    return history.activities()


def add_activity(store: History, name: str, *, now: datetime) -> Activity:
    """Name a new activity; ActivityError for an empty, too long or unsafe name, a name
    already in use (whatever its case), or a fourth one."""
    return store.add_activity(name, at=now)


def remove_activity(store: History, name: str, *, now: datetime) -> Activity:
    """Stop tracking an activity (its ratings stay in the history, and in reports); the
    activity as removed. ActivityError for a name that is not a current activity."""
    return store.remove_activity(name, at=now)


def rename_activity(store: History, name: str, new_name: str) -> Activity:
    """Call an activity by another name, keeping its past ratings attached (they are shown
    under the new name); ActivityError for an unknown name, a bad new name or a name another
    activity has (whatever its case), and nothing is changed."""
    return store.rename_activity(name, new_name)


def parse_ratings(texts: Iterable[str]) -> list[tuple[str, int]]:
    """The values of `--activity "NAME=SCORE"` (repeatable) as (name, score) pairs, split on
    the last "=" (a name may hold one). ActivityError for the first bad one, or for one
    activity given twice; nothing is stored here."""
    out: list[tuple[str, int]] = []
    for text in texts:
        name, score = parse_rating(text)
        if any(name.casefold() == seen.casefold() for seen, _ in out):
            raise ActivityError(f"{name!r} is rated twice; give one rating per activity")
        out.append((name, score))
    if len(out) > MAX_ACTIVITIES:
        raise ActivityError(
            f"{len(out)} ratings given; there are at most {MAX_ACTIVITIES} activities"
        )
    return out


# -- saving ratings, with or without a pain check-in ------------------------------------------


@dataclass(frozen=True, slots=True)
class RatedCheckin:
    """What was saved: the pain check-in and what it changed (None when only ratings were
    given), the ratings as stored, and the function score before and after."""

    outcome: CheckinOutcome | None
    ratings: tuple[ActivityRating, ...]
    before: FunctionScore
    after: FunctionScore

    @property
    def checkin(self) -> Checkin | None:
        return self.outcome.checkin if self.outcome is not None else None

    def lines(self) -> list[str]:
        """What to tell the person, a line each: the pain check-in's lines (advice first),
        then the function score when ratings were given."""
        lines = self.outcome.lines() if self.outcome is not None else []
        if self.ratings:
            lines += function_lines(self.after)[:1]
        return lines


class _RatingsWithCheckin:
    """The store as record_checkin sees it, with the ratings added to the check-in it saves:
    record_checkin stays the one place that assesses before and after a check-in, and the
    check-in and its ratings are still one transaction."""

    def __init__(self, store: History, ratings: Sequence[tuple[str, int]]) -> None:
        self._store = store
        self._ratings = ratings

    @property
    def read_only(self) -> str | None:
        return self._store.read_only

    def checkins(self) -> list[Checkin]:
        return self._store.checkins()

    def red_flags(self) -> RedFlagAnswers:
        return self._store.red_flags()

    def played_sessions(self) -> list[PlayedSession]:
        return self._store.played_sessions()

    def add_checkin(
        self,
        *,
        at: datetime,
        pain: int,
        spasms: str | None = None,
        note: str | None = None,
        new_episode: bool = False,
    ) -> Checkin:
        return self._store.add_checkin(
            at=at,
            pain=pain,
            spasms=spasms,
            note=note,
            new_episode=new_episode,
            ratings=self._ratings,
        )


def record_ratings(
    store: History,
    *,
    at: datetime,
    now: datetime,
    pain: int | None = None,
    ratings: Sequence[tuple[str, int]] = (),
    spasms: str | None = None,
    note: str | None = None,
    new_episode: bool = False,
    levels: Collection[int] | None = None,
) -> RatedCheckin:
    """A check-in with a pain score and/or activity ratings (from parse_ratings), saved in
    one transaction: a bad rating (unknown name, score outside 0-10) raises ActivityError and
    nothing is stored, not even the pain score. Without a pain score the ratings are stored
    on their own (spasms, note and new_episode belong to a pain check-in: ValueError).
    HistoryError when the history cannot be written."""
    if pain is None:
        if not ratings:
            raise ValueError("nothing to save: give a pain score, a rating, or both")
        if spasms is not None or note or new_episode:
            raise ValueError("spasms, a note or a new episode need a pain score too")
    before = current_function(store)
    outcome = None
    if pain is None:
        saved = store.add_activity_ratings(ratings, at=at)
    else:
        outcome = record_checkin(
            _RatingsWithCheckin(store, ratings),
            pain=pain,
            at=at,
            now=now,
            spasms=spasms,
            note=note,
            new_episode=new_episode,
            levels=levels,
        )
        checkin_id = outcome.checkin.id
        saved = [] if not ratings else store.ratings(since=outcome.checkin.at)
        saved = [r for r in saved if r.checkin_id == checkin_id]
    return RatedCheckin(outcome, tuple(saved), before, current_function(store))


def save_rated_checkin(
    store: History,
    *,
    pain: int,
    ratings: Sequence[tuple[str, int]] = (),
    now: Callable[[], datetime],
    spasms: str | None = None,
    note: str | None = None,
    writer: HistoryWriter[Any] | None = None,
    new_episode: bool = False,
) -> CheckinReport:
    """The TUI's check-in (services/checkins.save_checkin: never raises, says what it changed),
    with the week's activity ratings saved in the same transaction, and the function score
    said after it."""
    if not ratings:
        return save_checkin(
            store,
            pain=pain,
            now=now,
            spasms=spasms,
            note=note,
            writer=writer,
            new_episode=new_episode,
        )
    report = save_checkin(
        _RatingsWithCheckin(store, ratings),
        pain=pain,
        now=now,
        spasms=spasms,
        note=note,
        writer=writer,
        new_episode=new_episode,
    )
    if not report.saved:
        return report
    said = function_lines(current_function(store))[:1]
    return CheckinReport("\n".join([report.text, *said]), True, report.urgency)


# -- the score -------------------------------------------------------------------------------


def current_function(history: ActivityHistory) -> FunctionScore:
    """The PSFS now: the mean of the current activities' latest ratings, and of their first
    ratings in the current episode (core/function.py)."""
    return function_score(
        history.activities(), history.ratings(), episode_start(history.checkins())
    )


def ratings_due(history: ActivityHistory, now: datetime) -> bool:
    """Ask for the ratings (the TUI's check-in screen, skippable): there are activities and
    none was rated in the last week."""
    return _ratings_due(history.activities(), history.ratings(), now)


@dataclass(frozen=True, slots=True)
class FunctionNow:
    """The score now, and whether the ratings are due (what status and the home screen show)."""

    score: FunctionScore
    due: bool

    def to_dict(self) -> dict[str, object]:
        return self.score.to_dict() | {"due": self.due}


def function_now(
    history: ActivityHistory, now: datetime, checkins: Sequence[Checkin] | None = None
) -> FunctionNow:
    """current_function and ratings_due from one read of the activities and ratings.
    `checkins`: the history's check-ins when the caller has read them already."""
    activities, ratings = history.activities(), history.ratings()
    since = episode_start(history.checkins() if checkins is None else checkins)
    return FunctionNow(
        function_score(activities, ratings, since), _ratings_due(activities, ratings, now)
    )


def function_status(history: ActivityHistory, now: datetime) -> dict[str, object]:
    """`status --json`'s "function": {"score", "baseline", "change", "meaningful", "due",
    "activities": [{"name", "latest", "first"}]}; scores to one decimal, null when none."""
    return function_now(history, now).to_dict()


def function_lines(score: FunctionScore) -> list[str]:
    """The score in words, a line for the whole and one per activity (for `status`, the
    check-in's reply and the home screen)."""
    if not score.activities:
        return [
            f"Function: no activities named yet (name up to {MAX_ACTIVITIES} things your back "
            "makes hard, and rate them 0-10)."
        ]
    if score.score is None:
        return ["Function: your activities are not rated yet (0 = unable, 10 = as before)."]
    line = f"Function: {shown(score.score):g}/10"
    change = score.change
    if change is not None and score.baseline is not None:
        base = f"{shown(score.baseline):g}"
        if change == 0:
            line += f", the same as at the start of this episode ({base})"
        else:
            way = "up" if change > 0 else "down"
            line += f", {way} {shown(abs(change)):g} from {base} at the start of this episode"
            if score.meaningful:
                line += f" (a change of {MEANINGFUL_CHANGE} or more is a real one)"
    lines = [line + "."]
    for activity in score.activities:
        latest = "not rated" if activity.latest is None else f"{activity.latest}/10"
        first = "" if activity.first is None else f" (first this episode: {activity.first})"
        lines.append(f"- {activity.name}: {latest}{first}")
    return lines


# -- what `history --json` carries ---------------------------------------------------------


def rating_rows(history: ActivityHistory) -> list[dict[str, object]]:
    """Every rating, newest first (as the check-ins are): {"id", "activity_id", "activity",
    "date", "score", "checkin_id"}."""
    return [rating.to_dict() for rating in reversed(history.ratings())]


def activity_rows(history: ActivityHistory) -> list[dict[str, object]]:
    """Every activity ever named, removed ones included: {"id", "name", "added_at",
    "removed_at"}."""
    return [activity.to_dict() for activity in history.activities(include_removed=True)]
