"""Small modal screens: the keys, and "really quit?"."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
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


_KEY_NAMES = {"question_mark": "?", "right": "→", "left": "←", "escape": "Esc", "comma": ","}


def binding_keys(bindings: Iterable[BindingType]) -> tuple[tuple[str, str], ...]:
    """A screen's keys as the help lists them: every key, with its tooltip (the long words)
    or else its footer label; the footer may show fewer, the help shows them all."""
    rows = []
    for binding in bindings:
        if isinstance(binding, Binding):
            keys = "  or  ".join(_KEY_NAMES.get(k, k) for k in binding.key.split(","))
            rows.append((keys, binding.tooltip or binding.description.lower()))
    return tuple(rows)


class HelpScreen(ModalScreen[None]):
    BINDINGS = [
        Binding("escape,question_mark,q,enter", "dismiss", "Close"),
    ]

    def __init__(self, keys: Sequence[tuple[str, str]] = KEYS) -> None:
        """`keys`: (key, what it does) rows; the player's by default."""
        super().__init__()
        self.keys = keys

    def compose(self) -> ComposeResult:
        # A grid, so that a long description wraps under itself, not under the keys.
        rows = Table.grid(padding=(0, 2))
        rows.add_column(justify="right", style="bold", no_wrap=True)
        rows.add_column()
        for key, what in self.keys:
            rows.add_row(Text(key), Text(what))
        with Vertical(id="help", classes="dialog"):
            yield Static("Keys", classes="dialog-title")
            yield Static(rows)
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
