"""A routine's detail screen, before the first step: what it is, what to take care of, how
long it takes. Enter starts it; a locked routine says why instead. The screen says which the
person chose (StartRoutine, CloseRoutine); the app does it."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Static

from backroutine.core.advice import EMERGENCY_SIGNS
from backroutine.core.durations import format_clock
from backroutine.core.model import Routine
from backroutine.ui.messages import CloseRoutine, StartRoutine
from backroutine.ui.richtext import data, markdown_text


class IntroScreen(Screen[None]):
    BINDINGS = [
        Binding("enter", "start_routine", "Start"),
        Binding("escape,q", "close", "Back"),
        Binding("question_mark", "help", "Keys"),
    ]

    def __init__(
        self,
        routine: Routine,
        total_seconds: int,
        sound: str = "",
        locked: str | None = None,
        note: str | None = None,
    ) -> None:
        super().__init__()
        self.routine = routine
        self.total_seconds = total_seconds
        self.sound = sound
        self.locked = locked
        self.note = note  # a word of advice for today (yoga while pain is high)

    def compose(self) -> ComposeResult:
        routine = self.routine
        facts = [routine.category.capitalize(), format_clock(self.total_seconds)]
        if routine.level:
            facts.append(f"level {routine.level}")
        facts.append(f"{len(routine.steps)} steps")
        with VerticalScroll(id="intro"):
            yield Static(data(routine.name), id="intro-name")
            yield Static(" · ".join(facts), id="intro-facts")
            if routine.summary:
                yield Static(data(routine.summary), id="intro-summary")
            if routine.description:
                yield Static(markdown_text(routine.description), id="intro-description")
            if routine.equipment:
                needs = data("You need: " + ", ".join(routine.equipment))
                yield Static(needs, id="intro-equipment")
            if routine.cautions:
                lines = "\n".join(f"• {c}" for c in routine.cautions)
                yield Static(data(f"Take care\n{lines}"), id="intro-cautions")
            # The app's own line, after whatever the file says (or leaves out).
            yield Static(EMERGENCY_SIGNS, id="intro-emergency", markup=False)
            if self.note and not self.locked:
                yield Static(self.note, id="intro-note", markup=False)
            if self.locked:
                yield Static(
                    f"This routine cannot be started now.\n{self.locked}",
                    id="intro-locked",
                    markup=False,
                )
            else:
                if self.sound:
                    yield Static(data(self.sound), id="intro-sound")
                yield Static("Press [b]Enter[/b] to start.", id="intro-start", markup=True)
        yield Footer()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # A locked routine cannot be started: hide "Start" from the footer too.
        if action == "start_routine" and self.locked:
            return None
        return True

    def action_start_routine(self) -> None:
        self.post_message(StartRoutine())

    def action_close(self) -> None:
        self.post_message(CloseRoutine())

    def action_help(self) -> None:
        from backroutine.ui.screens.dialogs import HelpScreen

        self.app.push_screen(HelpScreen())
