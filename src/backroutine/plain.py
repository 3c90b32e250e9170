"""The plain text player: one line per event, for screen readers, logs and pipes.

It starts at once. Where stdin is a terminal the TUI's keys work here too (read in cbreak
mode, so Ctrl-C still interrupts); Ctrl-C and SIGTERM save the session as stopped.
"""

from __future__ import annotations

import codecs
import os
import select
import signal
import sys
import termios
import textwrap
import tty
from collections import deque
from collections.abc import Callable
from types import FrameType
from typing import TYPE_CHECKING, Any, Protocol, TextIO

from backroutine.audio import Player
from backroutine.core.advice import EMERGENCY_SIGNS, HURT_ADVICE, HURT_DAY, HURT_TITLE
from backroutine.core.announce import describe
from backroutine.core.durations import format_clock
from backroutine.core.engine import Event, SegmentStarted, Session
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


MAX_LINE = 20  # the pain answer: room for any mistake to be seen whole (and refused)


def instruction_lines(instructions: str | None) -> list[str]:
    """A step's instructions as plain lines: "How: " before the first, the others indented
    under it; the file's own line breaks kept (a line each), blank lines dropped."""
    lines = [line.strip() for line in (instructions or "").splitlines() if line.strip()]
    return [("        How: " if i == 0 else "             ") + line for i, line in enumerate(lines)]


class Keys(Protocol):
    """Where keys come from: a terminal, nothing (a pipe), or a script in tests."""

    interactive: bool  # a person at a keyboard: questions can be asked

    def __enter__(self) -> object: ...

    def __exit__(self, *exc: object) -> None: ...

    def read(self, timeout: float | None) -> str | None: ...


class Stop(Exception):
    """SIGTERM, turned into something the loop can catch."""


class KeyReader:
    """Keys from a terminal, without Enter; arrows become "left"/"right", a space "space",
    letters lower case. Every byte read is kept: a burst (keys typed fast, or pasted, or
    sent together over SSH or tmux) is handed out one key at a time, in order."""

    interactive = True  # a person at a keyboard: questions can be asked

    def __init__(self, stream: TextIO) -> None:
        self.fd = stream.fileno()
        self._saved: list[Any] | None = None  # the terminal's settings, restored on exit
        self._keys: deque[str] = deque()  # read from the terminal, not yet handed out
        self._text = ""  # the start of an escape sequence cut off at the end of a read
        self._decoder = codecs.getincrementaldecoder("utf-8")("replace")

    def __enter__(self) -> KeyReader:
        self._saved = termios.tcgetattr(self.fd)
        tty.setcbreak(self.fd)
        return self

    def __exit__(self, *exc: object) -> None:
        if self._saved is not None:
            termios.tcsetattr(self.fd, termios.TCSADRAIN, self._saved)

    def read(self, timeout: float | None) -> str | None:
        """The next key; None when none came within `timeout`, or at the end of input."""
        if not self._keys:
            ready, _, _ = select.select([self.fd], [], [], timeout)
            if not ready:
                return None
            data = os.read(self.fd, 1024)
            if not data:
                return None
            self._keys.extend(split_keys(self._text + self._decoder.decode(data)))
            self._text = ""
            if self._keys and self._keys[-1].startswith("\x1b["):
                self._text = self._keys.pop()  # the rest of it comes with the next read
            if not self._keys:
                return None
        return self._keys.popleft()


def split_keys(text: str) -> list[str]:
    """The keys in what a terminal sent, in order. An unfinished escape sequence at the end
    is returned as it is (starting with "\x1b["), for the reader to complete."""
    keys: list[str] = []
    i = 0
    while i < len(text):
        char = text[i]
        if char == "\x1b" and i + 1 < len(text) and text[i + 1] in "[O":
            end = i + 2
            while end < len(text) and not ("@" <= text[end] <= "~"):
                end += 1  # parameters, up to the final byte
            if end >= len(text):
                keys.append(text[i:])  # cut off: completed by the next read
                break
            final = text[end]
            if final in "CD":
                keys.append("right" if final == "C" else "left")
            i = end + 1  # other sequences (up, down, F-keys) mean nothing here
            continue
        if char == "\x1b":
            keys.append("escape")
        elif char == " ":
            keys.append("space")
        else:
            keys.append(char.lower())
        i += 1
    return keys


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
        self._taught: set[int] = set()  # the steps whose instructions have been printed
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
            if isinstance(event, SegmentStarted) and event.segment.kind != "rest":
                self.teach(event.segment.step)

    def teach(self, step: int) -> None:
        """How to do a step, once, as it begins (at its get-ready, before its first bout):
        the screen shows it all along, and plain mode is the screen reader's way in."""
        if step in self._taught:
            return
        self._taught.add(step)
        for line in instruction_lines(self.routine.steps[step].instructions):
            self.note(line)

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
        """The pain question: a whole line typed on the terminal (every key of a paste or a
        fast burst, in order), read by read_pain. Enter on the untouched line skips it; once
        something was typed or refused, only a score answers it, or Esc skips it. True if
        saved."""
        assert self.on_pain is not None
        prompt = "How is your back now, from 0 (no pain) to 10 (worst)? Enter skips: "
        fresh = True
        with self.keys:
            while True:
                answer = self._read_line(prompt)
                if answer is None or (not answer[0] and fresh and not answer[1]):
                    self.note("Skipped: nothing saved.")
                    return False
                line = answer[0]
                pain = read_pain(line)
                if pain is not None:
                    self.note(self.on_pain(pain))
                    return True
                fresh = False
                said = f"\u201c{line}\u201d is not" if line else "That is not"
                self.note(f"{said} a whole number from 0 to 10.")
                prompt = "How is your back now, 0-10? Esc skips: "

    def _read_line(self, prompt: str) -> tuple[str, bool] | None:
        """A line as typed, shown as it is typed (Backspace works), and whether anything was
        typed in it (then deleted, maybe); None for Esc or the end of input."""
        self.out.write(prompt)
        self.out.flush()
        typed = ""
        touched = False
        while True:
            key = self.keys.read(None)
            if key is None or key == "escape":
                self.note("")
                return None
            if key in ("\n", "\r"):
                self.note("")
                return typed, touched
            if key in ("\x7f", "\b"):
                typed = typed[:-1]
            elif key == "space":
                typed += " "
            elif len(key) == 1 and key.isprintable() and len(typed) < MAX_LINE:
                typed += key
            else:
                continue
            touched = True
            self.out.write(f"\r\x1b[K{prompt}{escaped(typed)}")
            self.out.flush()

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
