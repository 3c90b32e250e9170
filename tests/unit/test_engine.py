"""The session engine, driven by a fake clock: transitions, cue times, pause, skip and back."""

from __future__ import annotations

from pathlib import Path

import pytest

from backroutine.core.engine import (
    CountdownTick,
    CueDue,
    Finished,
    PhaseStarted,
    RepStarted,
    SegmentStarted,
    Session,
    SideChanged,
    StepDone,
)
from backroutine.core.loading import load_text
from fakes import FakeClock


def routine(text: str):
    return load_text(text, path=Path("/nonexistent/r.yaml"))


HUGS = routine(
    "name: Hugs\ncategory: yoga\ndefaults: {get_ready: 5s}\nsteps:\n"
    "  - name: Hug\n    hold: 30s\n    sides: both\n    sets: 2\n    rest: 15s\n"
    "    cues:\n      - {at: 50%, say: Breathe out}\n      - {at: -5s, say: Nearly, sound: bell}\n"
)
THREE = routine(
    "name: Three\ncategory: gentle\ndefaults: {get_ready: 0, rest: 0}\nsteps:\n"
    "  - {name: A, duration: 10s}\n  - {name: B, duration: 10s}\n  - {name: C, duration: 10s}\n"
)


def playing(r=THREE, seconds: float = 0.0) -> tuple[Session, FakeClock]:
    """A started session, `seconds` into it (events up to then consumed)."""
    clock = FakeClock()
    session = Session(r, clock=clock)
    session.start()
    clock.advance(seconds)
    session.update()
    return session, clock


def run_to_end(session: Session, clock: FakeClock) -> list[tuple[float, object]]:
    """Jump from wake-up to wake-up, as a client would; (position, event) pairs."""
    out = [(0.0, e) for e in session.start()]
    while session.state == "running":
        clock.now = session.next_wake()
        out += [(round(session.position, 3), e) for e in session.update()]
    return out


def test_every_transition_and_cue_time() -> None:
    clock = FakeClock()
    session = Session(HUGS, clock=clock)
    events = run_to_end(session, clock)
    starts = [
        (t, e.segment.kind, e.segment.side) for t, e in events if isinstance(e, SegmentStarted)
    ]
    assert starts == [
        (0, "get_ready", "left"), (5, "work", "left"), (35, "rest", "right"), (50, "work", "right"),
        (80, "rest", "left"), (95, "work", "left"), (125, "rest", "right"), (140, "work", "right"),
    ]  # fmt: skip
    cues = [(t, e.cue.say) for t, e in events if isinstance(e, CueDue)]
    assert cues == [
        (20, "Breathe out"), (30, "Nearly"), (65, "Breathe out"), (75, "Nearly"),
        (110, "Breathe out"), (120, "Nearly"), (155, "Breathe out"), (165, "Nearly"),
    ]  # fmt: skip
    sides = [(t, e.side) for t, e in events if isinstance(e, SideChanged)]
    assert sides == [(35, "right"), (80, "left"), (125, "right")]
    ticks = [(t, e.seconds_left) for t, e in events if isinstance(e, CountdownTick)]
    assert ticks[:5] == [(2, 3), (3, 2), (4, 1), (47, 3), (48, 2)]
    assert events[-2:] == [(170, StepDone(0)), (170, Finished(True))]
    assert session.completed and session.steps_done == 1
    assert session.active_seconds == pytest.approx(170)


def test_rep_and_tempo_phases() -> None:
    r = routine(
        "name: R\ncategory: strengthening\ndefaults: {get_ready: 2}\nsteps:\n"
        "  - {name: Bridge, reps: 3, tempo: 2-1-0-1}\n"
    )
    clock = FakeClock()
    events = run_to_end(Session(r, clock=clock), clock)
    reps = [(t, e.rep) for t, e in events if isinstance(e, RepStarted)]
    assert reps == [(2, 1), (6, 2), (10, 3)]
    phases = [(t, e.phase, e.seconds) for t, e in events if isinstance(e, PhaseStarted)]
    assert phases[:3] == [
        (2, "up", 2),
        (4, "hold", 1),
        (5, "pause", 1),
    ]  # the 0 s "down" is skipped
    assert len(phases) == 9


def test_rep_now_reports_the_phase() -> None:
    r = routine("name: R\ncategory: gentle\ndefaults: {get_ready: 0}\nsteps:\n"
                "  - {name: T, reps: 2, tempo: 2-1-2}\n")  # fmt: skip
    session, clock = playing(r, 2.5)
    assert session.rep_now() == (1, 2, "hold", pytest.approx(0.5))
    clock.advance(3)
    session.update()
    assert session.rep_now() == (2, 2, "up", pytest.approx(1.5))


def test_a_slow_frame_does_not_stretch_the_routine() -> None:
    session, clock = playing(THREE)
    clock.advance(7.3)  # the event loop stalled
    session.update()
    clock.advance(22.7)
    events = session.update()
    assert Finished(True) in events
    assert session.active_seconds == pytest.approx(30)


def test_finishing_late_counts_only_the_routine() -> None:
    session, _clock = playing(THREE, 45)
    assert session.state == "finished" and session.active_seconds == pytest.approx(30)


