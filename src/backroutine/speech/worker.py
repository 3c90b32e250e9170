"""The speaking thread: CommandSpeaker runs a speech program, one utterance at a time.

No Python speech library: a speech program (espeak-ng, espeak, macOS `say`, spd-say; see
backends.py) is run with the text as one argv element after "--", never through a shell. The
program runs on one worker thread; the speaker goes quiet for good, telling the user once,
when the program is broken.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from contextlib import suppress
from dataclasses import dataclass
from typing import Protocol

from backroutine.audio.port import describe_error
from backroutine.speech.port import clean_text


def _notice_text(program: str, reason: str) -> str:
    return f"No voice: {program} failed ({reason}). Cues are shown and played as sounds."


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
            self._fail(f"the voice stopped ({describe_error(error)})")

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
                self._fail(describe_error(error))
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
