"""The red-flag questions: signs that back pain needs a doctor rather than exercise."""

from __future__ import annotations

from datetime import datetime

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Checkbox, Static

from backroutine.core.health import RED_FLAGS, RedFlagAnswers


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
            yield Static(
                "Some signs mean back pain needs a doctor rather than exercise. Tick any that "
                "apply to you now: space ticks, tab moves on, and Save (or ctrl+s) keeps your "
                "answers. Nothing ticked means none of these."
            )
            for flag in RED_FLAGS:
                yield Checkbox(flag.question, value=flag.key in self.answers.yes, id=flag.key)
            yield Static("", id="safety-advice")
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

    @on(Button.Pressed, "#save")
    def action_save(self) -> None:
        yes = [flag.key for flag in RED_FLAGS if self.query_one(f"#{flag.key}", Checkbox).value]
        store = self.app.store  # type: ignore[attr-defined]
        now = datetime.now().astimezone()
        if store is None:
            self.dismiss(False)
            return
        answers = store.save_red_flags(yes, at=now)
        if answers.urgent:
            self.app.notify(
                "Please get medical help today: these signs need a doctor quickly. "
                "Do not do the exercises until you have been checked.",
                severity="error",
                timeout=15,
            )
        elif answers.open_flags:
            self.app.notify(
                "Please see a doctor soon, within a few days, about what you ticked. Gentle "
                "movement is usually fine meanwhile.",
                severity="warning",
                timeout=12,
            )
        else:
            self.app.notify("Thank you. None of these signs: gentle movement is the right start.")
        self.dismiss(True)

    @on(Button.Pressed, "#checked")
    def checked(self) -> None:
        store = self.app.store  # type: ignore[attr-defined]
        if store is not None:
            store.mark_red_flags_checked(at=datetime.now().astimezone())
            self.app.notify("Noted: a professional has checked this.")
        self.dismiss(True)
