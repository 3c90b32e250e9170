"""Cue sounds through one output stream that runs for the whole session (issue 12).

A player process per sound (playsound3) starts cold: short cues ended before the sound server
had played them, and the rest wandered by most of a second. Here every sound is decoded once,
up front, to 16-bit mono samples at RATE, and one miniaudio playback stream runs from the
start; play() only hands the samples to the mixer, and the stream's next period (PERIOD_MSEC)
starts them. The stream plays silence between cues, which also keeps the sound server from
suspending its output.

The mixer is the stream's data callback, on miniaudio's audio thread: it takes the new voices
from a list swapped under a short lock, sums the voices that are playing and clips the sum to
int16 (the `array` module; no numpy). A voice is a reference to precomputed samples and a
position, so one voice costs a slice and two cost a short sum.

miniaudio is imported only by open_stream_player (its import loads a C library). Opening the
stream is the proof that a sound device exists: no guess is needed, unlike for playsound3.
"""

from __future__ import annotations

import atexit
import threading
import time
from array import array
from collections.abc import Callable, Generator, Iterable, Sequence
from contextlib import suppress
from itertools import zip_longest
from pathlib import Path
from typing import Any, TypeAlias

from backroutine.audio.device import (
    CHANNELS,
    PERIOD_MSEC,
    RATE,
    Device,
    StreamUnavailable,
    quiet_alsa,
)
from backroutine.audio.device import open_device as _open_device  # tests replace it here
from backroutine.audio.port import BellFallback, describe_error, resolve_sound
from backroutine.core import paths

MAX_SECONDS = 30.0  # a longer cue file is cut here (as playsound3 stopped it)
STALL_AFTER = 2.0  # no callback for this long, at two play() calls, is a dead stream
WARM_UP = 2.5  # at most this long, opening waits for the stream to flow (see `flowing`)
TAIL = 0.2  # after the mixer's last sample: what is still in the buffers (~4 periods)
MAX_DELAY = 1.0  # a cue that would start later than this after play() is dropped instead
_MAX = 32767
_MIN = -32768

Samples: TypeAlias = "array[int]"  # array("h"): 16-bit samples, mono


class Mixer:
    """Sums the voices being played into blocks for the stream. No device needed.

    add() may be called from any thread; mix() and stream() belong to the audio thread.
    """

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._lock = threading.Lock()
        self._pending: list[tuple[Samples, float]] = []  # added, not started (under _lock)
        self._voices: list[list[Any]] = []  # [samples, position]: the audio thread's only
        self._idle = threading.Event()
        self._idle.set()
        self._zeros: dict[int, bytes] = {}
        self.pulls = 0  # how many blocks the stream asked for
        self.first_pull: float | None = None
        self.last_pull = clock()
        self.finished = 0  # voices played to their last sample
        self.dropped = 0  # voices that waited too long for the stream (a late cue misleads)
        self.broken: str | None = None  # why mix() failed, if it ever did

    def add(self, samples: Samples) -> None:
        if not samples:
            return
        added = self._clock()
        with self._lock:
            self._pending.append((samples, added))
            self._idle.clear()

    @property
    def idle(self) -> bool:
        return self._idle.is_set()

    @property
    def flowing(self) -> bool:
        """Whether the stream asks for blocks as it plays them: its first blocks come at once
        (to fill its buffer), then, once the sound server plays it, one a period. A sound
        server that starts slowly (a suspended card, an idle null sink: up to 2 s) would
        make the first cue late, or lost."""
        first = self.first_pull
        return first is not None and self.last_pull - first >= PERIOD_MSEC / 1000

    def wait_idle(self, timeout: float) -> bool:
        """Wait until every voice added has been handed to the stream; False on timeout."""
        return self._idle.wait(timeout)

    def mix(self, frames: int) -> bytes | Samples:
        """The next `frames` frames: the sum of the voices playing, clipped; else silence."""
        self.pulls += 1
        self.last_pull = now = self._clock()
        if self.first_pull is None:
            self.first_pull = now
        count = frames * CHANNELS
        if self._pending:  # read without the lock: a voice added just now waits one period
            with self._lock:
                new, self._pending = self._pending, []
            for samples, added in new:
                if now - added <= MAX_DELAY:
                    self._voices.append([samples, 0])
                else:  # the stream stalled (a sound server starting): too late to mean much
                    self.dropped += 1
        voices = self._voices
        if not voices:
            if not self._idle.is_set():
                self._settle()
            return self._silence(count)
        chunks: list[Samples] = []
        for voice in voices:
            samples, position = voice
            chunks.append(samples[position : position + count])
            voice[1] = position + count
        playing = [voice for voice in voices if voice[1] < len(voice[0])]
        self.finished += len(voices) - len(playing)
        self._voices = playing
        block: Samples
        if len(chunks) == 1:
            block = chunks[0]
        else:
            block = array(
                "h",
                [
                    _MAX if total > _MAX else _MIN if total < _MIN else total
                    for total in map(sum, zip_longest(*chunks, fillvalue=0))
                ],
            )
        if len(block) < count:
            block.frombytes(self._silence(count - len(block)))
        if not playing:
            self._settle()
        return block

    def stream(self) -> Generator[bytes | Samples, int, None]:
        """miniaudio's callback generator: primed with next(), then sent a frame count."""
        frames = yield b""
        while True:
            try:
                block: bytes | Samples = self.mix(frames)
            except Exception as error:  # never into the audio thread: cffi would print it
                self.broken = self.broken or describe_error(error)
                block = self._silence(frames * CHANNELS)
            frames = yield block

    def _settle(self) -> None:
        with self._lock:
            if not self._pending:
                self._idle.set()

    def _silence(self, count: int) -> bytes:
        zeros = self._zeros.get(count)
        if zeros is None:
            zeros = self._zeros[count] = bytes(2 * count)
        return zeros


