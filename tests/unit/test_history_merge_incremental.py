"""The merge kept up to date as this computer writes (merged.py): after each write, the merged
database is exactly what a full build gives (same rows, same ids, same order), and the common
writes (a record now, a session going on, answers marked as checked) do not build it again."""

from __future__ import annotations

import random
import shutil
import sqlite3
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from backroutine.core.device import Device
from backroutine.core.history import HistoryStore
from backroutine.core.history.merge import Merge
from backroutine.core.history.sources import _COLUMNS

A = Device("a" * 32, "work desk")
B = Device("b" * 32, "home")
C = Device("c" * 32, "laptop")
PARIS = timezone(timedelta(hours=1))
DAY = datetime(2026, 3, 2, 9, 0, tzinfo=PARIS)


def merged(store: HistoryStore) -> sqlite3.Connection:
    store.checkins()  # a read: the merge brought up to date
    merge = store._merge
    assert isinstance(merge, Merge) and merge._state is not None
    return merge._state.memory


def dump(memory: sqlite3.Connection) -> dict[str, list[tuple[object, ...]]]:
    tables = [*_COLUMNS, "settings"]
    return {t: memory.execute(f"SELECT * FROM {t} ORDER BY rowid").fetchall() for t in tables}


def fresh(data: Path) -> dict[str, list[tuple[object, ...]]]:
    with HistoryStore.open(data, device=A) as again:
        return dump(merged(again))


@pytest.fixture
def shared(tmp_path: Path) -> Path:
    """A folder where B and C have written (C also in a conflict copy), A a little."""
    data = tmp_path / "data"
    with HistoryStore.open(data, device=B) as b, HistoryStore.open(data, device=C) as c:
        b.add_activity("walking", at=DAY)
        b.add_checkin(at=DAY, pain=5, ratings=[("walking", 4)])
        b.save_red_flags(["fever_unwell"], at=DAY)
        session = c.start_session(
            routine_id="core", routine_name="Core", category="strengthening",
            steps_total=4, started_at=DAY + timedelta(hours=1),
        )  # fmt: skip
        for hour in range(3):
            c.add_break(at=DAY + timedelta(hours=hour), outcome="taken")
    own = data / "history" / f"{C.id}.sqlite3"
    shutil.copy(own, data / "history" / f"{C.id}.sync-conflict-20260302-101010-ABCDEFG.sqlite3")
    with HistoryStore.open(data, device=C) as c:
        c.finish_session(
            session, status="completed", steps_done=4, active_seconds=60,
            at=DAY + timedelta(hours=2),
        )  # fmt: skip
    with HistoryStore.open(data, device=A) as a:
        a.add_checkin(at=DAY + timedelta(minutes=5), pain=4)
    return data


def _first_uid(store: HistoryStore) -> str:
    uid = store.checkins()[0].uid  # B's, the first in time
    assert uid is not None
    return uid


WRITES: list[tuple[str, Callable[[HistoryStore], object], bool]] = [
    # (what, the write, whether it is done without building the merge again)
    ("a check-in now", lambda s: s.add_checkin(at=DAY + timedelta(days=1), pain=3), True),
    (
        "a first rating of an activity added elsewhere (copied here)",
        lambda s: s.add_checkin(at=DAY + timedelta(days=2), pain=2, ratings=[("walking", 6)]),
        False,
    ),
    (
        "a break",
        lambda s: s.add_break(at=DAY + timedelta(days=2, hours=1), outcome="skipped"),
        True,
    ),
    ("a setting", lambda s: s.set_setting("first_run_done", "1"), True),
    ("safety answers", lambda s: s.save_red_flags([], at=DAY + timedelta(days=3)), True),
    (
        "the other computer's answers checked",
        lambda s: s.mark_red_flags_checked(at=DAY + timedelta(days=3, hours=1)),
        True,
    ),
    ("a check-in in the past", lambda s: s.add_checkin(at=DAY - timedelta(days=9), pain=8), False),
    ("an activity added", lambda s: s.add_activity("sitting", at=DAY + timedelta(days=4)), False),
    (
        "another computer's check-in corrected",
        lambda s: s.correct_checkin(_first_uid(s), at=DAY + timedelta(days=5), pain=9),
        True,
    ),
    (
        "another computer's check-in deleted",
        lambda s: s.delete_checkin(_first_uid(s), at=DAY + timedelta(days=5)),
        True,
    ),
]


@pytest.mark.parametrize(("what", "write", "incremental"), WRITES, ids=[w[0] for w in WRITES])
def test_a_write_here_gives_the_merge_a_full_build_gives(
    shared: Path, what: str, write: Callable[[HistoryStore], object], incremental: bool
) -> None:
    with HistoryStore.open(shared, device=A) as a:
        merged(a)
        assert a._merge is not None
        state = a._merge._state
        write(a)
        assert dump(merged(a)) == fresh(shared), what
        assert (a._merge._state is state) is incremental


def test_a_session_played_here_step_by_step_and_many_writes_stay_exact(shared: Path) -> None:
    with HistoryStore.open(shared, device=A) as a:
        a.add_activity_ratings(
            [("walking", 5)], at=DAY + timedelta(minutes=1)
        )  # the activity copied here, once
        state = merged(a) and a._merge and a._merge._state
        session = a.start_session(
            routine_id="desk", routine_name="Desk", category="gentle",
            steps_total=3, started_at=DAY + timedelta(days=5),
        )  # fmt: skip
        for step in range(1, 3):
            a.update_session(session, steps_done=step, active_seconds=10 * step, at=DAY)
            assert dump(merged(a)) == fresh(shared)
        a.finish_session(session, status="completed", steps_done=3, active_seconds=30, at=DAY)
        for day in range(6, 16):
            a.add_checkin(at=DAY + timedelta(days=day), pain=day % 11, ratings=[("walking", 3)])
            a.add_break(at=DAY + timedelta(days=day), outcome="taken")
        assert dump(merged(a)) == fresh(shared)
        assert a._merge is not None and a._merge._state is state  # never built again
        assert next(s.status for s in a.sessions()) == "completed"
        assert [r.score for r in a.ratings()] == [4, 5] + [3] * 10
        summaries = {s.name: s.counts.get("checkins") for s in a.devices()}
        assert summaries == {"work desk": 11, "home": 1, "laptop": None}


