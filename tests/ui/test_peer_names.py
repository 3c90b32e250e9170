"""Another computer's name in the TUI (issue 20): a peer's device name full of terminal codes,
shown on the history screen (a correction it made says "on COMPUTER"), escaped, never as
codes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from backroutine.audio import RecordingPlayer
from backroutine.core.device import Device
from backroutine.core.history import HistoryStore
from backroutine.ui.app import make_app
from backroutine.ui.screens.home import HomeScreen

from .conftest import FakeClock, settle
from .test_hostile_text import screen_text

EVIL = "\x1b]0;pwned\x07\x1b[2J\x9b2J\u202eevil"
PEER = Device("c" * 32, "home")
ME = Device("a" * 32, "desk")


async def test_a_peer_s_name_with_codes_is_shown_escaped(tmp_path: Path) -> None:
    data = tmp_path / "data"
    now = datetime.now(UTC)
    with HistoryStore.open(data, device=ME) as mine:
        mine.add_checkin(at=now - timedelta(hours=2), pain=3)
        mine.save_red_flags([], at=now)
    with HistoryStore.open(data, device=PEER) as peer:
        uid = peer.checkins()[0].uid  # this computer's check-in, read through the merge
        peer.correct_checkin(uid, at=now - timedelta(hours=1), pain=4)
        peer._write("UPDATE meta SET value = ? WHERE key = 'device_name'", (EVIL,))
    store = HistoryStore.open(data, device=ME)
    clock = FakeClock()
    app = make_app(store=store, data_dir=data, clock=clock, player=RecordingPlayer(clock=clock))
    async with app.run_test(size=(110, 36)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)
        await pilot.press("r")
        await settle(pilot)
        shown = screen_text(app)
        assert "\\x1b]0;pwned\\x07" in shown and "\\u202eevil" in shown
        assert not any(code in shown for code in ("\x1b", "\x07", "\x9b", "\u202e"))
    store.close()
