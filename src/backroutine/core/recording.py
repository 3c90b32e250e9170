"""Keeping the history of a session as it is played.

The row is written when the routine starts (as "interrupted", so a crash or a power cut leaves
it so), updated at every step boundary, and closed as completed or stopped. If the history
cannot be written (a full or read-only folder), the routine still plays: the recorder says so
once and stops trying.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Protocol

from backroutine.core.clock import local_now
from backroutine.core.engine import Event, Finished, Session, StepDone


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


class SessionRecorder:
    def __init__(
        self,
        store: Store | None,
        session: Session,
        *,
        now: Callable[[], datetime] = local_now,
        on_notice: Callable[[str], None] = lambda message: None,
    ) -> None:
        self.store = store
        self.session = session
        self.now = now
        self.on_notice = on_notice
        self.session_id: int | None = None
        self.closed = False

    def started(self) -> None:
        routine = self.session.routine
        self._write(
            lambda store: setattr(
                self,
                "session_id",
                store.start_session(
                    routine_id=routine.id,
                    routine_name=routine.name,
                    category=routine.category,
                    steps_total=self.session.steps_total,
                    started_at=self.now(),
                    level=routine.level,
                ),
            )
        )

    def saw(self, events: list[Event]) -> None:
        for event in events:
            if isinstance(event, Finished):
                self.finish("completed" if event.completed else "stopped", reason="skipped")
            elif isinstance(event, StepDone):
                self.update()

    def update(self) -> None:
        if self.session_id is None or self.closed:
            return
        session_id = self.session_id
        self._write(
            lambda store: store.update_session(
                session_id,
                steps_done=self.session.steps_done,
                active_seconds=self.session.active_seconds,
                at=self.now(),
            )
        )

    def finish(self, status: str, *, reason: str | None = None) -> None:
        """Close the row: completed, or stopped with why (quit, pain, signal, skipped)."""
        if self.session_id is None or self.closed:
            return
        self.closed = True
        session_id = self.session_id
        self._write(
            lambda store: store.finish_session(
                session_id,
                status=status,
                steps_done=self.session.steps_done,
                active_seconds=self.session.active_seconds,
                at=self.now(),
                reason=None if status == "completed" else reason,
            )
        )

    def _write(self, action: Callable[[Store], object]) -> None:
        if self.store is None:
            return
        try:
            action(self.store)
        except Exception as exc:
            self.store = None
            self.on_notice(f"This session can no longer be recorded: {exc}")
