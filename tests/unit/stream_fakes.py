"""Fakes shared by the stream player's tests: a device that pulls blocks on a thread (or
never), a recorder of rings and notices, and small helpers."""

from __future__ import annotations

import math
import threading
import time
import wave
from array import array
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from backroutine.audio import stream
from backroutine.audio.stream import CHANNELS, RATE, Mixer

BLOCK = RATE // 100  # frames in a 10 ms block


def pull_all(mixer: Mixer, blocks: int) -> array:
    out = array("h")
    for _ in range(blocks):
        block = mixer.mix(BLOCK)
        out.extend(block if isinstance(block, array) else array("h", bytes(block)))
    return out


def tone(path: Path, seconds: float, rate: int = 22050, amplitude: int = 8000) -> Path:
    count = int(seconds * rate)
    samples = array(
        "h", (int(amplitude * math.sin(2 * math.pi * 660 * i / rate)) for i in range(count))
    )
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(samples.tobytes())
    return path


class Calls:
    def __init__(self) -> None:
        self.rings = 0
        self.notices: list[str] = []

    def ring(self) -> None:
        self.rings += 1

    def notice(self, message: str) -> None:
        self.notices.append(message)


class PullingDevice:
    """A fake playback device: its thread asks the generator for a block every millisecond
    (faster than real time, so that tests need not wait out a sound's length)."""

    backend = "Fake"

    def __init__(self, pace: float = 0.001) -> None:
        self.stop_callback: Callable[[], None] | None = None
        self.pace = pace
        self.closed = 0
        self.blocks = 0
        self._stop = threading.Event()

    def start(self, generator: Any) -> None:
        def run() -> None:
            while not self._stop.is_set():
                block = generator.send(BLOCK)
                assert len(block) in (BLOCK * CHANNELS, 2 * BLOCK * CHANNELS)
                self.blocks += 1
                time.sleep(self.pace)

        threading.Thread(target=run, daemon=True).start()

    def close(self) -> None:
        self.closed += 1
        self._stop.set()


class IdleDevice(PullingDevice):
    """A device that never asks for data (a stream that has died, or not started)."""

    def start(self, generator: Any) -> None:
        pass


def install(monkeypatch: pytest.MonkeyPatch, device: PullingDevice) -> PullingDevice:
    """Have open_stream_player open this device instead of a real one."""
    monkeypatch.setattr(stream, "_open_device", lambda backends: device)
    return device
