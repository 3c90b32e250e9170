"""Desk breaks in the history; the schema 2 -> 3 migration."""

from __future__ import annotations

import sqlite3
import threading
import time
from dataclasses import replace
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest

from backroutine.core import history
from backroutine.core.health import Checkin
from backroutine.core.history import (
    DB_NAME,
    BreakRecord,
    EmptyHistory,
    HistoryError,
    HistoryStore,
    SessionRecord,
)

CET = timezone(timedelta(hours=1))
EST = timezone(timedelta(hours=-5))
AT = datetime(2026, 11, 25, 10, 0, 0, tzinfo=CET)

# Schema version 2 as backroutine 0.2 wrote it; frozen here, whatever history.py becomes.
_TIME = (
    "GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9]"
    "[+-][0-9][0-9]:[0-9][0-9]'"
)
V2_SCHEMA = f"""
CREATE TABLE sessions (
    id INTEGER PRIMARY KEY,
    routine_id TEXT NOT NULL,
    routine_name TEXT NOT NULL,
    category TEXT NOT NULL,
    started_at TEXT NOT NULL,
    ended_at TEXT,
    status TEXT NOT NULL CHECK (status IN ('completed', 'stopped', 'interrupted')),
    active_seconds REAL NOT NULL DEFAULT 0,
    steps_done INTEGER NOT NULL DEFAULT 0,
    steps_total INTEGER NOT NULL,
    reason TEXT
);
CREATE INDEX sessions_started_at ON sessions (julianday(started_at), id);
CREATE TABLE checkins (
    id INTEGER PRIMARY KEY,
    at TEXT NOT NULL CHECK (at {_TIME} AND julianday(at) IS NOT NULL),
    pain INTEGER NOT NULL CHECK (typeof(pain) = 'integer' AND pain BETWEEN 0 AND 10),
    spasms TEXT CHECK (spasms IS NULL OR spasms IN ('fewer', 'same', 'more')),
    note TEXT CHECK (note IS NULL OR typeof(note) = 'text'),
    new_episode INTEGER NOT NULL DEFAULT 0 CHECK (new_episode IN (0, 1)),
    created_at TEXT NOT NULL CHECK (created_at {_TIME})
);
CREATE INDEX checkins_at ON checkins (julianday(at), id);
CREATE TABLE red_flag_answers (
    id INTEGER PRIMARY KEY,
    answered_at TEXT NOT NULL CHECK (answered_at {_TIME} AND julianday(answered_at) IS NOT NULL),
    yes TEXT NOT NULL CHECK (yes GLOB '[[]*]'),
    checked_at TEXT CHECK (checked_at IS NULL OR (checked_at {_TIME} AND julianday(checked_at) IS NOT NULL))
);
CREATE TABLE settings (key TEXT NOT NULL PRIMARY KEY, value TEXT NOT NULL);
PRAGMA user_version = 2;
"""


def make_v2_database(folder: Path) -> tuple[list[SessionRecord], list[Checkin]]:
    """A history written by schema version 2; its sessions (newest first) and check-ins."""
    folder.mkdir(parents=True, exist_ok=True)
    db = sqlite3.connect(folder / DB_NAME, isolation_level=None)
    db.execute("PRAGMA journal_mode = WAL")
    db.executescript(V2_SCHEMA)
    sessions = [
        (1, "desk-break", "Desk break", "gentle", "2026-11-24T08:00:00+01:00",
         "2026-11-24T08:06:00+01:00", "completed", 300.0, 6, 6, None),
        (2, "cat-cow", "Cat and cow", "yoga", "2026-11-25T07:30:00+00:00",
         "2026-11-25T07:31:00+00:00", "stopped", 42.5, 1, 5, "pain"),
    ]  # fmt: skip
    db.executemany(f"INSERT INTO sessions VALUES ({', '.join('?' * 11)})", sessions)
    db.execute(
        "INSERT INTO checkins (at, pain, spasms, note, new_episode, created_at)"
        " VALUES ('2026-11-24T21:00:00+01:00', 5, 'same', 'Long drive.', 1,"
        " '2026-11-24T21:05:00+01:00')"
    )
    db.execute(
        "INSERT INTO red_flag_answers (answered_at, yes) VALUES (?, '[]')", (AT.isoformat(),)
    )
    db.execute("INSERT INTO settings VALUES ('first_run_done', '1')")
    db.close()
    checkin = Checkin(
        at=datetime(2026, 11, 24, 21, 0, tzinfo=CET),
        pain=5,
        spasms="same",
        note="Long drive.",
        new_episode=True,
        id=1,
    )
    return [SessionRecord(*row) for row in sessions][::-1], [checkin]


