"""When strengthening opens and closes, and when to suggest seeing a professional."""

from __future__ import annotations

import json
import random
from datetime import datetime, timedelta, timezone

import pytest

from backroutine.core import progression
from backroutine.core.health import RED_FLAGS, Checkin, RedFlag, RedFlagAnswers, Spasms
from backroutine.core.model import CATEGORIES
from backroutine.core.progression import (
    ALWAYS_OPEN,
    GATED,
    Progress,
    assess,
    is_flare,
    is_open,
    lessened_enough,
    lock_reason,
    unlock_threshold,
)

CET = timezone(timedelta(hours=1))
DAY0 = datetime(2026, 11, 1, 9, 0, tzinfo=CET)  # fixed: tests never read the clock
ALWAYS_OPEN_ONLY = ("gentle", "yoga")

Row = tuple[int, int] | tuple[int, int, Spasms | None]


def at(day: int, hour: int = 9) -> datetime:
    return DAY0.replace(hour=hour) + timedelta(days=day)


def checkin(when: int | datetime, pain: int, spasms: Spasms | None = None, **kw: object) -> Checkin:
    moment = at(when) if isinstance(when, int) else when
    return Checkin(at=moment, pain=pain, spasms=spasms, **kw)  # type: ignore[arg-type]


def series(*rows: Row) -> list[Checkin]:
    """Check-ins from (day, pain) or (day, pain, spasms) rows, day counted from DAY0. Rows on the
    same day get later hours in the order given, so a day's last row is its latest check-in."""
    seen: dict[int, int] = {}
    out = []
    for row in rows:
        day, pain = row[0], row[1]
        spasms = row[2] if len(row) > 2 else None  # type: ignore[misc]
        hour = 9 + seen.get(day, 0)
        seen[day] = seen.get(day, 0) + 1
        out.append(checkin(at(day, hour), pain, spasms))
    return out


def pains(*values: int) -> list[Checkin]:
    """One check-in a day with these pains."""
    return series(*((day, pain) for day, pain in enumerate(values)))


# --- nothing yet -------------------------------------------------------------------------------


def test_fresh_start_opens_gentle_and_yoga_and_asks_for_a_check_in() -> None:
    p = assess([])
    assert p.unlocked == ALWAYS_OPEN_ONLY
    assert set(p.locked) == {"strengthening"}
    assert "check in your pain to start" in p.locked["strengthening"]
    assert p.progress_text == "Check in your pain to get started."
    assert (p.pain, p.baseline, p.unlock_at_or_below, p.qualifying_days) == (None, None, None, 0)
    assert p.trend == () and p.episode_started is None and p.last_flare is None
    assert not p.see_professional and p.reasons == ()


def test_only_strengthening_is_gated_and_the_rule_lives_in_one_place() -> None:
    assert ALWAYS_OPEN == ("gentle", "yoga")
    assert GATED == ("strengthening",)
    assert set(ALWAYS_OPEN) | set(GATED) == set(CATEGORIES)


# --- the thresholds ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("baseline", "pain", "expected"),
    [
        (8, 5, True),  # 3 points, 37.5%
        (8, 6, False),  # 2 points but 25%
        (5, 4, False),  # 1 point (20%): neither
        (5, 3, True),  # 2 points and 40%
        (10, 8, False),  # 2 points but only 20%
        (10, 7, True),  # 3 points and exactly 30% (no floating-point miss)
        (3, 1, True),
        (2, 1, False),  # 1 point
        (2, 0, True),
        (1, 0, False),
        (0, 0, False),
    ],
)
def test_clearly_lessened_needs_both_two_points_and_thirty_percent(
    baseline: int, pain: int, expected: bool
) -> None:
    assert lessened_enough(pain, baseline) is expected


