"""Keys doing what they say, the right sounds at the right moments, every session recorded."""

from __future__ import annotations

from textual.widgets import Digits

from backroutine.audio import RecordingPlayer
from backroutine.ui.screens.dialogs import ConfirmQuit, HelpScreen
from backroutine.ui.screens.ending import HurtScreen, SummaryScreen
from backroutine.ui.screens.intro import IntroScreen
from backroutine.ui.screens.player import PlayerScreen
from backroutine.ui.screens.safety import SafetyScreen

from .conftest import settle


def text_of(app, selector: str) -> str:
    return str(app.screen.query_one(selector).render())


async def test_intro_then_enter_starts(rig) -> None:
    async with rig.app.run_test(size=(100, 30)) as pilot:
        assert isinstance(rig.app.screen, IntroScreen)
        assert "Test flow" in text_of(rig.app, "#intro-name")
        assert "Stop if pain becomes sharp." in text_of(rig.app, "#intro-cautions")
        assert "0:" in text_of(rig.app, "#intro-facts")
        assert rig.session.state == "ready" and rig.rows() == []
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(rig.app.screen, PlayerScreen)
        assert text_of(rig.app, "#step-name") == "Walk"
        assert text_of(rig.app, "#phase") == "MOVE"
        assert rig.app.screen.query_one("#countdown", Digits).value == "0:05"
        (row,) = rig.rows()
        assert row.status == "interrupted"  # the row exists from the first segment
        assert rig.played() == [(0.0, "start")]


async def test_the_whole_routine_sounds_and_records(rig) -> None:
    async with rig.app.run_test(size=(100, 30)) as pilot:
        await pilot.press("enter")
        await settle(pilot)
        for _ in range(100):
            if rig.session.state == "finished":
                break
            rig.advance(0.5)
        await settle(pilot)
        await settle(pilot)
        assert rig.session.state == "finished", rig.session.position
        assert isinstance(rig.app.screen, SummaryScreen)
        names = [name for _, name in rig.played()]
        assert names[0] == "start" and names[-1] == "bell"
        timeline = rig.played()
        # walk 0-5, get ready 5-8 (ticks at 6, 7), twist L 8-14 (cue at 11), rest 14-18
        # (side change, ticks 15-17), twist R 18-24 (cue 21), get ready 24-27, reps 27-33
        assert (5.0, "rest") not in timeline
        assert (5.0, "start") in timeline  # the get-ready segment starts
        assert (6.0, "tick") in timeline and (7.0, "tick") in timeline
        assert (8.0, "start") in timeline
        assert (11.0, "chime") in timeline
        assert (14.0, "side") in timeline  # switching sides wins over the rest sound
        assert (21.0, "chime") in timeline
        assert (28.0, "rep") in timeline
        assert timeline[-1] == (33.0, "bell")
        (row,) = rig.rows()
        assert row.status == "completed" and row.steps_done == 3
        assert row.active_seconds == 33.0


async def test_space_pauses_and_resumes(rig) -> None:
    async with rig.app.run_test(size=(100, 30)) as pilot:
        await pilot.press("enter")
        await settle(pilot)
        rig.advance(2)
        await pilot.press("space")
        assert rig.session.state == "paused"
        assert text_of(rig.app, "#phase").startswith("PAUSED")
        rig.advance(30)
        assert rig.session.position == 2
        assert rig.app.screen.query_one("#countdown", Digits).value == "0:03"
        await pilot.press("space")
        assert rig.session.state == "running"
        rig.advance(3)
        assert text_of(rig.app, "#step-name") == "Twist"


async def test_next_and_back(rig) -> None:
    async with rig.app.run_test(size=(100, 30)) as pilot:
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("n")
        assert text_of(rig.app, "#step-name") == "Twist"
        assert text_of(rig.app, "#phase") == "GET READY"
        await pilot.press("right")
        assert text_of(rig.app, "#step-name") == "Tilt"
        await pilot.press("p")  # within 3 s of Tilt's start: back to Twist
        assert text_of(rig.app, "#step-name") == "Twist"
        rig.advance(4)
        await pilot.press("left")  # 4 s into Twist: restart it
        assert text_of(rig.app, "#step-name") == "Twist"
        assert rig.session.segment_elapsed() == 0


