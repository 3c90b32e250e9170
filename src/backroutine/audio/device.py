"""The output device for the stream player (stream.py): a miniaudio playback stream, opened
quietly, and the error that says no stream could be opened.

miniaudio is imported only inside open_device (its import loads a C library).
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Generator, Sequence
from typing import Any, Protocol

RATE = 44100  # the bundled sounds are 22050 Hz: an exact doubling
CHANNELS = 1  # the cues are mono; the sound server spreads them over the speakers
# The callback's period: a cue starts at the next one. 10 ms dropped a few blocks a minute
# on a loaded PulseAudio (a Python callback is late now and then); 20 ms in 4 periods still left
# a 2-5 ms hole in about one sound in 15; 20 ms in 8 periods none in 9 runs of 18 cues, with a
# median 22-26 ms from the line to the sound (measured on a PulseAudio null sink's monitor,
# bench/cue_latency.py, issue 12). 30 ms would be safer still but passes 50 ms at its worst.
PERIOD_MSEC = 20
PERIODS = 8

# miniaudio's order of preference without JACK (its library prints to the terminal and may
# try to start a server) and without the null backend (silence that claims to be a device).
# PipeWire serves the PulseAudio protocol.
_BACKENDS: tuple[str, ...] = (
    "wasapi",
    "dsound",
    "winmm",
    "coreaudio",
    "sndio",
    "audio4",
    "oss",
    "pulseaudio",
)
_BACKENDS += ("alsa", "aaudio", "opensl")


class StreamUnavailable(Exception):
    """No stream could be opened; the message says why, in words."""


class Device(Protocol):
    """What the player needs of miniaudio's PlaybackDevice (a fake in tests)."""

    backend: str
    stop_callback: Callable[[], None] | None

    def start(self, generator: Generator[Any, int, None]) -> None: ...

    def close(self) -> None: ...


def open_device(backends: Sequence[str] | None) -> Device:
    """A miniaudio playback device (not started); raises when none can be opened."""
    import miniaudio

    enabled = miniaudio.get_enabled_backends()
    wanted = [miniaudio.Backend[name.upper()] for name in (backends or _BACKENDS)]
    usable = [backend for backend in wanted if backend in enabled]
    if not usable:
        raise StreamUnavailable("no sound system that miniaudio can use here")
    device: Device = miniaudio.PlaybackDevice(
        output_format=miniaudio.SampleFormat.SIGNED16,
        nchannels=CHANNELS,
        sample_rate=RATE,
        buffersize_msec=PERIOD_MSEC,
        callback_periods=PERIODS,
        backends=usable,
        app_name="backroutine",
    )
    return device


_alsa_handler: object = None  # kept alive: ALSA holds a pointer to it


def quiet_alsa() -> None:
    """ALSA's library prints its failures (no card: a dozen lines) on stderr, where the TUI
    draws its screen: it gets an error handler that says nothing. Linux only; best effort."""
    global _alsa_handler
    if _alsa_handler is not None or not sys.platform.startswith("linux"):
        return
    try:
        import ctypes

        alsa = ctypes.CDLL("libasound.so.2")  # the copy miniaudio loads too
        c = ctypes
        kind = c.CFUNCTYPE(None, c.c_char_p, c.c_int, c.c_char_p, c.c_int, c.c_char_p)
        handler = kind(lambda *args: None)
        alsa.snd_lib_error_set_handler(handler)
        _alsa_handler = handler
    except Exception:
        _alsa_handler = False  # no ALSA here (then miniaudio will not use it either)