@pytest.mark.parametrize(
    ("baseline", "threshold"),
    [(10, 7), (9, 6), (8, 5), (7, 4), (6, 4), (5, 3), (4, 2), (3, 1), (2, 1), (1, 1), (0, 1)],
)
def test_unlock_threshold_per_baseline(baseline: int, threshold: int) -> None:
    assert unlock_threshold(baseline) == threshold


def test_the_literal_two_day_rule_is_the_same_as_each_day_at_or_below_the_threshold() -> None:
    # "Both clearly lessened, or both 0-1" never needs mixing, because the two sets nest.
    for baseline in range(11):
        threshold = unlock_threshold(baseline)
        for a in range(11):
            for b in range(11):
                literal = progression._days_unlock([a, b], baseline)
                assert literal is (a <= threshold and b <= threshold), (baseline, a, b)


@pytest.mark.parametrize(
    ("baseline", "days", "unlocked"),
    [
        (5, (4, 4), False),  # 1 point, 20%: no
        (5, (3, 3), True),  # 2 points and 40%
        (10, (8, 8), False),  # 2 points but 20%: no
        (10, (7, 7), True),
        (2, (1, 0), True),  # low pain: both 0-1
        (2, (1, 2), False),
        (8, (5, 5), True),
        (8, (5, 6), False),
    ],
)
def test_unlocking_from_a_baseline(baseline: int, days: tuple[int, int], unlocked: bool) -> None:
    p = assess(pains(baseline, *days))
    assert is_open(p, "strengthening") is unlocked
    assert p.unlock_at_or_below == unlock_threshold(baseline)


# --- unlocking ---------------------------------------------------------------------------------


def test_lessening_over_four_days_unlocks_strengthening() -> None:
    p = assess(pains(8, 7, 5, 5))
    assert p.unlocked == CATEGORIES
    assert p.locked == {}
    assert (p.pain, p.baseline, p.unlock_at_or_below, p.qualifying_days) == (5, 8, 5, 2)
    assert p.progress_text == "Strengthening is unlocked."
    assert p.episode_started == at(0) and p.last_flare is None
    assert lock_reason(p, "strengthening") is None


def test_one_good_day_says_one_more_is_needed_with_the_number() -> None:
    p = assess(pains(8, 7, 5))
    assert not is_open(p, "strengthening")
    assert p.qualifying_days == 1
    assert p.progress_text == "One more day at 5 or below unlocks strengthening."
    assert lock_reason(p, "strengthening") == (
        "Locked until your pain has clearly lessened: your starting pain was 8; "
        "check in at 5 or below on two different days (one more day needed)."
    )


def test_just_the_baseline_needs_two_days() -> None:
    p = assess(pains(8))
    assert p.progress_text == "Two more days at 5 or below unlock strengthening."
    assert "(two more days needed)" in p.locked["strengthening"]


def test_a_good_day_followed_by_a_worse_one_still_needs_two_new_days() -> None:
    p = assess(pains(8, 5, 6))
    assert p.qualifying_days == 1  # one of the two most recent days qualifies...
    assert "Two more days" in p.progress_text  # ...but a new day pairs with the 6
    assert not is_open(assess(pains(8, 5, 6, 5)), "strengthening")
    assert is_open(assess(pains(8, 5, 6, 5, 5)), "strengthening")


def test_two_low_check_ins_on_the_same_day_count_as_one_day() -> None:
    p = assess(series((0, 8), (1, 5), (1, 4)))
    assert not is_open(p, "strengthening")
    assert p.qualifying_days == 1


@pytest.mark.parametrize(
    ("day1", "unlocked"),
    [
        ((4, 6), False),  # the latest of the day counts, not the lowest
        ((6, 4), True),
    ],
)
def test_the_latest_check_in_of_a_day_is_the_one_that_counts(
    day1: tuple[int, int], unlocked: bool
) -> None:
    p = assess(series((0, 8), (1, day1[0]), (1, day1[1]), (2, 5)))
    assert is_open(p, "strengthening") is unlocked


