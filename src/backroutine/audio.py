"""The sound port: players that turn cue names into sound, a terminal bell, or nothing.

People may follow a routine with their eyes closed, so cues matter; but a sound problem must
never crash or stall a session. Hence every player's play() returns at once and never raises,
and the real sound players quietly fall back to the terminal bell (telling the user once) when
the audio system is missing, broken or hung.

Real sound, in order (make_player; $BACKROUTINE_SOUND_BACKEND can force one):
1. StreamPlayer (stream_audio.py): one miniaudio stream for the session, cues mixed in-process;
2. SoundPlayer (playsound_player.py): a playsound3 player process per cue, where no stream
   can be opened;
3. BellPlayer: the terminal bell (and a flash in the TUI).

miniaudio and playsound3 are imported only when such a player is made (or by probe()): one
loads a C library, the other starts `gst-play-1.0 --version` and friends, which quick commands
must not pay for. Neither is imported by importing this module.
"""

from __future__ import annotations

import logging
import os
import shutil
import sys
import time
from collections.abc import Callable, Iterable, Mapping
from contextlib import suppress
from pathlib import Path
from typing import Any, Literal, Protocol

from backroutine.core import paths

AudioMode = Literal["auto", "bell", "off"]
AUDIO_MODES: tuple[AudioMode, ...] = ("auto", "bell", "off")
ENV_VAR = "BACKROUTINE_AUDIO"

# Which real sound to use: the stream, else playsound3 ("auto"), or only one of them.
SoundBackend = Literal["auto", "stream", "playsound3"]
SOUND_BACKENDS: tuple[SoundBackend, ...] = ("auto", "stream", "playsound3")
BACKEND_VAR = "BACKROUTINE_SOUND_BACKEND"

# The cues worth a terminal bell. "rep" and "tick" come many times a minute; as bells they
# would be a noisy pile rather than a cue, so the bell stays quiet for them.
LOUD_SOUNDS = frozenset({"start", "rest", "side", "bell", "chime"})
SOFT_SOUNDS = frozenset({"rep", "tick"})

NO_BACKEND_REASON = "no audio player found (install gstreamer or ffmpeg)"
NO_DEVICE_REASON = "no sound device found"


def audio_mode_from_env(default: AudioMode = "auto") -> AudioMode:
    """$BACKROUTINE_AUDIO as a mode; unset, empty or unknown values give `default`."""
    value = os.environ.get(ENV_VAR, "").strip().lower()
    for mode in AUDIO_MODES:
        if value == mode:
            return mode
    return default  # a typo in an environment variable is no reason to refuse to run


def sound_backend_from_env() -> SoundBackend:
    """$BACKROUTINE_SOUND_BACKEND; unset, empty or unknown values give "auto"."""
    value = os.environ.get(BACKEND_VAR, "").strip().lower()
    return next((backend for backend in SOUND_BACKENDS if value == backend), "auto")


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


def _notice_text(reason: str) -> str:
    return f"No sound: {reason}. Using the terminal bell."


def _describe(error: BaseException) -> str:
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


# -- real sound ----------------------------------------------------------------------------


class Playback(Protocol):
    """A sound being played, like subprocess.Popen (and playsound3's Sound.subprocess)."""

    def poll(self) -> int | None: ...  # None while playing, else the exit code (0 = fine)

    def terminate(self) -> None: ...


# Starts playing a file and returns at once; None means nothing to watch (fire and forget).
PlayFunction = Callable[[str], Playback | None]


def _quiet_playsound3_logging() -> None:
    # playsound3 logs a warning when it finds no backend. With no logging configured Python
    # would print it to stderr, over the TUI; we report the problem ourselves instead.
    logging.getLogger("playsound3").addHandler(logging.NullHandler())


class _NoBackendError(Exception):
    pass


def _load_playsound3() -> tuple[PlayFunction, str]:
    """playsound3's play function (non-blocking) and its backend name; raises when unusable."""
    _quiet_playsound3_logging()
    import playsound3

    backend = playsound3.DEFAULT_BACKEND
    if not backend:
        raise _NoBackendError(NO_BACKEND_REASON)

    def play(path: str) -> Playback:
        # block=False: the call only starts a player process (a few ms), so the worker stays
        # free to start the next cue while this one sounds; we reap the process later.
        return playsound3.playsound(path, block=False).subprocess

    return play, str(backend)