async def test_mute_silences_sounds(rig) -> None:
    async with rig.app.run_test(size=(100, 30)) as pilot:
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("m")
        before = len(rig.sounds.played)
        rig.advance(9)
        assert len(rig.sounds.played) == before
        assert "muted" in text_of(rig.app, "#step-count")
        await pilot.press("m")
        rig.advance(3)  # the cue at 11 s
        assert rig.played()[-1] == (12.0, "chime")


async def test_cue_text_is_shown(rig) -> None:
    async with rig.app.run_test(size=(100, 30)) as pilot:
        await pilot.press("enter")
        await settle(pilot)
        rig.advance(11)
        assert text_of(rig.app, "#cue") == "Breathe out"
        rig.advance(3)
        assert text_of(rig.app, "#cue") == ""


async def test_quit_asks_and_saves_as_stopped(rig) -> None:
    async with rig.app.run_test(size=(100, 30)) as pilot:
        await pilot.press("enter")
        await settle(pilot)
        rig.advance(6)
        await pilot.press("q")
        assert isinstance(rig.app.screen, ConfirmQuit)
        assert rig.session.state == "paused"
        await pilot.press("n")
        assert rig.session.state == "running"
        await pilot.press("q")
        await pilot.press("y")
        await settle(pilot)
    (row,) = rig.rows()
    assert (row.status, row.reason, row.steps_done) == ("stopped", "quit", 1)
    assert row.active_seconds == 6.0


async def test_this_hurts_stops_and_advises(rig) -> None:
    async with rig.app.run_test(size=(100, 30)) as pilot:
        await pilot.press("enter")
        await settle(pilot)
        rig.advance(2)
        await pilot.press("h")
        await settle(pilot)
        assert isinstance(rig.app.screen, HurtScreen)
        assert rig.session.state == "finished"
        body = " ".join(str(w.render()) for w in rig.app.screen.query("Static"))
        assert "see a doctor or physiotherapist" in body
        assert "A pharmacist or doctor can advise you on pain relief" in body
        (row,) = rig.rows()
        assert (row.status, row.reason) == ("stopped", "pain")
        # The pain question is asked at once; the answer is a check-in.
        await pilot.press("6", "enter")
        await settle(pilot)
        assert [c.pain for c in rig.store.checkins()] == [6]
        assert "Saved: pain 6." in str(rig.app.screen.query_one("#after-result").render())
        # Today is a flare day and the questions were never answered: they are asked now.
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(rig.app.screen, SafetyScreen)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert not rig.app.is_running  # played from the command line: done


async def test_help_pauses_while_open(rig) -> None:
    async with rig.app.run_test(size=(100, 30)) as pilot:
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("question_mark")
        assert isinstance(rig.app.screen, HelpScreen)
        assert rig.session.state == "paused"
        await pilot.press("escape")
        assert rig.session.state == "running"


async def test_every_key_on_every_screen_never_crashes(rig) -> None:
    keys = ["space", "n", "p", "right", "left", "m", "question_mark", "escape", "x", "1",
            "enter", "tab", "up", "down", "ctrl+z", "f1"]  # fmt: skip
    async with rig.app.run_test(size=(100, 30)) as pilot:
        for key in keys:
            await pilot.press(key)
            rig.advance(0.7)
        await settle(pilot)
        assert rig.app.is_running
        await pilot.press("q", "y")
        await settle(pilot)
    assert rig.rows()[0].status in ("stopped", "completed")


async def test_tiny_and_resized_terminal(rig) -> None:
    async with rig.app.run_test(size=(20, 5)) as pilot:
        await pilot.press("enter")
        await settle(pilot)
        rig.advance(9)
        await pilot.resize_terminal(80, 24)
        await settle(pilot)
        assert not rig.app.screen.has_class("short")
        await pilot.resize_terminal(40, 8)
        await settle(pilot)
        assert rig.app.screen.has_class("short") and rig.app.screen.has_class("narrow")
        rig.advance(1)
        assert rig.app.is_running


# Every key that is not an answer or a way out ("?" opens the help: pressed on its own below).
ALL_KEYS = ["space", "n", "p", "right", "left", "m", "x", "1", "0", "tab",
            "up", "down", "home", "end", "pageup", "backspace", "delete", "f1", "ctrl+z"]  # fmt: skip


async def _press_all(pilot, rig) -> None:
    for key in ALL_KEYS:
        await pilot.press(key)
        await settle(pilot)
        if rig.app.session is not None and rig.app.session.state == "running":
            rig.advance(0.4)
    assert rig.app.is_running


