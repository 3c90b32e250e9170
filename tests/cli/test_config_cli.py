"""`backroutine config`, and the settings reaching the commands (flags over them)."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import pytest

from backroutine import audio
from backroutine.cli import play
from backroutine.cli.break_runner import every_seconds, hours_of


@pytest.fixture
def settings_file(tmp_path: Path) -> Path:
    return tmp_path / "config" / "backroutine" / "settings.toml"


def test_set_get_and_list(cli, settings_file: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("BACKROUTINE_AUDIO")
    assert cli("config", "set", "audio", "bell").code == 0
    result = cli("config", "set", "break_every", "45m")
    assert result.code == 0 and result.out == f"break_every = 45m (in {settings_file})\n"
    assert cli("config", "get", "audio").out == "bell\n"
    assert cli("config", "get", "voice").out == "off\n"
    assert stat.S_IMODE(settings_file.stat().st_mode) == 0o600
    listed = cli("config", "list").out.splitlines()
    assert listed[0] == f"# {settings_file}"
    assert "audio = bell    # file; auto, bell, off" in listed
    assert "voice = off    # default; on, off" in listed
    data = json.loads(cli("config", "list", "--json").out)
    assert data["settings"]["break_every"] == 45 * 60
    assert data["sources"]["audio"] == "file"


def test_a_variable_wins_over_the_file_and_set_says_so(cli, settings_file: Path) -> None:
    # conftest sets BACKROUTINE_AUDIO=off
    result = cli("config", "set", "audio", "bell")
    assert result.code == 0
    assert "$BACKROUTINE_AUDIO is set here and wins over the file" in result.out
    assert cli("config", "get", "audio").out == "off\n"
    assert 'audio = "bell"' in settings_file.read_text()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["set", "colour", "red"], 'unknown setting "colour"; the settings are: theme, audio, sound_backend, voice, break_every, break_hours'),
        (["get", "colour"], 'unknown setting "colour"; the settings are: theme'),
        (["set", "audio", "loud"], 'audio: "loud" is not one of: auto, bell, off'),
        (["set", "voice", "maybe"], 'voice: "maybe" is not on or off'),
        (["set", "theme", "pink"], 'theme: "pink" is not one of: ansi-dark'),
        (["set", "break_hours", "9-25"], "break_hours: 25 is not an hour of the day"),
        (["set", "break_every", "5s"], 'break_every: "5s" is too short; use at least 10s'),
    ],
)  # fmt: skip
def test_bad_keys_and_values_exit_2_saying_what_is_allowed(
    cli, settings_file: Path, args: list[str], message: str
) -> None:
    result = cli("config", *args)
    assert result.code == 2
    assert result.err.startswith(f"backroutine: {message}")
    assert not settings_file.exists()


def test_a_bad_file_is_reported_once_by_line_and_never_overwritten(
    cli, settings_file: Path
) -> None:
    settings_file.parent.mkdir(parents=True)
    settings_file.write_text('voice = true\ntheme = "nord\n')
    result = cli("list")
    assert result.code == 0
    assert result.err.count("backroutine: ") == 1
    assert "not valid TOML" in result.err and "line 2" in result.err
    assert "defaults are used" in result.err
    result = cli("config", "set", "voice", "off")
    assert result.code == 1 and "fix it first" in result.err
    assert settings_file.read_text() == 'voice = true\ntheme = "nord\n'


def test_unknown_keys_are_reported_with_their_line_and_kept(cli, settings_file: Path) -> None:
    settings_file.parent.mkdir(parents=True)
    settings_file.write_text('# mine\nsparkles = "lots"\n')
    assert cli("config", "set", "voice", "on").code == 0
    result = cli("config", "list")
    assert f'{settings_file}:2: unknown setting "sparkles" (kept, not used)' in result.err
    assert settings_file.read_text() == '# mine\nsparkles = "lots"\nvoice = true\n'


def test_commands_use_the_settings_and_flags_win(
    settings_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("BACKROUTINE_AUDIO")
    settings_file.parent.mkdir(parents=True)
    settings_file.write_text(
        'audio = "bell"\nsound_backend = "stream"\nvoice = "on"\n'
        'break_every = "20m"\nbreak_hours = "9-17,mon-fri"\n'
    )
    assert audio.audio_mode_from_env() == "bell"
    assert audio.sound_backend_from_env() == "stream"
    assert play._voice_wanted(_args(voice=False)) is True
    assert every_seconds(None) == 20 * 60
    assert every_seconds("45m") == 45 * 60  # the flag wins
    hours = hours_of(None)
    assert hours is not None and hours.weekdays == frozenset(range(5))
    assert hours_of("") is None  # --hours "": any time, whatever the file says
    monkeypatch.setenv("BACKROUTINE_AUDIO", "off")  # the variable over the file
    monkeypatch.setenv("BACKROUTINE_VOICE", "0")
    assert audio.audio_mode_from_env() == "off"
    assert play._voice_wanted(_args(voice=False)) is False
    assert play._voice_wanted(_args(voice=True)) is True  # the flag over both


def _args(**values: object) -> object:
    import argparse

    return argparse.Namespace(**values)