THERE: list[tuple[str, Callable[[HistoryStore], object], bool]] = [
    # (what another computer does, the write, whether it is done without a full build)
    ("a check-in now", lambda s: s.add_checkin(at=DAY + timedelta(days=1), pain=1), True),
    ("answers marked checked", lambda s: s.mark_red_flags_checked(at=DAY + timedelta(1)), True),
    (
        "a session played",
        lambda s: s.start_session(
            routine_id="cat",
            routine_name="Cat",
            category="yoga",
            steps_total=2,
            started_at=DAY + timedelta(days=2),
        ),
        True,
    ),
    ("a check-in in the past", lambda s: s.add_checkin(at=DAY - timedelta(days=3), pain=9), False),
]


@pytest.mark.parametrize(("what", "write", "incremental"), THERE, ids=[w[0] for w in THERE])
def test_another_computer_s_write_is_applied_from_its_file_alone(
    shared: Path, what: str, write: Callable[[HistoryStore], object], incremental: bool
) -> None:
    with HistoryStore.open(shared, device=A) as a:
        merged(a)
        assert a._merge is not None
        state = a._merge._state
        with HistoryStore.open(shared, device=B) as b:
            write(b)
        assert dump(merged(a)) == fresh(shared), what
        assert (a._merge._state is state) is incremental


def test_a_session_going_on_elsewhere_keeps_the_copy_that_went_furthest(shared: Path) -> None:
    with HistoryStore.open(shared, device=A) as a, HistoryStore.open(shared, device=B) as b:
        session = b.start_session(
            routine_id="cat", routine_name="Cat", category="yoga", steps_total=3,
            started_at=DAY + timedelta(days=2),
        )  # fmt: skip
        merged(a)
        assert a._merge is not None
        state = a._merge._state
        for step in range(1, 4):
            moment = DAY + timedelta(days=2, minutes=step)
            b.update_session(session, steps_done=step, active_seconds=step * 5.0, at=moment)
            assert dump(merged(a)) == fresh(shared)
        b.finish_session(
            session, status="completed", steps_done=3, active_seconds=15,
            at=DAY + timedelta(days=2, minutes=4),
        )  # fmt: skip
        assert dump(merged(a)) == fresh(shared)
        assert a._merge._state is state
        # C's conflict copy still holds C's session as it began: the finished one is kept.
        assert sorted((s.routine_id, s.status) for s in a.sessions()) == [
            ("cat", "completed"),
            ("core", "completed"),
        ], [(s.routine_id, s.status, s.steps_done, s.ended_at) for s in a.sessions()]


def test_a_new_file_or_one_gone_builds_the_merge_again(shared: Path) -> None:
    with HistoryStore.open(shared, device=A) as a:
        merged(a)
        assert a._merge is not None
        state = a._merge._state
        conflict = next((shared / "history").glob("*sync-conflict*"))
        conflict.unlink()
        assert dump(merged(a)) == fresh(shared)
        assert a._merge._state is not state


@pytest.mark.parametrize("seed", range(4))
def test_random_writes_on_three_computers_always_give_what_a_full_build_gives(
    shared: Path, seed: int
) -> None:
    rng = random.Random(seed)
    with (
        HistoryStore.open(shared, device=A) as a,
        HistoryStore.open(shared, device=B) as b,
        HistoryStore.open(shared, device=C) as c,
    ):
        running: dict[int, tuple[HistoryStore, int]] = {}
        clock = DAY + timedelta(days=10)
        in_place = 0  # writes applied without a full build
        merged(a)
        for step in range(30):
            assert a._merge is not None
            state = a._merge._state
            store = rng.choice([a, a, b, c])
            clock += timedelta(minutes=rng.choice([0, 1, 7]))
            moment = clock - timedelta(days=rng.choice([0, 0, 0, 0, 4]))
            action = rng.choice(["checkin", "break", "start", "step", "answers", "check", "copy"])
            if action == "checkin":
                store.add_checkin(at=moment, pain=rng.randint(0, 10))
            elif action == "break":
                store.add_break(at=moment, outcome="taken")
            elif action == "start":
                started = store.start_session(
                    routine_id="desk", routine_name="Desk", category="gentle",
                    steps_total=3, started_at=moment,
                )  # fmt: skip
                running[step] = (store, started)
            elif action == "step" and running:
                owner, session = running[rng.choice(sorted(running))]
                done = rng.randint(1, 3)
                owner.update_session(session, steps_done=done, active_seconds=done, at=clock)
            elif action == "answers":
                store.save_red_flags(rng.choice([[], ["fever_unwell"]]), at=moment)
            elif action == "check" and store.red_flags().answered_at is not None:
                store.mark_red_flags_checked(at=clock)
            elif action == "copy":  # the sync engine leaves a conflict copy of B's file
                own = shared / "history" / f"{B.id}.sqlite3"
                shutil.copy(own, own.with_name(f"{B.id} (conflicted copy {step}).sqlite3"))
            assert dump(merged(a)) == fresh(shared), (seed, step, action)
            in_place += a._merge._state is state
        assert in_place >= 10
