"""The TUI with no history at all (it could not be opened): it reads as a first run, records
nothing, asks for no answers it cannot keep, and says so rather than losing them silently."""

from __future__ import annotations

from pathlib import Path

from backroutine.audio import RecordingPlayer
from backroutine.services.checkins import NOT_WRITABLE
from backroutine.services.history import NOT_OPENED_NOTICE, NoHistory
from backroutine.ui.app import make_app
from backroutine.ui.screens.home import HomeScreen
from backroutine.ui.screens.safety import SafetyScreen

from .conftest import FakeClock, settle


async def test_without_a_history_the_safety_answers_are_not_lost_silently(tmp_path: Path) -> None:
    clock = FakeClock()
    app = make_app(store=None, data_dir=tmp_path, clock=clock, player=RecordingPlayer(clock=clock))
    assert isinstance(app.store, NoHistory)
    async with app.run_test(size=(110, 36)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)  # not asked by themselves: nothing is kept
        notice = str(app.screen.query_one("#notice").render())
        assert NOT_OPENED_NOTICE in notice
        await pilot.press("s")
        await settle(pilot)
        assert isinstance(app.screen, SafetyScreen)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)
        assert NOT_WRITABLE in [n.message for n in app._notifications]
