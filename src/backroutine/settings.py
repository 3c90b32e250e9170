"""Settings: the one reader of the settings file and of the BACKROUTINE_* variables.

Each setting comes from, in order (the later wins): its default, the settings file
(`settings.toml` in the platform's user config folder, e.g. ~/.config/backroutine/), its
environment variable, and a command's flag (the caller applies flags: `--mute`, `--voice`,
`--every`, `--hours`). Nothing else in backroutine reads the environment for a BACKROUTINE_*
variable.

The file is data from outside: it is read with tomllib and every value is checked here. A file
that does not parse gives one problem naming its line, and every setting keeps its default; a
bad value gives a problem naming its line, and that setting keeps its default. Unknown keys are
reported with their line and kept: `write_setting` changes only the line of the key it writes,
and refuses to touch a file that does not parse. Settings are never safety decisions: they pick
sounds, looks and timings, never what a routine may do.

Only the standard library and platformdirs are imported at the top: quick commands read this.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
import threading
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from backroutine.core.breaks import parse_working_hours
from backroutine.core.durations import ValueProblem, format_seconds, parse_duration

APP_NAME = "backroutine"
FILE_NAME = "settings.toml"
HOME_VARIABLE = "BACKROUTINE_HOME"
DEBUG_VARIABLE = "BACKROUTINE_DEBUG"
TRUE_WORDS = ("1", "on", "yes", "true")
FALSE_WORDS = ("0", "off", "no", "false")
MIN_BREAK_EVERY = 10  # seconds, as `breaks --every`: shorter ones are only for trying it
# One write at a time in this process (the app saves a theme and the settings screen in
# threads): each write reads the file and changes a line, so two at once could lose one.
_WRITING = threading.Lock()


class SettingError(ValueError):
    """A value a setting does not take; the message says what is allowed."""


Value = str | bool | int


def _choice(*allowed: str) -> Callable[[object], Value]:
    def check(raw: object) -> Value:
        text = str(raw).strip().lower() if isinstance(raw, str) else None
        if text not in allowed:
            raise SettingError(f"{_shown(raw)} is not one of: {', '.join(allowed)}")
        return text

    return check


def _bool(raw: object) -> Value:
    if isinstance(raw, bool):
        return raw
    text = str(raw).strip().lower() if isinstance(raw, str) else ""
    if text in TRUE_WORDS:
        return True
    if text in FALSE_WORDS:
        return False
    raise SettingError(f"{_shown(raw)} is not on or off (true, false, on, off, yes, no, 1, 0)")


def _theme(raw: object) -> Value:
    # The shape only: which themes exist is Textual's to say (checked by `config set` and
    # the app, which keeps its default for a theme it does not have).
    if not isinstance(raw, str) or not re.fullmatch(r"[a-z0-9][a-z0-9-]{0,40}", raw.strip()):
        raise SettingError(f"{_shown(raw)} is not a theme name (e.g. textual-dark, nord)")
    return raw.strip()


def _every(raw: object) -> Value:
    if isinstance(raw, bool) or not isinstance(raw, str | int):
        raise SettingError(f"{_shown(raw)} is not a time such as 50m, 45m or 1h")
    try:
        seconds = parse_duration(raw)
    except ValueProblem as exc:
        raise SettingError(f"{exc} (a time such as 50m, 45m or 1h)") from None
    if seconds < MIN_BREAK_EVERY:
        raise SettingError(f"{_shown(raw)} is too short; use at least {MIN_BREAK_EVERY}s")
    return seconds


def _hours(raw: object) -> Value:
    if not isinstance(raw, str):
        raise SettingError(f'{_shown(raw)} is not working hours such as "9-17:30,mon-fri"')
    if raw.strip() in ("", "any"):
        return ""  # no working hours: breaks come at any time
    try:
        parse_working_hours(raw.strip())
    except ValueError as exc:
        raise SettingError(f'{exc} (e.g. "9-17:30", "8:30-16,mon-thu", or "")') from None
    return raw.strip()


@dataclass(frozen=True)
class Key:
    name: str
    help: str
    default: Value
    check: Callable[[object], Value]
    allowed: str  # for help and for messages

    @property
    def env(self) -> str:
        return f"BACKROUTINE_{self.name.upper()}"


# The one list of settings: the file, `config`, the settings screen and the README follow it.
KEYS: tuple[Key, ...] = (
    Key("theme", "the app's colours", "textual-dark", _theme, "a Textual theme name"),
    Key("audio", "cue sounds", "auto", _choice("auto", "bell", "off"), "auto, bell, off"),
    Key(
        "sound_backend",
        "which real sound: the stream, else playsound3 (auto), or only one",
        "auto",
        _choice("auto", "stream", "playsound3"),
        "auto, stream, playsound3",
    ),
    Key("voice", "speak the cues (as --voice)", False, _bool, "on, off"),
    Key("break_every", "time between desk breaks", 50 * 60, _every, "a time, e.g. 50m, 1h"),
    Key(
        "break_hours",
        "when desk breaks come (empty: any time)",
        "",
        _hours,
        'working hours, e.g. "9-17:30,mon-fri", or ""',
    ),
)
BY_NAME = {key.name: key for key in KEYS}


@dataclass(frozen=True)
class Settings:
    theme: str = "textual-dark"
    audio: str = "auto"
    sound_backend: str = "auto"
    voice: bool = False
    break_every: int = 50 * 60
    break_hours: str = ""
    debug: bool = False  # BACKROUTINE_DEBUG: tracebacks for bug reports (no file key)
    # Where each value came from: "default", "file" or the variable's name.
    sources: Mapping[str, str] = field(default_factory=dict, compare=False)

    def get(self, name: str) -> Value:
        return getattr(self, name)  # type: ignore[no-any-return]


@dataclass(frozen=True)
class Loaded:
    settings: Settings
    path: Path
    problems: tuple[str, ...] = ()  # each names the file and line, or the variable


def settings_path() -> Path:
    """settings.toml in the platform's user config folder ($XDG_CONFIG_HOME on Linux)."""
    from platformdirs import user_config_dir

    return Path(user_config_dir(APP_NAME, appauthor=False)) / FILE_NAME


