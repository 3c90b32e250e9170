"""The speech port: a CommandSpeaker that never blocks, never piles up and never raises.

No real speech program: CommandSpeaker gets a fake `run` whose "processes" speak for a set
time, so these tests run the same on machines with and without espeak-ng.
"""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator

import pytest

from backroutine.audio import device_probe
from backroutine.speech import (
    NO_PROGRAM_NOTICE,
    CommandSpeaker,
    RecordingSpeaker,
    SilentSpeaker,
    Speaker,
    backends,
    clean_text,
    describe_speech,
    find_speech_command,
    make_speaker,
    worker,
)
from fakes import wait_until


class FakeProcess:
    """A speech program that speaks for `seconds` (None: until stopped), then exits `code`."""

    def __init__(self, argv: list[str], seconds: float | None, code: int) -> None:
        self.argv = argv
        self.text = argv[-1]
        self.started = time.monotonic()
        self.ended: float | None = None
        self._seconds = seconds
        self._code = code
        self.terminated = False

    def poll(self) -> int | None:
        if self.terminated:
            return -15
        if self._seconds is not None and time.monotonic() - self.started >= self._seconds:
            if self.ended is None:
                self.ended = self.started + self._seconds
            return self._code
        return None

    def terminate(self) -> None:
        if self.poll() is None:
            self.terminated = True
            self.ended = time.monotonic()

    def wait(self, timeout: float | None = None) -> int:
        deadline = time.monotonic() + (timeout or 0)
        while (code := self.poll()) is None:
            if time.monotonic() >= deadline:
                raise subprocess.TimeoutExpired(self.argv, timeout or 0)
            time.sleep(0.005)
        return code


class FakeRun:
    """The injectable `run`: records each start; each utterance speaks for `seconds`."""

    def __init__(self, seconds: float | None = 0.3, code: int = 0) -> None:
        self.seconds = seconds
        self.code = code
        self.error: Exception | None = None
        self.processes: list[FakeProcess] = []
        self.lock = threading.Lock()

    def __call__(self, argv: list[str]) -> FakeProcess:
        if self.error is not None:
            raise self.error
        process = FakeProcess(argv, self.seconds, self.code)
        with self.lock:
            self.processes.append(process)
        return process

    @property
    def texts(self) -> list[str]:
        with self.lock:
            return [process.text for process in self.processes]


class Notices(list[str]):
    def __call__(self, message: str) -> None:
        self.append(message)


@pytest.fixture
def notices() -> Notices:
    return Notices()


@pytest.fixture
def make(notices: Notices) -> Iterator[Callable[..., CommandSpeaker]]:
    """make(run, **options) -> a CommandSpeaker, closed at teardown."""
    made: list[CommandSpeaker] = []

    def _make(run: FakeRun, **options: float) -> CommandSpeaker:
        speaker = CommandSpeaker(["espeak-ng", "-s", "150"], on_notice=notices, run=run, **options)
        made.append(speaker)
        return speaker

    yield _make
    for speaker in made:
        speaker.close()


def idle(speaker: CommandSpeaker) -> Callable[[], bool]:
    return lambda: speaker._speaking is None and speaker._waiting is None


# -- the simple speakers -------------------------------------------------------------------


def test_silent_and_recording_speakers_satisfy_the_protocol() -> None:
    now = [5.0]
    recording = RecordingSpeaker(clock=lambda: now[0])
    speakers: list[Speaker] = [SilentSpeaker(), recording]
    for speaker in speakers:
        speaker.say("Switch sides", priority=2)
        speaker.close()
    assert recording.said == [(5.0, "Switch sides")]
    assert recording.priorities == [2]
    assert recording.closed
    assert SilentSpeaker().name == "silent"


# -- the text ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("given", "spoken"),
    [
        ("Switch sides", "Switch sides"),
        ("Switch\nsides\t now\r", "Switch sides now"),
        ("\x1b[31mRed\x1b[0m", "[31mRed [0m"),  # the escape byte goes; the rest is harmless text
        ("a\x00b\x07c\u200bd", "a b c d"),
        ("  -rf /  ", "-rf /"),  # after "--", a leading dash is just text
        ("\x00\x01 \n", ""),
    ],
)
def test_clean_text_strips_control_characters(given: str, spoken: str) -> None:
    assert clean_text(given) == spoken


def test_clean_text_caps_the_length_at_a_word() -> None:
    long = "breathe " * 40
    cleaned = clean_text(long)
    assert len(cleaned) <= 200
    assert cleaned.endswith("breathe")
    assert len(clean_text("x" * 500)) == 200


