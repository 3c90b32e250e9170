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

from .conftest import FakeClock, settle, wake


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


async def open_locked_routine(pilot, app, routine_id: str) -> str:
    """Open a routine from the list, try to start it, and come back home; the lock's words."""
    options = app.screen.query_one("#routines", OptionList)
    options.highlighted = options.get_option_index(routine_id)
    await pilot.press("enter")
    await settle(pilot)
    assert isinstance(app.screen, IntroScreen)
    why = text(app, "#intro-locked")
    await pilot.press("enter")  # does not start
    await settle(pilot)
    assert isinstance(app.screen, IntroScreen) and app.session.state == "ready"
    await pilot.press("escape")
    await settle(pilot)
    assert isinstance(app.screen, HomeScreen)
    return why


def option_texts(app) -> list[str]:
    options = app.screen.query_one("#routines", OptionList)
    return [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]


async def test_first_run_asks_the_safety_questions(home) -> None:
    app, store, _ = home
    async with app.run_test(size=(110, 36)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, SafetyScreen)
        await pilot.press("space")  # tick the first question (focused)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)
        assert store.red_flags().yes == {"saddle_numbness"}
        advice = app.screen.query_one("#advice")
        assert "Get emergency help now" in text(app, "#advice")
        assert advice.display and advice.has_class("emergency")


async def test_home_shows_locks_and_a_suggestion(home) -> None:
    app, store, _ = home
    store.save_red_flags([], at=datetime.now(UTC))
    async with app.run_test(size=(110, 36)) as pilot:
        await settle(pilot)
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
        await settle(pilot)
        await pilot.press("c")
        await settle(pilot)
        assert isinstance(app.screen, CheckinScreen)
        await pilot.press("1", "2", "enter")  # 12 is refused, beside the field
        assert isinstance(app.screen, CheckinScreen)
        assert "\u201c12\u201d is not a whole number from 0 to 10" in text(
            app, "#pain-field .pain-message"
        )
        app.screen.query_one("#pain", Input).value = "7"
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)
        assert [c.pain for c in store.checkins()] == [7]
        assert "Pain now: 7/10" in text(app, "#pain")


async def test_a_locked_routine_cannot_start(home) -> None:
    app, store, _ = home
    store.save_red_flags([], at=datetime.now(UTC))
    async with app.run_test(size=(110, 36)) as pilot:
        await settle(pilot)
        why = await open_locked_routine(pilot, app, "mcgill-big-three")
        assert "cannot be started now" in why


async def test_unlocked_after_lessening(home) -> None:
    app, store, _ = home
    start = datetime.now(UTC) - timedelta(days=3)
    store.save_red_flags([], at=start)
    for day, pain in enumerate((8, 7, 5, 5)):
        store.add_checkin(at=start + timedelta(days=day), pain=pain)
    async with app.run_test(size=(110, 36)) as pilot:
        await settle(pilot)
        texts = option_texts(app)
        assert any(t.startswith("Strengthening · open to level 2") for t in texts)
        first = next(t for t in texts if "First strength steps" in t)
        mcgill = next(t for t in texts if "McGill big three" in t)
        assert "locked" not in first and "locked" in mcgill  # level 4 is not open yet
        assert "Strengthening is open: levels 1-2" in text(app, "#unlock")
        assert "Level 3 opens when you complete a level-2 routine on 2 more days" in text(
            app, "#unlock"
        )
        options = app.screen.query_one("#routines", OptionList)
        options.highlighted = options.get_option_index("mcgill-big-three")
        await settle(pilot)
        assert "Strengthening is open up to level 2" in text(app, "#routine-info")
        assert not app.screen.query_one("#advice").display


