"""The TUI driven headless: a fake clock, a recording sound player, a real history store; and
`settle`, which waits for the screens' thread workers (the history and library reads, the
saves) and for what they show."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest
from textual import events

from backroutine.audio import RecordingPlayer
from backroutine.core.engine import Session
from backroutine.core.history import HistoryStore
from backroutine.core.loading import load_text
from backroutine.ui.app import BackroutineApp, make_app
from backroutine.ui.screens.player import PlayerScreen
from fakes import FakeClock

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


@dataclass
class Rig:
    app: BackroutineApp
    clock: FakeClock
    sounds: RecordingPlayer
    store: HistoryStore

    @property
    def session(self) -> Session:
        assert self.app.session is not None
        return self.app.session

    def advance(self, seconds: float) -> None:
        """Move time on and let the player catch up, as its timer would."""
        self.clock.now += seconds
        wake(self.app)

    def played(self) -> list[tuple[float, str]]:
        return [(round(t - 100.0, 3), name) for t, name in self.sounds.played]

    def rows(self):
        if self.app.writer is not None:
            assert self.app.writer.drain(5)  # sessions are written off the event loop
        return self.store.sessions()


@pytest.fixture
def rig(tmp_path: Path):
    clock = FakeClock(100.0)
    routine = load_text(ROUTINE, path=tmp_path / "test-flow.yaml")
    store = HistoryStore.open(tmp_path / "data")
    sounds = RecordingPlayer(clock=clock)
    app = make_app(store=store, routine=routine, clock=clock, player=sounds,
                   data_dir=tmp_path / "data", now=fixed_now)  # fmt: skip
    yield Rig(app, clock, sounds, store)
    store.close()


def fixed_now() -> datetime:
    return datetime(2026, 11, 25, 9, 0, tzinfo=UTC)


def wake(app: BackroutineApp) -> None:
    """Wake the player screen (under any modal), as its own timer would; none: nothing."""
    for screen in app.screen_stack:
        if isinstance(screen, PlayerScreen):
            screen.wake()


async def settle(pilot) -> None:
    """Wait until the workers are done and what they brought is shown (which may start more
    work: a home screen read again after a check-in is saved)."""
    app = pilot.app
    for _ in range(50):
        await pilot.pause()
        busy = [w for w in app.workers if not w.is_finished]
        if not busy:
            await pilot.pause()
            if not [w for w in app.workers if not w.is_finished]:
                return
        await asyncio.gather(*(w.wait() for w in busy), return_exceptions=True)
    raise AssertionError("the workers never settled")


# What a terminal sends for these keys; any other key is its own character.
KEY_CHARACTERS = {"enter": "\r", "backspace": "\x7f", "escape": "\x1b", "tab": "\t", "space": " "}


def burst(app, *keys: str) -> None:
    """Post key events to the app back to back, as a fast typist, a key macro or a paste over
    SSH delivers them: nothing is processed in between (Pilot.press waits for the app to go
    idle after each key, which hides Textual issue #6605). Await `settle` afterwards."""
    for key in keys:
        event = events.Key(key, KEY_CHARACTERS.get(key, key if len(key) == 1 else None))
        event.set_sender(app)
        app.post_message(event)