def test_the_text_is_one_argv_element_after_a_double_dash(
    make: Callable[..., CommandSpeaker],
) -> None:
    run = FakeRun(seconds=0.0)
    speaker = make(run)
    speaker.say("Switch\nsides; rm -rf ~ $(reboot)\x07")
    assert wait_until(lambda: len(run.processes) == 1)
    assert run.processes[0].argv == [
        "espeak-ng",
        "-s",
        "150",
        "--",
        "Switch sides; rm -rf ~ $(reboot)",
    ]


def test_empty_text_is_not_spoken(make: Callable[..., CommandSpeaker]) -> None:
    run = FakeRun(seconds=0.0)
    speaker = make(run)
    speaker.say("\n\t ")
    speaker.say("Rest")
    assert wait_until(lambda: run.texts == ["Rest"])
    time.sleep(0.05)
    assert run.texts == ["Rest"]


# -- never blocks, never piles up ----------------------------------------------------------


def test_say_returns_at_once_even_while_the_program_speaks(
    make: Callable[..., CommandSpeaker],
) -> None:
    run = FakeRun(seconds=None)  # speaks until stopped
    speaker = make(run)
    started = time.monotonic()
    for number in range(50):
        speaker.say(f"cue {number}", priority=number % 3)
    assert time.monotonic() - started < 0.1


def test_a_new_utterance_replaces_the_waiting_one(make: Callable[..., CommandSpeaker]) -> None:
    run = FakeRun(seconds=0.3)
    speaker = make(run)
    speaker.say("one")
    assert wait_until(lambda: run.texts == ["one"])
    speaker.say("two")
    speaker.say("three")
    speaker.say("four")  # the latest is the most relevant
    assert wait_until(idle(speaker))
    assert run.texts == ["one", "four"]
    first, second = run.processes
    assert not first.terminated  # same priority: "one" was said to the end
    assert first.ended is not None and second.started >= first.ended


def test_a_waiting_utterance_of_higher_priority_is_not_replaced(
    make: Callable[..., CommandSpeaker],
) -> None:
    run = FakeRun(seconds=0.15)
    speaker = make(run)
    speaker.say("Get ready", priority=2)
    assert wait_until(lambda: run.texts == ["Get ready"])
    speaker.say("Switch sides", priority=3)  # interrupts, then is spoken
    assert wait_until(lambda: run.texts == ["Get ready", "Switch sides"])
    speaker.say("Hold the stretch", priority=3)  # waits
    speaker.say("3", priority=1)  # less important than the one waiting: dropped
    assert wait_until(idle(speaker))
    assert run.texts == ["Get ready", "Switch sides", "Hold the stretch"]


def test_a_more_important_utterance_interrupts_the_one_speaking(
    make: Callable[..., CommandSpeaker],
) -> None:
    run = FakeRun(seconds=None)  # would speak for ever
    speaker = make(run)
    speaker.say("3", priority=1)
    assert wait_until(lambda: run.texts == ["3"])
    asked = time.monotonic()
    speaker.say("Switch sides", priority=2)
    assert wait_until(lambda: run.texts == ["3", "Switch sides"], timeout=1.0)
    first, second = run.processes
    assert first.terminated
    assert second.started - asked < 0.2  # at once, not after a queue
    assert not second.terminated


def test_equal_or_lower_priority_does_not_interrupt(make: Callable[..., CommandSpeaker]) -> None:
    run = FakeRun(seconds=0.15)
    speaker = make(run)
    speaker.say("Rest, 30 seconds", priority=2)
    assert wait_until(lambda: len(run.processes) == 1)
    speaker.say("3", priority=1)
    speaker.say("Get ready", priority=2)
    assert wait_until(idle(speaker))
    assert run.texts == ["Rest, 30 seconds", "Get ready"]
    assert not any(process.terminated for process in run.processes)


def test_an_utterance_that_waited_too_long_is_dropped(make: Callable[..., CommandSpeaker]) -> None:
    run = FakeRun(seconds=0.2)
    speaker = make(run, max_delay=0.05)
    speaker.say("one")
    assert wait_until(lambda: len(run.processes) == 1)
    speaker.say("two")  # waits ~0.2 s behind "one": stale by then
    assert wait_until(idle(speaker))
    time.sleep(0.05)
    assert run.texts == ["one"]
    speaker.say("three")  # the voice goes on
    assert wait_until(lambda: run.texts == ["one", "three"])


