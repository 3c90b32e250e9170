"""The history in full: sessions, check-ins, and simple charts.

The screen is given the history and the clock (attributes down) and reads them in a thread
worker: the frame comes at once ("Loading…"), the tables fill when the history is read.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Static
from textual.worker import Worker, WorkerState

from backroutine.core.health import Checkin
from backroutine.core.history.records import SessionRecord
from backroutine.core.stats import compute, sparkline
from backroutine.services.history import History
from backroutine.ui.richtext import data

LOADING = "history"  # the group of the worker that reads the history


@dataclass(frozen=True, slots=True)
class HistoryPage:
    """What the screen shows, read from the history."""

    charts: str  # minutes per day, the pain trend, the streak: lines of text
    sessions: list[SessionRecord]  # newest first
    checkins: list[Checkin]  # oldest first


def read_page(history: History, today: datetime) -> HistoryPage:
    """Reads the history (it waits for it): called in a thread worker."""
    sessions = history.sessions()
    checkins = history.checkins()
    numbers = compute(sessions, checkins, today.date())
    lines = []
    for day in cast(list[dict[str, Any]], numbers["per_day"]):
        minutes = day["minutes"]
        bar = "█" * round(minutes) if minutes < 60 else "█" * 60 + "…"
        label = datetime.fromisoformat(day["date"]).strftime("%a %d %b")
        lines.append(f"{label}  {bar} {minutes:g} min" if minutes else f"{label}  ·")
    pain = cast(dict[str, Any], numbers["pain"])
    week = cast(dict[str, Any], numbers["this_week"])
    total = cast(dict[str, Any], numbers["total"])
    lines.append("")
    lines.append(f"Pain trend (oldest → newest): {sparkline(pain['trend']) or '–'}")
    lines.append(
        f"Streak: {numbers['streak_days']} days · this week "
        f"{week['minutes']:g} min · in all {total['minutes']:g} min"
    )
    return HistoryPage("\n".join(lines), sessions, checkins)


class HistoryScreen(Screen[None]):
    BINDINGS = [
        Binding("escape,q,r", "app.pop_screen", "Back"),
        Binding("g", "app.charts", "Charts"),
    ]

    def __init__(self, history: History, *, now: Callable[[], datetime]) -> None:
        super().__init__()
        self.history = history
        self.now = now  # the app's clock: "this week" and the days shown are its

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="history"):
            yield Static("History", classes="panel-title")
            yield Static("Loading…", id="charts")
            yield Static("Sessions", classes="pane-title")
            yield DataTable(id="sessions", zebra_stripes=True)
            yield Static("Check-ins", classes="pane-title")
            yield DataTable(id="checkins", zebra_stripes=True)
        yield Footer()

    def on_mount(self) -> None:
        sessions = self.query_one("#sessions", DataTable)
        sessions.add_columns("started", "routine", "category", "status", "minutes", "steps")
        self.query_one("#checkins", DataTable).add_columns("when", "pain", "spasms", "note")
        today = self.now()
        self.run_worker(
            lambda: read_page(self.history, today), thread=True, exclusive=True, group=LOADING
        )

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        worker = event.worker
        if worker.group != LOADING or event.state != WorkerState.SUCCESS:
            return  # an error ends the app with its traceback, as it did on the event loop
        if isinstance(worker.result, HistoryPage):
            self.show_page(worker.result)

    def show_page(self, page: HistoryPage) -> None:
        self.query_one("#charts", Static).update(page.charts)
        table = self.query_one("#sessions", DataTable)
        for s in page.sessions:
            started = datetime.fromisoformat(s.started_at).strftime("%Y-%m-%d %H:%M")
            status = s.status + (f" ({s.reason})" if s.reason else "")
            table.add_row(
                started,
                data(s.routine_name, one_line=True),
                data(s.category, one_line=True),
                status,
                f"{s.active_seconds / 60:.1f}",
                f"{s.steps_done}/{s.steps_total}",
            )
        table = self.query_one("#checkins", DataTable)
        for c in reversed(page.checkins):
            table.add_row(
                c.at.strftime("%Y-%m-%d %H:%M"),
                str(c.pain),
                c.spasms or "",
                data((c.note or "") + (" (new episode)" if c.new_episode else ""), one_line=True),
            )
