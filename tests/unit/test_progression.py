"""SAFETY_RULES.md, strengthening: days and their scores, episodes, improved and flare days,
when strengthening is open, staleness and levels. Table tests at every boundary."""

from __future__ import annotations

import random

import pytest
from progression_cases import (
    answered,
    assess_on,
    completed,
    daily,
    hurt,
    on,
    series,
    strengthening_open,
)

from backroutine.core.days import current_episode, improved_at_or_below, in_order, score_days
from backroutine.core.health import Checkin
from backroutine.core.model import CATEGORIES
from backroutine.core.progression import ALWAYS_OPEN, GATED, assess, routine_lock

# --- nothing yet -------------------------------------------------------------------------------


def test_fresh_start_opens_gentle_and_yoga_and_asks_for_a_check_in() -> None:
    p = assess_on([])
    assert p.unlocked == ("gentle", "yoga")
    assert set(p.locked) == {"strengthening"}
    assert "check in your pain" in p.locked["strengthening"]
    assert (p.pain, p.baseline, p.unlock_at_or_below, p.days_needed) == (None, None, None, 2)
    assert p.trend == () and p.episode_started is None and p.last_flare is None
    assert not p.see_professional and p.reasons == () and p.urgency is None
    assert (p.strengthening_level, p.next_level, p.locked_all, p.stale) == (None, None, None, False)


def test_only_strengthening_is_gated() -> None:
    assert ALWAYS_OPEN == ("gentle", "yoga") and GATED == ("strengthening",)
    assert set(ALWAYS_OPEN) | set(GATED) == set(CATEGORIES)


