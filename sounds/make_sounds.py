"""Generate the cue sounds that backroutine plays during a routine.

This script synthesises seven short, soft WAV files (16-bit mono PCM,
22050 Hz) from sine and bell-like partials with smooth attacks and
exponential decays, and writes them next to this file:

    tick.wav   soft wooden tick for the 3-2-1 countdown before a timed segment
    start.wav  bright rising two-note chime when a segment starts
    rest.wav   calm, lower, descending tone for rests
    side.wav   two quick notes of equal pitch: "switch sides"
    rep.wav    very soft, short blip for each rep or tempo phase
    bell.wav   end-of-routine bell with inharmonic partials and a long decay
    chime.wav  gentle single chime for routine cues

Every file gets a short raised-cosine fade in and out so it never clicks,
and is scaled to a fixed peak level (about -6 dBFS, softer cues lower).
The output is deterministic: the only randomness (the tick's noise burst)
comes from a fixed seed, so rerunning gives byte-identical files.

Rerun from anywhere with:

    python sounds/make_sounds.py

The files are always written into the folder this script lives in,
whatever the current directory is. Standard library only.
"""

from __future__ import annotations

import array
import math
import random
import sys
import wave
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

SAMPLE_RATE = 22050
SAMPLE_WIDTH = 2  # bytes: 16-bit PCM
CHANNELS = 1
FULL_SCALE = 32767
SEED = 20240611

OUT_DIR = Path(__file__).resolve().parent

Signal = list[float]


@dataclass(frozen=True)
class Partial:
    """One sine component of a note.

    ratio: frequency as a multiple of the note's fundamental.
    amp: relative amplitude.
    decay: exponential decay time constant in seconds (amplitude falls to
        1/e after this long).
    """

    ratio: float
    amp: float
    decay: float


def silence(seconds: float) -> Signal:
    """Return a buffer of zeros lasting ``seconds``."""
    return [0.0] * round(seconds * SAMPLE_RATE)


def attack_curve(n: int, attack_samples: int) -> float:
    """Raised-cosine attack gain for sample ``n`` (0 to 1)."""
    if attack_samples <= 0 or n >= attack_samples:
        return 1.0
    return 0.5 - 0.5 * math.cos(math.pi * n / attack_samples)


def note(
    freq: float,
    seconds: float,
    partials: Sequence[Partial],
    attack: float = 0.005,
) -> Signal:
    """Synthesise one note as a sum of exponentially decaying partials."""
    length = round(seconds * SAMPLE_RATE)
    attack_samples = round(attack * SAMPLE_RATE)
    out = [0.0] * length
    nyquist = SAMPLE_RATE / 2
    for p in partials:
        f = freq * p.ratio
        if f >= nyquist * 0.9:
            continue  # keep well clear of aliasing
        w = 2.0 * math.pi * f / SAMPLE_RATE
        k = 1.0 / (p.decay * SAMPLE_RATE)
        for n in range(length):
            out[n] += p.amp * math.exp(-k * n) * math.sin(w * n)
    for n in range(min(attack_samples, length)):
        out[n] *= attack_curve(n, attack_samples)
    return out


def mix_into(target: Signal, source: Signal, at: float, gain: float = 1.0) -> None:
    """Add ``source`` into ``target`` starting at ``at`` seconds."""
    start = round(at * SAMPLE_RATE)
    for i, value in enumerate(source):
        j = start + i
        if j >= len(target):
            break
        target[j] += gain * value


def fade(signal: Signal, fade_in: float = 0.003, fade_out: float = 0.008) -> None:
    """Apply raised-cosine fades at both ends so the file starts and ends at zero."""
    n_in = min(round(fade_in * SAMPLE_RATE), len(signal))
    n_out = min(round(fade_out * SAMPLE_RATE), len(signal))
    for n in range(n_in):
        signal[n] *= 0.5 - 0.5 * math.cos(math.pi * n / n_in)
    last = len(signal) - 1
    for n in range(n_out):
        signal[last - n] *= 0.5 - 0.5 * math.cos(math.pi * n / n_out)


def normalise(signal: Signal, peak_dbfs: float) -> Signal:
    """Scale ``signal`` so its absolute peak sits at ``peak_dbfs``."""
    peak = max((abs(v) for v in signal), default=0.0)
    if peak == 0.0:
        return list(signal)
    gain = 10.0 ** (peak_dbfs / 20.0) / peak
    return [v * gain for v in signal]


def to_pcm16(signal: Signal) -> bytes:
    """Convert floats in [-1, 1] to little-endian 16-bit PCM bytes."""
    samples = array.array(
        "h", (max(-FULL_SCALE, min(FULL_SCALE, round(v * FULL_SCALE))) for v in signal)
    )
    if sys.byteorder == "big":
        samples.byteswap()
    return samples.tobytes()


def write_wav(path: Path, signal: Signal) -> None:
    """Write ``signal`` as a 16-bit mono WAV file."""
    with wave.open(str(path), "wb") as wav:
        wav.setnchannels(CHANNELS)
        wav.setsampwidth(SAMPLE_WIDTH)
        wav.setframerate(SAMPLE_RATE)
        wav.writeframes(to_pcm16(signal))


def midi_hz(midi: int) -> float:
    """Equal-tempered frequency of a MIDI note number (A4 = 69 = 440 Hz)."""
    return 440.0 * 2.0 ** ((midi - 69) / 12.0)


# Timbres ------------------------------------------------------------------

# Soft, slightly bright chime: harmonic partials plus a faint inharmonic one.
CHIME_PARTIALS = (
    Partial(1.0, 1.0, 0.30),
    Partial(2.0, 0.28, 0.16),
    Partial(2.76, 0.10, 0.09),
    Partial(4.0, 0.05, 0.06),
)

