"""The app written the Textual way (issue 13): the player screen owns its session and timer,
screens tell the app what happened with messages, and the history and the routine library are
read in thread workers, so a screen is drawn before its data is read."""

from __future__ import annotations

import threading
from datetime import UTC, datetime
from pathlib import Path

import pytest
from textual.timer import Timer
from textual.widgets import DataTable, OptionList, Static

from backroutine.audio import RecordingPlayer
from backroutine.core.history import HistoryError, HistoryStore
from backroutine.ui.app import make_app
from backroutine.ui.messages import CloseRoutine
from backroutine.ui.screens.ending import SummaryScreen
from backroutine.ui.screens.history import HistoryScreen
from backroutine.ui.screens.home import HomeScreen
from backroutine.ui.screens.intro import IntroScreen
from backroutine.ui.screens.player import PlayerScreen
from backroutine.ui.screens.safety import SafetyScreen

from .conftest import FakeClock, settle, wake


@pytest.fixture
def home(tmp_path: Path):
    data = tmp_path / "data"
    store = HistoryStore.open(data)
    store.save_red_flags([], at=datetime.now(UTC))  # answered: the questions are not due
    clock = FakeClock()
    app = make_app(store=store, data_dir=data, clock=clock, player=RecordingPlayer(clock=clock))
    yield app, store, clock
    store.close()


def text(app, selector: str) -> str:
    return str(app.screen.query_one(selector).render())


async def play(pilot, app, routine_id: str = "desk-break") -> PlayerScreen:
    options = app.screen.query_one("#routines", OptionList)
    options.highlighted = options.get_option_index(routine_id)
    await pilot.press("enter")
    await settle(pilot)
    await pilot.press("enter")
    await settle(pilot)
    assert isinstance(app.screen, PlayerScreen)
    return app.screen


async def test_the_home_screen_is_drawn_before_its_data_is_read(home) -> None:
    app, _, _ = home
    gate = threading.Event()
    read = app.home_view

    def slow_read():
        assert threading.current_thread() is not threading.main_thread()  # never on the loop
        gate.wait(5)
        return read()

    app.home_view = slow_read
    async with app.run_test(size=(110, 36)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        assert text(app, "#today") == "Loading…"
        assert app.screen.query_one("#routines", OptionList).option_count == 0
        await pilot.press("t", "down", "enter")  # nothing to open yet: nothing happens
        gate.set()
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)
        assert text(app, "#today").startswith("Today:")
        assert app.screen.query_one("#routines", OptionList).option_count > 5


async def test_the_history_screen_reads_in_a_worker(home) -> None:
    app, store, _ = home
    store.add_checkin(at=datetime.now(UTC), pain=4, note="ok")
    async with app.run_test(size=(110, 36)) as pilot:
        await settle(pilot)
        gate = threading.Event()
        read = store.checkin_records

        def slow_checkins():
            gate.wait(5)
            return read()

        store.checkin_records = slow_checkins  # type: ignore[method-assign]
        await pilot.press("r")
        await pilot.pause()
        assert isinstance(app.screen, HistoryScreen)
        assert text(app, "#charts") == "Loading…"  # drawn, the history not read yet
        gate.set()
        await settle(pilot)
        assert app.screen.query_one("#checkins", DataTable).row_count == 1
        assert "Pain trend" in text(app, "#charts")


async def test_the_player_screen_owns_the_timer(home) -> None:
    app, store, clock = home
    async with app.run_test(size=(110, 36)) as pilot:
        await settle(pilot)
        player = await play(pilot, app)
        assert player.conductor is app.conductor  # the app keeps it only to save on a quit
        assert isinstance(player._timer, Timer)
        assert not [v for v in vars(app).values() if isinstance(v, Timer)]
        clock.now += 50
        wake(app)
        await pilot.press("ctrl+c")  # quits at once, from any screen: saved as stopped
        await pilot.pause()
    (session,) = store.sessions()
    assert (session.status, session.reason, session.steps_done) == ("stopped", "quit", 1)


async def test_mute_is_kept_for_the_next_routine(home) -> None:
    app, _, _ = home
    async with app.run_test(size=(110, 36)) as pilot:
        await settle(pilot)
        await play(pilot, app)
        await pilot.press("m")
        assert "muted" in text(app, "#step-count")
        await pilot.press("q", "y")
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen) and app.muted
        player = await play(pilot, app)
        assert player.conductor.muted and "muted" in text(app, "#step-count")


async def test_two_enters_on_the_summary_close_it_once(home) -> None:
    app, _, clock = home
    async with app.run_test(size=(110, 36)) as pilot:
        await settle(pilot)
        player = await play(pilot, app)
        while player.conductor.running:
            clock.now += 30
            wake(app)
        await settle(pilot)
        summary = app.screen
        assert isinstance(summary, SummaryScreen)
        summary.action_close()  # two keys before the app has closed it: one message
        summary.action_close()
        app.post_message(CloseRoutine())  # and a late one, from a screen already gone
        await settle(pilot)
        assert app.is_running and isinstance(app.screen, HomeScreen)
        assert len(app.screen_stack) == 2  # the default screen and home


async def test_the_palette_opens_a_routine_by_name(home) -> None:
    app, _, _ = home
    async with app.run_test(size=(110, 36)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"open routine desk")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, IntroScreen)
        assert app.screen.routine.id == "desk-break"


async def test_safety_answers_that_cannot_be_saved_are_said(home) -> None:
    app, store, _ = home

    def refuse(yes, *, at):
        raise HistoryError("the disk is full")

    store.save_red_flags = refuse  # type: ignore[method-assign]
    async with app.run_test(size=(110, 36)) as pilot:
        await settle(pilot)
        await pilot.press("s")
        await settle(pilot)
        assert isinstance(app.screen, SafetyScreen)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.is_running and isinstance(app.screen, HomeScreen)
        messages = [n.message for n in app._notifications]
        assert "Not saved: the disk is full" in messages


async def test_a_check_in_after_a_routine_is_saved_in_a_worker(home) -> None:
    app, store, clock = home
    async with app.run_test(size=(110, 36)) as pilot:
        await settle(pilot)
        player = await play(pilot, app)
        while player.conductor.running:
            clock.now += 30
            wake(app)
        await settle(pilot)
        await pilot.press("3", "enter")
        await settle(pilot)
        assert "Saved: pain 3." in str(app.screen.query_one("#after-result", Static).render())
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)
        assert "Pain now: 3/10" in text(app, "#pain")  # the home screen read it again
    assert [c.pain for c in store.checkins()] == [3]
