"""The TUI driven headless: a fake clock, a recording sound player, a real history store."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from backroutine.audio import RecordingPlayer
from backroutine.core.engine import Session
from backroutine.core.history import HistoryStore
from backroutine.core.loading import load_text
from backroutine.core.recording import SessionRecorder
from backroutine.ui.app import PlayerApp, make_player_app

ROUTINE = """\
name: Test flow
category: yoga
summary: A short routine for tests.
cautions: [Stop if pain becomes sharp.]
equipment: [mat]
defaults: {get_ready: 3s, rest: 4s}
steps:
  - {name: Walk, duration: 5s, instructions: Walk gently.}
  - name: Twist
    hold: 6s
    sides: both
    illustration: supine-twist
    cues: [{at: 50%, say: Breathe out}]
  - {name: Tilt, reps: 2, tempo: 1-1-1}
"""


class FakeClock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


@dataclass
class Rig:
    app: PlayerApp
    clock: FakeClock
    sounds: RecordingPlayer
    store: HistoryStore
    session: Session

    def advance(self, seconds: float) -> None:
        """Move time on and let the app catch up, as its timer would."""
        self.clock.now += seconds
        self.app.wake()

    def played(self) -> list[tuple[float, str]]:
        return [(round(t - 100.0, 3), name) for t, name in self.sounds.played]

    def rows(self):
        return self.store.sessions()


@pytest.fixture
def rig(tmp_path: Path):
    clock = FakeClock()
    routine = load_text(ROUTINE, path=tmp_path / "test-flow.yaml")
    session = Session(routine, clock=clock)
    store = HistoryStore.open(tmp_path / "data")
    recorder = SessionRecorder(store, session)
    sounds = RecordingPlayer(clock=clock)
    app = make_player_app(session, recorder=recorder, player=sounds)
    yield Rig(app, clock, sounds, store, session)
    store.close()
