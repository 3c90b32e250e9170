"""The history in full: sessions, check-ins, and simple charts; a check-in picked with the
arrows can be corrected (e) or deleted (d, asked first): SAFETY_RULES.md, "Corrections".

The screen is given the history and the clock (attributes down) and reads them in a thread
worker: the frame comes at once ("Loading…"), the tables fill when the history is read. A
correction is saved in a thread worker too, then the page is read again.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from functools import partial
from typing import Any, cast

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Static
from textual.worker import Worker, WorkerState

from backroutine.core.health import Checkin
from backroutine.core.history.records import SessionRecord
from backroutine.core.stats import compute, sparkline
from backroutine.core.words import minutes_number, minutes_of, minutes_text, plural
from backroutine.services.checkins import CheckinReport
from backroutine.services.corrections import correction_text, device_names, save_correction
from backroutine.services.history import History
from backroutine.ui.messages import CheckinSaved
from backroutine.ui.richtext import data
from backroutine.ui.screens.checkin import severity
from backroutine.ui.screens.correct import ConfirmDelete, CorrectCheckinScreen, Corrected

LOADING = "history"  # the group of the worker that reads the history
CORRECTING = "correct"  # the group of the worker that saves a correction


@dataclass(frozen=True, slots=True)
class HistoryPage:
    """What the screen shows, read from the history."""

    charts: str  # minutes per day, the pain trend, the streak: lines of text
    sessions: list[SessionRecord]  # newest first
    checkins: list[Checkin]  # oldest first, as they are now
    deleted: list[Checkin] = field(default_factory=list)  # oldest first, as they were
    names: dict[str, str] = field(default_factory=dict)  # the computers, by id


def read_page(history: History, today: datetime) -> HistoryPage:
    """Reads the history (it waits for it): called in a thread worker."""
    sessions = history.sessions()
    checkins, deleted = history.checkin_records()
    numbers = compute(sessions, checkins, today.date())
    lines = []
    for day in cast(list[dict[str, Any]], numbers["per_day"]):
        minutes = day["minutes"]
        bar = "█" * round(minutes) if minutes < 60 else "█" * 60 + "…"
        label = datetime.fromisoformat(day["date"]).strftime("%a %d %b")
        lines.append(f"{label}  {bar} {minutes_text(minutes)}" if minutes else f"{label}  ·")
    pain = cast(dict[str, Any], numbers["pain"])
    week = cast(dict[str, Any], numbers["this_week"])
    total = cast(dict[str, Any], numbers["total"])
    lines.append("")
    lines.append(f"Pain trend (oldest → newest): {sparkline(pain['trend']) or '–'}")
    lines.append(
        f"Streak: {plural(cast(int, numbers['streak_days']), 'day')} · this week "
        f"{minutes_text(week['minutes'])} · in all {minutes_text(total['minutes'])}"
    )
    return HistoryPage("\n".join(lines), sessions, checkins, deleted, device_names(history))


def corrected_cell(checkin: Checkin, names: dict[str, str]) -> Text | str:
    """The correction in a table cell, short enough for 80 columns: "from 1, 07 Dec 21:05",
    with the computer that made it when known (its name shown as text, never run)."""
    if checkin.original is None or not checkin.corrections:
        return ""
    last = checkin.corrections[-1]
    said = f"{last.at:%d %b %H:%M}"
    if checkin.original.pain != checkin.pain:
        said = f"from {checkin.original.pain}, {said}"
    name = names.get(last.device or "")
    return data(f"{said}, {name}" if name else said, one_line=True)


class HistoryScreen(Screen[None]):
    BINDINGS = [
        Binding("escape,q,r", "app.pop_screen", "Back"),
        Binding("g", "app.charts", "Charts"),
        Binding("e", "edit", "Correct check-in"),
        Binding("d", "delete", "Delete check-in"),
    ]
    DEFAULT_CSS = """
    #checkins-hint, #deleted { color: $text-muted; }
    #checkins { max-height: 12; }
    #charts { margin-top: 1; }
    """

    def __init__(self, history: History, *, now: Callable[[], datetime]) -> None:
        super().__init__()
        self.history = history
        self.now = now  # the app's clock: "this week" and the days shown are its
        self.page: HistoryPage | None = None

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="history"):
            yield Static("History", classes="panel-title")
            # The check-ins first: a mistyped one is what brings a person here most urgently.
            yield Static("Check-ins", classes="pane-title")
            yield Static("↑↓ pick a check-in · e correct it · d delete it", id="checkins-hint")
            yield DataTable(id="checkins", zebra_stripes=True, cursor_type="row")
            yield Static("", id="deleted")
            yield Static("Loading…", id="charts")
            yield Static("Sessions", classes="pane-title")
            yield DataTable(id="sessions", zebra_stripes=True)
        yield Footer()

    def on_mount(self) -> None:
        sessions = self.query_one("#sessions", DataTable)
        sessions.add_columns("started", "routine", "category", "status", "minutes", "steps")
        self.query_one("#checkins", DataTable).add_columns(
            "when", "pain", "spasms", "note", "corrected"
        )
        self.read()

    def read(self) -> None:
        today = self.now()
        self.run_worker(
            lambda: read_page(self.history, today), thread=True, exclusive=True, group=LOADING
        )

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        worker = event.worker
        if worker.group == CORRECTING:
            self.corrected(event)
            return
        if worker.group != LOADING or event.state != WorkerState.SUCCESS:
            return  # an error ends the app with its traceback, as it did on the event loop
        if isinstance(worker.result, HistoryPage):
            self.show_page(worker.result)

    def show_page(self, page: HistoryPage) -> None:
        self.page = page
        self.query_one("#charts", Static).update(page.charts)
        table = self.query_one("#sessions", DataTable)
        table.clear()
        for s in page.sessions:
            started = datetime.fromisoformat(s.started_at).strftime("%Y-%m-%d %H:%M")
            status = s.status + (f" ({s.reason})" if s.reason else "")
            table.add_row(
                started,
                data(s.routine_name, one_line=True),
                data(s.category, one_line=True),
                status,
                minutes_number(minutes_of(s.active_seconds)),
                f"{s.steps_done}/{s.steps_total}",
            )
        table = self.query_one("#checkins", DataTable)
        picked = self.picked()
        table.clear()
        for c in reversed(page.checkins):
            table.add_row(
                c.at.strftime("%Y-%m-%d %H:%M"),
                str(c.pain),
                c.spasms or "",
                data((c.note or "") + (" (new episode)" if c.new_episode else ""), one_line=True),
                corrected_cell(c, page.names),
                key=c.uid,
            )
        if picked is not None and picked.uid is not None and picked.uid in table.rows:
            table.move_cursor(row=table.get_row_index(picked.uid))
        deleted = [
            f"  {c.at:%Y-%m-%d %H:%M}  pain {c.pain} ({correction_text(c, page.names)})"
            for c in reversed(page.deleted[-10:])
        ]
        self.query_one("#deleted", Static).update(
            data("\n".join(["Deleted (no longer counted; kept in the history):", *deleted]))
            if deleted
            else ""
        )
        if page.checkins and not isinstance(self.focused, DataTable):
            table.focus()

    # -- correcting a check-in ----------------------------------------------------------------

    def picked(self) -> Checkin | None:
        """The check-in under the cursor of the check-ins table, if any."""
        table = self.query_one("#checkins", DataTable)
        if self.page is None or not table.row_count:
            return None
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        return next((c for c in self.page.checkins if c.uid == key), None)

    def action_edit(self) -> None:
        checkin = self.picked()
        if checkin is None or checkin.uid is None:
            self.notify("No check-in to correct yet.", markup=False)
            return
        uid = checkin.uid

        def answered(corrected: Corrected | None) -> None:
            if corrected is not None:
                self.save(
                    uid,
                    pain=corrected.pain,
                    spasms=corrected.spasms,
                    note=corrected.note,
                )

        self.app.push_screen(CorrectCheckinScreen(checkin), answered)

    def action_delete(self) -> None:
        checkin = self.picked()
        if checkin is None or checkin.uid is None:
            self.notify("No check-in to delete.", markup=False)
            return
        uid = checkin.uid

        def answered(yes: bool | None) -> None:
            if yes:
                self.save(uid, delete=True)

        self.app.push_screen(ConfirmDelete(checkin), answered)

    def save(self, uid: str, **change: Any) -> None:
        work = partial(save_correction, self.history, uid, now=self.now, **change)
        self.run_worker(work, thread=True, group=CORRECTING, exit_on_error=False)

    def corrected(self, event: Worker.StateChanged) -> None:
        if event.state == WorkerState.SUCCESS and isinstance(event.worker.result, CheckinReport):
            report = event.worker.result
        elif event.state == WorkerState.ERROR:
            report = CheckinReport(f"Not saved: {event.worker.error}", False, None)
        else:
            return
        loudness = severity(report)
        timeout = 8 if loudness == "information" else 30
        self.app.notify(report.text, severity=loudness, timeout=timeout, markup=False)
        if report.saved:
            self.post_message(CheckinSaved(report))  # the home screen reads it again
            self.read()
