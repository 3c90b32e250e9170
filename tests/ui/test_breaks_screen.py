"""The desk-break screen idles (issue 13): whole minutes while the break is more than a minute
away, seconds in the last minute, and one timer to the next change of what it shows, on the
app's clock. Headless, with a fake clock; the screen's timers are recorded, not waited for."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from textual.timer import Timer
from textual.widgets import Digits, Static

from backroutine.audio import RecordingPlayer
from backroutine.core.breaks import BreakTimer
from backroutine.core.history import HistoryStore
from backroutine.core.loading import load_text
from backroutine.ui.app import make_app
from backroutine.ui.screens.breaks import BreakDue, BreakScreen, countdown, until_change
from fakes import FakeClock


@pytest.mark.parametrize(("remaining", "shown", "change"), [
    (3000.0, ("50", "minutes"), 60.0),
    (2999.5, ("50", "minutes"), 59.5),
    (2940.0, ("49", "minutes"), 60.0),
    (120.0, ("2", "minutes"), 60.0),
    (60.5, ("2", "minutes"), 0.5),
    (60.0, ("1:00", ""), 1.0),
    (59.25, ("1:00", ""), 0.25),
    (59.0, ("0:59", ""), 1.0),
    (0.5, ("0:01", ""), 0.5),
    (0.0, ("0:00", ""), None),
])  # fmt: skip
def test_minutes_then_seconds(
    remaining: float, shown: tuple[str, str], change: float | None
) -> None:
    assert countdown(remaining) == shown
    assert until_change(remaining) == (None if change is None else pytest.approx(change))


@pytest.fixture
def rig(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """The app in break mode, its timer 50 minutes; the screen's timers are recorded and kept
    dormant, and a polling interval fails the test."""
    clock = FakeClock()
    timer = BreakTimer(50 * 60, clock=clock, wall=clock.wall)
    store = HistoryStore.open(tmp_path / "data")
    routine = load_text("name: Tiny break\ncategory: gentle\nsteps: [{name: Stand, duration: 1s}]\n",
                        path=tmp_path / "tiny-break.yaml")  # fmt: skip
    app = make_app(store=store, clock=clock, now=clock.wall, breaks=timer, break_routine=routine,
                   player=RecordingPlayer(clock=clock))  # fmt: skip
    delays: list[float] = []
    real_set_timer, real_set_interval = BreakScreen.set_timer, BreakScreen.set_interval

    def ours(callback: Callable[..., Any]) -> bool:  # not one of Textual's own timers
        return getattr(callback, "__module__", "").startswith("backroutine")

    def set_timer(self: BreakScreen, delay: float, callback: Any = None, **kw: Any) -> Timer:
        if not ours(callback):
            return real_set_timer(self, delay, callback, **kw)
        delays.append(delay)
        return real_set_timer(self, 3600.0, callback, **kw)  # never fires during the test

    def set_interval(self: BreakScreen, interval: float, callback: Any = None, **kw: Any) -> Timer:
        assert not ours(callback), "the break screen must not poll"
        return real_set_interval(self, interval, callback, **kw)

    monkeypatch.setattr(BreakScreen, "set_timer", set_timer)
    monkeypatch.setattr(BreakScreen, "set_interval", set_interval)
    yield app, clock, timer, delays
    store.close()


def shown(screen: BreakScreen) -> tuple[str, str, str]:
    return (
        str(screen.query_one("#breaks-label", Static).content),
        screen.query_one("#breaks-countdown", Digits).value,
        str(screen.query_one("#breaks-unit", Static).content),
    )


async def test_the_screen_wakes_once_a_minute_then_each_second(rig) -> None:
    app, clock, timer, delays = rig
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, BreakScreen)
        # The wall time of the break comes from the app's clock (10:00 + 50 min), not the machine's.
        assert shown(screen) == ("Next break at 10:50, in", "50", "minutes")
        assert screen.wake_in == pytest.approx(60.0)
        assert delays and delays[-1] == pytest.approx(60.0, abs=0.01)

        # A look in between (a key, a resumed screen) sleeps to the next minute's boundary.
        clock.now += 10.5
        screen.look()
        assert screen.wake_in == pytest.approx(49.5) and shown(screen)[1:] == ("50", "minutes")

        # Follow the screen's own timer to the break, counting its wakes.
        seen: list[tuple[float, str, str]] = []
        wakes = 0
        while isinstance(app.screen, BreakScreen):
            assert screen.wake_in is not None
            clock.now += screen.wake_in
            screen.look()
            wakes += 1
            seen.append((round(clock.now - 1000.0, 3), *shown(screen)[1:]))
            assert wakes < 200
        await pilot.pause()
        assert isinstance(app.screen, BreakDue)
        assert clock.now - 1000.0 == pytest.approx(3000.0)
        # 48 minute marks (49 down to 2 minutes), then 1:00 ... 0:01, then the break.
        assert wakes == 48 + 60 + 1
        assert seen[0] == (60.0, "49", "minutes")
        assert seen[47] == (2880.0, "2", "minutes")
        assert seen[48] == (2940.0, "1:00", "")
        assert seen[49] == (2941.0, "0:59", "")
        assert seen[-2] == (2999.0, "0:01", "")
        assert timer.due()


async def test_paused_and_outside_the_minutes_it_wakes_only_as_the_timer_asks(rig) -> None:
    app, clock, timer, _ = rig
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, BreakScreen)
        clock.now += 20
        await pilot.press("p")
        assert timer.paused
        label, value, unit = shown(screen)
        assert label.startswith("Paused") and (value, unit) == ("50", "minutes")
        assert screen.wake_in == pytest.approx(60.0)  # the timer's own look, once a minute
        clock.now += 60
        screen.look()
        assert shown(screen)[1] == "50" and screen.wake_in == pytest.approx(60.0)
        await pilot.press("p")  # 49:40 left: the next change is at 49:00
        assert screen.wake_in == pytest.approx(40.0)
        assert shown(screen)[0] == "Next break at 10:51, in"  # 10:01:20 + 49:40


async def test_the_footer_says_resume_while_the_reminders_are_paused(rig) -> None:
    from textual.widgets._footer import FooterKey

    app, _clock, timer, _ = rig
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()

        def p_label() -> str:
            (key,) = [k for k in app.screen.query(FooterKey) if k.key == "p"]
            return key.description

        assert p_label() == "Pause"
        await pilot.press("p")
        await pilot.pause()
        assert timer.paused and p_label() == "Resume"
        await pilot.press("p")
        await pilot.pause()
        assert not timer.paused and p_label() == "Pause"
