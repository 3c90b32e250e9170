"""Every screen whole at 80x24 and at 120x40 (issue 21): nothing a person needs is hidden or
cut. Each test looks at what is on screen, the regions the widgets really got."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from textual.widgets import DataTable, Footer, OptionList
from textual.widgets._footer import FooterKey

from backroutine.audio import RecordingPlayer
from backroutine.core.history import HistoryStore
from backroutine.ui.app import make_app
from backroutine.ui.screens.dialogs import HelpScreen
from backroutine.ui.screens.home import HomeScreen
from backroutine.ui.screens.safety import SafetyScreen

from .conftest import FakeClock, settle


@pytest.fixture
def home(tmp_path: Path):
    data = tmp_path / "data"
    store = HistoryStore.open(data)
    now = datetime.now(UTC)
    store.save_red_flags([], at=now - timedelta(days=1))
    store.add_checkin(at=datetime.now().astimezone(), pain=4)  # today, where the person is
    started = now - timedelta(hours=1)
    session = store.start_session(routine_id="desk-break", routine_name="Desk break",
                                  category="gentle", steps_total=5, started_at=started)  # fmt: skip
    store.finish_session(session, status="stopped", steps_done=1, active_seconds=31,
                         at=started + timedelta(seconds=31))  # fmt: skip
    clock = FakeClock()
    app = make_app(store=store, data_dir=data, clock=clock, player=RecordingPlayer(clock=clock))
    yield app
    store.close()


def on_screen(app, selector: str) -> bool:
    """The widget is shown, and wholly inside the screen."""
    widget = app.screen.query_one(selector)
    region = widget.region
    return widget.display and bool(region) and app.screen.region.contains_region(region)


def screen_lines(app) -> list[str]:
    """The screen as it is drawn: what a person sees, caches and all."""
    return [strip.text for strip in app.screen._compositor.render_strips()]


def footer_keys(app) -> list[FooterKey]:
    return list(app.screen.query_one(Footer).query(FooterKey))


async def test_home_at_80x24_shows_your_back_a_key_away(home) -> None:
    app = home
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)
        assert on_screen(app, "#routines") and not app.screen.query_one("#back-pane").display
        assert "b: your back" in str(app.screen.query_one("#routines-title").render())
        await pilot.press("b")
        await pilot.pause()
        assert on_screen(app, "#pain") and on_screen(app, "#numbers")
        assert "Pain now: 4/10" in str(app.screen.query_one("#pain").render())
        assert not app.screen.query_one("#routines-pane").display
        await pilot.press("b")
        await pilot.pause()
        assert on_screen(app, "#routines")


async def test_home_at_120x40_shows_both_panes_without_the_switch(home) -> None:
    app = home
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert on_screen(app, "#routines") and on_screen(app, "#pain")
        assert on_screen(app, "#numbers")
        assert "b" not in [key.key for key in footer_keys(app)]  # nothing to switch
        await pilot.press("b")
        await pilot.pause()
        assert on_screen(app, "#routines") and on_screen(app, "#pain")


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
async def test_the_home_footer_fits_and_every_key_is_in_the_help(home, size) -> None:
    app = home
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        keys = footer_keys(app)
        shown = {key.key for key in keys}
        assert {"t", "c", "s", "r", "g", "q"} <= shown
        for key in keys:
            assert app.screen.region.contains_region(key.region), key.key
            assert key.key_display or key.key in str(key.render())
        quit_key = next(key for key in keys if key.key == "q")
        assert "Quit" in str(quit_key.render())  # the last one, whole
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        listed = [key for key, _ in app.screen.keys]
        for key in ("t", "c", "b", "s", "r", "g", "?", "q", "ctrl+p"):
            assert key in listed


async def test_the_recent_sessions_header_lines_up_with_its_rows(home) -> None:
    app = home
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        app.screen.query_one("#recent", DataTable)
        lines = screen_lines(app)
        at = next(i for i, line in enumerate(lines) if "pain before" in line)
        header, row = lines[at], lines[at + 1]
        assert "Desk break" in row
        assert header.index("routine") == row.index("Desk break")
        assert header.index("status") == row.index("stopped")


async def test_the_routine_of_today_is_scrolled_into_view(home) -> None:
    app = home
    async with app.run_test(size=(80, 16)) as pilot:  # a list only a few lines high
        await settle(pilot)
        options = app.screen.query_one("#routines", OptionList)
        await pilot.pause()
        today = options.highlighted
        assert today is not None and "★ today" in str(options.get_option_at_index(today).prompt)
        assert options.scrollable_content_region.height < options.option_count
        assert any("★ today" in line for line in screen_lines(app))


async def test_the_safety_questions_at_80x24_keep_save_in_sight(tmp_path: Path) -> None:
    """First run: the questions scroll between the title and the buttons; every box says in
    characters whether it is ticked; a wrapped question is indented under its box."""
    data = tmp_path / "data"
    store = HistoryStore.open(data)
    clock = FakeClock()
    app = make_app(store=store, data_dir=data, clock=clock, player=RecordingPlayer(clock=clock))
    try:
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            assert isinstance(app.screen, SafetyScreen)
            assert on_screen(app, "#save") and on_screen(app, "#close")
            await pilot.press("space")  # ticks the first question
            await pilot.pause()
            lines = screen_lines(app)
            ticked = next(i for i, line in enumerate(lines) if "[x] Numbness" in line)
            assert "[ ] New trouble peeing" in "".join(lines[ticked + 1 : ticked + 3])
            box_at = lines[ticked].index("[x]")
            follow = lines[ticked + 1]
            assert follow[box_at : box_at + 4] == "    " and follow[box_at + 4] != " "
            for _ in range(30):  # Tab through every question: Save stays in sight
                await pilot.press("tab")
                assert on_screen(app, "#save")
                focused = app.focused
                assert focused is not None and on_screen(app, f"#{focused.id}")
            await pilot.press("ctrl+s")
            await settle(pilot)
            assert store.red_flags().yes == {"saddle_numbness"}
    finally:
        store.close()


async def test_the_spasm_answers_differ_in_characters(home) -> None:
    app = home
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("c")
        await settle(pilot)
        line = next(line for line in screen_lines(app) if "not sure" in line)
        assert "(•) not sure" in line and "( ) fewer" in line and "( ) more" in line


LONG = (
    """\
