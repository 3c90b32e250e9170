"""A pain score is what was typed, in the order it was typed: keys are posted to the app back
to back, as a fast typist or a paste over SSH sends them (Textual issue #6605: its Input runs
Backspace and Enter after printable keys typed just after them)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from textual import events
from textual.widgets import Static

from backroutine.audio import RecordingPlayer
from backroutine.core.history import HistoryStore
from backroutine.ui.app import make_app
from backroutine.ui.pain import PainInput
from backroutine.ui.screens.checkin import CheckinScreen
from backroutine.ui.screens.ending import HurtScreen, SummaryScreen
from backroutine.ui.screens.home import HomeScreen

from .conftest import FakeClock, Rig, burst, settle


@pytest.fixture
def home(tmp_path: Path):
    data = tmp_path / "data"
    store = HistoryStore.open(data)
    store.save_red_flags([], at=datetime.now(UTC))
    clock = FakeClock()
    app = make_app(store=store, data_dir=data, clock=clock, player=RecordingPlayer(clock=clock))
    yield app, store
    store.close()


def shown(app, selector: str) -> str:
    return str(app.screen.query_one(selector, Static).render())


async def open_checkin(pilot, app) -> CheckinScreen:
    await settle(pilot)
    await pilot.press("c")
    await settle(pilot)
    assert isinstance(app.screen, CheckinScreen)
    return app.screen


async def finish(rig: Rig, pilot) -> None:
    """Play the rig's routine to its end: the summary with its pain question."""
    await pilot.press("enter")
    await settle(pilot)
    while rig.session.state != "finished":
        rig.advance(0.5)
    await settle(pilot)
    assert isinstance(rig.app.screen, SummaryScreen)


async def test_a_burst_on_the_checkin_saves_what_was_typed_last(home) -> None:
    app, store = home
    async with app.run_test(size=(80, 24)) as pilot:
        await open_checkin(pilot, app)
        burst(app, "7", "backspace", "4", "enter")
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)
    assert [c.pain for c in store.checkins()] == [4]


async def test_a_burst_on_the_summary_saves_3_and_keeps_the_app_open(rig) -> None:
    async with rig.app.run_test(size=(80, 24)) as pilot:
        await finish(rig, pilot)
        hint = rig.app.screen.query_one("#summary-hint")
        assert not hint.display  # Enter answers the question: "Press Enter to close" waits
        # 12 is refused, cleared, then 3 is given: all before the app has looked at any key.
        burst(rig.app, "1", "2", "enter", "backspace", "backspace", "3", "enter")
        await settle(pilot)
        assert rig.app.is_running and isinstance(rig.app.screen, SummaryScreen)
        assert [c.pain for c in rig.store.checkins()] == [3]
        assert "Saved: pain 3." in shown(rig.app, "#after-result")
        assert hint.display
        await pilot.press("enter")  # now Enter closes it (played from the command line: out)
        await settle(pilot)
        assert not rig.app.is_running
    assert [c.pain for c in rig.store.checkins()] == [3]


async def test_a_burst_after_this_hurts_saves_what_was_typed_last(rig) -> None:
    async with rig.app.run_test(size=(80, 24)) as pilot:
        await pilot.press("enter")
        await settle(pilot)
        rig.advance(2)
        await pilot.press("h")
        await settle(pilot)
        assert isinstance(rig.app.screen, HurtScreen)
        burst(rig.app, "8", "backspace", "6", "enter")
        await settle(pilot)
        assert "Saved: pain 6." in shown(rig.app, "#after-result")
    assert [c.pain for c in rig.store.checkins()] == [6]


async def test_an_empty_enter_never_skips_a_question_being_answered(rig) -> None:
    async with rig.app.run_test(size=(80, 24)) as pilot:
        await finish(rig, pilot)
        burst(rig.app, "5", "backspace", "enter", "enter")
        await settle(pilot)
        assert rig.app.is_running and isinstance(rig.app.screen, SummaryScreen)
        message = shown(rig.app, "#pain-question .pain-message")
        assert message == "Please type a whole number from 0 to 10."
        assert "Esc" in shown(rig.app, "#after-hint")  # the way to skip is on the screen
        await pilot.press("escape")  # skipping, said so: nothing saved
        await settle(pilot)
        assert not rig.app.is_running
    assert rig.store.checkins() == []


async def test_enter_on_the_untouched_question_skips_it(rig) -> None:
    async with rig.app.run_test(size=(80, 24)) as pilot:
        await finish(rig, pilot)
        burst(rig.app, "enter")
        await settle(pilot)
        assert not rig.app.is_running
    assert rig.store.checkins() == []


async def test_an_empty_enter_on_the_checkin_asks_for_the_pain(home) -> None:
    app, store = home
    async with app.run_test(size=(80, 24)) as pilot:
        await open_checkin(pilot, app)
        burst(app, "enter")
        await settle(pilot)
        assert isinstance(app.screen, CheckinScreen)
        assert shown(app, "#pain-field .pain-message") == (
            "Please type a whole number from 0 to 10."
        )
    assert store.checkins() == []


@pytest.mark.parametrize("typed", ["١٠", "10.0", " 10", "+5", "100", "11", "-1", "1 0"])
async def test_what_is_not_0_to_10_is_refused_beside_the_field(home, typed: str) -> None:
    app, store = home
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_checkin(pilot, app)
        burst(app, *[("space" if c == " " else c) for c in typed], "enter")
        await settle(pilot)
        assert app.screen is screen  # still open
        field = screen.query_one("#pain", PainInput)
        assert field.value == typed  # shown as typed: nothing dropped, nothing added
        message = screen.query_one("#pain-field .pain-message", Static)
        assert str(message.render()) == f"\u201c{typed}\u201d is not a whole number from 0 to 10."
        # Right under the field, and on an 80x24 screen.
        assert message.region.y == field.region.bottom
        assert app.screen.region.contains_region(message.region)
        assert message.region.width >= len(str(message.render()))
    assert store.checkins() == []


async def test_a_pasted_score_is_typed_in_not_submitted(home) -> None:
    app, store = home
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_checkin(pilot, app)
        app.post_message(events.Paste("10\n"))
        burst(app, "enter")
        await settle(pilot)
        assert app.screen is not screen
    assert [c.pain for c in store.checkins()] == [10]


async def test_keys_after_enter_do_not_change_the_answer(home) -> None:
    app, store = home
    async with app.run_test(size=(80, 24)) as pilot:
        await open_checkin(pilot, app)
        burst(app, "3", "enter", "backspace", "9")
        await settle(pilot)
    assert [c.pain for c in store.checkins()] == [3]
