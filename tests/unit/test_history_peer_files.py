"""Another computer's file is read, never trusted (issue 20): its schema is checked before
anything in it runs, its rows one by one, its copies of this computer's records never replace
them, and reading it never holds up a write here. The files are made by the app on a second
computer and then altered with SQL, as a hostile or broken peer would."""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from backroutine.core.device import Device
from backroutine.core.history import HistoryStore, merge, peer_schema
from backroutine.core.history.peer_rows import HELD, check_rows
from backroutine.core.history.schema import _MIGRATIONS, SCHEMA_VERSION

A = Device("a" * 32, "work desk")  # this computer
B = Device("b" * 32, "home")
C = Device("c" * 32, "laptop")
NOW = datetime.now(UTC).replace(microsecond=0)
# A recursive query that never ends: as a view, or in a trigger.
ENDLESS = "WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r) SELECT max(n) FROM r"


def peer_file(data: Path, device: Device = B) -> Path:
    return data / "history" / f"{device.id}.sqlite3"


def alter(path: Path, *statements: str) -> None:
    """Change a device file as a hostile editor would: the table CHECKs off."""
    with sqlite3.connect(path) as db:
        db.execute("PRAGMA ignore_check_constraints = ON")
        for statement in statements:
            db.execute(statement)
    db.close()


@pytest.fixture
def shared(tmp_path: Path) -> Iterator[Path]:
    """A folder with this computer's check-in (pain 7) and the peer's (pain 5, the day before)."""
    data = tmp_path / "data"
    with HistoryStore.open(data, device=B) as b:
        b.add_checkin(at=NOW - timedelta(days=1), pain=5, note="peer")
        b.save_red_flags([], at=NOW - timedelta(days=1))
        session = b.start_session(
            routine_id="core", routine_name="Core", category="strengthening",
            steps_total=4, started_at=NOW - timedelta(days=1),
        )  # fmt: skip
        b.finish_session(session, status="completed", steps_done=4, active_seconds=60, at=NOW)
    with HistoryStore.open(data, device=A) as a:
        a.add_checkin(at=NOW - timedelta(hours=1), pain=7)
    yield data


def read_all(data: Path) -> tuple[list[int], HistoryStore]:
    store = HistoryStore.open(data, device=A)
    store.sessions(), store.red_flags(), store.breaks(), store.activities(), store.ratings()
    return [checkin.pain for checkin in store.checkins()], store


# -- 1. the schema --------------------------------------------------------------------------

SCHEMA_CHANGES = {
    "a view over an endless query in place of checkins": [
        "DROP TABLE checkins",
        f"CREATE VIEW checkins AS SELECT n AS id, n AS uid FROM ({ENDLESS.replace('max(n)', 'n')})",
    ],
    "an endless view beside the tables": [f"CREATE VIEW loop AS {ENDLESS}"],
    "a trigger that deletes new rows": [
        "CREATE TRIGGER gone AFTER INSERT ON checkins BEGIN DELETE FROM checkins; END"
    ],
    "a heavy trigger": [f"CREATE TRIGGER heavy AFTER UPDATE ON sessions BEGIN {ENDLESS}; END"],
    "a virtual table": ["CREATE VIRTUAL TABLE boxes USING rtree(id, x0, x1)"],
    "an unknown table": ["CREATE TABLE extra (x)"],
    "a column added": ["ALTER TABLE checkins ADD COLUMN mood TEXT"],
    "an index of its own": ["CREATE INDEX mine ON checkins (pain)"],
    "an index removed": ["DROP INDEX checkins_at"],
}


@pytest.mark.parametrize("change", SCHEMA_CHANGES, ids=list(SCHEMA_CHANGES))
def test_a_file_whose_schema_is_not_the_app_s_is_left_out_with_one_notice(
    shared: Path, change: str
) -> None:
    alter(peer_file(shared), *SCHEMA_CHANGES[change])
    started = time.monotonic()
    pains, store = read_all(shared)
    with store:
        assert time.monotonic() - started < 3
        assert pains == [7]
        assert list(store.unread_files()) == [peer_file(shared)]
        [notice] = [n for n in store.notices if peer_file(shared).name in n]
        assert "not a history as backroutine writes it" in notice and A.id not in notice
        # Said once, and the next read does not read it again while it is unchanged.
        store.checkins()
        assert sum(peer_file(shared).name in n for n in store.notices) == 1


