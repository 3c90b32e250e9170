"""The chart screen, headless: with no data, one day and a year; its words and legends; the
person's text shown as text; loading off the event loop; and plotext kept out of start-up."""

from __future__ import annotations

import subprocess
import sys
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from textual.app import App
from textual.widgets import Static, TabbedContent

from backroutine.core.history import HistoryError, HistoryStore
from backroutine.services.charts_data import date_ticks, week_ticks
from backroutine.ui.app import BackroutineApp
from backroutine.ui.screens.charts import Y_AXIS_CELLS, ChartsScreen

NOW = datetime(2026, 11, 22, 20, 0, tzinfo=UTC)
SIZES = [(80, 24), (120, 40)]
TABS = {"p": "tab-pain", "f": "tab-function", "m": "tab-weeks"}


class ChartsApp(App[None]):
    """The screen on its own, over an empty default screen (escape goes back to it), styled by
    the app's own stylesheet."""

    CSS_PATH = BackroutineApp.CSS_PATH

    def __init__(self, history: object) -> None:
        super().__init__()
        self.history = history

    def on_mount(self) -> None:
        self.push_screen(ChartsScreen(self.history, NOW))  # type: ignore[arg-type]


async def loaded(pilot) -> ChartsScreen:
    """Wait for the worker to read the history and the screen to show the charts."""
    screen = pilot.app.screen
    assert isinstance(screen, ChartsScreen)
    for _ in range(400):
        await pilot.pause(0.02)
        if (screen.charts is not None and screen.query(TabbedContent)) or screen.problem:
            break
    else:
        raise AssertionError("the charts never loaded")
    await pilot.pause(0.05)
    return screen


def texts(screen: ChartsScreen, cls: str) -> list[str]:
    """The text of the visible Statics of a class (the active tab's), as shown."""
    return [str(s.render()) for s in screen.query(f".{cls}").results(Static) if s.region.width]


def visible_plot(screen: ChartsScreen) -> str:
    plots = [p for p in screen.query(".chart-plot") if p.region.width]
    assert len(plots) == 1
    return str(plots[0].render())


def axis_line(plot: str) -> str:
    """The line of x tick labels: the one under the frame's bottom edge."""
    lines = plot.splitlines()
    bottom = next(i for i, line in enumerate(lines) if "└" in line)
    return lines[bottom + 1]


def labels_in_order(line: str, labels: list[str]) -> None:
    """Each label whole, in order, with at least one space between two (none overlap)."""
    at = 0
    for label in labels:
        found = line.find(label, at)
        assert found >= 0, f"{label!r} missing or overlapped in {line!r}"
        at = found + len(label) + 1


