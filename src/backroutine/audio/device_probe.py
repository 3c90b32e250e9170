"""The shared device probe: is there anything here that could make a sound?

Both ports ask it. The sound port asks before it trusts playsound3 (whose players report
success into a dummy output), and the speech port asks in doctor (espeak-ng exits 0 with no
sound device). The stream player needs no guess: opening a stream is the proof.

A cheap look, a few stats, no library loaded and no process started: so it can be asked at
start-up and in doctor without cost.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from pathlib import Path

NO_DEVICE_REASON = "no sound device found"

# The sockets a PulseAudio or PipeWire server listens on, under $XDG_RUNTIME_DIR.
SERVER_SOCKETS = ("pulse/native", "pipewire-0")


def missing_device_reason(
    dev_snd: Path = Path("/dev/snd"), environ: Mapping[str, str] | None = None
) -> str | None:
    """None when a sound device or server seems present (or we cannot tell), else why not.

    Only on Linux (macOS and Windows always have a sound output to play into). We look for an
    ALSA playback device or a PulseAudio/PipeWire server. Why: with no sound card and no sound
    server, gst-play-1.0 quietly plays into a dummy output and exits 0 (seen on a headless
    Debian 12), so playsound3 reports success and the session would be silent with no bell;
    finding none, the bell is the better cue. PLAYSOUND3_BACKEND (the user chose an audio
    player themselves) skips the guess: an escape hatch should it ever be wrong.

    `dev_snd` and `environ` (default: os.environ) are for tests.
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
        if runtime and any((Path(runtime) / name).exists() for name in SERVER_SOCKETS):
            return None
    except OSError:
        return None  # cannot tell: let the player try
    return NO_DEVICE_REASON
