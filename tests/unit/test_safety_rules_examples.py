"""Every example written in ../shared/SAFETY_RULES.md (version 3), one test each, and the
real-life patterns of the clinical review that version 2 answered wrongly (issue 19)."""

from __future__ import annotations

import json

import pytest
from progression_cases import answered, assess_on, codes, completed, daily, hurt, series

from backroutine.core.days import good_at_or_below, improved_at_or_below, score_days
from backroutine.core.progression import assess, routine_lock

# --- "Improved day" and "Good day" ------------------------------------------------------------


@pytest.mark.parametrize(
    ("baseline", "improved", "good"),
    [
        (10, 7, 5),  # 3 points (30%) below 10 is 7, but a good day is also 5 or below
        (8, 5, 5),
        (6, 4, 4),
        (4, 2, 2),
        (3, 1, 2),  # from 3 or less an improved day is 1 or below; mild pain (2) is good
        (2, 1, 2),
        (1, 1, 2),
        (0, 1, 2),
    ],
)
def test_improved_and_good_day_thresholds(baseline: int, improved: int, good: int) -> None:
    assert improved_at_or_below(baseline) == improved
    assert good_at_or_below(baseline) == good


def test_strengthening_does_not_open_at_7_when_the_start_was_10() -> None:
    # Version 2 opened it at 7/10 (an improved day from 10); version 3 needs 5 or below.
    p = assess_on(daily(10, 7, 7))
    assert "strengthening" not in p.unlocked and p.days_needed == 2
    assert "two more days at 5 or below" in p.locked["strengthening"]
    assert "strengthening" in assess_on(daily(10, 7, 5, 5)).unlocked


def test_mild_pain_counts_even_from_a_low_start() -> None:
    # From a start of 3 an improved day is 1 or below; 2 is mild pain and counts as good.
    assert "strengthening" in assess_on(daily(3, 2, 2)).unlocked
    assert "strengthening" not in assess_on(daily(3, 3, 3)).unlocked


# --- "Flare day" ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("pains", "flares"),
    [
        ((8, 4, 2, 4, 4, 4), []),  # "8,4,2,4,4,4 has no flare day"
        ((10, 4, 3, 3, 3, 7), [5]),  # "...flare on their last day"
        ((8, 2, 2, 2, 4), [4]),
        ((6, 5, 10), [2]),  # "6,5,10 flares on its third"
    ],
)
def test_flare_examples(pains: tuple[int, ...], flares: list[int]) -> None:
    days = score_days(daily(*pains), set())
    assert [i for i, d in enumerate(days) if d.flare] == flares


def test_one_good_day_then_the_usual_level_is_no_flare_and_no_advice() -> None:
    # The review's pattern: 8, 4, 2 then a steady 4. Version 2 gave three flare days, the
    # safety questions three times and "your pain keeps getting worse" for 13 days while
    # strengthening was open.
    for length in range(4, 20):
        pains = (8, 4, 2) + (4,) * (length - 3)
        p = assess_on(daily(*pains), flags=answered(0))
        assert p.last_flare is None and not p.reasons and not p.safety_due, pains
        assert "strengthening" in p.unlocked, pains


# --- "worsening" ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("pains", "worsening"),
    [
        ((8, 4, 2, 4, 4), False),  # "8,4,2,4,4 no"
        ((8, 2, 6, 6), True),  # "8,2,6,6 yes"
        ((3, 3, 5, 5), True),  # "3,3,5,5 yes": 2 above, neither an improved day
        ((10, 1, 1, 7, 7), True),  # "10,1,1,7,7 yes"
        ((5, 6, 7), True),  # "(5, 6, 7)": three rising days, the last 2 above the first
        ((8, 2, 4, 4), False),  # 2 above the low, but both are improved days from 8
        ((8, 2, 5, 5), True),  # 3 above the low
    ],
)
def test_worsening_examples(pains: tuple[int, ...], worsening: bool) -> None:
    assert ("worsening" in codes(assess_on(daily(*pains)))) is worsening


# --- "severe" ---------------------------------------------------------------------------------


def test_one_day_at_10_is_severe() -> None:
    # Version 2 raised nothing for a single day at 10/10.
    p = assess_on(daily(4, 10))
    assert "severe" in codes(p) and p.urgency == "soon"
    assert "strengthening" not in p.unlocked


# --- "Episode": a gap is a new episode only after pain-free days ------------------------------


def test_a_month_without_check_ins_while_in_pain_is_still_not_improving() -> None:
    # Version 2 started a new episode here, so "not improving after 4 weeks" never came.
    p = assess_on(series((0, 7), (1, 6), (35, 6)))
    assert p.baseline == 7 and "not_improving" in codes(p)
    # After a pain-free day, the same gap starts a new episode.
    p = assess_on(series((0, 7), (1, 1), (35, 6)))
    assert p.baseline == 6 and "not_improving" not in codes(p)


