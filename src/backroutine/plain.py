"""The plain text player: one line per event, for screen readers, logs and pipes.

It starts at once. Where stdin is a terminal the TUI's keys work here too (read in cbreak
mode, so Ctrl-C still interrupts); Ctrl-C and SIGTERM save the session as stopped.
"""

from __future__ import annotations

import os
import select
import signal
import sys
import termios
import textwrap
import tty
from collections.abc import Callable
from types import FrameType
from typing import TYPE_CHECKING, Any, Protocol, TextIO

from backroutine.audio import Player
from backroutine.core.advice import EMERGENCY_SIGNS, HURT_ADVICE, HURT_DAY, HURT_TITLE
from backroutine.core.announce import describe
from backroutine.core.durations import format_clock
from backroutine.core.engine import Event, Session
from backroutine.core.outcome import Summary
from backroutine.core.recording import SessionRecorder
from backroutine.core.text import escaped
from backroutine.services.checkins import read_pain
from backroutine.services.conductor import SessionConductor

if TYPE_CHECKING:
    from backroutine.speech import Speaker

KEYS_HELP = (
    "Keys: space pause/resume · n or → next step · p or ← back · m mute · "
    "h this hurts · q quit · ? help"
)


class Keys(Protocol):
    """Where keys come from: a terminal, nothing (a pipe), or a script in tests."""

    interactive: bool  # a person at a keyboard: questions can be asked

    def __enter__(self) -> object: ...

    def __exit__(self, *exc: object) -> None: ...

    def read(self, timeout: float | None) -> str | None: ...


class Stop(Exception):
    """SIGTERM, turned into something the loop can catch."""


class KeyReader:
    """Single keys from a terminal, without Enter; arrows become "left"/"right"."""

    interactive = True  # a person at a keyboard: questions can be asked

    def __init__(self, stream: TextIO) -> None:
        self.fd = stream.fileno()
        self._saved: list[Any] | None = None  # the terminal's settings, restored on exit

    def __enter__(self) -> KeyReader:
        self._saved = termios.tcgetattr(self.fd)
        tty.setcbreak(self.fd)
        return self

    def __exit__(self, *exc: object) -> None:
        if self._saved is not None:
            termios.tcsetattr(self.fd, termios.TCSADRAIN, self._saved)

    def read(self, timeout: float | None) -> str | None:
        ready, _, _ = select.select([self.fd], [], [], timeout)
        if not ready:
            return None
        data = os.read(self.fd, 16).decode("utf-8", "replace")
        if not data:
            return None
        if data.startswith("\x1b[C"):
            return "right"
        if data.startswith("\x1b[D"):
            return "left"
        if data[0] == " ":
            return "space"
        return data[0].lower()


class NoKeys:
    """Stdin is not a terminal: just wait."""

    interactive = False

    def __enter__(self) -> NoKeys:
        return self

    def __exit__(self, *exc: object) -> None:
        pass

    def read(self, timeout: float | None) -> str | None:
        if timeout is None:
            signal.pause()  # paused with no keyboard cannot happen, but never spin
        else:
            select.select([], [], [], timeout)
        return None