async def test_an_emergency_is_a_panel_no_routine_starts_past(home) -> None:
    app, store, _ = home
    store.save_red_flags(["bladder_bowel"], at=datetime.now(UTC))
    async with app.run_test(size=(110, 36)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)
        panel = app.screen.query_one("#advice")
        assert panel.has_class("emergency") and panel.display
        assert panel.size.width >= 100  # the full width
        assert "Every routine is on hold" in text(app, "#advice")
        assert "please get checked first" in text(app, "#today")
        await pilot.press("t")  # no suggestion: nothing opens
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)
        for routine_id in ("desk-break", "spasm-relief", "yoga-back-basics"):
            why = await open_locked_routine(pilot, app, routine_id)
            assert "Get emergency help now" in why
        assert store.sessions() == []


async def test_the_safety_questions_are_asked_again_after_a_flare(home) -> None:
    app, store, _ = home
    now = datetime.now(UTC)
    store.save_red_flags([], at=now - timedelta(days=3))
    for day, pain in enumerate((5, 5, 5, 8)):  # 8 today: a flare day after the answers
        store.add_checkin(at=now - timedelta(days=3 - day), pain=pain)
    async with app.run_test(size=(110, 36)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, SafetyScreen)
        await pilot.press("escape")  # closed without answering: a reminder, not a loop
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)
        assert "safety questions are due again" in text(app, "#notice")
        await pilot.press("s")
        await settle(pilot)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)
        assert not app.screen.query_one("#notice").display


async def test_a_check_in_that_raises_advice_says_so_at_once(home) -> None:
    app, store, _ = home
    first = datetime.now(UTC) - timedelta(days=2)
    store.save_red_flags([], at=first)
    for day, pain in enumerate((3, 4)):
        store.add_checkin(at=first + timedelta(days=day), pain=pain)
    async with app.run_test(size=(110, 36)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)
        await pilot.press("c")
        await settle(pilot)
        app.screen.query_one("#pain", Input).value = "7"
        await pilot.press("enter")
        await settle(pilot)
        (toast,) = [n for n in app._notifications if "New advice" in n.message]
        assert (
            toast.severity == "warning"
            and "gone up on each of your last three days" in toast.message
        )
        # 7 is a flare day (2 or more above 3): the safety questions are asked again at once.
        assert isinstance(app.screen, SafetyScreen)
        await pilot.press("escape")
        await settle(pilot)
        assert "Book an appointment" in text(app, "#advice")


async def test_play_from_home_then_back_home_with_the_session(home) -> None:
    app, store, clock = home
    store.save_red_flags([], at=datetime.now(UTC))
    async with app.run_test(size=(110, 36)) as pilot:
        await settle(pilot)
        options = app.screen.query_one("#routines", OptionList)
        options.highlighted = options.get_option_index("desk-break")
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, PlayerScreen)
        clock.now += 50
        wake(app)
        await pilot.press("q", "y")
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)
        (session,) = store.sessions()
        assert session.status == "stopped" and session.steps_done == 1
        assert app.screen.query_one("#recent", DataTable).row_count == 1


async def test_history_screen(home) -> None:
    app, store, _ = home
    store.save_red_flags([], at=datetime.now(UTC))
    store.add_checkin(at=datetime.now(UTC), pain=4, note="ok")
    async with app.run_test(size=(110, 36)) as pilot:
        await settle(pilot)
        await pilot.press("r")
        await settle(pilot)
        assert app.screen.query_one("#checkins", DataTable).row_count == 1
        assert "Pain trend" in text(app, "#charts")
        await pilot.press("escape")
        assert isinstance(app.screen, HomeScreen)


