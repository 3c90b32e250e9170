"""Small modal screens: the keys, and "really quit?"."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Static

KEYS = (
    ("space", "pause / resume"),
    ("n  or  →", "next step"),
    ("p  or  ←", "back: start of this step, or the previous one"),
    ("m", "sound on / off"),
    ("h", "this hurts: stop, with advice"),
    ("q", "quit (asks first; saved as stopped)"),
    ("?", "this help"),
)


class HelpScreen(ModalScreen[None]):
    BINDINGS = [
        Binding("escape,question_mark,q,enter", "dismiss", "Close"),
    ]

    def compose(self) -> ComposeResult:
        rows = "\n".join(f"[b]{key:>9}[/b]  {what}" for key, what in KEYS)
        with Vertical(id="help", classes="dialog"):
            yield Static("Keys", classes="dialog-title")
            yield Static(rows, markup=True)
            yield Static("Press Esc to close.", classes="dialog-hint")


class ConfirmQuit(ModalScreen[bool]):
    BINDINGS = [
        Binding("y", "answer(True)", "Yes, stop"),
        Binding("n,escape,q", "answer(False)", "No, go on"),
    ]

    def compose(self) -> ComposeResult:
        with Vertical(id="confirm", classes="dialog"):
            yield Static("Stop this routine?", classes="dialog-title")
            yield Static("What you did so far is saved as a stopped session.")
            yield Static("[b]y[/b] stop    [b]n[/b] go on", markup=True, classes="dialog-hint")

    def action_answer(self, answer: bool) -> None:
        self.dismiss(answer)
