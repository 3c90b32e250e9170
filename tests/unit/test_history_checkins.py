"""Check-ins, red-flag answers and settings in the history; the schema 1 -> 2 and 3 -> 4
migrations."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import textwrap
import threading
import time
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path

import pytest

import backroutine
from backroutine.core import history
from backroutine.core.health import RED_FLAG_KEYS, Checkin, PlayedSession, RedFlagAnswers
from backroutine.core.history import DB_NAME, HistoryError, HistoryStore, SessionRecord

SRC = Path(backroutine.__file__).resolve().parents[1]
CET = timezone(timedelta(hours=1))
EST = timezone(timedelta(hours=-5))
AT = datetime(2026, 11, 25, 8, 0, 0, tzinfo=CET)

# Schema version 1 as backroutine 0.1 wrote it; frozen here, whatever history.py becomes.
V1_SCHEMA = """
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
PRAGMA user_version = 1;
"""


def make_v1_database(folder: Path) -> list[SessionRecord]:
    """A history written by schema version 1, with two sessions; those sessions."""
    folder.mkdir(parents=True, exist_ok=True)
    db = sqlite3.connect(folder / DB_NAME, isolation_level=None)
    db.execute("PRAGMA journal_mode = WAL")
    db.executescript(V1_SCHEMA)
    rows = [
        (1, "desk-break", "Desk break", "gentle", "2026-11-24T08:00:00+01:00",
         "2026-11-24T08:06:00+01:00", "completed", 300.0, 6, 6, None),
        (2, "cat-cow", "Cat and cow", "yoga", "2026-11-25T07:30:00+00:00",
         "2026-11-25T07:31:00+00:00", "stopped", 42.5, 1, 5, "pain"),
    ]  # fmt: skip
    db.executemany(f"INSERT INTO sessions VALUES ({', '.join('?' * 11)})", rows)
    db.close()
    return [SessionRecord(*row) for row in rows]


def child(code: str, *args: str) -> subprocess.Popen[str]:
    """Another Python process running `code` against the checkout's backroutine."""
    env = {**os.environ, "PYTHONPATH": str(SRC)}
    return subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(code), *args],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def run_together(tmp_path: Path, writers: list[tuple[str, tuple[str, ...]]]) -> None:
    """Start the writers, wait until each is ready, let them go at once, wait for them all.
    Each gets `go` and `ready` paths as argv[1] and argv[2] and must wait_for_go() first."""
    go = tmp_path / "go"
    prelude = """
        import sys, time
        from pathlib import Path

        def wait_for_go():
            Path(sys.argv[2]).touch()
            while not Path(sys.argv[1]).exists():
                time.sleep(0.002)
        """
    ready = [tmp_path / f"ready-{n}" for n in range(len(writers))]
    processes = [
        child(textwrap.dedent(prelude) + textwrap.dedent(code), str(go), str(ready[n]), *args)
        for n, (code, args) in enumerate(writers)
    ]
    try:
        deadline = time.monotonic() + 30
        while not all(path.exists() for path in ready):
            for process in processes:
                assert process.poll() is None, process.communicate()[1]
            assert time.monotonic() < deadline, "the writers did not start"
            time.sleep(0.005)
        go.touch()
        for process in processes:
            _, err = process.communicate(timeout=60)
            assert process.returncode == 0, err
    finally:
        for process in processes:
            if process.poll() is None:
                process.kill()
                process.communicate()


@pytest.fixture
def local_zone() -> Iterator[None]:
    """Local time is Central European (UTC+1, UTC+2 in summer) for the test."""
    if not hasattr(time, "tzset"):
        pytest.skip("time.tzset is POSIX")
    saved = os.environ.get("TZ")
    os.environ["TZ"] = "CET-1CEST,M3.5.0,M10.5.0/3"
    time.tzset()
    try:
        yield
    finally:
        if saved is None:
            del os.environ["TZ"]
        else:
            os.environ["TZ"] = saved
        time.tzset()


# -- check-ins --------------------------------------------------------------------------------


