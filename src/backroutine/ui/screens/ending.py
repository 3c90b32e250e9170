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
from textual.widgets import Footer, Static
from textual.worker import Worker

from backroutine.core.advice import HURT_ADVICE, HURT_DAY, HURT_TITLE
from backroutine.core.durations import format_clock
from backroutine.core.outcome import Ending, Summary
from backroutine.ui.messages import CheckinSaved, CloseRoutine
from backroutine.ui.pain import PainField, PainInput
from backroutine.ui.screens.checkin import SAVING, CheckinSaver, saved_report, severity

SKIP_HINT = "Type 0-10, then Enter. To skip: Esc (or Enter before typing anything)."


class PainQuestion(Vertical):
    """How is the back now, 0-10? The answer is saved as a check-in and what it changed is
    shown below it. Enter on the untouched field skips it; once something was typed (or
    refused) only a score answers it, and Esc (the screen's) skips it."""

    class Skipped(Message):
        """Enter with nothing typed."""

    def __init__(self, save: CheckinSaver) -> None:
        super().__init__(id="pain-question")
        self.save_checkin = save
        self.answered = False

    def compose(self) -> ComposeResult:
        yield PainField(
            "How is your back now, from 0 (no pain) to 10 (worst)?",
            skippable=True,
            placeholder="0-10",
            input_id="after-pain",
        )
        yield Static(SKIP_HINT, id="after-hint", classes="dialog-hint")
        yield Static("", id="after-result")

    def on_mount(self) -> None:
        self.query_one("#after-pain", PainInput).focus()

    @on(PainInput.Skipped, "#after-pain")
    def skipped(self, event: PainInput.Skipped) -> None:
        event.stop()
        self.answered = True
        self.query_one("#after-result", Static).update("Skipped: nothing saved.")
        self._done_with(event.field)
        self.screen.focus_next()  # off the field: Enter now closes the screen
        self.post_message(self.Skipped())

    @on(PainInput.Answered, "#after-pain")
    def pain_given(self, event: PainInput.Answered) -> None:
        event.stop()
        pain = event.pain  # as it was when Enter was pressed
        self.query_one("#after-result", Static).update("Saving…")
        self._done_with(event.field)
        self.run_worker(
            lambda: self.save_checkin(pain, None, None),
            thread=True,
            group=SAVING,
            exit_on_error=False,
        )

    def _done_with(self, field: PainInput) -> None:
        field.disabled = True
        self.query_one("#after-hint", Static).display = False

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

    def on_mount(self) -> None:
        # While the pain question is open, Enter answers it: the hint to close comes after.
        self.query_one("#summary-hint").display = self.checkin is None

    @on(CheckinSaved)
    def answered(self) -> None:
        self.query_one("#summary-hint").display = True  # not stopped: the app hears it too

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
