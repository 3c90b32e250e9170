"""The session history: round trips, crash safety, concurrency, damage, permissions, locks."""

from __future__ import annotations

import errno
import json
import os
import re
import signal
import sqlite3
import stat
import subprocess
import sys
import textwrap
import threading
import time
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest

import backroutine
from backroutine.core import history
from backroutine.core.history import DB_NAME, HistoryError, HistoryStore, SessionRecord

SRC = Path(backroutine.__file__).resolve().parents[1]
CET = timezone(timedelta(hours=1))
AT = datetime(2026, 11, 25, 8, 0, 0, tzinfo=CET)
CORRUPT_NAME = re.compile(rf"{re.escape(DB_NAME)}\.corrupt-\d{{8}}-\d{{6}}(-\d+)?")


def start(store: HistoryStore, at: datetime = AT, routine_id: str = "desk-break") -> int:
    return store.start_session(
        routine_id=routine_id,
        routine_name="Desk break",
        category="gentle",
        steps_total=6,
        started_at=at,
    )


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def moved_aside(folder: Path) -> list[Path]:
    return sorted(p for p in folder.iterdir() if CORRUPT_NAME.fullmatch(p.name))


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


# -- recording --------------------------------------------------------------------------------


def test_start_update_finish_round_trip(tmp_path: Path) -> None:
    with HistoryStore.open(tmp_path) as store:
        session = start(store)
        store.update_session(
            session, steps_done=2, active_seconds=61.26, at=AT + timedelta(minutes=2)
        )
        store.finish_session(
            session,
            status="stopped",
            steps_done=3,
            active_seconds=95.04,
            at=AT + timedelta(minutes=3, seconds=10, microseconds=900_000),
            reason="pain",
        )
        records = store.sessions()
        assert store.notices == []
    assert records == [
        SessionRecord(
            id=session,
            routine_id="desk-break",
            routine_name="Desk break",
            category="gentle",
            started_at="2026-11-25T08:00:00+01:00",
            ended_at="2026-11-25T08:03:10+01:00",
            status="stopped",
            active_seconds=95.0,
            steps_done=3,
            steps_total=6,
            reason="pain",
        )
    ]
    assert json.loads(json.dumps(records[0].to_dict())) == {
        "id": session,
        "routine_id": "desk-break",
        "routine_name": "Desk break",
        "category": "gentle",
        "started_at": "2026-11-25T08:00:00+01:00",
        "ended_at": "2026-11-25T08:03:10+01:00",
        "status": "stopped",
        "active_seconds": 95.0,
        "steps_done": 3,
        "steps_total": 6,
        "reason": "pain",
        "level": None,  # desk-break is started here without a level
    }


def test_a_started_session_is_interrupted_until_finished(tmp_path: Path) -> None:
    with HistoryStore.open(tmp_path) as store:
        session = start(store)
        (record,) = store.sessions()
        assert (record.status, record.ended_at, record.steps_done) == (
            "interrupted",
            record.started_at,
            0,
        )
        assert (record.active_seconds, record.reason) == (0.0, None)
        store.finish_session(session, status="completed", steps_done=6, active_seconds=300, at=AT)
        assert store.sessions()[0].status == "completed"
        assert store.sessions()[0].active_seconds == 300.0


def test_a_session_never_finished_keeps_its_last_update(tmp_path: Path) -> None:
    with HistoryStore.open(tmp_path) as store:
        session = start(store)
        store.update_session(
            session, steps_done=1, active_seconds=30, at=AT + timedelta(seconds=30)
        )
        store.update_session(
            session, steps_done=4, active_seconds=200.04, at=AT + timedelta(minutes=4)
        )
    with HistoryStore.open(tmp_path) as store:
        (record,) = store.sessions()
    assert record.status == "interrupted"
    assert (record.steps_done, record.active_seconds) == (4, 200.0)
    assert record.ended_at == "2026-11-25T08:04:00+01:00"
    assert record.reason is None


