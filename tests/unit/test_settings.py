"""settings.py: defaults, then the file, then the environment; a bad file never stops a run
and is never overwritten; writes keep every other line."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from backroutine import settings
from backroutine.settings import SettingError, check_value, load, write_setting


@pytest.fixture
def path(tmp_path: Path) -> Path:
    return tmp_path / "config" / "backroutine" / "settings.toml"


def test_defaults_without_a_file(path: Path) -> None:
    loaded = load(path, {})
    assert loaded.problems == ()
    assert loaded.settings == settings.Settings()
    assert set(loaded.settings.sources.values()) == {"default"}


def test_the_file_then_the_environment(path: Path) -> None:
    path.parent.mkdir(parents=True)
    path.write_text('audio = "bell"\nvoice = true\nbreak_every = "45m"\ntheme = "nord"\n')
    loaded = load(path, {"BACKROUTINE_AUDIO": "off", "BACKROUTINE_BREAK_HOURS": "9-17"})
    s = loaded.settings
    assert (s.audio, s.voice, s.break_every, s.theme, s.break_hours) == (
        "off",
        True,
        45 * 60,
        "nord",
        "9-17",
    )
    assert s.sources["audio"] == "BACKROUTINE_AUDIO"
    assert s.sources["voice"] == "file"
    assert s.sources["sound_backend"] == "default"
    assert loaded.problems == ()


@pytest.mark.parametrize(
    ("variable", "value", "name", "expected"),
    [
        ("BACKROUTINE_AUDIO", " BELL ", "audio", "bell"),
        ("BACKROUTINE_SOUND_BACKEND", "playsound3", "sound_backend", "playsound3"),
        ("BACKROUTINE_VOICE", "yes", "voice", True),
        ("BACKROUTINE_VOICE", "0", "voice", False),
        ("BACKROUTINE_BREAK_EVERY", "1h", "break_every", 3600),
        ("BACKROUTINE_THEME", "dracula", "theme", "dracula"),
    ],
)  # fmt: skip
def test_each_variable_sets_its_setting(
    path: Path, variable: str, value: str, name: str, expected: object
) -> None:
    assert load(path, {variable: value}).settings.get(name) == expected


def test_a_variable_with_a_typo_is_ignored_and_the_file_stays(path: Path) -> None:
    path.parent.mkdir(parents=True)
    path.write_text('audio = "bell"\n')
    loaded = load(path, {"BACKROUTINE_AUDIO": "loud", "BACKROUTINE_VOICE": ""})
    assert loaded.settings.audio == "bell"
    assert loaded.problems == ('BACKROUTINE_AUDIO: "loud" is not one of: auto, bell, off; ignored',)


def test_a_file_that_does_not_parse_names_its_line_and_is_not_used(path: Path) -> None:
    path.parent.mkdir(parents=True)
    text = 'voice = true\naudio = "bell\n'
    path.write_text(text)
    loaded = load(path, {})
    assert loaded.settings == settings.Settings()
    (problem,) = loaded.problems
    assert problem.startswith(f"{path}: not valid TOML")
    assert "line 2" in problem and "defaults are used" in problem
    with pytest.raises(SettingError, match="not valid TOML"):
        write_setting("voice", False, path)
    assert path.read_text() == text  # nothing overwritten


def test_bad_values_and_unknown_keys_name_their_lines(path: Path) -> None:
    path.parent.mkdir(parents=True)
    path.write_text('# mine\nvoice = "maybe"\ncolour = "red"\nbreak_every = "2s"\n[extra]\nx = 1\n')
    loaded = load(path, {})
    assert loaded.settings.voice is False and loaded.settings.break_every == 50 * 60
    assert loaded.problems == (
        f'{path}:2: voice: "maybe" is not on or off (true, false, on, off, yes, no, 1, 0); the default is used',
        f'{path}:3: unknown setting "colour" (kept, not used)',
        f'{path}:4: break_every: "2s" is too short; use at least 10s; the default is used',
        f'{path}:5: unknown setting "extra" (kept, not used)',
    )


def test_writing_keeps_every_other_line_and_is_owner_only(path: Path) -> None:
    path.parent.mkdir(parents=True)
    path.write_text(
        '# my settings\naudio = "bell"  # quiet office\ncolour = "red"\n[extra]\nvoice = 1\n'
    )
    os.chmod(path, 0o644)
    write_setting("audio", "off", path)
    write_setting("voice", True, path)
    write_setting("break_every", 45 * 60, path)
    assert path.read_text() == (
        '# my settings\naudio = "off"\ncolour = "red"\nvoice = true\nbreak_every = "45m"\n'
        "[extra]\nvoice = 1\n"
    )
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert [p.name for p in path.parent.iterdir()] == ["settings.toml"]  # no temporary left
    loaded = load(path, {})
    assert (loaded.settings.audio, loaded.settings.voice) == ("off", True)


def test_a_new_file_and_folder_are_made(path: Path) -> None:
    write_setting("theme", "nord", path)
    assert path.read_text() == 'theme = "nord"\n'
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    assert load(path, {}).settings.theme == "nord"


def test_strings_are_written_as_toml_strings(path: Path) -> None:
    write_setting("break_hours", "9-17:30,mon-fri", path)
    assert load(path, {}).settings.break_hours == "9-17:30,mon-fri"


@pytest.mark.parametrize(
    ("name", "raw", "message"),
    [
        ("colour", "red", 'unknown setting "colour"; the settings are: theme, audio'),
        ("audio", "loud", 'audio: "loud" is not one of: auto, bell, off'),
        ("theme", "no-such-theme", "theme: \"no-such-theme\" is not one of: ansi-dark"),
        ("break_every", "soon", "break_every: "),
        ("break_hours", "25-3", "break_hours: 25 is not an hour"),
        ("voice", "maybe", 'voice: "maybe" is not on or off'),
    ],
)  # fmt: skip
def test_check_value_says_what_is_allowed(name: str, raw: str, message: str) -> None:
    with pytest.raises(SettingError) as caught:
        check_value(name, raw)
    assert str(caught.value).startswith(message)


def test_check_value_takes_what_the_file_takes() -> None:
    assert check_value("voice", "ON") is True
    assert check_value("break_every", "1h") == 3600
    assert check_value("break_hours", "") == ""
    assert check_value("theme", "textual-light") == "textual-light"


def test_the_default_path_is_in_the_user_config_folder() -> None:
    from platformdirs import user_config_dir

    folder = Path(user_config_dir("backroutine", appauthor=False))
    assert settings.settings_path() == folder / "settings.toml"


# Reads of the environment outside settings.py: none of them a BACKROUTINE_* variable.
OTHER_READERS = {
    "common.py": ("TEXTUAL_DRIVER", "TERM"),
    "playsound.py": ("PLAYSOUND3_BACKEND",),
    "device_probe.py": (
        "env = os.environ if environ is None else environ",
        "(default: os.environ)",
    ),
}


def test_only_settings_reads_the_environment_for_backroutine() -> None:
    src = Path(settings.__file__).parent
    strays = []
    for file in sorted(src.rglob("*.py")):
        if file.name == "settings.py":
            continue
        for line in file.read_text(encoding="utf-8").splitlines():
            if "os.environ" in line or "getenv" in line:
                allowed = OTHER_READERS.get(file.name, ())
                if not any(word in line for word in allowed):
                    strays.append(f"{file.name}: {line.strip()}")
    assert strays == []


@pytest.mark.parametrize(
    "text",
    ['theme = """nord\n"""\n', "[theme]\nname = 1\n"],
)
def test_a_key_that_is_not_one_line_is_left_for_the_person(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True)
    path.write_text(text)
    with pytest.raises(SettingError, match="is not one `theme = value` line; edit it by hand"):
        write_setting("theme", "dracula", path)
    assert path.read_text() == text
