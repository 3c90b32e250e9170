"""Real sound through playsound3: one player process per sound (the fallback since issue 12).

playsound3 starts `gst-play-1.0` (or ffplay, afplay, winmm...) for every cue; a short cue may
end before the sound server has played it, and the first one starts cold. The stream player
(stream.py) is used where a stream can be opened; this one where it cannot.

playsound3 itself is imported only by load_playsound3, on the worker thread (and by doctor):
importing it starts its backend checks. missing_backend_reason is the cheap look before that.
"""

from __future__ import annotations

import logging
import os
import queue
import shutil
import sys
import threading
import time
from collections.abc import Callable
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from backroutine.audio.port import BellFallback, describe_error, resolve_sound
from backroutine.core import paths

NO_BACKEND_REASON = "no audio player found (install gstreamer or ffmpeg)"


class Playback(Protocol):
    """A sound being played, like subprocess.Popen (and playsound3's Sound.subprocess)."""

    def poll(self) -> int | None: ...  # None while playing, else the exit code (0 = fine)

    def terminate(self) -> None: ...


# Starts playing a file and returns at once; None means nothing to watch (fire and forget).
PlayFunction = Callable[[str], Playback | None]


def quiet_playsound3_logging() -> None:
    """playsound3 logs a warning when it finds no backend. With no logging configured Python
    would print it to stderr, over the TUI; we report the problem ourselves instead."""
    logging.getLogger("playsound3").addHandler(logging.NullHandler())


class NoBackendError(Exception):
    """playsound3 found no audio player to run."""


def load_playsound3() -> tuple[PlayFunction, str]:
    """playsound3's play function (non-blocking) and its backend name; raises when unusable."""
    quiet_playsound3_logging()
    import playsound3

    backend = playsound3.DEFAULT_BACKEND
    if not backend:
        raise NoBackendError(NO_BACKEND_REASON)

    def play(path: str) -> Playback:
        # block=False: the call only starts a player process (a few ms), so the worker stays
        # free to start the next cue while this one sounds; we reap the process later.
        handle: Playback = playsound3.playsound(path, block=False).subprocess
        return handle

    return play, str(backend)


def missing_backend_reason() -> str | None:
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
        self._fallback = BellFallback(ring, on_notice, clock=clock)
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
        return f"sound (playsound3: {self._backend})" if self._backend else "sound (playsound3)"

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
            self._fallback.play(sound, self._failure)
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

    def drain(self, timeout: float = 3.0) -> bool:
        """Wait (at most `timeout` s) until the cues asked for have finished playing.

        Returns at once when nothing is playing; True when all finished.
        """
        deadline = time.monotonic() + timeout
        while self._failure is None and not self._stopping.is_set():
            if self._queue.unfinished_tasks == 0 and not self._playing:
                return True
            if time.monotonic() >= deadline:
                return False
            time.sleep(0.02)
        return True

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
            self._fail(f"the sound player stopped ({describe_error(error)})")
        finally:
            self._wind_down()

    def _start(self) -> PlayFunction | None:
        if self._play_function is not None:
            return self._play_function
        self._enter_call(self._start_timeout, "the audio player did not start in time")
        try:
            play, backend = load_playsound3()  # looked up at call time: tests replace it
        except NoBackendError:
            self._fail(NO_BACKEND_REASON)
            return None
        except Exception as error:  # e.g. gst-play-1.0 present but broken: import raises
            self._fail(f"the audio player could not start ({describe_error(error)})")
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
                self._queue.task_done()  # drain() counts the requests not yet started

    def _play_now(self, play: PlayFunction, request: _Request) -> None:
        if self._clock() - request.queued_at > self._max_delay:
            return  # it waited too long (a slow start): it would now mislead
        if not request.path.is_file():
            return  # a cue file removed since the routine was loaded: skip just that one
        self._enter_call(self._hang_timeout, "the audio player stopped responding")
        try:
            handle = play(str(request.path))
        except Exception as error:
            self._fail(f"the audio player failed ({describe_error(error)})")
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
