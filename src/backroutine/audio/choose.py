"""Which player a session gets: the settings, and make_player.

Real sound, in order ($BACKROUTINE_SOUND_BACKEND can force one):
1. StreamPlayer (stream.py): one miniaudio stream for the session, cues mixed in-process;
2. SoundPlayer (playsound.py): a playsound3 player process per cue, where no stream opens;
3. BellPlayer (port.py): the terminal bell (and a flash in the TUI).

stream.py and playsound.py are imported only when such a player is made: one loads a C
library (miniaudio), the other starts `gst-play-1.0 --version` and friends (playsound3),
which quick commands must not pay for.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from contextlib import suppress
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from backroutine.audio import device_probe
from backroutine.audio.port import BellPlayer, Player, SilentPlayer, describe_error, notice_text

if TYPE_CHECKING:
    from backroutine.audio.stream import StreamPlayer

AudioMode = Literal["auto", "bell", "off"]
AUDIO_MODES: tuple[AudioMode, ...] = ("auto", "bell", "off")
ENV_VAR = "BACKROUTINE_AUDIO"

# Which real sound to use: the stream, else playsound3 ("auto"), or only one of them.
SoundBackend = Literal["auto", "stream", "playsound3"]
SOUND_BACKENDS: tuple[SoundBackend, ...] = ("auto", "stream", "playsound3")
BACKEND_VAR = "BACKROUTINE_SOUND_BACKEND"


def audio_mode_from_env(default: AudioMode = "auto") -> AudioMode:
    """The `audio` setting ($BACKROUTINE_AUDIO over the settings file); when neither sets it
    (or the variable holds a typo and the file nothing), `default`."""
    from backroutine import settings

    loaded = settings.load().settings
    if loaded.sources.get("audio", "default") == "default":
        return default
    return next((mode for mode in AUDIO_MODES if loaded.audio == mode), default)


def sound_backend_from_env() -> SoundBackend:
    """The `sound_backend` setting ($BACKROUTINE_SOUND_BACKEND over the settings file);
    "auto" when neither sets it or the value is unknown."""
    from backroutine import settings

    value = settings.load().settings.sound_backend
    return next((backend for backend in SOUND_BACKENDS if value == backend), "auto")


def open_stream(
    *,
    ring: Callable[[], None],
    on_notice: Callable[[str], None],
    sounds: Iterable[Path] = (),
    warm_up: float | None = None,
) -> StreamPlayer:
    """stream.open_stream_player (imports miniaudio): a StreamPlayer, or raises
    StreamUnavailable. The one way make_player and doctor open a stream (tests replace it).
    warm_up=None: the stream's default wait for the stream to flow."""
    from backroutine.audio.stream import WARM_UP, open_stream_player

    return open_stream_player(
        ring=ring,
        on_notice=on_notice,
        sounds=sounds,
        warm_up=WARM_UP if warm_up is None else warm_up,
    )


def _sound_unavailable_reason() -> str | None:
    """Why playsound3 would not sound here (no player on PATH, no device), else None."""
    from backroutine.audio.playsound import missing_backend_reason

    return missing_backend_reason() or device_probe.missing_device_reason()


def _bell_with_notice(
    reason: str, ring: Callable[[], None], on_notice: Callable[[str], None]
) -> Player:
    with suppress(Exception):
        on_notice(notice_text(reason))
    return BellPlayer(ring)


def make_player(
    mode: AudioMode | str,
    *,
    ring: Callable[[], None],
    on_notice: Callable[[str], None],
    sounds: Iterable[Path] = (),
    warm_up: float | None = None,
) -> Player:
    """The player for a mode: "off" silent, "bell" the terminal bell, "auto" real sound.

    Real sound is the stream where one opens (the bundled sounds and `sounds`, the routine's
    own cue files, are decoded now), else playsound3, else the bell; $BACKROUTINE_SOUND_BACKEND
    ("stream" or "playsound3") allows only that one, then the bell. Before playsound3 come
    cheap checks (an audio player on PATH, a sound device), so a machine without them gets its
    one notice at once and never starts the worker. `warm_up`: how long to wait at most for a
    new stream to flow (None: the stream's default; 0 where the user reads an intro first).
    """
    if mode == "off":
        return SilentPlayer()
    if mode == "bell":
        return BellPlayer(ring)
    backend = sound_backend_from_env()
    if backend != "playsound3":
        try:
            return open_stream(ring=ring, on_notice=on_notice, sounds=sounds, warm_up=warm_up)
        except Exception as error:  # StreamUnavailable, or a bug: the next way, not a crash
            if backend == "stream":
                return _bell_with_notice(str(error) or describe_error(error), ring, on_notice)
    reason = _sound_unavailable_reason()
    if reason is not None:
        return _bell_with_notice(reason, ring, on_notice)
    from backroutine.audio.playsound import SoundPlayer

    return SoundPlayer(ring=ring, on_notice=on_notice)