def test_a_checkin_round_trips_with_its_exact_fields(tmp_path: Path) -> None:
    with HistoryStore.open(tmp_path) as store:
        stored = store.add_checkin(
            at=AT + timedelta(microseconds=900_000),
            pain=6,
            spasms="more",
            note="  Stiff after the drive.\n",
            new_episode=True,
        )
        plain = store.add_checkin(at=AT + timedelta(hours=1), pain=0)
        listed = store.checkins()
    assert stored.uid is not None and len(stored.uid) == 32  # what a correction names
    assert stored == Checkin(
        at=AT,
        pain=6,
        spasms="more",
        note="Stiff after the drive.",
        new_episode=True,
        id=1,
        uid=stored.uid,
    )
    assert stored.at.utcoffset() == timedelta(hours=1)
    assert plain == Checkin(at=AT + timedelta(hours=1), pain=0, id=2, uid=plain.uid)
    assert listed == [stored, plain]
    assert [c.at.isoformat() for c in listed] == [
        "2026-11-25T08:00:00+01:00",
        "2026-11-25T09:00:00+01:00",
    ]
    assert [type(c.new_episode) for c in listed] == [bool, bool]
    with sqlite3.connect(tmp_path / DB_NAME) as db:
        row = db.execute(
            "SELECT at, pain, spasms, note, new_episode, created_at FROM checkins WHERE id = 1"
        ).fetchone()
    assert row[:5] == ("2026-11-25T08:00:00+01:00", 6, "more", "Stiff after the drive.", 1)
    written = datetime.fromisoformat(row[5])
    assert written.utcoffset() is not None
    assert abs(datetime.now(UTC) - written) < timedelta(minutes=1)


def test_checkins_survive_reopening(tmp_path: Path) -> None:
    with HistoryStore.open(tmp_path) as store:
        stored = store.add_checkin(at=AT, pain=3, spasms="fewer")
    with HistoryStore.open(tmp_path) as store:
        assert store.checkins() == [stored]
        assert store.notices == []


def test_checkins_are_ordered_by_the_instant_then_by_id(tmp_path: Path) -> None:
    with HistoryStore.open(tmp_path) as store:
        assert store.checkins() == []
        a = store.add_checkin(at=datetime(2026, 11, 25, 8, 0, tzinfo=CET), pain=5)  # 07:00 UTC
        b = store.add_checkin(at=datetime(2026, 11, 25, 7, 30, tzinfo=UTC), pain=4)  # 07:30 UTC
        c = store.add_checkin(at=datetime(2026, 11, 24, 21, 0, tzinfo=CET), pain=7)  # backfilled
        d = store.add_checkin(at=datetime(2026, 11, 25, 2, 30, tzinfo=EST), pain=4)  # same as b
        e = store.add_checkin(at=datetime(2026, 11, 25, 1, 59, tzinfo=EST), pain=6)  # 06:59 UTC
        assert [x.id for x in store.checkins()] == [c.id, e.id, a.id, b.id, d.id]
    with sqlite3.connect(tmp_path / DB_NAME) as db:
        plan = db.execute(
            "EXPLAIN QUERY PLAN SELECT id FROM checkins ORDER BY julianday(at), id"
        ).fetchall()
    assert "checkins_at" in str(plan)


def test_a_naive_datetime_is_local_time(tmp_path: Path, local_zone: None) -> None:
    winter, summer = datetime(2026, 1, 10, 7, 30, 15, 999_999), datetime(2026, 7, 10, 7, 30)
    with HistoryStore.open(tmp_path) as store:
        first = store.add_checkin(at=winter, pain=2)
        second = store.add_checkin(at=summer, pain=1)
        listed = store.checkins()
    assert [c.at.isoformat() for c in listed] == [
        "2026-01-10T07:30:15+01:00",
        "2026-07-10T07:30:00+02:00",
    ]
    assert listed == [first, second]
    assert first.at == datetime(2026, 1, 10, 6, 30, 15, tzinfo=UTC)


