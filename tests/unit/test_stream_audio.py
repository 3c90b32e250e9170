"""The stream player (issue 12): cues decoded once and mixed into one running stream.

The mixer is tested on its own (it needs no device); the player with a fake device that pulls
blocks on a thread, or with miniaudio's null backend (a real stream into nothing), so these
tests run the same with and without a sound card. They check behaviour, not speed: the
latency is measured on a real sound server in bench/. The order of the ways to play (stream,
playsound3, bell) is in test_sound_backends.py.
"""

from __future__ import annotations

import time
from array import array
from collections.abc import Iterator
from pathlib import Path

import pytest
from stream_fakes import (
    BLOCK,
    Calls,
    IdleDevice,
    PullingDevice,
    install,
    pull_all,
    tone,
)

from backroutine import audio
from backroutine.audio import stream
from backroutine.audio.stream import CHANNELS, RATE, Mixer, StreamPlayer, open_stream_player
from backroutine.core import paths
from fakes import FakeClock, wait_until


@pytest.fixture
def calls() -> Calls:
    return Calls()


@pytest.fixture
def device(monkeypatch: pytest.MonkeyPatch) -> Iterator[PullingDevice]:
    fake = install(monkeypatch, PullingDevice())
    yield fake
    fake.close()


@pytest.fixture
def tick() -> array:
    samples = stream._decode(paths.bundled_sounds_dir() / "tick.wav")
    assert samples is not None
    return samples


# -- the mixer -----------------------------------------------------------------------------


def test_a_70_ms_tick_plays_every_sample(tick: array) -> None:
    assert 0.06 < len(tick) / RATE < 0.08
    mixer = Mixer()
    mixer.add(tick)
    assert not mixer.idle
    out = pull_all(mixer, 10)
    assert out[: len(tick)] == tick  # whole, from its first sample, not one dropped
    assert not any(out[len(tick) :])  # then silence
    assert mixer.idle and mixer.finished == 1


def test_overlapping_cues_are_summed_and_clipped() -> None:
    mixer = Mixer()
    loud = array("h", [30000] * 600 + [-30000] * 600)
    soft = array("h", [5000] * 1200)
    mixer.add(loud)
    first = pull_all(mixer, 1)  # the soft cue comes one block later
    mixer.add(soft)
    rest = pull_all(mixer, 4)
    out = first + rest
    expected = array("h", [0] * len(out))
    for i, value in enumerate(loud):
        expected[i] += value
    for i, value in enumerate(soft):
        total = expected[BLOCK + i] + value
        expected[BLOCK + i] = max(-32768, min(32767, total))
    assert out == expected
    assert 32767 in out  # 30000 + 5000 is clipped, not wrapped around
    assert mixer.finished == 2 and mixer.idle


def test_the_sum_clips_at_both_ends() -> None:
    mixer = Mixer()
    mixer.add(array("h", [32000, -32000, 100]))
    mixer.add(array("h", [32000, -32000, -50]))
    out = pull_all(mixer, 1)
    assert list(out[:3]) == [32767, -32768, 50]


def test_silence_when_nothing_plays() -> None:
    mixer = Mixer()
    block = mixer.mix(BLOCK)
    assert bytes(block) == bytes(2 * BLOCK * CHANNELS)
    assert mixer.idle and mixer.pulls == 1


def test_a_cue_the_stream_was_too_late_for_is_dropped(tick: array) -> None:
    now = [100.0]
    mixer = Mixer(lambda: now[0])
    mixer.add(tick)
    now[0] += stream.MAX_DELAY + 0.5  # the stream asked for nothing meanwhile
    assert not any(pull_all(mixer, 2))  # a late tick would mislead: silence instead
    assert (mixer.dropped, mixer.finished) == (1, 0) and mixer.idle


def test_the_stream_flows_once_it_asks_for_blocks_as_it_plays() -> None:
    now = [0.0]
    mixer = Mixer(lambda: now[0])
    for _ in range(4):
        mixer.mix(BLOCK)  # its buffer, filled at once: the sound server may not be playing yet
    assert not mixer.flowing
    now[0] += stream.PERIOD_MSEC / 1000
    mixer.mix(BLOCK)  # a period later: it is being played
    assert mixer.flowing


