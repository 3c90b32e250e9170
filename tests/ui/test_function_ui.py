"""The function score in the TUI (issue 14): the home screen shows it, the check-in screen asks
for the activities' ratings once a week (each may be skipped), and the charts open with g."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from textual.widgets import Input

from backroutine.audio import RecordingPlayer
from backroutine.core.history import HistoryStore
from backroutine.ui.app import make_app
from backroutine.ui.screens.charts import ChartsScreen
from backroutine.ui.screens.checkin import CheckinScreen
from backroutine.ui.screens.home import HomeScreen

from .conftest import FakeClock, settle

NOW = datetime(2026, 11, 25, 10, 0, tzinfo=UTC)


@pytest.fixture
def home(tmp_path: Path):
    data = tmp_path / "data"
    store = HistoryStore.open(data)
    store.save_red_flags([], at=NOW)  # answered: no safety questions in the way
    clock = FakeClock()
    app = make_app(store=store, data_dir=data, clock=clock, player=RecordingPlayer(clock=clock),
                   now=lambda: NOW)  # fmt: skip
    yield app, store
    store.close()


def shown(app, selector: str) -> str:
    return str(app.screen.query_one(selector).render())


async def test_the_checkin_asks_for_ratings_when_a_week_has_passed(home) -> None:
    app, store = home
    store.add_activity("putting on socks", at=NOW - timedelta(days=20))
    store.add_activity("sitting [b]long[/b]", at=NOW - timedelta(days=20))
    store.add_checkin(at=NOW - timedelta(days=9), pain=6, ratings=[("putting on socks", 3)])
    async with app.run_test(size=(110, 40)) as pilot:
        await settle(pilot)
        assert "Function: 3/10" in shown(app, "#function")
        await pilot.press("c")
        await settle(pilot)
        assert isinstance(app.screen, CheckinScreen)
        assert app.screen.rate == ("putting on socks", "sitting [b]long[/b]")
        names = [str(w.render()) for w in app.screen.query(".rating-name")]
        assert names == ["putting on socks", "sitting [b]long[/b]"]  # as typed, not markup
        app.screen.query_one("#pain", Input).value = "5"
        app.screen.query_one("#rate-0", Input).value = "11"
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, CheckinScreen)  # refused: nothing saved
        assert "Rate putting on socks from 0 to 10" in shown(app, "#checkin-error")
        assert len(store.checkins()) == 1
        app.screen.query_one("#rate-0", Input).value = "6"  # the second left blank: skipped
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)
    assert [c.pain for c in store.checkins()] == [6, 5]
    rated = [(r.activity, r.score) for r in store.ratings()]
    assert rated == [("putting on socks", 3), ("putting on socks", 6)]
    assert store.ratings()[-1].checkin_id == store.checkins()[-1].id  # one transaction


async def test_no_ratings_asked_within_the_week_or_without_activities(home) -> None:
    app, store = home
    async with app.run_test(size=(110, 40)) as pilot:
        await settle(pilot)
        assert not app.screen.query_one("#function").display  # nothing named: nothing said
        await pilot.press("c")
        await settle(pilot)
        assert app.screen.rate == () and not list(app.screen.query(".rating"))
        await pilot.press("escape")
        store.add_activity("socks", at=NOW - timedelta(days=2))
        store.add_checkin(at=NOW - timedelta(days=1), pain=4, ratings=[("socks", 5)])
        app.refresh_home()
        await settle(pilot)
        await pilot.press("c")
        await settle(pilot)
        assert isinstance(app.screen, CheckinScreen) and app.screen.rate == ()


async def test_g_opens_the_charts_and_escape_comes_back(home) -> None:
    app, store = home
    store.add_checkin(at=NOW - timedelta(days=1), pain=4)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("g")
        await settle(pilot)
        assert isinstance(app.screen, ChartsScreen)
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)
