"""Untrusted text through every screen: what a routine file or the history says is shown as it
is, never run as markup (a crash, a click that writes files) and never as terminal codes."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

from textual.widgets import DataTable, OptionList, Static

from backroutine.audio import RecordingPlayer
from backroutine.core.history import DB_NAME, HistoryStore
from backroutine.core.loading import load_text
from backroutine.ui.app import make_app
from backroutine.ui.screens.ending import SummaryScreen
from backroutine.ui.screens.home import HomeScreen
from backroutine.ui.screens.intro import IntroScreen
from backroutine.ui.screens.player import PlayerScreen

from .conftest import FakeClock, settle, wake

CLICK = "[@click=app.screenshot('victim.txt','{dir}')]CLICK[/]"
HOSTILE = """\
name: "Stretch [/] ease [b]"
category: gentle
summary: "[link=https://evil.example]x[/link] [/] {click}"
description: "A [/] description [b]"
cautions: ["[@click=app.quit]quit[/]"]
equipment: ["[/]"]
defaults: {{get_ready: 0}}
steps:
  - name: "Step [/] one"
    instructions: "Do [/] this"
    duration: 3s
    cues: [{{at: 1s, say: "cue [/] now"}}]
  - name: "[bold]Hold"
    hold: 2s
"""


def screen_text(app) -> str:
    """Every Static's and table cell's text on the current screen, as shown."""
    parts = [str(w.render()) for w in app.screen.query(Static)]
    for table in app.screen.query(DataTable):
        for row in range(table.row_count):
            parts += [str(cell) for cell in table.get_row_at(row)]
    for options in app.screen.query(OptionList):
        parts += [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]
    return "\n".join(parts)


async def test_a_hostile_routine_plays_and_shows_its_text_as_text(tmp_path: Path) -> None:
    victim = tmp_path / "victim.txt"
    victim.write_text("keep me")
    click = CLICK.format(dir=tmp_path)
    routine = load_text(HOSTILE.format(click=click), path=tmp_path / "hostile.yaml")
    store = HistoryStore.open(tmp_path / "data")
    clock = FakeClock()
    app = make_app(store=store, routine=routine, clock=clock, player=RecordingPlayer(clock=clock))
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, IntroScreen)
        shown = screen_text(app)
        assert "Stretch [/] ease [b]" in shown
        assert f"[link=https://evil.example]x[/link] [/] {click}" in shown
        assert "A [/] description [b]" in shown and "[@click=app.quit]quit[/]" in shown
        await pilot.click("#intro-summary")  # a link or click there would run: it is text
        await pilot.click("#intro-name")
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, PlayerScreen)
        clock.now += 1.5
        wake(app)
        await settle(pilot)
        shown = screen_text(app)
        assert "Step [/] one" in shown and "Do [/] this" in shown and "cue [/] now" in shown
        assert "[bold]Hold" in shown  # the next step
        for _ in range(10):
            clock.now += 1
            wake(app)
        await settle(pilot)
        assert isinstance(app.screen, SummaryScreen)
        assert "Stretch [/] ease [b]" in screen_text(app)
        await pilot.press("enter")
    store.close()
    assert victim.read_text() == "keep me"


async def test_home_history_and_palette_with_hostile_history(tmp_path: Path) -> None:
    data = tmp_path / "data"
    store = HistoryStore.open(data)
    now = datetime.now(UTC)
    session = store.start_session(
        routine_id="x", routine_name="Stretch [/] ease", category="gentle", steps_total=1,
        started_at=now - timedelta(hours=2),
    )  # fmt: skip
    store.finish_session(session, status="completed", steps_done=1, active_seconds=60, at=now)
    store.add_checkin(at=now - timedelta(hours=1), pain=3, note="after [/] gardening")
    store.save_red_flags([], at=now)  # answered after the first check-in: not due again
    # What an older version, or a hand-edited file, may hold: terminal codes in the history.
    with sqlite3.connect(data / DB_NAME) as db:
        db.execute(
            "UPDATE sessions SET routine_name = ? WHERE id = ?", ("\x1b]0;pwned\x07Evil", session)
        )
        db.execute("UPDATE checkins SET note = ?", ("x\x1b[2Jy [/] \x9b2J \u202eevil",))
    folder = data / "routines"
    folder.mkdir()
    (folder / "mine.yaml").write_text(
        'name: "Mine [/] [@click=app.quit]q[/]"\ncategory: gentle\n'
        'summary: "[/] summary"\nsteps: [{name: A, duration: 5s}]\n'
    )
    clock = FakeClock()
    app = make_app(store=store, data_dir=data, clock=clock, player=RecordingPlayer(clock=clock))
    async with app.run_test(size=(110, 36)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)
        shown = screen_text(app)
        assert "\\x1b]0;pwned\\x07Evil" in shown and "\x1b" not in shown
        assert "Mine [/] [@click=app.quit]q[/]" in shown
        options = app.screen.query_one("#routines", OptionList)
        options.highlighted = options.get_option_index("mine")
        await settle(pilot)
        assert "[/] summary" in str(app.screen.query_one("#routine-info").render())
        await pilot.press("r")
        await settle(pilot)
        shown = screen_text(app)
        assert "x\\x1b[2Jy [/] \\x9b2J \\u202eevil" in shown
        assert "\x1b" not in shown and "\x9b" not in shown and "\u202e" not in shown
        await pilot.press("escape")
        await pilot.press("ctrl+p")
        await settle(pilot)
        await pilot.press(*"mine")
        await pilot.pause(0.3)
        assert app.is_running
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)
    store.close()
