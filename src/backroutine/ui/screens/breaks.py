"""The desk-break screen: a countdown to the next break, and the break itself when it comes.

It stays open all day, so it sleeps as much as it can: whole minutes while the break is more
than a minute away, seconds only in the last minute, and one timer set to the moment the
shown value changes (or the break timer asks to be looked at), never a polling interval.

It is given the break answers (the timer, the break's routine, the history they go to), the
app's clocks and the app's chime (attributes down). It answers a snooze or a skip itself, at
once (the timer must have moved before the screen looks at it again); a break taken goes up
to the app (TakeBreak), which plays its routine and records it once it is closed.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from datetime import datetime, timedelta

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen, Screen
from textual.timer import Timer
from textual.widgets import Digits, Footer, Static

from backroutine.core.durations import format_seconds
from backroutine.core.engine import Clock
from backroutine.services.breaks import BreakAnswers
from backroutine.ui.messages import TakeBreak
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
        # One key, two labels: the footer says what p will do now (check_action).
        Binding("p", "pause", "Pause"),
        Binding("p", "resume", "Resume"),
        Binding("q", "app.quit_now", "Quit"),
    ]

    def __init__(
        self,
        answers: BreakAnswers,
        *,
        clock: Clock,
        now: Callable[[], datetime],
        chime: Callable[[], None] = lambda: None,
    ) -> None:
        """`clock`: the timer's own (monotonic, or a test's fake one: never time.* here);
        `now`: the wall clock that goes with it; `chime`: sounds the break when it is due."""
        super().__init__()
        self.answers = answers
        self.timer = answers.timer
        self.routine_name = answers.routine.name
        self.taking = False  # a break taken: the app is opening its routine over this screen
        self.clock = clock
        self.now = now
        self.chime = chime
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

    def on_screen_suspend(self) -> None:
        self.taking = False  # the break's routine is open: its closing records the break

    def look(self) -> None:
        """Bring up the break when it is due, else show the countdown; then sleep until the
        countdown shows something else or the timer asks to be looked at, whichever is first."""
        if self._wake is not None:
            self._wake.stop()
            self._wake = None
        timer = self.timer
        if timer.due() and self.app.screen is self and not self.taking:
            self.wake_in = None
            self.offer()
            return
        delay = timer.next_wake() - self.clock()
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
            at = self.now() + timedelta(seconds=remaining)
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

    def offer(self) -> None:
        """Time for a break: the chime, and the question."""
        self.chime()
        self.app.push_screen(BreakDue(self.routine_name), self._answered)

    def _answered(self, answer: str | None) -> None:
        """Take the break (the app plays it), snooze it or skip it (closing the question skips
        it): answered before this screen looks at the timer again."""
        if answer == "take":
            self.taking = True  # not offered again while the app opens its routine
            self.post_message(TakeBreak())
        else:
            self.notify(self.answers.answer(answer), timeout=3)

    def action_break_now(self) -> None:
        self.offer()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("pause", "resume"):
            return self.timer.paused == (action == "resume")
        return True

    def action_pause(self) -> None:
        self.timer.pause()
        self.look()
        self.refresh_bindings()

    def action_resume(self) -> None:
        self.timer.resume()
        self.look()
        self.refresh_bindings()


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

    def action_answer(self, answer: str) -> None:
        self.dismiss(answer)
