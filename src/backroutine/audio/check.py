"""What `backroutine doctor` finds out about sound, and `doctor --play`'s playing.

The same order as make_player (choose.py): the stream (miniaudio) where one opens, else
playsound3; with --play each bundled sound is played through it, one after the other, and
said to have played or not. Whether anyone heard it, only the user can tell. Everything runs
on a thread with a time limit: a hung sound server must not hang doctor.
"""

from __future__ import annotations

import threading
import time
from contextlib import suppress
from typing import Any

from backroutine.audio import choose, device_probe
from backroutine.audio.port import describe_error
from backroutine.core import paths

# The order a routine uses them in, so that the bell ends the test.
PLAY_ORDER = ("tick", "start", "rep", "side", "rest", "chime", "bell")
GAP = 0.25  # silence between two test sounds, to tell them apart
CHECK_TIMEOUT = 8.0  # without --play
PLAY_TIMEOUT = 40.0  # with --play: seven sounds, through playsound3 a process each


def probe(play_test_sound: bool = False, *, timeout: float | None = None) -> dict[str, object]:
    """The `audio` object of `doctor --json`.

    mode, sound_backend: the settings ($BACKROUTINE_AUDIO, $BACKROUTINE_SOUND_BACKEND).
    works, through ("stream", "playsound3" or None), backend (its backend: "pulseaudio",
    "gstreamer"...), reason (why there is no real sound, else None).
    stream: {"works", "backend", "reason"}, or None when not checked (playsound3 forced).
    playsound3: {"works", "backend", "backends", "reason"}, or None when not checked (the
    stream works, or was forced). backends: playsound3's backends ([] when not checked).
    played (with play_test_sound): {sound: {"played", "through", "reason"}}.
    sounds: {name: path} of the bundled sounds.
    """
    limit = timeout if timeout is not None else PLAY_TIMEOUT if play_test_sound else CHECK_TIMEOUT
    sounds = {
        name: str(paths.bundled_sounds_dir() / f"{name}.wav")
        for name in sorted(paths.bundled_sound_names())
    }
    played: dict[str, dict[str, object]] = {}
    found: dict[str, Any] = {}
    deadline = time.monotonic() + limit

    def check() -> None:
        found.update(_check(play_test_sound, deadline, played))  # one update: never half

    # In a thread: a backend check or a test sound might hang; doctor must not.
    thread = threading.Thread(target=check, name="backroutine-audio-probe", daemon=True)
    thread.start()
    thread.join(limit)
    result = dict(found)
    works = bool(result.get("works"))
    report: dict[str, object] = {
        "mode": choose.audio_mode_from_env(),
        "sound_backend": choose.sound_backend_from_env(),
        "works": works,
        "through": result.get("through") if works else None,
        "backend": result.get("backend"),
        "backends": result.get("backends", []),
        "reason": None if works else result.get("reason", _late(limit)),
        "stream": result.get("stream"),
        "playsound3": result.get("playsound3"),
        "sounds": sounds,
    }
    if play_test_sound:
        why = str(report["reason"] or "not tried") if found else _late(limit)
        report["played"] = {name: dict(played.get(name) or _not_played(why)) for name in _order()}
    return report


def _late(limit: float) -> str:
    return f"the audio check did not finish within {limit:g} s"


def _not_played(reason: str) -> dict[str, object]:
    return {"played": False, "through": None, "reason": reason}


def _order() -> list[str]:
    names = paths.bundled_sound_names()
    return [n for n in PLAY_ORDER if n in names] + sorted(names - set(PLAY_ORDER))


def doctor_lines(report: dict[str, Any]) -> list[str]:
    """`backroutine doctor`'s lines about sound, from probe()'s report."""
    lines = [
        f"audio mode:       {report.get('mode')} (BACKROUTINE_AUDIO=auto|bell|off)",
        f"sound backend:    {report.get('sound_backend')} "
        "(BACKROUTINE_SOUND_BACKEND=auto|stream|playsound3)",
    ]
    mode, works = report.get("mode"), report.get("works")
    if works:
        state = f"works, through {report.get('through')} ({report.get('backend')})"
    else:
        state = f"not available: {report.get('reason')}"
    if mode == "off":
        state += "; but the audio mode is off, so sessions are silent"
    elif mode == "bell" or not works:
        state += "; sessions use the terminal bell and a flash on screen"
    lines.append(f"sound:            {state}")
    stream = report.get("stream")
    if isinstance(stream, dict) and stream.get("reason") not in (None, report.get("reason")):
        lines.append(f"  (no stream: {stream.get('reason')})")
    for name, outcome in (report.get("played") or {}).items():
        lines.append(f"  {describe_played(name, outcome)}")
    return lines