def test_the_baseline_day_counts_when_its_latest_check_in_is_low_enough() -> None:
    # The first check-in sets the baseline; a later one the same day is that day's pain.
    p = assess(series((0, 8), (0, 5), (1, 5)))
    assert p.baseline == 8 and is_open(p, "strengthening")


def test_unlock_stays_after_a_merely_less_good_day() -> None:
    p = assess(pains(8, 5, 5, 6))
    assert is_open(p, "strengthening") and p.qualifying_days == 1
    p = assess(pains(8, 5, 5, 6, 6))
    assert is_open(p, "strengthening") and p.qualifying_days == 0
    assert p.progress_text == "Strengthening is unlocked."


# --- flares ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("before", "pain", "spasms", "expected"),
    [
        ((), 10, None, False),  # nothing before: not a flare
        ((5,), 7, None, True),
        ((5,), 6, None, False),
        ((6, 3, 6), 5, None, True),  # 2 above the lowest of the three before
        ((3, 6, 6, 6), 7, None, False),  # the 3 is four check-ins back: outside the lookback
        ((5, 5), 7, "same", True),
        ((), 2, "more", True),  # more spasms is a flare whatever the pain
        ((5, 5, 5), 4, "more", True),
        ((5, 5, 5), 5, "fewer", False),
    ],
)
def test_is_flare(
    before: tuple[int, ...], pain: int, spasms: Spasms | None, expected: bool
) -> None:
    earlier = pains(*before)
    assert is_flare(checkin(len(before), pain, spasms), earlier) is expected


def test_a_flare_locks_again_and_two_later_days_unlock_again() -> None:
    rows: list[tuple[int, int]] = [(0, 8), (1, 5), (2, 5)]
    assert is_open(assess(series(*rows)), "strengthening")

    rows.append((3, 7))  # 2 above the lowest of 8, 5, 5
    p = assess(series(*rows))
    assert not is_open(p, "strengthening")
    assert p.last_flare == at(3)
    assert p.progress_text == (
        "A flare locked strengthening on 2026-11-04; two days at 5 or below will unlock it again."
    )
    assert lock_reason(p, "strengthening") == (
        "Locked after a flare on 2026-11-04: your starting pain was 8; check in at 5 or below "
        "on two different days after that (two more days needed)."
    )

    rows += [(3, 4), (4, 4)]  # a low check-in later on the flare's own day does not count
    p = assess(series(*rows))
    assert not is_open(p, "strengthening")
    assert p.qualifying_days == 1
    assert p.progress_text == (
        "A flare locked strengthening on 2026-11-04; one more day at 5 or below will unlock it again."
    )

    rows.append((5, 4))
    p = assess(series(*rows))
    assert is_open(p, "strengthening")
    assert p.last_flare == at(3)  # still reported, for the record


def test_more_spasms_is_a_flare_and_a_reason_to_see_someone() -> None:
    rows: list[Row] = [(0, 8), (1, 5), (2, 5), (3, 5, "more")]
    p = assess(series(*rows))
    assert not is_open(p, "strengthening")
    assert p.last_flare == at(3)
    assert p.see_professional
    assert any("spasms" in reason for reason in p.reasons)

    rows.append((4, 5, "same"))  # only the latest check-in's spasms raise it
    p = assess(series(*rows))
    assert not p.see_professional and p.reasons == ()
    assert not is_open(p, "strengthening")


def test_gentle_and_yoga_stay_open_through_a_flare() -> None:
    p = assess(pains(8, 5, 5, 9))
    for category in ALWAYS_OPEN:
        assert is_open(p, category) and lock_reason(p, category) is None


# --- seeing a professional ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("values", "raised"),
    [
        ((3, 4, 5), True),
        ((2, 3, 4, 5), True),
        ((3, 4, 4), False),  # not strictly rising
        ((3, 5, 4), False),
        ((5, 4), False),  # only two scores
        ((6, 7), False),
    ],
)
def test_rising_pain_on_each_of_the_last_two_check_ins(
    values: tuple[int, ...], raised: bool
) -> None:
    p = assess(pains(*values))
    assert p.see_professional is raised
    if raised:
        shown = ", then ".join(str(v) for v in values[-3:])
        assert p.reasons == (
            f"Your pain has gone up at each of your last two check-ins ({shown}). "
            "If it keeps rising, please see a doctor or physiotherapist.",
        )


