"""`backroutine breaks` at work: a desk-break reminder that stays running.

In a terminal it opens the TUI's break screen; with --plain (or when the output is not a
terminal) it prints one line per event. Breaks are counted in the history: taken, skipped,
snoozed.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, Any, TextIO

from backroutine.cli.common import (
    EXIT_OK,
    EXIT_USAGE,
    UserError,
    app_settings,
    data_dir,
    open_history,
)
from backroutine.core.breaks import BreakTimer, WorkingHours, parse_working_hours
from backroutine.core.clock import local_now
from backroutine.core.durations import ValueProblem, format_clock, format_seconds, parse_duration
from backroutine.core.engine import Session
from backroutine.core.model import Routine
from backroutine.core.text import escaped
from backroutine.core.writer import HistoryWriter, finish_writing, open_writer
from backroutine.services.breaks import BreakAnswers
from backroutine.services.history import History, or_no_history

if TYPE_CHECKING:
    from backroutine.plain import Keys

MIN_EVERY = 10  # seconds; a real interval is 30-60 minutes, shorter ones are for trying it
BREAK_MESSAGE = "Time for a break: stand up, walk a little, move your back gently."
KEY_ANSWERS = {"5": "snooze5", "1": "snooze10", "s": "skip"}  # the keys of the answers


def every_seconds(text: str | None) -> int:
    """--every, else the `break_every` setting (the file, $BACKROUTINE_BREAK_EVERY), else 50m."""
    if text is None:
        from backroutine import settings

        return settings.load().settings.break_every
    try:
        seconds = parse_duration(text)
    except ValueProblem as exc:
        raise UserError(f"--every: {exc}", EXIT_USAGE) from None
    if seconds < MIN_EVERY:
        raise UserError(f"--every: {text} is too short; use at least {MIN_EVERY}s", EXIT_USAGE)
    return seconds


def hours_of(text: str | None) -> WorkingHours | None:
    """--hours, else the `break_hours` setting; "" (or none) is any time of day."""
    if text is None:
        from backroutine import settings

        text = settings.load().settings.break_hours
    if not text:
        return None
    try:
        return parse_working_hours(text)
    except ValueError as exc:
        raise UserError(f"--hours: {exc}", EXIT_USAGE) from None


def notify_terminal(stream: TextIO, title: str, body: str) -> None:
    """A desktop notification through the terminal, where it supports one (OSC 9 for iTerm2,
    Windows Terminal and others; OSC 777 for VTE terminals such as GNOME Terminal); terminals
    that do not, ignore both. Then the bell."""
    if stream.isatty():
        stream.write(f"\x1b]9;{title}: {body}\x07\x1b]777;notify;{title};{body}\x07\a")
        stream.flush()


def breaks(args: argparse.Namespace) -> int:
    from backroutine.cli.common import refuse_if_locked, resolve_routine, terminal_problem

    every = every_seconds(args.every)
    hours = hours_of(args.hours)
    folder = data_dir(args)
    routine = resolve_routine(args.routine, folder)
    store = open_history(folder)
    refuse_if_locked(routine, store)  # the break routine is played like any other (exit 3)
    try:
        timer = BreakTimer(every, clock=time.monotonic, wall=local_now, hours=hours)
        if args.plain or terminal_problem() is not None:
            return PlainBreaks(timer, routine, store).run()
        from backroutine.ui.app import make_app, run_app

        app = make_app(
            store=store,
            data_dir=folder,
            clock=time.monotonic,
            breaks=timer,
            break_routine=routine,
            **app_settings(),
        )
        return run_app(app)
    finally:
        if store is not None:
            store.close()


class PlainBreaks:
    """The text version: waits, announces, and (with a keyboard) offers the routine."""

    def __init__(
        self,
        timer: BreakTimer,
        routine: Routine,
        store: History | None,
        *,
        keys: Keys | None = None,
        clock: Callable[[], float] = time.monotonic,
        out: TextIO | None = None,
    ) -> None:
        from backroutine.plain import KeyReader, NoKeys

        self.timer = timer
        self.routine = routine
        self.store = or_no_history(store)
        # Takes the answers to the timer and the history (never stopping over the history).
        self.answers = BreakAnswers(timer, routine, self.store, on_problem=self.say)
        self.clock = clock
        self.out = out or sys.stdout
        if keys is None:
            keys = KeyReader(sys.stdin) if sys.stdin.isatty() else NoKeys()
        self.keys = keys
        self.interactive = keys.interactive
        self.writer: HistoryWriter[Any] | None = None  # sessions, off the timer's thread

    def say(self, text: str) -> None:
        # The routine's name comes from its file: shown, never run as terminal codes.
        self.out.write(f"[{datetime.now().strftime('%H:%M')}] {escaped(text)}\n")
        self.out.flush()

    def next_text(self) -> str:
        if not self.timer.in_hours():
            return f"Outside working hours ({self.timer.hours}); waiting."
        at = datetime.now().timestamp() + self.timer.remaining()
        return (
            f"Next break in {format_seconds(self.timer.remaining())}, at "
            f"{datetime.fromtimestamp(at).strftime('%H:%M')}."
        )

    def run(self) -> int:
        self.say(
            f"Desk breaks every {format_seconds(self.timer.every)} with "
            f'"{self.routine.name}" ({"Ctrl-C to stop" if not self.interactive else "q to stop"}).'
        )
        if self.interactive:
            self.say("Keys: b take a break now · p pause · q quit")
        self.say(self.next_text())
        try:
            with self.keys:
                while True:
                    wait = max(0.0, self.timer.next_wake() - self.clock())
                    key = self.keys.read(wait)
                    if key == "q":
                        break
                    if key == "p":
                        if self.timer.paused:
                            self.timer.resume()
                            self.say("Resumed. " + self.next_text())
                        else:
                            self.timer.pause()
                            self.say("Paused; press p to go on.")
                        continue
                    if (key == "b" or self.timer.due()) and not self.offer():
                        break
        except KeyboardInterrupt:
            pass
        finally:
            finish_writing(self.writer, self.say)
        counts = self.timer.counts
        self.say(
            f"Stopped. Breaks taken {counts.taken}, skipped {counts.skipped}, "
            f"snoozed {counts.snoozed}."
        )
        return EXIT_OK

    def offer(self) -> bool:
        """Announce a break and act on the answer; False when the person quits."""
        notify_terminal(self.out, "backroutine", BREAK_MESSAGE)
        self.say(BREAK_MESSAGE)
        if not self.interactive:
            # Nobody can answer: announce it and start the next interval (not recorded).
            self.answers.passed()
            self.say(self.next_text())
            return True  # and go on: the reminders run until stopped
        self.say(
            f"Enter: play {self.routine.name} ({format_clock(self._length())}) · "
            "5: snooze 5 min · 1: snooze 10 min · s: skip · q: quit"
        )
        while True:
            key = self.keys.read(None)
            if key in ("\n", "\r", "enter", "y"):
                why = self.answers.lock()
                if why:  # the safety rules changed since the reminders started
                    self.say(f"Not now: {why}")
                    self.answers.passed()
                    break
                self.answers.taken(self.play())
                break
            if key == "q":
                return False
            answer = KEY_ANSWERS.get(key or "")
            if answer is not None:
                self.say(self.answers.answer(answer))
                if answer == "skip":
                    break
                return True  # snoozed: the next break is the snoozed one
        self.say(self.next_text())
        return True

    def _length(self) -> int:
        from backroutine.core.timeline import expand

        return expand(self.routine).total_seconds

    def play(self) -> Session:
        """Play the break's routine (to its end, or until stopped); the session played."""
        from backroutine import audio
        from backroutine.core.recording import SessionRecorder
        from backroutine.plain import PlainPlayer, terminal_bell

        session = Session(self.routine, clock=self.clock)
        if self.writer is None:
            self.writer = open_writer(self.store, on_notice=self.say)
        player = audio.make_player(
            audio.audio_mode_from_env(),
            ring=terminal_bell(),
            on_notice=lambda m: print(f"note: {m}", file=sys.stderr),
        )
        try:
            PlainPlayer(
                session,
                player=player,
                recorder=SessionRecorder(self.writer, session),
                out=self.out,
                keys=self.keys,
            ).run()
        finally:
            player.close()
        return session
