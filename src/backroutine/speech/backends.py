"""Finding a speech program (espeak-ng, espeak, macOS `say`, spd-say), the speaker for a
session, and what `backroutine doctor` says about the voice.

Looking starts nothing (shutil.which); only doctor runs the program, once, with a time limit.
Whether a sound device is there to hear it is the sound port's shared device probe.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from contextlib import suppress

from backroutine.audio import device_probe
from backroutine.audio.port import describe_error
from backroutine.speech.port import SilentSpeaker, Speaker
from backroutine.speech.worker import CommandSpeaker

SPEECH_RATE = "150"  # words a minute: a little slower than the programs' default, calmer
INSTALL_HINT = "install espeak-ng"
NO_PROGRAM_NOTICE = (
    "No voice: no speech program found (install espeak-ng). Cues are shown and played as sounds."
)


def find_speech_command() -> list[str] | None:
    """The speech program's argv up to the text (the speaker adds "--" and the text).

    espeak-ng, then espeak, then macOS `say`, then spd-say (speech-dispatcher; --wait so the
    program runs as long as it speaks). None when none is on PATH. Only looks (shutil.which);
    starts nothing.
    """
    for name in ("espeak-ng", "espeak"):
        path = shutil.which(name)
        if path:
            return [path, "-s", SPEECH_RATE]
    if sys.platform == "darwin":  # on Linux a `say` on PATH may be anything
        path = shutil.which("say")
        if path:
            return [path, "-r", SPEECH_RATE]
    path = shutil.which("spd-say")
    if path:
        return [path, "--wait"]
    return None


def make_speaker(enabled: bool, *, on_notice: Callable[[str], None]) -> Speaker:
    """A voice when enabled and a speech program is found; else silence.

    Enabled without a program: silence and one notice, at once.
    """
    if not enabled:
        return SilentSpeaker()
    command = find_speech_command()
    if command is None:
        with suppress(Exception):
            on_notice(NO_PROGRAM_NOTICE)
        return SilentSpeaker()
    return CommandSpeaker(command, on_notice=on_notice)


# -- doctor --------------------------------------------------------------------------------


def _check_command(command: list[str], speak: bool) -> list[str]:
    """A quick argv showing the program runs: says a phrase aloud with speak, else silent."""
    if speak:
        return [*command, "--", "Voice check"]
    name = os.path.basename(command[0])
    if name in ("espeak-ng", "espeak"):
        return [*command, "-q", "--", "Voice check"]  # -q: synthesise, play nothing
    if name == "say":
        return [command[0], "-v", "?"]  # lists the voices
    return [command[0], "--version"]


def describe_speech(*, speak: bool = False, timeout: float = 5.0) -> dict[str, object]:
    """What `backroutine doctor` reports about the voice.

    {"program", "command", "works", "hint", "reason"}: works means a speech program was found,
    a quick check run of it (silent unless `speak`) exited 0 within `timeout` seconds, and a
    sound device seems present. "reason" says why not; "hint" is "install espeak-ng" when the
    program is missing or broken (None otherwise).
    """
    command = find_speech_command()
    result: dict[str, object] = {
        "program": command[0] if command else None,
        "command": command,
        "works": False,
        "hint": INSTALL_HINT,
        "reason": "no speech program found",
    }
    if command is None:
        return result
    reason = _run_check(_check_command(command, speak), timeout)
    if reason is None:
        reason = device_probe.missing_device_reason()  # espeak-ng exits 0 without one
        result["hint"] = None  # the program is fine: reinstalling it would not help
    result.update(works=reason is None, reason=reason)
    return result


def _run_check(argv: list[str], timeout: float) -> str | None:
    """None when the program ran fine, else why not."""
    program = os.path.basename(argv[0])
    try:
        done = subprocess.run(
            argv,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            timeout=timeout,
            check=False,
        )
    except subprocess.TimeoutExpired:
        return f"{program} did not finish within {timeout:g} s"
    except Exception as error:
        return f"{program} failed ({describe_error(error)})"
    if done.returncode != 0:
        lines = done.stderr.decode(errors="replace").strip().splitlines()
        detail = f": {describe_error(ValueError(lines[-1]))}" if lines else ""
        return f"{program} failed with exit code {done.returncode}{detail}"
    return None