# -- decoding ------------------------------------------------------------------------------


def _decode(path: Path) -> Samples | None:
    """A file as mono 16-bit samples at RATE (at most MAX_SECONDS); None when it cannot be."""
    import miniaudio

    try:
        decoded = miniaudio.decode_file(
            str(path),
            output_format=miniaudio.SampleFormat.SIGNED16,
            nchannels=CHANNELS,
            sample_rate=RATE,
        )
    except Exception:  # missing, unreadable, not a sound: that cue stays quiet
        return None
    samples: Samples = decoded.samples
    limit = int(MAX_SECONDS * RATE) * CHANNELS
    return samples[:limit] if len(samples) > limit else samples


def _key(path: Path) -> str:
    return str(path)


# -- the device ----------------------------------------------------------------------------


def _close_device(device: Device, timeout: float) -> None:
    """Close, waiting at most `timeout` s (a hung sound server must not hang the exit)."""
    closer = threading.Thread(target=lambda: _quietly(device.close), daemon=True)
    closer.start()
    closer.join(timeout)


def _quietly(call: Callable[[], object]) -> None:
    with suppress(Exception):
        call()


# -- the player ----------------------------------------------------------------------------


class StreamPlayer:
    """Cues mixed into one running stream; falls back to the bell (telling once) if it dies.

    Like every player, play() returns at once and never raises; `ring` and `on_notice` are
    only called from the thread calling play(). Use open_stream_player() to make one.
    """

    def __init__(
        self,
        device: Device,
        mixer: Mixer,
        sounds: dict[str, Samples],
        *,
        ring: Callable[[], None],
        on_notice: Callable[[str], None],
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._device: Device | None = device
        self._mixer = mixer
        self._sounds = sounds  # bundled names and file paths -> samples
        self._loading: set[str] = set()
        self._lock = threading.Lock()
        self._on_notice = on_notice
        self._fallback = BellFallback(ring, on_notice, clock=clock)
        self._clock = clock
        self._backend = str(getattr(device, "backend", "") or "unknown").lower()
        self._failure: str | None = None
        self._suspect: float | None = None  # when a play() found the stream quiet too long
        self._closed = False
        atexit.register(self.close)  # before the interpreter winds down: see close()

    @property
    def name(self) -> str:
        return "bell" if self._failure else f"sound (stream: {self._backend})"

    @property
    def backend(self) -> str:
        return self._backend

    @property
    def failure(self) -> str | None:
        """Why the player fell back to the bell, or None while the stream is in use."""
        return self._failure

    @property
    def mixer(self) -> Mixer:
        return self._mixer

    def seconds(self, sound: str) -> float:
        """How long a decoded bundled sound lasts (0 for one not decoded)."""
        return len(self._sounds.get(sound, ())) / (RATE * CHANNELS)

    def preload(self, sounds: Iterable[Path]) -> None:
        """Decode these files now (a routine's own cues), so that they start on time."""
        for path in sounds:
            with suppress(Exception):
                if _key(path) not in self._sounds and (samples := _decode(path)) is not None:
                    self._sounds[_key(path)] = samples

    def play(self, sound: str | Path) -> None:
        with suppress(Exception):  # the last line of defence: sound must never end a session
            self._play(sound)

    def _play(self, sound: str | Path) -> None:
        if self._closed:
            return
        self._check()
        if self._failure is not None:
            self._fallback.play(sound, self._failure)
            return
        if isinstance(sound, str) and sound in self._sounds:
            self._mixer.add(self._sounds[sound])
            return
        path = resolve_sound(sound)
        if path is None:
            return  # an unknown name: the loader has said so already
        samples = self._sounds.get(_key(path))
        if samples is not None:
            self._mixer.add(samples)
        else:
            self._load_later(path)

    def _check(self) -> None:
        """Notice a dead stream: miniaudio stopped it, the mixer failed, or no callback came
        for STALL_AFTER s at two play() calls in a row (one could follow a Ctrl-Z)."""
        mixer = self._mixer
        if mixer.broken:
            self._failure = f"the sound stream failed ({mixer.broken})"
            return
        if self._clock() - mixer.last_pull <= STALL_AFTER:
            self._suspect = None
        elif self._suspect is None or mixer.last_pull > self._suspect:
            self._suspect = self._clock()
        else:
            self._failure = f"the sound stream ({self._backend}) stopped"

    def _stopped(self) -> None:
        """miniaudio's stop callback (its audio thread): the device went away."""
        if not self._closed and self._failure is None:
            self._failure = f"the sound stream ({self._backend}) stopped"

    def _load_later(self, path: Path) -> None:
        """A cue file not decoded up front: decode it on a thread, play it if still timely."""
        key = _key(path)
        with self._lock:
            if key in self._loading:
                return
            self._loading.add(key)
        asked = self._clock()

        def load() -> None:
            try:
                samples = _decode(path)
                if samples is None:
                    return
                self._sounds[key] = samples
                if not self._closed and self._clock() - asked <= MAX_DELAY:
                    self._mixer.add(samples)
            finally:
                with self._lock:
                    self._loading.discard(key)

        threading.Thread(target=load, name="backroutine-sound-load", daemon=True).start()

    def drain(self, timeout: float = 3.0) -> bool:
        """Wait until the cues playing have been heard to their end (at most `timeout` s).

        Returns at once when nothing is playing. True when all was played out.
        """
        if self._closed or self._failure is not None or self._mixer.idle:
            return True
        with suppress(Exception):
            if self._mixer.wait_idle(timeout):
                time.sleep(TAIL)  # the last block is still on its way to the speakers
                return True
        return False

    def close(self) -> None:
        """Stop the stream (what is still playing is cut: drain() first to hear it out).

        Also called at exit: a device left open into the interpreter's shutdown can hang it
        (its audio thread waits for the GIL while the shutdown waits for that thread).
        """
        if self._closed:
            return
        self._closed = True
        with suppress(Exception):
            atexit.unregister(self.close)
        device, self._device = self._device, None
        if device is not None:
            _close_device(device, timeout=1.0)


def open_stream_player(
    *,
    ring: Callable[[], None],
    on_notice: Callable[[str], None],
    sounds: Iterable[Path] = (),
    backends: Sequence[str] | None = None,
    timeout: float = 3.0,
    warm_up: float = WARM_UP,
    clock: Callable[[], float] = time.monotonic,
) -> StreamPlayer:
    """Decode the bundled sounds and `sounds`, open and start the stream.

    Raises StreamUnavailable (with why, in words) when miniaudio is missing or no device can
    be opened within `timeout` s. `backends` (names, e.g. ["null"] in tests) overrides the
    list tried. Waits at most `warm_up` s for the stream to flow (Mixer.flowing), so that the
    first cue does not fall into the sound server's start: a few periods where it is ready.
    """
    try:
        import miniaudio  # noqa: F401 - the C library loads here, not at startup
    except Exception as error:
        raise StreamUnavailable(f"miniaudio cannot be loaded ({describe_error(error)})") from None
    decoded: dict[str, Samples] = {}
    for name in sorted(paths.bundled_sound_names()):
        samples = _decode(paths.bundled_sounds_dir() / f"{name}.wav")
        if samples is not None:
            decoded[name] = samples
    mixer = Mixer(clock)
    device = _start_device(mixer, backends, timeout)
    player = StreamPlayer(device, mixer, decoded, ring=ring, on_notice=on_notice, clock=clock)
    with suppress(Exception):
        device.stop_callback = player._stopped
    player.preload(sounds)
    deadline = time.monotonic() + warm_up
    while not mixer.flowing and time.monotonic() < deadline:
        time.sleep(0.005)
    return player


def _start_device(mixer: Mixer, backends: Sequence[str] | None, timeout: float) -> Device:
    """Open and start the device on a thread, so that a hung sound server costs `timeout`."""
    outcome: dict[str, Any] = {}
    lock = threading.Lock()

    def start() -> None:
        try:
            device = _open_device(backends)
            generator = mixer.stream()
            next(generator)
            device.start(generator)
        except StreamUnavailable as error:
            outcome["error"] = str(error)
            return
        except Exception as error:  # MiniaudioError("failed to init device", -401)...
            words = ", ".join(str(arg) for arg in error.args) or describe_error(error)
            outcome["error"] = f"no sound device could be opened (miniaudio: {words})"
            return
        with lock:
            if outcome.get("abandoned"):
                _quietly(device.close)  # it came too late: the session went on without it
            else:
                outcome["device"] = device

    quiet_alsa()
    thread = threading.Thread(target=start, name="backroutine-sound-open", daemon=True)
    thread.start()
    thread.join(timeout)
    with lock:
        device = outcome.get("device")
        if device is None:
            outcome["abandoned"] = True
    if device is not None:
        return device  # type: ignore[no-any-return]
    if thread.is_alive():
        raise StreamUnavailable(f"the sound stream did not open within {timeout:g} s")
    raise StreamUnavailable(outcome.get("error", "no sound device could be opened"))