def test_naive_datetimes_are_local_time_and_offsets_are_kept(tmp_path: Path) -> None:
    naive = datetime(2026, 6, 1, 7, 30, 15, 999_999)
    with HistoryStore.open(tmp_path) as store:
        session = start(store, at=naive)
        store.update_session(session, steps_done=1, active_seconds=1, at=AT.astimezone(UTC))
        (record,) = store.sessions()
    assert record.started_at == naive.astimezone().isoformat(timespec="seconds")
    assert re.fullmatch(r"2026-06-01T07:30:15[+-]\d\d:\d\d", record.started_at)
    assert record.ended_at == "2026-11-25T07:00:00+00:00"


def test_newest_first_by_the_instant_then_by_id(tmp_path: Path) -> None:
    with HistoryStore.open(tmp_path) as store:
        a = start(store, at=datetime(2026, 11, 25, 8, 0, tzinfo=CET))  # 07:00 UTC
        b = start(
            store, at=datetime(2026, 11, 25, 7, 30, tzinfo=UTC)
        )  # later, though "07:30" < "08:00"
        c = start(store, at=datetime(2026, 11, 24, 21, 0, tzinfo=CET))
        d = start(store, at=datetime(2026, 11, 25, 7, 30, tzinfo=UTC))  # same instant as b
        assert [r.id for r in store.sessions()] == [d, b, a, c]
        assert [r.id for r in store.sessions(limit=2)] == [d, b]
        assert store.sessions(limit=0) == []


def test_bad_arguments_are_refused(tmp_path: Path) -> None:
    with HistoryStore.open(tmp_path) as store:
        session = start(store)
        with pytest.raises(ValueError, match="status"):
            store.finish_session(
                session, status="interrupted", steps_done=1, active_seconds=1, at=AT
            )  # type: ignore[arg-type]
        with pytest.raises(ValueError, match="active_seconds"):
            store.update_session(session, steps_done=1, active_seconds=float("nan"), at=AT)
        with pytest.raises(ValueError, match="steps_done"):
            store.update_session(session, steps_done=-1, active_seconds=1, at=AT)
        with pytest.raises(HistoryError, match="session 999 is not in the history"):
            store.update_session(999, steps_done=1, active_seconds=1, at=AT)


def test_the_schema_is_versioned_and_ordered_by_an_index(tmp_path: Path) -> None:
    HistoryStore.open(tmp_path).close()
    with sqlite3.connect(tmp_path / DB_NAME) as db:
        assert db.execute("PRAGMA user_version").fetchone() == (history.SCHEMA_VERSION,)
        assert db.execute("PRAGMA journal_mode").fetchone() == ("wal",)
        plan = db.execute(
            "EXPLAIN QUERY PLAN SELECT id FROM sessions ORDER BY julianday(started_at) DESC, id DESC"
        ).fetchall()
    assert "sessions_started_at" in str(plan)


def test_a_newer_schema_is_refused_and_left_alone(tmp_path: Path) -> None:
    HistoryStore.open(tmp_path).close()
    db = sqlite3.connect(tmp_path / DB_NAME)
    db.execute("PRAGMA user_version = 99")
    db.commit()
    db.close()
    with pytest.raises(HistoryError, match="newer backroutine"):
        HistoryStore.open(tmp_path)
    assert moved_aside(tmp_path) == []


def test_writes_after_close_are_a_history_error(tmp_path: Path) -> None:
    store = HistoryStore.open(tmp_path)
    store.close()
    store.close()
    with pytest.raises(HistoryError, match="closed"):
        start(store)


def test_sqlite_errors_while_writing_are_a_history_error(tmp_path: Path) -> None:
    with HistoryStore.open(tmp_path) as store:
        session = start(store)
        store._connection.execute("PRAGMA query_only = ON")  # SQLite now refuses every write
        with pytest.raises(HistoryError, match=r"read-only.*--data-dir"):
            start(store)
        with pytest.raises(HistoryError, match="read-only"):
            store.update_session(session, steps_done=1, active_seconds=1, at=AT)
        with pytest.raises(HistoryError, match="read-only"):
            store.finish_session(session, status="completed", steps_done=1, active_seconds=1, at=AT)
        assert store.sessions()[0].status == "interrupted"  # reading still works


