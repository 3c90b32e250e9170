"""Correcting a check-in from the history screen: a small dialog for its pain, spasms and note
(prefilled with what it says now), and "delete it?" asked first.

Each dialog only answers (dismisses with what was chosen); the history screen saves it in a
thread worker, as every write of the app is made.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, RadioButton, RadioSet, Static

from backroutine.core.health import Checkin
from backroutine.services.checkins import read_pain
from backroutine.ui.pain import PainField, PainInput


@dataclass(frozen=True, slots=True)
class Corrected:
    """What the person says the check-in should be."""

    pain: int
    spasms: str | None
    note: str | None


def describe(checkin: Checkin) -> str:
    return f"{checkin.at:%a %d %b %Y %H:%M}, pain {checkin.pain}"


class CorrectCheckinScreen(ModalScreen[Corrected | None]):
    """The check-in's values, to change; None when cancelled."""

    BINDINGS = [Binding("escape", "dismiss(None)", "Cancel")]
    # Not the app's .dialog (its "Static: the whole width" would take in the RadioButtons,
    # a Static subclass, and hide all but the first); as compact: it fits 80x24.
    DEFAULT_CSS = """
    #correct {
        width: 64; max-width: 100%; height: auto;
        border: round $accent; padding: 0 2; background: $panel;
    }
    #correct .dialog-title { margin-bottom: 0; }
    #correct RadioSet { layout: horizontal; width: 100%; }
    """

    def __init__(self, checkin: Checkin) -> None:
        super().__init__()
        self.checkin = checkin

    def compose(self) -> ComposeResult:
        c = self.checkin
        with Vertical(id="correct"):
            yield Static("Correct a check-in", classes="dialog-title")
            yield Static(Text(f"{describe(c)} · the original is kept"))
            # The app's one pain field: keys act in the order typed (Textual #6605), and the
            # first key typed replaces the score shown.
            yield PainField(
                "Pain, from 0 (none) to 10 (worst imaginable):", input_id="pain", value=str(c.pain)
            )
            yield Static("Spasms, compared with before:")
            with RadioSet(id="spasms"):
                for word in ("not sure", "fewer", "same", "more"):
                    key = "none" if word == "not sure" else word
                    chosen = (c.spasms or "none") == key
                    yield RadioButton(word, value=chosen, id=f"spasms-{key}")
            yield Static("A note (optional):")
            # The note as it is, as plain text in the field: an Input never runs markup.
            yield Input(c.note or "", id="note", max_length=500, placeholder="e.g. a typo")
            yield Static("Enter saves · Tab next field · Esc cancels", classes="dialog-hint")

    def on_mount(self) -> None:
        self.query_one("#pain", PainInput).focus()

    @on(PainInput.Answered)
    def pain_answered(self, event: PainInput.Answered) -> None:
        self.save_with(event.pain)

    @on(Input.Submitted, "#note")
    def note_submitted(self) -> None:
        field = self.query_one(PainField)
        pain = read_pain(field.input.value)  # the app's one check
        if pain is None:
            field.refuse(field.input.value)  # said under the field
            field.input.focus()
            return
        self.save_with(pain)

    def save_with(self, pain: int) -> None:
        pressed = self.query_one("#spasms", RadioSet).pressed_button
        spasms = None
        if pressed is not None and pressed.id and pressed.id != "spasms-none":
            spasms = pressed.id.removeprefix("spasms-")
        note = self.query_one("#note", Input).value.strip() or None
        self.dismiss(Corrected(pain, spasms, note))


class ConfirmDelete(ModalScreen[bool]):
    """Delete this check-in? y or n."""

    BINDINGS = [
        Binding("y", "answer(True)", "Yes, delete"),
        Binding("n,escape,q", "answer(False)", "No, keep it"),
    ]

    def __init__(self, checkin: Checkin) -> None:
        super().__init__()
        self.checkin = checkin

    def compose(self) -> ComposeResult:
        with Vertical(id="confirm-delete", classes="dialog"):
            yield Static("Delete this check-in?", classes="dialog-title")
            yield Static(Text(describe(self.checkin)))
            yield Static(
                "It will no longer count for your pain trend or for what is open; the "
                "history keeps it, marked as deleted."
            )
            yield Static("[b]y[/b] delete    [b]n[/b] keep it", markup=True, classes="dialog-hint")

    def action_answer(self, answer: bool) -> None:
        self.dismiss(answer)
