"""The home view, the advice as every client groups it, and the stand-in for a history that
could not be opened: plain values, no screen."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from backroutine.core import advice as words
from backroutine.core.history import HistoryError, HistoryStore
from backroutine.core.progression import assess
from backroutine.core.readonly import open_read_only
from backroutine.services.advice import (
    ON_HOLD,
    answers_advice,
    see_a_professional,
    standing_lines,
)
from backroutine.services.history import (
    NOT_OPENED_NOTICE,
    NoHistory,
    opened,
    or_no_history,
)
from backroutine.services.home import home_view

NOW = datetime.now(UTC)


# -- the history that could not be opened ---------------------------------------------------


def test_no_history_reads_as_a_first_run_and_writes_nothing() -> None:
    history = or_no_history(None)
    assert isinstance(history, NoHistory) and not opened(history)
    assert history.read_only
    assert (history.sessions(), history.checkins(), history.breaks()) == ([], [], [])
    assert not history.red_flags().asked
    assert history.add_break(at=NOW, outcome="taken") == 0  # the reminders go on
    for write in (
        lambda: history.add_checkin(at=NOW, pain=3),
        lambda: history.save_red_flags([], at=NOW),
        lambda: history.mark_red_flags_checked(at=NOW),
    ):
        with pytest.raises(HistoryError, match="could not be opened"):
            write()


def test_a_store_is_kept_as_it_is(tmp_path: Path) -> None:
    with HistoryStore.open(tmp_path / "data") as store:
        assert or_no_history(store) is store and opened(store)


# -- advice -----------------------------------------------------------------------------------


def test_no_advice_when_nothing_calls_for_it() -> None:
    said = see_a_professional(assess([], now=NOW))
    assert not said and said.lines() == [] and said.urgency is None
    assert said.mark_checked is None and said.on_hold is None


def test_an_emergency_answer_is_advice_and_a_hold() -> None:
    from backroutine.core.health import RedFlagAnswers

    flags = RedFlagAnswers(answered_at=NOW - timedelta(hours=1), yes=frozenset({"both_legs"}))
    progress = assess([], flags, now=NOW)
    said = see_a_professional(progress)
    assert said and said.urgency == "emergency"
    assert said.blocks[0].advice == words.URGENCY_ADVICE["emergency"]
    assert said.mark_checked == words.MARK_CHECKED and said.on_hold == ON_HOLD
    lines = said.lines()
    assert lines[0] == f"{words.URGENCY_ADVICE['emergency']} Because:"
    assert lines[1].startswith("- ") and lines[-1] == words.MARK_CHECKED
    assert standing_lines(progress)[0].startswith("! ")


def test_answers_advice_gives_the_all_clear_or_the_advice_by_tier() -> None:
    from backroutine.core.health import RedFlagAnswers

    clear = answers_advice(RedFlagAnswers(answered_at=NOW, yes=frozenset()))
    assert clear.lines == (words.NO_FLAGS,) and not clear.flags_open
    flagged = RedFlagAnswers(answered_at=NOW, yes=frozenset({"fever_unwell"}))
    said = answers_advice(flagged)
    assert said.flags_open and said.urgency == flagged.urgency
    assert list(said.lines) == words.flags_advice(flagged.open_flags)


def test_standing_lines_ask_the_safety_questions_when_due() -> None:
    lines = standing_lines(assess([], now=NOW))  # never answered
    assert lines == [words.ask_safety_text(False)]


# -- the home view ----------------------------------------------------------------------------


def test_the_home_view_without_a_history(tmp_path: Path) -> None:
    view = home_view(NoHistory(), data_dir=tmp_path, now=NOW)
    assert view.notices == (NOT_OPENED_NOTICE,) and not view.can_save
    assert view.recent == () and view.numbers.total_sessions == 0
    assert [g.category for g in view.groups] == ["gentle", "yoga", "strengthening"]
    assert view.suggested is not None and view.suggested.lock is None
    assert view.routine(view.suggested.routine.id) == view.suggested
    assert view.routine("no-such-routine") is None
    strengthening = view.groups[-1]
    assert strengthening.lock is not None  # shut until pain has clearly lessened
    assert all(row.lock for row in strengthening.routines)


def test_the_history_problems_are_said_instead(tmp_path: Path) -> None:
    view = home_view(NoHistory(), data_dir=tmp_path, now=NOW, problems=["it is broken"])
    assert view.notices == ("it is broken",)


def test_the_home_view_of_a_history(tmp_path: Path) -> None:
    data = tmp_path / "data"
    now = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)  # fixed: the session and check-in share a day
    with HistoryStore.open(data) as store:
        started = now - timedelta(hours=2)
        store.add_checkin(at=started - timedelta(minutes=5), pain=5)
        row = store.start_session(routine_id="desk-break", routine_name="Desk break",
                                  category="gentle", steps_total=3, started_at=started)  # fmt: skip
        store.finish_session(row, status="completed", steps_done=3, active_seconds=180,
                             at=started + timedelta(minutes=3))  # fmt: skip
        view = home_view(store, data_dir=data, now=now, today=now.date())
    assert view.can_save and view.notices == (words.ask_safety_text(False),)
    (recent,) = view.recent
    assert recent.session.routine_name == "Desk break" and recent.pain_before == 5
    assert recent.pain_after is None
    numbers = view.numbers
    assert (numbers.total_sessions, numbers.total_minutes, numbers.streak_days) == (1, 3.0, 1)
    assert view.progress.pain == 5


def test_an_emergency_holds_every_routine_and_suggests_none(tmp_path: Path) -> None:
    data = tmp_path / "data"
    with HistoryStore.open(data) as store:
        store.save_red_flags(["both_legs"], at=NOW - timedelta(minutes=1))
        view = home_view(store, data_dir=data, now=NOW)
    assert view.suggested is None and view.advice.on_hold == ON_HOLD
    assert all(row.lock for group in view.groups for row in group.routines)


def test_a_read_only_history_is_shown_but_not_asked_to_save(tmp_path: Path) -> None:
    data = tmp_path / "data"
    HistoryStore.open(data).close()
    store = open_read_only(data, "the disk is full")
    view = home_view(store, data_dir=data, now=NOW, problems=["cannot be written"])
    assert not view.can_save and view.notices == ("cannot be written",)


def test_routine_files_with_mistakes_are_named(tmp_path: Path) -> None:
    mine = tmp_path / "routines"
    mine.mkdir()
    (mine / "broken.yaml").write_text("name: Broken\n", encoding="utf-8")
    (mine / "mine.yaml").write_text(
        "name: Mine\ncategory: gentle\nsteps: [{name: Walk, duration: 30s}]\n", encoding="utf-8"
    )
    view = home_view(NoHistory(), data_dir=tmp_path, now=NOW, today=date(2026, 11, 25))
    assert view.library_problem is not None
    assert view.library_problem.startswith("1 of your routine files have mistakes")
    row = view.routine("mine")
    assert row is not None and row.entry.source == "user" and row.seconds == 30
