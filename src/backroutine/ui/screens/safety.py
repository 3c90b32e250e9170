"""The safety (red-flag) questions: signs that back pain needs a doctor rather than exercise,
in three groups by how soon (SAFETY_RULES.md)."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.geometry import Size
from textual.screen import ModalScreen
from textual.widgets import Button, Checkbox, Static

from backroutine.core.health import RED_FLAGS, URGENCIES, RedFlagAnswers
from backroutine.services.advice import answers_advice
from backroutine.services.checkins import NOT_WRITABLE
from backroutine.services.history import History

# What ticking a question of each group means, said above the group.
_GROUP_TITLES = {
    "emergency": "Get emergency help now if any of these applies to you:",
    "today": "Contact a doctor today if any of these applies to you:",
    "soon": "See a doctor or physiotherapist soon if this applies to you:",
}


class Question(Checkbox):
    """A checkbox whose question wraps onto as many lines as it needs: a safety question is
    read whole, never cut short with an ellipsis."""

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return max(1, self.render().get_height(self.styles, width))


class SafetyScreen(ModalScreen[bool]):
    BINDINGS = [
        Binding("escape", "dismiss(False)", "Close"),
        Binding("ctrl+s", "save", "Save", priority=True),
    ]

    def __init__(self, answers: RedFlagAnswers | None) -> None:
        super().__init__()
        self.answers = answers or RedFlagAnswers()

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="safety", classes="dialog"):
            yield Static("A few safety questions", classes="dialog-title")
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
                        yield Question(
                            flag.question, value=flag.key in self.answers.yes, id=flag.key
                        )
            with Horizontal(classes="buttons"):
                yield Button("Save", variant="primary", id="save")
                if self.answers.open_flags:
                    yield Button("A professional has checked this", id="checked")
                yield Button("Close", id="close")

    def on_mount(self) -> None:
        self.query_one(Checkbox).focus()

    @on(Button.Pressed, "#close")
    def close(self) -> None:
        self.dismiss(False)

    @property
    def history(self) -> History:
        return self.app.store  # type: ignore[attr-defined, no-any-return]

    @on(Button.Pressed, "#save")
    def action_save(self) -> None:
        yes = [flag.key for flag in RED_FLAGS if self.query_one(f"#{flag.key}", Checkbox).value]
        if self.history.read_only:  # said rather than lost without a word
            self.app.notify(NOT_WRITABLE, severity="error")
            self.dismiss(False)
            return
        answers = self.history.save_red_flags(yes, at=self.app.now())  # type: ignore[attr-defined]
        said = answers_advice(answers)
        if not said.flags_open:
            self.app.notify("\n".join(said.lines))
        else:
            self.app.notify(
                "\n".join(said.lines),
                severity="warning" if said.urgency == "soon" else "error",
                timeout=30,
                markup=False,
            )
        self.dismiss(True)

    @on(Button.Pressed, "#checked")
    def checked(self) -> None:
        if self.history.read_only:
            self.app.notify(NOT_WRITABLE, severity="error")
        else:
            self.history.mark_red_flags_checked(at=self.app.now())  # type: ignore[attr-defined]
            self.app.notify("Noted: a professional has checked this.")
        self.dismiss(True)
