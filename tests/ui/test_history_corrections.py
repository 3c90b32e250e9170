"""The history screen: pick a check-in with the arrows, correct it (e) or delete it (d, asked
first); saved in a worker, what changed is said, and the rules read the check-in as corrected."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from textual.widgets import DataTable, Input, RadioSet, Static

from backroutine.audio import RecordingPlayer
from backroutine.core.history import HistoryStore
from backroutine.core.progression import assess_history
from backroutine.ui.app import make_app
from backroutine.ui.screens.correct import ConfirmDelete, CorrectCheckinScreen
from backroutine.ui.screens.history import HistoryScreen

from .conftest import FakeClock, burst, settle

NOW = datetime.now(UTC)


@pytest.fixture
def home(tmp_path: Path):
    data = tmp_path / "data"
    store = HistoryStore.open(data)
    store.save_red_flags([], at=NOW)  # answered: the questions are not due
    for days, pain in ((3, 8), (2, 7), (1, 5)):
        store.add_checkin(at=NOW - timedelta(days=days), pain=pain)
    store.add_checkin(at=NOW, pain=1, note="typed in a hurry")  # meant 10
    clock = FakeClock()
    app = make_app(store=store, data_dir=data, clock=clock, player=RecordingPlayer(clock=clock))
    yield app, store
    store.close()


def toasts(app) -> str:
    return "\n".join(str(n.message) for n in app._notifications)


def cells(app, row: int) -> list[str]:
    return [str(cell) for cell in app.screen.query_one("#checkins", DataTable).get_row_at(row)]


async def open_history(pilot, app) -> HistoryScreen:
    await settle(pilot)
    await pilot.press("r")
    await settle(pilot)
    assert isinstance(app.screen, HistoryScreen)
    return app.screen


async def test_a_mistyped_pain_is_corrected_in_a_few_keys(home) -> None:
    app, store = home
    assert "strengthening" in assess_history(store, now=NOW).unlocked  # opened by the typo
    async with app.run_test(size=(80, 24)) as pilot:
        await open_history(pilot, app)
        assert cells(app, 0)[:2][1] == "1"  # the newest first, under the cursor
        await pilot.press("e")
        await pilot.pause()
        assert isinstance(app.screen, CorrectCheckinScreen)
        assert app.screen.query_one("#pain", Input).value == "1"
        await pilot.press("1", "0", "enter")  # the old score is selected: typing replaces it
        await settle(pilot)
        assert isinstance(app.screen, HistoryScreen)
        assert cells(app, 0)[1] == "10" and cells(app, 0)[4].startswith("from 1, ")
        assert cells(app, 0)[3] == "typed in a hurry"  # what was not changed stays
        assert "pain 1 to 10" in toasts(app) and "locked again" in toasts(app)
    assert [c.pain for c in store.checkins()][-1] == 10
    assert "strengthening" in assess_history(store, now=NOW).locked
    assert store.checkins()[-1].original.pain == 1


async def test_a_correction_typed_fast_keeps_the_keys_in_order(home) -> None:
    # The correction's pain field is the app's PainInput: a burst "7 BSpace 1 0 Enter" with no
    # pause in between (Textual #6605 would run the Backspace after the digits) saves 10.
    app, store = home
    async with app.run_test(size=(80, 24)) as pilot:
        await open_history(pilot, app)
        await pilot.press("e")
        await pilot.pause()
        assert isinstance(app.screen, CorrectCheckinScreen)
        burst(app, "7", "backspace", "1", "0", "enter")
        await settle(pilot)
        assert isinstance(app.screen, HistoryScreen)
    assert [c.pain for c in store.checkins()][-1] == 10


async def test_a_pain_that_is_not_0_to_10_keeps_the_dialog_open(home) -> None:
    app, store = home
    async with app.run_test(size=(80, 24)) as pilot:
        await open_history(pilot, app)
        await pilot.press("down", "e")
        await pilot.pause()
        await pilot.press("1", "1", "enter")
        await pilot.pause()
        assert isinstance(app.screen, CorrectCheckinScreen)
        assert "\u201c11\u201d is not a whole number from 0 to 10" in str(
            app.screen.query_one(".pain-message", Static).render()
        )
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, HistoryScreen)
    assert all(c.original is None for c in store.checkins())


async def test_the_spasms_and_the_note_can_be_corrected(home) -> None:
    app, store = home
    async with app.run_test(size=(120, 40)) as pilot:
        await open_history(pilot, app)
        await pilot.press("down", "e")  # the check-in of yesterday, pain 5
        await pilot.pause()
        screen = app.screen
        screen.query_one("#spasms-more").value = True
        screen.query_one("#note", Input).value = "after the long drive"
        screen.query_one("#note", Input).focus()
        await pilot.press("enter")
        await settle(pilot)
    corrected = store.checkins()[-2]
    assert (corrected.pain, corrected.spasms, corrected.note) == (5, "more", "after the long drive")


async def test_every_spasm_answer_is_on_screen_at_80x24(home) -> None:
    app, _ = home
    async with app.run_test(size=(80, 24)) as pilot:
        await open_history(pilot, app)
        await pilot.press("e")
        await pilot.pause()
        radios = app.screen.query_one("#spasms", RadioSet)
        for button in radios.query("RadioButton"):
            region = button.region
            assert region.width > 0 and region.right <= 80 and region.bottom <= 24, button.id


async def test_delete_asks_first_and_no_keeps_it(home) -> None:
    app, store = home
    async with app.run_test(size=(80, 24)) as pilot:
        await open_history(pilot, app)
        await pilot.press("d")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDelete)
        await pilot.press("n")
        await settle(pilot)
        assert isinstance(app.screen, HistoryScreen)
        assert len(store.checkins()) == 4
        await pilot.press("d", "y")
        await settle(pilot)
        table = app.screen.query_one("#checkins", DataTable)
        assert table.row_count == 3 and cells(app, 0)[1] == "5"
        assert "pain 1 (deleted on " in str(app.screen.query_one("#deleted", Static).render())
        assert "Deleted: the check-in of" in toasts(app)
    assert [c.pain for c in store.checkins()] == [8, 7, 5]
    assert [c.pain for c in store.checkin_records()[1]] == [1]


async def test_with_no_check_ins_e_and_d_say_so(tmp_path: Path) -> None:
    data = tmp_path / "data"
    with HistoryStore.open(data) as store:
        store.save_red_flags([], at=NOW)
        clock = FakeClock()
        app = make_app(store=store, data_dir=data, clock=clock, player=RecordingPlayer(clock=clock))
        async with app.run_test(size=(80, 24)) as pilot:
            await open_history(pilot, app)
            await pilot.press("e", "d")
            await pilot.pause()
            assert isinstance(app.screen, HistoryScreen)
            assert "No check-in to correct yet." in toasts(app)


async def test_a_correction_is_saved_off_the_event_loop(home, monkeypatch) -> None:
    import threading

    app, store = home
    threads: list[bool] = []
    correct = store.correct_checkin

    def watched(*args, **kwargs):
        threads.append(threading.current_thread() is threading.main_thread())
        return correct(*args, **kwargs)

    monkeypatch.setattr(store, "correct_checkin", watched)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_history(pilot, app)
        await pilot.press("e", "3", "enter")
        await settle(pilot)
    assert threads == [False]
