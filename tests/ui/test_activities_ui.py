"""Activities named in the app (issue 21, item 6): added, renamed and removed (asked first)
from the charts' Function tab and from the check-in, through the use cases of
services/activities.py; each refusal is said under the field and nothing is saved."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from textual.widgets import Input

from backroutine.audio import RecordingPlayer
from backroutine.core.history import HistoryStore
from backroutine.ui.app import make_app
from backroutine.ui.screens.activities import ActivitiesScreen, ConfirmRemove
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


def names(store: HistoryStore) -> list[str]:
    return [a.name for a in store.activities()]


async def type_name(pilot, text: str) -> None:
    """Replace what the field holds and press Enter, as a person would."""
    field = pilot.app.screen.query_one("#activity-name", Input)
    field.value = text
    field.focus()
    await pilot.press("enter")
    await settle(pilot)


async def open_from_charts(pilot) -> None:
    await pilot.press("g")
    await settle(pilot)
    assert isinstance(pilot.app.screen, ChartsScreen)
    await pilot.press("f", "a")
    await settle(pilot)
    assert isinstance(pilot.app.screen, ActivitiesScreen)


async def test_added_from_the_charts_and_shown_at_home(home) -> None:
    app, store = home
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await open_from_charts(pilot)
        assert "None named yet" in str(app.screen.query_one("#activity-list").children[0].render())
        await type_name(pilot, "  putting on [b]socks[/b] ")
        assert names(store) == ["putting on [b]socks[/b]"]  # stripped, kept as typed
        rows = [str(r.render()) for r in app.screen.query(".activity-name")]
        assert rows == ["1. putting on [b]socks[/b]  (not rated yet)"]  # text, not markup
        assert app.screen.query_one("#activity-name", Input).value == ""
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, ChartsScreen)
        assert app.screen.charts is not None and app.screen.charts.function.named
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)
        assert "Function" in shown(app, "#function")
        assert app.screen.view is not None
        assert [a.name for a in app.screen.view.function.activities] == names(store)


@pytest.mark.parametrize(
    ("typed", "said"),
    [
        ("SOCKS", "'SOCKS' is already one of your activities."),
        ("   ", "An activity needs a name"),
        ("x" * 61, "at most 60 characters, not 61"),
        ("two\tparts", "one line without control characters"),
        ("bending", "You already have 3 activities"),
    ],
)
async def test_each_refusal_is_said_beside_the_field_and_nothing_saved(
    home, typed: str, said: str
) -> None:
    app, store = home
    for name in ("socks", "sitting", "walking"):
        store.add_activity(name, at=NOW - timedelta(days=1))
    if "is already" in said:
        store.remove_activity("walking", at=NOW - timedelta(hours=1))  # room for one more
    before = store.activities(include_removed=True)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await open_from_charts(pilot)
        await type_name(pilot, typed)
        assert isinstance(app.screen, ActivitiesScreen)
        assert said in shown(app, "#activity-message")
        assert app.screen.query_one("#activity-name", Input).value == typed  # kept to fix
        assert not app.screen.changed
    assert store.activities(include_removed=True) == before


async def test_renamed_with_its_past_ratings(home) -> None:
    app, store = home
    socks = store.add_activity("putting on sox", at=NOW - timedelta(days=3))
    store.add_activity("sitting", at=NOW - timedelta(days=3))
    store.add_checkin(at=NOW - timedelta(days=2), pain=5, ratings=[("putting on sox", 4)])
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await open_from_charts(pilot)
        await pilot.click("#rename-0")
        await settle(pilot)
        assert "New name for \u201cputting on sox\u201d" in shown(app, "#activity-label")
        assert app.screen.query_one("#activity-name", Input).value == "putting on sox"
        await type_name(pilot, "Sitting")  # another activity's name: refused
        assert "'Sitting' is already one of your activities" in shown(app, "#activity-message")
        assert names(store) == ["putting on sox", "sitting"]
        await type_name(pilot, "putting on socks")
        assert names(store) == ["putting on socks", "sitting"]
        assert "Add an activity:" in shown(app, "#activity-label")  # back to adding
    ratings = store.ratings()
    assert [(r.activity_id, r.activity, r.score) for r in ratings] == [
        (socks.id, "putting on socks", 4)
    ]


async def test_escape_while_renaming_goes_back_to_adding(home) -> None:
    app, store = home
    store.add_activity("socks", at=NOW - timedelta(days=1))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await open_from_charts(pilot)
        await pilot.click("#rename-0")
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, ActivitiesScreen)
        assert "Add an activity:" in shown(app, "#activity-label")
    assert names(store) == ["socks"]


async def test_removed_only_once_confirmed_and_its_ratings_kept(home) -> None:
    app, store = home
    store.add_activity("socks", at=NOW - timedelta(days=3))
    store.add_activity("sitting", at=NOW - timedelta(days=3))
    store.add_checkin(at=NOW - timedelta(days=2), pain=5, ratings=[("socks", 4)])
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await open_from_charts(pilot)
        await pilot.click("#remove-0")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmRemove)
        assert "Remove \u201csocks\u201d?" in shown(app, ".dialog-title")
        await pilot.press("enter")  # Enter alone is "Keep it"
        await settle(pilot)
        assert isinstance(app.screen, ActivitiesScreen)
        assert names(store) == ["socks", "sitting"]
        await pilot.click("#remove-0")
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        assert isinstance(app.screen, ActivitiesScreen)
        assert names(store) == ["sitting"]
        rows = [str(r.render()) for r in app.screen.query(".activity-name")]
        assert rows == ["1. sitting  (not rated yet)"]
    assert [(r.activity, r.score) for r in store.ratings()] == [("socks", 4)]


async def test_the_checkin_adds_an_activity_and_asks_its_rating_at_once(home) -> None:
    app, store = home
    store.add_activity("socks", at=NOW - timedelta(days=1))
    store.add_checkin(at=NOW - timedelta(days=1), pain=6, ratings=[("socks", 3)])
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("c")
        await settle(pilot)
        assert isinstance(app.screen, CheckinScreen)
        assert app.screen.rate == ()  # rated a day ago: not asked this week
        app.screen.query_one("#pain", Input).value = "4"
        await pilot.click("#add-activity")
        await settle(pilot)
        assert isinstance(app.screen, ActivitiesScreen)
        await type_name(pilot, "walking")
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, CheckinScreen)
        assert app.screen.rate == ("socks", "walking")
        assert app.screen.query_one("#pain", Input).value == "4"  # what was typed stays
        app.screen.query_one("#rate-1", Input).value = "5"
        app.screen.query_one("#pain", Input).focus()
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)
    assert [(r.activity, r.score) for r in store.ratings()] == [("socks", 3), ("walking", 5)]
    assert store.ratings()[-1].checkin_id == store.checkins()[-1].id


async def test_no_add_link_with_three_named_nor_on_a_read_only_history(home) -> None:
    app, store = home
    for name in ("socks", "sitting", "walking"):
        store.add_activity(name, at=NOW - timedelta(days=1))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("c")
        await settle(pilot)
        assert not list(app.screen.query("#add-activity"))
        await pilot.press("escape")
        store.read_only = "a read-only disk"
        await pilot.press("c")
        await settle(pilot)
        assert isinstance(app.screen, CheckinScreen) and app.screen.edit is None
        await pilot.press("escape")
        await pilot.press("g")
        await settle(pilot)
        await pilot.press("a")
        await settle(pilot)
        assert isinstance(app.screen, ChartsScreen)  # nothing to change here
