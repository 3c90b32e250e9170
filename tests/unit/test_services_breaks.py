"""The answers to a desk break, once for the TUI and the plain reminder: the timer moves, the
history records, and a history that fails never stops the reminders."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from backroutine.core.breaks import BreakTimer
from backroutine.core.engine import Session
from backroutine.core.health import Checkin, PlayedSession, RedFlagAnswers
from backroutine.core.history import HistoryError, HistoryStore
from backroutine.core.loading import load_text
from backroutine.services.breaks import BreakAnswers, played_minutes
from fakes import FakeClock

AT = datetime(2026, 11, 25, 10, 0, tzinfo=UTC)


class FakeHistory:
    """Records breaks; can be told to fail, as a full disk or a broken file would."""

    def __init__(self, *, failing: Exception | None = None) -> None:
        self.failing = failing
        self.breaks: list[dict[str, object]] = []
        self.flags = RedFlagAnswers()

    def add_break(
        self,
        *,
        at: datetime,
        outcome: str,
        routine_id: str | None = None,
        minutes: float | None = None,
    ) -> int:
        if self.failing is not None:
            raise self.failing
        self.breaks.append({"at": at, "outcome": outcome, "routine": routine_id, "min": minutes})
        return len(self.breaks)

    def checkins(self) -> list[Checkin]:
        if self.failing is not None:
            raise self.failing
        return []

    def red_flags(self) -> RedFlagAnswers:
        return self.flags

    def played_sessions(self) -> list[PlayedSession]:
        return []


@pytest.fixture
def routine(tmp_path: Path):
    return load_text("name: Tiny break\ncategory: gentle\nsteps: [{name: Stand, duration: 90s}]\n",
                     path=tmp_path / "tiny-break.yaml")  # fmt: skip


def answers_for(routine, history: FakeHistory, problems: list[str] | None = None):
    clock = FakeClock()
    timer = BreakTimer(60, clock=clock, wall=clock.wall)
    said = problems if problems is not None else []
    answers = BreakAnswers(timer, routine, history, now=clock.wall, on_problem=said.append)
    return answers, timer, clock


@pytest.mark.parametrize(
    ("answer", "words", "remaining"),
    [("snooze5", "Snoozed for 5 minutes.", 300), ("snooze10", "Snoozed for 10 minutes.", 600)],
)
def test_a_snooze_moves_the_break_and_is_recorded(
    routine, answer: str, words: str, remaining: float
) -> None:
    history = FakeHistory()
    answers, timer, _ = answers_for(routine, history)
    assert answers.answer(answer) == words
    assert timer.remaining() == pytest.approx(remaining)
    assert timer.counts.snoozed == 1
    assert history.breaks == [
        {"at": AT, "outcome": "snoozed", "routine": "tiny-break", "min": None}
    ]


@pytest.mark.parametrize("answer", ["skip", None, "escape"])
def test_anything_else_is_a_skip(routine, answer: str | None) -> None:
    history = FakeHistory()
    answers, timer, _ = answers_for(routine, history)
    assert answers.answer(answer) == "Skipped."
    assert timer.counts.skipped == 1 and timer.remaining() == pytest.approx(60)
    assert [b["outcome"] for b in history.breaks] == ["skipped"]


def test_a_taken_break_records_the_minutes_played(routine) -> None:
    history = FakeHistory()
    answers, timer, clock = answers_for(routine, history)
    session = Session(routine, clock=clock)
    session.start()
    clock.now += 45
    session.update()
    session.stop()  # stopped half way: still a break taken
    assert played_minutes(session) == 0.8
    assert answers.taken(session) == 0.8
    assert timer.counts.taken == 1
    assert history.breaks[-1]["outcome"] == "taken" and history.breaks[-1]["min"] == 0.8


def test_a_break_nobody_answers_is_passed_and_not_recorded(routine) -> None:
    history = FakeHistory()
    answers, timer, _ = answers_for(routine, history)
    answers.passed()
    assert timer.counts.skipped == 1 and timer.remaining() == pytest.approx(60)
    assert history.breaks == []


def test_a_history_that_fails_never_stops_the_reminders(routine) -> None:
    problems: list[str] = []
    history = FakeHistory(failing=HistoryError("the disk is full"))
    answers, timer, _ = answers_for(routine, history, problems)
    assert answers.answer("snooze5") == "Snoozed for 5 minutes."
    assert answers.answer("skip") == "Skipped."
    assert (timer.counts.snoozed, timer.counts.skipped) == (1, 1)  # the timer still moved
    assert problems == ["This break could not be recorded: the disk is full"] * 2
    assert answers.lock() is None  # unreadable: the break is offered as usual
    assert problems[-1] == "The history could not be read: the disk is full"


def test_the_safety_rules_can_hold_the_break_routine(routine, tmp_path: Path) -> None:
    with HistoryStore.open(tmp_path / "data") as store:
        answers = BreakAnswers(
            BreakTimer(60, clock=FakeClock(), wall=FakeClock().wall), routine, store
        )
        assert answers.lock() is None
        store.save_red_flags(["both_legs"], at=datetime.now(UTC))  # an emergency
        why = answers.lock()
        assert why is not None and "Every routine is on hold" in why