def environment(name: str, environ: Mapping[str, str] | None = None) -> str | None:
    """One variable, for the few read outside the settings object (BACKROUTINE_HOME)."""
    return (os.environ if environ is None else environ).get(name)


def home_from_env(environ: Mapping[str, str] | None = None) -> str | None:
    """$BACKROUTINE_HOME, the data folder (read where the data folder is chosen)."""
    return environment(HOME_VARIABLE, environ) or None


def shown_value(name: str, value: Value) -> str:
    """A value as `config get` prints it and `config set` takes it."""
    if isinstance(value, bool):
        return "on" if value else "off"
    if name == "break_every" and isinstance(value, int):
        return format_seconds(value)
    return str(value)


def load(path: Path | None = None, environ: Mapping[str, str] | None = None) -> Loaded:
    """The settings: defaults, then the file, then the environment. Never raises for what
    the file or the environment holds; what was wrong is in `problems`."""
    path = settings_path() if path is None else path
    env = os.environ if environ is None else environ
    values: dict[str, Value] = {key.name: key.default for key in KEYS}
    sources = {key.name: "default" for key in KEYS}
    problems: list[str] = []
    text, table = _read(path, problems)
    for name, raw in table.items():
        line = _line_of(text, name)
        key = BY_NAME.get(name)
        if key is None:
            problems.append(f"{path}:{line}: unknown setting {_shown(name)} (kept, not used)")
            continue
        try:
            values[name] = key.check(raw)
            sources[name] = "file"
        except SettingError as exc:
            problems.append(f"{path}:{line}: {name}: {exc}; the default is used")
    for key in KEYS:
        raw_env = env.get(key.env, "").strip()
        if not raw_env:
            continue
        try:
            values[key.name] = key.check(raw_env)
            sources[key.name] = key.env
        except SettingError as exc:
            # As documented since before the file: a typo in a variable is ignored, never a
            # reason to refuse to run (the file's value or the default stays).
            problems.append(f"{key.env}: {exc}; ignored")
    debug = bool(env.get(DEBUG_VARIABLE))
    settings = Settings(**values, debug=debug, sources=sources)  # type: ignore[arg-type]
    return Loaded(settings, path, tuple(problems))


def _read(path: Path, problems: list[str]) -> tuple[str, dict[str, object]]:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return "", {}
    except (OSError, UnicodeDecodeError) as exc:
        problems.append(f"{path}: cannot be read ({_reason(exc)}); the defaults are used")
        return "", {}
    try:
        return text, tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        # tomllib's message ends "(at line N, column M)": the line is named.
        problems.append(
            f"{path}: not valid TOML: {exc}; the defaults are used and the file is left as it is"
        )
        return text, {}


