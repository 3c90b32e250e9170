"""The speech port: the Speaker protocol, the silent and recording speakers, and the text as
it is spoken.

Every speaker's say() returns at once and never raises: a voice problem must never crash or
stall a session.
"""

from __future__ import annotations

import time
import unicodedata
from collections.abc import Callable
from typing import Protocol

MAX_TEXT = 200  # characters; a cue is a few words, anything longer is a mistake or an attack


def clean_text(text: str, limit: int = MAX_TEXT) -> str:
    """The text as it is spoken: control and format characters become spaces, runs of
    whitespace one space, and at most `limit` characters (cut at a word when one is near)."""
    cleaned = "".join(" " if unicodedata.category(ch).startswith("C") else ch for ch in text)
    cleaned = " ".join(cleaned.split())
    if len(cleaned) <= limit:
        return cleaned
    cut = cleaned[:limit]
    space = cut.rfind(" ")
    if space >= limit // 2 and not cleaned[limit].isspace():
        cut = cut[:space]
    return cut.rstrip()


class Speaker(Protocol):
    """What the session needs from a voice. say() returns at once and never raises.

    priority: higher is more important (the session uses 1 for countdown numbers, 2 for step
    changes, 3 for cue texts and the end); see CommandSpeaker for what it decides.
    """

    # A read-only property here so that both plain attributes and properties satisfy it.
    @property
    def name(self) -> str: ...

    def say(self, text: str, *, priority: int = 0) -> None: ...

    def close(self) -> None: ...


class SilentSpeaker:
    """No voice at all (voice off, or no speech program)."""

    name = "silent"

    def say(self, text: str, *, priority: int = 0) -> None:
        pass

    def close(self) -> None:
        pass


class RecordingSpeaker:
    """For tests: remembers what it was asked to say (as given), and when."""

    name = "recording"

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self.said: list[tuple[float, str]] = []
        self.priorities: list[int] = []  # one per entry of `said`
        self.closed = False

    def say(self, text: str, *, priority: int = 0) -> None:
        self.said.append((self._clock(), text))
        self.priorities.append(priority)

    def close(self) -> None:
        self.closed = True
