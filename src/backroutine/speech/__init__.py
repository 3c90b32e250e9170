"""The speech port: speakers that say cues aloud through a speech program, or say nothing.

People may follow a routine with their eyes closed, so a spoken "Switch sides" helps; but a
voice problem must never crash or stall a session. Hence every speaker's say() returns at
once and never raises, and the real speaker (CommandSpeaker) runs the speech program on one
worker thread and goes quiet for good, telling the user once, when the program is broken.

The modules:
- port.py: the Speaker protocol, the silent and recording speakers, the text as spoken;
- worker.py: CommandSpeaker, the speaking thread and its one-waiting-utterance policy;
- backends.py: finding espeak-ng/espeak/say/spd-say, make_speaker, and doctor's check
  (the device question goes to the sound port's shared probe, audio/device_probe.py).
"""

from __future__ import annotations

from backroutine.speech.backends import (
    INSTALL_HINT,
    NO_PROGRAM_NOTICE,
    SPEECH_RATE,
    describe_speech,
    find_speech_command,
    make_speaker,
)
from backroutine.speech.port import (
    MAX_TEXT,
    RecordingSpeaker,
    SilentSpeaker,
    Speaker,
    clean_text,
)
from backroutine.speech.worker import CommandSpeaker, RunFunction, Utterance

__all__ = [
    "INSTALL_HINT",
    "MAX_TEXT",
    "NO_PROGRAM_NOTICE",
    "SPEECH_RATE",
    "CommandSpeaker",
    "RecordingSpeaker",
    "RunFunction",
    "SilentSpeaker",
    "Speaker",
    "Utterance",
    "clean_text",
    "describe_speech",
    "find_speech_command",
    "make_speaker",
]