def _missing_backend_reason() -> str | None:
    """A cheap look for playsound3's Linux backends on PATH (no process is started).

    Only on Linux: macOS and Windows always have a built-in one. PLAYSOUND3_BACKEND means the
    user chose a backend themselves, so we let playsound3 judge it.
    """
    if not sys.platform.startswith("linux") or os.environ.get("PLAYSOUND3_BACKEND"):
        return None
    found = (
        shutil.which("gst-play-1.0")
        or shutil.which("ffplay")
        or (shutil.which("aplay") and shutil.which("mpg123"))  # playsound3's "alsa" needs both
    )
    return None if found else NO_BACKEND_REASON


def _missing_device_reason(
    dev_snd: Path = Path("/dev/snd"), environ: Mapping[str, str] | None = None
) -> str | None:
    """A cheap look (a few stats) for anything on Linux that could make a sound.

    Why: with no sound card and no sound server, gst-play-1.0 quietly plays into a dummy
    output and exits 0 (seen on a headless Debian 12), so playsound3 reports success and the
    session would be silent with no bell. We look for an ALSA playback device or a
    PulseAudio/PipeWire server; finding none, the bell is the better cue. PLAYSOUND3_BACKEND
    skips the guess (an escape hatch should it ever be wrong).
    """
    env = os.environ if environ is None else environ
    if not sys.platform.startswith("linux") or env.get("PLAYSOUND3_BACKEND"):
        return None
    if env.get("PULSE_SERVER"):
        return None
    try:
        if any(dev_snd.glob("pcmC*D*p")):  # p: playback (c would be a microphone)
            return None
        runtime = env.get("XDG_RUNTIME_DIR")
        if runtime and any(
            (Path(runtime) / name).exists() for name in ("pulse/native", "pipewire-0")
        ):
            return None
    except OSError:
        return None  # cannot tell: let playsound3 try
    return NO_DEVICE_REASON


def _sound_unavailable_reason() -> str | None:
    return _missing_backend_reason() or _missing_device_reason()


class StreamUnavailable(Exception):
    """No stream could be opened (stream_audio); the message says why, in words."""


def _open_stream_player(**options: Any) -> Any:
    """stream_audio.open_stream_player (imports miniaudio): a StreamPlayer, or raises
    StreamUnavailable. The one way make_player and doctor open a stream (tests replace it)."""
    from backroutine.stream_audio import open_stream_player

    return open_stream_player(**options)


def _bell_with_notice(
    reason: str, ring: Callable[[], None], on_notice: Callable[[str], None]
) -> Player:
    with suppress(Exception):
        on_notice(_notice_text(reason))
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
    new stream to flow (None: stream_audio's default; 0 where the user reads an intro first).
    """
    if mode == "off":
        return SilentPlayer()
    if mode == "bell":
        return BellPlayer(ring)
    backend = sound_backend_from_env()
    if backend != "playsound3":
        try:
            options: dict[str, Any] = {"sounds": sounds}
            if warm_up is not None:
                options["warm_up"] = warm_up
            player: Player = _open_stream_player(ring=ring, on_notice=on_notice, **options)
            return player
        except Exception as error:  # StreamUnavailable, or a bug: the next way, not a crash
            if backend == "stream":
                return _bell_with_notice(str(error) or _describe(error), ring, on_notice)
    reason = _sound_unavailable_reason()
    if reason is not None:
        return _bell_with_notice(reason, ring, on_notice)
    from backroutine.playsound_player import SoundPlayer

    return SoundPlayer(ring=ring, on_notice=on_notice)


def __getattr__(name: str) -> object:
    """SoundPlayer lives in playsound_player.py (imported on first use, not by this module)."""
    if name == "SoundPlayer":
        from backroutine.playsound_player import SoundPlayer

        return SoundPlayer
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


# -- doctor --------------------------------------------------------------------------------


def probe(play_test_sound: bool = False, *, timeout: float | None = None) -> dict[str, object]:
    """What `backroutine doctor` reports about sound (see sound_check.probe)."""
    from backroutine.sound_check import probe as check

    return check(play_test_sound, timeout=timeout)
