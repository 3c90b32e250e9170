"""Settings in the app: the theme from the settings file at start, and a theme chosen in the
command palette written back to it (issue 21, item 5)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from textual.widgets import Input, Select, Static

from backroutine import settings
from backroutine.core.history import HistoryStore
from backroutine.ui.app import make_app
from backroutine.ui.screens.home import HomeScreen
from backroutine.ui.screens.settings import SettingsScreen

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


async def _home_with_settings(pilot, app) -> SettingsScreen:
    await settle(pilot)
    assert isinstance(app.screen, HomeScreen)
    await pilot.press("comma")
    await settle(pilot)
    assert isinstance(app.screen, SettingsScreen)
    return app.screen


def _note(screen: SettingsScreen, name: str) -> str:
    return str(screen.query_one(f"#note-{name}", Static).render())


async def test_the_settings_screen_shows_checks_and_writes_the_file(
    tmp_path: Path, monkeypatch
) -> None:
    monkeypatch.delenv("BACKROUTINE_AUDIO")
    monkeypatch.setenv("BACKROUTINE_SOUND_BACKEND", "stream")
    path = tmp_path / "config" / "settings.toml"
    path.parent.mkdir(parents=True)
    path.write_text('# mine\nbreak_every = "45m"\nsparkles = 1\n')
    store = HistoryStore.open(tmp_path / "data")
    store.save_red_flags([], at=datetime.now(UTC))
    try:
        app = _app(tmp_path, store, settings_path=path)
        async with app.run_test(size=(80, 24)) as pilot:
            screen = await _home_with_settings(pilot, app)
            # What the file and the variables say, where it comes from, and what is wrong.
            assert screen.query_one("#field-break_every", Input).value == "45m"
            assert screen.query_one("#field-audio", Select).value == "auto"
            assert screen.query_one("#field-sound_backend", Select).value == "stream"
            assert "$BACKROUTINE_SOUND_BACKEND is set" in _note(screen, "sound_backend")
            problems = str(screen.query_one("#settings-problems", Static).render())
            assert f'{path}:3: unknown setting "sparkles"' in problems
            # Save and Close are on screen at 80x24.
            for button in ("#settings-save", "#settings-close"):
                region = screen.query_one(button).region
                assert region.y >= 0 and region.bottom <= 24, button
            # A bad value: said under its field, nothing written.
            screen.query_one("#field-break_every", Input).value = "soon"
            await pilot.press("ctrl+s")
            await settle(pilot)
            assert isinstance(app.screen, SettingsScreen)
            assert "break_every:" in _note(screen, "break_every")
            assert path.read_text() == '# mine\nbreak_every = "45m"\nsparkles = 1\n'
            # Good values: written (only what changed), and the theme at once.
            screen.query_one("#field-break_every", Input).value = "1h"
            screen.query_one("#field-voice", Select).value = "on"
            screen.query_one("#field-theme", Select).value = "nord"
            await pilot.click("#settings-save")
            await settle(pilot)
            assert isinstance(app.screen, HomeScreen)
            assert app.theme == "nord"
        text = path.read_text()
        assert text.startswith('# mine\nbreak_every = "1h"\nsparkles = 1\n')
        assert "voice = true\n" in text and 'theme = "nord"\n' in text
        assert "sound_backend" not in text  # the variable's value is not copied into the file
        loaded = settings.load(path, {}).settings
        assert (loaded.break_every, loaded.voice, loaded.theme) == (3600, True, "nord")
    finally:
        store.close()


async def test_the_palette_opens_the_settings(tmp_path: Path) -> None:
    store = HistoryStore.open(tmp_path / "data")
    store.save_red_flags([], at=datetime.now(UTC))
    try:
        app = _app(tmp_path, store, settings_path=tmp_path / "settings.toml")
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            await pilot.press("ctrl+p")
            await pilot.pause()
            await pilot.press(*"Settings")
            await pilot.pause(0.3)
            await pilot.press("enter")
            await settle(pilot)
            assert isinstance(app.screen, SettingsScreen)
            await pilot.press("escape")
            await settle(pilot)
            assert isinstance(app.screen, HomeScreen)
        assert not (tmp_path / "settings.toml").exists()  # nothing saved by looking
    finally:
        store.close()