def test_a_hanging_program_is_terminated(make: Callable[..., CommandSpeaker]) -> None:
    run = FakeRun(seconds=None)
    speaker = make(run, max_utterance=0.2)
    speaker.say("one")
    assert wait_until(lambda: len(run.processes) == 1)
    assert wait_until(lambda: run.processes[0].terminated, timeout=1.0)
    first = run.processes[0]
    assert first.ended is not None and 0.2 <= first.ended - first.started < 0.5
    assert speaker.failure is None  # terminated by us: not a failure
    speaker.say("two")
    assert wait_until(lambda: run.texts == ["one", "two"])


# -- failures ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("error", "code", "reason"),
    [
        (FileNotFoundError(2, "No such file or directory"), 0, "No such file or directory"),
        (PermissionError(13, "Permission denied"), 0, "Permission denied"),
        (None, 1, "exit code 1"),
    ],
)
def test_a_failing_program_gives_one_notice_then_silence(
    make: Callable[..., CommandSpeaker],
    notices: Notices,
    error: Exception | None,
    code: int,
    reason: str,
) -> None:
    run = FakeRun(seconds=0.0, code=code)
    run.error = error
    speaker = make(run)
    speaker.say("one")  # never raises
    assert wait_until(lambda: speaker.failure is not None)
    assert notices == []  # told on the caller's thread, at the next say()
    speaker.say("two")
    speaker.say("three")
    assert len(notices) == 1
    assert notices[0].startswith("No voice: espeak-ng failed (")
    assert reason in notices[0]
    assert notices[0].endswith("). Cues are shown and played as sounds.")
    assert speaker.name == "silent"
    time.sleep(0.05)
    assert len(run.processes) == (0 if error else 1)
    speaker.close()


def test_a_raising_notice_callback_is_contained(make: Callable[..., CommandSpeaker]) -> None:
    run = FakeRun()
    run.error = OSError("broken")

    def explode(message: str) -> None:
        raise RuntimeError("the UI is gone")

    speaker = CommandSpeaker(["espeak-ng"], on_notice=explode, run=run)
    speaker.say("one")
    assert wait_until(lambda: speaker.failure is not None)
    speaker.say("two")  # must not raise
    speaker.close()


def test_a_run_function_raising_anything_does_not_escape(
    make: Callable[..., CommandSpeaker],
) -> None:
    run = FakeRun()
    run.error = ValueError("embedded null byte")
    speaker = make(run)
    speaker.say("one")
    assert wait_until(lambda: speaker.failure is not None)
    assert "embedded null byte" in (speaker.failure or "")


# -- closing -------------------------------------------------------------------------------


def test_close_is_prompt_while_speaking(make: Callable[..., CommandSpeaker]) -> None:
    run = FakeRun(seconds=None)
    speaker = make(run)
    speaker.say("A long sentence")
    assert wait_until(lambda: len(run.processes) == 1)
    started = time.monotonic()
    speaker.close()
    assert time.monotonic() - started < 0.3
    assert run.processes[0].terminated
    assert not speaker._thread.is_alive()
    speaker.say("after close")  # ignored, no error
    speaker.close()  # twice is fine
    assert run.texts == ["A long sentence"]


def test_close_with_finish_lets_the_last_words_be_said(make: Callable[..., CommandSpeaker]) -> None:
    run = FakeRun(seconds=0.2)
    speaker = make(run)
    speaker.say("Well done.", priority=3)
    assert wait_until(lambda: len(run.processes) == 1)
    speaker.close(finish=2.0)
    assert not run.processes[0].terminated
    assert not speaker._thread.is_alive()


def test_name_shows_the_program(make: Callable[..., CommandSpeaker]) -> None:
    speaker = CommandSpeaker(["/usr/bin/espeak-ng", "-s", "150"], on_notice=print, run=FakeRun())
    assert speaker.name == "voice (espeak-ng)"
    speaker.close()


