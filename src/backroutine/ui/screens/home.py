"""Where a person lands: today's suggestion, the routines with their locks, their back's
progress, notices, and the history at a glance."""

from __future__ import annotations

from contextlib import suppress
from datetime import date, datetime

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import DataTable, Footer, OptionList, Static
from textual.widgets.option_list import Option, OptionDoesNotExist

from backroutine.core import advice
from backroutine.core.durations import format_clock
from backroutine.core.health import RedFlagAnswers
from backroutine.core.library import Entry, load_library
from backroutine.core.model import CATEGORIES, Routine
from backroutine.core.progression import Progress, assess, routine_lock
from backroutine.core.recommend import Choice, suggest
from backroutine.core.stats import compute, minutes_bars, pain_around, sparkline
from backroutine.core.timeline import expand
from backroutine.ui.richtext import data


class HomeScreen(Screen[None]):
    BINDINGS = [
        Binding("t", "today", "Today's routine"),
        Binding("c", "app.checkin", "Check in"),
        Binding("s", "app.safety", "Safety"),
        Binding("r", "app.history", "History"),
        Binding("q", "app.quit_now", "Quit"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.entries: dict[str, Entry] = {}
        self.totals: dict[str, int] = {}
        self.suggested: str | None = None
        self.progress: Progress | None = None
        self._safety_asked_for: object = None  # the state the questions were last asked in

    def compose(self) -> ComposeResult:
        with Vertical(id="home"):
            yield Static(id="advice")
            yield Static(id="today")
            yield Static(id="notice")
            with Horizontal(id="home-main"):
                with Vertical(id="routines-pane"):
                    yield Static("Routines", classes="pane-title")
                    yield OptionList(id="routines")
                    yield Static(id="routine-info")
                with Vertical(id="back-pane"):
                    yield Static("Your back", classes="pane-title")
                    yield Static(id="pain")
                    yield Static(id="unlock")
                    yield Static(id="numbers")
            yield Static("Recent sessions", classes="pane-title")
            yield DataTable(id="recent", cursor_type="row", zebra_stripes=True)
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one("#recent", DataTable)
        table.add_columns("started", "routine", "status", "minutes", "pain before → after")
        self.refresh_data()
        self.query_one("#routines", OptionList).focus()

    def on_resize(self) -> None:
        self.set_class(self.size.width < 90, "narrow")

    # -- data -------------------------------------------------------------------------------

    def refresh_data(self) -> None:
        app = self.app
        store = app.store  # type: ignore[attr-defined]
        # Each is read once: the progress, the notices and the charts all use them.
        sessions = store.sessions() if store is not None else []
        checkins = store.checkins() if store is not None else []
        flags = store.red_flags() if store is not None else None
        played = store.played_sessions() if store is not None else []
        self.progress = assess(checkins, flags, played, now=app.now())  # type: ignore[attr-defined]
        library = load_library(app.data_dir) if app.data_dir else None  # type: ignore[attr-defined]
        self.entries = dict(library.entries) if library else {}
        if library is not None and library.problems:
            broken = sorted({p.file for p in library.problems})
            app.notice(  # type: ignore[attr-defined]
                f"{len(broken)} of your routine files have mistakes and are left out; "
                f"see what to fix with: backroutine validate {' '.join(broken)}"
            )
        self.totals = {rid: expand(e.routine).total_seconds for rid, e in self.entries.items()}
        last_played: dict[str, str] = {}
        for s in sessions:
            last_played.setdefault(s.routine_id, s.started_at)
        choices = [
            Choice(rid, e.routine.name, e.routine.category, e.routine.level, self.totals[rid])
            for rid, e in self.entries.items()
        ]
        suggestion = suggest(self.progress, choices, last_played)
        self.suggested = suggestion.routine_id
        self._show_advice()
        self._show_today(suggestion.why)
        self._show_notice(flags)
        self._show_routines()
        self._show_back(sessions, checkins)
        self._show_recent(sessions, checkins)
        self._ask_safety_when_due(store is not None)

    def _ask_safety_when_due(self, can_save: bool) -> None:
        """The questions on first run, at a new episode and on a flare day: once for each of
        these, however often the screen refreshes (closing them leaves a reminder)."""
        progress = self.progress
        assert progress is not None
        state = (progress.safety_asked, progress.episode_started, progress.last_flare)
        if can_save and progress.safety_due and state != self._safety_asked_for:
            self._safety_asked_for = state
            self.app.action_safety()  # type: ignore[attr-defined]

    def _show_advice(self) -> None:
        """Advice to see a professional, first and by urgency: an emergency fills the width in
        the error colour, and no routine starts past it."""
        progress = self.progress
        assert progress is not None
        panel = self.query_one("#advice", Static)
        text = Text()
        for urgency, facts in progress.advice_by_urgency():
            if text:
                text.append("\n")
            text.append(advice.URGENCY_ADVICE[urgency], style="bold")
            for fact in facts:
                text.append(f"\n• {fact}")
        if progress.red_flag_open:
            text.append(f"\n{advice.MARK_CHECKED}")
        if progress.locked_all is not None:
            text.append("\nEvery routine is on hold until then.", style="bold")
        panel.update(text)
        panel.display = bool(progress.reasons)
        for urgency in ("emergency", "today", "soon"):
            panel.set_class(progress.urgency == urgency, urgency)

    def _show_today(self, why: str) -> None:
        today = self.query_one("#today", Static)
        if self.suggested and self.suggested in self.entries:
            routine = self.entries[self.suggested].routine
            length = format_clock(self.totals[self.suggested])
            today.update(
                Text.assemble(
                    ("Today: ", "bold"),
                    (routine.name, "bold"),
                    f" · {length} · {why}  ",
                    ("press t to open it", "dim"),
                )
            )
        else:
            today.update(Text.assemble(("Today: ", "bold"), why))

    def _show_notice(self, flags: RedFlagAnswers | None) -> None:
        progress = self.progress
        assert progress is not None
        notice = self.query_one("#notice", Static)
        lines = list(self.app.history_problems)  # type: ignore[attr-defined]
        if self.app.store is None and not lines:  # type: ignore[attr-defined]
            lines.append("Your history cannot be opened: nothing is recorded this time.")
        if flags is not None and progress.safety_due:
            lines.append(advice.ask_safety_text(progress.safety_asked))
        notice.update(data("\n".join(f"! {line}" for line in lines)))
        notice.display = bool(lines)

    def _show_routines(self) -> None:
        progress = self.progress
        assert progress is not None
        options = self.query_one("#routines", OptionList)
        highlighted = options.highlighted_option.id if options.highlighted_option else None
        options.clear_options()
        for category in CATEGORIES:
            group = sorted(
                (e for e in self.entries.values() if e.routine.category == category),
                key=lambda e: (e.routine.level or 1, e.routine.name.lower()),
            )
            if not group:
                continue
            category_lock = progress.locked.get(category)
            title = category.capitalize() + (" · locked" if category_lock else "")
            if category == "strengthening" and progress.strengthening_level is not None:
                title += f" · open to level {progress.strengthening_level}"
            options.add_option(Option(Text(title, style="bold"), disabled=True))
            for entry in group:
                routine = entry.routine
                locked = self._lock(routine) is not None
                label = Text(f"  {routine.name}", style="dim" if locked else "")
                label.append(f"  {format_clock(self.totals[routine.id])}", style="dim")
                if routine.level:
                    label.append(f"  L{routine.level}", style="dim")
                if locked and not category_lock:
                    label.append("  locked", style="dim")
                if entry.source == "user":
                    label.append("  yours", style="italic dim")
                if routine.id == self.suggested:
                    label.append("  ★ today", style="bold")
                options.add_option(Option(label, id=routine.id))
        keep = highlighted or self.suggested
        with suppress(OptionDoesNotExist):  # the routine may have gone
            if keep is not None:
                options.highlighted = options.get_option_index(keep)

    def _show_back(self, sessions: list, checkins: list) -> None:
        progress = self.progress
        assert progress is not None
        pain = self.query_one("#pain", Static)
        if progress.pain is None:
            pain.update("No check-ins yet.\nPress c to check in your pain (0-10).")
        else:
            pain.update(
                f"Pain now: {progress.pain}/10 (started at {progress.baseline})\n"
                f"Recent: {sparkline(progress.trend)}\nPress c to check in."
            )
        unlock = self.query_one("#unlock", Static)
        if progress.locked_all is not None:  # the panel above says it all
            unlock.update("Every routine is on hold until a professional has checked you.")
        else:
            unlock.update(Text(progress.progress_text))
        unlock.set_class(progress.strengthening_level is not None, "open")
        numbers = compute(sessions, checkins, date.today())
        week, total = numbers["this_week"], numbers["total"]
        bars = minutes_bars(numbers["per_day"])
        streak = numbers["streak_days"]
        self.query_one("#numbers", Static).update(
            f"This week: {week['sessions']} sessions, {week['minutes']:g} min\n"
            f"In all: {total['sessions']} sessions, {total['minutes']:g} min\n"
            f"Streak: {streak} day{'s' if streak != 1 else ''}\n"
            f"Minutes, last 14 days: {bars}"
        )

    def _show_recent(self, sessions: list, checkins: list) -> None:
        table = self.query_one("#recent", DataTable)
        table.clear()
        around = pain_around(sessions[:8], checkins)
        for s, a in zip(sessions[:8], around, strict=True):
            pain = (
                ""
                if a.before is None and a.after is None
                else f"{_score(a.before)} → {_score(a.after)}"
            )
            started = datetime.fromisoformat(s.started_at).strftime("%a %d %b %H:%M")
            name = data(s.routine_name, one_line=True)  # the history keeps what the file said
            table.add_row(started, name, s.status, f"{s.active_seconds / 60:.0f}", pain)

    # -- interaction ----------------------------------------------------------------------

    @on(OptionList.OptionHighlighted, "#routines")
    def highlighted(self, event: OptionList.OptionHighlighted) -> None:
        info = self.query_one("#routine-info", Static)
        entry = self.entries.get(event.option.id or "")
        if entry is None or self.progress is None:
            info.update("")
            return
        routine = entry.routine
        why = self._lock(routine)
        info.update(data(why or routine.summary or ""))

    @on(OptionList.OptionSelected, "#routines")
    def selected(self, event: OptionList.OptionSelected) -> None:
        entry = self.entries.get(event.option.id or "")
        if entry is not None:
            self.app.open_routine(entry.routine)  # type: ignore[attr-defined]

    def _lock(self, routine: Routine) -> str | None:
        assert self.progress is not None
        return routine_lock(self.progress, routine.category, routine.level)

    def action_today(self) -> None:
        if self.suggested and self.suggested in self.entries:
            self.app.open_routine(self.entries[self.suggested].routine)  # type: ignore[attr-defined]


def _score(pain: int | None) -> str:
    return "–" if pain is None else str(pain)
