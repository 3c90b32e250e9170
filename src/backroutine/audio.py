"""The sound port: players that turn cue names into sound, a terminal bell, or nothing.

People may follow a routine with their eyes closed, so cues matter; but a sound problem must
never crash or stall a session. Hence every player's play() returns at once and never raises,
and the real sound player quietly falls back to the terminal bell (telling the user once) when
the audio system is missing, broken or hung.

playsound3 is imported only when a SoundPlayer is made (or by probe()): importing it runs the
backend checks (it starts `gst-play-1.0 --version` and friends), which quick commands must not
pay for.
"""

from __future__ import annotations

import logging
import os
import queue
import shutil
import sys
import threading
import time
from collections.abc import Callable, Mapping
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Literal, Protocol

from backroutine.core import paths

AudioMode = Literal["auto", "bell", "off"]
AUDIO_MODES: tuple[AudioMode, ...] = ("auto", "bell", "off")
ENV_VAR = "BACKROUTINE_AUDIO"

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

    def close(self) -> None: ...


class SilentPlayer:
    """No sound at all (--mute, BACKROUTINE_AUDIO=off)."""

    name = "silent"

    def play(self, sound: str | Path) -> None:
        pass

    def close(self) -> None:
        pass


class RecordingPlayer:
    """For tests: remembers what it was asked to play, and when."""

    name = "recording"

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self.played: list[tuple[float, str]] = []
        self.closed = False

    def play(self, sound: str | Path) -> None:
        self.played.append((self._clock(), str(sound)))

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


@dataclass
class _Request:
    path: Path
    queued_at: float


@dataclass
class _Playing:
    handle: Playback
    started: float
    bundled: bool = False


_STOP = object()
_REAP_INTERVAL = 0.1  # how often the worker checks on sounds still playing


