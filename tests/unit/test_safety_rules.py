"""SAFETY_RULES.md, the advice: the six "see a professional" codes appearing and clearing, their
urgency, the red-flag tiers, re-screening, what a check-in changed, and the status JSON."""

from __future__ import annotations

import json

import pytest
from progression_cases import (
    answered,
    assess_on,
    codes,
    completed,
    daily,
    hurt,
    on,
    series,
)

from backroutine.core import advice
from backroutine.core.health import RED_FLAG_KEYS, RED_FLAGS, RedFlagAnswers
from backroutine.core.progression import what_changed

# --- worsening -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("pains", "worsening"),
    [
        ((8, 5, 5, 6, 6, 6, 7, 7, 7, 8, 8, 8), True),  # back at the start: 8, 8 vs a low of 5
        ((3, 5, 7, 6), True),  # 7 and 6 both >= 3 + 2 (the first version lost this at 6)
        ((3, 5, 7, 3), False),  # ...and it clears when the latest day is back down
        ((2, 9, 9, 9), True),
        ((4, 4, 6, 5), False),  # 5 is only 1 above the low
        ((4, 4, 6, 6), True),  # exactly 2 above on both days
        ((3, 3, 3, 7), False),  # one bad day is not enough
        ((2, 9), False),  # needs a day before the last two
        ((5, 6, 7), True),  # three rising days, the last 2 above the first
        ((4, 5, 6), True),
        ((5, 6, 6), False),  # not rising each day
        ((6, 7, 7), False),
    ],
)
def test_worsening(pains: tuple[int, ...], worsening: bool) -> None:
    p = assess_on(daily(*pains))
    assert ("worsening" in codes(p)) is worsening
    if worsening:
        (reason,) = [r for r in p.reasons if r.code == "worsening"]
        assert reason.urgency == "soon"


@pytest.mark.parametrize(("days_back", "counts"), [(14, True), (15, False)])
def test_worsening_looks_back_14_days_from_the_latest(days_back: int, counts: bool) -> None:
    # A low day exactly 14 days before the latest day counts; 15 days before does not.
    checkins = series((0, 2), (days_back - 1, 6), (days_back, 6))
    assert ("worsening" in codes(assess_on(checkins))) is counts


def test_worsening_counts_days_not_check_ins() -> None:
    # Three rising check-ins on one day are one day.
    assert "worsening" not in codes(assess_on(series((0, 5), (1, 5), (1, 6), (1, 7))))


# --- severe, not improving -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("pains", "severe"),
    [
        ((8, 8, 8), True),
        ((10,) * 10, True),
        ((9, 8, 7), False),  # the most recent day is 7
        ((8, 8), True),  # two days at 8 (version 2 needed three)
        ((8, 7), False),
        ((7, 8), False),
        ((9,), True),  # one day at 9 or 10 is enough
        ((10,), True),
        ((5, 9), True),
        ((9, 5), False),
        ((7, 9, 9, 9), True),
    ],
)
def test_severe(pains: tuple[int, ...], severe: bool) -> None:
    p = assess_on(daily(*pains))
    assert ("severe" in codes(p)) is severe
    if severe:
        assert p.urgency == "soon" and p.see_professional


@pytest.mark.parametrize(
    ("last_day", "last_pain", "expected"),
    [
        (28, 6, True),  # four weeks, not improved
        (27, 6, False),  # not yet four weeks
        (28, 4, False),  # improved (baseline 6: 4 or below)
        (29, 6, True),  # a month without check-ins after a day at 6: the same episode
        (40, 6, True),
    ],
)
def test_not_improving_within_4_weeks(last_day: int, last_pain: int, expected: bool) -> None:
    p = assess_on(series((0, 6), (last_day, last_pain)))
    assert ("not_improving" in codes(p)) is expected


@pytest.mark.parametrize(
    ("baseline", "last_pain", "expected"),
    [(2, 2, False), (3, 2, False), (3, 3, True), (1, 1, False)],
)
def test_not_improving_leaves_mild_pain_alone(
    baseline: int, last_pain: int, expected: bool
) -> None:
    # 2 or below is not "not improving", even from a start of 2 or 3 (no improved day possible).
    p = assess_on(series((0, baseline), (14, baseline), (28, last_pain)))
    assert ("not_improving" in codes(p)) is expected


def test_not_improving_with_check_ins_in_between() -> None:
    checkins = series(*((d, 6) for d in range(0, 31, 3)))
    assert "not_improving" in codes(assess_on(checkins))


# --- spasms more often, "this hurts" twice ---------------------------------------------------


