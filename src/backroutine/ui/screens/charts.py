"""Your back over time, as charts: pain (improved and flare days, the "clearly better" line),
the function score with each activity, and minutes per week by category, one tab each.

textual-plotext draws them. It and plotext are imported only here, in the worker thread that
reads the history, so neither the home screen's first frame nor this screen's first frame
waits for them: the screen says "Loading…" until both the data and the library are in.

Every plot has a sentence above it saying what it shows (a screen reader reads that, not the
braille dots), and a legend below it drawn here, not by plotext: plotext draws its legend over
the plot's corner, and an activity's name is the person's own text, which goes into Rich Text
objects only (never markup, never plotext's ANSI output).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from functools import cache
from typing import TYPE_CHECKING

from rich.text import Text
from textual import work
from textual.app import ComposeResult, RenderResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Footer, Static, TabbedContent, TabPane

from backroutine.core.history import HistoryError
from backroutine.services.charts_data import (
    ActivityLine,
    ChartsData,
    FunctionChart,
    PainChart,
    WeeksChart,
    date_ticks,
    day_label,
    load_charts,
    minute_ticks,
    week_ticks,
)
from backroutine.services.report_data import ReportHistory
from backroutine.ui.richtext import data as plain

if TYPE_CHECKING:  # the library itself is imported when the screen loads (_plot_class)
    from textual_plotext.plot import Plot

    from backroutine.ui.screens.activities import ActivitiesScreen

Colour = str | tuple[int, int, int]  # plotext's: a name ("default": the text colour) or RGB

# Colours that read on the dark and the light themes alike; every mark also has its own
# shape, so nothing depends on telling red from green. "default" is the theme's text colour.
PAIN: Colour = "default"
FLARE: Colour = (230, 60, 60)
IMPROVED: Colour = (60, 180, 90)
THRESHOLD: Colour = (150, 150, 150)
SCORE: Colour = "default"
ACTIVITY_COLOURS: tuple[Colour, ...] = ((60, 140, 230), (240, 150, 50), (200, 100, 220))
ACTIVITY_MARKS = ("1", "2", "3")  # the point of activity n is its number, as in the legend
REMOVED: Colour = (130, 130, 130)
CATEGORY_COLOURS: dict[str, Colour] = {
    "gentle": (70, 175, 110),
    "yoga": (100, 150, 240),
    "strengthening": (240, 160, 60),
}
OTHER_CATEGORY: Colour = (160, 160, 160)
# Days up to which every day gets a dot, and beyond which improved days get no mark of their
# own (one a day merge into a bar at 80 columns; the report's DOTS_UP_TO is the same idea).
FEW_DAYS = 14
MARKS_UP_TO = 62
Y_AXIS_CELLS = 6  # the y labels ("10", "120"), their tick and the frame: what the x axis loses
EMPTY = {
    "pain": "Your pain over time will appear here after your first check-in (press c on the "
    "home screen): each day's score from 0 to 10, with flare days and clearly better days "
    "marked, and the score at or below which a day counts as clearly better (such days "
    "open strengthening).",
    "function": "Your function score will appear here. Name up to 3 activities your back "
    "makes hard (press a), then rate each from 0 (unable) to 10 (as before) at a check-in; "
    "each one and their mean are drawn over time.",
    "rate": "Rate your activities at a check-in (0 = unable, 10 = as before the problem) and "
    "their ratings and the function score will be drawn here.",
    "weeks": "Minutes per week will appear here once you have played a routine: gentle, yoga "
    "and strengthening minutes stacked, one bar a week.",
}

Draw = Callable[["Plot", int, int], None]  # (plotext figure, width, height): draws one plot


class ChartsScreen(Screen[None]):
    """The charts of the whole history, up to `now`; `history` is read once, off the loop."""

    BINDINGS = [
        Binding("escape,q", "app.pop_screen", "Back"),
        Binding("p", "tab('pain')", "Pain"),
        Binding("f", "tab('function')", "Function"),
        Binding("m", "tab('weeks')", "Minutes"),
        Binding("a", "activities", "Activities", tooltip="add, rename or remove activities"),
    ]

    def __init__(
        self,
        history: ReportHistory,
        now: datetime,
        *,
        edit: Callable[[], ActivitiesScreen] | None = None,
    ) -> None:
        """`edit`: makes the screen where activities are named (None: they cannot be
        changed here, the history being read-only)."""
        super().__init__()
        self.history = history
        self.now = now
        self.edit = edit
        self.reopen_tab: str | None = None  # the tab to show once the charts are read again
        self.charts: ChartsData | None = None
        self.problem: str | None = None

    def compose(self) -> ComposeResult:
        yield Static(self._title(), id="charts-title")
        if self.charts is not None:
            yield from self._tabs(self.charts)
        else:
            # A problem quotes the history's error (a path, say): shown as text, never markup.
            yield Static(plain(self.problem or "Loading…"), id="charts-loading")
        yield Footer()

    def on_mount(self) -> None:
        self._load()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "activities":
            return self.edit is not None
        return True

    def action_activities(self) -> None:
        if self.edit is not None:
            self.app.push_screen(self.edit(), self._activities_closed)

    def _activities_closed(self, names: tuple[str, ...] | None) -> None:
        if names is not None:  # changed: the function chart and its legend are drawn again
            self.charts = None
            self.reopen_tab = "function"  # where the person was
            self.call_later(self.recompose)
            self._load()

    def action_tab(self, tab: str) -> None:
        for tabs in self.query(TabbedContent):
            tabs.active = f"tab-{tab}"

    # -- loading, off the event loop --------------------------------------------------------

    @work(thread=True, exit_on_error=False)
    def _load(self) -> None:
        try:
            _plot_class()  # the library's import (tens of ms) is paid here, not on the loop
            charts = load_charts(self.history, self.now)
        except HistoryError as exc:
            self.app.call_from_thread(self._failed, f"The history could not be read: {exc}")
            return
        except Exception as exc:  # a screen that says what went wrong, not "Loading…" forever
            self.app.call_from_thread(self._failed, f"The charts could not be made: {exc!r}")
            return
        self.app.call_from_thread(self._loaded, charts)

    def _loaded(self, charts: ChartsData) -> None:
        if self.is_attached:  # else closed while loading: nothing to show
            self.charts = charts
            self.call_later(self._show)

    def _failed(self, problem: str) -> None:
        if self.is_attached:
            self.problem = problem
            self.call_later(self._show)

    async def _show(self) -> None:
        await self.recompose()
        if self.reopen_tab is not None:
            self.action_tab(self.reopen_tab)
            self.reopen_tab = None
        for tabs in self.query("#charts-tabs Tabs"):
            tabs.focus()  # the arrow keys move between the charts at once

    # -- layout -----------------------------------------------------------------------------

    def _title(self) -> Text:
        title = Text("Your back over time", style="bold")
        if self.charts is not None:
            c = self.charts
            span = f"{day_label(c.start)} {c.start.year}"
            if c.end != c.start:
                span += f" to {day_label(c.end)} {c.end.year}"
            title.append(f"  ·  {span}", style="not bold")
        return title

    def _tabs(self, charts: ChartsData) -> ComposeResult:
        with TabbedContent(id="charts-tabs"):
            with TabPane("Pain", id="tab-pain"):
                p = charts.pain
                yield from self._section(
                    p.summary, _pain_legend(p), _draw_pain(charts), None if p.days else "pain"
                )
            with TabPane("Function", id="tab-function"):
                f = charts.function
                empty = None if f.score else ("rate" if f.named else "function")
                yield from self._section(
                    f.summary, _function_legend(f), _draw_function(charts), empty
                )
            with TabPane("Minutes per week", id="tab-weeks"):
                w = charts.weeks
                yield from self._section(
                    w.summary, _weeks_legend(w), _draw_weeks(w), None if w.weeks else "weeks"
                )

    def _section(self, summary: str, legend: Text, draw: Draw, empty: str | None) -> ComposeResult:
        """One tab: the sentence, then the plot and its legend, or words where a plot with
        nothing on it would be (empty axes say nothing)."""
        with Vertical():
            yield Static(plain(summary), classes="chart-summary")
            if empty is not None:
                yield Static(EMPTY[empty], classes="chart-empty", markup=False)
            else:
                yield _plot_class()(draw, classes="chart-plot")
                yield Static(legend, classes="chart-legend")


@cache
def _plot_class() -> Callable[..., Widget]:
    """The plot widget: textual-plotext's, drawn again at every size (ticks that fit)."""
    from textual_plotext import PlotextPlot

    class ChartPlot(PlotextPlot):
        def __init__(self, draw: Draw, *, classes: str | None = None) -> None:
            super().__init__(classes=classes)
            self._draw = draw
            self._drawn: tuple[object, RenderResult] | None = None

        def render(self) -> RenderResult:
            # Drawn afresh for each size (how many date labels fit depends on the width) and
            # theme, and only then: a year of weekly bars takes plotext ~0.15 s at 120x40,
            # too long to pay again each time the tab is shown.
            key = (self.size, self.app.theme)
            if self._drawn is None or self._drawn[0] != key:
                self.plt.clear_figure()
                self._draw(self.plt, self.size.width, self.size.height)
                self._drawn = (key, super().render())
            return self._drawn[1]

    return ChartPlot


