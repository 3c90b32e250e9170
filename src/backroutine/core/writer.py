"""Writing the history off the timer's thread, in order, never dropping a write.

A session is recorded while it plays: the timer must never wait for the disk, and a history
that another backroutine holds locked for a while (or a full disk that gets freed) must not
lose the session. So every write goes to one writer thread with a queue: it runs them in the
order given, and a write that fails is kept, with everything after it, and tried again until it
goes through. Only the latest of a kind of write that replaces the one before (a session's
progress) is kept while waiting, so the queue stays small however long the wait.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import Generic, TypeVar

from backroutine.core.history import HistoryError

S = TypeVar("S")

RETRY_BUSY = 0.5  # seconds between tries while another program holds the history
RETRY_FAULT = 2.0  # ... while it cannot be written at all (a full disk may be freed)
OWN_LOCK_WAIT = 1.0  # how long one try waits for a lock on the writer's own connection


@dataclass
class _Write(Generic[S]):
    run: Callable[[S], object]
    what: str  # in words, for "not written: ..."
    replaces: str | None  # a key: a queued write with the same key is replaced by this one


class HistoryWriter(Generic[S]):
    """Runs writes against `store` on its own thread. `on_notice` is told, once each, when the
    history is busy or failing (and when it is written again), from the writer's thread."""

    def __init__(
        self,
        store: S,
        *,
        on_notice: Callable[[str], None] = lambda message: None,
        sleep: Callable[[float], None] = time.sleep,
        owns_store: bool = False,
    ) -> None:
        self.store = store
        self.owns_store = owns_store  # close it with the writer (a connection of its own)
        self.on_notice = on_notice
        self._sleep = sleep
        self._queue: deque[_Write[S]] = deque()
        self._lock = threading.Condition()
        self._closing = False
        self._trouble: str | None = None  # what is wrong now, while writes wait
        self._running: _Write[S] | None = None
        self._thread = threading.Thread(target=self._run, name="history-writer", daemon=True)
        self._thread.start()

    def submit(
        self, run: Callable[[S], object], *, what: str = "a write", replaces: str | None = None
    ) -> None:
        with self._lock:
            if self._closing:
                raise RuntimeError("the history writer is closed")
            last = self._queue[-1] if self._queue else None
            # Replace only the last one, and never the one being written: writes are never
            # reordered past a different one.
            same = last is not None and replaces is not None and last.replaces == replaces
            if same and last is not self._running:
                self._queue[-1] = _Write(run, what, replaces)
            else:
                self._queue.append(_Write(run, what, replaces))
            self._lock.notify_all()

    @property
    def pending(self) -> int:
        with self._lock:
            return len(self._queue)

    @property
    def trouble(self) -> str | None:
        """Why writes are waiting now, or None when the history is being written."""
        with self._lock:
            return self._trouble

    def drain(self, timeout: float) -> bool:
        """Wait until every write so far is written; False if some are still waiting."""
        deadline = time.monotonic() + timeout
        with self._lock:
            while self._queue:
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                self._lock.wait(min(left, 0.1))
            return True

    def close(self, timeout: float) -> list[str]:
        """Write what is queued (waiting up to `timeout` seconds), then stop. Returns what could
        not be written, in words ([] when everything is in the history)."""
        self.drain(timeout)
        with self._lock:
            self._closing = True
            left = [write.what for write in self._queue]
            self._queue.clear()
            self._lock.notify_all()
        self._thread.join(timeout=5)
        close = getattr(self.store, "close", None)
        if self.owns_store and close is not None:
            close()
        return left

    def _run(self) -> None:
        while True:
            with self._lock:
                while not self._queue and not self._closing:
                    self._lock.wait()
                if self._closing:
                    return
                write = self._queue[0]
                self._running = write
            try:
                write.run(self.store)
            except HistoryError as exc:
                self._troubled(str(exc), busy=exc.busy, lasting=exc.lasting)
                self._sleep(RETRY_BUSY if exc.busy else RETRY_FAULT)
                continue
            except Exception as exc:  # a bug in one write must not stop the others
                self._troubled(f"{type(exc).__name__}: {exc}", busy=False)
                with self._lock:
                    if self._queue and self._queue[0] is write:
                        self._queue.popleft()  # it would fail the same way for ever
                    self._lock.notify_all()
                continue
            with self._lock:
                if self._queue and self._queue[0] is write:
                    self._queue.popleft()
                recovered = self._trouble is not None and not self._queue
                if recovered:
                    self._trouble = None
                self._lock.notify_all()
            if recovered:
                self.on_notice("The history is written again: nothing was lost.")

    def _troubled(self, reason: str, *, busy: bool, lasting: bool = False) -> None:
        with self._lock:
            first = self._trouble is None
            self._trouble = reason
        if first:
            if lasting:
                # Its file was replaced, or another computer writes it: it is never written
                # into, so what waits is kept, and said when backroutine closes.
                self.on_notice(
                    f"This session is not being saved ({reason}). What it did is kept while "
                    "backroutine runs, and listed as not saved when it closes."
                )
            elif busy:
                self.on_notice(
                    "Waiting for the history: another backroutine is using it. Nothing is "
                    "lost; this session is written as soon as it is free."
                )
            else:
                self.on_notice(
                    f"The history cannot be written just now ({reason}). This session is kept "
                    "and written as soon as it can be."
                )


def open_writer(store: S | None, on_notice: Callable[[str], None]) -> HistoryWriter[S] | None:
    """A writer for a history store, on a connection of its own when the store can give one
    (its waits then never hold up the store's other users); None without a store."""
    if store is None or getattr(store, "read_only", None):
        return None  # nothing can be written: the session plays unrecorded, as was said
    reopen = getattr(store, "reopen", None)
    if reopen is not None:
        try:
            own = reopen()
        except HistoryError:
            pass  # the first connection will do
        else:
            # Give up on a lock quickly: the writer says it is waiting, and tries again itself.
            own.lock_wait = OWN_LOCK_WAIT
            return HistoryWriter(own, on_notice=on_notice, owns_store=True)
    return HistoryWriter(store, on_notice=on_notice)


def finish_writing(
    writer: HistoryWriter[S] | None, say: Callable[[str], None], timeout: float = 30.0
) -> bool:
    """Before the process ends: write what is queued, saying so while it waits (at most
    `timeout` seconds); True when everything is in the history."""
    if writer is None:
        return True
    if not writer.drain(1.0):
        why = writer.trouble or "it is busy"
        say(f"Waiting for the history to save this session ({why})...")
    left = writer.close(timeout)
    if left:
        say(
            "Not saved: " + "; ".join(left) + f". The history could not be written "
            f"({writer.trouble or 'it stayed busy'}); what was saved before stays."
        )
    return not left
