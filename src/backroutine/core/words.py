"""Counts and minutes in words, the same on every screen, in every command and file.

Minutes are computed once, from seconds actually moved, to a tenth (`minutes_of`: what sums,
charts and JSON hold), and shown by one rule (`minutes_text`): under a
minute is "<1 min" (from a tenth: 3 s), and anything longer is whole minutes, a half
rounded up (what shows as 0.0 is "0 min"). A 31 s session
is "<1 min" on the home screen, in the history, in the CLI and in the charts' words alike.
"""

from __future__ import annotations

import math


def plural(count: int, one: str, many: str | None = None) -> str:
    """ "1 day", "2 days", "0 sessions"; `many` for a word that is not just one + "s"."""
    return f"{count} {one if count == 1 else (many or one + 's')}"


def minutes_of(seconds: float) -> float:
    """Seconds moved as minutes, to a tenth: the one computation of minutes."""
    return round(seconds / 60, 1)


def minutes_number(minutes: float) -> str:
    """The number shown for `minutes` (from `minutes_of`): "0", "<1", or whole minutes."""
    if minutes <= 0:
        return "0"
    if minutes < 1:
        return "<1"
    return str(math.floor(minutes + 0.5))  # a half rounds up (round() would go to even)


def minutes_text(minutes: float) -> str:
    """ "0 min", "<1 min", "12 min"."""
    return f"{minutes_number(minutes)} min"
