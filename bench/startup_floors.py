"""The floor of a first frame: a screen's Textual widgets and backroutine's stylesheet, filled
with fixed text, with nothing of backroutine imported. bench/startup.py --floors times these
beside the real screens.

    python bench/startup_floors.py home|intro [no-footer] [no-css] [no-table] [no-list]
"""

from __future__ import annotations

import sys
from pathlib import Path

from rich.text import Text
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import DataTable, Footer, OptionList, Static
from textual.widgets.option_list import Option

CSS = Path(__file__).resolve().parent.parent / "src" / "backroutine" / "ui" / "backroutine.tcss"
LEAVE_OUT = set(sys.argv[2:])


class Home(Screen[None]):
    """The home screen's widgets, as a first run draws them (no history)."""

    BINDINGS = [  # noqa: RUF012 - as Textual declares them
        Binding("t", "today", "Today's routine"),
        Binding("c", "app.checkin", "Check in"),
        Binding("s", "app.safety", "Safety"),
        Binding("r", "app.history", "History"),
        Binding("q", "app.quit", "Quit"),
    ]

    def compose(self) -> ComposeResult:
        today = Text.assemble(("Today: ", "bold"), ("Desk break", "bold"), " · 3:00 · ease in")
        routines = [
            Option(Text(f"  Routine number {n}  3:00  L1", style="dim"), id=f"r{n}")
            for n in range(16)
        ]
        with Vertical(id="home"):
            yield Static(id="advice")
            yield Static(today, id="today")
            yield Static(id="notice")
            with Horizontal(id="home-main"):
                with Vertical(id="routines-pane"):
                    yield Static("Routines", classes="pane-title")
                    if "no-list" not in LEAVE_OUT:
                        yield OptionList(*routines, id="routines")
                    yield Static("A gentle start to the day.", id="routine-info")
                with Vertical(id="back-pane"):
                    yield Static("Your back", classes="pane-title")
                    yield Static("No check-ins yet.\nPress c to check in your pain.", id="pain")
                    yield Static("Strengthening opens once pain has lessened.", id="unlock")
                    yield Static("This week: 0 sessions, 0 min\nIn all: 0 sessions", id="numbers")
            yield Static("Recent sessions", classes="pane-title")
            if "no-table" not in LEAVE_OUT:
                yield DataTable(id="recent", cursor_type="row", zebra_stripes=True)
        if "no-footer" not in LEAVE_OUT:
            yield Footer()

    def on_mount(self) -> None:
        self.query_one("#advice").display = False
        self.query_one("#notice").display = False
        for table in self.query(DataTable):
            table.add_columns("started", "routine", "status", "minutes", "pain before → after")
        for options in self.query(OptionList):
            options.focus()


class Intro(Screen[None]):
    """A routine's intro: its name, facts, words, cautions and how to start."""

    BINDINGS = [  # noqa: RUF012 - as Textual declares them
        Binding("enter", "app.start_routine", "Start"),
        Binding("escape,q", "app.close_routine", "Back"),
        Binding("question_mark", "app.help", "Keys"),
    ]

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="intro"):
            yield Static("Desk break", id="intro-name")
            yield Static("Gentle · 3:00 · level 1 · 5 steps", id="intro-facts")
            yield Static("A three-minute reset to do once an hour.", id="intro-summary")
            yield Static(
                "For anyone working at a desk with a sore back. Sitting still for a long time "
                "tends to stiffen the low back, so get up about once an hour and run this "
                "short break.\n\nNo mat and no floor work needed.",
                id="intro-description",
            )
            yield Static(
                "Take care\n• Stop if any pain becomes sharp.\n• Keep every movement small.",
                id="intro-cautions",
            )
            yield Static("Sound is off: follow the screen.", id="intro-sound")
            yield Static("Press [b]Enter[/b] to start.", id="intro-start", markup=True)
        if "no-footer" not in LEAVE_OUT:
            yield Footer()


class Floor(App[None]):
    CSS_PATH = None if "no-css" in LEAVE_OUT else CSS

    def on_mount(self) -> None:
        self.push_screen(Home() if sys.argv[1] == "home" else Intro())


if __name__ == "__main__":
    Floor().run()