@pytest.mark.parametrize(
    ("arguments", "words"),
    [
        ({"pain": 11}, "pain must be a whole number from 0 to 10"),
        ({"pain": -1}, "pain"),
        ({"pain": True}, "pain"),
        ({"pain": 5.0}, "pain"),
        ({"pain": "5"}, "pain"),
        ({"pain": 3, "spasms": "worse"}, "spasms must be one of"),
        ({"pain": 3, "spasms": ""}, "spasms"),
        ({"pain": 3, "note": "x" * 501}, "at most 500 characters"),
        ({"pain": 3, "note": 42}, "note must be a string"),
        ({"pain": 3, "new_episode": 1}, "new_episode must be True or False"),
        ({"pain": 3, "at": "2026-11-25T08:00:00+01:00"}, "at must be a datetime"),
        ({"pain": 3, "at": AT.replace(tzinfo=timezone(timedelta(seconds=30)))}, "whole minutes"),
    ],
)
def test_bad_checkin_arguments_are_refused(
    tmp_path: Path, arguments: dict[str, object], words: str
) -> None:
    with HistoryStore.open(tmp_path) as store:
        with pytest.raises(ValueError, match=words):
            store.add_checkin(**{"at": AT, **arguments})  # type: ignore[arg-type]
        assert store.checkins() == []


def test_notes_are_stripped_and_limited(tmp_path: Path) -> None:
    with HistoryStore.open(tmp_path) as store:
        longest = store.add_checkin(at=AT, pain=3, note=" " + "é" * 500 + "\n\n")
        blank = store.add_checkin(at=AT, pain=3, note=" \t\n")
        assert [c.note for c in store.checkins()] == ["é" * 500, None]
    assert (longest.note, blank.note) == ("é" * 500, None)


@pytest.mark.parametrize(
    ("column", "value"),
    [
        ("pain", 11),
        ("pain", -1),
        ("pain", 5.5),
        ("pain", "a lot"),
        ("pain", None),
        ("spasms", "worse"),
        ("spasms", ""),
        ("new_episode", 2),
        ("new_episode", None),
        ("at", "2026-11-25T08:00:00"),  # no offset
        ("at", "2026-11-25 08:00:00+01:00"),
        ("at", "2026-11-25T08:00:00.5+01:00"),
        ("at", "yesterday"),
        ("at", None),
        ("created_at", "now"),
        ("note", b"\x00binary"),
    ],
)
def test_the_checkins_table_checks_raw_inserts(tmp_path: Path, column: str, value: object) -> None:
    HistoryStore.open(tmp_path).close()
    good: dict[str, object] = {
        "at": "2026-11-25T08:00:00+01:00",
        "pain": 4,
        "spasms": "same",
        "note": None,
        "new_episode": 0,
        "created_at": "2026-11-25T09:00:00+01:00",
    }
    insert = "INSERT INTO checkins (at, pain, spasms, note, new_episode, created_at) VALUES (?, ?, ?, ?, ?, ?)"
    db = sqlite3.connect(tmp_path / DB_NAME)
    try:
        db.execute(insert, tuple(good.values()))  # the good row goes in
        with pytest.raises(sqlite3.IntegrityError):
            db.execute(insert, tuple({**good, column: value}.values()))
        db.commit()
    finally:
        db.close()
    with HistoryStore.open(tmp_path) as store:
        assert len(store.checkins()) == 1


@pytest.mark.parametrize(
    ("sql", "parameters"),
    [
        ("INSERT INTO red_flag_answers (answered_at, yes) VALUES (?, ?)", ("2026-11-25T08:00:00+01:00", "fall_injury")),
        ("INSERT INTO red_flag_answers (answered_at, yes) VALUES (?, ?)", ("2026-11-25T08:00:00", "[]")),
        ("INSERT INTO red_flag_answers (answered_at, yes) VALUES (?, ?)", ("2026-11-25T08:00:00+01:00", None)),
        ("INSERT INTO red_flag_answers (answered_at, yes, checked_at) VALUES (?, ?, ?)", ("2026-11-25T08:00:00+01:00", "[]", "later")),
        ("INSERT INTO settings (key, value) VALUES (?, ?)", (None, "x")),
        ("INSERT INTO settings (key, value) VALUES (?, ?)", ("first_run_done", None)),
    ],
)  # fmt: skip
def test_the_other_new_tables_check_raw_inserts(
    tmp_path: Path, sql: str, parameters: tuple[object, ...]
) -> None:
    HistoryStore.open(tmp_path).close()
    with sqlite3.connect(tmp_path / DB_NAME) as db, pytest.raises(sqlite3.IntegrityError):
        db.execute(sql, parameters)