def test_rising_pain_counts_across_episodes() -> None:
    checkins = [checkin(0, 3), checkin(1, 4, new_episode=True), checkin(2, 5)]
    assert assess(checkins).see_professional


@pytest.mark.parametrize("flag", RED_FLAGS, ids=lambda f: f.key)
def test_an_open_red_flag_is_a_reason_in_the_questions_own_words(flag: RedFlag) -> None:
    answers = RedFlagAnswers(answered_at=at(0), yes=frozenset({flag.key}))
    p = assess(pains(6), answers)
    assert p.see_professional
    (reason,) = p.reasons
    assert flag.question in reason
    assert ("urgently" in reason) is flag.urgent


def test_the_first_three_red_flags_are_the_urgent_ones_and_come_first() -> None:
    assert [f.urgent for f in RED_FLAGS[:3]] == [True, True, True]
    answers = RedFlagAnswers(answered_at=at(0), yes=frozenset({"cancer_history", "leg_weakness"}))
    p = assess([], answers)
    assert p.see_professional
    assert "Weakness in a leg" in p.reasons[0] and "urgently" in p.reasons[0]
    assert "cancer" in p.reasons[1] and "urgently" not in p.reasons[1]


@pytest.mark.parametrize(
    ("checked_day", "open_"),
    [
        (None, True),
        (-1, True),  # checked before the latest answers: the new yes is still open
        (0, False),
        (1, False),
    ],
)
def test_a_red_flag_checked_by_a_professional_clears(checked_day: int | None, open_: bool) -> None:
    answers = RedFlagAnswers(
        answered_at=at(0, 8),
        yes=frozenset({"saddle_numbness"}),
        checked_at=None if checked_day is None else at(checked_day, 10),
    )
    p = assess(pains(6), answers)
    assert p.see_professional is open_
    assert bool(p.reasons) is open_


def test_red_flags_do_not_change_what_is_unlocked() -> None:
    # The spec locks only on flares and new episodes; the reason to see someone is shown instead.
    answers = RedFlagAnswers(answered_at=at(4), yes=frozenset({"night_pain"}))
    p = assess(pains(8, 5, 5), answers)
    assert is_open(p, "strengthening") and p.see_professional


def test_no_answers_and_all_no_raise_nothing() -> None:
    assert not assess(pains(6), RedFlagAnswers()).see_professional
    assert not assess(pains(6), RedFlagAnswers(answered_at=at(0))).see_professional


# --- episodes ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("gap", "new_episode"),
    [
        (timedelta(days=28), False),
        (timedelta(days=28, seconds=1), True),
        (timedelta(days=40), True),
    ],
)
def test_a_long_gap_starts_a_new_episode(gap: timedelta, new_episode: bool) -> None:
    checkins = [*pains(8, 5, 5), checkin(at(2) + gap, 6)]
    p = assess(checkins)
    if new_episode:
        assert p.baseline == 6 and p.episode_started == at(2) + gap
        assert not is_open(p, "strengthening")
        assert p.unlock_at_or_below == 4
    else:
        assert p.baseline == 8 and p.episode_started == at(0)
        assert is_open(p, "strengthening")  # 6 is not 2 above the lowest of 8, 5, 5


def test_the_person_can_start_a_new_episode() -> None:
    checkins = [*pains(8, 5, 5), checkin(3, 6, new_episode=True)]
    p = assess(checkins)
    assert p.baseline == 6 and p.episode_started == at(3)
    assert not is_open(p, "strengthening")
    assert p.trend == (8, 5, 5, 6)  # the sparkline spans episodes