def test_the_default_run_passes_the_argv_to_popen_without_a_shell(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    seen: dict[str, object] = {}

    def fake_popen(argv: list[str], **kwargs: object) -> FakeProcess:
        seen["argv"] = argv
        seen.update(kwargs)
        return FakeProcess(argv, 0.0, 0)

    monkeypatch.setattr(worker.subprocess, "Popen", fake_popen)
    speaker = CommandSpeaker(["espeak-ng", "-s", "150"], on_notice=print)
    speaker.say("Switch sides")
    assert wait_until(lambda: "argv" in seen)
    speaker.close()
    assert seen["argv"] == ["espeak-ng", "-s", "150", "--", "Switch sides"]
    assert seen.get("shell", False) is False
    for stream in ("stdin", "stdout", "stderr"):
        assert seen[stream] == subprocess.DEVNULL


# -- finding a program ---------------------------------------------------------------------


def fake_which(*present: str) -> Callable[[str], str | None]:
    return lambda name: f"/usr/bin/{name}" if name in present else None


@pytest.mark.parametrize(
    ("platform", "present", "expected"),
    [
        ("linux", ("espeak-ng", "espeak", "spd-say"), ["/usr/bin/espeak-ng", "-s", "150"]),
        ("linux", ("espeak", "spd-say"), ["/usr/bin/espeak", "-s", "150"]),
        ("darwin", ("say", "spd-say"), ["/usr/bin/say", "-r", "150"]),
        ("linux", ("say", "spd-say"), ["/usr/bin/spd-say", "--wait"]),  # `say` only on macOS
        ("linux", ("spd-say",), ["/usr/bin/spd-say", "--wait"]),
        ("linux", (), None),
        ("darwin", (), None),
    ],
)
def test_find_speech_command(
    monkeypatch: pytest.MonkeyPatch,
    platform: str,
    present: tuple[str, ...],
    expected: list[str] | None,
) -> None:
    monkeypatch.setattr(backends.shutil, "which", fake_which(*present))
    monkeypatch.setattr(backends.sys, "platform", platform)
    assert find_speech_command() == expected


def test_make_speaker_disabled_is_silent_without_looking(
    monkeypatch: pytest.MonkeyPatch, notices: Notices
) -> None:
    def no_look(name: str) -> str | None:
        raise AssertionError("looked for a program")

    monkeypatch.setattr(backends.shutil, "which", no_look)
    assert isinstance(make_speaker(False, on_notice=notices), SilentSpeaker)
    assert notices == []


def test_make_speaker_without_a_program_is_silent_with_one_notice(
    monkeypatch: pytest.MonkeyPatch, notices: Notices
) -> None:
    monkeypatch.setattr(backends.shutil, "which", fake_which())
    speaker = make_speaker(True, on_notice=notices)
    assert isinstance(speaker, SilentSpeaker)
    speaker.say("Switch sides")
    speaker.close()
    assert notices == [NO_PROGRAM_NOTICE]
    assert notices[0] == (
        "No voice: no speech program found (install espeak-ng). "
        "Cues are shown and played as sounds."
    )


def test_make_speaker_with_a_program_speaks_through_it(
    monkeypatch: pytest.MonkeyPatch, notices: Notices
) -> None:
    monkeypatch.setattr(backends.shutil, "which", fake_which("espeak-ng"))
    speaker = make_speaker(True, on_notice=notices)
    try:
        assert isinstance(speaker, CommandSpeaker)
        assert speaker.command == ["/usr/bin/espeak-ng", "-s", "150"]
    finally:
        speaker.close()
    assert notices == []


# -- doctor --------------------------------------------------------------------------------


def test_describe_speech_without_a_program(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(backends.shutil, "which", fake_which())
    report = describe_speech()
    assert report["program"] is None and report["command"] is None
    assert report["works"] is False
    assert report["hint"] == "install espeak-ng"


@pytest.mark.parametrize(
    ("check", "device", "works"),
    [
        (None, None, True),
        ("espeak-ng failed with exit code 1", None, False),
        (None, "no sound device found", False),
    ],
)
def test_describe_speech_with_a_program(
    monkeypatch: pytest.MonkeyPatch, check: str | None, device: str | None, works: bool
) -> None:
    ran: list[list[str]] = []

    def fake_check(argv: list[str], timeout: float) -> str | None:
        ran.append(argv)
        return check

    monkeypatch.setattr(backends.shutil, "which", fake_which("espeak-ng"))
    monkeypatch.setattr(backends, "_run_check", fake_check)
    monkeypatch.setattr(device_probe, "missing_device_reason", lambda: device)
    report = describe_speech()
    assert report["program"] == "/usr/bin/espeak-ng"
    assert report["command"] == ["/usr/bin/espeak-ng", "-s", "150"]
    assert report["works"] is works
    assert report["hint"] == ("install espeak-ng" if check else None)
    assert report["reason"] == (None if works else check or device)
    assert ran == [["/usr/bin/espeak-ng", "-s", "150", "-q", "--", "Voice check"]]  # silent


def test_run_check_reports_exit_codes_and_timeouts() -> None:
    python = sys.executable
    assert backends._run_check([python, "-c", "pass"], 5.0) is None
    failed = backends._run_check([python, "-c", "import sys; sys.exit('bad voice data')"], 5.0)
    assert failed is not None and "exit code 1" in failed and "bad voice data" in failed
    slow = backends._run_check([python, "-c", "import time; time.sleep(5)"], 0.2)
    assert slow is not None and "did not finish" in slow
    missing = backends._run_check(["/nonexistent/espeak-ng"], 1.0)
    assert missing is not None and missing.startswith("espeak-ng failed")
