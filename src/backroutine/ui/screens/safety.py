"""The safety (red-flag) questions: signs that back pain needs a doctor rather than exercise,
in three groups by how soon (SAFETY_RULES.md).

The screen is given the history and the clock (attributes down) and saves the answers in a
thread worker; saved, it says what they mean and tells the app (SafetyAnswered).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.notifications import SeverityLevel
from textual.screen import ModalScreen
from textual.widgets import Button, Checkbox, Static
from textual.worker import Worker, WorkerState

from backroutine.core.health import RED_FLAGS, URGENCIES, RedFlagAnswers
from backroutine.services.advice import answers_advice
from backroutine.services.checkins import NOT_WRITABLE
from backroutine.services.history import History
from backroutine.ui.messages import SafetyAnswered
from backroutine.ui.toggles import Tick

SAVING = "safety"  # the group of the worker that saves the answers

# What ticking a question of each group means, said above the group.
_GROUP_TITLES = {
    "emergency": "Get emergency help now if any of these applies to you:",
    "today": "Contact a doctor today if any of these applies to you:",
    "soon": "See a doctor or physiotherapist soon if this applies to you:",
}


@dataclass(frozen=True, slots=True)
class Said:
    """What to tell the person once their answers are saved (or why they were not)."""

    text: str
    severity: SeverityLevel = "information"
    timeout: float | None = None  # the app's default
    saved: bool = True


def saved_answers(answers: RedFlagAnswers) -> Said:
    said = answers_advice(answers)
    if not said.flags_open:
        return Said("\n".join(said.lines))
    severity: SeverityLevel = "warning" if said.urgency == "soon" else "error"
    return Said("\n".join(said.lines), severity, timeout=30)


class SafetyScreen(ModalScreen[bool]):
    DEFAULT_CSS = """
    #safety { height: 1fr; max-height: 100%; }
    #safety-questions { height: 1fr; padding-right: 1; }  /* the text clear of the scrollbar */
    #safety .buttons { margin-top: 1; }
    #safety Tick {
        border: none;
        width: 100%;
        padding: 0;
        margin: 0;
        background: transparent;
    }
    #safety Tick:focus { background: $boost; text-style: bold; }
    """
    BINDINGS = [
        Binding("escape", "dismiss(False)", "Close"),
        Binding("ctrl+s", "save", "Save", priority=True),
    ]

    def __init__(
        self,
        answers: RedFlagAnswers | None,
        *,
        history: History,
        now: Callable[[], datetime],
    ) -> None:
        super().__init__()
        self.answers = answers or RedFlagAnswers()
        self.history = history
        self.now = now  # the app's clock: when the answers were given
        self.saving = False

    def compose(self) -> ComposeResult:
        with Vertical(id="safety", classes="dialog"):
            yield Static("A few safety questions", classes="dialog-title")
            yield from self._questions()
            with Horizontal(classes="buttons"):  # below the questions: always on screen
                yield Button("Save", variant="primary", id="save")
                if self.answers.open_flags:
                    yield Button("A professional has checked this", id="checked")
                yield Button("Close", id="close")

    def _questions(self) -> ComposeResult:
        """The questions scroll between the title and the buttons (19 of them are taller than
        an 80x24 terminal); Tab brings each into view."""
        with VerticalScroll(id="safety-questions"):
            intro = (
                "Some signs mean back pain needs a doctor rather than exercise. Tick any that "
                "apply to you now: space ticks, tab moves on, and Save (or ctrl+s) keeps your "
                "answers. Nothing ticked means none of these."
            )
            if self.answers.asked and not self.answers.current:
                intro += " The questions have changed since you last answered: please look again."
            yield Static(intro)
            for tier in URGENCIES:
                yield Static(_GROUP_TITLES[tier], classes=f"safety-group {tier}")
                for flag in RED_FLAGS:
                    if flag.tier == tier:
                        # Text, not markup: a question is our words, but never parsed.
                        yield Tick(
                            Text(flag.question), value=flag.key in self.answers.yes, id=flag.key
                        )

    def on_mount(self) -> None:
        self.query_one(Checkbox).focus()

    @on(Button.Pressed, "#close")
    def close(self) -> None:
        self.dismiss(False)

    @on(Button.Pressed, "#save")
    def action_save(self) -> None:
        yes = [flag.key for flag in RED_FLAGS if self.query_one(f"#{flag.key}", Checkbox).value]
        if self.history.read_only:  # said rather than lost without a word
            self.app.notify(NOT_WRITABLE, severity="error")
            self.dismiss(False)
            return
        history, at = self.history, self.now()
        self._save(lambda: saved_answers(history.save_red_flags(yes, at=at)))

    @on(Button.Pressed, "#checked")
    def checked(self) -> None:
        if self.history.read_only:
            self.app.notify(NOT_WRITABLE, severity="error")
            self.dismiss(True)
            return
        history, at = self.history, self.now()

        def mark() -> Said:
            history.mark_red_flags_checked(at=at)
            return Said("Noted: a professional has checked this.")

        self._save(mark)

    def _save(self, work: Callable[[], Said]) -> None:
        """Save in a thread worker (once: a second ctrl+s while it runs is ignored)."""
        if not self.saving:
            self.saving = True
            self.run_worker(work, thread=True, group=SAVING, exit_on_error=False)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        worker = event.worker
        if worker.group != SAVING or event.state not in (WorkerState.SUCCESS, WorkerState.ERROR):
            return
        if isinstance(worker.result, Said):
            said = worker.result
        else:  # the history refused (a locked or vanished file): said, never a crash
            said = Said(f"Not saved: {worker.error}", "error", timeout=30, saved=False)
        self.app.notify(said.text, severity=said.severity, timeout=said.timeout, markup=False)
        if said.saved:
            self.post_message(SafetyAnswered())
        self.dismiss(said.saved)