def test_an_older_file_with_a_trigger_of_its_own_is_left_out_before_its_migration(
    tmp_path: Path,
) -> None:
    """The migration of an older file updates its rows (uids, schema 6): the file's own
    trigger on them would run, here an endless one. The schema check comes first."""
    data = tmp_path / "data"
    HistoryStore.open(data, device=A).close()
    older = peer_file(data)
    with sqlite3.connect(older) as db:
        for step in range(5):
            for statement in _MIGRATIONS[step]:
                db.execute(statement)
        db.execute("PRAGMA user_version = 5")
        db.execute(
            "INSERT INTO sessions (routine_id, routine_name, category, started_at, status,"
            " steps_total) VALUES ('x', 'X', 'gentle', '2026-01-01T10:00:00+00:00', 'stopped', 1)"
        )
        db.execute(f"CREATE TRIGGER heavy AFTER UPDATE ON sessions BEGIN {ENDLESS}; END")
    db.close()
    started = time.monotonic()
    with HistoryStore.open(data, device=A) as a:
        assert a.sessions() == []
        assert "a trigger named 'heavy'" in a.unread_files()[older]
    assert time.monotonic() - started < 3


def test_an_older_file_as_the_app_made_it_is_still_merged(tmp_path: Path) -> None:
    data = tmp_path / "data"
    HistoryStore.open(data, device=A).close()
    with sqlite3.connect(peer_file(data)) as db:
        for step in range(5):
            for statement in _MIGRATIONS[step]:
                db.execute(statement)
        db.execute("PRAGMA user_version = 5")
        db.execute(
            "INSERT INTO checkins (at, pain, created_at) VALUES"
            " ('2026-01-01T10:00:00+00:00', 4, '2026-01-01T10:00:00+00:00')"
        )
    db.close()
    with HistoryStore.open(data, device=A) as a:
        assert [c.pain for c in a.checkins()] == [4]
        assert a.unread_files() == {}


def test_the_expected_schema_is_made_by_the_migrations() -> None:
    names = {name for _kind, name, _table, _sql in peer_schema.expected_schema(SCHEMA_VERSION)}
    assert {"checkins", "checkins_uid", "sessions_started_at", "checkin_corrections_uid"} <= names
    assert peer_schema.expected_schema(1) < peer_schema.expected_schema(2)
    assert not any(n.startswith("breaks") for _k, n, _t, _s in peer_schema.expected_schema(2))


def test_a_file_left_out_is_read_again_when_it_changes(shared: Path) -> None:
    good = peer_file(shared).read_bytes()
    alter(peer_file(shared), "CREATE TABLE extra (x)")
    with HistoryStore.open(shared, device=A) as a:
        assert [c.pain for c in a.checkins()] == [7]
        peer_file(shared).write_bytes(good)
        assert [c.pain for c in a.checkins()] == [5, 7]
        assert a.unread_files() == {}


def test_no_query_on_a_guarded_connection_runs_past_its_deadline() -> None:
    memory = sqlite3.connect(":memory:")
    peer_schema.guard(memory, time.monotonic() + 0.2)
    started = time.monotonic()
    with pytest.raises(sqlite3.OperationalError, match="interrupted"):
        memory.execute(ENDLESS).fetchall()
    assert time.monotonic() - started < 1
    assert memory.execute("PRAGMA trusted_schema").fetchone() == (0,)


