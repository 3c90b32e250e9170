"""The records of one history file, as the merge reads them (merge.py): read-only, from a copy
in memory taken whole; its schema checked before anything in it runs (peer_schema.py), brought
to the latest schema in memory only, under a time budget, and its rows checked one by one
(peer_rows.py)."""

from __future__ import annotations

import sqlite3
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import cast

from backroutine.core.history import peer_schema
from backroutine.core.history.peer_rows import check_rows
from backroutine.core.history.schema import SCHEMA_VERSION, migrate
from backroutine.core.text import escaped

Row = tuple[object, ...]

# What is read of each table; uid first, then the local id where other rows refer to it.
_COLUMNS: dict[str, tuple[str, ...]] = {
    "sessions": (
        "uid", "routine_id", "routine_name", "category", "started_at", "ended_at", "status",
        "active_seconds", "steps_done", "steps_total", "reason", "level",
    ),
    "checkins": ("uid", "id", "at", "pain", "spasms", "note", "new_episode", "created_at"),
    "red_flag_answers": ("uid", "answered_at", "yes", "checked_at", "question_set"),
    "breaks": ("uid", "at", "outcome", "routine_id", "minutes"),
    "activities": ("uid", "id", "name", "key", "added_at", "removed_at"),
    "activity_ratings": ("uid", "activity_id", "checkin_id", "at", "score", "created_at"),
    "checkin_corrections": (
        "uid", "checkin_uid", "at", "deleted", "pain", "spasms", "note", "device",
    ),
}  # fmt: skip
_EARLIEST = datetime.min.replace(tzinfo=UTC)
NOT_OURS = "not a history as backroutine writes it"
_ROW_PROBLEMS = ("CHECK constraint failed", "NULL value in ")


class Unreadable(Exception):
    """A device file that cannot be read as a whole just now; the message says why."""


@dataclass
class Source:
    """The records of one file, as read."""

    path: Path
    device: str  # the id of the device that writes it
    name: str | None  # that device's name, as it wrote it
    rows: dict[str, list[Row]]
    # Another computer's records left out (peer_rows.py): why -> how many.
    left_out: Counter[str] = field(default_factory=Counter)
    # The earliest time of a record held back because it is dated later than now here: the
    # file is read again once that time has come.
    held_until: datetime | None = None


@dataclass
class DeviceSummary:
    """One device whose records are merged: what `backroutine devices` shows."""

    id: str
    name: str
    this: bool
    files: list[str] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)  # table -> records kept from it
    last: datetime | None = None  # the latest moment one of its records describes
    left_out: Counter[str] = field(default_factory=Counter)  # why -> records not merged

    def left_out_lines(self) -> list[str]:
        """ "N records of COMPUTER left out: why", one line per reason (the name escaped)."""
        name = escaped(self.name, one_line=True)
        return [
            f"{count} record{'s'[: count != 1]} of {name} left out: {why}"
            for why, count in sorted(self.left_out.items())
        ]

    def to_dict(self) -> dict[str, object]:
        return {
            "id": self.id,
            "name": self.name,
            "this": self.this,
            "files": self.files,
            "sessions": self.counts.get("sessions", 0),
            "checkins": self.counts.get("checkins", 0),
            "breaks": self.counts.get("breaks", 0),
            "safety_answers": self.counts.get("red_flag_answers", 0),
            "ratings": self.counts.get("activity_ratings", 0),
            "last_record": None if self.last is None else self.last.isoformat(),
            "left_out": [
                {"why": why, "records": count} for why, count in sorted(self.left_out.items())
            ],
        }


def read_source(connection: sqlite3.Connection, path: Path, device: str | None) -> Source:
    """The records of a database at the latest schema (the caller checked and migrated it)."""
    rows = {
        table: connection.execute(f"SELECT {', '.join(columns)} FROM {table}").fetchall()
        for table, columns in _COLUMNS.items()
    }
    meta = dict(connection.execute("SELECT key, value FROM meta").fetchall())
    stem = _stem(path)
    claimed = meta.get("device_id")
    device = device or (claimed if isinstance(claimed, str) and claimed else stem)
    name = meta.get("device_name")
    # A correction is a record of the computer whose file holds it, whatever the row says
    # (one written before the folder was shared says no computer at all).
    rows["checkin_corrections"] = [(*row[:-1], device) for row in rows["checkin_corrections"]]
    return Source(path, device, name if isinstance(name, str) else None, rows)


def load_file(path: Path, now: datetime | None = None) -> Source:
    """Another computer's file read whole into memory, its schema checked before anything in
    it runs, brought to the latest schema in memory only, its rows checked against `now`
    (this computer's clock); Unreadable when it cannot be used."""
    deadline = time.monotonic() + peer_schema.READ_BUDGET_SECONDS
    memory = sqlite3.connect(":memory:", isolation_level=None)
    try:
        try:
            peer_schema.guard(memory, deadline)
            # immutable: no lock, no journal looked at or rolled back (the file is another
            # computer's; nothing here may change it, not even a hot journal's recovery).
            source = sqlite3.connect(f"{path.absolute().as_uri()}?mode=ro&immutable=1", uri=True)
            try:
                peer_schema.guard(source, deadline)
                peer_schema.read_only(source)
                source.backup(memory)
            finally:
                source.close()
            (version,) = memory.execute("PRAGMA user_version").fetchone()
            if version > SCHEMA_VERSION:
                raise Unreadable(f"written by a newer backroutine (schema {version})")
            if version < 1:
                raise Unreadable("not a backroutine history")
            # Before the integrity check and the migration: both would run what is in it.
            peer_schema.check_schema(memory, version)
            _check_whole(memory)
            migrate(memory)
            peer_schema.read_only(memory)
            loaded = read_source(memory, path, None)
        except peer_schema.NotOurs as exc:
            raise Unreadable(f"{NOT_OURS}: {exc}") from None
        except sqlite3.Error as exc:
            if time.monotonic() > deadline:
                raise Unreadable(
                    f"reading it took more than {peer_schema.READ_BUDGET_SECONDS:g} s"
                ) from None
            raise Unreadable(str(exc)) from None
        except Exception as exc:  # a damaged file may fail in ways of its own
            if isinstance(exc, Unreadable):
                raise
            raise Unreadable(f"{type(exc).__name__}: {exc}") from None
    finally:
        memory.close()
    checked = check_rows(loaded.rows, now)
    loaded.left_out, loaded.held_until = checked.left_out, checked.held_until
    return loaded


def _check_whole(connection: sqlite3.Connection) -> None:
    """Unreadable when the file is damaged. A row that breaks a CHECK or NOT NULL is not
    damage: the row check (peer_rows.py) leaves that one row out, and the rest is merged."""
    found = [str(row[0]) for row in connection.execute("PRAGMA quick_check").fetchall()]
    damage = [
        line
        for text in found
        for line in text.splitlines()
        if line != "ok" and line[:3] != "***" and not line.startswith(_ROW_PROBLEMS)
    ]
    if damage:
        raise Unreadable(f"integrity check: {'; '.join(damage[:3])}")


def instant(text: object) -> datetime:
    """A stored time as an aware instant (the earliest one for what cannot be read)."""
    try:
        moment = datetime.fromisoformat(cast(str, text))
    except (TypeError, ValueError):
        return _EARLIEST
    return moment if moment.utcoffset() is not None else _EARLIEST


def _stem(path: Path) -> str:
    """The device id a file's name starts with (conflict copies keep it)."""
    return path.name.split(".")[0].split(" ")[0]
