"""The check-in dialog as a person sees it: every answer on screen, at the usual sizes."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from textual.widgets import RadioButton

from backroutine.audio import RecordingPlayer
from backroutine.core.history import HistoryStore
from backroutine.ui.app import make_app
from backroutine.ui.screens.checkin import CheckinScreen

from .conftest import FakeClock, settle


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