# -- red flags --------------------------------------------------------------------------------


def test_red_flags_never_asked(tmp_path: Path) -> None:
    with HistoryStore.open(tmp_path) as store:
        answers = store.red_flags()
    assert answers == RedFlagAnswers()
    assert not answers.asked


def test_red_flags_saved_then_read(tmp_path: Path) -> None:
    with HistoryStore.open(tmp_path) as store:
        saved = store.save_red_flags(
            iter(["constant_pain", "bladder_bowel", "constant_pain"]),
            at=AT + timedelta(seconds=0.7),
        )
        assert saved == RedFlagAnswers(
            answered_at=AT, yes=frozenset({"constant_pain", "bladder_bowel"}), checked_at=None
        )
        assert saved.asked and saved.current and saved.urgency == "emergency"
        assert store.red_flags() == saved
    with HistoryStore.open(tmp_path) as store:
        assert store.red_flags() == saved
        assert store.red_flags().answered_at.isoformat() == "2026-11-25T08:00:00+01:00"  # type: ignore[union-attr]
    with sqlite3.connect(tmp_path / DB_NAME) as db:
        (yes,) = db.execute("SELECT yes FROM red_flag_answers").fetchone()
    assert json.loads(yes) == ["bladder_bowel", "constant_pain"]  # in RED_FLAG_KEYS order


def test_no_red_flags_is_an_answer_too(tmp_path: Path) -> None:
    with HistoryStore.open(tmp_path) as store:
        saved = store.save_red_flags([], at=AT)
        assert store.red_flags() == saved
    assert saved.asked and saved.yes == frozenset() and saved.open_flags == ()


def test_marking_red_flags_checked(tmp_path: Path) -> None:
    with HistoryStore.open(tmp_path) as store:
        store.save_red_flags(["fracture_risk"], at=AT)
        checked = store.mark_red_flags_checked(at=AT + timedelta(days=1, microseconds=5))
        assert checked == RedFlagAnswers(
            answered_at=AT, yes=frozenset({"fracture_risk"}), checked_at=AT + timedelta(days=1)
        )
        assert checked.open_flags == ()
        assert store.red_flags() == checked


def test_a_later_answer_reopens_and_the_history_is_kept(tmp_path: Path) -> None:
    with HistoryStore.open(tmp_path) as store:
        store.save_red_flags(["fracture_risk"], at=AT)
        store.mark_red_flags_checked(at=AT + timedelta(days=1))
        reopened = store.save_red_flags(["leg_weakness"], at=AT + timedelta(days=3))
        assert reopened.checked_at is None
        assert [flag.key for flag in reopened.open_flags] == ["leg_weakness"]
        assert reopened.urgency == "emergency"
        assert store.red_flags() == reopened
    with sqlite3.connect(tmp_path / DB_NAME) as db:
        rows = db.execute("SELECT answered_at, yes, checked_at FROM red_flag_answers ORDER BY id")
        assert rows.fetchall() == [
            ("2026-11-25T08:00:00+01:00", '["fracture_risk"]', "2026-11-26T08:00:00+01:00"),
            ("2026-11-28T08:00:00+01:00", '["leg_weakness"]', None),
        ]


def test_marking_checked_needs_answers(tmp_path: Path) -> None:
    with HistoryStore.open(tmp_path) as store:
        with pytest.raises(ValueError, match="no red-flag answers"):
            store.mark_red_flags_checked(at=AT)
        assert store.red_flags() == RedFlagAnswers()


@pytest.mark.parametrize(
    ("yes", "words"),
    [
        (["fracture_risk", "headache"], "unknown red-flag keys.*headache"),
        (["fall_injury"], "unknown red-flag keys"),  # retired: only read from old answers
        ([None], "unknown red-flag keys"),
        ("fracture_risk", "collection of red-flag keys"),
    ],
)
def test_bad_red_flag_answers_are_refused(tmp_path: Path, yes: object, words: str) -> None:
    with HistoryStore.open(tmp_path) as store:
        with pytest.raises(ValueError, match=words):
            store.save_red_flags(yes, at=AT)  # type: ignore[arg-type]
        with pytest.raises(ValueError, match="at must be a datetime"):
            store.save_red_flags([], at=None)  # type: ignore[arg-type]
        assert store.red_flags() == RedFlagAnswers()


