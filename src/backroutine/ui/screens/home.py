"""Where a person lands: today's suggestion, the routines with their locks, their back's
progress, notices, and the history at a glance.

The screen is given the app's way of reading what it shows (attributes down) and reads it in a
thread worker, so its first frame is drawn before the history and the routine library are
read ("Loading…"); the list is filled when they are. What the person chooses goes up as
messages (OpenRoutine, SafetyDue, Notice).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from contextlib import suppress
from dataclasses import dataclass
from datetime import datetime

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import DataTable, Footer, OptionList, Static
from textual.widgets.option_list import Option, OptionDoesNotExist
from textual.worker import Worker, WorkerState

from backroutine.core.durations import format_clock
from backroutine.core.stats import sparkline
from backroutine.core.words import minutes_number, minutes_of, minutes_text, plural
from backroutine.services.home import HomeView, RoutineRow
from backroutine.ui.messages import Notice, OpenRoutine, SafetyDue
from backroutine.ui.richtext import data
from backroutine.ui.widgets import RoutineList

LOADING = "home"  # the group of the worker that reads what the screen shows
# How often the history's files are looked at (a few stat calls, off the loop): a check-in made
# in another terminal shows within this, and an idle screen costs next to nothing.
WATCH_SECONDS = 3.0
NARROW = 100  # columns below which "Your back" and the routines take turns
RECENT_COLUMNS = ("started", "routine", "status", "minutes", "pain before → after")
SWITCH_HELP = "below 100 columns: switch between the routines and your back"


class HomeScreen(Screen[None]):
    # Short descriptions, so that the footer fits 80 columns; the tooltip is what `?` says.
    BINDINGS = [
        Binding("t", "today", "Today", tooltip="open today's routine"),
        Binding("c", "app.checkin", "Check in", tooltip="check in your pain (0-10)"),
        Binding("b", "switch_pane", "Your back", tooltip=SWITCH_HELP),
        Binding("s", "app.safety", "Safety", tooltip="the safety questions"),
        Binding("r", "app.history", "History", tooltip="the full history; correct check-ins"),
        Binding("g", "app.charts", "Charts", tooltip="charts of pain, function and minutes"),
        # Not in the footer (80 columns are full): in `?` and the palette.
        Binding(
            "comma", "app.settings", "Settings", show=False, tooltip="settings: theme, sound, voice"
        ),
        Binding("question_mark", "keys", "Keys", tooltip="this list of keys"),
        Binding("q", "app.quit_now", "Quit", tooltip="quit"),
    ]
    DEFAULT_CSS = """
    #home {
        padding: 0 1;
    }
    #today {
        background: $primary-background;
        padding: 1 2;
        margin-top: 1;
    }
    #notice {
        color: $warning;
        text-style: bold;
        padding: 0 2;
        margin-top: 1;
    }
    #home-main {
        height: 1fr;
        margin-top: 1;
    }
    #routines-pane {
        width: 1fr;
    }
    #routines {
        height: 1fr;
    }
    #routine-info {
        height: auto;  /* a lock's reason is read whole */
        max-height: 5;
        color: $text-muted;
        padding: 0 1;
    }
    #back-pane {
        width: 42;
        padding: 0 1;
    }
    HomeScreen #pain, HomeScreen #unlock, HomeScreen #numbers {
        margin-bottom: 1;
    }
    #unlock {
        color: $text-muted;
    }
    #unlock.open {
        color: $success;
    }
    .pane-title {
        text-style: bold;
        color: $accent;
    }
    #recent {
        height: auto;  /* as many rows as there are sessions, up to 7: the routines get the rest */
        max-height: 7;
    }

    /* Below NARROW columns the two panes take turns (b switches): "Your back" is never
       hidden for good, and the routines keep the width their names need. */
    HomeScreen.narrow #back-pane { display: none; width: 1fr; }
    HomeScreen.narrow.show-back #back-pane { display: block; }
    HomeScreen.narrow.show-back #routines-pane { display: none; }
    HomeScreen.narrow #today { padding: 0 2; }
    HomeScreen.narrow #recent { max-height: 5; }
    HomeScreen #back-pane { overflow-y: auto; }
    HomeScreen #back-pane:focus { background: $boost; }
    """

    def __init__(
        self,
        load: Callable[[], HomeView],
        changes: Callable[[], object] | None = None,
        *,
        watch_seconds: float | None = None,
    ) -> None:
        """`load`: reads what the screen shows (the history, the routine library); it waits
        for them, so it is called in a thread worker. `changes`: a value that differs once the
        history changed on disk (core/history/watch.py: stat calls, no SQLite); looked at every
        `watch_seconds` off the loop, and the screen read again when it differs. None: not
        watched (no history file)."""
        super().__init__()
        self.load = load
        self.changes = changes
        self.watch_seconds = WATCH_SECONDS if watch_seconds is None else watch_seconds
        self._marks: object = None  # `changes()` as it was when the shown view was read
        self._looking = False  # a look at the files is under way (a slow folder): no second
        self.view: HomeView | None = None  # what is shown: the services put it together
        self._safety_asked_for: object = None  # the state the questions were last asked in

    def compose(self) -> ComposeResult:
        with Vertical(id="home"):
            yield Static(id="advice")
            yield Static("Loading…", id="today")
            yield Static(id="notice")
            with Horizontal(id="home-main"):
                with Vertical(id="routines-pane"):
                    yield Static("Routines", id="routines-title", classes="pane-title")
                    yield RoutineList(id="routines")  # an OptionList quick with thousands
                    yield Static(id="routine-info")
                with VerticalScroll(id="back-pane"):  # scrolls when it is the narrow tab
                    yield Static("Your back", id="back-title", classes="pane-title")
                    yield Static(id="pain")
                    yield Static(id="function")
                    yield Static(id="unlock")
                    yield Static(id="numbers")
            yield Static("Recent sessions", classes="pane-title")
            yield DataTable(id="recent", cursor_type="row", zebra_stripes=True)
        yield Footer()

    def on_mount(self) -> None:
        self.refresh_data()
        self.query_one("#routines", OptionList).focus()
        if self.changes is not None:
            self.set_interval(self.watch_seconds, self._look_for_changes)

    def on_resize(self) -> None:
        narrow = self.size.width < NARROW
        self.set_class(narrow, "narrow")
        footer = self.query_one(Footer)
        footer.compact = narrow  # every key fits 80 columns; ctrl+p is in the help (?)
        footer.show_command_palette = not narrow
        self._show_pane_titles()
        self.refresh_bindings()  # b is shown only when it does something

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "switch_pane":
            return self.has_class("narrow")  # both panes are on screen when it is wide
        return True

    def action_switch_pane(self) -> None:
        back = not self.has_class("show-back")
        self.set_class(back, "show-back")
        self._show_pane_titles()
        self.query_one("#back-pane" if back else "#routines").focus()

    def _show_pane_titles(self) -> None:
        """At narrow widths each pane's title says how to reach the other one."""
        narrow = self.has_class("narrow")
        self.query_one("#routines-title", Static).update(
            "Routines  · b: your back" if narrow else "Routines"
        )
        self.query_one("#back-title", Static).update(
            "Your back  · b: routines" if narrow else "Your back"
        )

    def action_keys(self) -> None:
        from backroutine.ui.screens.dialogs import HelpScreen, binding_keys

        palette = ("ctrl+p", "the command palette: every action and every routine by name")
        self.app.push_screen(HelpScreen((*binding_keys(self.BINDINGS), palette)))

    # -- data -------------------------------------------------------------------------------

    def refresh_data(self) -> None:
        """Read what the screen shows again, off the event loop; shown when it is read. A
        newer reading replaces one still under way (its result is dropped)."""
        self.run_worker(self._read, thread=True, exclusive=True, group=LOADING)

    def _read(self) -> _Read:
        # The marks first: a change made while the view is read is seen at the next look.
        marks = self.changes() if self.changes is not None else None
        return _Read(marks, self.load())

    async def _look_for_changes(self) -> None:
        """The timer's: stat the history's files in a thread of asyncio's pool (a synced
        folder may be slow; a pooled thread, not a Worker, as this runs every few seconds
        and a Worker's start and state messages cost more than the stat calls), then read
        the screen's data again when they changed since it was read."""
        if self.changes is None or self._looking:
            return
        self._looking = True
        try:
            marks = await asyncio.to_thread(self.changes)
        finally:
            self._looking = False
        # This app's own check-in too, when the view shown was read before the save.
        if marks != self._marks and not self._busy(LOADING) and self.is_attached:
            self.refresh_data()

    def _busy(self, group: str) -> bool:
        return any(w.group == group and not w.is_finished for w in self.workers)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        worker = event.worker
        if event.state != WorkerState.SUCCESS:
            return  # an error reading ends the app with its traceback, as on the event loop
        if worker.group == LOADING and isinstance(worker.result, _Read):
            self._marks = worker.result.marks
            self.show_view(worker.result.view)

    def show_view(self, view: HomeView) -> None:
        self.view = view
        if view.library_problem is not None:
            self.post_message(Notice(view.library_problem))
        self._show_advice(view)
        self._show_today(view)
        self._show_notice(view)
        self._show_routines(view)
        self._show_back(view)
        self._show_recent(view)
        self._ask_safety_when_due(view)

    def _ask_safety_when_due(self, view: HomeView) -> None:
        """The questions on first run, at a new episode and on a flare day: once for each of
        these, however often the screen refreshes (closing them leaves a reminder). Asked only
        over this screen: with another one open, at the next refresh."""
        progress = view.progress
        state = (progress.safety_asked, progress.episode_started, progress.last_flare)
        due = view.can_save and progress.safety_due and state != self._safety_asked_for
        if due and self.app.screen is self:
            self._safety_asked_for = state
            self.post_message(SafetyDue())

    def _show_advice(self, view: HomeView) -> None:
        """Advice to see a professional, first and by urgency: an emergency fills the width in
        the error colour, and no routine starts past it."""
        advice = view.advice
        panel = self.query_one("#advice", Static)
        text = Text()
        for block in advice.blocks:
            if text:
                text.append("\n")
            text.append(block.advice, style="bold")
            for fact in block.because:
                text.append(f"\n• {fact}")
        if advice.mark_checked:
            text.append(f"\n{advice.mark_checked}")
        if advice.on_hold:
            text.append(f"\n{advice.on_hold}", style="bold")
        panel.update(text)
        panel.display = bool(advice)
        for urgency in ("emergency", "today", "soon"):
            panel.set_class(advice.urgency == urgency, urgency)

    def _show_today(self, view: HomeView) -> None:
        today = self.query_one("#today", Static)
        row = view.suggested
        if row is not None:
            today.update(
                Text.assemble(
                    ("Today: ", "bold"),
                    (row.entry.name, "bold"),
                    f" · {format_clock(row.seconds)} · {view.why}  ",
                    ("press t to open it", "dim"),
                )
            )
        else:
            today.update(Text.assemble(("Today: ", "bold"), view.why))

    def _show_notice(self, view: HomeView) -> None:
        notice = self.query_one("#notice", Static)
        notice.update(data("\n".join(f"! {line}" for line in view.notices)))
        notice.display = bool(view.notices)

    def _show_routines(self, view: HomeView) -> None:
        options = self.query_one("#routines", OptionList)
        highlighted = options.highlighted_option.id if options.highlighted_option else None
        options.clear_options()
        items: list[Option] = []  # added at once: one by one, each resizes the list
        for group in view.groups:
            title = group.category.capitalize() + (" · locked" if group.lock else "")
            if group.open_to_level is not None:
                title += f" · open to level {group.open_to_level}"
            items.append(Option(Text(title, style="bold"), disabled=True))
            for row in group.routines:
                routine = row.entry  # what the list shows: from the routine cache
                locked = row.lock is not None
                label = Text(f"  {routine.name}", style="dim" if locked else "")
                label.append(f"  {format_clock(row.seconds)}", style="dim")
                if routine.level:
                    label.append(f"  L{routine.level}", style="dim")
                if locked and not group.lock:
                    label.append("  locked", style="dim")
                if row.entry.source == "user":
                    label.append("  yours", style="italic dim")
                if row.suggested:
                    label.append("  ★ today", style="bold")
                items.append(Option(label, id=routine.id))
        options.add_options(items)
        keep = highlighted or (view.suggested.entry.id if view.suggested else None)
        with suppress(OptionDoesNotExist):  # the routine may have gone
            if keep is not None:
                options.highlighted = options.get_option_index(keep)
        # Once the list is laid out (its height is known only then), the highlighted routine,
        # "★ today" at first, is brought into view.
        self.call_after_refresh(options.scroll_to_highlight)

    def _show_back(self, view: HomeView) -> None:
        progress = view.progress
        pain = self.query_one("#pain", Static)
        if progress.pain is None:
            pain.update("No check-ins yet.\nPress c to check in your pain (0-10).")
        else:
            # Once checked in today, the invitation gives way to the fact.
            then = "Checked in today." if view.checked_in_today else "Press c to check in."
            pain.update(
                f"Pain now: {progress.pain}/10 (started at {progress.baseline})\n"
                f"Recent: {sparkline(progress.trend)}\n{then}"
            )
        function = self.query_one("#function", Static)
        function.update(Text("\n".join(view.function_lines)))  # activity names: data
        function.display = bool(view.function_lines)
        unlock = self.query_one("#unlock", Static)
        if progress.locked_all is not None:  # the panel above says it all
            unlock.update("Every routine is on hold until a professional has checked you.")
        else:
            unlock.update(Text(progress.progress_text))
        unlock.set_class(progress.strengthening_level is not None, "open")
        numbers = view.numbers
        streak = numbers.streak_days
        self.query_one("#numbers", Static).update(
            f"This week: {plural(numbers.week_sessions, 'session')}, "
            f"{minutes_text(numbers.week_minutes)}\n"
            f"In all: {plural(numbers.total_sessions, 'session')}, "
            f"{minutes_text(numbers.total_minutes)}\n"
            f"Streak: {plural(streak, 'day')}\n"
            f"Minutes, last 14 days: {numbers.bars}"
        )

    def _show_recent(self, view: HomeView) -> None:
        table = self.query_one("#recent", DataTable)
        # The columns are made again with the rows: auto-width columns added before their
        # rows keep a header as wide as its label, out of line with the rows below.
        table.clear(columns=True)
        table.add_columns(*RECENT_COLUMNS)
        for recent in view.recent:
            s, before, after = recent.session, recent.pain_before, recent.pain_after
            pain = "" if before is None and after is None else f"{_score(before)} → {_score(after)}"
            started = datetime.fromisoformat(s.started_at).strftime("%a %d %b %H:%M")
            name = data(s.routine_name, one_line=True)  # the history keeps what the file said
            table.add_row(
                started, name, s.status, minutes_number(minutes_of(s.active_seconds)), pain
            )

    # -- interaction ----------------------------------------------------------------------

    @on(OptionList.OptionHighlighted, "#routines")
    def highlighted(self, event: OptionList.OptionHighlighted) -> None:
        info = self.query_one("#routine-info", Static)
        row = self.view.routine(event.option.id or "") if self.view is not None else None
        if row is None:
            info.update("")
            return
        info.update(data(row.lock or row.entry.summary or ""))

    @on(OptionList.OptionSelected, "#routines")
    def selected(self, event: OptionList.OptionSelected) -> None:
        row = self.view.routine(event.option.id or "") if self.view is not None else None
        if row is not None:
            self.open_row(row)

    def action_today(self) -> None:
        if self.view is not None and self.view.suggested is not None:
            self.open_row(self.view.suggested)

    def open_row(self, row: RoutineRow) -> None:
        """The list comes from the routine cache: the routine itself is read now. A file
        changed since into one with mistakes is not opened; the list is made again (and
        says which files to fix)."""
        from backroutine.core.errors import RoutineError

        try:
            routine = row.routine
        except RoutineError:
            self.post_message(Notice(f'"{row.entry.name}" has changed and cannot be opened now.'))
            self.refresh_data()
            return
        self.post_message(OpenRoutine(routine))


@dataclass(frozen=True, slots=True)
class _Read:
    """What a reading brought: the history's marks as it began, and the view."""

    marks: object
    view: HomeView


def _score(pain: int | None) -> str:
    return "–" if pain is None else str(pain)