def test_a_file_that_takes_longer_than_its_budget_is_left_out(
    shared: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with HistoryStore.open(shared, device=B) as b:
        for day in range(2, 300):
            b.add_checkin(at=NOW - timedelta(days=day), pain=day % 11, note="x" * 400)
    monkeypatch.setattr(peer_schema, "READ_BUDGET_SECONDS", 0.0)
    with HistoryStore.open(shared, device=A) as a:
        assert [c.pain for c in a.checkins()] == [7]
        assert "took more than" in a.unread_files()[peer_file(shared)]


# -- 2. the rows ----------------------------------------------------------------------------

FUTURE = "9999-01-01T00:00:00+00:00"
BAD_ROWS = {
    "minutes as text": ("UPDATE sessions SET active_seconds = 'lots'", "minutes played"),
    "minutes of 1e308": ("UPDATE sessions SET active_seconds = 1e308", "minutes played"),
    "minutes past a day": ("UPDATE sessions SET active_seconds = 1e13", "minutes played"),
    "a start of 12345": ("UPDATE sessions SET started_at = 12345", "session start"),
    "a session in 9999": (f"UPDATE sessions SET started_at = '{FUTURE}'", "in the future"),
    "more steps than the routine": ("UPDATE sessions SET steps_done = 99", "more steps"),
    "a level of 7": ("UPDATE sessions SET level = 7", "a level"),
    "a BLOB note": ("UPDATE checkins SET note = x'1b5b324a'", "a note"),
    "pain as text": ("UPDATE checkins SET pain = 'one'", "a pain score"),
    "pain of 11": ("UPDATE checkins SET pain = 11", "a pain score"),
    "a check-in in 9999": (f"UPDATE checkins SET at = '{FUTURE}'", "in the future"),
    "a check-in in 1850": ("UPDATE checkins SET at = '1850-01-01T00:00:00+00:00'", "before 1900"),
    "answers that are not JSON": ("UPDATE red_flag_answers SET yes = '[nope'", "cannot be read"),
    "answers of numbers": ("UPDATE red_flag_answers SET yes = '[1, 2]'", "cannot be read"),
    "answers in 9999": (f"UPDATE red_flag_answers SET answered_at = '{FUTURE}'", "in the future"),
}


@pytest.mark.parametrize("case", BAD_ROWS, ids=list(BAD_ROWS))
def test_a_bad_row_is_left_out_counted_and_named_the_rest_is_merged(
    shared: Path, case: str
) -> None:
    statement, why = BAD_ROWS[case]
    with HistoryStore.open(shared, device=B) as b:
        b.add_break(at=NOW - timedelta(hours=5), outcome="taken")  # a good row beside it
    alter(peer_file(shared), statement)
    pains, store = read_all(shared)
    with store:
        assert pains[-1] == 7 and store.breaks() != []  # the rest of the file is merged
        assert store.unread_files() == {}
        [peer] = [d for d in store.devices() if d.id == B.id]
        [(reason, count)] = peer.left_out.items()
        assert why in reason and count == 1
        [line] = peer.left_out_lines()
        assert line.startswith("1 record of home left out: ")
        assert store.red_flags().yes == frozenset()  # never an exception, never blamed on A


def test_answers_to_unknown_questions_keep_the_known_ones(shared: Path) -> None:
    alter(
        peer_file(shared),
        f'UPDATE red_flag_answers SET yes = \'["saddle_numbness", "from_the_future"]\','
        f" answered_at = '{(NOW - timedelta(minutes=5)).isoformat()}'",
    )
    with HistoryStore.open(shared, device=A) as a:
        assert a.red_flags().yes == {"saddle_numbness"}


def test_a_peer_s_future_answers_never_hide_this_computer_s(shared: Path) -> None:
    alter(peer_file(shared), f"UPDATE red_flag_answers SET answered_at = '{FUTURE}'")
    # Within the clock allowance too: held back until that time comes here.
    with HistoryStore.open(shared, device=C) as c:
        c.save_red_flags([], at=NOW + timedelta(hours=20))
    with HistoryStore.open(shared, device=A) as a:
        a.save_red_flags(["saddle_numbness"], at=NOW)
    with HistoryStore.open(shared, device=A) as a:
        assert a.red_flags().yes == {"saddle_numbness"}
        [peer] = [d for d in a.devices() if d.id == C.id]
        assert peer.left_out == {HELD: 1}


def test_a_record_held_back_is_merged_once_its_time_comes(
    shared: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with HistoryStore.open(shared, device=B) as b:
        b.add_checkin(at=NOW + timedelta(hours=2), pain=1)
    with HistoryStore.open(shared, device=A) as a:
        assert [c.pain for c in a.checkins()] == [5, 7]

        class Later(datetime):
            @classmethod
            def now(cls, tz: object = None) -> Later:  # type: ignore[override]
                return cls.fromtimestamp(NOW.timestamp() + 3 * 3600, UTC)

        monkeypatch.setattr(merge, "datetime", Later)
        assert [c.pain for c in a.checkins()] == [5, 7, 1]


def test_check_rows_holds_back_what_is_ahead_and_refuses_what_is_far_ahead() -> None:
    row = ("u", 1, "", 5, None, None, 0, "")
    rows: dict[str, list[tuple[object, ...]]] = {
        "checkins": [
            ("u1", 1, "2026-03-02T10:00:00+00:00", 5, None, None, 0, "2026-03-02T10:00:00+00:00"),
            ("u2", 2, "2026-03-02T20:00:00+00:00", 5, None, None, 0, "2026-03-02T20:00:00+00:00"),
            ("u3", 3, "2026-03-04T10:00:00+00:00", 5, None, None, 0, "2026-03-04T10:00:00+00:00"),
            row,
        ]
    }
    checked = check_rows(rows, datetime(2026, 3, 2, 12, tzinfo=UTC))
    assert [r[0] for r in rows["checkins"]] == ["u1"]
    assert checked.held_until == datetime(2026, 3, 2, 20, tzinfo=UTC)
    assert sum(checked.left_out.values()) == 3


# -- 3. records belong to the computer that made them ------------------------------------


def test_a_peer_s_copies_never_turn_this_computer_s_hurt_stops_into_completed(
    shared: Path,
) -> None:
    with HistoryStore.open(shared, device=A) as a:
        for day in (2, 1):
            session = a.start_session(
                routine_id="core", routine_name="Core", category="strengthening",
                steps_total=4, started_at=NOW - timedelta(days=day),
            )  # fmt: skip
            a.finish_session(
                session, status="stopped", reason="pain", steps_done=1, active_seconds=10,
                at=NOW - timedelta(days=day, minutes=-5),
            )  # fmt: skip
    with sqlite3.connect(peer_file(shared, A)) as mine:
        copies = mine.execute(
            "SELECT uid, routine_id, routine_name, category, started_at, steps_total, level"
            " FROM sessions"
        ).fetchall()
    mine.close()
    alter(
        peer_file(shared),
        *(
            "INSERT INTO sessions (uid, routine_id, routine_name, category, started_at,"
            " ended_at, status, active_seconds, steps_done, steps_total, reason, level)"
            f" VALUES ('{uid}', '{rid}', '{name}', '{cat}', '{start}',"
            f" '{NOW.isoformat()}', 'completed', 600, {total}, {total}, NULL, NULL)"
            for uid, rid, name, cat, start, total, _level in copies
        ),
    )
    with HistoryStore.open(shared, device=A) as a:
        hurt = [p for p in a.played_sessions() if p.hurt]
        assert len(hurt) == 2
        assert [s.status for s in a.sessions() if s.reason == "pain"] == ["stopped", "stopped"]


def test_between_two_peers_a_copy_never_completes_a_session_or_removes_a_hurt_stop(
    shared: Path,
) -> None:
    with HistoryStore.open(shared, device=C) as c:
        session = c.start_session(
            routine_id="core", routine_name="Core", category="strengthening",
            steps_total=4, started_at=NOW - timedelta(days=1),
        )  # fmt: skip
        c.finish_session(
            session, status="stopped", reason="pain", steps_done=1, active_seconds=5, at=NOW
        )
        (uid,) = c._read("SELECT uid FROM sessions WHERE id = ?", (session,), own=True)[0]
    alter(
        peer_file(shared),  # B, whose file's name sorts first, claims C's session completed
        "INSERT INTO sessions (uid, routine_id, routine_name, category, started_at, ended_at,"
        " status, active_seconds, steps_done, steps_total, reason)"
        f" VALUES ('{uid}', 'core', 'Core', 'strengthening',"
        f" '{(NOW - timedelta(days=1)).isoformat()}', '{NOW.isoformat()}',"
        " 'completed', 600, 4, 4, NULL)",
    )
    with HistoryStore.open(shared, device=A) as a:
        [session] = [
            s
            for s in a.sessions()
            if s.routine_id == "core"
            and s.steps_total == 4
            and s.started_at == (NOW - timedelta(days=1)).isoformat()
            and s.active_seconds in (5, 600)
        ]
        assert (session.status, session.reason) == ("stopped", "pain")
        assert sum(p.hurt for p in a.played_sessions()) == 1


def test_a_peer_file_that_claims_this_computer_s_id_is_left_out(shared: Path) -> None:
    alter(peer_file(shared), f"UPDATE meta SET value = '{A.id}' WHERE key = 'device_id'")
    with HistoryStore.open(shared, device=A) as a:
        assert [c.pain for c in a.checkins()] == [7]
        assert "this computer's file" in a.unread_files()[peer_file(shared)]


# -- the lock ------------------------------------------------------------------------------


def test_a_write_here_is_not_held_up_while_a_slow_peer_file_is_read(
    shared: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    slow = merge.load_file

    def slowly(path: Path, now: datetime | None = None) -> object:
        time.sleep(1.5)
        return slow(path, now)

    with HistoryStore.open(shared, device=A) as a:
        a.checkins()
        monkeypatch.setattr(merge, "load_file", slowly)
        alter(peer_file(shared), "UPDATE checkins SET pain = 4")  # changed: read again
        reader = threading.Thread(target=a.checkins)
        reader.start()
        time.sleep(0.2)  # the reader is inside the slow file now
        started = time.monotonic()
        a.add_checkin(at=NOW, pain=6)
        took = time.monotonic() - started
        reader.join()
        assert took < 0.5, took
        assert [c.pain for c in a.checkins()] == [4, 7, 6]


def test_between_two_peers_a_copy_of_safety_answers_never_takes_a_yes_away(
    shared: Path,
) -> None:
    with HistoryStore.open(shared, device=C) as c:
        c.save_red_flags(["bladder_bowel"], at=NOW - timedelta(minutes=10))
        (uid, answered, question_set) = c._read(
            "SELECT uid, answered_at, question_set FROM red_flag_answers", (), own=True
        )[0]
    alter(
        peer_file(shared),  # B, whose file's name sorts first, holds a copy saying no sign
        "INSERT INTO red_flag_answers (uid, answered_at, yes, question_set)"
        f" VALUES ('{uid}', '{answered}', '[]', {question_set})",
    )
    with HistoryStore.open(shared, device=A) as a:
        assert a.red_flags().yes == {"bladder_bowel"}


def test_a_file_named_otherwise_cannot_pass_for_a_device_s_conflict_copy(shared: Path) -> None:
    """A file that writes C's id inside but is not named after C is another maker: its copy
    of C's session cannot complete it."""
    with HistoryStore.open(shared, device=C) as c:
        session = c.start_session(
            routine_id="core", routine_name="Core", category="strengthening",
            steps_total=4, started_at=NOW - timedelta(hours=3),
        )  # fmt: skip
        c.finish_session(
            session, status="stopped", reason="pain", steps_done=1, active_seconds=5,
            at=NOW - timedelta(hours=2),
        )  # fmt: skip
    forged = shared / "history" / "0000.sqlite3"
    forged.write_bytes(peer_file(shared, C).read_bytes())
    alter(forged, "UPDATE sessions SET status = 'completed', reason = NULL, steps_done = 4,"
          f" ended_at = '{(NOW - timedelta(hours=1)).isoformat()}'")  # fmt: skip
    with HistoryStore.open(shared, device=A) as a:
        assert sum(p.hurt for p in a.played_sessions()) == 1