# -- crashes and other processes --------------------------------------------------------------


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="SIGKILL is POSIX")
def test_a_killed_player_leaves_an_interrupted_session(tmp_path: Path) -> None:
    player = child(
        """
        import os, signal, sys
        from datetime import datetime, timedelta, timezone
        from pathlib import Path
        from backroutine.core.history import HistoryStore

        at = datetime(2026, 11, 25, 8, 0, tzinfo=timezone(timedelta(hours=1)))
        store = HistoryStore.open(Path(sys.argv[1]))
        session = store.start_session(
            routine_id="desk-break", routine_name="Desk break", category="gentle",
            steps_total=6, started_at=at,
        )
        store.update_session(session, steps_done=3, active_seconds=123.4, at=at + timedelta(minutes=3))
        os.kill(os.getpid(), signal.SIGKILL)
        """,
        str(tmp_path),
    )
    _, err = player.communicate(timeout=30)
    assert player.returncode == -signal.SIGKILL, err
    with HistoryStore.open(tmp_path) as store:
        (record,) = store.sessions()
        assert store.notices == []
    assert (record.status, record.steps_done, record.active_seconds) == ("interrupted", 3, 123.4)
    assert record.ended_at == "2026-11-25T08:03:00+01:00"


def test_four_processes_writing_at_once_lose_nothing(tmp_path: Path) -> None:
    data, go = tmp_path / "data", tmp_path / "go"
    writers = [
        child(
            """
            import sys, time
            from datetime import datetime, timedelta, timezone
            from pathlib import Path
            from backroutine.core.history import HistoryStore

            data, go, who = Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3]
            while not go.exists():  # all start together, on a database nobody has created
                time.sleep(0.005)
            at = datetime(2026, 11, 25, 8, 0, tzinfo=timezone.utc)
            with HistoryStore.open(data) as store:
                for n in range(50):
                    session = store.start_session(
                        routine_id=f"{who}-{n}", routine_name="R", category="yoga",
                        steps_total=2, started_at=at + timedelta(seconds=n),
                    )
                    store.finish_session(
                        session, status="completed", steps_done=2, active_seconds=n, at=at,
                    )
            """,
            str(data),
            str(go),
            f"w{number}",
        )
        for number in range(4)
    ]
    time.sleep(0.3)  # let the interpreters start
    go.touch()
    for writer in writers:
        _, err = writer.communicate(timeout=60)
        assert writer.returncode == 0, err
    with HistoryStore.open(data) as store:
        records = store.sessions()
    assert len(records) == 200
    assert len({r.id for r in records}) == 200
    assert {r.routine_id for r in records} == {f"w{w}-{n}" for w in range(4) for n in range(50)}
    assert {r.status for r in records} == {"completed"}


def _hold_write_lock(path: Path, seconds: float, held: threading.Event) -> None:
    other = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    other.execute("BEGIN EXCLUSIVE")
    other.execute("UPDATE sessions SET reason = reason")
    held.set()
    time.sleep(seconds)
    other.execute("COMMIT")
    other.close()


@pytest.mark.parametrize("busy_timeout_ms", [5000, 20], ids=["sqlite-waits", "we-retry"])
def test_a_write_waits_for_a_lock_held_elsewhere(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, busy_timeout_ms: int
) -> None:
    # With 20 ms SQLite gives up at once and the backoff loop has to carry the write through.
    monkeypatch.setattr(history.sqlite, "BUSY_TIMEOUT_MS", busy_timeout_ms)
    backoffs: list[float] = []
    real_sleep = time.sleep

    def sleep(seconds: float) -> None:
        if threading.current_thread() is threading.main_thread():
            backoffs.append(seconds)
        real_sleep(seconds)

    monkeypatch.setattr(history.sqlite.time, "sleep", sleep)
    with HistoryStore.open(tmp_path) as store:
        session = start(store)
        held = threading.Event()
        holder = threading.Thread(target=_hold_write_lock, args=(store.path, 0.3, held))
        holder.start()
        assert held.wait(5)
        began = time.monotonic()
        store.update_session(session, steps_done=2, active_seconds=20, at=AT)
        waited = time.monotonic() - began
        holder.join()
        assert waited >= 0.2
        assert store.sessions()[0].steps_done == 2
    assert bool(backoffs) == (busy_timeout_ms < 300)


