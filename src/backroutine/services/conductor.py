"""Playing one session: what its events mean for the history, the sound and the voice, once for
every client.

The TUI and the plain player each drive a SessionConductor with their own clock (a Textual
timer, a key read with a timeout) and only draw or print the events it hands back: by then the
events are sounded, spoken (unless muted) and recorded. It never draws, prints or sleeps.

The sound and the voice are the small Protocols below, which the audio and speech ports
satisfy; this module never imports those ports, so the use cases stay free of sound libraries.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Protocol

from backroutine.core.announce import loudest, utterance
from backroutine.core.engine import Clock, Event, Session, StallGuard
from backroutine.core.model import Routine
from backroutine.core.recording import SessionRecorder


class Sound(Protocol):
    """What a session needs of a sound output (the audio port's Player is one): play returns
    at once and never raises."""

    def play(self, sound: str | Path) -> None: ...


class Voice(Protocol):
    """What a session needs of a voice (the speech port's Speaker is one): say returns at once
    and never raises; a higher priority interrupts a lower one."""

    def say(self, text: str, *, priority: int = 0) -> None: ...


class SessionConductor:
    """A session, its recorder, its stall guard, and where its cues are heard.

    Every method that moves the session returns the events it brought, already sounded and
    spoken (unless `muted`) and recorded. The player and speaker belong to the caller, who
    closes them: the TUI keeps one for all the sessions of its life."""

    def __init__(
        self,
        session: Session,
        recorder: SessionRecorder,
        *,
        player: Sound | None = None,
        speaker: Voice | None = None,
        muted: bool = False,
        speed: float = 1.0,
        real: Clock = time.monotonic,
    ) -> None:
        self.session = session
        self.recorder = recorder
        self.player = player
        self.speaker = speaker
        self.muted = muted
        self.speed = speed  # session seconds per real second (a preview at --speed)
        # A process stopped while waiting (Ctrl-Z, SIGSTOP) must count as a pause, not exercise.
        self.guard = StallGuard(session, real=real)

    @property
    def routine(self) -> Routine:
        return self.session.routine

    @property
    def running(self) -> bool:
        """Started and not over (playing or paused)."""
        return self.session.state in ("running", "paused")

    @property
    def finished(self) -> bool:
        return self.session.state == "finished"

    # -- moving the session -------------------------------------------------------------------

    def start(self) -> list[Event]:
        """Start the session (once): the history's row exists from the first segment on."""
        if self.session.state != "ready":
            return []
        events = self.session.start()
        self.recorder.started()
        return self._conduct(events)

    def update(self) -> list[Event]:
        """On waking: the events since the last look. Also with none, the recorder is told, as
        it saves progress every few seconds of exercise."""
        self.woke()
        return self._conduct(self.session.update())

    def woke(self) -> float:
        """Call first on waking, before acting on a key: a wait that overran by more than a
        moment (the process did not run) is excused. The seconds excused; 0 if none."""
        return self.guard.check()

    def next_wait(self) -> float | None:
        """Real seconds until the session next needs a look (its next event or whole second),
        or None when nothing changes by itself (paused, finished). Call it before sleeping: the
        stall guard then knows when the look is due."""
        wake = self.session.next_wake()
        if wake is None:
            self.guard.expect(None, None)
            return None
        delay = max(0.0, (wake - self.session.clock()) / self.speed)
        self.guard.expect(delay, wake)
        return delay

    def skip(self) -> list[Event]:
        """To the next step (the end, after the last)."""
        return self._conduct(self.session.skip())

    def back(self) -> list[Event]:
        """To the start of this step, or of the one before when just into this one."""
        return self._conduct(self.session.back())

    def pause(self) -> None:
        self.session.pause()

    def resume(self) -> None:
        self.session.resume()

    def toggle_pause(self) -> bool:
        """Pause or go on; True when now paused."""
        self.session.toggle_pause()
        return self.session.state == "paused"

    def toggle_mute(self) -> bool:
        """Sound and voice off or on; True when now muted."""
        self.muted = not self.muted
        return self.muted

    def stop(self, reason: str) -> None:
        """End early and record why ("quit", "pain", "signal"). A session already over (or
        already stopped) is left as it was recorded."""
        if self.session.state != "finished":
            self.session.stop()
        self.recorder.finish("stopped", reason=reason)

    # -- inside -------------------------------------------------------------------------------

    def _conduct(self, events: list[Event]) -> list[Event]:
        # The sound first: a cue is heard at its moment, and recording only queues a write.
        if not self.muted:
            sound = loudest(events)
            if sound is not None and self.player is not None:
                self.player.play(sound)
            said = utterance(events, self.session.routine) if self.speaker is not None else None
            if said is not None and self.speaker is not None:
                self.speaker.say(said[0], priority=said[1])
        self.recorder.saw(events)
        return events