def test_a_flare_in_an_earlier_episode_does_not_carry_over() -> None:
    checkins = [*pains(3, 9), checkin(5, 8, new_episode=True), checkin(6, 5), checkin(7, 5)]
    p = assess(checkins)
    assert p.last_flare is None and is_open(p, "strengthening")


# --- order -------------------------------------------------------------------------------------


def test_backfilled_check_ins_in_any_order_give_the_same_answer() -> None:
    checkins = series((0, 8), (1, 7), (2, 5), (2, 6), (3, 8), (4, 4), (5, 5), (5, 3))
    expected = assess(checkins)
    assert expected.last_flare == at(3)
    shuffled = list(checkins)
    for seed in range(5):
        random.Random(seed).shuffle(shuffled)
        assert assess(shuffled) == expected
    assert assess(reversed(checkins)) == expected


def test_ties_in_time_are_broken_by_id_then_input_order() -> None:
    same = at(1)
    first, second = checkin(same, 5, id=2), checkin(same, 2, id=1)
    assert assess([checkin(0, 8), first, second]).pain == 5  # id 2 is later
    unsaved = checkin(same, 7)
    assert assess([checkin(0, 8), unsaved, first]).pain == 7  # not yet stored: after stored ones
    a, b = checkin(same, 4), checkin(same, 6)
    assert assess([checkin(0, 8), a, b]).pain == 6
    assert assess([checkin(0, 8), b, a]).pain == 4


def test_days_are_local_calendar_dates() -> None:
    # 23:30 and 00:30 the next night are two different days where the person is.
    late = datetime(2026, 11, 2, 23, 30, tzinfo=CET)
    checkins = [checkin(0, 8), checkin(late, 5), checkin(late + timedelta(hours=1), 5)]
    assert is_open(assess(checkins), "strengthening")


# --- output ------------------------------------------------------------------------------------


def test_trend_keeps_the_last_fourteen_scores_in_time_order() -> None:
    values = [(i * 3) % 11 for i in range(20)]
    checkins = pains(*values)
    assert assess(list(reversed(checkins))).trend == tuple(values[-14:])


@pytest.mark.parametrize(
    "checkins",
    [[], pains(8, 5, 5), pains(8, 5, 5, 8), pains(3, 4, 5)],
    ids=["fresh", "unlocked", "flare", "rising"],
)
def test_to_dict_is_json_ready(checkins: list[Checkin]) -> None:
    answers = RedFlagAnswers(answered_at=at(0), yes=frozenset({"fall_injury"}))
    p = assess(checkins, answers)
    data = json.loads(json.dumps(p.to_dict()))
    assert set(data) == {
        "unlocked",
        "locked",
        "see_professional",
        "reasons",
        "pain",
        "baseline",
        "unlock_at_or_below",
        "qualifying_days",
        "progress",
        "trend",
        "episode_started",
        "last_flare",
    }
    assert data["unlocked"] == list(p.unlocked) and data["progress"] == p.progress_text
    if checkins:
        assert data["episode_started"] == checkins[0].at.isoformat(timespec="seconds")


def test_unknown_categories_are_an_error() -> None:
    p = assess([])
    with pytest.raises(ValueError, match="unknown category"):
        is_open(p, "pilates")
    with pytest.raises(ValueError, match="unknown category"):
        lock_reason(p, "pilates")


@pytest.mark.parametrize(
    "bad",
    [
        Checkin(at=datetime(2026, 11, 1, 9, 0), pain=5),  # no time zone
        Checkin(at=DAY0, pain=11),
        Checkin(at=DAY0, pain=-1),
    ],
)
def test_bad_check_ins_are_refused_clearly(bad: Checkin) -> None:
    with pytest.raises(ValueError):
        assess([bad])


def test_progress_is_a_frozen_value() -> None:
    p = assess(pains(8))
    assert isinstance(p, Progress)
    with pytest.raises(AttributeError):
        p.pain = 3  # type: ignore[misc]
