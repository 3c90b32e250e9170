"""The sound port: the Player protocol, the simple players, and the names of the cues.

Every player's play() returns at once and never raises: a sound problem must never crash or
stall a session. Here are the players that need no sound library: silence, the terminal bell
and a recording fake for tests; and the words shared by all players (which cue is loud, which
file a cue name means, what the user is told when sound falls back to the bell).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from contextlib import suppress
from pathlib import Path
from typing import Protocol

from backroutine.core import paths

# The cues worth a terminal bell. "rep" and "tick" come many times a minute; as bells they
# would be a noisy pile rather than a cue, so the bell stays quiet for them.
LOUD_SOUNDS = frozenset({"start", "rest", "side", "bell", "chime"})
SOFT_SOUNDS = frozenset({"rep", "tick"})


def routine_sounds(routine: object | None) -> list[Path]:
    """The routine's own cue files (sound_file), to decode before it starts."""
    found: list[Path] = []
    for step in getattr(routine, "steps", ()):
        for cue in getattr(step, "cues", ()):
            path = getattr(cue, "sound_file", None)
            if isinstance(path, Path) and path not in found:
                found.append(path)
    return found


def preload(player: object, routine: object | None) -> None:
    """Have a player that decodes up front (the stream player) decode the routine's files."""
    load = getattr(player, "preload", None)
    if load is not None:
        with suppress(Exception):
            load(routine_sounds(routine))


def resolve_sound(sound: str | Path) -> Path | None:
    """The file to play: a Path or a "*.wav" string as is, a bundled name in the sounds folder.

    None for an unknown name: the routine loader has already reported those, so the player
    just stays quiet.
    """
    if isinstance(sound, Path):
        return sound
    if sound.lower().endswith(".wav"):
        return Path(sound)
    if sound in paths.bundled_sound_names():
        return paths.bundled_sounds_dir() / f"{sound}.wav"
    return None


def is_loud(sound: str | Path) -> bool:
    """Whether a cue deserves the terminal bell: the loud bundled cues and any cue file."""
    if isinstance(sound, Path) or sound.lower().endswith(".wav"):
        return True
    return sound in LOUD_SOUNDS


def notice_text(reason: str) -> str:
    """What the user is told, once, when real sound gives way to the bell."""
    return f"No sound: {reason}. Using the terminal bell."


def describe_error(error: BaseException) -> str:
    """An error in a few words for a notice: its message (else its type), at most 100 chars."""
    text = str(error).strip() or type(error).__name__
    return text if len(text) <= 100 else text[:99] + "…"


class Player(Protocol):
    """What the session needs from a sound output. play() returns at once and never raises."""

    # A read-only property here so that both plain attributes and properties satisfy it.
    @property
    def name(self) -> str: ...

    def play(self, sound: str | Path) -> None: ...

    def drain(self, timeout: float = 3.0) -> bool:
        """Wait, at most `timeout` s, until what is playing has played to its end (the end
        bell, before the process exits). Returns at once when nothing is playing."""
        ...

    def close(self) -> None: ...


class SilentPlayer:
    """No sound at all (--mute, BACKROUTINE_AUDIO=off)."""

    name = "silent"

    def play(self, sound: str | Path) -> None:
        pass

    def drain(self, timeout: float = 3.0) -> bool:
        return True

    def close(self) -> None:
        pass


class RecordingPlayer:
    """For tests: remembers what it was asked to play, and when."""

    name = "recording"

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self.played: list[tuple[float, str]] = []
        self.drained = 0
        self.closed = False

    def play(self, sound: str | Path) -> None:
        self.played.append((self._clock(), str(sound)))

    def drain(self, timeout: float = 3.0) -> bool:
        self.drained += 1
        return True

    def close(self) -> None:
        self.closed = True


class BellPlayer:
    """The terminal bell for the loud cues, at most one ring per `min_interval` seconds.

    `ring` is app.bell in the TUI, or a function writing "\\a" in plain mode. It is only ever
    called from the thread that calls play().
    """

    name = "bell"

    def __init__(
        self,
        ring: Callable[[], None],
        *,
        min_interval: float = 0.3,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._ring = ring
        self._min_interval = min_interval
        self._clock = clock
        self._last_ring: float | None = None

    def play(self, sound: str | Path) -> None:
        try:
            if not is_loud(sound):
                return
            now = self._clock()
            if self._last_ring is not None and now - self._last_ring < self._min_interval:
                return  # events often coincide (rest + side); one bell says it, a pile jars
            self._last_ring = now
            self._ring()
        except Exception:
            pass  # a closed or odd terminal must not end the session

    def drain(self, timeout: float = 3.0) -> bool:
        return True

    def close(self) -> None:
        pass


class BellFallback:
    """What a sound player does once its sound has failed (the stream and the playsound3
    player alike): says why, once, then rings the bell for the loud cues instead."""

    def __init__(
        self,
        ring: Callable[[], None],
        on_notice: Callable[[str], None],
        *,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._bell = BellPlayer(ring, clock=clock)
        self._on_notice = on_notice
        self._noticed = False  # the caller's thread only, as play() is

    def play(self, sound: str | Path, failure: str) -> None:
        if not self._noticed:
            self._noticed = True
            with suppress(Exception):  # a notice must never end a session
                self._on_notice(notice_text(failure))
        self._bell.play(sound)
