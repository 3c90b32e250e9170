"""A private PulseAudio server that records what is played into it, and a recogniser of the
bundled cue sounds: what reached the sound server, and when.

Used by tests/test_cue_latency.py and bench/cue_latency.py (issue 12). Standard library only
(plus backroutine's own modules for the expected cues): no numpy.

The rig (`PulseRig`, a context manager):

- its own PulseAudio in a temporary folder (its own XDG_RUNTIME_DIR, HOME and socket; never
  the user's server), started with `-n` (no default script) and a small script: the native
  protocol on its socket (anonymous auth), a null sink "rig" at 48 kHz, made the default;
- a silent stream (`pacat` reading /dev/zero, 10 ms latency) that keeps the sink running and,
  above all, keeps its render block small: a null sink with no client renders 2 s ahead, so
  a new stream's sound would reach the monitor up to 2 s off its time;
- `parec` recording the sink's monitor (mono s16le 48 kHz, 10 ms latency) through a pipe,
  each chunk stamped on arrival with time.monotonic(). The null sink's sample clock is not
  the monotonic clock (its timer accounting drifts by up to ~0.06%, 18 ms over 30 s), so a
  sample's time comes from those arrival stamps, not from the start time plus index / rate;
- a reference client (`pacat`, 5 ms latency, an idle stream) that plays a short click at a
  stamped moment: `calibrate()` measures the rest of the rig's own delay, from the write to
  the click's place in the recording, which the latencies then leave out.

Every child gets PR_SET_PDEATHSIG, so a killed test leaves no server behind; on exit
everything is stopped and the folder removed, also after an error. `RigError` says why the rig
could not start (no pulseaudio, the server refused): the test fails with that reason.

`Recogniser` finds the bundled sounds in the recording, with their start to the millisecond,
and the dropouts (a run of digital silence inside a sound: a player that fell behind).
`measure` plays a routine with `backroutine play ROUTINE --plain` into the rig, works out the
cues it should sound with backroutine's own engine, pairs them with what was heard, and
reports each cue's latency against its line.
"""

from __future__ import annotations

import array
import bisect
import cmath
import contextlib
import itertools
import math
import operator
import os
import random
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import wave
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

RATE = 48000
SINK = "rig"
REPO = Path(__file__).resolve().parent.parent
SOUNDS_DIR = REPO / "sounds"
SOUND_NAMES = ("tick", "start", "rest", "side", "rep", "bell", "chime")
TOOLS = ("pulseaudio", "pacat", "parec", "pactl")


class RigError(RuntimeError):
    """The rig could not start (or broke): the message says why."""


# -- the private server ------------------------------------------------------------------


def _die_with_parent() -> None:
    """preexec_fn: SIGTERM this child when the thread that started it ends (Linux)."""
    with contextlib.suppress(Exception):
        import ctypes

        libc = ctypes.CDLL("libc.so.6", use_errno=True)
        libc.prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


def _stop(process: subprocess.Popen | None, timeout: float = 2.0) -> None:
    if process is None or process.poll() is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        process.terminate()
    try:
        process.wait(timeout)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            process.kill()
        process.wait(timeout)


@dataclass
class Click:
    """One reference click: written at `written` (monotonic), found at `found` (monotonic, by
    the recording's arrival stamps); `delay` = found - written."""

    written: float
    found: float | None = None

    @property
    def delay(self) -> float | None:
        return None if self.found is None else self.found - self.written


# The reference click: 2 ms of 3 kHz under a Hann window, at -6 dBFS, then 60 ms of silence
# (a playback stream starts once its pre-buffer is full; the silence fills it).
CLICK_FREQ = 3000.0
CLICK_SECONDS = 0.002
CLICK_PAD_SECONDS = 0.06


def click_samples() -> array.array:
    n = round(CLICK_SECONDS * RATE)
    out = array.array("h", bytes(2 * round((CLICK_SECONDS + CLICK_PAD_SECONDS) * RATE)))
    for i in range(n):
        window = 0.5 - 0.5 * math.cos(2 * math.pi * (i + 0.5) / n)
        out[i] = round(16384 * window * math.sin(2 * math.pi * CLICK_FREQ * i / RATE))
    return out