# --- the improved-day threshold ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("baseline", "highest_improved"),
    [
        (10, 7),  # exactly 30% (3 points) is enough: integer arithmetic, no 3.0000000000000004
        (9, 6),  # ceil(2.7) = 3
        (8, 5),
        (7, 4),  # ceil(2.1) = 3
        (6, 4),  # exactly 2 points (33%)
        (5, 3),  # exactly 2 points (40%)
        (4, 2),
        (3, 1),  # baselines 0-3: 0-1 is low whatever the start
        (2, 1),
        (1, 1),
        (0, 1),
    ],
)
def test_improved_at_or_below(baseline: int, highest_improved: int) -> None:
    assert improved_at_or_below(baseline) == highest_improved
    # ...and the rule as written: max(1, baseline - max(2, ceil(0.3 * baseline)))
    drop = max(2, -(-3 * baseline // 10))
    assert highest_improved == max(1, baseline - drop)


@pytest.mark.parametrize(
    ("baseline", "pain", "improved"),
    [
        (10, 7, True),  # exactly 30%
        (10, 8, False),  # 2 points but 20%
        (6, 4, True),  # exactly 2 points, 33%
        (6, 5, False),  # 1 point
        (8, 5, True),
        (8, 6, False),  # 2 points but 25%
        (3, 1, True),
        (3, 2, False),
        (2, 1, True),  # 0-1 is low
        (1, 1, True),
        (0, 0, True),
        (0, 1, True),
        (1, 2, False),
    ],
)
def test_a_day_is_improved_at_or_below_the_threshold(
    baseline: int, pain: int, improved: bool
) -> None:
    (_, second) = score_days(daily(baseline, pain), set())
    assert second.improved is improved


# --- days and their scores ------------------------------------------------------------------


def test_a_days_score_is_its_latest_check_in() -> None:
    # Pain 5 one day and 6 later that same day: the latest counts, and it closes strengthening.
    checkins = series((0, 8), (1, 5), (2, 5))
    assert strengthening_open(assess_on(checkins))
    later = assess_on([*checkins, *series((2, 5), (2, 6))[1:]])
    assert [d.pain for d in later.days] == [8, 5, 6]
    assert not strengthening_open(later)


def test_stored_order_does_not_matter() -> None:
    checkins = series((0, 8), (1, 5), (1, 7), (2, 5), (3, 4), (4, 6, "more"), (5, 3), (6, 3))
    expected = assess_on(checkins)
    rng = random.Random(10)
    for _ in range(20):
        shuffled = checkins[:]
        rng.shuffle(shuffled)
        assert assess_on(shuffled) == expected


def test_the_first_day_is_never_improved() -> None:
    # 8 then 5 on the day the pain started, and 5 the next day: not open yet.
    checkins = series((0, 8), (0, 5), (1, 5))
    p = assess_on(checkins)
    assert [d.improved for d in p.days] == [False, True]
    assert not strengthening_open(p) and p.days_needed == 1
    assert "one more day at 5 or below" in p.locked["strengthening"]
    assert strengthening_open(assess_on([*checkins, *series((2, 5))]))


def test_a_day_is_a_calendar_date_where_the_person_was() -> None:
    from datetime import datetime, timedelta, timezone

    tokyo = timezone(timedelta(hours=9))
    late = Checkin(at=datetime(2026, 11, 2, 23, 30, tzinfo=tokyo), pain=5)
    checkins = [*daily(8, start=0), late, *daily(5, start=2)]
    assert [d.day for d in assess_on(checkins).days] == [on(0), on(1), on(2)]


# --- episodes ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("last", "gap", "same_episode"),
    [
        (1, 28, True),  # 28 days later is always the same episode
        (1, 29, False),  # more than 28 days after a day at 0-1: a new episode
        (0, 29, False),
        (2, 29, True),  # ...but not after a day that still hurt (version 3: de Vet 2002)
        (8, 60, True),
    ],
)
def test_an_episode_ends_after_more_than_28_days_from_a_pain_free_day(
    last: int, gap: int, same_episode: bool
) -> None:
    checkins = series((0, 8), (1, last), (1 + gap, 6))
    episode = current_episode(in_order(checkins))
    assert len(episode) == (3 if same_episode else 1)
    assert assess_on(checkins).baseline == (8 if same_episode else 6)


def test_the_gap_counts_dates_not_hours() -> None:
    # 28 days and 10 hours apart in time, 28 calendar dates apart: the same episode.
    from datetime import timedelta

    first = Checkin(at=series((0, 8))[0].at.replace(hour=1), pain=8)
    second = Checkin(at=first.at + timedelta(days=28, hours=22), pain=6)
    assert len(current_episode([first, second])) == 2


def test_a_new_episode_resets_the_baseline_and_the_days() -> None:
    checkins = series((0, 8), (1, 5), (2, 5), (3, 6), new_episode_at=3)
    p = assess_on(checkins)
    assert p.baseline == 6 and [d.pain for d in p.days] == [6]
    assert not strengthening_open(p)
    assert p.episode_started == checkins[3].at


# --- flare days -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("pains", "flare"),
    [
        ((6, 4, 4, 6), True),  # exactly 2 above the usual level (the median of 6, 4, 4)
        ((6, 4, 4, 5), False),  # 1 above
        ((4, 6, 6, 6, 6), False),  # the low day is 4 days back: outside the look-back
        ((4, 5, 5, 6), False),  # usual 5 (median of 4, 5, 5): 1 above (version 2 said flare)
        ((2, 5, 5, 7), True),  # usual 5: 2 above
        ((2, 4), True),  # one day before is enough: the usual level is that day
        ((3, 6, 5), True),  # two days before: the lower of them (3)
        ((7,), False),  # the first day has no days before it
    ],
)
def test_a_rise_of_two_above_the_usual_level_is_a_flare(
    pains: tuple[int, ...], flare: bool
) -> None:
    assert score_days(daily(*pains), set())[-1].flare is flare


def test_spasms_more_and_this_hurts_make_flare_days_that_are_never_improved() -> None:
    checkins = series((0, 8), (1, 5, "more"), (2, 5), (3, 5), (4, 5))
    days = score_days(checkins, {on(3)})
    assert [(d.flare, d.improved) for d in days] == [
        (False, False),  # first day
        (True, False),  # spasms more
        (False, True),
        (True, False),  # a "this hurts" stop that day
        (False, True),
    ]


def test_spasms_more_on_the_first_day_is_a_flare_day() -> None:
    # The latest spasms answer is "more" and under 7 days old: see a professional, and that
    # holds strengthening shut too (condition 5)...
    p = assess_on(series((0, 8, "more"), (1, 5), (2, 5)))
    assert p.last_flare == on(0) and not strengthening_open(p)
    assert "spasms_more" in {r.code for r in p.reasons}
    # ...until a later answer says otherwise.
    p = assess_on(series((0, 8, "more"), (1, 5, "same"), (2, 5)))
    assert p.last_flare == on(0) and strengthening_open(p)


# --- strengthening: open now, from the whole history ------------------------------------------


