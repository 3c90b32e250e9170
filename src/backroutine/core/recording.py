"""Keeping the history of a session as it is played.

The row is written when the routine starts (as "interrupted", so a crash or a power cut leaves
it so), updated at every step boundary and every few seconds of exercise, and closed as
completed or stopped. Every write goes through a HistoryWriter on its own thread, so the timer
never waits for the disk, and a write the history refuses for now is kept and tried again.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Protocol

from backroutine.core.clock import local_now
from backroutine.core.engine import Event, Finished, Session, StepDone
from backroutine.core.writer import HistoryWriter


class Store(Protocol):
    def start_session(
        self,
        *,
        routine_id: str,
        routine_name: str,
        category: str,
        steps_total: int,
        started_at: datetime,
        level: int | None = None,
    ) -> int: ...

    def update_session(
        self, session_id: int, *, steps_done: int, active_seconds: float, at: datetime
    ) -> None: ...

    def finish_session(
        self,
        session_id: int,
        *,
        status: str,
        steps_done: int,
        active_seconds: float,
        at: datetime,
        reason: str | None = None,
    ) -> None: ...


# How often progress is saved during a bout, in seconds of exercise: killed without warning
# (kill -9, a power cut), at most this much, plus one write, is lost.
SAVE_EVERY = 3.0


class SessionRecorder:
    """Writes a session's row through a HistoryWriter (never on the caller's thread): started,
    its progress at every step boundary and every few seconds, and its end. With no writer
    (a preview, or no history), nothing is written."""

    def __init__(
        self,
        writer: HistoryWriter[Store] | None,
        session: Session,
        *,
        now: Callable[[], datetime] = local_now,
    ) -> None:
        self.writer = writer
        self.session = session
        self.now = now
        self.session_id: int | None = None  # set by the writer once the row exists
        self.closed = False
        self._started = False
        self._saved_at = 0.0  # active seconds at the last progress write

    @property
    def recording(self) -> bool:
        return self.writer is not None

    def started(self) -> None:
        routine = self.session.routine
        started_at = self.now()
        steps_total = self.session.steps_total

        def start(store: Store) -> None:
            if self.session_id is None:  # tried again after a failure: one row only
                self.session_id = store.start_session(
                    routine_id=routine.id,
                    routine_name=routine.name,
                    category=routine.category,
                    steps_total=steps_total,
                    started_at=started_at,
                    level=routine.level,
                )

        self._started = True
        self._submit(start, f'the start of "{routine.name}"')

    def saw(self, events: list[Event]) -> None:
        """After every look at the session (with or without events): write at a step's end,
        at the end, and every SAVE_EVERY seconds of exercise in between."""
        for event in events:
            if isinstance(event, Finished):
                # Reached the end: completed only with 80% of it played (core/outcome.py).
                self.finish(self.session.ending)
                return
            if isinstance(event, StepDone):
                self.update()
        if self.session.active_seconds - self._saved_at >= SAVE_EVERY:
            self.update()

    def update(self) -> None:
        if not self._started or self.closed:
            return
        steps_done, active = self.session.steps_done, self.session.active_seconds
        at = self.now()
        self._saved_at = active

        def update(store: Store) -> None:
            assert self.session_id is not None  # the start was written first
            store.update_session(
                self.session_id, steps_done=steps_done, active_seconds=active, at=at
            )

        self._submit(update, "this session's progress", replaces="progress")

    def finish(self, status: str, *, reason: str | None = None) -> None:
        """Close the row: completed, skipped, or stopped with why (quit, pain, signal)."""
        if not self._started or self.closed:
            return
        self.closed = True
        steps_done, active = self.session.steps_done, self.session.active_seconds
        at = self.now()
        why = None if status == "completed" else reason

        def finish(store: Store) -> None:
            assert self.session_id is not None
            store.finish_session(
                self.session_id,
                status=status,
                steps_done=steps_done,
                active_seconds=active,
                at=at,
                reason=why,
            )

        self._submit(finish, f"how this session ended ({status})")

    def _submit(self, run: Callable[[Store], object], what: str, **options: str) -> None:
        if self.writer is not None:
            self.writer.submit(run, what=what, **options)
