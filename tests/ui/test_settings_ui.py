"""Settings in the app: the theme from the settings file at start, and a theme chosen in the
command palette written back to it (issue 21, item 5)."""

from __future__ import annotations

from pathlib import Path

from backroutine import settings
from backroutine.core.history import HistoryStore
from backroutine.ui.app import make_app

from .conftest import FakeClock, fixed_now, settle


def _app(tmp_path: Path, store: HistoryStore, **kwargs: object):
    return make_app(store=store, clock=FakeClock(100.0), data_dir=tmp_path / "data",
                    now=fixed_now, **kwargs)  # fmt: skip


async def test_the_theme_from_the_palette_is_saved_and_used_next_time(tmp_path: Path) -> None:
    path = tmp_path / "config" / "settings.toml"
    path.parent.mkdir(parents=True)
    path.write_text('# mine\ntheme = "nord"\nsparkles = 1\n')
    store = HistoryStore.open(tmp_path / "data")
    try:
        app = _app(tmp_path, store, theme=settings.load(path, {}).settings.theme,
                   settings_path=path)  # fmt: skip
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            assert app.theme == "nord"
            assert path.read_text() == '# mine\ntheme = "nord"\nsparkles = 1\n'  # not rewritten
            app.action_change_theme()  # the palette's "Change theme"
            await pilot.pause()
            await pilot.press(*"dracula")
            await pilot.pause(0.3)
            await pilot.press("enter")
            await settle(pilot)
            assert app.theme == "dracula"
        assert path.read_text() == '# mine\ntheme = "dracula"\nsparkles = 1\n'
        again = _app(tmp_path, store, theme=settings.load(path, {}).settings.theme,
                     settings_path=path)  # fmt: skip
        async with again.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            assert again.theme == "dracula"
    finally:
        store.close()


async def test_an_unknown_theme_keeps_the_default_and_a_bad_file_is_not_touched(
    tmp_path: Path,
) -> None:
    path = tmp_path / "settings.toml"
    path.write_text('theme = "nord\n')  # does not parse
    store = HistoryStore.open(tmp_path / "data")
    try:
        app = _app(tmp_path, store, theme="not-a-theme", settings_path=path)
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            assert app.theme == "textual-dark"
            app.theme = "dracula"
            await settle(pilot)
            messages = [n.message for n in app._notifications]
            assert any("The setting theme was not saved" in m and "fix it first" in m
                       for m in messages)  # fmt: skip
        assert path.read_text() == 'theme = "nord\n'
    finally:
        store.close()