# -- the plots ------------------------------------------------------------------------------


def _frame(plt: Plot, charts: ChartsData, width: int, title: str, ylabel: str) -> None:
    span = (charts.end - charts.start).days
    ticks = date_ticks(charts.start, charts.end, width - Y_AXIS_CELLS)
    plt.title(title)
    plt.xlabel("date")
    plt.ylabel(ylabel)
    plt.xlim(-0.5, span + 0.5)  # a day's mark is never on the frame; one day is in the middle
    plt.xticks([x for x, _ in ticks], [label for _, label in ticks])


def _draw_pain(charts: ChartsData) -> Draw:
    pain = charts.pain
    xs = [(d.day - charts.start).days for d in pain.days]
    few, dense = _density(pain)

    def draw(plt: Plot, width: int, height: int) -> None:
        _frame(plt, charts, width, "Pain each day (the day's last check-in)", "pain 0-10")
        plt.ylim(0, 10)
        plt.yticks([0, 2, 4, 6, 8, 10])
        if pain.threshold is not None and pain.threshold_from is not None:
            # Half a day past each end, so that a one-day episode still shows a line.
            first = (pain.threshold_from - charts.start).days - 0.5
            end = (charts.end - charts.start).days + 0.5
            plt.plot([first, end], [pain.threshold] * 2, marker="─", color=THRESHOLD)
        plt.plot(xs, [d.pain for d in pain.days], marker="braille", color=PAIN)
        plain_days = [(x, d.pain) for x, d in zip(xs, pain.days, strict=True)]
        better = [(x, d.pain) for x, d in zip(xs, pain.days, strict=True) if d.improved]
        flares = [(x, d.pain) for x, d in zip(xs, pain.days, strict=True) if d.flare]
        marks: list[tuple[list[tuple[int, int]], str, Colour]] = [
            (better, "braille" if dense else "●", IMPROVED),
            (flares, "▲", FLARE),
        ]
        if few:
            marks.insert(0, (plain_days, "◆", PAIN))  # a lone braille dot is easily missed
        for points, mark, colour in marks:
            if points:
                plt.scatter(*zip(*points, strict=True), marker=mark, color=colour)

    return draw


