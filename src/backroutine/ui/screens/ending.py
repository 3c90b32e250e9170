"""After the routine: a summary with "how is your back now?"; or, when it hurt ("this hurts"),
the same question at once and what to do. The answer is saved in a thread worker; closing is
the app's to do (CloseRoutine)."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.events import Key
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Footer, Input, Static
from textual.worker import Worker

from backroutine.core.advice import HURT_ADVICE, HURT_DAY, HURT_TITLE
from backroutine.core.durations import format_clock
from backroutine.core.outcome import Ending, Summary
from backroutine.services.checkins import read_pain
from backroutine.ui.messages import CheckinSaved, CloseRoutine
from backroutine.ui.screens.checkin import SAVING, CheckinSaver, saved_report, severity


class PainQuestion(Vertical):
    """How is the back now, 0-10 (Enter alone skips)? The answer is saved as a check-in and
    what it changed is shown below it."""

    class Skipped(Message):
        """Enter with no answer."""

    def __init__(self, save: CheckinSaver) -> None:
        super().__init__(id="pain-question")
        self.save_checkin = save
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
        self.run_worker(
            lambda: self.save_checkin(pain, None, None),
            thread=True,
            group=SAVING,
            exit_on_error=False,
        )

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        report = saved_report(event)
        if report is None:
            return
        event.stop()
        result = self.query_one("#after-result", Static)
        result.update(Text(report.text))
        result.set_class(severity(report) != "information", "advice")
        self.answered = True
        self.screen.focus_next()
        self.post_message(CheckinSaved(report))


class SummaryScreen(Screen[None]):
    BINDINGS = [Binding("escape", "close", "Close")]

    def __init__(
        self,
        *,
        name: str,
        ending: Ending,
        active_seconds: float,
        steps_done: int,
        steps_total: int,
        recorded: bool,
        checkin: CheckinSaver | None = None,
    ) -> None:
        """`checkin`: how to save the answer to "how is your back now?"; None: not asked."""
        super().__init__()
        summary = Summary(ending, steps_done, steps_total)
        self.title_text = summary.title
        lines = [
            name,
            f"Time: {format_clock(active_seconds)}",
            f"Steps done: {steps_done} of {steps_total}",
            *([summary.line] if summary.line else []),
            "Saved in your history."
            if recorded
            else "Not recorded (a preview, or the history could not be written).",
        ]
        self.body = "\n".join(lines)
        self.checkin = checkin
        self.close_asked = False

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="summary", classes="panel"):
            yield Static(self.title_text, classes="panel-title")
            yield Static(Text(self.body))  # the routine's name is the author's text: no markup
            if self.checkin is not None:
                yield PainQuestion(self.checkin)
            yield Static("Press Enter to close.", id="summary-hint", classes="dialog-hint")
        yield Footer()

    def on_key(self, event: Key) -> None:
        question = self.query(PainQuestion)
        if event.key == "enter" and (not question or question.first().answered):
            event.stop()
            self.action_close()

    @on(PainQuestion.Skipped)
    def skipped(self) -> None:
        self.action_close()

    def action_close(self) -> None:
        if not self.close_asked:  # once: a second Enter must not close the screen below too
            self.close_asked = True
            self.post_message(CloseRoutine())


class HurtScreen(Screen[None]):
    """The routine stopped because it hurt: the pain question at once (the day is a flare day
    either way), then what to do, and when to see a professional."""

    BINDINGS = [Binding("escape", "close", "Close")]

    def __init__(self, *, checkin: CheckinSaver | None) -> None:
        """`checkin`: how to save the answer to the pain question; None: not asked."""
        super().__init__()
        self.checkin = checkin
        self.close_asked = False

    def compose(self) -> ComposeResult:
        advice = "\n\n".join((*HURT_ADVICE, HURT_DAY))
        with VerticalScroll(id="hurt", classes="panel"):
            yield Static(HURT_TITLE, classes="panel-title")
            if self.checkin is not None:
                yield PainQuestion(self.checkin)
            yield Static(advice, id="hurt-advice", markup=False)
            yield Static(
                "The session is saved as stopped. Press Enter to close.", classes="dialog-hint"
            )
        yield Footer()

    def on_key(self, event: Key) -> None:
        question = self.query(PainQuestion)
        if event.key in ("enter", "q") and (not question or question.first().answered):
            event.stop()
            self.action_close()

    def action_close(self) -> None:
        if not self.close_asked:  # once: a second Enter must not ask the questions twice
            self.close_asked = True
            self.post_message(CloseRoutine(hurt=True))