def test_two_improved_days_open_it_and_a_day_back_up_closes_it_at_once() -> None:
    assert strengthening_open(assess_on(daily(8, 5, 5)))
    p = assess_on(daily(8, 5, 5, 6))  # 6 is not a flare (1 above 5) but is not improved
    assert not strengthening_open(p) and p.last_flare is None
    assert p.days_needed == 2 and "two more days at 5 or below open it" in p.progress_text


def test_pain_back_at_its_start_keeps_it_closed() -> None:
    # The first version kept strengthening open here (issue 10).
    p = assess_on(daily(8, 5, 5, 6, 6, 6, 7, 7, 7, 8, 8, 8))
    assert not strengthening_open(p) and "worsening" in {r.code for r in p.reasons}


def test_a_flare_between_improved_days_needs_two_more_after_it() -> None:
    p = assess_on(daily(8, 5, 7, 5))  # 7 is a flare (2 above 5)
    assert not strengthening_open(p) and p.last_flare == on(2) and p.days_needed == 1
    assert "after a flare on" in p.progress_text
    assert strengthening_open(assess_on(daily(8, 5, 7, 5, 5)))


def test_a_this_hurts_stop_between_improved_days_closes_it() -> None:
    # A flare day without a check-in (the pain question skipped) still counts.
    checkins = daily(8, 5, 5, start=0) + daily(5, start=4)
    assert strengthening_open(assess_on(checkins))
    p = assess_on(checkins, sessions=[hurt(3)])
    assert not strengthening_open(p) and p.last_flare == on(3) and p.days_needed == 1
    assert strengthening_open(assess_on([*checkins, *daily(5, start=5)], sessions=[hurt(3)]))


def test_a_this_hurts_stop_after_the_last_check_in_closes_it() -> None:
    p = assess_on(daily(8, 5, 5), today=3, sessions=[hurt(3)])
    assert not strengthening_open(p) and p.days_needed == 2


def test_a_this_hurts_stop_before_the_episode_does_not_count() -> None:
    checkins = series((0, 9), (40, 8), (41, 5), (42, 5))
    assert strengthening_open(assess_on(checkins, sessions=[hurt(1)]))


@pytest.mark.parametrize(("days_since", "open_", "stale"), [(14, True, False), (15, False, True)])
def test_a_check_in_older_than_14_days_closes_it(days_since: int, open_: bool, stale: bool) -> None:
    p = assess_on(daily(8, 5, 5), today=2 + days_since)
    assert strengthening_open(p) is open_ and p.stale is stale
    if stale:
        assert "check in again" in p.locked["strengthening"]
        assert "15 days ago" in p.locked["strengthening"]


@pytest.mark.parametrize(
    "key",
    ["fever_unwell", "weight_loss", "cancer_history", "constant_pain", "upper_back",
     "fracture_risk", "infection_risk", "injecting_drugs", "back_lump", "cough_sneeze"],
)  # fmt: skip
def test_a_today_red_flag_holds_strengthening_and_yoga(key: str) -> None:
    p = assess_on(daily(8, 5, 5), flags=answered(-1, key))
    assert p.unlocked == ("gentle",) and p.locked_all is None
    assert "Strengthening is on hold" in p.locked["strengthening"]
    assert "Yoga is on hold" in p.locked["yoga"]
    assert routine_lock(p, "gentle") is None and routine_lock(p, "yoga") == p.locked["yoga"]


@pytest.mark.parametrize("key", ["morning_stiffness", "cant_cope"])
def test_a_soon_red_flag_advises_without_locking(key: str) -> None:
    p = assess_on(daily(8, 5, 5), flags=answered(-1, key))
    assert strengthening_open(p) and p.urgency == "soon" and p.see_professional


@pytest.mark.parametrize("key", ["saddle_numbness", "bladder_bowel", "sexual_function",
                                 "both_legs", "leg_weakness", "major_trauma",
                                 "chest_pain"])  # fmt: skip
def test_an_emergency_red_flag_holds_every_routine(key: str) -> None:
    p = assess_on(daily(8, 5, 5), flags=answered(-1, key))
    assert p.unlocked == () and set(p.locked) == set(CATEGORIES)
    assert p.locked_all and "emergency" in p.locked_all
    for category in CATEGORIES:
        assert routine_lock(p, category, 1) == p.locked_all
    assert p.strengthening_level is None and p.urgency == "emergency"


