"""Which way cues are played (issue 12): the stream, else playsound3, else the bell; the
setting that forces one; and what doctor, plain mode and the intro say and do with them.

No real audio: the stream's device is a fake (stream_fakes.py) or fails, playsound3 a fake.
"""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from stream_fakes import Calls, PullingDevice, install

from backroutine import audio
from backroutine.audio import BellPlayer, RecordingPlayer, choose, make_player, playsound, stream
from backroutine.audio.stream import StreamPlayer, open_stream_player
from backroutine.core import paths
from fakes import wait_until


@pytest.fixture
def calls() -> Calls:
    return Calls()


@pytest.fixture
def device(monkeypatch: pytest.MonkeyPatch) -> Iterator[PullingDevice]:
    fake = install(monkeypatch, PullingDevice())
    yield fake
    fake.close()


# -- the order: stream, playsound3, bell ----------------------------------------------------


@pytest.fixture
def no_device(monkeypatch: pytest.MonkeyPatch) -> None:
    """miniaudio finds no device (the device creation fails, as on a headless machine)."""

    def fail(backends: object) -> None:
        raise RuntimeError("failed to init device", -401)

    monkeypatch.setattr(stream, "_open_device", fail)


@pytest.fixture
def fake_playsound3(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    played: list[str] = []
    monkeypatch.setattr(choose, "_sound_unavailable_reason", lambda: None)
    monkeypatch.setattr(playsound, "load_playsound3", lambda: (played.append, "fake"))
    return played


def test_auto_uses_the_stream_where_one_opens(
    calls: Calls, device: PullingDevice, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(audio.BACKEND_VAR, raising=False)
    player = make_player("auto", ring=calls.ring, on_notice=calls.notice)
    try:
        assert isinstance(player, StreamPlayer) and player.name == "sound (stream: fake)"
    finally:
        player.close()


def test_auto_without_a_stream_uses_playsound3(
    calls: Calls, no_device: None, fake_playsound3: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(audio.BACKEND_VAR, raising=False)
    player = make_player("auto", ring=calls.ring, on_notice=calls.notice)
    try:
        assert player.name.startswith("sound (playsound3")
        player.play("chime")
        assert wait_until(lambda: len(fake_playsound3) == 1)
        assert player.name == "sound (playsound3: fake)"
    finally:
        player.close()
    assert calls.notices == []


def test_auto_without_a_stream_or_playsound3_rings_the_bell(
    calls: Calls, no_device: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(audio.BACKEND_VAR, raising=False)
    monkeypatch.setattr(choose, "_sound_unavailable_reason", lambda: audio.NO_DEVICE_REASON)
    player = make_player("auto", ring=calls.ring, on_notice=calls.notice)
    assert isinstance(player, BellPlayer)
    assert calls.notices == ["No sound: no sound device found. Using the terminal bell."]


def test_the_setting_forces_playsound3(
    calls: Calls, device: PullingDevice, fake_playsound3: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(audio.BACKEND_VAR, "playsound3")
    player = make_player("auto", ring=calls.ring, on_notice=calls.notice)
    try:
        assert not isinstance(player, StreamPlayer)  # a stream would open, but is not wanted
        player.play("tick")
        assert wait_until(lambda: len(fake_playsound3) == 1)
    finally:
        player.close()
    assert device.closed == 0 and device.blocks == 0


def test_the_setting_forces_the_stream_and_never_playsound3(
    calls: Calls, no_device: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(audio.BACKEND_VAR, " Stream ")

    def no_playsound3() -> None:
        raise AssertionError("playsound3 was tried")

    monkeypatch.setattr(choose, "_sound_unavailable_reason", no_playsound3)
    player = make_player("auto", ring=calls.ring, on_notice=calls.notice)
    assert isinstance(player, BellPlayer)
    assert calls.notices == [
        "No sound: no sound device could be opened "
        "(miniaudio: failed to init device, -401). Using the terminal bell."
    ]


@pytest.mark.parametrize(
    ("value", "expected"),
    [("stream", "stream"), ("PLAYSOUND3", "playsound3"), ("", "auto"), ("vlc", "auto")],
)
def test_the_backend_setting_is_read_from_the_environment(
    monkeypatch: pytest.MonkeyPatch, value: str, expected: str
) -> None:
    monkeypatch.setenv(audio.BACKEND_VAR, value)
    assert audio.sound_backend_from_env() == expected


def test_bell_and_off_open_no_stream(
    calls: Calls, device: PullingDevice, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(audio.BACKEND_VAR, "stream")
    assert make_player("off", ring=calls.ring, on_notice=calls.notice).name == "silent"
    assert make_player("bell", ring=calls.ring, on_notice=calls.notice).name == "bell"
    assert device.blocks == 0


def test_a_hung_device_costs_only_the_open_timeout(
    calls: Calls, monkeypatch: pytest.MonkeyPatch
) -> None:
    release = threading.Event()

    def hang(backends: object) -> None:
        release.wait(10)
        raise RuntimeError("too late")

    monkeypatch.setattr(stream, "_open_device", hang)
    try:
        with pytest.raises(audio.StreamUnavailable, match=r"did not open within 0\.2 s"):
            open_stream_player(ring=calls.ring, on_notice=calls.notice, timeout=0.2)
    finally:
        release.set()


# -- doctor, plain mode, the intro ---------------------------------------------------------


def test_doctor_plays_each_sound_through_the_stream(
    device: PullingDevice, monkeypatch: pytest.MonkeyPatch
) -> None:
    from backroutine.audio.check import describe_played

    monkeypatch.delenv(audio.BACKEND_VAR, raising=False)
    monkeypatch.setattr("backroutine.audio.check.GAP", 0.0)
    report = audio.probe(play_test_sound=True)
    assert report["works"] is True and report["through"] == "stream"
    assert report["backend"] == "fake" and report["playsound3"] is None  # not needed
    played = report["played"]
    assert isinstance(played, dict)
    assert set(played) == set(paths.bundled_sound_names())
    assert describe_played("tick", played["tick"]) == "tick: played through stream (fake)"
    assert all(outcome["played"] for outcome in played.values())


def test_doctor_without_play_plays_nothing(
    device: PullingDevice, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(audio.BACKEND_VAR, raising=False)
    report = audio.probe()
    assert report["works"] is True and "played" not in report
    assert report["stream"] == {"works": True, "backend": "fake", "reason": None}


def test_plain_mode_drains_the_player_at_the_end(
    cli: Callable[..., Any], write: Callable[..., Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    routine = write(
        "quick.yaml", "name: Quick\ncategory: gentle\nsteps: [{name: A, duration: 2s}]\n"
    )
    made: list[RecordingPlayer] = []

    def recording(mode: str, **options: object) -> RecordingPlayer:
        made.append(RecordingPlayer())
        return made[-1]

    monkeypatch.setattr(audio, "make_player", recording)
    result = cli("play", str(routine), "--plain", "--speed", "20")
    assert result.code == 0, result.err
    (player,) = made
    assert player.played and player.played[-1][1] == "bell"
    assert (player.drained, player.closed) == (1, True)


def test_the_intro_says_which_stream_plays(device: PullingDevice) -> None:
    from backroutine.ui.app import make_app

    player = open_stream_player(ring=lambda: None, on_notice=lambda m: None)
    try:
        app = make_app(store=None, clock=time.monotonic, player=player)
        line = app.sound_line()
    finally:
        player.close()
    assert line.startswith("Sound is on (stream: fake): every step")


def test_quick_commands_do_not_load_miniaudio() -> None:
    code = (
        "import sys, backroutine.audio, backroutine.cli\n"
        "print('miniaudio' in sys.modules, 'backroutine.audio.stream' in sys.modules)"
    )
    run = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=30, check=True
    )
    assert run.stdout.split() == ["False", "False"]
    version = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "backroutine", "--version"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert "backroutine" in version.stderr and "miniaudio" not in version.stderr