def test_every_red_flag_key_can_be_saved(tmp_path: Path) -> None:
    with HistoryStore.open(tmp_path) as store:
        saved = store.save_red_flags(RED_FLAG_KEYS, at=AT)
        assert store.red_flags().yes == frozenset(RED_FLAG_KEYS) == saved.yes


# -- settings ---------------------------------------------------------------------------------


def test_settings_round_trip(tmp_path: Path) -> None:
    with HistoryStore.open(tmp_path) as store:
        assert store.get_setting("first_run_done") is None
        store.set_setting("first_run_done", "1")
        store.set_setting("sound", "bell")
        store.set_setting("sound", "off")
        assert store.get_setting("first_run_done") == "1"
        assert store.get_setting("sound") == "off"
    with HistoryStore.open(tmp_path) as store:
        assert (store.get_setting("first_run_done"), store.get_setting("sound")) == ("1", "off")
        with pytest.raises(ValueError, match="key"):
            store.set_setting("", "x")
        with pytest.raises(ValueError, match="key"):
            store.get_setting(None)  # type: ignore[arg-type]
        with pytest.raises(ValueError, match="value must be a string"):
            store.set_setting("sound", None)  # type: ignore[arg-type]


# -- errors -----------------------------------------------------------------------------------


def test_new_writes_fail_as_history_errors(tmp_path: Path) -> None:
    with HistoryStore.open(tmp_path) as store:
        store.save_red_flags(["fracture_risk"], at=AT)
        store._connection.execute("PRAGMA query_only = ON")  # SQLite now refuses every write
        with pytest.raises(HistoryError, match=r"read-only.*--data-dir"):
            store.add_checkin(at=AT, pain=3)
        with pytest.raises(HistoryError, match="read-only"):
            store.save_red_flags([], at=AT)
        with pytest.raises(HistoryError, match="read-only"):
            store.mark_red_flags_checked(at=AT)
        with pytest.raises(HistoryError, match="read-only"):
            store.set_setting("first_run_done", "1")
        assert store.checkins() == []  # reading still works
        assert store.red_flags().checked_at is None
    with pytest.raises(HistoryError, match="closed"):
        store.add_checkin(at=AT, pain=3)
    with pytest.raises(HistoryError, match="closed"):
        store.red_flags()


