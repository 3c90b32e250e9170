"""The sound port: modes, the bell's manners, and a SoundPlayer that never stalls or raises.

No real audio: SoundPlayer gets fake play functions (or a fake playsound3 module), so these
tests run the same on machines with and without a sound card. The stream player comes first
where a stream opens (tests/unit/test_stream_audio.py): here no stream ever opens.
"""

from __future__ import annotations

import subprocess
import sys
import threading
import time
import types
from collections.abc import Iterator
from pathlib import Path

import pytest

from backroutine import audio
from backroutine.audio import (
    BellPlayer,
    RecordingPlayer,
    SilentPlayer,
    SoundPlayer,
    audio_mode_from_env,
    choose,
    device_probe,
    make_player,
    playsound,
    probe,
)
from backroutine.core import paths
from fakes import FakeClock, wait_until


class Calls:
    """Records what the fake play function and the player's callbacks were given."""

    def __init__(self) -> None:
        self.played: list[str] = []
        self.threads: list[int] = []
        self.rings = 0
        self.notices: list[str] = []

    def ring(self) -> None:
        self.rings += 1

    def notice(self, message: str) -> None:
        self.notices.append(message)


@pytest.fixture(autouse=True)
def no_stream(monkeypatch: pytest.MonkeyPatch) -> None:
    """As on a machine where miniaudio opens no stream: the playsound3 way is what is left."""

    def refuse(**options: object) -> None:
        raise audio.StreamUnavailable("no sound device could be opened (test)")

    monkeypatch.setattr(choose, "open_stream", refuse)
    monkeypatch.delenv(audio.BACKEND_VAR, raising=False)


@pytest.fixture
def calls() -> Calls:
    return Calls()


@pytest.fixture
def release() -> Iterator[threading.Event]:
    """Set at teardown, so a 'hanging' fake backend lets its thread go."""
    event = threading.Event()
    yield event
    event.set()


def bundled(name: str) -> str:
    return str(paths.bundled_sounds_dir() / f"{name}.wav")


# -- the mode ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("auto", "auto"),
        ("bell", "bell"),
        ("off", "off"),
        (" Off ", "off"),
        ("BELL", "bell"),
        ("loud!", "auto"),
        ("", "auto"),
        (None, "auto"),
    ],
)
def test_the_mode_comes_from_the_environment(
    monkeypatch: pytest.MonkeyPatch, value: str | None, expected: str
) -> None:
    if value is None:
        monkeypatch.delenv(audio.ENV_VAR, raising=False)
    else:
        monkeypatch.setenv(audio.ENV_VAR, value)
    assert audio_mode_from_env() == expected


def test_an_unknown_mode_gives_the_callers_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(audio.ENV_VAR, "garbage")
    assert audio_mode_from_env(default="bell") == "bell"
    monkeypatch.setenv(audio.ENV_VAR, "off")
    assert audio_mode_from_env(default="bell") == "off"


# -- make_player ---------------------------------------------------------------------------


def test_off_is_silent(calls: Calls) -> None:
    player = make_player("off", ring=calls.ring, on_notice=calls.notice)
    assert isinstance(player, SilentPlayer) and player.name == "silent"
    player.play("bell")
    player.close()
    assert (calls.rings, calls.notices) == (0, [])


def test_bell_rings_the_terminal(calls: Calls) -> None:
    player = make_player("bell", ring=calls.ring, on_notice=calls.notice)
    assert isinstance(player, BellPlayer) and player.name == "bell"
    player.play("start")
    assert (calls.rings, calls.notices) == (1, [])