def test_pause_never_counts() -> None:
    session, clock = playing(THREE)
    clock.advance(4)
    session.pause()
    clock.advance(100)
    assert session.update() == []
    assert session.position == pytest.approx(4)
    assert session.next_wake() is None
    session.resume()
    clock.advance(6)
    events = session.update()
    assert [e.segment.name for e in events if isinstance(e, SegmentStarted)] == ["B"]
    clock.advance(20)
    assert Finished(True) in session.update()
    assert session.active_seconds == pytest.approx(30)


def test_skip_goes_to_the_next_step_and_does_not_credit_it() -> None:
    session, clock = playing(THREE)
    clock.advance(2)
    events = session.skip()
    assert [type(e) for e in events] == [SegmentStarted]
    assert events[0].segment.name == "B" and session.position == pytest.approx(10)
    assert session.steps_done == 0  # A was skipped, not done
    clock.advance(10)
    assert StepDone(1) in session.update()
    assert session.steps_done == 1


def test_skip_past_the_last_step_finishes_not_completed() -> None:
    session, _clock = playing(THREE, 25)
    assert session.skip() == [Finished(False)]
    assert session.state == "finished" and not session.completed
    assert session.steps_done == 2
    assert session.active_seconds == pytest.approx(25)


def test_back_restarts_the_step_after_three_seconds() -> None:
    session, _clock = playing(THREE, 14)
    events = session.back()
    assert session.position == pytest.approx(10)  # start of B
    assert events and events[0].segment.name == "B"


def test_back_goes_to_the_previous_step_within_three_seconds() -> None:
    session, _clock = playing(THREE, 12)
    session.back()
    assert session.position == pytest.approx(0)  # start of A
    assert session.segment.name == "A"


@pytest.mark.parametrize("into", [0.0, 3.0])
def test_back_at_the_first_step_restarts_it(into: float) -> None:
    session, clock = playing(THREE)
    clock.advance(into)
    session.update()
    session.back()
    assert session.position == pytest.approx(0)


def test_skip_and_back_while_paused_stay_paused() -> None:
    session, clock = playing(THREE)
    session.pause()
    events = session.skip()
    assert session.state == "paused"
    assert session.segment.name == "B" and [e.segment.name for e in events] == ["B"]
    clock.advance(50)
    assert session.position == pytest.approx(10)
    session.resume()
    clock.advance(1)
    assert session.update() == []  # B's start was already shown
    assert session.segment_remaining() == pytest.approx(9)


def test_skip_over_an_end_cue_does_not_fire_it() -> None:
    r = routine("name: R\ncategory: gentle\nsteps:\n"
                "  - {name: A, duration: 10s, cues: [{at: 100%, say: end}]}\n"
                "  - {name: B, duration: 10s}\n")  # fmt: skip
    session, _clock = playing(r)
    events = session.skip()
    assert not any(isinstance(e, CueDue) for e in events)


def test_end_cue_fires_before_the_next_step() -> None:
    r = routine("name: R\ncategory: gentle\nsteps:\n"
                "  - {name: A, duration: 10s, cues: [{at: 100%, say: end}]}\n"
                "  - {name: B, duration: 10s}\n")  # fmt: skip
    session, clock = playing(r)
    clock.advance(10)
    events = session.update()
    assert [type(e).__name__ for e in events] == ["CueDue", "StepDone", "SegmentStarted"]


def test_stop_ends_the_session_not_completed() -> None:
    session, clock = playing(THREE, 12)
    session.stop()
    assert session.state == "finished" and not session.completed
    assert session.active_seconds == pytest.approx(12)
    assert session.steps_done == 1
    clock.advance(5)
    assert session.update() == [] and session.skip() == [] and session.back() == []


def test_next_wake_is_the_next_second_or_event() -> None:
    r = routine("name: R\ncategory: gentle\nsteps:\n"
                "  - {name: A, duration: 10s, cues: [{at: 25%, say: quarter}]}\n")  # fmt: skip
    clock = FakeClock(500.0)
    session = Session(r, clock=clock)
    session.start()
    assert session.next_wake() == pytest.approx(501.0)
    clock.advance(2.2)
    assert session.next_wake() == pytest.approx(502.5)  # the cue at 2.5 s
    clock.advance(0.3)
    session.update()
    assert session.next_wake() == pytest.approx(503.0)


def test_segment_remaining_counts_down() -> None:
    session, clock = playing(THREE)
    clock.advance(3.4)
    assert session.segment_remaining() == pytest.approx(6.6)
    assert session.remaining() == pytest.approx(26.6)
    assert session.next_segment.name == "B"


def test_what_a_voice_says() -> None:
    from backroutine.core.announce import utterance

    clock = FakeClock()
    session = Session(HUGS, clock=clock)
    said = []
    batch = session.start()
    said.append(utterance(batch, HUGS))
    while session.state == "running":
        clock.now = session.next_wake()
        batch = session.update()
        if batch:
            said.append(utterance(batch, HUGS))
    texts = [s[0] for s in said if s]
    assert texts[:5] == [
        "Get ready: Hug, left side",
        "3",
        "2",
        "1",
        "Hug, left side. Hold 30 seconds",
    ]
    assert "Breathe out" in texts and "Switch sides: right" in texts
    assert "Rest, 15 seconds" not in texts  # said as the switch of sides instead
    assert texts[-1] == "Well done. That is the end of the routine."