@pytest.mark.parametrize(
    ("rows", "today", "expected"),
    [
        (((0, 5), (1, 5, "more")), 1, True),  # the latest check-in
        # Version 3: the latest check-in that answered the question; one that skipped it
        # changes nothing.
        (((0, 5, "more"), (1, 5)), 1, True),
        (((0, 5, "more"), (1, 5, "same")), 1, False),  # answered since: not more
        (((0, 5, "more"), (1, 5, "fewer")), 1, False),
        (((0, 5, "more"), (3, 5, "more"), (4, 5, "fewer")), 4, True),  # 2 days within 7
        (((0, 5, "more"), (6, 5, "more"), (7, 5, "fewer")), 7, False),  # day 0 is 7 days back
        (((1, 5, "more"), (6, 5, "more"), (7, 5)), 7, True),  # day 1 is 6 days back: inside
        (((2, 5, "more"), (2, 5, "more"), (3, 5, "same")), 3, False),  # one day twice
        (((0, 5, "more"), (1, 5, "more"), (2, 5)), 20, False),  # old news
        (((0, 5), (1, 5, "more")), 8, True),  # the latest answer is 7 days old: still counts
        (((0, 5), (1, 5, "more")), 9, False),  # 8 days old: only for 7 days (version 3)
        (((0, 5), (1, 5, "more")), 30, False),
    ],
)
def test_spasms_more(rows: tuple, today: int, expected: bool) -> None:
    assert ("spasms_more" in codes(assess_on(series(*rows), today))) is expected


@pytest.mark.parametrize(
    ("days", "today", "expected"),
    [
        ((1, 3), 3, True),
        ((3, 3), 3, False),  # one day
        ((0, 7), 7, False),  # 7 days apart: day 0 is outside the last 7 days
        ((1, 7), 7, True),
        ((1, 3), 10, False),  # clears as the days pass
    ],
)
def test_hurt_stops_on_two_days_in_a_week(
    days: tuple[int, int], today: int, expected: bool
) -> None:
    p = assess_on(daily(5, 5), today, sessions=[hurt(d) for d in days])
    assert ("hurt_stops" in codes(p)) is expected


# --- red flags ---------------------------------------------------------------------------------


def test_nineteen_questions_in_three_tiers() -> None:
    tiers = {
        tier: [f.key for f in RED_FLAGS if f.tier == tier]
        for tier in ("emergency", "today", "soon")
    }
    assert tiers == {
        "emergency": ["saddle_numbness", "bladder_bowel", "sexual_function", "both_legs",
                      "leg_weakness", "major_trauma", "chest_pain"],
        "today": ["fever_unwell", "weight_loss", "cancer_history", "constant_pain", "upper_back",
                  "fracture_risk", "infection_risk", "injecting_drugs", "back_lump",
                  "cough_sneeze"],
        "soon": ["morning_stiffness", "cant_cope"],
    }  # fmt: skip
    assert {f.locks for f in RED_FLAGS if f.tier == "emergency"} == {"everything"}
    assert {f.locks for f in RED_FLAGS if f.tier == "today"} == {"strengthening and yoga"}
    assert {f.locks for f in RED_FLAGS if f.tier == "soon"} == {"nothing"}
    assert len(set(RED_FLAG_KEYS)) == 19


@pytest.mark.parametrize("flag", RED_FLAGS, ids=lambda f: f.key)
def test_one_question_one_thing(flag) -> None:
    # SAFETY_RULES.md: none asks two things joined by "or do you" (or "or are you").
    text = flag.question.lower()
    assert " or do you" not in text and " or are you" not in text and " or have you" not in text
    assert text.endswith("?")


@pytest.mark.parametrize("flag", RED_FLAGS, ids=lambda f: f.key)
def test_each_red_flag_advises_with_its_tier_until_checked(flag) -> None:
    p = assess_on(daily(5, 5), flags=answered(-1, flag.key))
    (reason,) = [r for r in p.reasons if r.code == "red_flag"]
    assert reason.urgency == flag.tier == p.urgency
    assert flag.question in reason.text and advice.URGENCY_ADVICE[flag.tier] in reason.text
    assert not codes(assess_on(daily(5, 5), flags=answered(-1, flag.key, checked=0)))


def test_the_most_urgent_reason_sets_the_urgency() -> None:
    flags = answered(-1, "morning_stiffness", "cancer_history", "both_legs")
    p = assess_on(daily(8, 8, 8), flags=flags)
    assert [(r.code, r.urgency) for r in p.reasons] == [
        ("red_flag", "emergency"),
        ("red_flag", "today"),
        ("red_flag", "soon"),
        ("severe", "soon"),
    ]
    assert p.urgency == "emergency"


def test_no_reason_no_advice() -> None:
    p = assess_on(daily(8, 5, 5))
    assert (p.see_professional, p.reasons, p.urgency) == (False, (), None)


# --- the safety questions: when they are due -------------------------------------------------


