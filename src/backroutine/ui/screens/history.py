"""The history in full: sessions, check-ins, and simple charts."""

from __future__ import annotations

from datetime import date, datetime

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Static

from backroutine.core.stats import compute, sparkline
from backroutine.ui.richtext import data


class HistoryScreen(Screen[None]):
    BINDINGS = [Binding("escape,q,r", "app.pop_screen", "Back")]

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="history"):
            yield Static("History", classes="panel-title")
            yield Static(id="charts")
            yield Static("Sessions", classes="pane-title")
            yield DataTable(id="sessions", zebra_stripes=True)
            yield Static("Check-ins", classes="pane-title")
            yield DataTable(id="checkins", zebra_stripes=True)
        yield Footer()

    def on_mount(self) -> None:
        store = self.app.store  # type: ignore[attr-defined]
        sessions = store.sessions()
        checkins = store.checkins()
        numbers = compute(sessions, checkins, date.today())
        lines = []
        for day in numbers["per_day"]:
            minutes = day["minutes"]
            bar = "█" * round(minutes) if minutes < 60 else "█" * 60 + "…"
            label = datetime.fromisoformat(day["date"]).strftime("%a %d %b")
            lines.append(f"{label}  {bar} {minutes:g} min" if minutes else f"{label}  ·")
        pain = numbers["pain"]
        lines.append("")
        lines.append(f"Pain trend (oldest → newest): {sparkline(pain['trend']) or '–'}")
        lines.append(
            f"Streak: {numbers['streak_days']} days · this week "
            f"{numbers['this_week']['minutes']:g} min · in all {numbers['total']['minutes']:g} min"
        )
        self.query_one("#charts", Static).update("\n".join(lines))
        table = self.query_one("#sessions", DataTable)
        table.add_columns("started", "routine", "category", "status", "minutes", "steps")
        for s in sessions:
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
        table.add_columns("when", "pain", "spasms", "note")
        for c in reversed(checkins):
            table.add_row(
                c.at.strftime("%Y-%m-%d %H:%M"),
                str(c.pain),
                c.spasms or "",
                data((c.note or "") + (" (new episode)" if c.new_episode else ""), one_line=True),
            )
