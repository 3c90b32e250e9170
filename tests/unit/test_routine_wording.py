"""What a clinical review asked of the bundled routines' words, checked in every routine that has
the exercise (so a new routine that copies an old step is held to it too)."""

from __future__ import annotations

import re

from backroutine.core import paths
from backroutine.core.library import routine_files
from backroutine.core.loading import load_routine
from backroutine.core.model import Step

ROUTINES = {p.stem: load_routine(p) for p in routine_files(paths.bundled_routines_dir(),
                                                          recursive=False)}  # fmt: skip


def text(step: Step) -> str:
    return " ".join((step.instructions or "").split())


def steps_named(pattern: str) -> list[tuple[str, Step]]:
    found = [
        (routine_id, step)
        for routine_id, routine in ROUTINES.items()
        for step in routine.steps
        if re.search(pattern, step.name, re.IGNORECASE)
    ]
    assert found, f"no bundled step matches {pattern!r}"  # a renamed step must not pass unseen
    return found


def test_spasm_relief_puts_the_heat_pad_against_the_back_lying_on_the_side() -> None:
    heat = ROUTINES["spasm-relief"].steps[0]
    words = text(heat)
    assert "heating pad" in words
    assert "Lie on your side" in words and "against your low back" in words
    assert "rather than lying on it" in words and "on your back" not in words
    assert heat.illustration is not None and "on your side" in heat.illustration
    then = text(ROUTINES["spasm-relief"].steps[1])
    assert then.startswith("Lie on your back")  # the next step says how to get there


def test_a_wall_sit_goes_no_lower_than_thighs_level_with_the_floor() -> None:
    for routine_id, step in steps_named(r"wall sit"):
        assert "never lower than your thighs level with the floor" in text(step), routine_id
        assert step.illustration is not None and "thighs never" in step.illustration


def test_a_dead_bug_says_to_lower_the_legs_one_at_a_time() -> None:
    for routine_id, step in steps_named(r"dead bug"):
        assert "lower your legs" in text(step) and "one at a time" in text(step), routine_id


def test_a_leg_that_lowers_toward_the_floor_is_said_to_be_bent_or_straight() -> None:
    for routine_id, step in steps_named(r"dead bug"):
        words = text(step)
        assert re.search(r"knee (staying )?bent|straighten the opposite leg", words, re.I), (
            routine_id
        )


def test_seated_cat_cow_rounds_only_a_little() -> None:
    for routine_id, step in steps_named(r"seated cat-cow"):
        assert "round your back a little" in text(step), routine_id


def test_happy_baby_is_skipped_while_pain_is_high() -> None:
    for routine_id, step in steps_named(r"happy baby"):
        assert "Skip this pose while your pain is high" in text(step), routine_id