class SoundPlayer:
    """Real sound through playsound3, on one daemon worker thread; falls back to the bell.

    play() only puts a request on a small queue (dropped when full: a late cue misleads more
    than a missing one). The worker starts each sound with block=False and reaps the player
    processes; it never blocks on a sound's length, so a 2 s bell does not delay the next cue,
    and a "hang" can only be a call that fails to *start* a sound within `hang_timeout`.

    It falls back to the terminal bell for good, and tells `on_notice` once, when playsound3
    finds no backend or fails to import, a play call raises or hangs, a player process exits
    with an error (aplay without a sound device does), or a bundled cue (all under 2.5 s)
    is still "playing" after `stuck_after` seconds.

    Thread safety: `ring` and `on_notice` are only called from the thread calling play(), so
    the TUI can pass app.bell and app.notify as they are. The cost is that a failure found by
    the worker is announced (and the bell takes over) at the next play() call; cues come every
    few seconds, so that is soon enough.
    """

    def __init__(
        self,
        *,
        ring: Callable[[], None],
        on_notice: Callable[[str], None],
        play_function: PlayFunction | None = None,
        hang_timeout: float = 2.0,
        start_timeout: float = 10.0,
        max_delay: float = 1.0,
        stuck_after: float = 8.0,
        max_length: float = 30.0,
        queue_size: int = 4,
        close_timeout: float = 0.5,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        """play_function=None means playsound3 (imported on the worker thread).

        hang_timeout: how long one play call may take before we call the player hung.
        start_timeout: the same for importing playsound3, whose backend checks start
            processes (GStreamer may rebuild its plugin registry the first time: seconds).
        max_delay: a request older than this when the worker gets to it is dropped.
        stuck_after: a bundled cue still playing after this long means a hung audio system.
        max_length: any sound still playing after this long is stopped.
        """
        self._on_notice = on_notice
        self._bell = BellPlayer(ring, clock=clock)
        self._play_function = play_function
        self._hang_timeout = hang_timeout
        self._start_timeout = start_timeout
        self._max_delay = max_delay
        self._stuck_after = stuck_after
        self._max_length = max_length
        self._close_timeout = close_timeout
        self._clock = clock

        self._lock = threading.Lock()
        self._failure: str | None = None  # set once, by either thread; never cleared
        self._noticed = False  # caller's thread only
        self._busy_since: float | None = None  # when the worker entered a backend call
        self._busy_limit = start_timeout
        self._busy_reason = ""
        self._backend: str | None = None
        self._stopping = threading.Event()
        self._queue: queue.Queue[_Request | object] = queue.Queue(maxsize=queue_size)
        self._playing: list[_Playing] = []  # worker's thread only
        self._thread = threading.Thread(target=self._run, name="backroutine-audio", daemon=True)
        self._thread.start()

    @property
    def name(self) -> str:
        if self._failure is not None:
            return "bell"
        return f"sound ({self._backend})" if self._backend else "sound"

    @property
    def failure(self) -> str | None:
        """Why the player fell back to the bell, or None while sound is in use."""
        return self._failure

    # -- the caller's side ---------------------------------------------------------------

    def play(self, sound: str | Path) -> None:
        with suppress(Exception):  # the last line of defence: sound must never end a session
            self._play(sound)

    def _play(self, sound: str | Path) -> None:
        if self._stopping.is_set():
            return
        self._check_hang()
        if self._failure is not None:
            if not self._noticed:
                self._noticed = True
                with suppress(Exception):
                    self._on_notice(_notice_text(self._failure))
            self._bell.play(sound)
            return
        path = resolve_sound(sound)
        if path is None:
            return
        with suppress(queue.Full):  # the worker is behind; a late cue is worse than none
            self._queue.put_nowait(_Request(path, self._clock()))

    def _check_hang(self) -> None:
        with self._lock:
            since = self._busy_since
            if since is None or self._clock() - since <= self._busy_limit:
                return
        self._fail(self._busy_reason)

    def _fail(self, reason: str) -> None:
        with self._lock:
            if self._failure is None:
                self._failure = reason

    def close(self) -> None:
        """Stop the worker; returns within about `close_timeout` even if the backend hangs.

        A sound already playing may finish (up to ~3 s) while the worker winds down: the
        player processes die with the worker thread (playsound3 sets PR_SET_PDEATHSIG), and
        the last cue of a routine is usually the long finishing bell.
        """
        if self._stopping.is_set():
            return  # closed already: do not wait on a hung worker twice
        self._stopping.set()
        with suppress(queue.Full):  # the worker checks _stopping before each request anyway
            self._queue.put_nowait(_STOP)
        with self._lock:
            hung = self._failure is not None and self._busy_since is not None
        if not hung and threading.current_thread() is not self._thread:
            self._thread.join(self._close_timeout)

    # -- the worker's side ---------------------------------------------------------------

    def _run(self) -> None:
        try:
            play = self._start()
            if play is not None:
                self._serve(play)
        except Exception as error:  # a bug here must cost the sound, not the session
            self._fail(f"the sound player stopped ({_describe(error)})")
        finally:
            self._wind_down()

    def _start(self) -> PlayFunction | None:
        if self._play_function is not None:
            return self._play_function
        self._enter_call(self._start_timeout, "the audio player did not start in time")
        try:
            play, backend = _load_playsound3()
        except _NoBackendError:
            self._fail(NO_BACKEND_REASON)
            return None
        except Exception as error:  # e.g. gst-play-1.0 present but broken: import raises
            self._fail(f"the audio player could not start ({_describe(error)})")
            return None
        finally:
            self._leave_call()
        self._backend = backend
        return play

    def _serve(self, play: PlayFunction) -> None:
        while self._failure is None and not self._stopping.is_set():
            try:
                item = self._queue.get(timeout=_REAP_INTERVAL if self._playing else None)
            except queue.Empty:
                item = None
            self._reap()
            if item is _STOP or self._stopping.is_set() or self._failure is not None:
                return
            if isinstance(item, _Request):
                self._play_now(play, item)

    def _play_now(self, play: PlayFunction, request: _Request) -> None:
        if self._clock() - request.queued_at > self._max_delay:
            return  # it waited too long (a slow start): it would now mislead
        if not request.path.is_file():
            return  # a cue file removed since the routine was loaded: skip just that one
        self._enter_call(self._hang_timeout, "the audio player stopped responding")
        try:
            handle = play(str(request.path))
        except Exception as error:
            self._fail(f"the audio player failed ({_describe(error)})")
            return
        finally:
            self._leave_call()
        if handle is None:
            return
        if self._failure is not None:  # the call came back after we had given up on it
            _terminate(handle)
            return
        bundled = request.path.parent == paths.bundled_sounds_dir()
        self._playing.append(_Playing(handle, self._clock(), bundled))

    def _enter_call(self, limit: float, reason: str) -> None:
        with self._lock:
            self._busy_since = self._clock()
            self._busy_limit = limit
            self._busy_reason = reason

    def _leave_call(self) -> None:
        with self._lock:
            self._busy_since = None

    def _reap(self) -> None:
        """Forget finished sounds; notice failed or stuck players; stop overlong sounds."""
        now = self._clock()
        still: list[_Playing] = []
        for playing in self._playing:
            try:
                code = playing.handle.poll()
            except Exception:
                continue  # cannot tell: forget it rather than fail on a guess
            age = now - playing.started
            if code is None:
                if playing.bundled and age > self._stuck_after:
                    _terminate(playing.handle)
                    self._fail("the audio player stopped responding")
                elif age > self._max_length:
                    _terminate(playing.handle)
                else:
                    still.append(playing)
            elif code != 0:
                backend = f" ({self._backend})" if self._backend else ""
                self._fail(f"the audio player{backend} failed with exit code {code}")
        self._playing = still

    def _wind_down(self) -> None:
        if self._failure is None:  # let the last cue (often the 2 s bell) finish
            deadline = self._clock() + 3.0
            while self._playing and self._clock() < deadline:
                time.sleep(_REAP_INTERVAL)
                self._reap()
        for playing in self._playing:
            _terminate(playing.handle)
        self._playing = []


def _terminate(handle: Playback) -> None:
    with suppress(Exception):  # it may have ended already, or belong to a dead backend
        handle.terminate()


def make_player(
    mode: AudioMode, *, ring: Callable[[], None], on_notice: Callable[[str], None]
) -> Player:
    """The player for a mode: "off" silent, "bell" the terminal bell, "auto" real sound.

    For "auto" cheap checks come first (an audio player on PATH, a sound device), so a machine
    without them gets its one notice at once and never starts the worker.
    """
    if mode == "off":
        return SilentPlayer()
    if mode == "bell":
        return BellPlayer(ring)
    reason = _sound_unavailable_reason()
    if reason is not None:
        with suppress(Exception):
            on_notice(_notice_text(reason))
        return BellPlayer(ring)
    return SoundPlayer(ring=ring, on_notice=on_notice)


# -- doctor --------------------------------------------------------------------------------


def probe(play_test_sound: bool = False, *, timeout: float = 8.0) -> dict[str, object]:
    """What `backroutine doctor` reports about sound.

    {"mode", "backends", "backend", "works", "reason", "sounds"}: works means playsound3 has a
    backend, a sound device seems present (see _missing_device_reason) and, with
    play_test_sound, that the bundled chime played to the end without an error (blocking, at
    most `timeout` seconds in all). Whether anyone heard it, only the user can tell.
    """
    sounds = {
        name: str(paths.bundled_sounds_dir() / f"{name}.wav")
        for name in sorted(paths.bundled_sound_names())
    }
    found: dict[str, object] = {"backends": [], "backend": None, "works": False}
    found["reason"] = f"the audio check did not finish within {timeout:g} s"
    deadline = time.monotonic() + timeout

    def check() -> None:
        result = _probe_backend(play_test_sound, deadline)
        found.update(result)  # one update, so a late thread cannot leave a half-written result

    # In a thread: the import's backend checks or the test sound might hang; doctor must not.
    thread = threading.Thread(target=check, name="backroutine-audio-probe", daemon=True)
    thread.start()
    thread.join(timeout)
    report = dict(found)
    return {
        "mode": audio_mode_from_env(),
        "backends": report["backends"],
        "backend": report["backend"],
        "works": report["works"],
        "reason": None if report["works"] else report["reason"],
        "sounds": sounds,
    }


def _probe_backend(play_test_sound: bool, deadline: float) -> dict[str, object]:
    result: dict[str, object] = {"backends": [], "backend": None, "works": False}
    try:
        _quiet_playsound3_logging()
        import playsound3

        result["backends"] = list(playsound3.AVAILABLE_BACKENDS)
        backend = playsound3.DEFAULT_BACKEND
        result["backend"] = backend
        if not backend:
            result["reason"] = NO_BACKEND_REASON
            return result
        no_device = _missing_device_reason()
        if no_device is not None:
            result["reason"] = no_device
            return result
        if not play_test_sound:
            result["works"] = True
            return result
        chime = paths.bundled_sounds_dir() / "chime.wav"
        if not chime.is_file():
            result["reason"] = f"the bundled test sound is missing ({chime})"
            return result
        handle = playsound3.playsound(str(chime), block=False).subprocess
        while (code := handle.poll()) is None and time.monotonic() < deadline:
            time.sleep(0.05)
        if code is None:
            _terminate(handle)
            result["reason"] = "the test sound did not finish in time"
        elif code != 0:
            result["reason"] = f"the audio player ({backend}) failed with exit code {code}"
        else:
            result["works"] = True
    except Exception as error:
        result["reason"] = f"the audio player failed ({_describe(error)})"
    return result
