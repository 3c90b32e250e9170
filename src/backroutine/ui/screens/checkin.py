"""Checking in: pain 0-10, spasms compared with before, a note."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.notifications import SeverityLevel
from textual.screen import ModalScreen
from textual.widgets import Button, Input, RadioButton, RadioSet, Static

from backroutine.services.checkins import read_pain


class CheckinScreen(ModalScreen[bool]):
    BINDINGS = [Binding("escape", "dismiss(False)", "Cancel")]

    def compose(self) -> ComposeResult:
        with Vertical(id="checkin", classes="dialog"):
            yield Static("How is your back now?", classes="dialog-title")
            yield Static("Pain, from 0 (none) to 10 (worst imaginable):")
            yield Input(id="pain", type="integer", max_length=2, placeholder="0-10")
            yield Static("Spasms, compared with before:")
            with RadioSet(id="spasms"):
                yield RadioButton("not sure", value=True, id="spasms-none")
                yield RadioButton("fewer", id="spasms-fewer")
                yield RadioButton("same", id="spasms-same")
                yield RadioButton("more", id="spasms-more")
            yield Static("A note (optional):")
            yield Input(id="note", max_length=500, placeholder="e.g. after gardening")
            yield Static("", id="checkin-error")
            with Horizontal(classes="buttons"):
                yield Button("Save", variant="primary", id="save")
                yield Button("Cancel", id="cancel")

    def on_mount(self) -> None:
        self.query_one("#pain", Input).focus()

    @on(Button.Pressed, "#cancel")
    def cancel(self) -> None:
        self.dismiss(False)

    @on(Input.Submitted)
    @on(Button.Pressed, "#save")
    def save(self) -> None:
        pain = read_pain(self.query_one("#pain", Input).value)
        error = self.query_one("#checkin-error", Static)
        if pain is None:
            error.update("Please give your pain as a whole number from 0 to 10.")
            self.query_one("#pain", Input).focus()
            return
        pressed = self.query_one("#spasms", RadioSet).pressed_button
        spasms = None
        if pressed is not None and pressed.id and pressed.id != "spasms-none":
            spasms = pressed.id.removeprefix("spasms-")
        note = self.query_one("#note", Input).value.strip() or None
        self.query_one("#save", Button).disabled = True
        error.update("Saving…")
        self.app.save_checkin(pain, spasms, note, then=self.saved)  # type: ignore[attr-defined]

    def saved(self, message: str, severity: SeverityLevel) -> None:
        # New advice to see a professional stays up longer, and is coloured by its urgency.
        timeout = 8 if severity == "information" else 30
        self.app.notify(message, severity=severity, timeout=timeout, markup=False)
        self.dismiss(True)
