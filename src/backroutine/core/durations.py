"""Reading the small value languages of routine files: durations, tempos, cue times."""

from __future__ import annotations

import math
import re

from backroutine.core import format
from backroutine.core.errors import excerpt

MAX_SECONDS = format.MAX_SECONDS  # "longer than 2 hours is an error"

_DURATION = re.compile(format.DURATION)
_PARTS = re.compile(r"([0-9]+)([hms]?)")
_UNIT_SECONDS = {"h": 3600, "m": 60, "s": 1, "": 1}
DURATION_HELP = "use 45s, 2m, 1m30s or seconds"
_HUGE = 10**13  # stands in for any number of more than 12 digits: beyond every limit here


def _digits(text: str) -> int:
    """int(text) for a run of digits, without converting thousands of them (Python refuses
    more than 4300, and the conversion is quadratic): a longer number is simply huge."""
    return int(text) if len(text) <= 12 else _HUGE


class ValueProblem(ValueError):
    """A value that cannot be read; the message says what is allowed."""


def parse_duration(value: object, *, allow_zero: bool = False) -> int:
    """Whole seconds from `45`, `"45s"`, `"2m"`, `"1m30s"` or `"1h"` (format.DURATION)."""
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
        text = value.strip(" \t")
        if text.startswith("-"):
            raise ValueProblem(f"{_show(value)} is negative; a duration must be positive")
        if text.isascii() and text.isdigit():  # whole seconds, however many digits
            seconds = _digits(text)
        # No duration is longer than a few characters: a long text is refused unread.
        elif len(value) > format.MAX_DURATION_TEXT or not _DURATION.fullmatch(value):
            raise ValueProblem(f"{_show(value)} is not a duration ({DURATION_HELP})")
        else:
            seconds = sum(_digits(n) * _UNIT_SECONDS[u] for n, u in _PARTS.findall(value))
    else:
        raise ValueProblem(f"a duration is expected here, not a list or mapping ({DURATION_HELP})")
    if seconds < 0:
        raise ValueProblem(f"{_show(value)} is negative; a duration must be positive")
    if seconds == 0 and not allow_zero:
        raise ValueProblem(f"{_show(value)} is zero; a duration must be at least 1 second")
    if seconds > MAX_SECONDS:
        raise ValueProblem(f"{_show(value)} is longer than 2 hours, the most a duration may be")
    return seconds


_TEMPO_SHAPE = re.compile(r"[ \t]*[0-9]+(?:[ \t]*-[ \t]*[0-9]+){1,3}[ \t]*")
TEMPO_HELP = 'use 2 to 4 whole seconds joined by "-", e.g. 2-1-2 for up, hold, down'


def parse_tempo(value: object) -> tuple[int, ...]:
    """Seconds per phase from "2-1-2" (format.TEMPO)."""
    # The shape's pattern has no ambiguity: it is linear however long the text.
    if isinstance(value, bool) or not isinstance(value, str) or not _TEMPO_SHAPE.fullmatch(value):
        raise ValueProblem(f"{_show(value)} is not a tempo ({TEMPO_HELP})")
    phases = tuple(_digits(p) for p in re.findall(r"[0-9]+", value))
    if any(p > format.MAX_TEMPO_PHASE for p in phases):
        raise ValueProblem(f"{_show(value)}: each tempo phase may be 0 to 60 seconds")
    if sum(phases) == 0:
        raise ValueProblem(f"{_show(value)}: the tempo phases add up to 0; a rep needs time")
    return phases  # exactly what format.TEMPO (the schema's pattern) accepts


_CUE_AT = re.compile(format.CUE_AT)
# The shape of a share, to say "more than 100%" rather than "not a cue time".
_PERCENT = re.compile(r"[ \t]*([0-9]+(?:\.[0-9]+)?)[ \t]*%[ \t]*")
CUE_AT_HELP = "use a share of the step such as 50%, seconds from its start such as 10s, "
CUE_AT_HELP += "or seconds before its end such as -5s"


def parse_cue_at(value: object) -> tuple[str, float]:
    """("percent" | "from_start" | "from_end", amount) from "50%", "10s" or "-5s"
    (format.CUE_AT); a number is seconds, negative from the end."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        if not math.isfinite(value):
            raise ValueProblem(f"{_show(value)} is not a cue time ({CUE_AT_HELP})")
        negative = value < 0
        try:
            seconds = parse_duration(-value if negative else value, allow_zero=not negative)
        except ValueProblem:
            raise ValueProblem(f"{_show(value)} is not a cue time ({CUE_AT_HELP})") from None
        return ("from_end" if negative else "from_start"), float(seconds)
    if not isinstance(value, str) or len(value) > format.MAX_DURATION_TEXT:
        raise ValueProblem(f"{_show(value)} is not a cue time ({CUE_AT_HELP})")
    percent = _PERCENT.fullmatch(value)
    if percent is not None:
        amount = float(percent.group(1))
        if amount > 100:
            raise ValueProblem(f"{_show(value)} is more than 100% of the step")
        return "percent", amount
    if not _CUE_AT.fullmatch(value):
        raise ValueProblem(f"{_show(value)} is not a cue time ({CUE_AT_HELP})")
    text = value.strip()
    negative = text.startswith("-")
    seconds = parse_duration(text[1:] if negative else text, allow_zero=True)
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