class Recording:
    """What parec delivered: mono samples at RATE, and when each chunk arrived."""

    def __init__(self, started: float) -> None:
        self.started = started  # monotonic, just before parec was started
        self.data = bytearray()
        self.arrivals: list[tuple[float, int]] = []  # (monotonic, samples delivered so far)
        self.lock = threading.Lock()

    def samples(self) -> array.array:
        with self.lock:
            raw = bytes(self.data[: len(self.data) // 2 * 2])
        out = array.array("h")
        out.frombytes(raw)
        if sys.byteorder == "big":
            out.byteswap()
        return out

    @property
    def seconds(self) -> float:
        return len(self.data) / 2 / RATE

    def time_of(self, index: float, *, horizon: float = 0.5) -> float:
        """The monotonic time at which sample `index` reached the monitor.

        A chunk that arrives at t holding samples up to n says sample j < n was there by
        t - (n - j) / RATE. Delivery can only be late (the scheduler), never early, so the
        earliest such bound over the chunks of the next `horizon` seconds is the estimate.
        """
        with self.lock:
            arrivals = list(self.arrivals)
        if not arrivals:
            raise RigError("the recording has no data")
        counts = [n for _, n in arrivals]
        first = bisect.bisect_right(counts, index)
        if first >= len(arrivals):  # past the end: extrapolate from the last chunk
            t, n = arrivals[-1]
            return t + (index - n) / RATE
        best = math.inf
        limit = index + horizon * RATE
        for t, n in arrivals[first:]:
            if n > limit and best < math.inf:
                break
            best = min(best, t - (n - index) / RATE)
        return best

    def index_of(self, when: float) -> float:
        """The sample index that reached the monitor at monotonic `when` (inverse of time_of,
        by bisection on the chunk stamps, then refined)."""
        with self.lock:
            arrivals = list(self.arrivals)
        if not arrivals:
            raise RigError("the recording has no data")
        times = [t for t, _ in arrivals]
        k = min(max(bisect.bisect_left(times, when), 0), len(arrivals) - 1)
        t, n = arrivals[k]
        guess = n + (when - t) * RATE
        for _ in range(3):  # time_of is piecewise linear with slope 1 / RATE
            guess += (when - self.time_of(guess)) * RATE
        return guess


class PulseRig:
    """A private PulseAudio server with a null sink, a keep-alive stream, a recording of the
    sink's monitor and a reference client for calibration. Use as a context manager."""

    def __init__(self, *, keepalive_ms: int | None = 10, record_ms: int | None = 10) -> None:
        """keepalive_ms=None: no keep-alive stream; record_ms=None: parec's default latency
        (both only to reproduce a sink that renders in large blocks, as a desktop's may)."""
        self.keepalive_ms = keepalive_ms
        self.record_ms = record_ms
        self.folder: Path | None = None
        self.server: subprocess.Popen | None = None
        self.keepalive: subprocess.Popen | None = None
        self.recorder: subprocess.Popen | None = None
        self.reference: subprocess.Popen | None = None
        self.recording: Recording | None = None
        self.clicks: list[Click] = []
        self._reader: threading.Thread | None = None
        self._log: Path | None = None
        self._click = click_samples().tobytes()

    # -- paths and environment --------------------------------------------------------------

    @property
    def socket(self) -> Path:
        assert self.folder is not None
        return self.folder / "runtime" / "pulse" / "native"

    def env(self) -> dict[str, str]:
        """What a child process needs to play into this server (and only this one)."""
        assert self.folder is not None
        return {
            "PULSE_SERVER": f"unix:{self.socket}",
            "PULSE_SINK": SINK,
            "XDG_RUNTIME_DIR": str(self.folder / "runtime"),
            "PULSE_RUNTIME_PATH": str(self.folder / "runtime" / "pulse"),
            "PULSE_CLIENTCONFIG": str(self.folder / "client.conf"),  # autospawn = no
            "PULSE_COOKIE": str(self.folder / "cookie"),
        }

    def child_env(self, base: dict[str, str] | None = None, **extra: str) -> dict[str, str]:
        env = dict(os.environ if base is None else base)
        for name in ("PULSE_SOURCE", "DBUS_SESSION_BUS_ADDRESS", "PLAYSOUND3_BACKEND"):
            env.pop(name, None)
        env.update(self.env())
        env.update(extra)
        return env

    # -- start and stop ---------------------------------------------------------------------

    def __enter__(self) -> PulseRig:
        try:
            self.start()
        except BaseException:
            self.close()
            raise
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _spawn(self, cmd: list[str], **kwargs) -> subprocess.Popen:
        kwargs.setdefault("stdin", subprocess.DEVNULL)
        kwargs.setdefault("stdout", subprocess.DEVNULL)
        kwargs.setdefault("stderr", subprocess.DEVNULL)
        kwargs.setdefault("env", self.child_env())
        try:
            return subprocess.Popen(cmd, preexec_fn=_die_with_parent, **kwargs)
        except OSError as exc:
            raise RigError(f"cannot run {cmd[0]}: {exc}") from exc

    def _server_log(self) -> str:
        try:
            text = self._log.read_text(errors="replace") if self._log else ""
        except OSError:
            return ""
        lines = [line for line in text.splitlines() if line.strip()]
        return " | ".join(lines[-6:])

    def start(self) -> None:
        missing = [tool for tool in TOOLS if shutil.which(tool) is None]
        if missing:
            raise RigError(
                f"the audio rig needs {', '.join(missing)} on PATH "
                "(Debian: apt-get install pulseaudio pulseaudio-utils)"
            )
        self.folder = Path(tempfile.mkdtemp(prefix="br-rig-"))
        os.chmod(self.folder, 0o700)
        runtime = self.folder / "runtime"
        (runtime / "pulse").mkdir(parents=True, mode=0o700)
        for sub in ("home", "config", "state"):
            (self.folder / sub).mkdir(mode=0o700)
        (self.folder / "client.conf").write_text("autospawn = no\n")
        script = self.folder / "rig.pa"
        script.write_text(
            f"load-module module-native-protocol-unix auth-anonymous=1 socket={self.socket}\n"
            f"load-module module-null-sink sink_name={SINK} rate={RATE} "
            "sink_properties=device.description=backroutine-rig\n"
            f"set-default-sink {SINK}\n"
            f"set-default-source {SINK}.monitor\n"
        )
        # The server's own environment: nothing of the user's session (no D-Bus, no display).
        server_env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "LANG": "C",
            "HOME": str(self.folder / "home"),
            "XDG_RUNTIME_DIR": str(runtime),
            "XDG_CONFIG_HOME": str(self.folder / "config"),
            "PULSE_RUNTIME_PATH": str(runtime / "pulse"),
            "PULSE_STATE_PATH": str(self.folder / "state"),
            "PULSE_CONFIG_PATH": str(self.folder / "config"),
        }
        self._log = self.folder / "pulseaudio.log"
        with self._log.open("wb") as log:
            self.server = self._spawn(
                [
                    "pulseaudio",
                    "-n",  # no default script: only what rig.pa loads
                    f"--file={script}",
                    "--daemonize=no",
                    "--system=false",  # as root too: a per-user instance in our folder
                    "--exit-idle-time=-1",
                    "--disallow-exit",
                    "--use-pid-file=false",
                    "--realtime=false",
                    "--high-priority=false",
                    "--log-target=stderr",
                    "--log-level=warning",
                ],
                env=server_env,
                stderr=log,
            )
        self._wait_for_server()
        with open("/dev/zero", "rb") as zeros:  # silence, read as fast as the stream takes it
            self.keepalive = (
                None
                if self.keepalive_ms is None
                else self._spawn(
                    [
                        "pacat",
                        "--playback",
                        "--raw",
                        f"--device={SINK}",
                        "--format=s16le",
                        f"--rate={RATE}",
                        "--channels=1",
                        f"--latency-msec={self.keepalive_ms}",
                        "--stream-name=rig-keepalive",
                    ],
                    stdin=zeros,
                )
            )
        self._start_recording()
        self._restart_sink_clock()
        self.reference = self._spawn(
            [
                "pacat",
                "--playback",
                "--raw",
                f"--device={SINK}",
                "--format=s16le",
                f"--rate={RATE}",
                "--channels=1",
                "--latency-msec=5",
                "--stream-name=rig-reference",
            ],
            stdin=subprocess.PIPE,
        )
        self._wait_until_steady()

    def _wait_for_server(self, timeout: float = 10.0) -> None:
        deadline = time.monotonic() + timeout
        env = self.child_env()
        while time.monotonic() < deadline:
            assert self.server is not None
            if self.server.poll() is not None:
                raise RigError(
                    f"pulseaudio exited with code {self.server.returncode}: {self._server_log()}"
                )
            if self.socket.exists():
                info = subprocess.run(
                    ["pactl", "info"], env=env, capture_output=True, text=True, timeout=5
                )
                if info.returncode == 0 and f"Default Sink: {SINK}" in info.stdout:
                    return
            time.sleep(0.05)
        raise RigError(f"pulseaudio did not answer within {timeout:g} s: {self._server_log()}")

    def _restart_sink_clock(self) -> None:
        """A null sink with no client renders 2 s ahead, then nothing until real time catches
        up; suspending and resuming it (once its clients are there) restarts its clock now."""
        for state in ("1", "0"):
            subprocess.run(
                ["pactl", "suspend-sink", SINK, state],
                env=self.child_env(),
                capture_output=True,
                timeout=5,
            )

    def _start_recording(self) -> None:
        started = time.monotonic()
        self.recorder = self._spawn(
            [
                "parec",
                f"--device={SINK}.monitor",
                "--raw",
                "--format=s16le",
                f"--rate={RATE}",
                "--channels=1",
                *([] if self.record_ms is None else [f"--latency-msec={self.record_ms}"]),
                "--stream-name=rig-recorder",
            ],
            stdout=subprocess.PIPE,
        )
        self.recording = recording = Recording(started)
        assert self.recorder.stdout is not None
        fd = self.recorder.stdout.fileno()

        def read() -> None:
            while True:
                try:
                    chunk = os.read(fd, 1 << 16)
                except OSError:
                    return
                now = time.monotonic()
                if not chunk:
                    return
                with recording.lock:
                    recording.data += chunk
                    recording.arrivals.append((now, len(recording.data) // 2))

        self._reader = threading.Thread(target=read, name="rig-recorder", daemon=True)
        self._reader.start()

    def _wait_until_steady(self, timeout: float = 8.0) -> None:
        """Until the monitor delivers in real time. A null sink that had no client rendered up
        to 2 s ahead and renders nothing until real time catches up with it."""
        assert self.recording is not None
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for process, name in ((self.recorder, "parec"), (self.keepalive, "pacat")):
                if process is not None and process.poll() is not None:
                    raise RigError(f"{name} exited with code {process.returncode}")
            with self.recording.lock:
                arrivals = list(self.recording.arrivals)
            now = time.monotonic()
            recent = [(t, n) for t, n in arrivals if t > now - 0.3]
            if len(recent) >= 2 and recent[-1][1] - recent[0][1] >= 0.15 * RATE:
                return
            time.sleep(0.05)
        raise RigError(
            f"the recording of {SINK}.monitor did not start within {timeout:g} s "
            f"({self.recording.seconds:.2f} s recorded): {self._server_log()}"
        )

    def close(self) -> None:
        with contextlib.suppress(Exception):
            if self.reference is not None and self.reference.stdin is not None:
                self.reference.stdin.close()
        for process in (self.reference, self.keepalive, self.recorder, self.server):
            with contextlib.suppress(Exception):
                _stop(process)
        if self._reader is not None:
            self._reader.join(2.0)
        if self.folder is not None:
            shutil.rmtree(self.folder, ignore_errors=True)

    # -- calibration ------------------------------------------------------------------------

    def click(self) -> Click:
        """Play the reference click now; returns its stamp (found later by `calibrate`)."""
        assert self.reference is not None and self.reference.stdin is not None
        written = time.monotonic()
        self.reference.stdin.write(self._click)
        self.reference.stdin.flush()
        click = Click(written)
        self.clicks.append(click)
        return click

    def click_train(self, count: int = 5, gap: float = 0.2) -> None:
        for _ in range(count):
            self.click()
            time.sleep(gap)

    def calibrate(self) -> Calibration:
        """Finds every click in the recording (its first sample over half its peak, between
        20 ms before and 300 ms after its write); their median delay is the rig's own."""
        assert self.recording is not None
        recording = self.recording
        samples = recording.samples()
        threshold = 16384 * 0.5  # half the click's peak: it rises in ~0.4 ms
        own = next(i for i, v in enumerate(click_samples()) if abs(v) >= threshold)
        for c in self.clicks:
            start = max(0, int(recording.index_of(c.written - 0.02)))
            stop = min(len(samples), int(recording.index_of(c.written + 0.3)))
            c.found = next(
                (
                    recording.time_of(i - own)
                    for i in range(start, stop)
                    if abs(samples[i]) >= threshold
                ),
                None,
            )
        return Calibration(list(self.clicks))

    def wait_idle(self, seconds: float) -> None:
        """Keep recording for `seconds` (a sound's tail, the end of a bell)."""
        time.sleep(seconds)


@dataclass
class Calibration:
    clicks: list[Click]

    @property
    def delays(self) -> list[float]:
        return [c.delay for c in self.clicks if c.delay is not None]

    @property
    def offset(self) -> float:
        """The rig's own delay (median over the clicks found), to take off every latency."""
        delays = self.delays
        if not delays:
            raise RigError(f"none of the {len(self.clicks)} reference clicks was recorded")
        return statistics.median(delays)

    def describe(self) -> str:
        delays = self.delays
        if not delays:
            return f"calibration: none of {len(self.clicks)} reference clicks was recorded"
        ms = [d * 1000 for d in delays]
        return (
            f"calibration: {len(delays)} of {len(self.clicks)} reference clicks found, "
            f"{statistics.median(ms):+.1f} ms from write to recording (median; min "
            f"{min(ms):+.1f}, max {max(ms):+.1f}), taken off every latency"
        )


# -- the bundled sounds and a few signal tools ---------------------------------------------


@dataclass(frozen=True)
class Sound:
    name: str
    samples: array.array  # int16
    rate: int

    @property
    def seconds(self) -> float:
        return len(self.samples) / self.rate


def load_sound(path: Path) -> Sound:
    with wave.open(str(path), "rb") as wav:
        if wav.getsampwidth() != 2 or wav.getnchannels() != 1:
            raise ValueError(f"{path}: expected 16-bit mono")
        samples = array.array("h")
        samples.frombytes(wav.readframes(wav.getnframes()))
        if sys.byteorder == "big":
            samples.byteswap()
        return Sound(path.stem, samples, wav.getframerate())


def bundled_sounds(folder: Path = SOUNDS_DIR) -> dict[str, Sound]:
    return {name: load_sound(folder / f"{name}.wav") for name in SOUND_NAMES}


def resample(samples: Sequence[float], rate: int, to_rate: int) -> array.array:
    """Linear interpolation (for synthetic mixtures; the server's resampler is better)."""
    n = int(len(samples) * to_rate / rate)
    out = array.array("d", bytes(8 * n))
    step = rate / to_rate
    last = len(samples) - 1
    for i in range(n):
        x = i * step
        k = int(x)
        frac = x - k
        a = samples[k]
        out[i] = a + (samples[k + 1] - a) * frac if k < last else a
    return out


_RESAMPLED: dict[tuple[str, int, int, int], Sequence[float]] = {}


def synthesize(
    parts: Sequence[tuple[str, float, float]],
    seconds: float,
    *,
    sounds: dict[str, Sound] | None = None,
    rate: int = RATE,
    noise_dbfs: float | None = None,
) -> array.array:
    """A mixture of bundled sounds, (name, start in seconds, gain) each, as int16 at `rate`."""
    sounds = sounds or bundled_sounds()
    mix = array.array("d", bytes(8 * int(seconds * rate)))
    for name, at, gain in parts:
        sound = sounds[name]
        key = (name, sound.rate, len(sound.samples), rate)
        if key not in _RESAMPLED:
            _RESAMPLED[key] = (
                resample(sound.samples, sound.rate, rate) if sound.rate != rate else sound.samples
            )
        data = _RESAMPLED[key]
        start = round(at * rate)
        for i, v in enumerate(data):
            if 0 <= start + i < len(mix):
                mix[start + i] += gain * v
    if noise_dbfs is not None:
        rng = random.Random(12)
        level = 32768 * 10 ** (noise_dbfs / 20) * math.sqrt(3)  # uniform noise of that RMS
        for i in range(len(mix)):
            mix[i] += rng.uniform(-level, level)
    return array.array("h", (max(-32768, min(32767, round(v))) for v in mix))


def _fft(values: list[complex]) -> list[complex]:
    """Radix-2 FFT, iterative (len(values) a power of two)."""
    n = len(values)
    bits = n.bit_length() - 1
    out = [values[int(f"{i:0{bits}b}"[::-1], 2)] for i in range(n)]
    size = 2
    while size <= n:
        half = size // 2
        twiddles = [cmath.exp(-2j * math.pi * k / size) for k in range(half)]
        for start in range(0, n, size):
            for k in range(half):
                a = out[start + k]
                b = out[start + k + half] * twiddles[k]
                out[start + k] = a + b
                out[start + k + half] = a - b
        size *= 2
    return out


def _hann(n: int) -> list[float]:
    return [0.5 - 0.5 * math.cos(2 * math.pi * (i + 0.5) / n) for i in range(n)]


# -- recognising the sounds in a recording --------------------------------------------------

WINDOW = 0.040  # seconds of sound whose spectrum identifies it (Hann window)
LEAD = 0.002  # the window starts this long before the onset
ONSET_RATIO = 1.5  # the next 5 ms hold this many times the energy of the loudest 5 ms before
REFRACTORY_MS = 40  # one onset per window: sounds starting within 40 ms are one onset
FLOOR = 10 ** (-60 / 10)  # mean square of -60 dBFS: quieter is silence
MIN_SHARE = 0.08  # a sound must explain this share of an onset's new spectrum
MIN_LIKENESS = 0.9  # and what is left to it must look like it (cosine)
MIN_SHARE_NEAR_GAP = 0.3  # the share needed where a dropout smears the spectra
MIN_GAIN_AGAIN = 0.5  # a sound still playing is found again only at half its gain or more
MIN_FIT = 0.5  # and the sounds together at least this share, or the onset is unexplained
MIN_LEVEL = 10 ** (-54 / 20)  # a sound this much quieter than its file (-54 dB) is noise
GAP_EDGE = 10 ** (-50 / 10)  # a zero run between two ms louder than -50 dBFS is a dropout
MAX_GAP_MS = 100  # longer silence is a sound cut short and another one, not an underrun


@dataclass(frozen=True)
class Heard:
    """A bundled sound found in a recording."""

    name: str
    at: float  # seconds into the recording where the file's first sample lands
    gain: float  # its level against the file (1.0 = as loud as the file)
    share: float  # the share of the onset's new spectrum it explains


@dataclass(frozen=True)
class Onset:
    """A moment where something new starts, and what explains it (for diagnostics)."""

    at: float  # seconds into the recording (the rise's quarter point)
    heard: tuple[Heard, ...]
    fit: float  # the share of the new spectrum that the sounds found explain
    continued: tuple[str, ...]  # sounds already playing whose own rise this is
    near_gap: bool = False  # a dropout in its windows: spectra taken piece by piece


@dataclass(frozen=True)
class Gap:
    """A dropout: digital silence (exact zeros) in the middle of a sound. The bundled sounds
    fade in and out and never hold a zero run, so a player that did not deliver in time (an
    underrun) is the only source of one."""

    at: float  # seconds into the recording
    seconds: float


@dataclass(frozen=True)
class Analysis:
    onsets: list[Onset]
    gaps: list[Gap]

    @property
    def heard(self) -> list[Heard]:
        return [h for onset in self.onsets for h in onset.heard]


def _mean_squares(samples: Sequence[float], rate: int, scale: float) -> list[float]:
    """Mean square per millisecond, full scale 1."""
    out = []
    norm = scale * scale
    count = len(samples) * 1000 // rate
    for k in range(count):
        a = k * rate // 1000
        b = (k + 1) * rate // 1000
        seg = samples[a:b]
        out.append(sum(map(operator.mul, seg, seg)) / len(seg) / norm)
    return out


class _Envelope:
    def __init__(self, samples: Sequence[float], rate: int, scale: float) -> None:
        self.ms = _mean_squares(samples, rate, scale)
        self.rms = [math.sqrt(v) for v in self.ms]
        self.cum = [0.0]
        for v in self.ms:
            self.cum.append(self.cum[-1] + v)

    def mean(self, a: int, b: int) -> float:
        a, b = max(a, 0), min(b, len(self.ms))
        return (self.cum[b] - self.cum[a]) / (b - a) if b > a else 0.0

    def rise(self, k: int) -> float:
        """Sub-millisecond time (ms) of the quarter point of the rise found at frame k."""
        rms = self.rms
        background = math.sqrt(self.mean(k - 10, k))
        peak = max(rms[k : k + 30])
        level = background + 0.25 * (peak - background)
        j = max(k - 2, 1)
        while j < len(rms) - 1 and rms[j] < level:
            j += 1
        below, above = rms[j - 1], rms[j]
        frac = (level - below) / (above - below) if above > below else 0.0
        return j - 1 + min(max(frac, 0.0), 1.0) + 0.5  # frame centres

    def onsets(self, start_ms: int = 0, stop_ms: int | None = None) -> list[float]:
        """Frames where the next 5 ms hold ONSET_RATIO times the energy of the loudest 5 ms of
        the 20 ms before (a peak hold: partials beating faster than ~70 Hz, as in the bell,
        do not look like onsets), and more than FLOOR."""
        out: list[float] = []
        n = len(self.ms) if stop_ms is None else min(stop_ms, len(self.ms))
        fives = [self.mean(k, k + 5) for k in range(len(self.ms))]
        k = max(start_ms, 1)
        while k < n - 5:
            after = fives[k]
            if after > FLOOR and after > ONSET_RATIO * max(fives[max(k - 20, 0) : max(k - 4, 1)]):
                at = self.rise(k)
                out.append(at)
                k = max(k + 1, int(at) + REFRACTORY_MS)
            else:
                k += 1
        return out


def _gaps(
    samples: Sequence[float], rate: int, env: _Envelope, start_ms: int, stop_ms: int
) -> list[Gap]:
    """Runs of exact zeros of 1 to MAX_GAP milliseconds, inside the range, with sound on both
    sides (louder than GAP_EDGE in the millisecond before and after)."""
    ms = env.ms
    out: list[Gap] = []
    k = max(start_ms, 1)
    floor = start_ms * rate // 1000
    while k < stop_ms:
        if ms[k] != 0.0:
            k += 1
            continue
        first = k
        while k < stop_ms and ms[k] == 0.0:
            k += 1
        i = first * rate // 1000  # refine both edges to the sample
        while i > floor and samples[i - 1] == 0:
            i -= 1
        j = k * rate // 1000
        while j < len(samples) and samples[j] == 0:
            j += 1
        if i <= floor or (j - i) * 1000 > MAX_GAP_MS * rate:
            continue
        before = ms[max(i * 1000 // rate - 1, 0)]
        after = ms[min(j * 1000 // rate + 1, len(ms) - 1)]
        if before > GAP_EDGE and after > GAP_EDGE:
            out.append(Gap(i / rate, (j - i) / rate))
    return out


class _Spectra:
    """Magnitudes at the probe frequencies of a 40 ms Hann window, for one sample rate."""

    def __init__(self, probes: Sequence[float], rate: int) -> None:
        self.rate = rate
        self.n = round(WINDOW * rate)
        window = _hann(self.n)
        self.norm = 2.0 / sum(window)
        self.tables = [
            (
                [w * math.cos(2 * math.pi * f * i / rate) for i, w in enumerate(window)],
                [w * math.sin(2 * math.pi * f * i / rate) for i, w in enumerate(window)],
            )
            for f in probes
        ]

    def at(
        self, samples: Sequence[float], start: int, scale: float, cuts: Sequence[float] = ()
    ) -> list[float]:
        """The magnitudes of the window from sample `start`. With `cuts` (seconds into the
        window: a dropout's edges), each piece between them is summed on its own and the
        pieces are added as powers: a dropout shifts the phase of what follows by an amount
        that is not quite its length, and a coherent sum across it would cancel."""
        n = self.n
        if start < 0 or start + n > len(samples):
            padded = array.array("d", bytes(8 * n))
            for i in range(max(0, -start), min(n, len(samples) - start)):
                padded[i] = samples[start + i]
            seg: Sequence[float] = padded
        else:
            seg = samples[start : start + n]
        factor = self.norm / scale
        if not cuts:
            return [
                math.hypot(sum(map(operator.mul, seg, c)), sum(map(operator.mul, seg, s))) * factor
                for c, s in self.tables
            ]
        edges = sorted({0, n, *(min(max(round(c * self.rate), 0), n) for c in cuts)})
        out = []
        for c, s in self.tables:
            power = 0.0
            for a, b in itertools.pairwise(edges):
                piece = seg[a:b]
                power += sum(map(operator.mul, piece, c[a:b])) ** 2
                power += sum(map(operator.mul, piece, s[a:b])) ** 2
            out.append(math.sqrt(power) * factor)
        return out

    def delta(
        self, samples: Sequence[float], onset_ms: float, scale: float, gaps: Sequence[Gap] = ()
    ) -> list[float]:
        """What is new at an onset: the window after it less the window before, per probe
        (cut at the edges of `gaps`, seconds into `samples`)."""
        start = round((onset_ms / 1000 - LEAD) * self.rate)
        after = self.at(samples, start, scale, _cuts(gaps, start / self.rate))
        before_start = start - self.n
        before = self.at(samples, before_start, scale, _cuts(gaps, before_start / self.rate))
        return [max(0.0, a - b) for a, b in zip(after, before, strict=True)]


def _cuts(gaps: Sequence[Gap], window: float) -> list[float]:
    """The edges of the gaps inside a window starting at `window`, in seconds into it."""
    return [
        edge - window
        for g in gaps
        for edge in (g.at, g.at + g.seconds)
        if window < edge < window + WINDOW
    ]


def _norm(v: Sequence[float]) -> float:
    return math.sqrt(sum(x * x for x in v))


def _nnls(atoms: list[list[float]], y: list[float], sweeps: int = 300) -> list[float]:
    """Non-negative least squares by coordinate descent; atoms are unit vectors. Earlier atoms
    win ties (identical atoms: the first takes it all)."""
    coef = [0.0] * len(atoms)
    residual = list(y)
    for _ in range(sweeps):
        moved = 0.0
        for j, atom in enumerate(atoms):
            step = sum(map(operator.mul, residual, atom))
            new = max(0.0, coef[j] + step)
            d = new - coef[j]
            if d:
                coef[j] = new
                residual = [r - d * a for r, a in zip(residual, atom, strict=True)]
                moved = max(moved, abs(d))
        if moved < 1e-9:
            break
    return coef


TEMPLATE_LEAD_MS = 60  # silence put before a file to analyse it as it would be heard


@dataclass
class _Template:
    sound: Sound
    padded: array.array  # the file after TEMPLATE_LEAD_MS of silence
    onset_ms: float  # where the recogniser puts the onset, in `padded`
    atom: list[float]  # unit vector: the spectrum of what its first 40 ms bring
    level: float  # the norm of that spectrum before scaling to a unit

    @property
    def lead(self) -> float:
        """Seconds from the file's first sample to its onset as the recogniser puts it."""
        return (self.onset_ms - TEMPLATE_LEAD_MS) / 1000


class Recogniser:
    """Finds the bundled sounds in a recording, with where each file starts.

    1. Onsets, on the energy per millisecond: the next 5 ms hold 1.5x the energy of the
       loudest 5 ms of the 20 ms before (a peak hold, so beating partials are no onsets),
       timed at the quarter point of the rise (the files are timed the same way).
    2. At each onset, what is new: the magnitudes at the sounds' strongest partials (found by
       an FFT of the files: 17 frequencies from 196 Hz to 2.9 kHz) of the 40 ms after it,
       less those of the 40 ms before (a sound already decaying adds nothing).
    3. That is decomposed into the sounds' own spectra (non-negative least squares). A sound
       is found when it explains at least 8% of it, what is left to it looks like it (cosine
       0.9) and the sounds together explain half of it; its level against the file is
       reported. Sounds still playing are offered first, as what their own file does at that
       moment (the second notes of `start`, `side` and `rest`), so those are not new sounds;
       two sounds starting together (a tick on a start) are both found.
    4. Dropouts (Gap): where a window holds one, every spectrum (the recording's and the
       sounds', played through the same dropouts) is summed piece by piece between the
       dropout's edges, and a new sound needs a 30% share.
    """

    def __init__(self, sounds: dict[str, Sound] | None = None) -> None:
        self.sounds = sounds or bundled_sounds()
        self.probes = self._probes()
        self._spectra: dict[int, _Spectra] = {}
        self.templates: dict[str, _Template] = {}
        for name, sound in self.sounds.items():
            padded = array.array("h", bytes(2 * (TEMPLATE_LEAD_MS * sound.rate // 1000)))
            padded += sound.samples
            found = _Envelope(padded, sound.rate, 32768.0).onsets()
            if not found:
                raise ValueError(f"{name}: no onset found in its own file")
            delta = self.spectra(sound.rate).delta(padded, found[0], 32768.0)
            level = _norm(delta)
            atom = [v / level for v in delta]
            self.templates[name] = _Template(sound, padded, found[0], atom, level)
        self._continuations: dict[tuple[str, int], tuple[list[float], float]] = {}

    def spectra(self, rate: int) -> _Spectra:
        if rate not in self._spectra:
            self._spectra[rate] = _Spectra(self.probes, rate)
        return self._spectra[rate]

    def _probes(self) -> list[float]:
        """The strongest partials of every sound (from an FFT of a few 40 ms windows of each,
        so later notes count too), merged when closer than 15 Hz."""
        found: list[tuple[float, float]] = []
        for sound in self.sounds.values():
            rate = sound.rate
            n = round(WINDOW * rate)
            size = 1 << (4 * n - 1).bit_length()  # zero-padded: bins of rate / size
            window = _hann(n)
            spectrum = [0.0] * (size // 2)
            for offset in (0.0, 0.06, 0.13, 0.2):
                start = round(offset * rate)
                if start + n > len(sound.samples):
                    break
                seg = sound.samples[start : start + n]
                fft = _fft(
                    [complex(v * w) for v, w in zip(seg, window, strict=True)] + [0j] * (size - n)
                )
                for k in range(size // 2):
                    spectrum[k] = max(spectrum[k], abs(fft[k]))
            top = max(spectrum)
            lo, hi = int(100 * size / rate), int(5000 * size / rate)
            peaks = []
            for k in range(max(lo, 1), min(hi, size // 2 - 1)):
                m = spectrum[k]
                if m >= 0.1 * top and spectrum[k - 1] < m >= spectrum[k + 1]:
                    a, b, c = spectrum[k - 1], m, spectrum[k + 1]
                    shift = 0.5 * (a - c) / (a - 2 * b + c) if a - 2 * b + c else 0.0
                    peaks.append((m / top, (k + shift) * rate / size))
            found += sorted(peaks, reverse=True)[:8]
        probes: list[float] = []
        for f in sorted(f for _, f in found):
            if probes and f - probes[-1] < 15:
                probes[-1] = (probes[-1] + f) / 2
            else:
                probes.append(f)
        return probes

    def _continuation(self, name: str, offset_ms: float) -> tuple[list[float], float] | None:
        """What `name`'s own file brings anew `offset_ms` after its onset point, as a unit
        vector and its level, or None when nothing (it only decays there)."""
        key = (name, round(offset_ms))
        if key not in self._continuations:
            template = self.templates[name]
            delta = self.spectra(template.sound.rate).delta(
                template.padded, template.onset_ms + key[1], 32768.0
            )
            level = _norm(delta)
            self._continuations[key] = ([v / level for v in delta], level) if level else ([], 0)
        atom, level = self._continuations[key]
        return (atom, level) if level > 0.05 * self.templates[name].level else None

    def _through(self, name: str, begins: float, window: float, gaps: Sequence[Gap]) -> list[float]:
        """The magnitudes of a 40 ms window (from `window`, seconds) of `name`'s file played
        from `begins`, through the dropouts `gaps`: silence in each, the rest of the sound
        that much later (what an underrun does). Cut at the gaps' edges, as the recording's
        window is."""
        template = self.templates[name]
        rate = template.sound.rate
        spectra = self.spectra(rate)
        sound = template.sound.samples
        holes = sorted((g.at, g.at + g.seconds) for g in gaps if g.at >= begins - 1e-9)
        seg = array.array("d", bytes(8 * spectra.n))
        for i in range(spectra.n):
            t = window + i / rate
            if any(a <= t < b for a, b in holes):
                continue  # in a dropout: silence
            late = sum(b - a for a, b in holes if b <= t)
            k = round((t - begins - late) * rate)
            if 0 <= k < len(sound):
                seg[i] = sound[k]
        return spectra.at(seg, 0, 32768.0, _cuts(gaps, window))

    def analyse(
        self,
        samples: Sequence[float],
        rate: int,
        *,
        scale: float = 32768.0,
        start: float = 0.0,
        stop: float | None = None,
    ) -> Analysis:
        """Every onset between `start` and `stop` (seconds), with the sounds that explain it,
        and every dropout."""
        env = _Envelope(samples, rate, scale)
        spectra = self.spectra(rate)
        onsets: list[Onset] = []
        stop_ms = len(env.ms) if stop is None else min(int(stop * 1000), len(env.ms))
        gaps = _gaps(samples, rate, env, int(start * 1000), stop_ms)
        playing: list[Heard] = []
        for at_ms in env.onsets(int(start * 1000), stop_ms):
            at = at_ms / 1000
            window = at - LEAD
            # Dropouts up to the end of this onset's window change what the sounds look like
            # here: their spectra are then worked out through them.
            upto = [g for g in gaps if g.at < window + WINDOW]
            near_gap = any(g.at + g.seconds > window - WINDOW for g in upto)
            delta = spectra.delta(samples, at_ms, scale, upto if near_gap else ())
            total = _norm(delta)
            if total == 0:
                continue
            labels: list[tuple[str, str]] = []
            atoms: list[list[float]] = []
            levels: list[float] = []
            for heard in playing:  # sounds still playing first: they win ties
                since = at - heard.at - self.templates[heard.name].lead  # since its onset
                if since <= 0.005:
                    continue
                if any(g.at >= heard.at for g in upto):
                    after = self._through(heard.name, heard.at, window, upto)
                    before = self._through(heard.name, heard.at, window - WINDOW, upto)
                    rise = [max(0.0, a - b) for a, b in zip(after, before, strict=True)]
                    options = [rise, after] if near_gap else [rise]
                    for vector in options:
                        level = _norm(vector)
                        if level > 0.05 * self.templates[heard.name].level:
                            labels.append(("continued", heard.name))
                            atoms.append([v / level for v in vector])
                            levels.append(level)
                elif found := self._continuation(heard.name, since * 1000):
                    labels.append(("continued", heard.name))
                    atoms.append(found[0])
                    levels.append(found[1])
            for name, template in self.templates.items():
                labels.append(("new", name))
                if near_gap:  # a new sound, seen through the same cuts (and its dropouts)
                    vector = self._through(name, at - template.lead, window, upto)
                    level = _norm(vector)
                    atoms.append([v / level for v in vector])
                    levels.append(level)
                else:
                    atoms.append(template.atom)
                    levels.append(template.level)
            coef = _nnls(atoms, delta)
            residual = list(delta)
            for c, atom in zip(coef, atoms, strict=True):
                residual = [r - c * a for r, a in zip(residual, atom, strict=True)]
            fit = 1 - _norm(residual) / total
            heard_here: list[Heard] = []
            continued: list[str] = []
            for (kind, name), c, atom, level in zip(labels, coef, atoms, levels, strict=True):
                share = c / total
                if share < MIN_SHARE:
                    continue
                if kind == "continued":
                    continued.append(name)
                    continue
                # What this sound is given plus what nothing explains: it must look like the
                # sound, or the coefficient only soaks up a misfit.
                mine = [r + c * a for r, a in zip(residual, atom, strict=True)]
                likeness = sum(map(operator.mul, mine, atom)) / _norm(mine)
                gain = c / level
                again = max((h.gain for h in playing if h.name == name), default=0.0)
                if (
                    fit >= MIN_FIT
                    and likeness >= MIN_LIKENESS
                    and gain >= max(MIN_LEVEL, MIN_GAIN_AGAIN * again)
                    and (share >= MIN_SHARE_NEAR_GAP or not near_gap)
                ):
                    lead = self.templates[name].lead
                    heard_here.append(Heard(name, at - lead, gain, share))
            onsets.append(Onset(at, tuple(heard_here), fit, tuple(continued), near_gap))
            playing = [h for h in playing if at - h.at < self.sounds[h.name].seconds + 0.2]
            playing += heard_here
        return Analysis(onsets, gaps)

    def find(self, samples: Sequence[float], rate: int, **kwargs) -> list[Heard]:
        return self.analyse(samples, rate, **kwargs).heard


# -- what the player should sound, and when ------------------------------------------------

LINE = re.compile(r"^\[\s*\d+:\d\d\] (.*)$")


@dataclass
class Cue:
    """One moment of the routine that makes a sound: what the plain player does with a batch
    of events (one sound, `loudest`, and the lines `describe` gives them)."""

    at: float  # seconds into the routine
    sound: str  # a bundled name, or a file's stem
    lines: tuple[str, ...]  # the lines printed with it (a countdown tick has none)
    stamp: float | None = None  # monotonic: its first line's arrival, else origin + at
    heard: Heard | None = None
    heard_at: float | None = None  # monotonic, the rig's own delay taken off

    @property
    def latency(self) -> float | None:
        if self.heard_at is None or self.stamp is None:
            return None
        return self.heard_at - self.stamp


def expected_cues(routine_path: Path) -> list[Cue]:
    """Walks the routine with backroutine's own engine on a fake clock, as the plain player
    does (session.start(), then update() at every next_wake()), and keeps each batch that
    makes a sound: what `loudest` picks and the lines `describe` prints."""
    from backroutine.core.announce import describe, loudest
    from backroutine.core.engine import Session
    from backroutine.core.loading import load_routine

    routine = load_routine(routine_path)
    now = [1000.0]
    session = Session(routine, clock=lambda: now[0])
    cues: list[Cue] = []

    def batch(events: list) -> None:
        sound = loudest(events)
        if sound is None:
            return
        lines = tuple(
            line
            for event in events
            if (line := describe(event, routine, session.next_segment)) is not None
        )
        name = sound.stem if isinstance(sound, Path) else str(sound)
        cues.append(Cue(now[0] - 1000.0, name, lines))

    batch(session.start())
    while session.state != "finished":
        wake = session.next_wake()
        assert wake is not None
        now[0] = wake
        events = session.update()
        if events:
            batch(events)
    return cues


@dataclass
class Run:
    """One `backroutine play ROUTINE --plain`: its lines stamped on arrival, and stderr."""

    lines: list[tuple[float, str]]
    stderr: str
    returncode: int | None
    started: float
    ended: float


def play(
    rig: PulseRig,
    routine_path: Path,
    *,
    home: Path,
    command: Sequence[str] | None = None,
    backend: str | None = None,
    timeout: float = 120.0,
) -> Run:
    """Plays the routine in plain mode with sound on (BACKROUTINE_AUDIO=auto) into the rig.
    `backend` sets BACKROUTINE_SOUND_BACKEND (None leaves the default)."""
    env = rig.child_env(
        BACKROUTINE_AUDIO="auto",
        BACKROUTINE_HOME=str(home),
        PYTHONUNBUFFERED="1",
        TERM="dumb",
    )
    for name in ("BACKROUTINE_SOUND_BACKEND", "BACKROUTINE_VOICE"):
        env.pop(name, None)
    if backend is not None:
        env["BACKROUTINE_SOUND_BACKEND"] = backend
    cmd = [*(command or (sys.executable, "-m", "backroutine")), "play", str(routine_path)]
    cmd.append("--plain")
    started = time.monotonic()
    process = subprocess.Popen(
        cmd,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
        preexec_fn=_die_with_parent,
    )
    lines: list[tuple[float, str]] = []
    errors: list[bytes] = []
    assert process.stdout is not None and process.stderr is not None
    out_fd, err_fd = process.stdout.fileno(), process.stderr.fileno()

    def read_lines() -> None:
        pending = b""
        while chunk := os.read(out_fd, 1 << 16):
            now = time.monotonic()
            pending += chunk
            *complete, pending = pending.split(b"\n")
            lines.extend((now, line.decode("utf-8", "replace")) for line in complete)

    def read_errors() -> None:
        while chunk := os.read(err_fd, 1 << 16):
            errors.append(chunk)

    readers = [
        threading.Thread(target=read_lines, daemon=True),
        threading.Thread(target=read_errors, daemon=True),
    ]
    for reader in readers:
        reader.start()
    try:
        process.wait(timeout)
    except subprocess.TimeoutExpired:
        _stop(process)
    ended = time.monotonic()
    for reader in readers:
        reader.join(2.0)
    stderr = b"".join(errors).decode("utf-8", "replace")
    return Run(lines, stderr, process.returncode, started, ended)


def stamp_cues(cues: list[Cue], run: Run) -> float:
    """Gives each cue the arrival time of its first line, in order; cues without a line (the
    countdown ticks) get origin + at, the origin being the median of (stamp - at) over the
    lines. Returns the origin."""
    printed = []
    for stamp, text in run.lines:
        match = LINE.match(text)
        if match:
            printed.append((stamp, match.group(1)))
    k = 0
    for cue in cues:
        if not cue.lines:
            continue
        while k < len(printed) and printed[k][1] != cue.lines[0]:
            k += 1
        if k == len(printed):
            break
        cue.stamp = printed[k][0]
        k += 1
    offsets = [cue.stamp - cue.at for cue in cues if cue.stamp is not None]
    if not offsets:
        raise RigError(
            "none of the routine's lines came out of the player: "
            f"exit code {run.returncode}, stderr: {run.stderr.strip()[-500:]!r}"
        )
    origin = statistics.median(offsets)
    for cue in cues:
        if cue.stamp is None:
            cue.stamp = origin + cue.at
    return origin


def match_cues(
    cues: list[Cue],
    heard: list[tuple[Heard, float]],
    *,
    early: float = 0.25,
    late: float = 2.5,
) -> list[tuple[Heard, float]]:
    """Pairs each expected cue with a heard sound of the same name (heard time in monotonic)
    in order, a sound counting for a cue when it comes between `early` s before and `late` s
    after it: the most pairs, then the least total lateness (a small alignment per sound).
    Returns the heard sounds no cue took."""
    left: list[tuple[Heard, float]] = []
    for name in sorted({c.sound for c in cues} | {h.name for h, _ in heard}):
        want = [c for c in cues if c.sound == name]
        got = sorted((h for h in heard if h[0].name == name), key=lambda h: h[1])
        n, m = len(want), len(got)
        # best[i][j]: (pairs, -lateness) for want[i:], got[j:]
        best = [[(0, 0.0)] * (m + 1) for _ in range(n + 1)]
        move = [[0] * (m + 1) for _ in range(n + 1)]
        for i in range(n - 1, -1, -1):
            for j in range(m - 1, -1, -1):
                options = [(best[i + 1][j], 1), (best[i][j + 1], 2)]
                assert want[i].stamp is not None
                lateness = got[j][1] - want[i].stamp
                if -early <= lateness <= late:
                    pairs, cost = best[i + 1][j + 1]
                    options.append(((pairs + 1, cost - abs(lateness)), 3))
                best[i][j], move[i][j] = max(options)
        i = j = 0
        taken = set()
        while i < n and j < m:
            if move[i][j] == 3:
                want[i].heard, want[i].heard_at = got[j]
                taken.add(j)
                i, j = i + 1, j + 1
            elif move[i][j] == 1:
                i += 1
            else:
                j += 1
        left += [h for k, h in enumerate(got) if k not in taken]
    return left


# -- one measurement -------------------------------------------------------------------------


@dataclass
class Measurement:
    cues: list[Cue]
    extra: list[tuple[Heard, float]]  # heard, but no cue asked for it (monotonic time)
    calibration: Calibration
    run: Run
    gaps: list[tuple[Gap, float]] = field(default_factory=list)  # (dropout, monotonic)
    onsets: list[Onset] = field(default_factory=list)
    analysis_seconds: float = 0.0

    @property
    def heard(self) -> list[Cue]:
        return [c for c in self.cues if c.heard is not None]

    @property
    def missed(self) -> list[Cue]:
        return [c for c in self.cues if c.heard is None]

    @property
    def latencies(self) -> list[float]:
        return [c.latency for c in self.cues if c.latency is not None]

    def summary(self) -> dict[str, object]:
        lat = self.latencies
        median = statistics.median(lat) if lat else None
        by_sound: dict[str, list[int]] = {}
        for cue in self.cues:
            counts = by_sound.setdefault(cue.sound, [0, 0])
            counts[0] += cue.heard is not None
            counts[1] += 1
        first = self.cues[0].latency if self.cues else None
        return {
            "expected": len(self.cues),
            "heard": len(lat),
            "by_sound": {name: tuple(c) for name, c in by_sound.items()},
            "median": median,
            "worst": max(lat, key=abs) if lat else None,
            "first": first,
            "jitter": max(abs(v - median) for v in lat) if median is not None else None,
            "off_by_100ms": sum(abs(v - median) > 0.1 for v in lat) if median is not None else 0,
            "over_100ms": sum(abs(v) > 0.1 for v in lat),
            "extra": len(self.extra),
            "dropouts": len(self.gaps),
            "longest_dropout": max((g.seconds for g, _ in self.gaps), default=None),
        }

    def report(self) -> list[str]:
        s = self.summary()
        out = []
        sounds = ", ".join(f"{name} {h}/{n}" for name, (h, n) in sorted(s["by_sound"].items()))
        out.append(f"cues heard: {s['heard']} of {s['expected']} ({sounds})")
        if s["median"] is not None:
            out.append(
                f"latency against the line: median {s['median'] * 1000:.0f} ms, "
                f"worst {s['worst'] * 1000:.0f} ms, first cue "
                + ("missed" if s["first"] is None else f"{s['first'] * 1000:.0f} ms")
                + f"; {s['over_100ms']} of {s['heard']} over 100 ms"
            )
            out.append(
                f"jitter (median removed): worst {s['jitter'] * 1000:.0f} ms; "
                f"{s['off_by_100ms']} of {s['heard']} off by more than 100 ms"
            )
        if s["extra"]:
            names = ", ".join(h.name for h, _ in self.extra)
            out.append(f"heard but not expected: {s['extra']} ({names})")
        if self.gaps:
            where = ", ".join(
                f"{g.seconds * 1000:.0f} ms in the {cue.sound} of {cue.at:g} s"
                if (cue := self.cue_at(when))
                else f"{g.seconds * 1000:.0f} ms"
                for g, when in self.gaps
            )
            out.append(f"dropouts (silence inside a sound): {len(self.gaps)}: {where}")
        out.append(self.calibration.describe())
        return out

    def cue_at(self, when: float) -> Cue | None:
        """The cue whose sound was playing at monotonic `when`."""
        playing = [
            c for c in self.cues if c.heard_at is not None and c.heard_at <= when < c.heard_at + 3
        ]
        return max(playing, key=lambda c: c.heard_at or 0.0) if playing else None

    def table(self) -> list[str]:
        rows = []
        for cue in self.cues:
            lat = "missed" if cue.latency is None else f"{cue.latency * 1000:+6.0f} ms"
            gain = f"gain {cue.heard.gain:.2f}" if cue.heard is not None else ""
            text = cue.lines[0] if cue.lines else "(no line)"
            rows.append(f"{cue.at:6.2f} s  {cue.sound:<6} {lat:>10}  {gain:<9}  {text}")
        return rows


def measure(
    rig: PulseRig,
    routine_path: Path,
    *,
    home: Path,
    recogniser: Recogniser | None = None,
    command: Sequence[str] | None = None,
    backend: str | None = None,
    tail: float = 1.0,
) -> Measurement:
    """Clicks, the routine, clicks: then what was heard against what should have been."""
    assert rig.recording is not None
    recogniser = recogniser or Recogniser()
    cues = expected_cues(routine_path)
    rig.click_train(5, 0.2)
    run = play(rig, routine_path, home=home, command=command, backend=backend)
    origin = stamp_cues(cues, run)
    # The last cue (the bell, 2 s) rings out before the closing clicks.
    rig.wait_idle(max(tail, origin + cues[-1].at + 2.5 - time.monotonic()))
    stop = time.monotonic()
    rig.click_train(3, 0.2)
    time.sleep(0.3)
    calibration = rig.calibrate()
    offset = calibration.offset
    began = time.monotonic()
    recording = rig.recording
    samples = recording.samples()
    first = recording.index_of(run.started) / RATE
    last = recording.index_of(stop) / RATE
    analysis = recogniser.analyse(samples, RATE, start=first, stop=last)
    heard = [(h, recording.time_of(h.at * RATE) - offset) for h in analysis.heard]
    gaps = [(g, recording.time_of(g.at * RATE) - offset) for g in analysis.gaps]
    extra = match_cues(cues, heard)
    took = time.monotonic() - began
    return Measurement(cues, extra, calibration, run, gaps, analysis.onsets, took)


ROUTINE = """\
name: Cue check
category: gentle
summary: A short routine that makes every kind of cue sound, for the audio rig.
defaults: {get_ready: 3s, rest: 2s}
steps:
  - name: Knee hug
    hold: 4s
    sides: both
    cues: [{at: 50%, say: Breathe out, sound: chime}]
  - rest: 2s
  - name: Pelvic tilt
    get_ready: 0
    reps: 3
    tempo: 1-1
"""


def write_routine(folder: Path) -> Path:
    """The routine both the test and the benchmark play: 21 s, 18 cues, every bundled sound
    (4 start, 4 tick, 2 chime, a side, a rest, 5 rep, the bell)."""
    path = folder / "cue-check.yaml"
    path.write_text(ROUTINE, encoding="utf-8")
    return path
