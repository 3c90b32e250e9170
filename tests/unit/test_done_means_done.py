"""Done means done (issue 19; SAFETY_RULES.md version 3, "Levels"): a session is completed only
when it reached its end with at least 80% of the routine's planned seconds played; reaching the
end by skipping is "skipped", recorded as such, shown as such, and never counted for levels."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from backroutine.core.announce import describe, utterance
from backroutine.core.engine import Finished, Session
from backroutine.core.history import HistoryStore
from backroutine.core.loading import load_text
from backroutine.core.outcome import DONE_SHARE, Summary, ending
from backroutine.core.recording import SessionRecorder
from backroutine.services.conductor import SessionConductor
from fakes import AtOnceWriter, FakeClock, FakeStore

# 5 steps of 10 s, no get-ready and no rests: 50 planned seconds.
FIVE = """\
name: Five
category: strengthening
level: 2
defaults: {get_ready: 0, rest: 0}
steps:
  - {name: One, duration: 10s}
  - {name: Two, duration: 10s}
  - {name: Three, duration: 10s}
  - {name: Four, duration: 10s}
  - {name: Five, duration: 10s}
"""


@pytest.mark.parametrize(
    ("reached", "active", "expected"),
    [
        (True, 50.0, "completed"),
        (True, 40.0, "completed"),  # exactly 80%
        (True, 39.9, "skipped"),
        (True, 10.0, "skipped"),
        (False, 49.0, "stopped"),  # stopped before the end, however much was played
        (False, 0.0, "stopped"),
        (True, 80.0, "completed"),  # going back and playing more counts too
    ],
)
def test_the_rule(reached: bool, active: float, expected: str) -> None:
    assert ending(reached_end=reached, active_seconds=active, planned_seconds=50) == expected
    assert DONE_SHARE == 0.8


def conducted(tmp_path: Path) -> tuple[SessionConductor, FakeClock, FakeStore]:
    clock = FakeClock(100.0)
    session = Session(load_text(FIVE, path=tmp_path / "five.yaml"), clock=clock)
    store = FakeStore()
    recorder = SessionRecorder(AtOnceWriter(store), session)  # type: ignore[arg-type]
    return SessionConductor(session, recorder), clock, store


def test_next_through_four_steps_then_the_last_played_is_skipped(tmp_path: Path) -> None:
    # The case: n through a routine, the last step played to its end: "1 of 5 steps".
    conductor, clock, store = conducted(tmp_path)
    conductor.start()
    for _ in range(4):
        clock.advance(1)
        conductor.skip()
    clock.advance(10)
    events = conductor.update()
    finished = [e for e in events if isinstance(e, Finished)]
    assert finished == [Finished(True, "skipped")]
    assert store.rows[1]["status"] == "skipped" and store.rows[1]["reason"] is None
    session = conductor.session
    summary = Summary(session.ending, session.steps_done, session.steps_total)
    assert summary.title == "Skipped to the end"
    assert summary.line is not None and "You skipped 4 of 5 steps" in summary.line
    # The plain line and the voice say so too: no "Well done".
    assert describe(finished[0], session.routine, None) == "Skipped to the end"
    said = utterance(finished, session.routine)
    assert said is not None and "Well done" not in said[0]


def test_played_through_is_completed_even_with_one_step_skipped(tmp_path: Path) -> None:
    conductor, clock, store = conducted(tmp_path)
    conductor.start()
    clock.advance(10)
    conductor.update()
    conductor.skip()  # step two skipped at once: 40 of 50 s will be played
    for _ in range(3):
        clock.advance(10)
        conductor.update()
    assert conductor.finished
    assert store.rows[1]["status"] == "completed"
    session = conductor.session
    assert Summary(session.ending, session.steps_done, session.steps_total).title == "Well done"


def test_skipping_past_the_last_step_after_playing_most_is_completed(tmp_path: Path) -> None:
    conductor, clock, store = conducted(tmp_path)
    conductor.start()
    for _ in range(4):
        clock.advance(10)
        conductor.update()
    clock.advance(2)
    assert conductor.skip() == [Finished(False, "completed")]  # 42 of 50 s: at least 80%
    assert store.rows[1]["status"] == "completed"


def test_stopped_stays_stopped(tmp_path: Path) -> None:
    conductor, clock, store = conducted(tmp_path)
    conductor.start()
    clock.advance(45)
    conductor.update()
    conductor.stop("quit")
    assert (store.rows[1]["status"], store.rows[1]["reason"]) == ("stopped", "quit")
    assert conductor.session.ending == "stopped"


NOW = datetime(2026, 11, 20, 18, 0, tzinfo=UTC)


def test_the_history_keeps_skipped_and_never_counts_it_for_levels(tmp_path: Path) -> None:
    with HistoryStore.open(tmp_path / "data") as store:
        for n, status in enumerate(("skipped", "completed", "skipped")):
            sid = store.start_session(
                routine_id="five",
                routine_name="Five",
                category="strengthening",
                steps_total=5,
                started_at=NOW + timedelta(days=n),
                level=2,
            )
            store.finish_session(
                sid,
                status=status,  # type: ignore[arg-type]
                steps_done=1 if status == "skipped" else 5,
                active_seconds=10 if status == "skipped" else 50,
                at=NOW + timedelta(days=n, minutes=1),
            )
        shown = [(s.status, s.reason) for s in store.sessions()]
        assert shown == [("skipped", None), ("completed", None), ("skipped", None)]
        played = store.played_sessions()
        assert [p.completed for p in played] == [True]  # only the completed one counts


def test_skipped_sessions_do_not_open_a_level(tmp_path: Path) -> None:
    from backroutine.core.progression import assess_history

    with HistoryStore.open(tmp_path / "data") as store:
        store.save_red_flags([], at=NOW - timedelta(days=5))
        for days, pain in ((4, 8), (3, 5), (2, 5), (1, 5), (0, 5)):
            store.add_checkin(at=NOW - timedelta(days=days), pain=pain)
        for days in (2, 1):
            sid = store.start_session(
                routine_id="five",
                routine_name="Five",
                category="strengthening",
                steps_total=5,
                started_at=NOW - timedelta(days=days),
                level=2,
            )
            store.finish_session(
                sid,
                status="skipped",
                steps_done=1,
                active_seconds=10,
                at=NOW - timedelta(days=days) + timedelta(minutes=1),
            )
        progress = assess_history(store, now=NOW)
        assert progress.strengthening_level == 2
        assert progress.next_level is not None and progress.next_level.days_so_far == 0
