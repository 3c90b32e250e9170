"""Expansion arithmetic: ROUTINE_FORMAT.md's rules, its worked example, and invariants."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from backroutine.core.loading import load_text
from backroutine.core.model import Routine, Step
from backroutine.core.timeline import expand, step_seconds, total_seconds


def routine_of(*steps: Step) -> Routine:
    return Routine(id="t", name="T", category="gentle", steps=steps)


def load(text: str) -> Routine:
    return load_text(text, path=Path("/nonexistent/t.yaml"))


def test_the_format_example_is_170_seconds() -> None:
    routine = load(
        "name: Knee hugs\ncategory: yoga\ndefaults: {get_ready: 5s}\nsteps:\n"
        "  - {name: Knee-to-chest, hold: 30s, sides: both, sets: 2, rest: 15s}\n"
    )
    timeline = expand(routine)
    assert timeline.total_seconds == 170
    assert [(s.kind, s.seconds, s.set, s.side) for s in timeline.segments] == [
        ("get_ready", 5, 1, "left"),
        ("work", 30, 1, "left"),
        ("rest", 15, 1, "right"),
        ("work", 30, 1, "right"),
        ("rest", 15, 2, "left"),
        ("work", 30, 2, "left"),
        ("rest", 15, 2, "right"),
        ("work", 30, 2, "right"),
    ]
    assert [s.start for s in timeline.segments] == [0, 5, 35, 50, 80, 95, 125, 140]


def test_mixed_pacing_is_200_seconds() -> None:
    routine = load(
        "name: Mixed\ncategory: strengthening\ndefaults: {get_ready: 3s}\nsteps:\n"
        "  - {name: Pelvic tilt, reps: 10, tempo: 2-0-2}\n"
        "  - rest: 20s\n"
        "  - {name: March, duration: 1m}\n"
        "  - {name: Dead bug, reps: 6, sets: 3}\n"
    )
    timeline = expand(routine)
    kinds = [(s.kind, s.step, s.seconds) for s in timeline.segments]
    assert kinds == [
        ("get_ready", 0, 3),
        ("work", 0, 40),
        ("rest", 1, 20),
        ("work", 2, 60),  # no get-ready before a duration step
        ("get_ready", 3, 3),
        ("work", 3, 18),
        ("rest", 3, 10),
        ("work", 3, 18),
        ("rest", 3, 10),
        ("work", 3, 18),  # and no rest after the last bout
    ]
    assert timeline.total_seconds == 200


def test_zero_rest_and_zero_get_ready_leave_no_segment() -> None:
    routine = load(
        "name: R\ncategory: yoga\ndefaults: {get_ready: 0, rest: 0}\nsteps:\n"
        "  - {name: Twist, hold: 20s, sides: both}\n"
    )
    timeline = expand(routine)
    assert [(s.kind, s.side) for s in timeline.segments] == [("work", "left"), ("work", "right")]
    assert timeline.total_seconds == 40


def test_step_rest_overrides_default_and_rep_pacing() -> None:
    routine = load(
        "name: R\ncategory: strengthening\ndefaults: {rest: 30s, rep: 5s}\nsteps:\n"
        "  - {name: A, reps: 4, sets: 2, rest: 7s}\n"
        "  - {name: B, reps: 4, rep: 2s, get_ready: 1s}\n"
    )
    timeline = expand(routine)
    assert [s.seconds for s in timeline.segments] == [5, 20, 7, 20, 1, 8]


steps_strategy = st.builds(
    Step,
    kind=st.sampled_from(["hold", "reps", "duration", "rest"]),
    name=st.just("S"),
    seconds=st.integers(1, 7200),
    sides=st.sampled_from(["both", "none"]),
    sets=st.integers(1, 20),
    rest=st.integers(0, 7200),
    get_ready=st.integers(0, 60),
)


@given(st.lists(steps_strategy, min_size=1, max_size=12))
def test_total_is_the_sum_of_the_rules(steps: list[Step]) -> None:
    # get_ready is 0 for duration and rest steps, as the loader makes it.
    steps = [
        s if s.kind in ("hold", "reps") else Step(**{**_fields(s), "get_ready": 0}) for s in steps
    ]
    timeline = expand(routine_of(*steps))
    expected = 0
    for s in steps:
        if s.kind == "rest":
            expected += s.seconds
        else:
            bouts = s.sets * (2 if s.sides == "both" else 1)
            expected += s.get_ready + bouts * s.seconds + (bouts - 1) * s.rest
    assert timeline.total_seconds == expected == total_seconds(routine_of(*steps))
    assert [step_seconds(s) for s in steps] == [
        sum(seg.seconds for seg in timeline.segments if seg.step == i) for i in range(len(steps))
    ]
    # segments are back to back and never empty
    clock = 0
    for segment in timeline.segments:
        assert segment.start == clock and segment.seconds > 0
        clock = segment.end


def _fields(step: Step) -> dict[str, object]:
    return {name: getattr(step, name) for name in step.__slots__}