async def test_every_key_with_a_modal_open_and_while_paused(rig) -> None:
    async with rig.app.run_test(size=(80, 24)) as pilot:
        await _press_all(pilot, rig)  # on the intro (space, n... do nothing there)
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("space")  # paused
        await _press_all(pilot, rig)
        await pilot.press("q")  # the quit question is open
        for key in ("space", "p", "m", "question_mark", "h", "x"):  # n would answer "go on"
            await pilot.press(key)
            await settle(pilot)
        assert isinstance(rig.app.screen, ConfirmQuit)
        await pilot.press("escape")
        assert isinstance(rig.app.screen, PlayerScreen)
        await pilot.press("question_mark")  # the help is open
        for key in ALL_KEYS:
            await pilot.press(key)
            await settle(pilot)
        assert isinstance(rig.app.screen, HelpScreen)
        await pilot.press("escape")
        await pilot.press("h")  # the advice screen
        await settle(pilot)
        await _press_all(pilot, rig)


async def test_every_key_on_the_summary(rig) -> None:
    async with rig.app.run_test(size=(80, 24)) as pilot:
        await pilot.press("enter")
        await settle(pilot)
        for _ in range(100):
            if rig.session.state == "finished":
                break
            rig.advance(0.5)
        await settle(pilot)
        await pilot.press(*"12", "enter")  # refused: out of range
        await settle(pilot)
        assert rig.store.checkins() == []
        for key in ALL_KEYS:
            await pilot.press(key)
        assert rig.app.is_running


async def test_voice_in_the_tui(tmp_path) -> None:
    from backroutine.core.history import HistoryStore
    from backroutine.core.loading import load_text
    from backroutine.speech import RecordingSpeaker
    from backroutine.ui.app import make_app

    from .conftest import ROUTINE, FakeClock, fixed_now, wake

    clock = FakeClock(100.0)
    speaker = RecordingSpeaker(clock=clock)
    store = HistoryStore.open(tmp_path / "data")
    routine = load_text(ROUTINE, path=tmp_path / "test-flow.yaml")
    app = make_app(store=store, routine=routine, clock=clock, player=RecordingPlayer(clock=clock),
                   speaker=speaker, now=fixed_now)  # fmt: skip
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("enter")
        await settle(pilot)
        for _ in range(12):
            clock.now += 1
            wake(app)
        await pilot.press("m")  # muting silences the voice too
        clock.now += 10
        wake(app)
    store.close()
    texts = [text for _, text in speaker.said]
    assert texts[0] == "Walk. 5 seconds"
    assert "Breathe out" in texts
    assert len(texts) == len([t for t, _ in speaker.said if t <= 112])


async def test_a_locked_history_never_freezes_the_player(rig) -> None:
    import time

    from history_locks import locked

    async with rig.app.run_test(size=(100, 30)) as pilot:
        await pilot.press("enter")
        await settle(pilot)
        assert rig.app.writer is not None
        assert rig.app.writer.drain(5), rig.app.writer.trouble  # the row exists
        holder = locked(rig.store.path, 3.0)
        slowest = 0.0
        for _ in range(12):  # steps end and progress is due: writes the lock holds up
            began = time.monotonic()
            rig.advance(1.0)
            slowest = max(slowest, time.monotonic() - began)
            await settle(pilot)
        assert slowest < 0.5  # the timer never waited for the history
        assert rig.session.steps_done >= 1
        holder.join()
        (row,) = rig.rows()  # written once the lock went: nothing lost
        assert row.steps_done == rig.session.steps_done
        await settle(pilot)
        messages = [n.message for n in rig.app._notifications]
        assert any(m.startswith("Waiting for the history") for m in messages)


async def test_next_through_to_the_end_is_skipped_not_well_done(rig) -> None:
    # Done means done (issue 19): n through the steps reaches the end, but is not doing it.
    async with rig.app.run_test(size=(100, 30)) as pilot:
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("n", "n")  # past Walk and Twist: only the last step is played
        await settle(pilot)
        for _ in range(40):
            if rig.session.state == "finished":
                break
            rig.advance(0.5)
        await settle(pilot)
        await settle(pilot)
        assert isinstance(rig.app.screen, SummaryScreen)
        assert rig.app.screen.title_text == "Skipped to the end"
        assert "You skipped 2 of 3 steps" in rig.app.screen.body
        assert "Well done" not in rig.app.screen.body
        (row,) = rig.rows()
        assert row.status == "skipped" and row.steps_done == 1