async def test_command_palette_opens(home) -> None:
    app, store, _ = home
    store.save_red_flags([], at=datetime.now(UTC))
    async with app.run_test(size=(110, 36)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p")
        await settle(pilot)
        assert app.screen.__class__.__name__ == "CommandPalette"
        await pilot.press(*"check in", "enter")
        await settle(pilot)
        assert isinstance(app.screen, CheckinScreen)


async def test_every_home_key_and_a_tiny_terminal(home) -> None:
    app, store, _ = home
    store.save_red_flags([], at=datetime.now(UTC))
    async with app.run_test(size=(20, 5)) as pilot:
        for key in ("down", "up", "t", "escape", "r", "escape", "c", "escape", "s", "escape",
                    "x", "tab", "enter", "escape"):  # fmt: skip
            await pilot.press(key)
            await settle(pilot)
        await pilot.resize_terminal(120, 40)
        await settle(pilot)
        assert app.is_running


async def test_a_broken_user_routine_is_mentioned(home, tmp_path: Path) -> None:
    app, store, _ = home
    store.save_red_flags([], at=datetime.now(UTC))
    folder = app.data_dir / "routines"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "mine.yaml").write_text("name: Mine\ncategory: gentle\nsteps: [{name: A, hodl: 5}]\n")
    async with app.run_test(size=(110, 36)) as pilot:
        await settle(pilot)
        messages = [n.message for n in app._notifications]
        assert any("mine.yaml" in m and "backroutine validate" in m for m in messages)


@pytest.mark.parametrize(
    ("pain", "routine_id", "note"),
    [(7, "yoga-back-basics", True), (6, "yoga-back-basics", False), (9, "spasm-relief", False)],
)
async def test_yoga_says_once_the_worst_has_passed_while_pain_is_high(
    home, pain: int, routine_id: str, note: bool
) -> None:
    app, store, _ = home
    now = datetime.now(UTC)
    # The answers come after the check-in: a day at 9 (severe) after them would ask them again.
    store.add_checkin(at=now - timedelta(minutes=1), pain=pain)
    store.save_red_flags([], at=now)
    async with app.run_test(size=(110, 36)) as pilot:
        await settle(pilot)
        options = app.screen.query_one("#routines", OptionList)
        options.highlighted = options.get_option_index(routine_id)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, IntroScreen)
        notes = app.screen.query("#intro-note")
        assert bool(notes) is note
        if note:
            assert f"Your latest pain was {pain}/10" in text(app, "#intro-note")
            assert "once the worst has passed" in text(app, "#intro-note")


async def test_the_safety_questions_are_read_whole(home) -> None:
    app, _store, _ = home
    async with app.run_test(size=(80, 60)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, SafetyScreen)  # first run
        long = app.screen.query_one("#constant_pain")
        assert long.size.height >= 2  # wrapped onto a second line, not cut with "..."
        assert "worse at night than in the day?" in str(long.render())
        titles = [str(w.render()) for w in app.screen.query(".safety-group")]
        assert [t.split(" ")[0] for t in titles] == ["Get", "Contact", "See"]


async def test_a_history_that_cannot_be_written_is_shown_and_says_so(tmp_path: Path) -> None:
    from backroutine.core.readonly import open_read_only

    data = tmp_path / "data"
    now = datetime.now(UTC)
    with HistoryStore.open(data) as store:
        store.add_checkin(at=now - timedelta(hours=1), pain=6)
        store.save_red_flags(["fever_unwell"], at=now)
    why = "the disk is full"
    store = open_read_only(data, why)
    problem = f"Your history cannot be written ({why}): it is shown as it is."
    clock = FakeClock()
    app = make_app(store=store, data_dir=data, clock=clock, player=RecordingPlayer(clock=clock),
                   history_problems=[problem])  # fmt: skip
    async with app.run_test(size=(110, 36)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)
        assert problem in text(app, "#notice")
        assert "Contact a doctor today" in text(app, "#advice")  # the red flag stays in sight
        assert "Pain now: 6/10" in text(app, "#pain")
    store.close()


async def test_a_history_that_cannot_be_opened_is_named_on_the_home_screen(tmp_path: Path) -> None:
    clock = FakeClock()
    problem = "the history /x/history.sqlite3 cannot be read (file is not a database)"
    app = make_app(store=None, data_dir=tmp_path, clock=clock, player=RecordingPlayer(clock=clock),
                   history_problems=[problem])  # fmt: skip
    async with app.run_test(size=(110, 36)) as pilot:
        await settle(pilot)
        assert problem in text(app, "#notice")
