"""After the routine: a summary with "how is your back now?"; or, when it hurt ("this hurts"),
the same question at once and what to do."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.events import Key
from textual.message import Message
from textual.notifications import SeverityLevel
from textual.screen import Screen
from textual.widgets import Footer, Input, Static

from backroutine.core.advice import HURT_ADVICE, HURT_DAY, HURT_TITLE
from backroutine.core.durations import format_clock
from backroutine.services.checkins import read_pain


class PainQuestion(Vertical):
    """How is the back now, 0-10 (Enter alone skips)? The answer is saved as a check-in and
    what it changed is shown below it."""

    class Skipped(Message):
        """Enter with no answer."""

    def __init__(self) -> None:
        super().__init__(id="pain-question")
        self.answered = False

    def compose(self) -> ComposeResult:
        yield Static("How is your back now, from 0 (no pain) to 10 (worst)?", id="after-question")
        yield Input(
            placeholder="0-10, then Enter (or just Enter to skip)",
            id="after-pain",
            type="integer",
            max_length=2,
        )
        yield Static("", id="after-result")

    def on_mount(self) -> None:
        self.query_one("#after-pain", Input).focus()

    @on(Input.Submitted, "#after-pain")
    def pain_given(self, event: Input.Submitted) -> None:
        event.stop()
        text = event.value.strip()
        result = self.query_one("#after-result", Static)
        if not text:
            self.answered = True
            result.update("Skipped: nothing saved.")
            event.input.disabled = True
            self.screen.focus_next()
            self.post_message(self.Skipped())
            return
        pain = read_pain(text)
        if pain is None:
            result.update("Please type a whole number from 0 to 10 (or clear it to skip).")
            return
        event.input.disabled = True
        result.update("Saving…")
        self.app.save_checkin(pain, then=self.saved)  # type: ignore[attr-defined]

    def saved(self, message: str, severity: SeverityLevel) -> None:
        result = self.query_one("#after-result", Static)
        result.update(Text(message))
        result.set_class(severity != "information", "advice")
        self.answered = True
        self.screen.focus_next()


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

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="summary", classes="panel"):
            yield Static(self.title_text, classes="panel-title")
            yield Static(Text(self.body))  # the routine's name is the author's text: no markup
            if self.can_check_in:
                yield PainQuestion()
            yield Static("Press Enter to close.", id="summary-hint", classes="dialog-hint")
        yield Footer()

    def on_key(self, event: Key) -> None:
        question = self.query(PainQuestion)
        if event.key == "enter" and (not question or question.first().answered):
            event.stop()
            self.app.action_close_routine()  # type: ignore[attr-defined]

    @on(PainQuestion.Skipped)
    def skipped(self) -> None:
        self.app.action_close_routine()  # type: ignore[attr-defined]


class HurtScreen(Screen[None]):
    """The routine stopped because it hurt: the pain question at once (the day is a flare day
    either way), then what to do, and when to see a professional."""

    BINDINGS = [Binding("escape", "app.close_hurt", "Close")]

    def __init__(self, *, can_check_in: bool) -> None:
        super().__init__()
        self.can_check_in = can_check_in

    def compose(self) -> ComposeResult:
        advice = "\n\n".join((*HURT_ADVICE, HURT_DAY))
        with VerticalScroll(id="hurt", classes="panel"):
            yield Static(HURT_TITLE, classes="panel-title")
            if self.can_check_in:
                yield PainQuestion()
            yield Static(advice, id="hurt-advice", markup=False)
            yield Static(
                "The session is saved as stopped. Press Enter to close.", classes="dialog-hint"
            )
        yield Footer()

    def on_key(self, event: Key) -> None:
        question = self.query(PainQuestion)
        if event.key in ("enter", "q") and (not question or question.first().answered):
            event.stop()
            self.app.action_close_hurt()  # type: ignore[attr-defined]