def test_the_generator_is_primed_then_sent_frame_counts(tick: array) -> None:
    mixer = Mixer()
    generator = mixer.stream()
    assert next(generator) == b""
    mixer.add(tick)
    block = generator.send(300)
    assert len(block) == 300 * CHANNELS and array("h", block) == tick[:300]


def test_a_failing_mix_gives_silence_never_an_exception() -> None:
    mixer = Mixer()
    generator = mixer.stream()
    next(generator)

    def broken(frames: int) -> bytes:
        raise RuntimeError("bug")

    mixer.mix = broken  # type: ignore[method-assign]
    assert generator.send(BLOCK) == bytes(2 * BLOCK * CHANNELS)
    assert mixer.broken == "bug"


# -- the player ----------------------------------------------------------------------------


def test_play_hands_the_cue_to_the_stream_and_returns(calls: Calls, device: PullingDevice) -> None:
    player = open_stream_player(ring=calls.ring, on_notice=calls.notice)
    try:
        assert player.name == "sound (stream: fake)"
        player.play("start")
        assert wait_until(lambda: player.mixer.finished == 1)
    finally:
        player.close()
    assert device.closed == 1 and (calls.rings, calls.notices) == (0, [])


def test_play_does_not_wait_for_the_stream(calls: Calls, monkeypatch: pytest.MonkeyPatch) -> None:
    idle = IdleDevice()
    monkeypatch.setattr(stream, "_open_device", lambda backends: idle)
    player = open_stream_player(ring=calls.ring, on_notice=calls.notice, warm_up=0)
    try:
        player.play("bell")  # nothing pulls: the cue waits in the mixer, play() does not
        assert not player.mixer.idle
    finally:
        player.close()


def test_an_unknown_sound_stays_quiet(calls: Calls, device: PullingDevice) -> None:
    player = open_stream_player(ring=calls.ring, on_notice=calls.notice)
    try:
        player.play("trumpet")
        player.play(Path("/nowhere/missing.wav"))
        assert player.mixer.idle
        time.sleep(0.05)  # the missing file's decoding thread gives up
        assert player.mixer.finished == 0
    finally:
        player.close()
    assert (calls.rings, calls.notices) == (0, [])


def test_play_after_close_is_harmless(calls: Calls, device: PullingDevice) -> None:
    player = open_stream_player(ring=calls.ring, on_notice=calls.notice)
    player.close()
    player.play("bell")
    player.close()
    assert player.drain(1.0) is True
    assert device.closed == 1 and player.mixer.idle
    assert (calls.rings, calls.notices) == (0, [])


def test_drain_waits_for_the_end_bell(calls: Calls, monkeypatch: pytest.MonkeyPatch) -> None:
    slow = PullingDevice(pace=0.004)  # 10 ms blocks every 4 ms: the 2 s bell takes ~0.8 s
    monkeypatch.setattr(stream, "_open_device", lambda backends: slow)
    player = open_stream_player(ring=calls.ring, on_notice=calls.notice)
    try:
        player.play("bell")
        assert player.drain(10.0) is True
        assert player.mixer.finished == 1 and player.mixer.idle  # to its last sample
        assert slow.blocks >= player.seconds("bell") * 100
    finally:
        slow.close()
        player.close()


def test_drain_returns_at_once_when_idle(calls: Calls, monkeypatch: pytest.MonkeyPatch) -> None:
    idle = IdleDevice()
    monkeypatch.setattr(stream, "_open_device", lambda backends: idle)
    player = open_stream_player(ring=calls.ring, on_notice=calls.notice, warm_up=0)
    try:
        assert player.drain(0) is True  # nothing playing: no wait, even with no time given
        player.play("bell")
        assert player.drain(0.05) is False  # nothing pulls: it gives up at its time limit
    finally:
        player.close()


