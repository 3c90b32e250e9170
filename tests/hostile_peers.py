"""Other computers' files for a hostile synced folder (issue 20): each made by the app on a
second computer (its own device id), then altered with SQL as a broken or hostile peer would."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

from backroutine.core.device import Device
from backroutine.core.history import HistoryStore

NOW = datetime.now(UTC).replace(microsecond=0)
ENDLESS = "WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r) SELECT n FROM r"


def device(letter: str, name: str) -> Device:
    return Device(letter * 32, name)


def alter(path: Path, *statements: str) -> None:
    """Change a device file as a hostile editor would: the table CHECKs off."""
    db = sqlite3.connect(path)
    try:
        db.execute("PRAGMA ignore_check_constraints = ON")
        for statement in statements:
            db.execute(statement)
        db.commit()
    finally:
        db.close()


def made(data: Path, peer: Device) -> Path:
    """A peer's file as the app writes it, with one desk break (which no safety rule reads):
    what the tests add to it is all that could change a decision."""
    with HistoryStore.open(data, device=peer) as store:
        store.add_break(at=NOW - timedelta(days=1), outcome="taken", minutes=5)
    return data / "history" / f"{peer.id}.sqlite3"


def future_answers(data: Path) -> Path:
    """Safety answers of no sign at all, dated 9999-01-01 and 20 hours ahead."""
    peer = device("b", "future answers")
    path = made(data, peer)
    with HistoryStore.open(data, device=peer) as store:
        store.save_red_flags([], at=NOW - timedelta(days=1))
        store.save_red_flags([], at=NOW + timedelta(hours=20))
    alter(path, "UPDATE red_flag_answers SET answered_at = '9999-01-01T00:00:00+00:00'"
          " WHERE id = 1")  # fmt: skip
    return path


def future_checkins(data: Path) -> Path:
    """Check-ins at pain 1, spasms fewer, in December 9999 (and one 20 hours ahead)."""
    peer = device("c", "future check-ins")
    path = made(data, peer)
    with HistoryStore.open(data, device=peer) as store:
        for day in range(1, 4):
            store.add_checkin(at=NOW - timedelta(days=day), pain=1, spasms="fewer")
        store.add_checkin(at=NOW + timedelta(hours=20), pain=1)
    alter(
        path,
        "UPDATE checkins SET at = '9999-12-0' || id || 'T09:00:00+00:00',"
        " created_at = '9999-12-0' || id || 'T09:00:00+00:00' WHERE id BETWEEN 1 AND 3",
    )
    return path


def broken_rows(data: Path) -> Path:
    """One bad row of each kind: seconds as text, 1e308 and 1e13, a start of 12345, a BLOB
    note, pain as text, answers that are not JSON (one gentle session is left as it was)."""
    peer = device("d", "broken rows")
    path = made(data, peer)
    with HistoryStore.open(data, device=peer) as store:
        for hour in range(1, 6):
            sid = store.start_session(
                routine_id="desk-break", routine_name="Desk", category="gentle",
                steps_total=3, started_at=NOW - timedelta(hours=hour),
            )  # fmt: skip
            store.finish_session(sid, status="completed", steps_done=3, active_seconds=9, at=NOW)
        store.add_checkin(at=NOW - timedelta(hours=3), pain=1)
        store.add_checkin(at=NOW - timedelta(hours=2), pain=1)
        store.save_red_flags([], at=NOW - timedelta(minutes=1))
    alter(
        path,
        "UPDATE sessions SET active_seconds = 'lots' WHERE id = 2",
        "UPDATE sessions SET active_seconds = 1e308 WHERE id = 3",
        "UPDATE sessions SET active_seconds = 1e13 WHERE id = 4",
        "UPDATE sessions SET started_at = 12345 WHERE id = 5",
        "UPDATE checkins SET note = x'1b5d303b70776e6564071b5b324a' WHERE id = 1",
        "UPDATE checkins SET pain = 'one' WHERE id = 2",
        "UPDATE red_flag_answers SET yes = '[\"saddle' WHERE id = 1",
    )
    return path


def endless_view(data: Path) -> Path:
    path = made(data, device("e", "endless view"))
    alter(
        path,
        "DROP TABLE checkins",
        "CREATE VIEW checkins AS SELECT n AS id, n AS uid, '2026-01-01T00:00:00+00:00' AS at,"
        " 1 AS pain, NULL AS spasms, NULL AS note, 0 AS new_episode,"
        f" '2026-01-01T00:00:00+00:00' AS created_at FROM ({ENDLESS})",
    )
    return path


def trigger(data: Path) -> Path:
    path = made(data, device("f", "trigger"))
    alter(
        path,
        "CREATE TRIGGER erase AFTER INSERT ON red_flag_answers BEGIN"
        " DELETE FROM red_flag_answers; END",
    )
    return path


def collisions(data: Path, own: Path) -> Path:
    """Copies of this computer's sessions, with its uids, completed and ended later; and a
    file claiming this computer's device id."""
    path = made(data, device("9", "collisions"))
    mine = sqlite3.connect(own)
    try:
        rows = mine.execute(
            "SELECT uid, routine_id, routine_name, category, started_at, steps_total, level"
            " FROM sessions"
        ).fetchall()
    finally:
        mine.close()
    alter(
        path,
        *(
            "INSERT INTO sessions (uid, routine_id, routine_name, category, started_at,"
            " ended_at, status, active_seconds, steps_done, steps_total, reason, level)"
            " VALUES (?, ?, ?, ?, ?, ?, 'completed', 600, ?, ?, NULL, ?)".replace(
                "?", "{!r}"
            ).format(uid, rid, name, cat, start, NOW.isoformat(), total, total, level or 2)
            for uid, rid, name, cat, start, total, level in rows
        ),
    )
    return path


def claims_this_computer(data: Path, own_id: str) -> Path:
    path = made(data, device("8", "impostor"))
    alter(path, f"UPDATE meta SET value = '{own_id}' WHERE key = 'device_id'")
    return path
