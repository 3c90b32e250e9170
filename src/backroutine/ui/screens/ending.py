"""After the routine: a summary with "how is your back now?"; or, when it hurt, advice."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Input, Static

from backroutine.core.advice import HURT_ADVICE, HURT_TITLE
from backroutine.core.durations import format_clock


class SummaryScreen(Screen[None]):
    BINDINGS = [Binding("escape", "app.close_routine", "Close")]

    def __init__(
        self,
        *,
        name: str,
        completed: bool,
        active_seconds: float,
        steps_done: int,
        steps_total: int,
        recorded: bool,
        can_check_in: bool = False,
    ) -> None:
        super().__init__()
        self.title_text = "Well done" if completed else "Stopped"
        lines = [
            name,
            f"Time: {format_clock(active_seconds)}",
            f"Steps done: {steps_done} of {steps_total}",
            "Saved in your history."
            if recorded
            else "Not recorded (a preview, or the history could not be written).",
        ]
        self.body = "\n".join(lines)
        self.can_check_in = can_check_in
        self.answered = False

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="summary", classes="panel"):
            yield Static(self.title_text, classes="panel-title")
            yield Static(self.body)
            if self.can_check_in:
                yield Static(
                    "How is your back now, from 0 (no pain) to 10 (worst)?", id="after-question"
                )
                yield Input(
                    placeholder="0-10, then Enter (or just Enter to skip)",
                    id="after-pain",
                    type="integer",
                    max_length=2,
                )
                yield Static("", id="after-result")
            yield Static(
                "Press Enter to close." if not self.can_check_in else "",
                id="summary-hint",
                classes="dialog-hint",
            )
        yield Footer()

    def on_mount(self) -> None:
        if self.can_check_in:
            self.query_one("#after-pain", Input).focus()

    def on_key(self, event) -> None:  # type: ignore[no-untyped-def]
        if event.key == "enter" and (not self.can_check_in or self.answered):
            event.stop()
            self.app.action_close_routine()  # type: ignore[attr-defined]

    @on(Input.Submitted, "#after-pain")
    def pain_given(self, event: Input.Submitted) -> None:
        event.stop()
        text = event.value.strip()
        result = self.query_one("#after-result", Static)
        if not text:
            self.answered = True
            self.app.action_close_routine()  # type: ignore[attr-defined]
            return
        if not text.isdigit() or not 0 <= int(text) <= 10:
            result.update("Please type a whole number from 0 to 10 (or clear it to skip).")
            return
        message = self.app.save_checkin(int(text))  # type: ignore[attr-defined]
        result.update(message)
        event.input.disabled = True
        self.answered = True
        self.query_one("#summary-hint", Static).update("Press Enter to close.")
        self.focus_next()


class HurtScreen(Screen[None]):
    BINDINGS = [Binding("enter,q,escape", "app.close_routine", "Close")]

    def compose(self) -> ComposeResult:
        advice = "\n\n".join(HURT_ADVICE)
        with VerticalScroll(id="hurt", classes="panel"):
            yield Static(HURT_TITLE, classes="panel-title")
            yield Static(advice)
            yield Static(
                "The session is saved as stopped. Press Enter to close.", classes="dialog-hint"
            )
        yield Footer()