def _density(pain: PainChart) -> tuple[bool, bool]:
    """(few, dense): with a few days each gets a mark; with many, improved days are green
    dots of the line itself, as a mark a day would hide the line (flare days keep theirs)."""
    return len(pain.days) <= FEW_DAYS, len(pain.days) > MARKS_UP_TO


def _draw_function(charts: ChartsData) -> Draw:
    f = charts.function

    def draw(plt: Plot, width: int, height: int) -> None:
        _frame(plt, charts, width, "Function: 0 = unable, 10 = as before", "score 0-10")
        plt.ylim(0, 10)
        plt.yticks([0, 2, 4, 6, 8, 10])
        for line, colour, mark in _activity_styles(f):
            if not line.ratings:
                continue
            xs = [(d - charts.start).days for d, _ in line.ratings]
            ys = [score for _, score in line.ratings]
            plt.plot(xs, ys, marker="braille", color=colour)
            plt.scatter(xs, ys, marker=mark, color=colour)
        if f.score:
            xs = [(d - charts.start).days for d, _ in f.score]
            plt.plot(xs, [s for _, s in f.score], marker="hd", color=SCORE)

    return draw


def _draw_weeks(w: WeeksChart) -> Draw:
    categories = list(w.minutes)
    layers = stacked(w)

    def draw(plt: Plot, width: int, height: int) -> None:
        plt.title("Minutes of routines per week (Monday to Sunday)")
        plt.xlabel("week of")
        plt.ylabel("minutes")
        cells = width - Y_AXIS_CELLS
        # Bars with gaps while a bar gets 3 cells or more; beyond, touching bars (an area),
        # as 1-2 cell bars with 0-1 cell gaps read as noise.
        bar = 0.75 if cells >= 3 * len(w.weeks) else 1.0
        # Tallest stack first, each lower one drawn over it: plotext's own stacked_bar
        # blanks the bottom row of a week whose first category is 0.
        for category, tops in reversed(list(zip(categories, layers, strict=True))):
            shown = [(i, top) for i, top in enumerate(tops) if top > 0]
            if shown:
                xs, ys = zip(*shown, strict=True)
                colour = CATEGORY_COLOURS.get(category, OTHER_CATEGORY)
                plt.bar(xs, ys, color=colour, width=bar, reset_ticks=False)
        ticks = week_ticks(w.weeks, cells)
        plt.xticks([x for x, _ in ticks], [label for _, label in ticks])
        plt.xlim(-0.6, len(w.weeks) - 0.4)
        steps = minute_ticks(max(max(layers[-1], default=0.0), 1.0))
        plt.ylim(0, steps[-1])
        plt.yticks([float(m) for m in steps], [str(m) for m in steps])

    return draw