# Warm and round: mostly fundamental, a little second harmonic.
WARM_PARTIALS = (
    Partial(1.0, 1.0, 0.28),
    Partial(2.0, 0.18, 0.14),
    Partial(3.0, 0.04, 0.08),
)


# Sounds -------------------------------------------------------------------


def make_tick() -> Signal:
    """Short soft wooden tick: damped woodblock modes plus a tiny noise click."""
    rng = random.Random(SEED)
    total = 0.07
    out = silence(total)
    body = note(
        1250.0,
        total,
        (
            Partial(1.0, 1.0, 0.010),
            Partial(2.31, 0.45, 0.006),
            Partial(3.52, 0.20, 0.004),
        ),
        attack=0.0008,
    )
    mix_into(out, body, 0.0)
    # Low-passed noise burst for the "knock" of the stick, decaying fast.
    burst_len = round(0.012 * SAMPLE_RATE)
    lp = 0.0
    for n in range(burst_len):
        lp += 0.35 * (rng.uniform(-1.0, 1.0) - lp)
        out[n] += 0.35 * lp * math.exp(-n / (0.002 * SAMPLE_RATE))
    fade(out, fade_in=0.001, fade_out=0.010)
    return normalise(out, -12.0)


def make_start() -> Signal:
    """Bright rising two-note start chime (E5 then B5, a fifth up)."""
    total = 0.5
    out = silence(total)
    mix_into(out, note(midi_hz(76), 0.5, CHIME_PARTIALS, attack=0.004), 0.0)
    mix_into(out, note(midi_hz(83), 0.38, CHIME_PARTIALS, attack=0.004), 0.12)
    fade(out, fade_in=0.003, fade_out=0.060)
    return normalise(out, -6.0)


def make_rest() -> Signal:
    """Calm, lower, descending soft tone: A4 falling to E4, slow attacks."""
    total = 0.6
    out = silence(total)
    soft = tuple(Partial(p.ratio, p.amp, p.decay * 1.3) for p in WARM_PARTIALS)
    mix_into(out, note(midi_hz(69), 0.6, soft, attack=0.025), 0.0, gain=0.8)
    mix_into(out, note(midi_hz(64), 0.42, soft, attack=0.030), 0.18)
    fade(out, fade_in=0.004, fade_out=0.080)
    return normalise(out, -9.0)


def make_side() -> Signal:
    """Two quick notes of equal pitch (G5), hollow odd-harmonic timbre."""
    total = 0.4
    out = silence(total)
    hollow = (
        Partial(1.0, 1.0, 0.09),
        Partial(3.0, 0.16, 0.05),
        Partial(5.0, 0.05, 0.03),
    )
    # Each note runs to the end of the buffer so nothing is cut off mid-decay.
    mix_into(out, note(midi_hz(79), 0.4, hollow, attack=0.004), 0.0)
    mix_into(out, note(midi_hz(79), 0.24, hollow, attack=0.004), 0.16)
    fade(out, fade_in=0.003, fade_out=0.040)
    return normalise(out, -6.0)


def make_rep() -> Signal:
    """Very soft, short blip (A5) for each rep or tempo phase."""
    total = 0.1
    out = note(
        midi_hz(81),
        total,
        (Partial(1.0, 1.0, 0.028), Partial(2.0, 0.12, 0.015)),
        attack=0.004,
    )
    fade(out, fade_in=0.003, fade_out=0.020)
    return normalise(out, -18.0)


def make_bell() -> Signal:
    """End-of-routine bell: church-bell style inharmonic partials, long decay.

    Pairs of slightly detuned partials give the slow beating of a real bell.
    """
    total = 2.0
    base = midi_hz(67)  # G4 strike note ("prime")
    partials = (
        Partial(0.5, 0.35, 0.80),  # hum
        Partial(0.502, 0.15, 0.75),  # hum, beating partner
        Partial(1.0, 1.00, 0.60),  # prime
        Partial(1.003, 0.35, 0.55),  # prime, beating partner
        Partial(1.19, 0.55, 0.45),  # minor-third "tierce"
        Partial(1.51, 0.30, 0.35),  # quint
        Partial(2.0, 0.45, 0.40),  # nominal
        Partial(2.52, 0.18, 0.22),
        Partial(2.67, 0.14, 0.20),
        Partial(3.01, 0.10, 0.15),
        Partial(4.17, 0.06, 0.10),
        Partial(5.43, 0.03, 0.07),
    )
    out = note(base, total, partials, attack=0.003)
    fade(out, fade_in=0.002, fade_out=0.400)
    return normalise(out, -6.0)


def make_chime() -> Signal:
    """Gentle single chime (C6) for routine cues."""
    total = 0.8
    gentle = tuple(
        Partial(p.ratio, p.amp * (0.7 if p.ratio > 1 else 1.0), p.decay * 1.2)
        for p in CHIME_PARTIALS
    )
    out = note(midi_hz(84), total, gentle, attack=0.008)
    fade(out, fade_in=0.003, fade_out=0.120)
    return normalise(out, -8.0)


SOUNDS: dict[str, Callable[[], Signal]] = {
    "tick": make_tick,
    "start": make_start,
    "rest": make_rest,
    "side": make_side,
    "rep": make_rep,
    "bell": make_bell,
    "chime": make_chime,
}


def main() -> None:
    """Render every sound and write it beside this script."""
    for name, make in SOUNDS.items():
        path = OUT_DIR / f"{name}.wav"
        signal = make()
        write_wav(path, signal)
        seconds = len(signal) / SAMPLE_RATE
        print(f"wrote {path.name}: {seconds:.3f} s, {path.stat().st_size} bytes")


if __name__ == "__main__":
    main()