def test_auto_without_any_audio_player_is_the_bell_with_one_notice(
    calls: Calls, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(choose, "_sound_unavailable_reason", lambda: playsound.NO_BACKEND_REASON)
    player = make_player("auto", ring=calls.ring, on_notice=calls.notice)
    assert isinstance(player, BellPlayer)
    assert calls.notices == [
        "No sound: no audio player found (install gstreamer or ffmpeg). Using the terminal bell."
    ]


def test_auto_with_an_audio_player_is_real_sound(
    calls: Calls, monkeypatch: pytest.MonkeyPatch
) -> None:
    played: list[str] = []
    monkeypatch.setattr(choose, "_sound_unavailable_reason", lambda: None)
    monkeypatch.setattr(playsound, "load_playsound3", lambda: (played.append, "fake"))
    player = make_player("auto", ring=calls.ring, on_notice=calls.notice)
    try:
        assert isinstance(player, SoundPlayer)
        player.play("chime")
        assert wait_until(lambda: played == [bundled("chime")])
        assert player.name == "sound (playsound3: fake)"
    finally:
        player.close()
    assert (calls.rings, calls.notices) == (0, [])


@pytest.mark.parametrize(
    ("on_path", "missing"),
    [
        ({"gst-play-1.0"}, False),
        ({"ffplay"}, False),
        ({"aplay", "mpg123"}, False),
        ({"aplay"}, True),  # playsound3's alsa backend needs mpg123 too
        (set(), True),
    ],
)
def test_the_cheap_check_looks_for_playsound3s_linux_players(
    monkeypatch: pytest.MonkeyPatch, on_path: set[str], missing: bool
) -> None:
    monkeypatch.setattr(sys, "platform", "linux")
    monkeypatch.delenv("PLAYSOUND3_BACKEND", raising=False)
    monkeypatch.setattr(playsound.shutil, "which", lambda name: name if name in on_path else None)
    assert (playsound.missing_backend_reason() is not None) is missing


@pytest.mark.parametrize(
    ("devices", "environ", "sockets", "found"),
    [
        ([], {}, [], False),
        (["pcmC0D0c", "controlC0"], {}, [], False),  # a microphone only
        (["pcmC0D0p"], {}, [], True),
        ([], {"PULSE_SERVER": "tcp:host"}, [], True),
        ([], {"PLAYSOUND3_BACKEND": "gstreamer"}, [], True),  # the user knows better
        ([], {"XDG_RUNTIME_DIR": "RUN"}, ["pulse/native"], True),
        ([], {"XDG_RUNTIME_DIR": "RUN"}, ["pipewire-0"], True),
        ([], {"XDG_RUNTIME_DIR": "RUN"}, [], False),
    ],
)
def test_the_cheap_check_looks_for_a_sound_device_or_server(
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    devices: list[str],
    environ: dict[str, str],
    sockets: list[str],
    found: bool,
) -> None:
    monkeypatch.setattr(sys, "platform", "linux")
    dev_snd = tmp_path / "snd"
    dev_snd.mkdir()
    for name in devices:
        (dev_snd / name).touch()
    run = tmp_path / "run"
    for name in sockets:
        (run / name).parent.mkdir(parents=True, exist_ok=True)
        (run / name).touch()
    environ = {k: v.replace("RUN", str(run)) for k, v in environ.items()}
    reason = device_probe.missing_device_reason(dev_snd, environ)
    assert reason == (None if found else "no sound device found")


# -- the bell ------------------------------------------------------------------------------


def test_the_bell_rings_for_loud_cues_and_files_only(calls: Calls) -> None:
    clock = FakeClock(100.0)
    bell = BellPlayer(calls.ring, clock=clock)
    for sound in ["start", "rest", "side", "bell", "chime", "cue.wav", Path("x/y.wav")]:
        before = calls.rings
        clock.now += 1
        bell.play(sound)
        assert calls.rings == before + 1, sound
    for sound in ["rep", "tick", "no-such-sound"]:
        clock.now += 1
        bell.play(sound)
    assert calls.rings == 7


def test_the_bell_rings_at_most_once_per_third_of_a_second(calls: Calls) -> None:
    clock = FakeClock(0.0)
    bell = BellPlayer(calls.ring, clock=clock)
    rang = []
    for t in [0.0, 0.1, 0.29, 0.31, 0.5, 0.62, 0.63]:
        clock.now = t
        before = calls.rings
        bell.play("start")
        if calls.rings > before:
            rang.append(t)
    assert rang == [0.0, 0.31, 0.62]


def test_a_broken_terminal_bell_does_not_raise() -> None:
    def ring() -> None:
        raise OSError("terminal gone")

    BellPlayer(ring).play("bell")


def test_the_recording_player_records_time_and_sound() -> None:
    clock = FakeClock(5.0)
    player = RecordingPlayer(clock=clock)
    player.play("start")
    clock.now = 6.5
    player.play(Path("cue.wav"))
    player.close()
    assert player.played == [(5.0, "start"), (6.5, "cue.wav")]
    assert player.closed


# -- SoundPlayer with a fake backend -------------------------------------------------------


def test_sounds_play_in_order_off_the_callers_thread(calls: Calls, tmp_path: Path) -> None:
    cue = tmp_path / "cue.wav"
    cue.write_bytes(b"RIFF")

    def play(path: str) -> None:
        calls.played.append(path)
        calls.threads.append(threading.get_ident())

    player = SoundPlayer(ring=calls.ring, on_notice=calls.notice, play_function=play)
    try:
        for sound in ["start", "no-such-sound", "rest", cue, str(tmp_path / "gone.wav")]:
            player.play(sound)
        assert wait_until(lambda: len(calls.played) == 3)
        time.sleep(0.05)  # nothing else arrives: the unknown name and the missing file
    finally:
        player.close()
    assert calls.played == [bundled("start"), bundled("rest"), str(cue)]
    assert threading.get_ident() not in calls.threads
    assert (calls.rings, calls.notices) == (0, [])


def test_a_failing_backend_falls_back_to_the_bell_with_one_notice(calls: Calls) -> None:
    def play(path: str) -> None:
        calls.played.append(path)
        raise RuntimeError("no sound device")

    player = SoundPlayer(ring=calls.ring, on_notice=calls.notice, play_function=play)
    try:
        player.play("start")  # no exception here ...
        assert wait_until(lambda: player.failure is not None)
        assert player.name == "bell"
        player.play("tick")  # ... the notice comes with the next cue, on the caller's thread
        player.play("rest")
        player.play("side")  # within 0.3 s of "rest": no second ring
    finally:
        player.close()
    assert calls.notices == [
        "No sound: the audio player failed (no sound device). Using the terminal bell."
    ]
    assert calls.rings == 1
    assert calls.played == [bundled("start")]  # nothing reaches the broken backend again


def test_a_player_process_exiting_with_an_error_falls_back(calls: Calls) -> None:
    class Failed:
        def poll(self) -> int | None:
            return 1  # what aplay does without a sound card

        def terminate(self) -> None:
            pass

    player = SoundPlayer(
        ring=calls.ring, on_notice=calls.notice, play_function=lambda path: Failed()
    )
    try:
        player.play("start")
        assert wait_until(lambda: player.failure is not None)
        player.play("rest")
    finally:
        player.close()
    assert calls.notices == [
        "No sound: the audio player failed with exit code 1. Using the terminal bell."
    ]
    assert calls.rings == 1


def test_a_cue_that_never_ends_means_a_hung_player(calls: Calls) -> None:
    stopped = threading.Event()

    class Endless:
        def poll(self) -> int | None:
            return None

        def terminate(self) -> None:
            stopped.set()

    player = SoundPlayer(
        ring=calls.ring,
        on_notice=calls.notice,
        play_function=lambda path: Endless(),
        stuck_after=0.1,
    )
    try:
        player.play("start")
        assert wait_until(lambda: player.failure is not None)
        player.play("rest")
    finally:
        player.close()
    assert stopped.is_set()
    assert len(calls.notices) == 1 and "stopped responding" in calls.notices[0]


def test_a_hanging_backend_never_stalls_the_caller(calls: Calls, release: threading.Event) -> None:
    entered = threading.Event()

    def play(path: str) -> None:
        entered.set()
        release.wait(30)  # "hangs" until the test ends

    player = SoundPlayer(
        ring=calls.ring, on_notice=calls.notice, play_function=play, hang_timeout=0.2
    )
    try:
        started = time.monotonic()
        player.play("start")
        assert time.monotonic() - started < 0.5
        assert entered.wait(1)
        player.play("tick")  # before the guard: still waiting on sound, no notice yet
        assert (calls.rings, calls.notices) == (0, [])
        time.sleep(0.3)
        started = time.monotonic()
        player.play("rest")  # after the guard: the bell takes over
        player.play("side")
        player.play("bell")
        assert time.monotonic() - started < 0.5
    finally:
        started = time.monotonic()
        player.close()
        closing = time.monotonic() - started
    assert calls.notices == [
        "No sound: the audio player stopped responding. Using the terminal bell."
    ]
    assert calls.rings == 1  # rest; side and bell came within 0.3 s
    assert closing < 1.0


def test_a_full_queue_drops_requests_without_blocking(
    calls: Calls, release: threading.Event
) -> None:
    entered = threading.Event()

    def play(path: str) -> None:
        calls.played.append(path)
        entered.set()
        release.wait(30)

    player = SoundPlayer(
        ring=calls.ring,
        on_notice=calls.notice,
        play_function=play,
        hang_timeout=10.0,
        max_delay=10.0,
        queue_size=4,
    )
    try:
        player.play("start")  # the worker takes it and hangs
        assert entered.wait(1)
        started = time.monotonic()
        for _ in range(20):
            player.play("rep")
        assert time.monotonic() - started < 0.5
        release.set()  # the worker now plays what the queue kept: four
        assert wait_until(lambda: len(calls.played) == 5)
        time.sleep(0.05)
    finally:
        player.close()
    assert calls.played == [bundled("start")] + [bundled("rep")] * 4
    assert calls.notices == []


def test_requests_that_waited_too_long_are_dropped(calls: Calls) -> None:
    clock = FakeClock(100.0)
    gate = threading.Event()

    def play(path: str) -> None:
        calls.played.append(path)
        gate.wait(2)

    player = SoundPlayer(
        ring=calls.ring,
        on_notice=calls.notice,
        play_function=play,
        max_delay=1.0,
        hang_timeout=100.0,  # the clock jump below is not a hang
        clock=clock,
    )
    try:
        player.play("start")
        assert wait_until(lambda: len(calls.played) == 1)
        player.play("rest")  # queued at 100.0 ...
        clock.now += 5  # ... and the worker only gets to it 5 s later
        gate.set()
        player.play("side")  # queued at 105.0: fresh
        assert wait_until(lambda: len(calls.played) == 2)
        time.sleep(0.05)
    finally:
        player.close()
    assert calls.played == [bundled("start"), bundled("side")]


def test_close_returns_promptly_while_the_backend_hangs(
    calls: Calls, release: threading.Event
) -> None:
    entered = threading.Event()

    def play(path: str) -> None:
        entered.set()
        release.wait(30)

    player = SoundPlayer(ring=calls.ring, on_notice=calls.notice, play_function=play)
    player.play("start")
    assert entered.wait(1)
    started = time.monotonic()
    player.close()
    assert time.monotonic() - started < 1.0
    player.play("rest")  # after close: ignored, no error
    player.close()  # twice is fine


# -- the real loader, against a fake playsound3 module ------------------------------------


class FakeSound:
    def __init__(self, code: int) -> None:
        self.subprocess = types.SimpleNamespace(poll=lambda: code, terminate=lambda: None)


def fake_playsound3(backend: str | None, code: int = 0, played: list[str] | None = None):
    module = types.ModuleType("playsound3")

    def playsound(sound: str, block: bool = True) -> FakeSound:
        assert block is False  # we never let playsound3 block
        if played is not None:
            played.append(sound)
        return FakeSound(code)

    module.AVAILABLE_BACKENDS = [backend] if backend else []  # type: ignore[attr-defined]
    module.DEFAULT_BACKEND = backend  # type: ignore[attr-defined]
    module.playsound = playsound  # type: ignore[attr-defined]
    return module


def test_playsound3_without_a_backend_falls_back(
    calls: Calls, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "playsound3", fake_playsound3(None))
    player = SoundPlayer(ring=calls.ring, on_notice=calls.notice)
    try:
        assert wait_until(lambda: player.failure is not None)
        player.play("start")
    finally:
        player.close()
    assert calls.notices == [
        "No sound: no audio player found (install gstreamer or ffmpeg). Using the terminal bell."
    ]
    assert calls.rings == 1


def test_playsound3_with_a_backend_plays_without_blocking(
    calls: Calls, monkeypatch: pytest.MonkeyPatch
) -> None:
    played: list[str] = []
    monkeypatch.setitem(sys.modules, "playsound3", fake_playsound3("gstreamer", played=played))
    player = SoundPlayer(ring=calls.ring, on_notice=calls.notice)
    try:
        player.play("bell")
        assert wait_until(lambda: played == [bundled("bell")])
        assert player.name == "sound (playsound3: gstreamer)"
    finally:
        player.close()
    assert calls.notices == []


def test_importing_the_module_does_not_import_playsound3() -> None:
    code = "import sys, backroutine.audio; print('playsound3' in sys.modules)"
    run = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=30, check=True
    )
    assert run.stdout.strip() == "False"


