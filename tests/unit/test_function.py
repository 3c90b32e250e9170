"""The function score (PSFS, core/function.py): names, scores, parsing, and the arithmetic of
the score, the baseline and the change, at their boundaries."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from fractions import Fraction

import pytest

from backroutine.core.function import (
    MAX_ACTIVITIES,
    MEANINGFUL_CHANGE,
    NAME_MAX_CHARS,
    Activity,
    ActivityError,
    ActivityRating,
    FunctionScore,
    check_ratings,
    check_score,
    clean_name,
    episode_start,
    function_score,
    name_key,
    parse_rating,
    ratings_due,
)
from backroutine.core.health import Checkin

CET = timezone(timedelta(hours=1))
T0 = datetime(2026, 10, 1, 9, 0, tzinfo=CET)


def test_the_cited_constants() -> None:
    # Stratford et al. 1995: 0-10 per activity, about 2 points for the mean score.
    assert (MEANINGFUL_CHANGE, MAX_ACTIVITIES, NAME_MAX_CHARS) == (2, 3, 60)
    assert issubclass(ActivityError, ValueError)  # callers turning ValueError into exit 2


# -- names ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("given", "kept"),
    [
        ("socks", "socks"),
        ("  putting on socks  ", "putting on socks"),
        ("x", "x"),  # 1 character
        ("a" * 60, "a" * 60),  # 60 characters
        ("  " + "a" * 60 + "\u3000", "a" * 60),  # counted once stripped
        ("sit = stand", "sit = stand"),
        ("Ünïcödé ✓", "Ünïcödé ✓"),
    ],
)
def test_a_name_is_kept_stripped(given: str, kept: str) -> None:
    assert clean_name(given) == kept


@pytest.mark.parametrize(
    ("given", "says"),
    [
        ("", "needs a name"),
        ("   ", "needs a name"),
        ("a" * 61, "at most 60 characters, not 61"),
        ("socks\nshoes", "U\\+000A"),
        ("socks\tshoes", "U\\+0009"),
        ("sock\x1b[31ms", "U\\+001B \\(ESC\\)"),
        ("socks\u202e", "U\\+202E"),
        ("so\x85cks", "U\\+0085"),
        (None, "must be text"),
        (7, "must be text"),
    ],
)
def test_a_bad_name_is_refused(given: object, says: str) -> None:
    with pytest.raises(ActivityError, match=says):
        clean_name(given)


def test_names_match_whatever_their_case() -> None:
    assert name_key(" Socks ") == name_key("SOCKS") == "socks"
    assert name_key("STRASSE") == name_key("straße")


# -- scores and parsing ----------------------------------------------------------------------


@pytest.mark.parametrize("score", [0, 1, 9, 10])
def test_a_score_is_0_to_10(score: int) -> None:
    assert check_score(score) == score


@pytest.mark.parametrize("score", [-1, 11, 5.0, 5.5, True, False, "5", None])
def test_a_score_outside_0_to_10_or_not_whole_is_refused(score: object) -> None:
    with pytest.raises(ActivityError, match="whole number from 0"):
        check_score(score)


@pytest.mark.parametrize(
    ("text", "parsed"),
    [
        ("socks=6", ("socks", 6)),
        (" putting on socks = 10 ", ("putting on socks", 10)),
        ("socks=0", ("socks", 0)),
        ("a=b=7", ("a=b", 7)),  # split on the last "="
        ("x==3", ("x=", 3)),
        ("socks=007", ("socks", 7)),
    ],
)
def test_name_equals_score_is_parsed(text: str, parsed: tuple[str, int]) -> None:
    assert parse_rating(text) == parsed


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("socks", "has no '='"),
        ("socks=", "whole number"),
        ("socks=11", "not 11"),
        ("socks=-1", "whole number"),
        ("socks=+5", "whole number"),
        ("socks=5.5", "whole number"),
        ("socks=٥", "whole number"),  # an Arabic-Indic five: not typed here
        ("socks=five", "whole number"),
        ("=5", "needs a name"),
        ("a=5=x", "whole number"),
    ],
)
def test_a_bad_rating_is_refused(text: str, says: str) -> None:
    with pytest.raises(ActivityError, match=says):
        parse_rating(text)


def test_ratings_name_each_activity_once() -> None:
    assert check_ratings([(" socks ", 3), ("walk", 4)]) == [("socks", 3), ("walk", 4)]
    with pytest.raises(ActivityError, match="rated twice"):
        check_ratings([("socks", 3), ("SOCKS", 4)])
    with pytest.raises(ActivityError, match="not 12"):
        check_ratings([("socks", 3), ("walk", 12)])


# -- the score -------------------------------------------------------------------------------


def activity(n: int, name: str, removed: bool = False) -> Activity:
    return Activity(n, name, T0, T0 + timedelta(days=40) if removed else None)


def rating(n: int, activity_id: int, day: int, score: int, name: str = "") -> ActivityRating:
    return ActivityRating(
        n, activity_id, name or f"a{activity_id}", T0 + timedelta(days=day), score
    )


A = [activity(1, "socks"), activity(2, "sitting"), activity(3, "lifting")]


@pytest.mark.parametrize(
    ("ratings", "since", "score", "baseline", "change", "meaningful"),
    [
        # nothing rated: all null
        ([], None, None, None, None, False),
        # one activity, one rating: score = baseline, no change
        ([rating(1, 1, 0, 4)], None, 4, 4, 0, False),
        # latest vs first per activity
        ([rating(1, 1, 0, 4), rating(2, 1, 5, 6)], None, 6, 4, 2, True),
        # exactly 2 in thirds: (5+6+9)/3 - (3+4+7)/3 = 20/3 - 14/3 = 2 (floats would say 2.0000000000000004)
        (
            [rating(1, 1, 0, 3), rating(2, 2, 0, 4), rating(3, 3, 0, 7),
             rating(4, 1, 9, 5), rating(5, 2, 9, 6), rating(6, 3, 9, 9)],
            None, Fraction(20, 3), Fraction(14, 3), 2, True,
        ),
        # just under 2 in thirds: 19/3 - 13/3 - 1/3 ... 5/3 is not meaningful
        (
            [rating(1, 1, 0, 3), rating(2, 2, 0, 4), rating(3, 3, 0, 7),
             rating(4, 1, 9, 5), rating(5, 2, 9, 5), rating(6, 3, 9, 9)],
            None, Fraction(19, 3), Fraction(14, 3), Fraction(5, 3), False,
        ),
        # a fall of 2 is a real change too
        ([rating(1, 1, 0, 8), rating(2, 1, 3, 6)], None, 6, 8, -2, True),
        # the extremes
        ([rating(1, 1, 0, 0), rating(2, 1, 3, 10)], None, 10, 0, 10, True),
        # an activity never rated is left out of both means
        ([rating(1, 1, 0, 2), rating(2, 2, 1, 6)], None, 4, 4, 0, False),
        # the baseline only counts ratings from the episode's first day on ...
        ([rating(1, 1, 0, 2), rating(2, 1, 10, 5), rating(3, 1, 12, 8)], date(2026, 10, 11), 8, 5, 3, True),
        # ... and a rating on that day counts
        ([rating(1, 1, 0, 2), rating(2, 1, 10, 5)], date(2026, 10, 11), 5, 5, 0, False),
        # no rating in the episode: no baseline, but the latest still shows
        ([rating(1, 1, 0, 2)], date(2026, 10, 11), 2, None, None, False),
    ],
)  # fmt: skip
def test_the_score_the_baseline_and_the_change(
    ratings: list[ActivityRating],
    since: date | None,
    score: Fraction | None,
    baseline: Fraction | None,
    change: Fraction | None,
    meaningful: bool,
) -> None:
    result = function_score(A, ratings, since)
    assert (result.score, result.baseline, result.change) == (score, baseline, change)
    assert result.meaningful is meaningful


def test_ratings_of_a_removed_activity_do_not_count() -> None:
    activities = [activity(1, "socks", removed=True), activity(2, "walk")]
    result = function_score(activities, [rating(1, 1, 0, 1), rating(2, 2, 0, 7)])
    assert result.score == 7
    assert [a.name for a in result.activities] == ["walk"]


def test_ratings_are_taken_in_time_order_not_as_given() -> None:
    result = function_score(A[:1], [rating(2, 1, 5, 9), rating(1, 1, 0, 3)])
    assert (result.activities[0].first, result.activities[0].latest) == (3, 9)


def test_the_json_shape_rounds_to_one_decimal() -> None:
    result = FunctionScore(Fraction(17, 3), Fraction(4), ())
    assert result.to_dict() == {
        "score": 5.7,
        "baseline": 4.0,
        "change": 1.7,
        "meaningful": False,
        "activities": [],
    }
    full = function_score(A, [rating(1, 1, 0, 4), rating(2, 2, 1, 5)])
    assert full.to_dict()["activities"] == [
        {"name": "socks", "latest": 4, "first": 4},
        {"name": "sitting", "latest": 5, "first": 5},
        {"name": "lifting", "latest": None, "first": None},
    ]


# -- episodes and when to ask ----------------------------------------------------------------


def checkin(day: int, pain: int = 5, new_episode: bool = False) -> Checkin:
    return Checkin(T0 + timedelta(days=day), pain, new_episode=new_episode, id=day + 1)


@pytest.mark.parametrize(
    ("days", "start"),
    [
        ([], None),
        ([0, 5, 10], None),  # the first episode takes every rating
        ([(0, 1), 28], None),  # 28 days later: the same episode
        ([(0, 1), 29], date(2026, 10, 30)),  # 29 days after a pain-free day: a new one
        ([(0, 1), 29, 30], date(2026, 10, 30)),
        ([0, 29], None),  # 29 days after a day at 5: the same episode (rules version 3)
    ],
)
def test_the_episode_start_for_the_baseline(
    days: list[int | tuple[int, int]], start: date | None
) -> None:
    checkins = [checkin(*d) if isinstance(d, tuple) else checkin(d) for d in days]
    assert episode_start(checkins) == start


def test_a_new_episode_given_by_the_person_starts_the_baseline_again() -> None:
    checkins = [checkin(0), checkin(3), checkin(6, new_episode=True)]
    assert episode_start(checkins) == date(2026, 10, 7)


@pytest.mark.parametrize(
    ("activities", "rated_days_ago", "due"),
    [
        ([], [], False),  # nothing to rate
        (A, [], True),  # never rated
        (A, [6], False),
        (A, [7], True),  # a week: ask again
        (A, [30, 2], False),
        ([activity(1, "socks", removed=True)], [], False),
    ],
)
def test_ratings_are_due_once_a_week(
    activities: list[Activity], rated_days_ago: list[int], due: bool
) -> None:
    now = T0 + timedelta(days=60)
    ratings = [
        ActivityRating(i, 1, "socks", now - timedelta(days=d), 5)
        for i, d in enumerate(rated_days_ago)
    ]
    assert ratings_due(activities, ratings, now) is due
