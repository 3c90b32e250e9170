"""The speech port: speakers that say cues aloud through a speech program, or say nothing.

People may follow a routine with their eyes closed, so a spoken "Switch sides" helps; but a
voice problem must never crash or stall a session. Hence every speaker's say() returns at
once and never raises, and the real speaker (CommandSpeaker) runs the speech program on one
worker thread and goes quiet for good, telling the user once, when the program is broken.

No Python speech library: a speech program (espeak-ng, espeak, macOS `say`, spd-say) is run
with the text as one argv element after "--", never through a shell.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import threading
import time
import unicodedata
from collections.abc import Callable
from contextlib import suppress
from dataclasses import dataclass
from typing import Protocol

MAX_TEXT = 200  # characters; a cue is a few words, anything longer is a mistake or an attack
SPEECH_RATE = "150"  # words a minute: a little slower than the programs' default, calmer
INSTALL_HINT = "install espeak-ng"
NO_PROGRAM_NOTICE = (
    "No voice: no speech program found (install espeak-ng). Cues are shown and played as sounds."
)


def _notice_text(program: str, reason: str) -> str:
    return f"No voice: {program} failed ({reason}). Cues are shown and played as sounds."


def _describe(error: BaseException) -> str:
    text = str(error).strip() or type(error).__name__
    return text if len(text) <= 100 else text[:99] + "…"


def clean_text(text: str, limit: int = MAX_TEXT) -> str:
    """The text as it is spoken: control and format characters become spaces, runs of
    whitespace one space, and at most `limit` characters (cut at a word when one is near)."""
    cleaned = "".join(" " if unicodedata.category(ch).startswith("C") else ch for ch in text)
    cleaned = " ".join(cleaned.split())
    if len(cleaned) <= limit:
        return cleaned
    cut = cleaned[:limit]
    space = cut.rfind(" ")
    if space >= limit // 2 and not cleaned[limit].isspace():
        cut = cut[:space]
    return cut.rstrip()


class Speaker(Protocol):
    """What the session needs from a voice. say() returns at once and never raises.

    priority: higher is more important (the session uses 1 for countdown numbers, 2 for step
    changes, 3 for cue texts and the end); see CommandSpeaker for what it decides.
    """

    # A read-only property here so that both plain attributes and properties satisfy it.
    @property
    def name(self) -> str: ...

    def say(self, text: str, *, priority: int = 0) -> None: ...

    def close(self) -> None: ...


class SilentSpeaker:
    """No voice at all (voice off, or no speech program)."""

    name = "silent"

    def say(self, text: str, *, priority: int = 0) -> None:
        pass

    def close(self) -> None:
        pass


class RecordingSpeaker:
    """For tests: remembers what it was asked to say (as given), and when."""

    name = "recording"

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self.said: list[tuple[float, str]] = []
        self.priorities: list[int] = []  # one per entry of `said`
        self.closed = False

    def say(self, text: str, *, priority: int = 0) -> None:
        self.said.append((self._clock(), text))
        self.priorities.append(priority)

    def close(self) -> None:
        self.closed = True


# -- a real voice --------------------------------------------------------------------------


class Utterance(Protocol):
    """A speech program speaking, like subprocess.Popen."""

    def poll(self) -> int | None: ...  # None while speaking, else the exit code (0 = fine)

    def terminate(self) -> None: ...

    def wait(self, timeout: float | None = None) -> int: ...  # raises when it times out


# Starts the speech program with this argv and returns at once.
RunFunction = Callable[[list[str]], Utterance]


def _popen(command: list[str]) -> Utterance:
    return subprocess.Popen(
        command,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,  # espeak-ng prints ALSA chatter there; the TUI owns the tty
        close_fds=True,
        # Its own session: a Ctrl-C in the terminal is for backroutine, which then stops the
        # voice itself; otherwise the program would die of SIGINT first and look "failed".
        start_new_session=sys.platform != "win32",
    )


def _stop(handle: Utterance, grace: float = 0.2) -> None:
    """Terminate a speech program and reap it; kill it if it ignores SIGTERM."""
    with suppress(Exception):  # it may have ended already
        handle.terminate()
    try:
        handle.wait(grace)
    except Exception:
        kill = getattr(handle, "kill", None)
        if kill is not None:
            with suppress(Exception):
                kill()
                handle.wait(grace)


@dataclass
class _Request:
    text: str
    priority: int
    queued_at: float


_POLL_INTERVAL = 0.02  # how often the worker checks on the program speaking


class CommandSpeaker:
    """Speaks by running a speech program, one utterance at a time, on a daemon worker thread.

    The argv is `command + ["--", text]`, e.g. ["espeak-ng", "-s", "150", "--", "Switch sides"].

    The policy, so that fast cues never pile up and the voice never lags the routine:

    * At most one utterance waits while another is spoken. A new say() replaces the waiting
      one (the latest is the most relevant), unless the waiting one has a higher priority;
      then the new one is dropped.
    * If the utterance being spoken has a lower priority than a new one, it is stopped (its
      process terminated) and the new one is spoken at once. Equal priority: it finishes.
    * An utterance that waited longer than `max_delay` seconds is dropped: said late, it
      would mislead.
    * A program still speaking after `max_utterance` seconds is terminated (a hang).

    If the program cannot start (OSError and the like) or exits with an error, the speaker
    goes quiet for good and `on_notice` is told once. A program we terminated does not count
    as failed. Note that a speech program may exit 0 without any sound (espeak-ng does on a
    machine with no sound device); the sound port already tells the user about that.

    Thread safety: `on_notice` is only called from the thread calling say(), so the TUI can
    pass app.notify as it is. The cost is that a failure found by the worker is announced at
    the next say(); cues come every few seconds, so that is soon enough.
    """

    def __init__(
        self,
        command: list[str],
        *,
        on_notice: Callable[[str], None],
        run: RunFunction | None = None,
        max_delay: float = 1.5,
        max_utterance: float = 10.0,
        close_timeout: float = 0.5,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        """run=None means subprocess.Popen (stdin, stdout and stderr to /dev/null).

        max_delay: an utterance older than this when the worker gets to it is dropped.
        max_utterance: a program still speaking after this long is terminated.
        close_timeout: how long close() waits for the worker.
        """
        if not command:
            raise ValueError("the speech command is empty")
        self._command = list(command)
        self._program = os.path.basename(command[0]) or command[0]
        self._on_notice = on_notice
        self._run_function: RunFunction = run or _popen
        self._max_delay = max_delay
        self._max_utterance = max_utterance
        self._close_timeout = close_timeout
        self._clock = clock

        self._wake = threading.Condition()  # guards everything below, wakes the worker
        self._waiting: _Request | None = None
        self._speaking: _Request | None = None
        self._interrupt = False  # the one speaking should stop for the one waiting
        self._stopping = False
        self._failure: str | None = None  # set once, never cleared
        self._noticed = False  # caller's thread only
        self._thread = threading.Thread(target=self._work, name="backroutine-voice", daemon=True)
        self._thread.start()

    @property
    def name(self) -> str:
        return "silent" if self._failure is not None else f"voice ({self._program})"

    @property
    def failure(self) -> str | None:
        """Why the speaker went quiet, or None while it speaks."""
        return self._failure

    @property
    def command(self) -> list[str]:
        return list(self._command)

    # -- the caller's side ---------------------------------------------------------------

    def say(self, text: str, *, priority: int = 0) -> None:
        with suppress(Exception):  # the last line of defence: a voice must never end a session
            self._say(text, priority)

    def _say(self, text: str, priority: int) -> None:
        if self._failure is not None:
            if not self._noticed:
                self._noticed = True
                with suppress(Exception):
                    self._on_notice(_notice_text(self._program, self._failure))
            return
        cleaned = clean_text(str(text))
        if not cleaned:
            return
        request = _Request(cleaned, priority, self._clock())
        with self._wake:
            if self._stopping:
                return
            if self._waiting is not None and self._waiting.priority > priority:
                return  # something more important is about to be said
            self._waiting = request
            if self._speaking is not None and self._speaking.priority < priority:
                self._interrupt = True
            self._wake.notify()

    def close(self, *, finish: float = 0.0) -> None:
        """Stop the worker, terminating the program if it is speaking; returns within about
        `finish` + `close_timeout` seconds.

        finish: first wait up to this long for what is being said, and what waits, to be
        said (e.g. the last "Well done" before the app exits). 0 stops at once.
        """
        if finish > 0 and threading.current_thread() is not self._thread:
            deadline = time.monotonic() + finish
            with self._wake:
                while (
                    (self._speaking is not None or self._waiting is not None)
                    and self._failure is None
                    and (left := deadline - time.monotonic()) > 0
                ):
                    self._wake.wait(min(left, _POLL_INTERVAL * 5))
        with self._wake:
            if self._stopping:
                return
            self._stopping = True
            self._waiting = None
            self._wake.notify_all()
        if threading.current_thread() is not self._thread:
            self._thread.join(self._close_timeout)

    # -- the worker's side ---------------------------------------------------------------

    def _work(self) -> None:
        try:
            while (request := self._next()) is not None:
                self._speak(request)
        except Exception as error:  # a bug here must cost the voice, not the session
            self._fail(f"the voice stopped ({_describe(error)})")

    def _fail(self, reason: str) -> None:
        with self._wake:
            if self._failure is None:
                self._failure = reason
            self._waiting = None
            self._wake.notify_all()

    def _next(self) -> _Request | None:
        """The next utterance to speak (dropping stale ones); None once stopping or failed."""
        with self._wake:
            while True:
                if self._stopping or self._failure is not None:
                    return None
                request = self._waiting
                if request is not None:
                    self._waiting = None
                    if self._clock() - request.queued_at > self._max_delay:
                        self._wake.notify_all()  # close(finish=...) may be waiting on this
                        continue
                    self._speaking = request
                    self._interrupt = False
                    return request
                self._wake.wait()

    def _speak(self, request: _Request) -> None:
        try:
            try:
                handle = self._run_function([*self._command, "--", request.text])
            except Exception as error:  # OSError: not found, not executable, ...
                self._fail(_describe(error))
                return
            started = self._clock()
            while True:
                code = handle.poll()
                if code is not None:
                    if code != 0:
                        self._fail(f"exit code {code}")
                    return
                with self._wake:
                    if self._stopping or self._interrupt:
                        break
                    if self._clock() - started > self._max_utterance:
                        break  # hung (or absurdly long): stop it, go on with the next
                    self._wake.wait(_POLL_INTERVAL)
            _stop(handle)
        finally:
            with self._wake:
                self._speaking = None
                self._interrupt = False
                self._wake.notify_all()


# -- finding a speech program --------------------------------------------------------------


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
        reason = _missing_device_reason()
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
        return f"{program} failed ({_describe(error)})"
    if done.returncode != 0:
        lines = done.stderr.decode(errors="replace").strip().splitlines()
        detail = f": {_describe(ValueError(lines[-1]))}" if lines else ""
        return f"{program} failed with exit code {done.returncode}{detail}"
    return None


def _missing_device_reason() -> str | None:
    # The sound port's cheap look for a sound device: espeak-ng exits 0 without one.
    from backroutine.audio import _missing_device_reason as missing

    return missing()
