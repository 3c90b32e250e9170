"""The answers to "time for a break": take it, snooze it, skip it; once for the TUI's break
screen and the plain reminder. Each answer moves the break timer and is recorded in the history;
a history that cannot be written never stops the reminders (the problem is said, and they go
on)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Literal, Protocol

from backroutine.core.breaks import SNOOZE_CHOICES, BreakTimer
from backroutine.core.clock import local_now
from backroutine.core.engine import Session
from backroutine.core.model import Routine
from backroutine.core.progression import History, assess_history, routine_lock
from backroutine.core.words import minutes_of

Answer = Literal["take", "snooze5", "snooze10", "skip"]
# The snoozes offered, by answer: the timer's own choices (5 and 10 minutes).
SNOOZES: dict[str, float] = {"snooze5": SNOOZE_CHOICES[0], "snooze10": SNOOZE_CHOICES[1]}


class BreakHistory(History, Protocol):
    """What the answers need of the history: assessing (for the safety rules' locks) and
    recording a break."""

    def add_break(
        self,
        *,
        at: datetime,
        outcome: str,
        routine_id: str | None = None,
        minutes: float | None = None,
    ) -> int: ...


def played_minutes(session: Session) -> float:
    """How long a break's routine was actually played, as recorded: minutes, to a tenth."""
    return minutes_of(session.active_seconds)


class BreakAnswers:
    """The desk-break timer, the routine a break plays, and the history the answers go to.
    `on_problem` is told, in words, what could not be recorded or read."""

    def __init__(
        self,
        timer: BreakTimer,
        routine: Routine,
        history: BreakHistory,
        *,
        now: Callable[[], datetime] = local_now,
        on_problem: Callable[[str], None] = lambda message: None,
    ) -> None:
        self.timer = timer
        self.routine = routine
        self.history = history
        self.now = now
        self.on_problem = on_problem

    def answer(self, answer: str | None) -> str:
        """A snooze ("snooze5", "snooze10") or a skip (anything else: closing the question
        skips the break), moved on and recorded; what to tell the person. "take" is the
        client's to play, then `taken` (or `skipped`, when the routine was not played)."""
        seconds = SNOOZES.get(answer or "")
        if seconds is not None:
            self.snoozed(seconds)
            return f"Snoozed for {seconds / 60:g} minutes."
        self.skipped()
        return "Skipped."

    def snoozed(self, seconds: float) -> None:
        self.timer.snooze(seconds)
        self._record("snoozed")

    def skipped(self) -> None:
        self.timer.skipped()
        self._record("skipped")

    def taken(self, session: Session) -> float:
        """The break's routine was played (to its end or not); the minutes recorded."""
        minutes = played_minutes(session)
        self.timer.taken()
        self._record("taken", minutes)
        return minutes

    def passed(self) -> None:
        """The break went by without an answer (nobody at a keyboard, or its routine is held
        by the safety rules): the next interval starts, and nothing is recorded, since the
        person chose nothing."""
        self.timer.skipped()

    def lock(self) -> str | None:
        """Why the break's routine cannot be played now (the safety rules may have changed
        since the reminders started), or None. A history that cannot be read holds nothing."""
        try:
            progress = assess_history(self.history, now=self.now())
        except Exception as exc:  # a history problem must not stop the reminders
            self.on_problem(f"The history could not be read: {exc}")
            return None
        return routine_lock(progress, self.routine.category, self.routine.level)

    def _record(self, outcome: str, minutes: float | None = None) -> None:
        try:
            self.history.add_break(
                at=self.now(), outcome=outcome, routine_id=self.routine.id, minutes=minutes
            )
        except Exception as exc:  # never stop the reminders over the history
            self.on_problem(f"This break could not be recorded: {exc}")