class PlainPlayer:
    def __init__(
        self,
        session: Session,
        *,
        player: Player,
        recorder: SessionRecorder,
        out: TextIO,
        keys: Keys,
        speed: float = 1.0,
        on_pain: Callable[[int], str] | None = None,
        speaker: Speaker | None = None,
        standing: Callable[[], list[str]] | None = None,
    ) -> None:
        self.session = session
        self.speaker = speaker
        self.on_pain = on_pain  # saves a pain score as a check-in; returns what to say
        self.standing = standing  # the advice open now, for when the pain question is skipped
        self.routine = session.routine
        self.player = player
        self.recorder = recorder
        self.out = out
        self.keys = keys
        self.speed = speed
        # Records, sounds and speaks the events; this player only prints them and reads keys.
        self.conductor = SessionConductor(
            session, recorder, player=player, speaker=speaker, speed=speed
        )

    @property
    def muted(self) -> bool:
        return self.conductor.muted

    def say(self, text: str) -> None:
        elapsed = format_clock(self.session.active_seconds)
        self.out.write(f"[{elapsed:>5}] {escaped(text)}\n")  # names and cues: the file's words
        self.out.flush()

    def note(self, text: str) -> None:
        self.out.write(f"{escaped(text)}\n")
        self.out.flush()

    def intro(self) -> None:
        routine = self.routine
        self.note(
            f"{routine.name} · {routine.category} · {format_clock(self.session.total_seconds)}"
        )
        if routine.summary:
            self.note(routine.summary)
        for caution in routine.cautions:
            self.note(f"Caution: {caution}")
        self.note(EMERGENCY_SIGNS)  # the app's line, whatever the file says
        if self.keys.interactive:
            self.note(KEYS_HELP)

    def handle(self, events: list[Event]) -> None:
        """A line for each event (the conductor has recorded, sounded and spoken them)."""
        for event in events:
            line = describe(event, self.routine, self.session.next_segment)
            if line:
                self.say(line)

    def run(self) -> int:
        """Play to the end. Returns the exit code."""
        # SIGTERM, and SIGHUP (the terminal closed): the session is saved as stopped.
        ending = (signal.SIGTERM, signal.SIGHUP)
        previous = {signum: signal.getsignal(signum) for signum in ending}

        def on_term(signum: int, frame: FrameType | None) -> None:
            raise Stop

        for signum in ending:
            signal.signal(signum, on_term)
        conductor = self.conductor
        try:
            with self.keys:
                self.intro()
                self.handle(conductor.start())
                while not conductor.finished:
                    key = self.keys.read(conductor.next_wait())
                    conductor.woke()  # stopped (Ctrl-Z, SIGSTOP) while waiting: a pause
                    if key is not None and self.on_key(key):
                        return 0
                    self.handle(conductor.update())
        except (KeyboardInterrupt, Stop):
            self.stop("signal")
            self.note("Stopped. The session is saved as stopped.")
            return 130
        except BrokenPipeError:
            self.stop("signal")
            return 0
        finally:
            for signum, handler in previous.items():
                signal.signal(signum, handler)
        self.say(
            f"Done: {self.session.steps_done} of {self.session.steps_total} steps, "
            f"{format_clock(self.session.active_seconds)} of movement."
        )
        summary = Summary(self.session.ending, self.session.steps_done, self.session.steps_total)
        if summary.line:
            self.say(summary.line)
        if self.on_pain is not None and self.keys.interactive:
            self.ask_pain()
        return 0

    def ask_pain(self) -> bool:
        """The pain question, typed on the terminal; Enter alone skips it. True if saved."""
        assert self.on_pain is not None
        self.out.write("How is your back now, from 0 (no pain) to 10 (worst)? Enter skips: ")
        self.out.flush()
        with self.keys:
            typed = ""
            while True:
                key = self.keys.read(None)
                if key in (None, "\n", "\r"):
                    break
                if key in ("\x7f", "\b"):
                    typed = typed[:-1]
                elif key.isdigit() and len(typed) < 2:
                    typed += key
                else:
                    continue
                self.out.write(f"\r\x1b[KHow is your back now, 0-10? {typed}")
                self.out.flush()
        self.note("")
        pain = read_pain(typed)
        if pain is not None:
            self.note(self.on_pain(pain))
            return True
        if typed:
            self.note("Not saved: the score must be 0 to 10.")
        return False

    def hurt(self) -> None:
        """ "This hurts": stop and save (the day becomes a flare day), ask the pain question at
        once when there is a keyboard, then say what to do."""
        self.stop("pain")
        self.note("")
        self.note(HURT_TITLE)
        saved = False
        if self.on_pain is not None and self.keys.interactive:
            saved = self.ask_pain()
        for line in (*HURT_ADVICE, HURT_DAY):
            self.note(textwrap.fill(line, 78, initial_indent="- ", subsequent_indent="  "))
        if not saved and self.standing is not None:
            for line in self.standing():
                self.note(line)

    def stop(self, reason: str) -> None:
        self.conductor.stop(reason)

    def on_key(self, key: str) -> bool:
        """Act on a key; True when the player should end now."""
        session = self.session
        conductor = self.conductor
        if key == "space":
            paused = conductor.toggle_pause()
            self.say("Paused. Press space to go on." if paused else "Resumed.")
        elif key in ("n", "right"):
            self.handle(conductor.skip())
        elif key in ("p", "left"):
            self.handle(conductor.back())
        elif key == "m":
            muted = conductor.toggle_mute()
            self.say("Sound off." if muted else "Sound on.")
        elif key == "?":
            self.note(KEYS_HELP)
        elif key == "h":
            self.hurt()
            return True
        elif key == "q":
            was_running = session.state == "running"
            conductor.pause()
            self.note(
                "Quit this routine? Press y to stop (it is saved as stopped), "
                "any other key to go on."
            )
            answer = self.keys.read(None)
            if answer == "y":
                self.stop("quit")
                self.say("Stopped.")
                return True
            if was_running:
                conductor.resume()
            self.say("Going on.")
        return False


def terminal_bell() -> Callable[[], None]:
    """Ring the bell on the terminal, even when stdout is a pipe."""
    stream = sys.stderr if sys.stderr.isatty() else None

    def ring() -> None:
        if stream is not None:
            stream.write("\a")
            stream.flush()

    return ring
