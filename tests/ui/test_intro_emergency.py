"""The TUI intro of every bundled routine ends its text with the app's line on emergency signs,
after the routine's own cautions, and shows it on a small terminal once scrolled to."""

from __future__ import annotations

from textual.app import App
from textual.containers import VerticalScroll

from backroutine.core import paths
from backroutine.core.advice import EMERGENCY_SIGNS
from backroutine.core.library import routine_files
from backroutine.core.loading import load_routine, load_text
from backroutine.core.model import Routine
from backroutine.core.timeline import expand
from backroutine.ui.app import BackroutineApp
from backroutine.ui.screens.intro import IntroScreen

# What the routine file says, in the order the intro shows it; the app's line comes after all.
FROM_THE_FILE = ("intro-name", "intro-summary", "intro-description", "intro-equipment",
                 "intro-cautions")  # fmt: skip


class Host(App[None]):
    CSS_PATH = BackroutineApp.CSS_PATH  # laid out as in the app


def intro_ids(screen: IntroScreen) -> list[str]:
    return [child.id or "" for child in screen.query_one("#intro", VerticalScroll).children]


async def show_intros(routines: list[Routine], size: tuple[int, int]) -> list[list[str]]:
    app = Host()
    seen: list[list[str]] = []
    async with app.run_test(size=size) as pilot:
        for routine in routines:
            screen = IntroScreen(routine, expand(routine).total_seconds)
            await app.push_screen(screen)
            await pilot.pause()
            emergency = screen.query_one("#intro-emergency")
            assert str(emergency.render()) == EMERGENCY_SIGNS, routine.id
            emergency.scroll_visible(animate=False)
            await pilot.pause()
            assert emergency.region.height > 0 and emergency.size.height >= 2  # wrapped, shown
            seen.append(intro_ids(screen))
            app.pop_screen()
    return seen


async def test_every_bundled_intro_ends_with_the_emergency_line() -> None:
    routines = [
        load_routine(p) for p in routine_files(paths.bundled_routines_dir(), recursive=False)
    ]
    assert len(routines) >= 16
    for ids in await show_intros(routines, (80, 24)):
        at = ids.index("intro-emergency")
        assert "intro-cautions" in ids[:at]  # every bundled routine has cautions, shown first
        assert not set(FROM_THE_FILE) & set(ids[at + 1 :])
        assert ids[at + 1 :] == ["intro-start"]  # then only the prompt to start


async def test_a_routine_without_cautions_still_ends_with_the_line() -> None:
    bare = load_text("name: Bare\ncategory: gentle\nsteps: [{name: A, duration: 5s}]\n",
                     path="bare.yaml")  # fmt: skip
    (ids,) = await show_intros([bare], (120, 40))
    assert ids == ["intro-name", "intro-facts", "intro-emergency", "intro-start"]
