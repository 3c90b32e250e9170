"""After the routine: a summary; or, when something hurt, advice."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Static

from backroutine.core.advice import HURT_ADVICE, HURT_TITLE
from backroutine.core.durations import format_clock


class SummaryScreen(Screen[None]):
    BINDINGS = [Binding("enter,q,escape", "app.quit_now", "Close")]

    def __init__(
        self, *, name: str, completed: bool, active_seconds: float, steps_done: int,
        steps_total: int, recorded: bool,
    ) -> None:  # fmt: skip
        super().__init__()
        self.title_text = "Well done" if completed else "Stopped"
        lines = [
            f"{name}",
            f"Time: {format_clock(active_seconds)}",
            f"Steps done: {steps_done} of {steps_total}",
        ]
        if recorded:
            lines.append("Saved in your history (backroutine history).")
        else:
            lines.append("Not recorded (a preview, or the history could not be written).")
        self.body = "\n".join(lines)

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="summary", classes="panel"):
            yield Static(self.title_text, classes="panel-title")
            yield Static(self.body)
            yield Static("Press Enter to close.", classes="dialog-hint")
        yield Footer()


class HurtScreen(Screen[None]):
    BINDINGS = [Binding("enter,q,escape", "app.quit_now", "Close")]

    def compose(self) -> ComposeResult:
        advice = "\n\n".join(HURT_ADVICE)
        with VerticalScroll(id="hurt", classes="panel"):
            yield Static(HURT_TITLE, classes="panel-title")
            yield Static(advice)
            yield Static("The session is saved as stopped. Press Enter to close.",
                         classes="dialog-hint")  # fmt: skip
        yield Footer()
