"""Switching sides straight from one bout to the next (`rest: 0`, issue 13): the switch is
announced at the moment the side changes, before the next side's bout starts, with one
utterance that keeps the step's name and one sound."""

from __future__ import annotations

from pathlib import Path

from backroutine.core.announce import describe, loudest, utterance
from backroutine.core.engine import Event, SegmentStarted, Session, SideChanged
from backroutine.core.loading import load_text
from backroutine.core.model import Routine
from fakes import FakeClock


def routine(step: str) -> Routine:
    return load_text(
        f"name: Sides\ncategory: yoga\ndefaults: {{get_ready: 3s}}\nsteps:\n  - {step}\n",
        path=Path("/nonexistent/sides.yaml"),
    )


def batches(r: Routine) -> list[tuple[float, list[Event]]]:
    """The events a client gets, batch by batch, waking when the session asks."""
    clock = FakeClock(500.0)
    session = Session(r, clock=clock)
    out = [(0.0, session.start())]
    while session.state == "running":
        wake = session.next_wake()
        assert wake is not None
        clock.now = wake
        batch = session.update()
        if batch:
            out.append((round(session.position, 3), batch))
    return out


def switches(r: Routine) -> list[tuple[float, list[Event]]]:
    return [(t, b) for t, b in batches(r) if any(isinstance(e, SideChanged) for e in b)]


def test_with_no_rest_the_switch_comes_before_the_next_bout() -> None:
    r = routine("{name: Twist, hold: 10s, sides: both, rest: 0}")
    (at, batch), *more = switches(r)
    assert not more and at == 13  # get ready 3 s, the left side 10 s
    kinds = [type(e).__name__ for e in batch]
    assert kinds == ["SideChanged", "SegmentStarted"]  # the switch first, then the bout
    started = batch[1]
    assert isinstance(started, SegmentStarted)
    bout = started.segment
    assert (bout.kind, bout.side, bout.start) == ("work", "right", 13)
    lines = [describe(e, r) for e in batch]
    assert lines == ["Switch sides: RIGHT", "Twist: HOLD 10s · RIGHT side"]
    assert utterance(batch, r) == ("Switch sides: Twist, right. Hold 10 seconds", 2)
    assert loudest(batch) == "side"  # one sound for the moment: the side's, not the start's


def test_with_no_rest_every_switch_of_several_sets_is_said_once() -> None:
    r = routine("{name: Clam, reps: 2, rep: 2s, sides: both, sets: 2, rest: 0}")
    found = switches(r)
    assert [t for t, _ in found] == [7, 11, 15]  # L 3-7, R 7-11, L 11-15, R 15-19
    for _, batch in found:
        side = [e for e in batch if isinstance(e, SideChanged)]
        assert len(side) == 1 and batch[0] is side[0]
        said = utterance(batch, r)
        assert said == (f"Switch sides: Clam, {side[0].side}. 2 reps", 2)
        assert loudest(batch) == "side"


def test_a_timed_step_keeps_its_name_too() -> None:
    r = routine("{name: Sway, duration: 1m, sides: both, rest: 0}")
    ((at, batch),) = switches(r)
    assert at == 60 and utterance(batch, r) == ("Switch sides: Sway, right. 1 minute", 2)


def test_with_a_rest_the_switch_still_comes_with_the_rest() -> None:
    """Unchanged: the rest starts, the switch is said instead of it; the bout after the rest
    is announced on its own."""
    r = routine("{name: Twist, hold: 10s, sides: both, rest: 5s}")
    (at, batch), *more = switches(r)
    assert not more and at == 13
    assert [type(e).__name__ for e in batch] == ["SegmentStarted", "SideChanged"]
    assert utterance(batch, r) == ("Switch sides: right", 2)
    assert loudest(batch) == "side"
    after = [b for t, b in batches(r) if t == 18]
    assert utterance(after[0], r) == ("Twist, right side. Hold 10 seconds", 2)