# -- recording --------------------------------------------------------------------------------


def test_a_break_round_trips_with_its_exact_fields(tmp_path: Path) -> None:
    with HistoryStore.open(tmp_path) as store:
        assert store.breaks() == []
        first = store.add_break(at=AT + timedelta(microseconds=700_000), outcome="taken")
        second = store.add_break(
            at=AT + timedelta(hours=1), outcome="taken", routine_id="desk-break", minutes=6.5
        )
        third = store.add_break(at=AT + timedelta(hours=2), outcome="snoozed", minutes=5)
        listed = store.breaks()
    assert (first, second, third) == (1, 2, 3)
    assert listed == [
        BreakRecord(id=1, at=AT, outcome="taken"),
        BreakRecord(2, AT + timedelta(hours=1), "taken", "desk-break", 6.5),
        BreakRecord(3, AT + timedelta(hours=2), "snoozed", None, 5.0),
    ]
    assert listed[0].at.utcoffset() == timedelta(hours=1)
    assert listed[1].to_dict() == {
        "id": 2,
        "at": "2026-11-25T11:00:00+01:00",
        "outcome": "taken",
        "routine_id": "desk-break",
        "minutes": 6.5,
    }
    with sqlite3.connect(tmp_path / DB_NAME) as db:
        rows = db.execute("SELECT at, outcome, routine_id, minutes, typeof(minutes) FROM breaks")
        assert rows.fetchall() == [
            ("2026-11-25T10:00:00+01:00", "taken", None, None, "null"),
            ("2026-11-25T11:00:00+01:00", "taken", "desk-break", 6.5, "real"),
            ("2026-11-25T12:00:00+01:00", "snoozed", None, 5.0, "real"),
        ]
    with HistoryStore.open(tmp_path) as store:  # and they are still there when reopened
        assert store.breaks() == listed
        assert store.notices == []


def test_breaks_are_ordered_by_the_instant_then_by_id(tmp_path: Path) -> None:
    with HistoryStore.open(tmp_path) as store:
        a = store.add_break(at=datetime(2026, 11, 25, 10, 0, tzinfo=CET), outcome="taken")  # 09:00Z
        b = store.add_break(at=datetime(2026, 11, 25, 9, 30, tzinfo=UTC), outcome="skipped")
        c = store.add_break(
            at=datetime(2026, 11, 25, 3, 59, tzinfo=EST), outcome="snoozed"
        )  # 08:59Z
        d = store.add_break(at=datetime(2026, 11, 25, 4, 30, tzinfo=EST), outcome="taken")  # = b
        e = store.add_break(at=datetime(2026, 11, 24, 17, 0, tzinfo=CET), outcome="taken")
        assert [r.id for r in store.breaks()] == [e, c, a, b, d]
    with sqlite3.connect(tmp_path / DB_NAME) as db:
        plan = db.execute(
            "EXPLAIN QUERY PLAN SELECT id FROM breaks ORDER BY julianday(at), id"
        ).fetchall()
    assert "breaks_at" in str(plan)


def test_breaks_since_a_moment(tmp_path: Path) -> None:
    with HistoryStore.open(tmp_path) as store:
        for hours in range(5):
            store.add_break(at=AT + timedelta(hours=hours), outcome="taken")
        assert [r.id for r in store.breaks(since=AT + timedelta(hours=2))] == [3, 4, 5]
        same_instant = (AT + timedelta(hours=2)).astimezone(EST)  # at or after: inclusive
        assert [r.id for r in store.breaks(since=same_instant)] == [3, 4, 5]
        assert [r.id for r in store.breaks(since=AT + timedelta(hours=2, seconds=1))] == [4, 5]
        assert store.breaks(since=AT + timedelta(days=1)) == []
        assert len(store.breaks(since=AT - timedelta(days=1))) == 5
        with pytest.raises(ValueError, match="since must be a datetime"):
            store.breaks(since="today")  # type: ignore[arg-type]


