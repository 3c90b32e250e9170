"""The session conductor with fakes and no event loop: a fake clock, a recording player and
speaker, and a history writer that writes at once into a fake store."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from backroutine.audio import RecordingPlayer
from backroutine.core.engine import STALL_AFTER, Finished, SegmentStarted, Session
from backroutine.core.loading import load_text
from backroutine.core.recording import SessionRecorder
from backroutine.services.conductor import SessionConductor
from backroutine.speech import RecordingSpeaker
from fakes import AtOnceWriter, FakeClock, FakeStore

ROUTINE = """\
name: Conducted
category: gentle
defaults: {get_ready: 2s, rest: 3s}
steps:
  - {name: Walk, duration: 4s}
  - {name: Twist, hold: 5s, sides: both}
"""


class Rig:
    def __init__(self, tmp_path: Path, *, speed: float = 1.0, muted: bool = False) -> None:
        self.clock = FakeClock(100.0)
        self.real = FakeClock(5000.0)
        self.session = Session(
            load_text(ROUTINE, path=tmp_path / "conducted.yaml"), clock=self.clock
        )
        self.store = FakeStore()
        recorder = SessionRecorder(
            AtOnceWriter(self.store),  # type: ignore[arg-type]
            self.session,
            now=lambda: datetime(2026, 11, 25, 9, 0, tzinfo=UTC),
        )
        self.player = RecordingPlayer(clock=self.clock)
        self.speaker = RecordingSpeaker(clock=self.clock)
        self.conductor = SessionConductor(
            self.session,
            recorder,
            player=self.player,
            speaker=self.speaker,
            muted=muted,
            speed=speed,
            real=self.real,
        )

    def sounds(self) -> list[str]:
        return [name for _, name in self.player.played]

    def row(self) -> dict[str, object]:
        (row,) = self.store.rows.values()
        return row

    def play_to_the_end(self) -> list[object]:
        """Look when the conductor says, as a client's timer would."""
        seen: list[object] = []
        while not self.conductor.finished:
            wait = self.conductor.next_wait()
            assert wait is not None
            self.clock.now += wait * self.conductor.speed
            self.real.now += wait
            seen += self.conductor.update()
        return seen


def test_start_sounds_speaks_and_records_the_first_events(tmp_path: Path) -> None:
    rig = Rig(tmp_path)
    events = rig.conductor.start()
    assert any(isinstance(e, SegmentStarted) for e in events)
    assert rig.sounds() == ["start"]  # one sound for the batch: the most meaningful
    assert rig.speaker.said == [(100.0, "Walk. 4 seconds")]
    assert rig.row()["routine_name"] == "Conducted" and rig.row()["status"] == "interrupted"
    assert rig.conductor.start() == []  # once: no second row
    assert len(rig.store.rows) == 1


def test_played_to_the_end_it_is_recorded_as_completed_and_rings_the_bell(
    tmp_path: Path,
) -> None:
    rig = Rig(tmp_path)
    rig.conductor.start()
    seen = rig.play_to_the_end()
    assert isinstance(seen[-1], Finished) and seen[-1].completed
    assert rig.sounds()[-1] == "bell"
    assert "side" in rig.sounds() and "tick" in rig.sounds()
    row = rig.row()
    assert row["status"] == "completed" and row["steps_done"] == 2
    assert row["active_seconds"] == rig.session.total_seconds
    assert rig.speaker.said[-1][1] == "Well done. That is the end of the routine."


def test_muted_nothing_is_heard_but_everything_is_recorded(tmp_path: Path) -> None:
    rig = Rig(tmp_path, muted=True)
    rig.conductor.start()
    rig.play_to_the_end()
    assert rig.player.played == [] and rig.speaker.said == []
    assert rig.row()["status"] == "completed"


def test_mute_can_be_toggled_mid_session(tmp_path: Path) -> None:
    rig = Rig(tmp_path)
    rig.conductor.start()
    assert rig.conductor.toggle_mute() is True
    rig.conductor.skip()
    assert rig.sounds() == ["start"]  # the skip was silent
    assert rig.conductor.toggle_mute() is False
    rig.conductor.back()
    assert len(rig.sounds()) == 2