def test_a_soon_red_flag_locks_nothing() -> None:
    p = assess_on(daily(8, 5, 5), flags=answered(-1, "morning_stiffness"))
    assert strengthening_open(p) and p.urgency == "soon"


def test_checked_flags_stop_locking_and_a_later_yes_opens_them_again() -> None:
    assert strengthening_open(
        assess_on(daily(8, 5, 5), flags=answered(-1, "weight_loss", checked=0))
    )
    later = answered(1, "weight_loss")
    assert not strengthening_open(assess_on(daily(8, 5, 5), flags=later))


# --- levels -----------------------------------------------------------------------------------

OPEN = daily(8, 5, 5, 5, 5, 5, 5, 5)  # open from day 2 to day 7


def level(sessions: list, checkins: list[Checkin] = OPEN) -> tuple[int | None, object]:
    p = assess_on(checkins, sessions=sessions)
    return p.strengthening_level, p.next_level and p.next_level.days_so_far


@pytest.mark.parametrize(
    ("sessions", "expected"),
    [
        ([], (2, 0)),
        ([completed(2)], (2, 1)),
        ([completed(2), completed(2)], (2, 1)),  # two sessions on one day: one day
        ([completed(2), completed(3)], (3, 0)),  # two different days at level 2: level 3
        ([completed(2), completed(3), completed(4, 3)], (3, 1)),
        ([completed(2), completed(3), completed(4, 3), completed(5, 3)], (4, 0)),
        ([completed(2, 3), completed(3, 3)], (4, 0)),  # a higher level counts for the lower
        ([completed(d, 4) for d in (2, 3, 4)] + [completed(5, 4)], (5, None)),  # the top
        ([completed(2, None), completed(3, None)], (3, 0)),  # no level recorded: level 2
        ([completed(2, 1), completed(3, 1)], (2, 0)),  # level-1 sessions open nothing more
        ([completed(0), completed(2)], (2, 1)),  # on the episode's first day: not counted
        ([completed(2, category="yoga"), completed(3, category="yoga")], (2, 0)),
    ],
)
def test_each_level_takes_completed_sessions_one_below_on_two_days(
    sessions: list, expected: tuple
) -> None:
    assert level(sessions) == expected


def test_stopped_sessions_do_not_count() -> None:
    from backroutine.core.health import PlayedSession

    stopped = [
        PlayedSession(on(d), "strengthening", 2, completed=False, hurt=False) for d in (2, 3)
    ]
    assert level(stopped) == (2, 0)


def test_a_flare_sends_the_person_back_to_level_2() -> None:
    sessions = [completed(2), completed(3), completed(4, 3), completed(5, 3)]
    checkins = daily(8, 5, 5, 5, 5, 5, 7, 5, 5, 5)  # a flare on day 6
    assert level(sessions, checkins[:6]) == (4, 0)
    assert level(sessions, checkins) == (2, 0)
    assert level([*sessions, completed(8), completed(9)], checkins) == (3, 0)


def test_a_level_lock_says_what_is_needed() -> None:
    p = assess_on(OPEN, sessions=[completed(2)])
    assert routine_lock(p, "strengthening", 2) is None
    assert routine_lock(p, "strengthening", None) is None  # no level: counts as 2
    why = routine_lock(p, "strengthening", 3)
    assert why and "complete level-2 routines on 2 different days: 1 so far" in why.lower()
    far = routine_lock(p, "strengthening", 5)
    assert far and "That opens level 3, then level 4 up to level 5" in far
    assert "Level 3 opens when you complete a level-2 routine on 1 more day." in p.progress_text
    assert p.next_level is not None and p.next_level.to_dict() == {
        "level": 3,
        "needs": "complete level-2 routines on 2 different days",
        "days_so_far": 1,
        "days_needed": 2,
    }


def test_levels_are_null_while_strengthening_is_shut() -> None:
    p = assess_on(daily(8, 5, 6), sessions=[completed(1), completed(2)])
    assert (p.strengthening_level, p.next_level) == (None, None)
    assert routine_lock(p, "strengthening", 1) == p.locked["strengthening"]


def test_assess_needs_an_aware_now() -> None:
    from datetime import datetime

    with pytest.raises(ValueError, match="no time zone"):
        assess([], now=datetime(2026, 11, 1))