# --- Strengthening, conditions 1-5 ------------------------------------------------------------


@pytest.mark.parametrize(
    ("pains", "rows_spasms", "sessions", "code"),
    [
        ((8, 2, 5, 5), None, (), "worsening"),  # both good days, but 3 above the low of 2
        ((9, 5, 5), None, (), None),  # open: nothing holds it
        ((8, 5, 5), "more", (), "spasms_more"),
        ((8, 5, 5), None, (0, 1), "hurt_stops"),
    ],
)
def test_a_reason_to_see_a_professional_holds_strengthening_shut(
    pains: tuple[int, ...], rows_spasms: str | None, sessions: tuple[int, ...], code: str | None
) -> None:
    rows = [(i, p) for i, p in enumerate(pains)]
    if rows_spasms:
        rows[0] = (0, pains[0], rows_spasms)  # type: ignore[assignment]
    p = assess_on(series(*rows), sessions=[hurt(d) for d in sessions])
    if code is None:
        assert "strengthening" in p.unlocked and not p.reasons
        return
    assert code in codes(p) and "strengthening" not in p.unlocked
    assert "see the advice above" in p.locked["strengthening"]


def test_not_improving_and_a_soon_red_flag_advise_without_locking() -> None:
    p = assess_on(daily(8, 5, 5), flags=answered(-1, "cant_cope"))
    assert "strengthening" in p.unlocked and p.urgency == "soon"


# --- Levels ---------------------------------------------------------------------------------


def test_next_level_is_null_when_no_routine_has_that_level() -> None:
    checkins, flags = daily(8, 5, 5, 5), answered(0)
    now = checkins[-1].at.replace(hour=20)
    p = assess(checkins, flags, [completed(2)], now=now, levels_with_routines={1, 2})
    assert p.strengthening_level == 2 and p.next_level is None
    assert "Level 3" not in p.progress_text
    p = assess(checkins, flags, [completed(2)], now=now, levels_with_routines={2, 3})
    assert p.next_level is not None and p.next_level.level == 3
    # At the top of the routines there are: level 3 open, no level-4 routine.
    sessions = [completed(2), completed(3)]
    p = assess(checkins, flags, sessions, now=now, levels_with_routines={2, 3})
    assert p.strengthening_level == 3 and p.next_level is None


def test_a_flare_sends_the_levels_back_to_2() -> None:
    sessions = [completed(2, 3), completed(3, 3), completed(4, 4)]
    p = assess_on(daily(8, 5, 5, 5, 5, 8, 5, 5), sessions=sessions)
    assert p.strengthening_level == 2
    assert routine_lock(p, "strengthening", 3) is not None


# --- Red flags: tiers ---------------------------------------------------------------------------


def test_chest_pain_is_an_emergency_and_locks_every_routine() -> None:
    # Version 2 had it only as part of "upper back" (today).
    p = assess_on(daily(8, 5, 5), flags=answered(-1, "chest_pain"))
    assert p.urgency == "emergency" and p.unlocked == () and p.locked_all


@pytest.mark.parametrize("key", ["back_lump", "cough_sneeze", "injecting_drugs"])
def test_the_new_today_questions_lock_yoga_and_strengthening(key: str) -> None:
    p = assess_on(daily(8, 5, 5), flags=answered(-1, key))
    assert p.urgency == "today" and p.unlocked == ("gentle",)


# --- Re-screening ---------------------------------------------------------------------------------


def test_the_questions_do_not_come_back_the_day_after_first_use() -> None:
    # Version 2 asked again the day after first use (the episode's first day was later).
    assert not assess_on(daily(6), flags=answered(-1)).safety_due
    assert not assess_on(daily(6, 6, 5), flags=answered(-1)).safety_due


def test_answers_to_the_version_2_questions_are_due_once() -> None:
    p = assess_on(daily(6, 5), flags=answered(0, question_set=2))
    assert p.safety_due
    assert not assess_on(daily(6, 5), flags=answered(1)).safety_due


# --- The history migrates: answers to the version-2 questions are due once ---------------------


def test_answers_to_the_fourteen_questions_make_the_nineteen_due_once(cli, data_dir) -> None:
    import sqlite3

    assert cli("safety", "--yes", "infection_risk").code == 0
    # As a version-2 backroutine left it: the same answers, to the fourteen questions.
    with sqlite3.connect(data_dir / "history.sqlite3") as db:
        db.execute("UPDATE red_flag_answers SET question_set = 2")
    status = json.loads(cli("status", "--json").out)
    assert status["safety_due"] is True
    assert status["urgency"] == "today"  # the yes still counts meanwhile
    assert "backroutine safety" in cli("status").out
    assert cli("safety", "--none").code == 0
    status = json.loads(cli("status", "--json").out)
    assert status["safety_due"] is False and status["urgency"] is None