# -- probe ---------------------------------------------------------------------------------


@pytest.fixture
def sound_device(monkeypatch: pytest.MonkeyPatch) -> None:
    """Pretend this machine has a sound card, whatever the machine running the tests."""
    monkeypatch.setattr(device_probe, "missing_device_reason", lambda: None)


def test_probe_reports_the_backend_and_the_bundled_sounds(
    monkeypatch: pytest.MonkeyPatch, sound_device: None
) -> None:
    monkeypatch.setitem(sys.modules, "playsound3", fake_playsound3("gstreamer"))
    monkeypatch.setenv(audio.ENV_VAR, "bell")
    report = probe()
    assert report["mode"] == "bell"
    assert report["backends"] == ["gstreamer"]
    assert report["backend"] == "gstreamer"
    assert report["works"] is True and report["reason"] is None
    assert report["through"] == "playsound3"
    assert report["stream"] == {
        "works": False,
        "backend": None,
        "reason": "no sound device could be opened (test)",
    }
    assert "played" not in report  # nothing is played without --play
    sounds = report["sounds"]
    assert isinstance(sounds, dict)
    assert {"tick", "start", "rest", "side", "rep", "bell", "chime"} <= set(sounds)
    assert sounds["chime"] == bundled("chime")


@pytest.mark.parametrize(
    ("backend", "code", "works", "reason"),
    [
        ("gstreamer", 0, True, None),
        ("alsa", 1, False, "the audio player (alsa) failed with exit code 1"),
        (None, 0, False, "no audio player found (install gstreamer or ffmpeg)"),
    ],
)
def test_probe_plays_each_bundled_sound_when_asked(
    monkeypatch: pytest.MonkeyPatch,
    sound_device: None,
    backend: str | None,
    code: int,
    works: bool,
    reason: str | None,
) -> None:
    played: list[str] = []
    monkeypatch.setitem(sys.modules, "playsound3", fake_playsound3(backend, code, played))
    report = probe(play_test_sound=True)
    assert (report["works"], report["reason"]) == (works, reason)
    names = ["tick", "start", "rep", "side", "rest", "chime", "bell"]
    assert played == ([bundled(name) for name in names] if backend else [])
    outcomes = report["played"]
    assert isinstance(outcomes, dict) and list(outcomes) == names
    if works:
        assert outcomes["tick"] == {
            "played": True,
            "through": "playsound3 (gstreamer)",
            "reason": None,
        }
    else:
        assert not any(outcome["played"] for outcome in outcomes.values())


def test_probe_without_a_sound_device_does_not_claim_sound(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    played: list[str] = []
    monkeypatch.setitem(sys.modules, "playsound3", fake_playsound3("gstreamer", 0, played))
    monkeypatch.setattr(device_probe, "missing_device_reason", lambda: audio.NO_DEVICE_REASON)
    report = probe(play_test_sound=True)
    assert report["backend"] == "gstreamer"
    assert (report["works"], report["reason"]) == (False, "no sound device found")
    assert played == []
