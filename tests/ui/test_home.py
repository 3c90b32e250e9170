"""The home screen headless: first-run safety questions, locks, check-in, history."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from textual.widgets import DataTable, Input, OptionList

from backroutine.audio import RecordingPlayer
from backroutine.core.history import HistoryStore
from backroutine.ui.app import make_app
from backroutine.ui.screens.checkin import CheckinScreen
from backroutine.ui.screens.home import HomeScreen
from backroutine.ui.screens.intro import IntroScreen
from backroutine.ui.screens.player import PlayerScreen
from backroutine.ui.screens.safety import SafetyScreen

from .conftest import FakeClock


@pytest.fixture
def home(tmp_path: Path):
    data = tmp_path / "data"
    store = HistoryStore.open(data)
    clock = FakeClock()
    app = make_app(store=store, data_dir=data, clock=clock, player=RecordingPlayer(clock=clock))
    yield app, store, clock
    store.close()


def text(app, selector: str) -> str:
    return str(app.screen.query_one(selector).render())


def option_texts(app) -> list[str]:
    options = app.screen.query_one("#routines", OptionList)
    return [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]


async def test_first_run_asks_the_safety_questions(home) -> None:
    app, store, _ = home
    async with app.run_test(size=(110, 36)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, SafetyScreen)
        await pilot.press("space")  # tick the first question (focused)
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        assert store.red_flags().yes == {"saddle_numbness"}
        assert "medical help today" in text(app, "#notice")


async def test_home_shows_locks_and_a_suggestion(home) -> None:
    app, store, _ = home
    store.save_red_flags([], at=datetime.now(UTC))
    async with app.run_test(size=(110, 36)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        texts = option_texts(app)
        assert any("Strengthening" in t and "locked" in t for t in texts)
        assert any("★ today" in t for t in texts)
        assert text(app, "#today").startswith("Today:")
        assert "No check-ins yet" in text(app, "#pain")


async def test_check_in_from_home(home) -> None:
    app, store, _ = home
    store.save_red_flags([], at=datetime.now(UTC))
    async with app.run_test(size=(110, 36)) as pilot:
        await pilot.pause()
        await pilot.press("c")
        await pilot.pause()
        assert isinstance(app.screen, CheckinScreen)
        await pilot.press("1", "2", "enter")  # 12 is refused
        assert isinstance(app.screen, CheckinScreen)
        assert "0 to 10" in text(app, "#checkin-error")
        app.screen.query_one("#pain", Input).value = "7"
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        assert [c.pain for c in store.checkins()] == [7]
        assert "Pain now: 7/10" in text(app, "#pain")


async def test_a_locked_routine_cannot_start(home) -> None:
    app, store, _ = home
    store.save_red_flags([], at=datetime.now(UTC))
    async with app.run_test(size=(110, 36)) as pilot:
        await pilot.pause()
        options = app.screen.query_one("#routines", OptionList)
        options.highlighted = options.get_option_index("mcgill-big-three")
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, IntroScreen)
        assert "Locked" in text(app, "#intro-locked")
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, IntroScreen) and app.session.state == "ready"
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)


async def test_unlocked_after_lessening(home) -> None:
    app, store, _ = home
    store.save_red_flags([], at=datetime.now(UTC))
    start = datetime.now(UTC) - timedelta(days=3)
    for day, pain in enumerate((8, 7, 5, 5)):
        store.add_checkin(at=start + timedelta(days=day), pain=pain)
    async with app.run_test(size=(110, 36)) as pilot:
        await pilot.pause()
        assert not any("locked" in t for t in option_texts(app))
        assert "unlocked" in text(app, "#unlock")


async def test_play_from_home_then_back_home_with_the_session(home) -> None:
    app, store, clock = home
    store.save_red_flags([], at=datetime.now(UTC))
    async with app.run_test(size=(110, 36)) as pilot:
        await pilot.pause()
        options = app.screen.query_one("#routines", OptionList)
        options.highlighted = options.get_option_index("desk-break")
        await pilot.press("enter")
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, PlayerScreen)
        clock.now += 50
        app.wake()
        await pilot.press("q", "y")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        (session,) = store.sessions()
        assert session.status == "stopped" and session.steps_done == 1
        assert app.screen.query_one("#recent", DataTable).row_count == 1


async def test_history_screen(home) -> None:
    app, store, _ = home
    store.save_red_flags([], at=datetime.now(UTC))
    store.add_checkin(at=datetime.now(UTC), pain=4, note="ok")
    async with app.run_test(size=(110, 36)) as pilot:
        await pilot.pause()
        await pilot.press("r")
        await pilot.pause()
        assert app.screen.query_one("#checkins", DataTable).row_count == 1
        assert "Pain trend" in text(app, "#charts")
        await pilot.press("escape")
        assert isinstance(app.screen, HomeScreen)


async def test_command_palette_opens(home) -> None:
    app, store, _ = home
    store.save_red_flags([], at=datetime.now(UTC))
    async with app.run_test(size=(110, 36)) as pilot:
        await pilot.pause()
        await pilot.press("ctrl+p")
        await pilot.pause()
        assert app.screen.__class__.__name__ == "CommandPalette"
        await pilot.press(*"check in", "enter")
        await pilot.pause()
        assert isinstance(app.screen, CheckinScreen)


async def test_every_home_key_and_a_tiny_terminal(home) -> None:
    app, store, _ = home
    store.save_red_flags([], at=datetime.now(UTC))
    async with app.run_test(size=(20, 5)) as pilot:
        for key in ("down", "up", "t", "escape", "r", "escape", "c", "escape", "s", "escape",
                    "x", "tab", "enter", "escape"):  # fmt: skip
            await pilot.press(key)
            await pilot.pause()
        await pilot.resize_terminal(120, 40)
        await pilot.pause()
        assert app.is_running


async def test_a_broken_user_routine_is_mentioned(home, tmp_path: Path) -> None:
    app, store, _ = home
    store.save_red_flags([], at=datetime.now(UTC))
    folder = app.data_dir / "routines"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "mine.yaml").write_text("name: Mine\ncategory: gentle\nsteps: [{name: A, hodl: 5}]\n")
    async with app.run_test(size=(110, 36)) as pilot:
        await pilot.pause()
        messages = [n.message for n in app._notifications]
        assert any("mine.yaml" in m and "backroutine validate" in m for m in messages)
