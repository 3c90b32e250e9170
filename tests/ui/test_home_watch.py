"""The home screen follows the history on disk (issue 21, item 6): a check-in made by the CLI
in another process, or a file another computer wrote in a synced folder, appears without a
restart; the screen looks with stat calls in a worker every few seconds."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from backroutine.audio import RecordingPlayer
from backroutine.core.clock import local_now
from backroutine.core.history import HistoryStore
from backroutine.core.history.watch import change_marks
from backroutine.ui import screens
from backroutine.ui.app import make_app
from backroutine.ui.screens.home import HomeScreen

from .conftest import FakeClock, settle

SRC = Path(__file__).resolve().parents[2] / "src"


def shown(app, selector: str) -> str:
    return str(app.screen.query_one(selector).render())


async def until(pilot, condition, seconds: float = 10.0) -> bool:
    """Let the app run (its timers too) until `condition()` holds, or `seconds` pass."""
    for _ in range(int(seconds / 0.05)):
        await settle(pilot)
        if condition():
            return True
        await asyncio.sleep(0.05)
    return False


@pytest.fixture
def quick_watch(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(screens.home, "WATCH_SECONDS", 0.2)


async def test_a_cli_checkin_in_another_process_appears_on_home(
    data_dir: Path, quick_watch: None
) -> None:
    store = HistoryStore.open(data_dir)
    store.save_red_flags([], at=local_now())  # answered: no safety questions in the way
    clock = FakeClock()
    app = make_app(store=store, data_dir=data_dir, clock=clock, player=RecordingPlayer(clock=clock))
    try:
        async with app.run_test(size=(110, 40)) as pilot:
            await settle(pilot)
            assert "No check-ins yet" in shown(app, "#pain")
            env = os.environ | {"PYTHONPATH": str(SRC)}
            done = await asyncio.to_thread(
                subprocess.run,
                [sys.executable, "-m", "backroutine", "checkin", "--pain", "3"],
                env=env,
                capture_output=True,
                text=True,
            )
            assert done.returncode == 0, done.stderr
            assert await until(pilot, lambda: "Pain now: 3/10" in shown(app, "#pain"))
            assert isinstance(app.screen, HomeScreen)
    finally:
        store.close()


async def test_unchanged_history_is_not_read_again(data_dir: Path, quick_watch: None) -> None:
    store = HistoryStore.open(data_dir)
    store.save_red_flags([], at=local_now())
    reads = 0
    clock = FakeClock()
    app = make_app(store=store, data_dir=data_dir, clock=clock, player=RecordingPlayer(clock=clock))
    load = app.home_view

    def counted():
        nonlocal reads
        reads += 1
        return load()

    app.home_view = counted  # type: ignore[method-assign]
    try:
        async with app.run_test(size=(110, 40)) as pilot:
            await settle(pilot)
            await asyncio.sleep(1.0)  # five looks at the files
            await settle(pilot)
            assert reads == 1
            other = HistoryStore.open(data_dir)  # another program's connection
            other.add_checkin(at=local_now() - timedelta(minutes=1), pain=6)
            other.close()
            assert await until(pilot, lambda: "Pain now: 6/10" in shown(app, "#pain"))
            assert reads == 2
    finally:
        store.close()


def test_marks_change_with_a_write_and_with_another_computers_file(tmp_path: Path) -> None:
    single = tmp_path / "one"
    store = HistoryStore.open(single)
    before = change_marks(store.path)
    assert change_marks(store.path) == before  # nothing written: the same
    store.add_checkin(at=datetime(2026, 11, 1, 9, tzinfo=UTC), pain=4)
    assert change_marks(store.path) != before
    store.close()

    shared = tmp_path / "shared"
    (shared / "history").mkdir(parents=True)
    mine = shared / "history" / "aaaa.sqlite3"
    mine.write_bytes(b"")
    before = change_marks(mine)
    (shared / "history" / "bbbb.sqlite3").write_bytes(b"x")  # synced in from another computer
    assert change_marks(mine) != before
