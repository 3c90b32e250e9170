"""Reading the small value languages of routine files: durations, tempos, cue times."""

from __future__ import annotations

import math
import re

from backroutine.core.errors import excerpt

MAX_SECONDS = 2 * 60 * 60  # "longer than 2 hours is an error"

# Kept in step with DURATION_PATTERN in schema.py (a test checks they agree).
_DURATION = re.compile(r"\s*(?:(\d+)h)?\s*(?:(\d+)m)?\s*(?:(\d+)s)?\s*\Z")
DURATION_HELP = "use 45s, 2m, 1m30s or seconds"
_LONGEST_DURATION = 40  # characters; "1h 30m 15s" is 10
_WHOLE = re.compile(r"-?\d+\Z")
_HUGE = 10**13  # stands in for any number of more than 12 digits: beyond every limit here


def _digits(text: str) -> int:
    """int(text) for a run of digits, without converting thousands of them (Python refuses
    more than 4300, and the conversion is quadratic): a longer number is simply huge."""
    return int(text) if len(text) <= 12 else _HUGE


class ValueProblem(ValueError):
    """A value that cannot be read; the message says what is allowed."""


def parse_duration(value: object, *, allow_zero: bool = False) -> int:
    """Whole seconds from `45`, `"45s"`, `"2m"`, `"1m30s"` or `"1h"`."""
    if isinstance(value, bool) or value is None:
        raise ValueProblem(f"{_show(value)} is not a duration ({DURATION_HELP})")
    if isinstance(value, float):
        if math.isfinite(value) and value.is_integer():
            value = int(value)
        else:
            raise ValueProblem(f"{_show(value)} is not a whole number of seconds ({DURATION_HELP})")
    if isinstance(value, int):
        seconds = value
    elif isinstance(value, str):
        text = value.strip()
        if _WHOLE.match(text):
            if text.startswith("-"):
                raise ValueProblem(f"{_show(value)} is negative; a duration must be positive")
            seconds = _digits(text)
        else:
            negative = text.startswith("-")
            # The pattern's runs of spaces backtrack cubically on a long string: no duration
            # is longer than a few characters, so a long one is refused before it is matched.
            short = len(text) <= _LONGEST_DURATION
            match = _DURATION.match(text[1:] if negative else text) if short else None
            if not text or match is None or not any(match.groups()):
                raise ValueProblem(f"{_show(value)} is not a duration ({DURATION_HELP})")
            h, m, s = (_digits(g) if g else 0 for g in match.groups())
            seconds = h * 3600 + m * 60 + s
            if negative:
                seconds = -seconds
    else:
        raise ValueProblem(f"a duration is expected here, not a list or mapping ({DURATION_HELP})")
    if seconds < 0:
        raise ValueProblem(f"{_show(value)} is negative; a duration must be positive")
    if seconds == 0 and not allow_zero:
        raise ValueProblem(f"{_show(value)} is zero; a duration must be at least 1 second")
    if seconds > MAX_SECONDS:
        raise ValueProblem(f"{_show(value)} is longer than 2 hours, the most a duration may be")
    return seconds


_TEMPO = re.compile(r"\d+(?:-\d+){1,3}\Z")
TEMPO_HELP = 'use 2 to 4 whole seconds joined by "-", e.g. 2-1-2 for up, hold, down'


def parse_tempo(value: object) -> tuple[int, ...]:
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise ValueProblem(f"{_show(value)} is not a tempo ({TEMPO_HELP})")
    text = str(value).strip().replace(" ", "")
    if not _TEMPO.match(text):
        raise ValueProblem(f"{_show(value)} is not a tempo ({TEMPO_HELP})")
    phases = tuple(_digits(p) for p in text.split("-"))
    if any(p > 60 for p in phases):
        raise ValueProblem(f"{_show(value)}: each tempo phase may be 0 to 60 seconds")
    if sum(phases) == 0:
        raise ValueProblem(f"{_show(value)}: the tempo phases add up to 0; a rep needs time")
    return phases


_PERCENT = re.compile(r"\s*(\d+(?:\.\d+)?)\s*%\s*\Z")
CUE_AT_HELP = "use a share of the step such as 50%, seconds from its start such as 10s, "
CUE_AT_HELP += "or seconds before its end such as -5s"


def parse_cue_at(value: object) -> tuple[str, float]:
    """("percent" | "from_start" | "from_end", amount)."""
    if isinstance(value, str) and "%" in value:
        match = _PERCENT.match(value)
        if not match:
            raise ValueProblem(f"{_show(value)} is not a cue time ({CUE_AT_HELP})")
        amount = float(match.group(1))
        if amount > 100:
            raise ValueProblem(f"{_show(value)} is more than 100% of the step")
        return "percent", amount
    if isinstance(value, int | float) and not isinstance(value, bool):
        negative = value < 0
        magnitude: object = -value if negative else value
    elif isinstance(value, str):
        text = value.strip()
        negative = text.startswith("-")
        magnitude = text[1:] if negative else text
        if any(char.isspace() for char in magnitude):  # "- 5s", "1m 30s": as the schema says
            raise ValueProblem(f"{_show(value)} is not a cue time ({CUE_AT_HELP})")
    else:
        raise ValueProblem(f"{_show(value)} is not a cue time ({CUE_AT_HELP})")
    try:
        seconds = parse_duration(magnitude, allow_zero=not negative)
    except ValueProblem:
        raise ValueProblem(f"{_show(value)} is not a cue time ({CUE_AT_HELP})") from None
    return ("from_end" if negative else "from_start"), float(seconds)


def format_seconds(seconds: float) -> str:
    """45 -> "45s", 90 -> "1m30s", 3600 -> "1h"; the form durations are written in."""
    total = round(seconds)
    h, rest = divmod(total, 3600)
    m, s = divmod(rest, 60)
    out = (f"{h}h" if h else "") + (f"{m}m" if m else "") + (f"{s}s" if s else "")
    return out or "0s"


def format_clock(seconds: float) -> str:
    """125 -> "2:05", 3725 -> "1:02:05"."""
    total = max(0, round(seconds))
    h, rest = divmod(total, 3600)
    m, s = divmod(rest, 60)
    return f"{h}:{m:02d}:{s:02d}" if h else f"{m}:{s:02d}"


def _show(value: object) -> str:
    if isinstance(value, str):
        return f'"{excerpt(value)}"'  # a short, escaped excerpt of the file's text
    if value is None:
        return "an empty value"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    return excerpt(str(value))  # numbers are short: the reader keeps long ones as text


show_value = _show