def _line_of(text: str, name: str) -> int:
    """The line (from 1) where a top-level key is set, for messages; 0 when not found."""
    quoted = re.escape(name)
    pattern = re.compile(rf"^\s*(\"{quoted}\"|'{quoted}'|{quoted})\s*[=.]")
    in_table = False  # keys after a [table] header are that table's, not top-level ones
    for number, line in enumerate(text.splitlines(), 1):
        if line.lstrip().startswith("["):
            in_table = True
            if line.strip().strip("[]").strip() == name:
                return number
        elif not in_table and pattern.match(line):
            return number
    return 0


def key_named(name: str) -> Key:
    """The key of that name; SettingError listing the keys otherwise."""
    key = BY_NAME.get(name)
    if key is None:
        names = ", ".join(BY_NAME)
        raise SettingError(f"unknown setting {_shown(name)}; the settings are: {names}")
    return key


def check_value(name: str, raw: str) -> Value:
    """A value typed by the person (`config set`, the settings screen), checked. SettingError
    says what is wrong: an unknown key lists the keys, a bad value what is allowed."""
    key = key_named(name)
    try:
        value = key.check(raw)
    except SettingError as exc:
        raise SettingError(f"{name}: {exc}") from None
    if name == "theme":
        from textual.theme import BUILTIN_THEMES  # only when a theme is set, not at start

        if value not in BUILTIN_THEMES:
            names = ", ".join(sorted(BUILTIN_THEMES))
            raise SettingError(f"theme: {_shown(raw)} is not one of: {names}")
    return value


def write_setting(name: str, value: Value, path: Path | None = None) -> Path:
    """Sets one key in the file, keeping every other line (comments and unknown keys too).
    Written owner-only, through a new file renamed over the old one, so a crash leaves the
    old file or the new, never half of one. OSError or SettingError (a file that does not
    parse is never overwritten: the person's other settings would be lost)."""
    path = settings_path() if path is None else path
    with _WRITING:
        _write_one(name, value, path)
    return path


def _write_one(name: str, value: Value, path: Path) -> None:
    key = BY_NAME[name]
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        text = ""
    except UnicodeDecodeError:
        raise SettingError(f"{path} is not UTF-8 text; fix or remove it first") from None
    try:
        tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise SettingError(f"{path} is not valid TOML ({exc}); fix it first: not changed") from None
    new_line = f"{key.name} = {_toml(name, value)}"
    lines = text.splitlines()
    at = _line_of(text, name)
    if at and not lines[at - 1].lstrip().startswith("["):
        lines[at - 1] = new_line
    else:
        # Top-level keys go before the first table, where TOML reads them as top-level.
        first_table = next(
            (i for i, line in enumerate(lines) if line.lstrip().startswith("[")), len(lines)
        )
        lines.insert(first_table, new_line)
    new_text = "\n".join(lines) + "\n"
    try:
        written = tomllib.loads(new_text).get(name)
    except tomllib.TOMLDecodeError:
        written = None
    if written is None or key.check(written) != value:
        # A value spread over lines (a multi-line string) or a [table] of that name: not one
        # line this writer can replace. The file is left as it is.
        raise SettingError(f"{path}:{at}: {name} is not one `{name} = value` line; edit it by hand")
    _write_atomically(path, new_text)


def _toml(name: str, value: Value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if name == "break_every" and isinstance(value, int):
        value = format_seconds(value)
    # A JSON string is a TOML basic string (ensure_ascii off: TOML has no surrogate escapes).
    return json.dumps(str(value), ensure_ascii=False)


def _write_atomically(path: Path, text: str) -> None:
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    fd, temporary = tempfile.mkstemp(prefix=".settings-", suffix=".tmp", dir=path.parent)
    try:
        if hasattr(os, "fchmod"):  # not on Windows, where the folder's rights apply
            os.fchmod(fd, 0o600)  # mkstemp makes it 0600 already; said for the reader
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(text)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _shown(raw: object) -> str:
    return json.dumps(raw, ensure_ascii=True) if isinstance(raw, str) else repr(raw)


def _reason(exc: BaseException) -> str:
    return getattr(exc, "strerror", None) or type(exc).__name__
