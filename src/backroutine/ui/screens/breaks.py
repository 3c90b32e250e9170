"""The desk-break screen: a countdown to the next break, and the break itself when it comes.

It stays open all day, so it sleeps as much as it can: whole minutes while the break is more
than a minute away, seconds only in the last minute, and one timer set to the moment the
shown value changes (or the break timer asks to be looked at), never a polling interval.
"""

from __future__ import annotations

import math
from datetime import timedelta

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen, Screen
from textual.timer import Timer
from textual.widgets import Digits, Footer, Static

from backroutine.core.breaks import BreakTimer
from backroutine.core.durations import format_seconds
from backroutine.ui.richtext import data

MINUTE = 60.0
WAKE_LATE = 0.005  # wake this much after the shown value changes, so it has changed


def countdown(remaining: float) -> tuple[str, str]:
    """What the countdown shows for `remaining` seconds, and its unit: whole minutes, rounded
    up, while more than a minute is left ("50", "minutes"), then "1:00" to "0:00"."""
    if remaining > MINUTE:
        return str(math.ceil(remaining / MINUTE)), "minutes"
    seconds = math.ceil(max(0.0, remaining))
    return f"{seconds // 60}:{seconds % 60:02d}", ""


def until_change(remaining: float) -> float | None:
    """Seconds until countdown(remaining) shows something else, as the break comes nearer:
    the next whole minute while more than a minute is left, then the next whole second.
    None once nothing is left."""
    if remaining <= 0:
        return None
    size = MINUTE if remaining > MINUTE else 1.0
    return remaining - (math.ceil(remaining / size) - 1) * size


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
        self.wake_in: float | None = None  # seconds on the app's clock to the next look
        self._wake: Timer | None = None
        self._shown: dict[str, str] = {}  # what each widget shows: repainted only on change

    def compose(self) -> ComposeResult:
        with Vertical(id="breaks", classes="panel"):
            yield Static("Desk breaks", classes="panel-title")
            yield Static(id="breaks-every")
            yield Static("Next break in", id="breaks-label")
            yield Digits("0:00", id="breaks-countdown")
            yield Static(id="breaks-unit")
            yield Static(id="breaks-counts")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#breaks-every", Static).update(
            data(
                f"Every {format_seconds(self.timer.every)}, with {self.routine_name}"
                + (f", during {self.timer.hours}" if self.timer.hours else "")
            )
        )
        self.look()

    def on_screen_resume(self) -> None:
        self.look()

    def look(self) -> None:
        """Bring up the break when it is due, else show the countdown; then sleep until the
        countdown shows something else or the timer asks to be looked at, whichever is first."""
        if self._wake is not None:
            self._wake.stop()
            self._wake = None
        timer = self.timer
        if timer.due() and self.app.screen is self:
            self.wake_in = None
            self.app.push_screen(BreakDue(self.routine_name), self.app.answer_break)  # type: ignore[attr-defined]
            return
        # The app's clock is the timer's (monotonic, or a test's fake one): never time.* here.
        delay = timer.next_wake() - self.app.clock()  # type: ignore[attr-defined]
        if not timer.paused and timer.in_hours():
            change = until_change(timer.remaining())
            if change is not None:
                delay = min(delay, change)
        self.wake_in = max(0.0, delay)
        self._wake = self.set_timer(self.wake_in + WAKE_LATE, self.look)
        self.show()

    def show(self) -> None:
        timer = self.timer
        remaining = timer.remaining()
        if timer.paused:
            label = "Paused (p to go on). Next break in"
        elif not timer.in_hours():
            label = f"Outside working hours ({timer.hours})"
        else:
            at = self.app.now() + timedelta(seconds=remaining)  # type: ignore[attr-defined]
            label = f"Next break at {at.strftime('%H:%M')}, in"
        value, unit = countdown(remaining)
        counts = timer.counts
        self._put("#breaks-label", label)
        self._put("#breaks-countdown", value)
        self._put("#breaks-unit", unit)
        self._put(
            "#breaks-counts",
            f"Taken {counts.taken} · skipped {counts.skipped} · snoozed {counts.snoozed}",
        )

    def _put(self, selector: str, text: str) -> None:
        if self._shown.get(selector) == text:
            return
        self._shown[selector] = text
        widget = self.query_one(selector)
        if isinstance(widget, Digits | Static):
            widget.update(text)

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
