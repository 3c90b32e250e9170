"""The check-in dialog as a person sees it: every answer on screen, at the usual sizes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from textual.widgets import RadioButton, RadioSet, Static

from backroutine.audio import RecordingPlayer
from backroutine.core.history import HistoryStore
from backroutine.ui.app import make_app
from backroutine.ui.screens.checkin import CheckinScreen
from backroutine.ui.screens.home import HomeScreen

from .conftest import FakeClock, burst, settle


@pytest.fixture
def home(tmp_path: Path):
    data = tmp_path / "data"
    store = HistoryStore.open(data)
    store.save_red_flags([], at=datetime.now(UTC))
    clock = FakeClock()
    app = make_app(store=store, data_dir=data, clock=clock, player=RecordingPlayer(clock=clock))
    yield app, store
    store.close()


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
async def test_every_spasm_answer_is_on_screen(home, size: tuple[int, int]) -> None:
    app, _ = home
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        await pilot.press("c")
        await settle(pilot)
        assert isinstance(app.screen, CheckinScreen)
        dialog = app.screen.query_one("#checkin")
        buttons = list(app.screen.query("#spasms RadioButton").results(RadioButton))
        labels = [str(b.label) for b in buttons]
        assert labels == ["not sure", "fewer", "same", "more"]
        for button in buttons:
            region = button.region
            # Drawn whole, inside the dialog and the terminal: not pushed off to the right.
            assert region.width >= len(str(button.label)) + 4, (button.label, region)
            assert dialog.region.contains_region(region), (button.label, region)
            assert app.screen.region.contains_region(region), (button.label, region)


def days_ago(days: int) -> datetime:
    return datetime.now().astimezone() - timedelta(days=days)


async def open_checkin(pilot, app) -> CheckinScreen:
    await settle(pilot)
    await pilot.press("c")
    await settle(pilot)
    assert isinstance(app.screen, CheckinScreen)
    return app.screen


@pytest.mark.parametrize(("new_bout", "saved"), [(False, False), (True, True)])
async def test_after_a_long_gap_it_asks_same_pain_or_a_new_bout(
    home, new_bout: bool, saved: bool
) -> None:
    app, store = home
    store.add_checkin(at=days_ago(29), pain=2)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_checkin(pilot, app)
        question = screen.query_one("#episode-question", Static)
        assert "29 days ago" in str(question.render())
        assert "same back pain, or a new bout" in str(question.render())
        same = screen.query_one("#episode-same", RadioButton)
        new = screen.query_one("#episode-new", RadioButton)
        assert same.value and not new.value  # the default, shown selected
        # All of it on an 80x24 screen without scrolling: the default is seen.
        for widget in (question, same, new):
            assert app.screen.region.contains_region(widget.region), widget
        if new_bout:
            new.value = True
        burst(app, "6", "enter")
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)
    latest = store.checkins()[-1]
    assert (latest.pain, latest.new_episode) == (6, saved)


@pytest.mark.parametrize("ago", [None, 0, 28])
async def test_no_new_bout_question_within_28_days_or_on_the_first_checkin(
    home, ago: int | None
) -> None:
    app, store = home
    if ago is not None:
        store.add_checkin(at=days_ago(ago), pain=4)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_checkin(pilot, app)
        assert not screen.query("#episode") and not screen.query("#episode-question")
        burst(app, "3", "enter")
        await settle(pilot)
    assert store.checkins()[-1].new_episode is False


async def test_the_new_bout_choice_by_keys(home) -> None:
    app, store = home
    store.add_checkin(at=days_ago(40), pain=1)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_checkin(pilot, app)
        screen.query_one("#episode", RadioSet).focus()
        await pilot.press("right", "enter")  # move to "a new bout", select it
        assert screen.query_one("#episode-new", RadioButton).value
        screen.query_one("#pain").focus()
        burst(app, "7", "enter")
        await settle(pilot)
    assert store.checkins()[-1].new_episode is True
