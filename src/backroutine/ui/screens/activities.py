"""The activities of the function score, named in the app: add one, rename one, remove one
(asked first). Opened from the charts' Function tab (a) and from the check-in ("Add an
activity", while fewer than 3 are named).

Every change goes through the use cases of services/activities.py, which hold the checks (at
most 3, 1-60 characters, a duplicate whatever its case, no control characters); a refusal is
their message, shown under the field, and nothing is saved. The history is read and written in
thread workers. The names are the person's words: Rich Text, never markup.

Dismissed with the current names when something changed (the check-in then asks their ratings),
else None; ActivitiesChanged goes up at each change, so the home screen shows it at once.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Static

from backroutine.core.function import MAX_ACTIVITIES, ActivityError, ActivityScore
from backroutine.core.history import HistoryError
from backroutine.services import activities as use
from backroutine.services.history import History
from backroutine.ui.messages import ActivitiesChanged

HINT = (
    f"Up to {MAX_ACTIVITIES} things your back makes hard, such as putting on socks or sitting "
    "for an hour. A check-in asks you to rate each once a week: 0 = unable, 10 = as before."
)


class ConfirmRemove(ModalScreen[bool]):
    """ "Remove this activity?": y or Enter on Remove; n or Esc keeps it."""

    BINDINGS = [
        Binding("y", "answer(True)", "Remove"),
        Binding("n,escape", "answer(False)", "Keep it"),
    ]

    def __init__(self, name: str) -> None:
        super().__init__()
        self.activity = name

    def compose(self) -> ComposeResult:
        with Vertical(id="confirm-remove", classes="dialog"):
            title = Text("Remove ")
            title.append(f"\u201c{self.activity}\u201d")  # the person's words, as text
            title.append("?")
            yield Static(title, classes="dialog-title")
            yield Static(
                "Its past ratings stay in your history, the charts and the report; it is no "
                "longer asked at check-ins, and leaves room for another."
            )
            yield Static("y removes it; n, Esc or Enter keeps it.", classes="dialog-hint")
            with Horizontal(classes="buttons"):
                yield Button("Remove", variant="error", id="yes")
                yield Button("Keep it", id="no")

    def on_mount(self) -> None:
        self.query_one("#no", Button).focus()  # Enter alone keeps it: removing is chosen

    @on(Button.Pressed)
    def pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "yes")

    def action_answer(self, answer: bool) -> None:
        self.dismiss(answer)


class ActivitiesScreen(ModalScreen[tuple[str, ...] | None]):
    BINDINGS = [Binding("escape", "close", "Close")]
    DEFAULT_CSS = """
    ActivitiesScreen #activities {
        max-height: 100%;
    }
    ActivitiesScreen .activity-row {
        height: auto;
    }
    ActivitiesScreen .activity-name {
        width: 1fr;
    }
    ActivitiesScreen .activity-row Button {
        margin-left: 1;
        width: auto;
        min-width: 8;
    }
    ActivitiesScreen #activity-list {
        height: auto;
        margin: 1 0;
    }
    ActivitiesScreen #activity-message {
        color: $warning;
        height: auto;
    }
    ActivitiesScreen .buttons {
        height: auto;
        margin-top: 1;
    }
    """

    def __init__(self, history: History, now: Callable[[], datetime]) -> None:
        super().__init__()
        self.history = history
        self.now = now
        self.current: tuple[ActivityScore, ...] | None = None  # None: still being read
        self.renaming: str | None = None  # the activity the field renames; None: it adds
        self.changed = False

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="activities", classes="dialog"):
            yield Static("Your activities", classes="dialog-title")
            yield Static(HINT, classes="dialog-hint")
            yield Vertical(Static("Loading…"), id="activity-list")
            yield Static("Add an activity:", id="activity-label")
            yield Input(id="activity-name", placeholder="e.g. putting on socks")
            yield Static("", id="activity-message", markup=False)
            with Horizontal(classes="buttons"):
                yield Button("Add", variant="primary", id="activity-save")
                yield Button("Close", id="activity-close")

    def on_mount(self) -> None:
        self.query_one("#activity-name", Input).focus()
        self._run(None)

    # -- the history, off the event loop -----------------------------------------------------

    @work(thread=True, group="activities", exit_on_error=False)
    def _run(self, change: Callable[[], object] | None) -> None:
        """Make `change` (a use case), then read the activities again; a refusal or a history
        that cannot be written is said under the field, and nothing was saved."""
        problem = None
        if change is not None:
            try:
                change()
            except (ActivityError, HistoryError) as exc:
                problem = _sentence(str(exc))
        try:
            current = use.current_function(self.history).activities
        except HistoryError as exc:
            self.app.call_from_thread(self._show, None, f"Not read: {exc}", False)
            return
        done = change is not None and problem is None
        self.app.call_from_thread(self._show, current, problem, done)

    def _show(
        self, current: tuple[ActivityScore, ...] | None, problem: str | None, done: bool
    ) -> None:
        if not self.is_attached:
            return
        self.current = current
        if done:
            self.changed = True
            self.post_message(ActivitiesChanged())
            self._edit(None)
            self.query_one("#activity-name", Input).value = ""
        self.query_one("#activity-message", Static).update(problem or "")
        self.call_later(self._fill, current or ())

    async def _fill(self, current: tuple[ActivityScore, ...]) -> None:
        rows = self.query_one("#activity-list", Vertical)
        await rows.remove_children()
        if not current:
            await rows.mount(Static("None named yet."))
        for number, activity in enumerate(current):
            label = Text(f"{number + 1}. ")
            label.append(activity.name)  # the person's words: text, never markup
            rated = "not rated yet" if activity.latest is None else f"latest {activity.latest}/10"
            label.append(f"  ({rated})", style="dim")
            await rows.mount(
                Horizontal(
                    Static(label, classes="activity-name"),
                    Button("Rename", compact=True, id=f"rename-{number}"),
                    Button("Remove", compact=True, id=f"remove-{number}"),
                    classes="activity-row",
                )
            )
        if self.renaming is None:
            self._edit_label()
        self.query_one("#activity-save", Button).disabled = False

    # -- what the person does ------------------------------------------------------------------

    @on(Input.Submitted, "#activity-name")
    @on(Button.Pressed, "#activity-save")
    def save(self) -> None:
        button = self.query_one("#activity-save", Button)
        if button.disabled:
            return  # the last change is still being saved
        typed = self.query_one("#activity-name", Input).value
        old = self.renaming
        button.disabled = True
        self.query_one("#activity-message", Static).update("Saving…")
        if old is None:
            self._run(lambda: use.add_activity(self.history, typed, now=self.now()))
        else:
            self._run(lambda: use.rename_activity(self.history, old, typed))

    @on(Button.Pressed, "#activity-close")
    def action_close(self) -> None:
        if self.renaming is not None:
            self._edit(None)  # Esc while renaming: back to adding, the list kept open
            return
        names = tuple(a.name for a in self.current or ())
        self.dismiss(names if self.changed else None)

    @on(Button.Pressed, ".activity-row Button")
    def row_pressed(self, event: Button.Pressed) -> None:
        what, _, number = (event.button.id or "").partition("-")
        if self.current is None or not number.isdigit() or int(number) >= len(self.current):
            return
        name = self.current[int(number)].name
        if what == "rename":
            self._edit(name)
        elif what == "remove":

            def answered(yes: bool | None) -> None:
                if yes:
                    self._run(lambda: use.remove_activity(self.history, name, now=self.now()))

            self.app.push_screen(ConfirmRemove(name), answered)

    def _edit(self, name: str | None) -> None:
        """The field renames `name`, or adds (None)."""
        self.renaming = name
        field = self.query_one("#activity-name", Input)
        label = self.query_one("#activity-label", Static)
        if name is None:
            self._edit_label()
            self.query_one("#activity-save", Button).label = "Add"
            self.query_one("#activity-close", Button).label = "Close"
        else:
            words = Text("New name for ")
            words.append(f"\u201c{name}\u201d")
            words.append(" (its past ratings keep to it):")
            label.update(words)
            field.value = name
            self.query_one("#activity-save", Button).label = "Rename"
            self.query_one("#activity-close", Button).label = "Cancel"
        self.query_one("#activity-message", Static).update("")
        field.focus()

    def _edit_label(self) -> None:
        # Still offered with 3 named: the use case's refusal says to remove one first.
        full = self.current is not None and len(self.current) >= MAX_ACTIVITIES
        words = f"Add an activity ({MAX_ACTIVITIES} named already):" if full else "Add an activity:"
        self.query_one("#activity-label", Static).update(words)


def _sentence(message: str) -> str:
    """The use case's message as a sentence beside the field ("you already have 3 ...")."""
    return message[:1].upper() + message[1:] + ("" if message.endswith(".") else ".")
