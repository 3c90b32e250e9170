"""Before the first step: what the routine is, what to watch out for, how long it takes."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Markdown, Static

from backroutine.core.durations import format_clock
from backroutine.core.model import Routine


class IntroScreen(Screen[None]):
    BINDINGS = [
        Binding("enter", "app.start_routine", "Start"),
        Binding("q", "app.quit_now", "Quit"),
        Binding("question_mark", "app.help", "Keys"),
    ]

    def __init__(self, routine: Routine, total_seconds: int, sound: str = "") -> None:
        super().__init__()
        self.routine = routine
        self.total_seconds = total_seconds
        self.sound = sound

    def compose(self) -> ComposeResult:
        routine = self.routine
        facts = [routine.category.capitalize(), format_clock(self.total_seconds)]
        if routine.level:
            facts.append(f"level {routine.level}")
        with VerticalScroll(id="intro"):
            yield Static(routine.name, id="intro-name")
            yield Static(" · ".join(facts), id="intro-facts")
            if routine.summary:
                yield Static(routine.summary, id="intro-summary")
            if routine.description:
                yield Markdown(routine.description, id="intro-description")
            if routine.equipment:
                yield Static("You need: " + ", ".join(routine.equipment), id="intro-equipment")
            if routine.cautions:
                lines = "\n".join(f"• {c}" for c in routine.cautions)
                yield Static(f"[b]Take care[/b]\n{lines}", id="intro-cautions", markup=True)
            if self.sound:
                yield Static(self.sound, id="intro-sound", markup=False)
            yield Static("Press [b]Enter[/b] to start.", id="intro-start", markup=True)
        yield Footer()