def describe_played(name: str, outcome: dict[str, object]) -> str:
    """One line of doctor's text: "tick: played through stream (pulseaudio)"."""
    if outcome.get("played"):
        return f"{name}: played through {outcome.get('through')}"
    return f"{name}: not played ({outcome.get('reason')})"


def _check(play: bool, deadline: float, played: dict[str, dict[str, object]]) -> dict[str, Any]:
    backend = choose.sound_backend_from_env()
    result: dict[str, Any] = {"stream": None, "playsound3": None, "backends": []}
    if backend != "playsound3":
        stream = _check_stream(play, deadline, played)
        result["stream"] = {k: stream[k] for k in ("works", "backend", "reason")}
        if stream["works"]:
            result.update(works=True, through="stream", backend=stream["backend"])
            return result
        result["reason"] = stream["reason"]
        if backend == "stream":
            return result
    old = _check_playsound3(play, deadline, played)
    result["playsound3"] = old
    result["backends"] = old["backends"]
    result.update(works=old["works"], backend=old["backend"], reason=old["reason"])
    if old["works"]:
        result["through"] = "playsound3"
    return result


def _check_stream(
    play: bool, deadline: float, played: dict[str, dict[str, object]]
) -> dict[str, Any]:
    notices: list[str] = []
    try:
        warm_up = None if play else 0.0  # to play, wait for the stream to flow
        player = choose.open_stream(ring=lambda: None, on_notice=notices.append, warm_up=warm_up)
    except Exception as error:  # StreamUnavailable says why in words
        return {"works": False, "backend": None, "reason": str(error) or describe_error(error)}
    through = f"stream ({player.backend})"
    try:
        for name in _order() if play else ():
            before = player.mixer.finished
            player.play(name)
            wait = min(player.seconds(name) + 2.0, deadline - time.monotonic())
            done = player.drain(max(0.0, wait))
            if player.failure is not None:
                played[name] = _not_played(player.failure)
            elif done and player.mixer.finished > before:
                played[name] = {"played": True, "through": through, "reason": None}
            else:
                played[name] = _not_played("the stream did not play it in time")
            time.sleep(GAP)
        failure = player.failure
    finally:
        player.close()
    return {"works": failure is None, "backend": player.backend, "reason": failure}


def _check_playsound3(
    play: bool, deadline: float, played: dict[str, dict[str, object]]
) -> dict[str, Any]:
    result: dict[str, Any] = {"works": False, "backend": None, "backends": [], "reason": None}
    try:
        from backroutine.audio.playsound import NO_BACKEND_REASON, quiet_playsound3_logging

        quiet_playsound3_logging()
        import playsound3

        result["backends"] = list(playsound3.AVAILABLE_BACKENDS)
        backend = playsound3.DEFAULT_BACKEND
        result["backend"] = backend
        if not backend:
            result["reason"] = NO_BACKEND_REASON
            return result
        no_device = device_probe.missing_device_reason()
        if no_device is not None:
            result["reason"] = no_device
            return result
        result["works"] = True
        for name in _order() if play else ():
            outcome = _play_one(playsound3, name, str(backend), deadline)
            played[name] = outcome
            if not outcome["played"] and result["works"]:
                result.update(works=False, reason=outcome["reason"])
    except Exception as error:
        result.update(works=False, reason=f"the audio player failed ({describe_error(error)})")
    return result


def _play_one(playsound3: Any, name: str, backend: str, deadline: float) -> dict[str, object]:
    path = paths.bundled_sounds_dir() / f"{name}.wav"
    handle = playsound3.playsound(str(path), block=False).subprocess
    while (code := handle.poll()) is None and time.monotonic() < deadline:
        time.sleep(0.05)
    if code is None:
        with suppress(Exception):
            handle.terminate()
        return _not_played("it did not finish in time")
    if code != 0:
        return _not_played(f"the audio player ({backend}) failed with exit code {code}")
    return {"played": True, "through": f"playsound3 ({backend})", "reason": None}