def test_a_checkin_waits_for_a_lock_held_elsewhere(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(history.sqlite, "BUSY_TIMEOUT_MS", 20)  # the backoff loop carries the write
    with HistoryStore.open(tmp_path) as store:
        held, release = threading.Event(), threading.Event()

        def hold() -> None:
            other = sqlite3.connect(store.path, isolation_level=None, check_same_thread=False)
            other.execute("BEGIN EXCLUSIVE")
            other.execute("INSERT INTO settings VALUES ('holder', 'yes')")
            held.set()
            release.wait(5)
            other.execute("COMMIT")
            other.close()

        holder = threading.Thread(target=hold)
        holder.start()
        assert held.wait(5)
        threading.Timer(0.3, release.set).start()
        began = time.monotonic()
        store.add_checkin(at=AT, pain=4)
        assert time.monotonic() - began >= 0.2
        holder.join()
        assert len(store.checkins()) == 1
        assert store.get_setting("holder") == "yes"


def test_unreadable_stored_values_are_history_errors(tmp_path: Path) -> None:
    HistoryStore.open(tmp_path).close()
    with sqlite3.connect(tmp_path / DB_NAME) as db:
        db.execute(
            "INSERT INTO red_flag_answers (answered_at, yes) VALUES (?, ?)",
            ("2026-11-25T08:00:00+01:00", "[not json]"),
        )
        db.execute(  # passes the CHECK (SQLite reads it) but is no real date
            "INSERT INTO checkins (at, pain, new_episode, created_at) VALUES (?, 1, 0, ?)",
            ("2026-02-30T08:00:00+01:00", "2026-02-01T08:00:00+01:00"),
        )
    with HistoryStore.open(tmp_path) as store:
        with pytest.raises(HistoryError, match="red-flag answers that cannot be read"):
            store.red_flags()
        with pytest.raises(HistoryError, match="time that cannot be read"):
            store.checkins()


# -- migration --------------------------------------------------------------------------------


def test_a_version_1_history_is_migrated_and_keeps_its_sessions(tmp_path: Path) -> None:
    old = make_v1_database(tmp_path)
    with HistoryStore.open(tmp_path) as store:
        assert store.notices == []
        assert store.sessions() == old[::-1]  # newest first
        new = store.start_session(
            routine_id="bridge",
            routine_name="Bridge",
            category="strength",
            steps_total=3,
            started_at=AT + timedelta(days=1),
        )
        assert new == 3
        store.add_checkin(at=AT, pain=2)
        store.save_red_flags([], at=AT)
        store.set_setting("first_run_done", "1")
    with sqlite3.connect(tmp_path / DB_NAME) as db:
        assert db.execute("PRAGMA user_version").fetchone() == (history.SCHEMA_VERSION,)
        names = {
            name for (name,) in db.execute("SELECT name FROM sqlite_schema WHERE type = 'table'")
        }
        indexes = {
            name for (name,) in db.execute("SELECT name FROM sqlite_schema WHERE type = 'index'")
        }
        assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    assert {"sessions", "checkins", "red_flag_answers", "settings"} <= names
    assert {"sessions_started_at", "checkins_at"} <= indexes
    with HistoryStore.open(tmp_path) as store:  # opened again: nothing is migrated twice
        assert [r.id for r in store.sessions()] == [3, 2, 1]
        assert len(store.checkins()) == 1
        assert store.get_setting("first_run_done") == "1"


def make_v3_database(folder: Path) -> None:
    """A history as the version before levels wrote it (schema 3), with a completed
    strengthening session, a "this hurts" stop and answers to the first eight questions."""
    db = sqlite3.connect(folder / DB_NAME, isolation_level=None)
    for step in history.schema._MIGRATIONS[:3]:
        for statement in step:
            db.execute(statement)
    db.execute("PRAGMA user_version = 3")
    insert = (
        "INSERT INTO sessions (routine_id, routine_name, category, started_at, ended_at,"
        " status, active_seconds, steps_done, steps_total, reason) VALUES (?, ?, ?, ?, ?, ?,"
        " 60, 3, 3, ?)"
    )
    db.execute(insert, ("core", "Core", "strengthening", "2026-11-20T18:00:00+01:00",
                        "2026-11-20T18:20:00+01:00", "completed", None))  # fmt: skip
    db.execute(insert, ("ease", "Ease", "gentle", "2026-11-21T23:55:00+01:00",
                        "2026-11-22T00:05:00+01:00", "stopped", "pain"))  # fmt: skip
    db.execute(
        "INSERT INTO red_flag_answers (answered_at, yes) VALUES (?, ?)",
        ("2026-11-19T08:00:00+01:00", '["bladder_bowel", "fall_injury", "night_pain"]'),
    )
    db.close()


def test_a_version_3_history_gets_levels_and_keeps_its_old_answers(tmp_path: Path) -> None:
    make_v3_database(tmp_path)
    with HistoryStore.open(tmp_path) as store:
        assert [s.level for s in store.sessions()] == [None, None]
        # Older sessions have no level (the rules count them as level 2); the day a session
        # counts on is the day it ended.
        assert store.played_sessions() == [
            PlayedSession(date(2026, 11, 20), "strengthening", None, completed=True, hurt=False),
            PlayedSession(date(2026, 11, 22), "gentle", None, completed=False, hurt=True),
        ]
        flags = store.red_flags()
        # The retired questions read as their closest current ones, and are asked again.
        assert flags.yes == {"bladder_bowel", "fracture_risk", "constant_pain"}
        assert flags.question_set == 1 and flags.asked and not flags.current
        assert flags.urgency == "emergency"
        new = store.start_session(
            routine_id="plus",
            routine_name="Plus",
            category="strengthening",
            steps_total=3,
            started_at=AT,
            level=4,
        )
        store.finish_session(new, status="completed", steps_done=3, active_seconds=9, at=AT)
        assert store.played_sessions()[-1] == PlayedSession(
            AT.date(), "strengthening", 4, completed=True, hurt=False
        )
        assert store.save_red_flags([], at=AT).current
        assert store.red_flags().current
    with sqlite3.connect(tmp_path / DB_NAME) as db:
        assert db.execute("PRAGMA user_version").fetchone() == (history.SCHEMA_VERSION,)
        with pytest.raises(sqlite3.IntegrityError):
            db.execute("UPDATE sessions SET level = 6 WHERE id = 1")


@pytest.mark.parametrize("level", [0, 6, 2.5, True, "3"])
def test_a_session_level_is_1_to_5(tmp_path: Path, level: object) -> None:
    with HistoryStore.open(tmp_path) as store, pytest.raises(ValueError, match="level"):
        store.start_session(
            routine_id="x",
            routine_name="X",
            category="strengthening",
            steps_total=1,
            started_at=AT,
            level=level,  # type: ignore[arg-type]
        )


def test_a_new_history_is_created_at_the_latest_version(tmp_path: Path) -> None:
    HistoryStore.open(tmp_path).close()
    with sqlite3.connect(tmp_path / DB_NAME) as db:
        assert db.execute("PRAGMA user_version").fetchone() == (history.SCHEMA_VERSION,)


# -- other processes --------------------------------------------------------------------------


def test_three_processes_adding_checkins_at_once_lose_none(tmp_path: Path) -> None:
    data = tmp_path / "data"
    code = """
        from datetime import datetime, timedelta, timezone
        from backroutine.core.history import HistoryStore

        data, who = Path(sys.argv[3]), int(sys.argv[4])
        wait_for_go()  # all start together, on a database nobody has created
        at = datetime(2026, 11, 25, 8, 0, tzinfo=timezone.utc)
        with HistoryStore.open(data) as store:
            for n in range(50):
                store.add_checkin(at=at + timedelta(minutes=n, seconds=who), pain=who, note=f"w{who}-{n}")
        """
    run_together(tmp_path, [(code, (str(data), str(who))) for who in range(3)])
    with HistoryStore.open(data) as store:
        checkins = store.checkins()
    assert len(checkins) == 150
    assert len({c.id for c in checkins}) == 150
    assert {c.note for c in checkins} == {f"w{w}-{n}" for w in range(3) for n in range(50)}
    assert all(c.pain == int(c.note[1]) for c in checkins if c.note)
    assert [c.at for c in checkins] == sorted(c.at for c in checkins)


def test_a_checkin_and_a_session_at_once_are_both_kept(tmp_path: Path) -> None:
    data = tmp_path / "data"
    make_v1_database(data)  # both processes find it at version 1 and race to migrate it
    session_writer = """
        from datetime import datetime, timezone
        from backroutine.core.history import HistoryStore

        wait_for_go()
        at = datetime(2026, 11, 26, 8, 0, tzinfo=timezone.utc)
        with HistoryStore.open(Path(sys.argv[3])) as store:
            for n in range(20):
                session = store.start_session(
                    routine_id=f"s{n}", routine_name="R", category="yoga",
                    steps_total=2, started_at=at,
                )
                store.finish_session(session, status="completed", steps_done=2, active_seconds=n, at=at)
        """
    checkin_writer = """
        from datetime import datetime, timezone
        from backroutine.core.history import HistoryStore

        wait_for_go()
        at = datetime(2026, 11, 26, 8, 0, tzinfo=timezone.utc)
        with HistoryStore.open(Path(sys.argv[3])) as store:
            for n in range(20):
                store.add_checkin(at=at, pain=n % 11, note=f"c{n}")
            store.save_red_flags(["constant_pain"], at=at)
        """
    run_together(tmp_path, [(session_writer, (str(data),)), (checkin_writer, (str(data),))])
    with HistoryStore.open(data) as store:
        sessions = store.sessions()
        checkins = store.checkins()
        assert store.red_flags().yes == frozenset({"constant_pain"})
    assert {r.routine_id for r in sessions} == {"desk-break", "cat-cow"} | {
        f"s{n}" for n in range(20)
    }
    assert {r.status for r in sessions if r.routine_id.startswith("s")} == {"completed"}
    assert [c.note for c in checkins] == [f"c{n}" for n in range(20)]  # same instant: by id
