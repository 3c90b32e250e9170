"""`backroutine breaks`: the plain reminder with a fake clock and scripted keys, and its
arguments; the TUI break screen headless."""

from __future__ import annotations

import io
from datetime import UTC, datetime
from pathlib import Path

import pytest

from backroutine.cli.break_runner import PlainBreaks
from backroutine.core.breaks import BreakTimer
from backroutine.core.history import HistoryStore
from backroutine.core.loading import load_text
from fakes import FakeClock, ScriptedKeys


@pytest.fixture
def quick(tmp_path: Path):
    return load_text("name: Tiny break\ncategory: gentle\nsteps: [{name: Stand, duration: 1s}]\n",
                     path=tmp_path / "tiny-break.yaml")  # fmt: skip


def run(tmp_path: Path, quick, script: list[tuple[float, str]]):
    clock = FakeClock()
    timer = BreakTimer(60, clock=clock, wall=clock.wall)
    store = HistoryStore.open(tmp_path / "data")
    out = io.StringIO()
    PlainBreaks(
        timer,
        quick,
        store,
        keys=ScriptedKeys(clock, script, interactive=True),
        clock=clock,
        out=out,
    ).run()
    outcomes = [b.outcome for b in store.breaks()]
    sessions = store.sessions()
    store.close()
    return out.getvalue(), outcomes, sessions, timer


def test_snooze_skip_and_take(tmp_path: Path, quick) -> None:
    # due at 60 s: snooze 5 min; due at 361: skip; due at 422: take it (plays the routine)
    script = [(61, "5"), (362, "s"), (423, "\n"), (485, "q")]
    out, outcomes, sessions, timer = run(tmp_path, quick, script)
    assert out.count("Time for a break") == 4  # the fourth, a minute after the taken one, gets q
    assert "Snoozed for 5 minutes." in out and "Skipped." in out
    assert "Stand: MOVE for 1s" in out  # the routine played
    assert outcomes == ["snoozed", "skipped", "taken"]
    assert sessions[0].routine_name == "Tiny break" and sessions[0].status == "completed"
    assert (timer.counts.taken, timer.counts.skipped, timer.counts.snoozed) == (1, 1, 1)


def test_a_long_wait_fires_one_break_not_a_pile(tmp_path: Path, quick) -> None:
    out, outcomes, _, _ = run(tmp_path, quick, [(3000, "s"), (3001, "q")])
    assert out.count("Time for a break") == 1
    assert outcomes == ["skipped"]


def test_pause_and_break_now(tmp_path: Path, quick) -> None:
    out, outcomes, _, _ = run(
        tmp_path, quick, [(10, "p"), (500, "p"), (501, "b"), (502, "s"), (503, "q")]
    )
    assert "Paused" in out and "Resumed" in out
    assert out.count("Time for a break") == 1  # only the one asked for: paused time did not count
    assert outcomes == ["skipped"]


@pytest.mark.parametrize(("args", "message"), [
    (["--every", "5s"], "too short"), (["--every", "soon"], "not a duration"),
    (["--hours", "25-3"], "--hours"), (["--routine", "nope"], "no routine"),
])  # fmt: skip
def test_bad_arguments(cli, args: list[str], message: str) -> None:
    result = cli("breaks", "--plain", *args)
    assert result.code in (1, 2) and message in result.err


async def test_the_break_screen(tmp_path: Path, quick) -> None:
    from backroutine.audio import RecordingPlayer
    from backroutine.ui.app import make_app
    from backroutine.ui.screens.breaks import BreakDue, BreakScreen
    from backroutine.ui.screens.intro import IntroScreen

    clock = FakeClock()
    timer = BreakTimer(60, clock=clock, wall=clock.wall)
    store = HistoryStore.open(tmp_path / "data")
    app = make_app(store=store, clock=clock, breaks=timer, break_routine=quick,
                   player=RecordingPlayer(clock=clock))  # fmt: skip
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, BreakScreen)
        clock.now += 61
        screen.look()
        await pilot.pause()
        assert isinstance(app.screen, BreakDue)
        await pilot.press("1")  # snooze 10 minutes
        await pilot.pause()
        assert isinstance(app.screen, BreakScreen) and 599 <= timer.remaining() <= 600
        await pilot.press("b", "enter")  # a break now: the routine's intro
        await pilot.pause()
        assert isinstance(app.screen, IntroScreen)
        await pilot.press("escape")  # changed my mind
        await pilot.pause()
        assert isinstance(app.screen, BreakScreen)
    assert [b.outcome for b in store.breaks()] == ["snoozed", "skipped"]
    store.close()


def test_breaks_in_history_and_stats(cli, data_dir: Path) -> None:
    import csv
    import json

    store = HistoryStore.open(data_dir)
    store.add_break(at=datetime.now(UTC), outcome="taken", routine_id="desk-break", minutes=2.8)
    store.add_break(at=datetime.now(UTC), outcome="skipped", routine_id="desk-break")
    store.close()
    data = json.loads(cli("history", "--json").out)
    assert [b["outcome"] for b in data["breaks"]] == ["skipped", "taken"]  # newest first
    rows = list(csv.DictReader(io.StringIO(cli("history", "--csv").out)))
    assert [r["outcome"] for r in rows if r["type"] == "break"] == ["taken", "skipped"]
    stats = json.loads(cli("stats", "--json").out)
    assert stats["breaks"]["this_week"] == {"taken": 1, "skipped": 1, "snoozed": 0}
    assert "Desk breaks this week: 1 taken, 1 skipped" in cli("stats").out


def test_a_break_routine_held_by_the_safety_rules_is_not_played(tmp_path: Path, quick) -> None:
    # An emergency answer given while the reminders run (from another terminal): the break is
    # offered, but the routine is not played, and the person is told why.
    store = HistoryStore.open(tmp_path / "data")
    store.save_red_flags(["both_legs"], at=datetime.now().astimezone())
    store.close()
    out, outcomes, sessions, _ = run(tmp_path, quick, [(61, "\n"), (125, "q")])
    assert "Not now: Every routine is on hold" in out and "Get emergency help now" in out
    assert sessions == [] and outcomes == []


def test_breaks_refuses_a_locked_routine_at_the_start(cli) -> None:
    result = cli("breaks", "--plain", "--routine", "mcgill-big-three")
    assert result.code == 3 and "cannot be played now" in result.err


def test_without_a_keyboard_breaks_go_on_after_the_first(tmp_path: Path, quick) -> None:
    # Plain mode in a log: nobody answers, so each break is announced and the next one comes
    # (it used to stop after the first).
    clock = FakeClock()
    timer = BreakTimer(60, clock=clock, wall=clock.wall)
    store = HistoryStore.open(tmp_path / "data")
    out = io.StringIO()
    keys = ScriptedKeys(clock, [(400, "q")], interactive=False)
    PlainBreaks(timer, quick, store, keys=keys, clock=clock, out=out).run()
    store.close()
    assert out.getvalue().count("Time for a break") >= 5
