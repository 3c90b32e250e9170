"""Activities and their ratings in the history: the store's methods, its errors (nothing stored
on bad input), and the schema 4 -> 5 migration of a history with everything in it."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from backroutine.core import history
from backroutine.core.function import Activity, ActivityError, ActivityRating
from backroutine.core.health import Checkin, PlayedSession
from backroutine.core.history import DB_NAME, EmptyHistory, HistoryError, HistoryStore

CET = timezone(timedelta(hours=1))
AT = datetime(2026, 11, 25, 8, 0, 0, tzinfo=CET)


@pytest.fixture
def store(tmp_path: Path) -> Iterator[HistoryStore]:
    with HistoryStore.open(tmp_path) as opened:
        yield opened


def rows(folder: Path, table: str) -> int:
    with sqlite3.connect(folder / DB_NAME) as db:
        return int(db.execute(f"SELECT count(*) FROM {table}").fetchone()[0])


# -- activities -----------------------------------------------------------------------------


def test_activities_are_added_listed_and_removed(store: HistoryStore) -> None:
    socks = store.add_activity("  putting on socks ", at=AT)
    assert socks == Activity(1, "putting on socks", AT)
    store.add_activity("Sitting for an hour", at=AT + timedelta(minutes=1))
    assert [a.name for a in store.activities()] == ["putting on socks", "Sitting for an hour"]
    removed = store.remove_activity("SITTING FOR AN HOUR", at=AT + timedelta(hours=1))
    assert removed.name == "Sitting for an hour"
    assert removed.removed_at == AT + timedelta(hours=1)
    assert [a.name for a in store.activities()] == ["putting on socks"]
    every = store.activities(include_removed=True)
    assert [(a.name, a.current) for a in every] == [
        ("putting on socks", True),
        ("Sitting for an hour", False),
    ]


def test_at_most_three_current_activities(store: HistoryStore) -> None:
    for name in ("socks", "sitting", "lifting"):
        store.add_activity(name, at=AT)
    with pytest.raises(ActivityError, match=r"already have 3 activities.*remove one"):
        store.add_activity("walking", at=AT)
    assert len(store.activities()) == 3
    store.remove_activity("lifting", at=AT)
    store.add_activity("walking", at=AT)  # room again
    assert [a.name for a in store.activities()] == ["socks", "sitting", "walking"]


@pytest.mark.parametrize("again", ["socks", "SOCKS", "  Socks  "])
def test_a_duplicate_name_is_refused_whatever_its_case(store: HistoryStore, again: str) -> None:
    store.add_activity("Socks", at=AT)
    with pytest.raises(ActivityError, match="already one of your activities"):
        store.add_activity(again, at=AT)
    assert len(store.activities()) == 1


def test_a_removed_name_can_be_added_again_as_a_new_activity(store: HistoryStore) -> None:
    old = store.add_activity("socks", at=AT)
    store.add_activity_ratings([("socks", 2)], at=AT)
    store.remove_activity("socks", at=AT + timedelta(days=1))
    new = store.add_activity("socks", at=AT + timedelta(days=2))
    assert new.id != old.id
    store.add_activity_ratings([("socks", 7)], at=AT + timedelta(days=2))
    assert [(r.activity_id, r.score) for r in store.ratings()] == [(old.id, 2), (new.id, 7)]


@pytest.mark.parametrize(
    ("name", "says"),
    [("", "needs a name"), ("a" * 61, "at most 60"), ("a\x1bb", "control characters")],
)
def test_a_bad_name_stores_nothing(tmp_path: Path, name: str, says: str) -> None:
    with HistoryStore.open(tmp_path) as store, pytest.raises(ActivityError, match=says):
        store.add_activity(name, at=AT)
    assert rows(tmp_path, "activities") == 0


def test_removing_an_unknown_name_is_refused(store: HistoryStore) -> None:
    with pytest.raises(ActivityError, match="none yet"):
        store.remove_activity("socks", at=AT)
    store.add_activity("walking", at=AT)
    with pytest.raises(
        ActivityError, match="'socks' is not one of your activities \\('walking'\\)"
    ):
        store.remove_activity("socks", at=AT)
    store.remove_activity("walking", at=AT)
    with pytest.raises(ActivityError):  # removed already
        store.remove_activity("walking", at=AT)


# -- ratings ------------------------------------------------------------------------------


def test_ratings_on_their_own(store: HistoryStore) -> None:
    store.add_activity("socks", at=AT)
    store.add_activity("sitting", at=AT)
    saved = store.add_activity_ratings([("SOCKS", 3), ("sitting", 10)], at=AT)
    assert saved == [
        ActivityRating(1, 1, "socks", AT, 3, None),
        ActivityRating(2, 2, "sitting", AT, 10, None),
    ]
    assert store.ratings() == saved
    assert store.ratings(since=AT + timedelta(seconds=1)) == []


def test_ratings_come_back_in_time_order(store: HistoryStore) -> None:
    store.add_activity("socks", at=AT)
    store.add_activity_ratings([("socks", 5)], at=AT + timedelta(days=2))
    store.add_activity_ratings([("socks", 1)], at=AT)  # backfilled
    assert [r.score for r in store.ratings()] == [1, 5]


def test_a_checkin_with_ratings_is_one_record(store: HistoryStore) -> None:
    store.add_activity("socks", at=AT)
    checkin = store.add_checkin(at=AT, pain=4, note="ok", ratings=[("socks", 6)])
    assert store.checkins() == [checkin]
    assert store.ratings() == [ActivityRating(1, 1, "socks", AT, 6, checkin.id)]


@pytest.mark.parametrize(
    ("ratings", "says"),
    [
        ([("socks", 6), ("swimming", 5)], "'swimming' is not one of your activities"),
        ([("socks", 6), ("walk", 11)], "not 11"),
        ([("socks", 6), ("walk", -1)], "not -1"),
        ([("socks", 6), ("SOCKS", 5)], "rated twice"),
        ([("socks", 6), ("", 5)], "needs a name"),
        ([("socks", True)], "whole number"),
    ],
)
def test_a_bad_rating_stores_nothing_not_even_the_pain(
    tmp_path: Path, ratings: list[tuple[str, int]], says: str
) -> None:
    with HistoryStore.open(tmp_path) as store:
        store.add_activity("socks", at=AT)
        store.add_activity("walk", at=AT)
        with pytest.raises(ActivityError, match=says):
            store.add_checkin(at=AT, pain=4, ratings=ratings)
        with pytest.raises(ActivityError, match=says):
            store.add_activity_ratings(ratings, at=AT)
        assert store.checkins() == []
        assert store.ratings() == []
    assert rows(tmp_path, "checkins") == rows(tmp_path, "activity_ratings") == 0


def test_a_removed_activity_cannot_be_rated_but_keeps_its_ratings(store: HistoryStore) -> None:
    store.add_activity("socks", at=AT)
    store.add_activity_ratings([("socks", 2)], at=AT)
    store.remove_activity("socks", at=AT + timedelta(days=1))
    with pytest.raises(ActivityError, match="none yet"):
        store.add_activity_ratings([("socks", 5)], at=AT + timedelta(days=2))
    assert [(r.activity, r.score) for r in store.ratings()] == [("socks", 2)]


def test_no_rating_at_all_is_refused(store: HistoryStore) -> None:
    with pytest.raises(ActivityError, match="no rating given"):
        store.add_activity_ratings([], at=AT)


def test_a_pain_checkin_without_ratings_is_unchanged(store: HistoryStore) -> None:
    checkin = store.add_checkin(at=AT, pain=3)
    assert checkin == Checkin(AT, 3, id=1, uid=checkin.uid)
    assert store.ratings() == []


def test_the_tables_refuse_what_the_methods_would(tmp_path: Path) -> None:
    HistoryStore.open(tmp_path).close()
    with sqlite3.connect(tmp_path / DB_NAME) as db:
        db.execute(
            "INSERT INTO activities (name, key, added_at) VALUES ('a', 'a', ?)", (AT.isoformat(),)
        )
        for bad in (
            "INSERT INTO activities (name, key, added_at) VALUES ('A', 'a', '2026-11-25T08:00:00+01:00')",
            f"INSERT INTO activities (name, key, added_at) VALUES ('{'x' * 61}', 'x', '2026-11-25T08:00:00+01:00')",
            "INSERT INTO activity_ratings (activity_id, at, score, created_at) VALUES (1, '2026-11-25T08:00:00+01:00', 11, '2026-11-25T08:00:00+01:00')",
            "INSERT INTO activity_ratings (activity_id, at, score, created_at) VALUES (1, '2026-11-25T08:00:00+01:00', 5.5, '2026-11-25T08:00:00+01:00')",
            "INSERT INTO activity_ratings (activity_id, at, score, created_at) VALUES (1, 'yesterday', 5, '2026-11-25T08:00:00+01:00')",
        ):
            with pytest.raises(sqlite3.IntegrityError):
                db.execute(bad)


def test_a_read_only_history_saves_no_activity(store: HistoryStore) -> None:
    store.read_only = "the disk is read-only"
    with pytest.raises(HistoryError, match="nothing was saved"):
        store.add_activity("socks", at=AT)


def test_an_empty_history_reads_no_activities() -> None:
    with EmptyHistory() as empty:
        assert empty.activities() == []
        assert empty.activities(include_removed=True) == []
        assert empty.ratings() == []
        assert empty.ratings(since=AT) == []


# -- migration 4 -> 5 -------------------------------------------------------------------------


def make_v4_database(folder: Path) -> None:
    """A history as the version before activities wrote it (schema 4): sessions (with a
    level and a "this hurts" stop), check-ins with notes, desk breaks, two sets of safety
    answers (the latest checked) and a setting."""
    folder.mkdir(parents=True, exist_ok=True)
    db = sqlite3.connect(folder / DB_NAME, isolation_level=None)
    db.execute("PRAGMA journal_mode = WAL")
    for step in history.schema._MIGRATIONS[:4]:
        for statement in step:
            db.execute(statement)
    db.execute("PRAGMA user_version = 4")
    insert = (
        "INSERT INTO sessions (routine_id, routine_name, category, started_at, ended_at,"
        " status, active_seconds, steps_done, steps_total, reason, level)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
    )
    db.execute(insert, ("core", "Core", "strengthening", "2026-11-20T18:00:00+01:00",
                        "2026-11-20T18:20:00+01:00", "completed", 1200.0, 8, 8, None, 3))  # fmt: skip
    db.execute(insert, ("ease", "Ease", "gentle", "2026-11-21T07:00:00+01:00",
                        "2026-11-21T07:03:00+01:00", "stopped", 180.5, 2, 6, "pain", None))  # fmt: skip
    checkin = (
        "INSERT INTO checkins (at, pain, spasms, note, new_episode, created_at)"
        " VALUES (?, ?, ?, ?, ?, ?)"
    )
    db.execute(checkin, ("2026-11-19T08:00:00+01:00", 7, "more", "bad <night>", 1,
                         "2026-11-19T08:00:05+01:00"))  # fmt: skip
    db.execute(checkin, ("2026-11-21T09:00:00+01:00", 4, None, None, 0,
                         "2026-11-21T09:00:05+01:00"))  # fmt: skip
    db.execute(
        "INSERT INTO breaks (at, outcome, routine_id, minutes) VALUES (?, ?, ?, ?)",
        ("2026-11-21T11:00:00+01:00", "taken", "desk-break", 3.5),
    )
    db.execute(
        "INSERT INTO red_flag_answers (answered_at, yes, question_set) VALUES (?, ?, 2)",
        ("2026-11-18T08:00:00+01:00", '["weight_loss"]'),
    )
    db.execute(
        "INSERT INTO red_flag_answers (answered_at, yes, checked_at, question_set)"
        " VALUES (?, ?, ?, 2)",
        ("2026-11-19T08:00:00+01:00", '["fever_unwell"]', "2026-11-22T10:00:00+01:00"),
    )
    db.execute("INSERT INTO settings (key, value) VALUES ('first_run_done', '1')")
    db.close()


def snapshot(folder: Path) -> dict[str, list[tuple[object, ...]]]:
    """Every row of the version-4 tables, as stored (the version-6 uid column left out)."""
    with sqlite3.connect(folder / DB_NAME) as db:
        tables = ("sessions", "checkins", "breaks", "red_flag_answers", "settings")
        columns = {
            table: [row[1] for row in db.execute(f"PRAGMA table_info({table})") if row[1] != "uid"]
            for table in tables
        }
        return {
            table: db.execute(
                f"SELECT {', '.join(columns[table])} FROM {table} ORDER BY rowid"
            ).fetchall()
            for table in tables
        }


def test_a_version_4_history_gets_activities_and_loses_nothing(tmp_path: Path) -> None:
    make_v4_database(tmp_path)
    before = snapshot(tmp_path)
    with HistoryStore.open(tmp_path) as store:
        assert store.notices == []
        assert [(s.routine_id, s.level, s.reason) for s in store.sessions()] == [
            ("ease", None, "pain"),
            ("core", 3, None),
        ]
        assert [(c.pain, c.spasms, c.note, c.new_episode) for c in store.checkins()] == [
            (7, "more", "bad <night>", True),
            (4, None, None, False),
        ]
        assert [(b.outcome, b.minutes) for b in store.breaks()] == [("taken", 3.5)]
        flags = store.red_flags()
        assert flags.yes == {"fever_unwell"} and flags.checked and flags.question_set == 2
        assert not flags.current  # answered to the fourteen questions: the nineteen are asked once
        assert store.get_setting("first_run_done") == "1"
        assert store.played_sessions()[-1] == PlayedSession(
            datetime(2026, 11, 21).date(), "gentle", None, completed=False, hurt=True
        )
        assert store.activities() == [] and store.ratings() == []
        # the new tables work at once
        store.add_activity("socks", at=AT)
        checkin = store.add_checkin(at=AT, pain=3, ratings=[("socks", 5)])
        assert [r.checkin_id for r in store.ratings()] == [checkin.id]
    after = snapshot(tmp_path)
    assert after["checkins"][:2] == before["checkins"]
    assert {t: after[t] for t in after if t != "checkins"} == {
        t: before[t] for t in before if t != "checkins"
    }
    with sqlite3.connect(tmp_path / DB_NAME) as db:
        assert db.execute("PRAGMA user_version").fetchone() == (7,) == (history.SCHEMA_VERSION,)
        assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        indexes = {n for (n,) in db.execute("SELECT name FROM sqlite_schema WHERE type = 'index'")}
    assert {"activities_current", "activity_ratings_at", "activity_ratings_once"} <= indexes
    with HistoryStore.open(tmp_path) as store:  # opened again: nothing is migrated twice
        assert [a.name for a in store.activities()] == ["socks"]
        assert len(store.checkins()) == 3


def test_a_version_1_history_goes_all_the_way_to_activities(tmp_path: Path) -> None:
    db = sqlite3.connect(tmp_path / DB_NAME, isolation_level=None)
    for statement in history.schema._MIGRATIONS[0]:
        db.execute(statement)
    db.execute("PRAGMA user_version = 1")
    db.close()
    with HistoryStore.open(tmp_path) as store:
        store.add_activity("socks", at=AT)
        store.add_activity_ratings([("socks", 4)], at=AT)
        assert [r.score for r in store.ratings()] == [4]


def test_two_programs_adding_at_once_never_make_four(tmp_path: Path) -> None:
    HistoryStore.open(tmp_path).close()
    errors: list[Exception] = []

    def add(names: list[str]) -> None:
        with HistoryStore.open(tmp_path) as store:  # a connection of its own, as another program
            for name in names:
                try:
                    store.add_activity(name, at=AT)
                except ActivityError as exc:
                    errors.append(exc)

    threads = [
        threading.Thread(target=add, args=([f"{who}-{n}" for n in range(3)],)) for who in "ab"
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    with HistoryStore.open(tmp_path) as store:
        assert len(store.activities()) == 3
    assert len(errors) == 3 and all("already have 3" in str(e) for e in errors)


def test_a_rename_keeps_the_activity_and_its_past_ratings(store: HistoryStore) -> None:
    socks = store.add_activity("putting on sox", at=AT)
    store.add_activity("sitting", at=AT)
    store.add_checkin(at=AT + timedelta(days=1), pain=5, ratings=[("putting on sox", 3)])
    renamed = store.rename_activity("PUTTING ON SOX", "  putting on socks ")
    assert renamed == Activity(socks.id, "putting on socks", AT)
    assert [a.name for a in store.activities()] == ["putting on socks", "sitting"]
    assert [(r.activity_id, r.activity, r.score) for r in store.ratings()] == [
        (socks.id, "putting on socks", 3)
    ]
    store.add_activity_ratings([("Putting On Socks", 6)], at=AT + timedelta(days=2))
    assert [r.activity_id for r in store.ratings()] == [socks.id, socks.id]
    assert store.rename_activity("putting on socks", "Putting on socks").name == (
        "Putting on socks"  # a change of case alone is taken
    )


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("walking", "socks", "not one of your activities"),
        ("sitting", "Socks", "already one of your activities"),
        ("sitting", "   ", "needs a name"),
        ("sitting", "x" * 61, "at most 60"),
        ("sitting", "two\nlines", "control characters"),
    ],
)
def test_a_rename_refused_changes_nothing(
    store: HistoryStore, old: str, new: str, message: str
) -> None:
    store.add_activity("socks", at=AT)
    store.add_activity("sitting", at=AT)
    with pytest.raises(ActivityError, match=message):
        store.rename_activity(old, new)
    assert [a.name for a in store.activities()] == ["socks", "sitting"]


def test_a_removed_activity_cannot_be_renamed(store: HistoryStore) -> None:
    store.add_activity("socks", at=AT)
    store.remove_activity("socks", at=AT + timedelta(minutes=1))
    with pytest.raises(ActivityError, match="not one of your activities"):
        store.rename_activity("socks", "shoes")
    assert [a.name for a in store.activities(include_removed=True)] == ["socks"]