def test_a_lock_held_too_long_is_a_history_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(history.sqlite, "BUSY_TIMEOUT_MS", 20)
    monkeypatch.setattr(history.sqlite, "LOCK_WAIT_SECONDS", 0.3)
    with HistoryStore.open(tmp_path) as store:
        session = start(store)
        held = threading.Event()
        holder = threading.Thread(target=_hold_write_lock, args=(store.path, 1.0, held))
        holder.start()
        assert held.wait(5)
        began = time.monotonic()
        with pytest.raises(HistoryError, match="locked"):
            store.update_session(session, steps_done=2, active_seconds=20, at=AT)
        assert time.monotonic() - began < 0.9
        holder.join()
        store.update_session(session, steps_done=2, active_seconds=20, at=AT)  # usable again


# -- damaged databases ------------------------------------------------------------------------


def _assert_fresh_and_usable(store: HistoryStore) -> None:
    assert store.sessions() == []
    start(store)
    assert len(store.sessions()) == 1


def test_random_bytes_are_moved_aside_with_their_wal(tmp_path: Path) -> None:
    garbage, wal = os.urandom(8192), os.urandom(3000)
    (tmp_path / DB_NAME).write_bytes(garbage)
    (tmp_path / f"{DB_NAME}-wal").write_bytes(wal)
    with HistoryStore.open(tmp_path) as store:
        (old,) = moved_aside(tmp_path)
        assert old.read_bytes() == garbage
        assert Path(f"{old}-wal").read_bytes() == wal
        (notice,) = store.notices
        assert str(old) in notice and "not a database" in notice and "-wal" in notice
        _assert_fresh_and_usable(store)