name: Long words
category: gentle
summary: A routine with long instructions.
steps:
  - name: Dead bug
    hold: 60s
    illustration: supine-twist
    instructions: >-
"""
    + "      "
    + "Reach one arm back over your head and breathe out slowly. " * 12
    + """
  - {name: Walk, duration: 20s, instructions: Walk gently.}
"""
)


@pytest.fixture
def long_player(tmp_path: Path):
    from backroutine.core.loading import load_text

    clock = FakeClock(100.0)
    routine = load_text(LONG, path=tmp_path / "long.yaml")
    store = HistoryStore.open(tmp_path / "data")
    app = make_app(store=store, routine=routine, clock=clock,
                   player=RecordingPlayer(clock=clock), data_dir=tmp_path / "data")  # fmt: skip
    yield app
    store.close()


async def test_instructions_that_do_not_fit_say_more_follows_and_scroll(long_player) -> None:
    app = long_player
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("enter")
        await pilot.pause()
        more = app.screen.query_one("#more")
        assert "more below" in str(more.render()) and on_screen(app, "#more")
        box = app.screen.query_one("#instructions-box")
        await pilot.press("end")
        await pilot.pause(0.5)
        assert box.scroll_y == box.max_scroll_y > 0
        assert "more above" in str(more.render())
        assert any("breathe out slowly." in line for line in screen_lines(app))


async def test_short_instructions_say_nothing_more(long_player) -> None:
    app = long_player
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("enter")
        await pilot.pause()
        assert str(app.screen.query_one("#more").render()) == ""


@pytest.mark.parametrize(("size", "rows"), [((80, 24), 3), ((120, 40), 10), ((100, 32), 5)])
async def test_the_countdown_grows_with_the_space(long_player, size, rows) -> None:
    app = long_player
    async with app.run_test(size=size) as pilot:
        await pilot.press("enter")
        await pilot.pause()
        shown = [w for w in app.screen.query("#countdown, #big-countdown") if w.display]
        assert len(shown) == 1 and shown[0].region.height == rows
        assert app.screen.region.contains_region(shown[0].region)


async def test_the_footer_says_resume_while_paused(long_player) -> None:
    app = long_player
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("enter")
        await pilot.pause()

        def space_label() -> str:
            keys = [key for key in footer_keys(app) if key.key == "space"]
            assert len(keys) == 1
            return keys[0].description

        assert space_label() == "Pause"
        await pilot.press("space")
        await pilot.pause()
        assert app.session.state == "paused" and space_label() == "Resume"
        await pilot.press("space")
        await pilot.pause()
        assert app.session.state == "running" and space_label() == "Pause"
        await pilot.press("q")  # the quit question pauses the routine, and the footer says so
        await pilot.pause()
        assert app.session.state == "paused"
        await pilot.press("n")
        await pilot.pause()
        assert app.session.state == "running" and space_label() == "Pause"


async def test_home_words_after_checking_in_today(home) -> None:
    """One session of 31 s: "1 session", "<1 min" in every place; the invitation to check in
    gives way once checked in today."""
    app = home
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        pain = str(app.screen.query_one("#pain").render())
        assert "Checked in today." in pain and "Press c" not in pain
        numbers = str(app.screen.query_one("#numbers").render())
        assert "This week: 1 session, <1 min" in numbers and "In all: 1 session, <1 min" in numbers
        assert "Streak: 0 days" in numbers
        table = app.screen.query_one("#recent", DataTable)
        assert str(table.get_row_at(0)[3]) == "<1"
        await pilot.press("r")
        await settle(pilot)
        sessions = app.screen.query_one("#sessions", DataTable)
        assert str(sessions.get_row_at(0)[4]) == "<1"
        assert "in all <1 min" in str(app.screen.query_one("#charts").render())


async def test_home_invites_a_check_in_when_none_today(tmp_path: Path) -> None:
    data = tmp_path / "data"
    store = HistoryStore.open(data)
    store.save_red_flags([], at=datetime.now(UTC) - timedelta(days=2))
    store.add_checkin(at=datetime.now().astimezone() - timedelta(days=2), pain=5)
    clock = FakeClock()
    app = make_app(store=store, data_dir=data, clock=clock, player=RecordingPlayer(clock=clock))
    try:
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(pilot)
            assert "Press c to check in." in str(app.screen.query_one("#pain").render())
    finally:
        store.close()


async def test_the_command_palette_over_the_player_pauses_the_routine(long_player) -> None:
    app = long_player
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("enter")
        await pilot.pause()
        assert app.session.state == "running"
        await pilot.press("ctrl+p")
        await pilot.pause()
        assert app.session.state == "paused"
        await pilot.press("escape")
        await pilot.pause()
        assert app.session.state == "running"
        await pilot.press("space")  # paused by the person: the palette leaves it paused
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
        assert app.session.state == "paused"


async def test_no_color_is_honoured(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """NO_COLOR: the app draws without colour, and the boxes still say ticked or not."""
    monkeypatch.setenv("NO_COLOR", "1")
    data = tmp_path / "data"
    store = HistoryStore.open(data)
    clock = FakeClock()
    app = make_app(store=store, data_dir=data, clock=clock, player=RecordingPlayer(clock=clock))
    try:
        assert app.no_color
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            await pilot.press("space")
            await pilot.pause()
            lines = screen_lines(app)
            assert any("[x] Numbness" in line for line in lines)
            assert any("[ ] New trouble peeing" in line for line in lines)
    finally:
        store.close()