@pytest.mark.parametrize(
    ("flags", "rows", "sessions", "due"),
    [
        (RedFlagAnswers(), (), (), True),  # never answered
        (answered(0), ((0, 6),), (), False),  # answered on the episode's first day
        # First use, then the first check-in the next day: not asked again (version 3)...
        (answered(-1), ((0, 6),), (), False),
        (answered(-7), ((0, 6),), (), False),  # ...up to 7 days later
        (answered(-8), ((0, 6),), (), True),  # answers more than 7 days older than the episode
        (answered(0), ((0, 1), (40, 6)), (), True),  # a new episode after a pain-free day
        (answered(0), ((0, 6), (40, 6)), (), False),  # 40 days after a 6: the same episode
        (answered(0), ((0, 6), (1, 6, None), (2, 5)), (), False),
        (answered(35), ((0, 6), (1, 1), (40, 6)), (), True),  # an earlier episode exists
        (answered(0), ((0, 8), (1, 5), (2, 8)), (), True),  # a flare day on a later date
        (answered(2), ((0, 8), (1, 5), (2, 8)), (), False),  # answered on the flare day
        (answered(0), ((0, 8), (1, 5), (2, 5)), (hurt(3),), True),  # "this hurts" is a flare
        (answered(0, question_set=1), ((0, 6),), (), True),  # answered to the old questions
    ],
)
def test_safety_due(flags: RedFlagAnswers, rows: tuple, sessions: tuple, due: bool) -> None:
    checkins = series(*rows)
    today = max([3, *(r[0] for r in rows)])
    assert assess_on(checkins, today, flags=flags, sessions=list(sessions)).safety_due is due


def test_answers_given_after_the_first_day_and_the_flares_are_not_due() -> None:
    # The questions are asked again only for a first day or flare day after the answers.
    assert not assess_on(daily(6, 6), flags=answered(1)).safety_due
    assert not assess_on(daily(8, 5, 8, 7), flags=answered(3)).safety_due


def test_severe_after_the_answers_asks_again_once() -> None:
    # Answered on day 1 (8:00), before that day's check-in: 7, then 8, 8 makes severe hold,
    # with no flare day (each day 1 above the usual level), so only severe makes them due.
    p = assess_on(daily(7, 8, 8), flags=answered(1))
    assert p.safety_due and "severe" in codes(p) and p.last_flare is None
    assert not assess_on(daily(7, 8, 7), flags=answered(1)).safety_due
    # Answered again after it: not due, though severe still holds.
    p = assess_on(daily(7, 8, 8), today=3, flags=answered(3))
    assert not p.safety_due and "severe" in codes(p)
    # Severe already before the answers: answering does not make them due again.
    assert not assess_on(daily(9, 9, 9), flags=answered(2)).safety_due


# --- what a check-in changed -------------------------------------------------------------------


def test_what_changed() -> None:
    before = assess_on(daily(8, 5))
    opened = assess_on(daily(8, 5, 5))
    change = what_changed(before, opened)
    assert change.strengthening == advice.OPENED and change.new_reasons == ()
    closed = assess_on(daily(8, 5, 5, 8, 8, 8), 5)
    change = what_changed(opened, closed)
    assert change.strengthening == advice.CLOSED
    assert {r.code for r in change.new_reasons} == {"worsening", "severe"}
    assert change.notes()[0].startswith("New advice: ")
    # Advice already given is not new the next time.
    assert what_changed(closed, closed).new_reasons == ()
    level3 = assess_on(daily(8, 5, 5, 5, 5), sessions=[completed(2), completed(3)])
    level2 = assess_on(daily(8, 5, 5, 5, 5), sessions=[completed(2)])
    assert what_changed(level2, level3).strengthening == advice.level_opened_text(3)


# --- status --json --------------------------------------------------------------------------


def test_the_json_shape() -> None:
    p = assess_on(
        daily(8, 5, 5, 5), sessions=[completed(2)], flags=answered(0, "morning_stiffness")
    )
    data = json.loads(json.dumps(p.to_dict()))
    assert {
        "unlocked", "locked", "see_professional", "pain", "baseline", "episode_started",
        "last_flare", "reasons", "urgency", "safety_due", "strengthening_level", "next_level",
        "locked_all", "stale",
    } <= set(data)  # fmt: skip
    assert data["reasons"][0] == {
        "code": "red_flag",
        "text": data["reasons"][0]["text"],
        "urgency": "soon",
    }
    assert (data["strengthening_level"], data["locked_all"], data["stale"]) == (2, None, False)
    assert data["next_level"] == {
        "level": 3,
        "needs": "complete level-2 routines on 2 different days",
        "days_so_far": 1,
        "days_needed": 2,
    }
    assert data["urgency"] == "soon" and data["safety_due"] is False
    assert data["last_flare"] is None and data["episode_started"].startswith("2026-11-01T09:00")
    flare = assess_on(daily(8, 5, 8)).to_dict()
    assert flare["last_flare"] == on(2).isoformat()