def test_a_truncated_database_is_moved_aside_intact(tmp_path: Path) -> None:
    with HistoryStore.open(tmp_path) as store:
        for n in range(200):
            start(store, routine_id=f"routine-{n:03d}-" + "x" * 40)
    path = tmp_path / DB_NAME
    truncated = path.read_bytes()[: path.stat().st_size // 2]
    path.write_bytes(truncated)
    with HistoryStore.open(tmp_path) as store:
        (old,) = moved_aside(tmp_path)
        assert old.read_bytes() == truncated
        (notice,) = store.notices
        assert str(old) in notice and "moved aside" in notice
        _assert_fresh_and_usable(store)
        assert mode(store.path) == 0o600


def test_a_failing_integrity_check_is_damage(tmp_path: Path) -> None:
    with HistoryStore.open(tmp_path) as store:
        for n in range(100):
            start(store, routine_id=f"r{n}")
    db = sqlite3.connect(tmp_path / DB_NAME)
    db.execute("PRAGMA writable_schema = ON")  # point the index at the table's root page
    db.execute(
        "UPDATE sqlite_schema SET rootpage = (SELECT rootpage FROM sqlite_schema WHERE name = 'sessions')"
        " WHERE name = 'sessions_started_at'"
    )
    db.commit()
    db.close()
    damaged = (tmp_path / DB_NAME).read_bytes()
    with HistoryStore.open(tmp_path) as store:
        (old,) = moved_aside(tmp_path)
        assert old.read_bytes() == damaged
        (notice,) = store.notices
        assert "integrity check: " in notice and "\n" not in notice
        _assert_fresh_and_usable(store)


def test_an_existing_corrupt_copy_is_never_overwritten(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    class Frozen(datetime):
        @classmethod
        def now(cls, tz: object = None) -> Frozen:  # type: ignore[override]
            return cls(2026, 11, 25, 8, 0, 0)

    monkeypatch.setattr(history.files, "datetime", Frozen)
    earlier = tmp_path / f"{DB_NAME}.corrupt-20261125-080000"
    earlier.write_bytes(b"the first damaged history")
    (tmp_path / DB_NAME).write_bytes(b"the second damaged history, long enough" * 10)
    with HistoryStore.open(tmp_path) as store:
        assert earlier.read_bytes() == b"the first damaged history"
        second = tmp_path / f"{DB_NAME}.corrupt-20261125-080000-2"
        assert second.read_bytes() == b"the second damaged history, long enough" * 10
        assert str(second) in store.notices[0]


def test_an_empty_file_is_a_new_history(tmp_path: Path) -> None:
    (tmp_path / DB_NAME).touch()
    with HistoryStore.open(tmp_path) as store:
        assert store.notices == []
        _assert_fresh_and_usable(store)
    assert moved_aside(tmp_path) == []


def test_a_folder_in_place_of_the_database_is_refused(tmp_path: Path) -> None:
    in_the_way = tmp_path / DB_NAME
    in_the_way.mkdir()
    (in_the_way / "keep.txt").write_text("mine")
    with pytest.raises(HistoryError, match=r"is a folder.*move it away or use --data-dir"):
        HistoryStore.open(tmp_path)
    assert (in_the_way / "keep.txt").read_text() == "mine"
    assert moved_aside(tmp_path) == []


# -- folders and permissions ------------------------------------------------------------------


def test_a_new_data_folder_and_database_are_private(tmp_path: Path) -> None:
    data = tmp_path / "a" / "b" / "data"
    with HistoryStore.open(data) as store:
        start(store)
        for folder in (tmp_path / "a", tmp_path / "a" / "b", data):
            assert mode(folder) == 0o700, folder
        assert mode(store.path) == 0o600
        for side in ("-wal", "-shm"):
            assert mode(Path(f"{store.path}{side}")) == 0o600


def test_an_existing_folder_keeps_its_permissions(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    data.chmod(0o755)
    HistoryStore.open(data).close()
    assert mode(data) == 0o755
    assert mode(data / DB_NAME) == 0o600


@pytest.mark.parametrize("blocked", ["data", "parent"])
def test_a_file_in_place_of_the_folder_is_a_history_error(tmp_path: Path, blocked: str) -> None:
    file = tmp_path / "not-a-folder"
    file.write_text("notes")
    data = file if blocked == "data" else file / "data"
    with pytest.raises(
        HistoryError, match=rf"{re.escape(str(file))} is a file, not a folder.*--data-dir"
    ):
        HistoryStore.open(data)
    assert file.read_text() == "notes"


@pytest.mark.parametrize(
    ("code", "words"),
    [
        (errno.EACCES, "permission denied; check the folder's permissions"),
        (errno.EROFS, "read-only"),
        (errno.ENOSPC, "the disk is full"),
    ],
)
def test_an_unwritable_folder_is_a_history_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, code: int, words: str
) -> None:
    # Tests run as root, where chmod does not stop writes: the refusal is simulated.
    real_open = os.open

    def refusing_open(path: object, flags: int, *args: object, **kwargs: object) -> int:
        if str(path).endswith(DB_NAME):
            raise OSError(code, os.strerror(code), str(path))
        return real_open(path, flags, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "open", refusing_open)
    with pytest.raises(HistoryError) as caught:
        HistoryStore.open(tmp_path / "data")
    message = str(caught.value)
    assert message.startswith(f"cannot write the history in {tmp_path / 'data'}: ")
    assert words in message and "--data-dir" in message


def test_a_second_connection_keeps_the_first_ones_locks(tmp_path: Path) -> None:
    # Opening and closing the file directly in a process that has it open through SQLite drops
    # that process's locks: another program closing the history then deletes the -wal file
    # under it, and later writes are lost. reopen() and open() must never do that.
    import subprocess
    import sys

    store = HistoryStore.open(tmp_path)
    writer = store.reopen()
    again = HistoryStore.open(tmp_path)  # a third one, as a second command in one process would
    session = start(writer)
    path = tmp_path / "history.sqlite3"
    peek = "import sqlite3, sys; c = sqlite3.connect(sys.argv[1]); c.execute('select 1'); c.close()"
    subprocess.run([sys.executable, "-c", peek, str(path)], check=True)
    assert (tmp_path / "history.sqlite3-wal").exists()  # still ours
    writer.update_session(session, steps_done=2, active_seconds=20, at=AT)
    read = (
        "import sqlite3, sys; c = sqlite3.connect(sys.argv[1]);"
        " print(c.execute('select steps_done from sessions').fetchone()[0])"
    )
    seen = subprocess.run([sys.executable, "-c", read, str(path)], check=True,
                          capture_output=True, text=True)  # fmt: skip
    assert seen.stdout.strip() == "2"
    for each in (again, writer, store):
        each.close()
