"""The desk-break screen: a countdown to the next break, and the break itself when it comes."""

from __future__ import annotations

from datetime import datetime, timedelta

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen, Screen
from textual.timer import Timer
from textual.widgets import Digits, Footer, Static

from backroutine.core.breaks import BreakTimer
from backroutine.core.durations import format_clock, format_seconds
from backroutine.ui.richtext import data


class BreakScreen(Screen[None]):
    BINDINGS = [
        Binding("b", "break_now", "Break now"),
        Binding("p", "pause", "Pause"),
        Binding("q", "app.quit_now", "Quit"),
    ]

    def __init__(self, timer: BreakTimer, routine_name: str) -> None:
        super().__init__()
        self.timer = timer
        self.routine_name = routine_name
        self._tick: Timer | None = None
        self._wake: Timer | None = None

    def compose(self) -> ComposeResult:
        with Vertical(id="breaks", classes="panel"):
            yield Static("Desk breaks", classes="panel-title")
            yield Static(id="breaks-every")
            yield Static("Next break in", id="breaks-label")
            yield Digits("0:00", id="breaks-countdown")
            yield Static(id="breaks-counts")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#breaks-every", Static).update(
            data(
                f"Every {format_seconds(self.timer.every)}, with {self.routine_name}"
                + (f", during {self.timer.hours}" if self.timer.hours else "")
            )
        )
        # The countdown shows minutes: repaint every second is plenty; the break itself is
        # woken for exactly, by the timer's own schedule.
        self._tick = self.set_interval(1.0, self.show)
        self.look()

    def on_screen_resume(self) -> None:
        self.look()

    def look(self) -> None:
        if self._wake is not None:
            self._wake.stop()
        if self.timer.due() and self.app.screen is self:
            self.app.push_screen(BreakDue(self.routine_name), self.app.answer_break)  # type: ignore[attr-defined]
            return
        import time

        delay = max(0.1, self.timer.next_wake() - time.monotonic())
        self._wake = self.set_timer(delay, self.look)
        self.show()

    def show(self) -> None:
        label = self.query_one("#breaks-label", Static)
        if self.timer.paused:
            label.update("Paused (p to go on). Next break in")
        elif not self.timer.in_hours():
            label.update(f"Outside working hours ({self.timer.hours})")
        else:
            at = datetime.now() + timedelta(seconds=self.timer.remaining())
            label.update(f"Next break at {at.strftime('%H:%M')}, in")
        value = format_clock(self.timer.remaining())
        digits = self.query_one("#breaks-countdown", Digits)
        if digits.value != value:
            digits.update(value)
        counts = self.timer.counts
        self.query_one("#breaks-counts", Static).update(
            f"Taken {counts.taken} · skipped {counts.skipped} · snoozed {counts.snoozed}"
        )

    def action_break_now(self) -> None:
        self.app.push_screen(BreakDue(self.routine_name), self.app.answer_break)  # type: ignore[attr-defined]

    def action_pause(self) -> None:
        if self.timer.paused:
            self.timer.resume()
        else:
            self.timer.pause()
        self.look()


class BreakDue(ModalScreen[str]):
    """Time for a break: play the routine, snooze, or skip."""

    BINDINGS = [
        Binding("enter", "answer('take')", "Start the break"),
        Binding("5", "answer('snooze5')", "Snooze 5 min"),
        Binding("1", "answer('snooze10')", "Snooze 10 min"),
        Binding("s,escape", "answer('skip')", "Skip"),
    ]

    def __init__(self, routine_name: str) -> None:
        super().__init__()
        self.routine_name = routine_name

    def compose(self) -> ComposeResult:
        with Vertical(id="break-due", classes="dialog"):
            yield Static("Time for a break", classes="dialog-title")
            yield Static("Stand up, walk a little, move your back gently.")
            keys = Text.assemble(
                ("Enter", "bold"),
                " ",
                data(self.routine_name, one_line=True),  # the routine file's own name
                "   ",
                ("5", "bold"),
                " snooze 5 min   ",
                ("1", "bold"),
                " snooze 10 min   ",
                ("s", "bold"),
                " skip",
            )
            yield Static(keys, classes="dialog-hint")

    def on_mount(self) -> None:
        self.app.bell()
        player = getattr(self.app, "player", None)
        if player is not None and not getattr(self.app, "muted", False):
            player.play("chime")

    def action_answer(self, answer: str) -> None:
        self.dismiss(answer)