def stacked(w: WeeksChart) -> list[list[float]]:
    """Each category's top in every week's stack: the running sums, bottom category first."""
    out: list[list[float]] = []
    for values in w.minutes.values():
        below = out[-1] if out else [0.0] * len(values)
        out.append([b + v for b, v in zip(below, values, strict=True)])
    return out


# -- legends: the person's words as Text, never markup ----------------------------------------


def _key(text: Text, mark: str, colour: Colour, label: str | Text) -> None:
    if text:
        text.append("   ")
    text.append(mark, style=_style(colour))
    text.append(" ")
    text.append(label)


def _style(colour: Colour) -> str:
    return "bold" if colour == "default" else "bold rgb({},{},{})".format(*colour)


def _pain_legend(pain: PainChart) -> Text:
    text = Text()
    few, dense = _density(pain)
    _key(text, "◆⠤" if few else "⣀⠤", PAIN, "pain")
    _key(text, "⣀⠤" if dense else "●", IMPROVED, "clearly better day")
    _key(text, "▲", FLARE, "flare day")
    if pain.threshold is not None:
        _key(
            text,
            "──",
            THRESHOLD,
            f"clearly better: {pain.threshold} or below (opens strengthening)",
        )
    return text


def _activity_styles(f: FunctionChart) -> list[tuple[ActivityLine, Colour, str]]:
    """Each activity's colour and mark: removed ones grey "x", current ones by their place."""
    out: list[tuple[ActivityLine, Colour, str]] = []
    current = 0
    for line in f.activities:
        if line.removed:
            out.append((line, REMOVED, "x"))
        else:
            i = current % len(ACTIVITY_COLOURS)
            out.append((line, ACTIVITY_COLOURS[i], ACTIVITY_MARKS[i]))
            current += 1
    return out


def _function_legend(f: FunctionChart) -> Text:
    text = Text()
    _key(text, "▄▄", SCORE, "function score (the mean)")
    for line, colour, mark in _activity_styles(f):
        label = plain(line.name, one_line=True)
        if line.removed:
            label.append(" (removed)")
        elif line.latest is not None:
            label.append(
                f": {line.latest}" + (f" (first {line.first})" if line.first is not None else "")
            )
        _key(text, mark, colour, label)
    return text


def _weeks_legend(w: WeeksChart) -> Text:
    text = Text()
    for category in w.minutes:
        _key(text, "██", CATEGORY_COLOURS.get(category, OTHER_CATEGORY), plain(category))
    return text