def test_naive_datetimes_are_local_time(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    if not hasattr(time, "tzset"):
        pytest.skip("time.tzset is POSIX")
    monkeypatch.setenv("TZ", "CET-1CEST,M3.5.0,M10.5.0/3")
    time.tzset()
    try:
        with HistoryStore.open(tmp_path) as store:
            store.add_break(at=datetime(2026, 1, 10, 10, 30, 15, 999_999), outcome="taken")
            store.add_break(at=datetime(2026, 7, 10, 10, 30), outcome="skipped")
            listed = store.breaks()
            since = store.breaks(since=datetime(2026, 7, 10, 10, 30))
    finally:
        monkeypatch.undo()
        time.tzset()
    assert [r.at.isoformat() for r in listed] == [
        "2026-01-10T10:30:15+01:00",
        "2026-07-10T10:30:00+02:00",
    ]
    assert [r.id for r in since] == [2]


@pytest.mark.parametrize(
    ("arguments", "words"),
    [
        ({"outcome": "took"}, "outcome must be one of"),
        ({"outcome": "TAKEN"}, "outcome must be one of"),
        ({"outcome": ""}, "outcome must be one of"),
        ({"outcome": None}, "outcome must be one of"),
        ({"routine_id": ""}, "routine_id must be a routine's id or None"),
        ({"routine_id": 7}, "routine_id"),
        ({"minutes": -1}, "minutes must be a number from 0 to 1440"),
        ({"minutes": 1441}, "minutes"),
        ({"minutes": float("nan")}, "minutes"),
        ({"minutes": float("inf")}, "minutes"),
        ({"minutes": True}, "minutes"),
        ({"minutes": "5"}, "minutes"),
        ({"at": "2026-11-25T10:00:00+01:00"}, "at must be a datetime"),
        ({"at": AT.replace(tzinfo=timezone(timedelta(seconds=30)))}, "whole minutes"),
    ],
)
def test_bad_break_arguments_are_refused(
    tmp_path: Path, arguments: dict[str, object], words: str
) -> None:
    with HistoryStore.open(tmp_path) as store:
        with pytest.raises(ValueError, match=words):
            store.add_break(**{"at": AT, "outcome": "taken", **arguments})  # type: ignore[arg-type]
        assert store.breaks() == []


@pytest.mark.parametrize(
    ("column", "value"),
    [
        ("at", None),
        ("at", "2026-11-25T10:00:00"),  # no offset
        ("at", "2026-11-25 10:00:00+01:00"),
        ("at", "today"),
        ("outcome", None),
        ("outcome", "took"),
        ("outcome", "Taken"),
        ("routine_id", ""),
        ("routine_id", b"desk-break"),  # an integer would become text: TEXT affinity
        ("minutes", -0.5),
        ("minutes", 1440.5),
        ("minutes", "five"),
        ("minutes", b"\x05"),
    ],
)
def test_the_breaks_table_checks_raw_inserts(tmp_path: Path, column: str, value: object) -> None:
    HistoryStore.open(tmp_path).close()
    good: dict[str, object] = {
        "at": "2026-11-25T10:00:00+01:00",
        "outcome": "taken",
        "routine_id": "desk-break",
        "minutes": 6,
    }
    insert = "INSERT INTO breaks (at, outcome, routine_id, minutes) VALUES (?, ?, ?, ?)"
    db = sqlite3.connect(tmp_path / DB_NAME)
    try:
        db.execute(insert, tuple(good.values()))  # the good row goes in
        with pytest.raises(sqlite3.IntegrityError):
            db.execute(insert, tuple({**good, column: value}.values()))
        db.commit()
    finally:
        db.close()
    with HistoryStore.open(tmp_path) as store:
        assert store.breaks() == [BreakRecord(1, AT, "taken", "desk-break", 6.0)]


def test_an_unreadable_stored_time_is_a_history_error(tmp_path: Path) -> None:
    HistoryStore.open(tmp_path).close()
    with sqlite3.connect(tmp_path / DB_NAME) as db:  # passes the CHECK but is no real date
        db.execute("INSERT INTO breaks (at, outcome) VALUES ('2026-02-30T10:00:00+01:00', 'taken')")
    with HistoryStore.open(tmp_path) as store, pytest.raises(HistoryError, match="cannot be read"):
        store.breaks()


def test_break_writes_fail_as_history_errors(tmp_path: Path) -> None:
    with HistoryStore.open(tmp_path) as store:
        store.add_break(at=AT, outcome="skipped")
        store._connection.execute("PRAGMA query_only = ON")  # SQLite now refuses every write
        with pytest.raises(HistoryError, match=r"read-only.*--data-dir"):
            store.add_break(at=AT, outcome="taken")
        assert [r.outcome for r in store.breaks()] == ["skipped"]  # reading still works
    with pytest.raises(HistoryError, match="closed"):
        store.add_break(at=AT, outcome="taken")
    with pytest.raises(HistoryError, match="closed"):
        store.breaks()


def test_a_break_waits_for_a_lock_held_elsewhere(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(history.sqlite, "BUSY_TIMEOUT_MS", 20)  # the backoff loop carries the write
    with HistoryStore.open(tmp_path) as store:
        held, release = threading.Event(), threading.Event()

        def hold() -> None:
            other = sqlite3.connect(store.path, isolation_level=None, check_same_thread=False)
            other.execute("BEGIN EXCLUSIVE")
            other.execute(
                "INSERT INTO breaks (at, outcome) VALUES (?, 'snoozed')", (AT.isoformat(),)
            )
            held.set()
            release.wait(5)
            other.execute("COMMIT")
            other.close()

        holder = threading.Thread(target=hold)
        holder.start()
        assert held.wait(5)
        threading.Timer(0.2, release.set).start()
        began = time.monotonic()
        store.add_break(at=AT + timedelta(minutes=1), outcome="taken")
        assert time.monotonic() - began >= 0.1
        holder.join()
        assert [r.outcome for r in store.breaks()] == ["snoozed", "taken"]


def test_an_empty_history_has_no_breaks() -> None:
    with EmptyHistory() as empty:
        assert empty.breaks() == []
        assert empty.breaks(since=AT) == []


# -- migration --------------------------------------------------------------------------------


def test_a_version_2_history_is_migrated_and_keeps_everything(tmp_path: Path) -> None:
    sessions, checkins = make_v2_database(tmp_path)
    with HistoryStore.open(tmp_path) as store:
        assert store.notices == []
        assert store.sessions() == sessions
        # The same check-ins, now with the uid their migration made (what a correction names).
        assert [replace(c, uid=None) for c in store.checkins()] == checkins
        assert all(str(c.uid).startswith(f"checkins/{c.id}/") for c in store.checkins())
        assert store.red_flags().answered_at == AT
        assert store.get_setting("first_run_done") == "1"
        assert store.breaks() == []
        assert store.add_break(at=AT, outcome="taken", routine_id="desk-break") == 1
    with sqlite3.connect(tmp_path / DB_NAME) as db:
        assert db.execute("PRAGMA user_version").fetchone() == (history.SCHEMA_VERSION,)
        indexes = {
            name for (name,) in db.execute("SELECT name FROM sqlite_schema WHERE type = 'index'")
        }
        assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    assert {"sessions_started_at", "checkins_at", "breaks_at"} <= indexes
    with HistoryStore.open(tmp_path) as store:  # opened again: nothing is migrated twice
        assert store.sessions() == sessions
        # The same check-ins, now with the uid their migration made (what a correction names).
        assert [replace(c, uid=None) for c in store.checkins()] == checkins
        assert all(str(c.uid).startswith(f"checkins/{c.id}/") for c in store.checkins())
        assert store.breaks() == [BreakRecord(1, AT, "taken", "desk-break")]


def test_a_version_1_history_goes_straight_to_the_latest_version(tmp_path: Path) -> None:
    db = sqlite3.connect(tmp_path / DB_NAME, isolation_level=None)
    db.executescript(V2_SCHEMA.split("CREATE TABLE checkins")[0] + "PRAGMA user_version = 1;")
    db.execute(
        "INSERT INTO sessions (routine_id, routine_name, category, started_at, status,"
        " steps_total) VALUES ('bridge', 'Bridge', 'strength', ?, 'completed', 3)",
        (AT.isoformat(),),
    )
    db.close()
    with HistoryStore.open(tmp_path) as store:
        assert [r.routine_id for r in store.sessions()] == ["bridge"]
        store.add_checkin(at=AT, pain=2)
        store.add_break(at=AT, outcome="skipped")
        assert [r.outcome for r in store.breaks()] == ["skipped"]
    with sqlite3.connect(tmp_path / DB_NAME) as db:
        assert db.execute("PRAGMA user_version").fetchone() == (history.SCHEMA_VERSION,)


def test_a_new_history_is_created_at_the_latest_version_with_breaks(tmp_path: Path) -> None:
    HistoryStore.open(tmp_path).close()
    with sqlite3.connect(tmp_path / DB_NAME) as db:
        assert db.execute("PRAGMA user_version").fetchone() == (history.SCHEMA_VERSION,)
        columns = [row[1] for row in db.execute("PRAGMA table_info(breaks)")]
    assert columns == ["id", "at", "outcome", "routine_id", "minutes", "uid"]