def add_days(store: HistoryStore, days: int, *, names: tuple[str, ...] = ()) -> None:
    for name in names:
        store.add_activity(name, at=NOW - timedelta(days=days + 1))
    for i in range(days):
        at = NOW - timedelta(days=days - 1 - i, hours=2)
        pain = 7 - (3 * i) // max(days, 1) + (3 if i % 50 == 49 else 0)  # lessening, some flares
        ratings = [(n, min(10, 2 + i // 40)) for n in names] if i % 7 == 0 else []
        store.add_checkin(at=at, pain=pain, ratings=ratings, new_episode=i == 0)
        if i % 3 == 0:
            session = store.start_session(
                routine_id="r",
                routine_name="R",
                category=("gentle", "yoga", "strengthening")[i % 9 // 3],
                steps_total=3,
                started_at=at,
            )
            store.finish_session(
                session, status="completed", steps_done=3, active_seconds=600, at=at
            )


@pytest.fixture
def store(tmp_path: Path):
    history = HistoryStore.open(tmp_path / "data")
    yield history
    history.close()


@pytest.mark.parametrize("size", SIZES)
async def test_with_no_data_each_section_says_in_words_what_will_appear(store, size) -> None:
    app = ChartsApp(store)
    async with app.run_test(size=size) as pilot:
        screen = await loaded(pilot)
        assert not screen.query(".chart-plot")  # no empty axes anywhere
        seen = {}
        for key, tab in TABS.items():
            await pilot.press(key)
            await pilot.pause(0.05)
            assert screen.query_one(TabbedContent).active == tab
            seen[tab] = " ".join(texts(screen, "chart-summary") + texts(screen, "chart-empty"))
        assert "after your first check-in" in seen["tab-pain"]
        assert "Pain: no check-ins yet." in seen["tab-pain"]
        assert "Name up to 3 activities" in seen["tab-function"]
        assert "once you have played a routine" in seen["tab-weeks"]


@pytest.mark.parametrize("size", SIZES)
async def test_one_day_draws_a_point_its_date_and_the_line(store, size) -> None:
    add_days(store, 1)
    app = ChartsApp(store)
    async with app.run_test(size=size) as pilot:
        screen = await loaded(pilot)
        plot = visible_plot(screen)
        assert "Pain each day" in plot
        assert "◆" in plot  # a lone day gets a mark, not one braille dot
        assert axis_line(plot).strip() == "22 Nov"
        summary = texts(screen, "chart-summary")[0]
        assert summary.startswith("Pain: last 7/10 (22 Nov), started 7/10 (22 Nov)")
        legend = texts(screen, "chart-legend")[0]
        assert "clearly better: 4 or below" in legend  # 7 -> 4: the unlock line's legend


@pytest.mark.parametrize("size", SIZES)
async def test_a_year_renders_every_tab_with_dates_that_do_not_overlap(store, size) -> None:
    add_days(store, 365, names=("putting on socks", "sitting for an hour"))
    app = ChartsApp(store)
    async with app.run_test(size=size) as pilot:
        screen = await loaded(pilot)
        charts = screen.charts
        assert charts is not None and len(charts.pain.days) == 365
        for key in TABS:
            await pilot.press(key)
            await pilot.pause(0.1)
            plots = [p for p in screen.query(".chart-plot") if p.region.width]
            assert len(plots) == 1
            plot = str(plots[0].render())
            cells = plots[0].size.width - Y_AXIS_CELLS
            if key == "m":
                ticks = week_ticks(charts.weeks.weeks, cells)
            else:
                ticks = date_ticks(charts.start, charts.end, cells)
            assert len(ticks) >= 3
            labels_in_order(axis_line(plot), [label for _, label in ticks])
            if key == "p":
                assert "▲" in plot  # flare days are marked


async def test_an_activity_name_with_markup_shows_literally(store) -> None:
    names = ("[bold]lifting[/bold] my child", "[@click=app.quit]socks[/]")
    add_days(store, 10, names=names)
    app = ChartsApp(store)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await loaded(pilot)
        await pilot.press("f")
        await pilot.pause(0.1)
        legend = texts(screen, "chart-legend")[0]
        for name in names:
            assert name in legend
        assert app.is_running  # the [@click=app.quit] did nothing


async def test_escape_and_q_close_it(store) -> None:
    app = ChartsApp(store)
    async with app.run_test() as pilot:
        await loaded(pilot)
        await pilot.press("escape")
        assert not isinstance(app.screen, ChartsScreen)
        app.push_screen(ChartsScreen(store, NOW))
        await loaded(pilot)
        await pilot.press("q")
        assert not isinstance(app.screen, ChartsScreen)


class SlowHistory:
    """A history whose check-ins wait for the test: the screen is seen while it loads."""

    def __init__(self, store: HistoryStore) -> None:
        self.store = store
        self.release = threading.Event()

    def checkins(self):
        assert threading.current_thread() is not threading.main_thread()  # off the loop
        self.release.wait(10)
        return self.store.checkins()

    def __getattr__(self, name: str):
        return getattr(self.store, name)


async def test_it_says_loading_while_the_history_is_read_in_a_thread(store) -> None:
    add_days(store, 3)
    slow = SlowHistory(store)
    app = ChartsApp(slow)
    async with app.run_test() as pilot:
        await pilot.pause(0.1)
        screen = app.screen
        assert isinstance(screen, ChartsScreen)
        assert str(screen.query_one("#charts-loading", Static).render()) == "Loading…"
        slow.release.set()
        await loaded(pilot)
        assert len(screen.charts.pain.days) == 3


async def test_closing_it_while_it_loads_leaves_nothing_behind(store) -> None:
    slow = SlowHistory(store)
    app = ChartsApp(slow)
    async with app.run_test() as pilot:
        await pilot.pause(0.1)
        screen = app.screen
        await pilot.press("escape")
        slow.release.set()
        await app.workers.wait_for_complete()
        await pilot.pause(0.1)
        assert not isinstance(app.screen, ChartsScreen)
        assert screen.charts is None  # the late result was not shown on a closed screen


async def test_a_history_that_cannot_be_read_is_said_in_words(store) -> None:
    class Broken(SlowHistory):
        def checkins(self):
            raise HistoryError("the disk is [bold]gone[/]")

    app = ChartsApp(Broken(store))
    async with app.run_test() as pilot:
        screen = await loaded(pilot)
        shown = str(screen.query_one("#charts-loading", Static).render())
        assert shown == "The history could not be read: the disk is [bold]gone[/]"


def test_the_app_and_home_screen_import_no_plotting_library() -> None:
    # In a fresh interpreter: the chart screen's module itself loads plotext only when it
    # opens, so the first frame of the app never pays for it.
    code = (
        "import sys\n"
        "import backroutine.ui.app, backroutine.ui.screens.home, backroutine.ui.screens.charts\n"
        "print(sorted(m for m in sys.modules if re.match(r'(textual_)?plotext', m)))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", "import re\n" + code],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert out.strip() == "[]"
