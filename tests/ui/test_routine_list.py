"""The home screen's routine list: quick with thousands of routines, drawn as an OptionList
draws it, and a routine whose file changed since the list was made is read when opened."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from rich.text import Text
from textual.app import App, ComposeResult
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from backroutine.audio import RecordingPlayer
from backroutine.core import routine_cache
from backroutine.core.history import HistoryStore
from backroutine.ui.app import make_app
from backroutine.ui.screens.home import HomeScreen
from backroutine.ui.screens.intro import IntroScreen
from backroutine.ui.widgets import RoutineList

from .conftest import FakeClock

PROMPTS: list[object] = [
    Text("  Desk break  3:00  L1", style="dim"),
    Text("  Wide 日本語の名前  1:00"),
    Text("  " + "a long name that wraps " * 4),
    Text("exactly twenty cells"),
    Text("with a\nnewline"),
    Text("with\ta tab"),
    Text("é" * 30),
    "[b]markup[/b] as a str",
    None,  # a divider
    Text("after the divider"),
]


class Lists(App[None]):
    CSS = "OptionList { height: 1fr; }"

    def compose(self) -> ComposeResult:
        yield OptionList(id="plain")
        yield RoutineList(id="fast")


@pytest.mark.parametrize("width", [24, 22, 40, 100])
async def test_the_routine_list_lays_options_out_as_an_option_list(width: int) -> None:
    app = Lists()
    async with app.run_test(size=(width, 40)) as pilot:
        plain = app.query_one("#plain", OptionList)
        fast = app.query_one("#fast", RoutineList)
        for options in (plain, fast):
            options.add_options(
                [Option(p, id=f"o{i}") if p is not None else None for i, p in enumerate(PROMPTS)]
            )
            options.add_option(Option(Text("added alone"), id="alone"))
        await pilot.pause()
        assert fast._lines == plain._lines
        assert fast.virtual_size == plain.virtual_size
        assert [fast.render_line(y).text for y in range(fast.size.height)] == [
            plain.render_line(y).text for y in range(plain.size.height)
        ]


async def test_ten_thousand_routines_are_listed_at_once() -> None:
    app = Lists()
    async with app.run_test(size=(100, 30)) as pilot:
        fast = app.query_one("#fast", RoutineList)
        fast.add_options([Option(Text(f"  Routine {n}  3:00"), id=f"r{n}") for n in range(10_000)])
        fast.highlighted = fast.get_option_index("r9999")
        await pilot.pause()
        assert fast.virtual_size.height == 10_000
        assert "Routine 9999" in "".join(fast.render_line(y).text for y in range(fast.size.height))


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(routine_cache, "RACY_NS", 0)
    data = tmp_path / "data"
    mine = data / "routines" / "mine.yaml"
    mine.parent.mkdir(parents=True)
    mine.write_text(
        "name: Mine\ncategory: gentle\nsteps: [{name: Walk, duration: 30s}]\n", encoding="utf-8"
    )
    store = HistoryStore.open(data)
    store.save_red_flags([], at=datetime.now(UTC))  # the safety questions answered
    clock = FakeClock()
    app = make_app(store=store, data_dir=data, clock=clock, player=RecordingPlayer(clock=clock))
    yield app, mine
    store.close()


async def test_a_routine_is_read_from_its_file_when_opened(home) -> None:
    app, mine = home
    async with app.run_test(size=(110, 36)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        options = app.screen.query_one("#routines", OptionList)
        mine.write_text(
            "name: Mine\ncategory: gentle\nsteps: [{name: Walk, duration: 45s}]\n",
            encoding="utf-8",
        )
        options.highlighted = options.get_option_index("mine")
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, IntroScreen)
        assert app.screen.routine.steps[0].seconds == 45


async def test_a_routine_broken_since_the_list_was_made_is_not_opened(home) -> None:
    app, mine = home
    async with app.run_test(size=(110, 36)) as pilot:
        await pilot.pause()
        options = app.screen.query_one("#routines", OptionList)
        options.highlighted = options.get_option_index("mine")
        mine.write_text("name: Mine\n", encoding="utf-8")  # no category, no steps
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        assert any("cannot be opened" in n.message for n in app._notifications)
        assert any("have mistakes" in n.message for n in app._notifications)
        ids = [options.get_option_at_index(i).id for i in range(options.option_count)]
        assert "mine" not in ids
