"""The sound port: players that turn cue names into sound, a terminal bell, or nothing.

People may follow a routine with their eyes closed, so cues matter; but a sound problem must
never crash or stall a session. Hence every player's play() returns at once and never raises,
and the real sound players quietly fall back to the terminal bell (telling the user once) when
the audio system is missing, broken or hung.

The modules:
- port.py: the Player protocol; the silent, bell and recording players; cue names and files;
- choose.py: the settings ($BACKROUTINE_AUDIO, $BACKROUTINE_SOUND_BACKEND) and make_player;
- stream.py, device.py: the stream player (miniaudio), and its output device;
- playsound.py: the playsound3 player, a process per cue (where no stream opens);
- device_probe.py: the cheap look for a sound device or server, shared with the speech port;
- check.py: what `backroutine doctor` finds out and plays.

Importing this package imports neither miniaudio nor playsound3, nor stream.py or playsound.py:
SoundPlayer (playsound.py) is loaded here on first use.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from backroutine.audio.check import doctor_lines, probe
from backroutine.audio.choose import (
    AUDIO_MODES,
    BACKEND_VAR,
    ENV_VAR,
    SOUND_BACKENDS,
    AudioMode,
    SoundBackend,
    audio_mode_from_env,
    make_player,
    sound_backend_from_env,
)
from backroutine.audio.device import StreamUnavailable
from backroutine.audio.device_probe import NO_DEVICE_REASON, missing_device_reason
from backroutine.audio.port import (
    LOUD_SOUNDS,
    SOFT_SOUNDS,
    BellPlayer,
    Player,
    RecordingPlayer,
    SilentPlayer,
    is_loud,
    preload,
    resolve_sound,
    routine_sounds,
)

if TYPE_CHECKING:
    from backroutine.audio.playsound import SoundPlayer

__all__ = [
    "AUDIO_MODES",
    "BACKEND_VAR",
    "ENV_VAR",
    "LOUD_SOUNDS",
    "NO_DEVICE_REASON",
    "SOFT_SOUNDS",
    "SOUND_BACKENDS",
    "AudioMode",
    "BellPlayer",
    "Player",
    "RecordingPlayer",
    "SilentPlayer",
    "SoundBackend",
    "SoundPlayer",
    "StreamUnavailable",
    "audio_mode_from_env",
    "doctor_lines",
    "is_loud",
    "make_player",
    "missing_device_reason",
    "preload",
    "probe",
    "resolve_sound",
    "routine_sounds",
    "sound_backend_from_env",
]


def __getattr__(name: str) -> object:
    """SoundPlayer lives in playsound.py (imported on first use, not by this package)."""
    if name == "SoundPlayer":
        from backroutine.audio.playsound import SoundPlayer

        return SoundPlayer
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