def test_a_stream_that_stops_pulling_falls_back_to_the_bell_once(calls: Calls, tick: array) -> None:
    clock = FakeClock()
    mixer = Mixer(clock)
    player = StreamPlayer(
        IdleDevice(), mixer, {"start": tick}, ring=calls.ring, on_notice=calls.notice, clock=clock
    )
    try:
        player.play("start")  # fresh: into the stream
        clock.now += stream.STALL_AFTER + 1
        player.play("start")  # quiet for long: suspect (a Ctrl-Z would look the same)
        assert (player.failure, calls.rings) == (None, 0)
        clock.now += 1
        player.play("start")  # still no block asked for: the stream is dead
        player.play("rep")  # a soft cue: no bell
        clock.now += 1
        player.play("side")
    finally:
        player.close()
    assert player.name == "bell"
    assert calls.notices == ["No sound: the sound stream (fake) stopped. Using the terminal bell."]
    assert calls.rings == 2


def test_a_pause_in_pulling_is_not_a_failure(calls: Calls, tick: array) -> None:
    clock = FakeClock()
    mixer = Mixer(clock)
    player = StreamPlayer(
        IdleDevice(), mixer, {"start": tick}, ring=calls.ring, on_notice=calls.notice, clock=clock
    )
    clock.now += stream.STALL_AFTER + 1
    player.play("start")  # suspect
    mixer.mix(BLOCK)  # the stream came back (after a Ctrl-Z, say)
    clock.now += 0.5
    player.play("start")
    player.close()
    assert player.failure is None and calls.notices == []


def test_the_stop_callback_falls_back_to_the_bell(calls: Calls, device: PullingDevice) -> None:
    player = open_stream_player(ring=calls.ring, on_notice=calls.notice)
    try:
        assert device.stop_callback is not None
        device.stop_callback()  # miniaudio: the device went away
        player.play("side")
    finally:
        player.close()
    assert player.name == "bell" and calls.rings == 1 and len(calls.notices) == 1


# -- decoding up front ---------------------------------------------------------------------


def test_the_routines_own_wav_is_decoded_up_front(
    calls: Calls, device: PullingDevice, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    mine = tone(tmp_path / "mine.wav", 0.2)
    decoded: list[str] = []
    real = stream._decode
    monkeypatch.setattr(stream, "_decode", lambda p: decoded.append(p.name) or real(p))
    player = open_stream_player(ring=calls.ring, on_notice=calls.notice, sounds=[mine])
    try:
        assert "mine.wav" in decoded and "tick.wav" in decoded  # all of them, before any cue
        count = len(decoded)
        player.play(mine)
        player.play("tick")
        assert wait_until(lambda: player.mixer.finished == 2)
        assert len(decoded) == count  # nothing decoded while playing
    finally:
        player.close()


def test_a_file_not_decoded_up_front_is_decoded_on_first_use(
    calls: Calls, device: PullingDevice, tmp_path: Path
) -> None:
    late = tone(tmp_path / "late.wav", 0.1)
    player = open_stream_player(ring=calls.ring, on_notice=calls.notice)
    try:
        player.play(late)  # returns at once; a thread decodes it, then it plays
        assert wait_until(lambda: player.mixer.finished == 1)
    finally:
        player.close()


def test_preload_decodes_a_routines_cue_files(
    calls: Calls, device: PullingDevice, tmp_path: Path
) -> None:
    from backroutine.core.loading import load_text

    tone(tmp_path / "ding.wav", 0.1)
    routine = load_text(
        "name: Ding\ncategory: gentle\nsteps:\n"
        "  - {name: A, hold: 6s, cues: [{at: 3s, sound: ding.wav}]}\n",
        path=tmp_path / "ding.yaml",
    )
    assert audio.routine_sounds(routine) == [(tmp_path / "ding.wav").resolve()]
    player = open_stream_player(ring=calls.ring, on_notice=calls.notice)
    try:
        audio.preload(player, routine)
        assert player._sounds.get(str((tmp_path / "ding.wav").resolve())) is not None
    finally:
        player.close()


# -- a real stream, into miniaudio's null backend ------------------------------------------


def test_a_real_stream_on_the_null_backend_plays_a_tick(calls: Calls) -> None:
    player = open_stream_player(ring=calls.ring, on_notice=calls.notice, backends=["null"])
    try:
        assert player.name == "sound (stream: null)"
        player.play("tick")
        assert player.drain(3.0) is True
        assert player.mixer.finished == 1
        assert player.mixer.pulls > 1  # the stream runs, asking for blocks
    finally:
        player.close()
    assert calls.notices == []
