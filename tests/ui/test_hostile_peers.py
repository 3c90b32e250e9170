"""The home screen headless in a synced folder whose other files are hostile (issue 20): it
shows this computer's emergency and pain as without them, and opens quickly."""

from __future__ import annotations

import time
from datetime import timedelta
from pathlib import Path

import hostile_peers as peers
from backroutine.audio import RecordingPlayer
from backroutine.core.history import HistoryStore
from backroutine.ui.app import make_app
from backroutine.ui.screens.home import HomeScreen

from .conftest import FakeClock, settle


async def test_the_home_screen_keeps_this_computer_s_emergency_and_pain(
    tmp_path: Path,
) -> None:
    data = tmp_path / "data"
    (data / "history").mkdir(parents=True)
    with HistoryStore.open(data) as store:
        store.add_checkin(at=peers.NOW - timedelta(hours=1), pain=8, spasms="more")
        store.save_red_flags(["saddle_numbness"], at=peers.NOW - timedelta(minutes=30))
        own = store.path
    for make in (peers.future_answers, peers.future_checkins, peers.broken_rows,
                 peers.endless_view, peers.trigger):  # fmt: skip
        make(data)
    peers.collisions(data, own)
    started = time.monotonic()
    store = HistoryStore.open(data)
    clock = FakeClock(wall_start=peers.NOW)
    app = make_app(store=store, data_dir=data, clock=clock, player=RecordingPlayer(clock=clock))
    try:
        async with app.run_test(size=(110, 36)) as pilot:
            await settle(pilot)
            assert isinstance(app.screen, HomeScreen)
            assert time.monotonic() - started < 15
            panel = app.screen.query_one("#advice")
            assert panel.has_class("emergency") and panel.display
            assert "Every routine is on hold" in str(panel.render())
            pain = str(app.screen.query_one("#pain").render())
            assert "Pain now: 8/10" in pain
    finally:
        store.close()