def test_skip_and_back_return_their_events_heard(tmp_path: Path) -> None:
    rig = Rig(tmp_path)
    rig.conductor.start()
    skipped = rig.conductor.skip()
    started = [(e.segment.kind, e.segment.name) for e in skipped if isinstance(e, SegmentStarted)]
    assert started == [("get_ready", "Twist")]
    assert rig.sounds() == ["start", "start"]
    back = rig.conductor.back()  # just into the step: back to the one before
    assert [e.segment.name for e in back if isinstance(e, SegmentStarted)] == ["Walk"]
    assert rig.sounds() == ["start", "start", "start"]
    assert rig.speaker.said[-1][1] == "Walk. 4 seconds"


def test_stop_records_why_once(tmp_path: Path) -> None:
    rig = Rig(tmp_path)
    rig.conductor.start()
    rig.clock.now += 2
    rig.conductor.update()
    assert rig.conductor.running
    rig.conductor.stop("pain")
    assert rig.conductor.finished and not rig.session.completed
    assert rig.row()["status"] == "stopped" and rig.row()["reason"] == "pain"
    rig.conductor.stop("quit")  # already recorded: left as it was
    assert rig.row()["reason"] == "pain"


def test_stop_after_the_end_changes_nothing(tmp_path: Path) -> None:
    rig = Rig(tmp_path)
    rig.conductor.start()
    rig.play_to_the_end()
    rig.conductor.stop("quit")
    assert rig.row()["status"] == "completed" and rig.row()["reason"] is None


def test_pause_stops_the_waits_and_the_clock(tmp_path: Path) -> None:
    rig = Rig(tmp_path)
    rig.conductor.start()
    assert rig.conductor.toggle_pause() is True
    assert rig.conductor.next_wait() is None  # nothing changes by itself while paused
    rig.clock.now += 60
    assert rig.conductor.update() == []
    assert rig.session.active_seconds == 0
    assert rig.conductor.toggle_pause() is False
    assert rig.conductor.next_wait() == pytest.approx(1.0)


def test_waits_are_real_seconds_at_a_preview_speed(tmp_path: Path) -> None:
    rig = Rig(tmp_path, speed=4.0)
    rig.conductor.start()
    assert rig.conductor.next_wait() == pytest.approx(0.25)  # the next whole second, 4x faster


def test_a_stall_while_waiting_counts_as_a_pause(tmp_path: Path) -> None:
    rig = Rig(tmp_path)
    rig.conductor.start()
    wait = rig.conductor.next_wait()
    assert wait == pytest.approx(1.0)
    # The process was stopped (Ctrl-Z) for a minute: both clocks moved on.
    rig.clock.now += 61
    rig.real.now += 61
    excused = rig.conductor.woke()
    assert excused == pytest.approx(60.0)
    assert rig.session.active_seconds == pytest.approx(1.0)
    rig.conductor.update()  # the guard is not asked twice for the same wait
    assert rig.session.active_seconds == pytest.approx(1.0)


def test_a_short_lateness_is_not_a_stall(tmp_path: Path) -> None:
    rig = Rig(tmp_path)
    rig.conductor.start()
    rig.conductor.next_wait()
    rig.clock.now += 1 + STALL_AFTER / 2
    rig.real.now += 1 + STALL_AFTER / 2
    assert rig.conductor.woke() == 0.0
    assert rig.session.active_seconds == pytest.approx(1 + STALL_AFTER / 2)


def test_without_a_player_or_a_voice_it_still_records(tmp_path: Path) -> None:
    clock = FakeClock(100.0)
    session = Session(load_text(ROUTINE, path=tmp_path / "conducted.yaml"), clock=clock)
    store = FakeStore()
    recorder = SessionRecorder(AtOnceWriter(store), session)  # type: ignore[arg-type]
    conductor = SessionConductor(session, recorder)
    conductor.start()
    conductor.skip()
    conductor.skip()
    assert conductor.finished
    # Skipped to the end with nothing played: skipped, never completed (done means done).
    assert store.rows[1]["status"] == "skipped" and store.rows[1]["reason"] is None
