"""The history of several computers read as one (layout.py says where the files are).

Every device file in `history/` is read read-only, from a copy in memory taken whole (so a
file replaced by the sync engine meanwhile cannot be read half old, half new), and never
written. Its records are merged into one in-memory database with the store's own tables, so
that every query of the store reads the merge unchanged:

- a record is kept once, by its uid (schema version 6), whatever the number of files holding
  it (a conflict copy, a migrated copy of the same single file on two computers);
- where copies of one record differ, the most advanced wins: a session that went further, the
  safety answers marked as checked, an activity removed;
- records are numbered in the order of the instants they describe (aware times, compared as
  instants, so zones and daylight saving time do not matter), ties broken by uid, so every
  computer shows the same order;
- a file that cannot be read as a whole (half copied, damaged, not a database, written by a
  newer backroutine) is left out with a notice, and read again when it changes.

The merge is rebuilt only when a file changes (size, mtime, inode; this computer's own file by
SQLite's change counters), so reading twice costs one stat per file.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import cast

from backroutine.core.history.common import DB_NAME
from backroutine.core.history.layout import source_files
from backroutine.core.history.schema import SCHEMA_VERSION, migrate
from backroutine.core.history.sqlite import _check_intact

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
}  # fmt: skip
_EARLIEST = datetime.min.replace(tzinfo=UTC)


class Unreadable(Exception):
    """A device file that cannot be read as a whole just now; the message says why."""


@dataclass
class Source:
    """The records of one file, as read."""

    path: Path
    device: str  # the id of the device that writes it
    name: str | None  # that device's name, as it wrote it
    rows: dict[str, list[Row]]


@dataclass
class DeviceSummary:
    """One device whose records are merged: what `backroutine devices` shows."""

    id: str
    name: str
    this: bool
    files: list[str] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)  # table -> records kept from it
    last: datetime | None = None  # the latest moment one of its records describes

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
        }


def read_source(connection: sqlite3.Connection, path: Path, device: str | None) -> Source:
    """The records of a database at the latest schema (the caller checked and migrated it)."""
    rows = {
        table: connection.execute(f"SELECT {', '.join(columns)} FROM {table}").fetchall()
        for table, columns in _COLUMNS.items()
    }
    meta = dict(connection.execute("SELECT key, value FROM meta").fetchall())
    stem = path.name.split(".")[0].split(" ")[0]
    return Source(path, device or str(meta.get("device_id") or stem), meta.get("device_name"), rows)


def load_file(path: Path) -> Source:
    """A device file read whole into memory, checked, and brought to the latest schema in
    memory only; Unreadable when it cannot be."""
    memory = sqlite3.connect(":memory:", isolation_level=None)
    try:
        try:
            # immutable: no lock, no journal looked at or rolled back (the file is another
            # computer's; nothing here may change it, not even a hot journal's recovery).
            source = sqlite3.connect(f"{path.absolute().as_uri()}?mode=ro&immutable=1", uri=True)
            try:
                source.backup(memory)
            finally:
                source.close()
            _check_intact(memory)
            (version,) = memory.execute("PRAGMA user_version").fetchone()
            if version > SCHEMA_VERSION:
                raise Unreadable(f"written by a newer backroutine (schema {version})")
            if version < 1:
                raise Unreadable("not a backroutine history")
            migrate(memory)
            return read_source(memory, path, None)
        except sqlite3.Error as exc:
            raise Unreadable(str(exc)) from None
        except Exception as exc:  # a damaged file may fail in ways of its own
            if isinstance(exc, Unreadable):
                raise
            raise Unreadable(f"{type(exc).__name__}: {exc}") from None
    finally:
        memory.close()


def instant(text: object) -> datetime:
    """A stored time as an aware instant (the earliest one for what cannot be read)."""
    try:
        moment = datetime.fromisoformat(cast(str, text))
    except (TypeError, ValueError):
        return _EARLIEST
    return moment if moment.utcoffset() is not None else _EARLIEST


class Merge:
    """The merged history of a shared data folder, rebuilt when one of its files changes."""

    def __init__(self, data_dir: Path, own: Path, device: str, notices: list[str]) -> None:
        self.data_dir = Path(data_dir)
        self.own = own
        self.device = device
        self.notices = notices  # the store's: each problem is said once
        self.problems: dict[Path, str] = {}  # the files left out of the merge now, and why
        self.summaries: list[DeviceSummary] = []
        self._said: set[tuple[Path, str]] = set()
        self._cache: dict[Path, tuple[tuple[int, int, int], Source | None]] = {}
        self._signature: object = None
        self._memory: sqlite3.Connection | None = None

    def others(self) -> list[Path]:
        files = [path for path in source_files(self.data_dir) if path != self.own]
        legacy = self.data_dir / DB_NAME  # an older backroutine's single file, synced in
        if legacy.is_file() and not legacy.is_symlink():
            files.append(legacy)
        return files

    def reader(self, own: sqlite3.Connection, *, always: bool = False) -> sqlite3.Connection | None:
        """The merged database, or None when this computer's file is the only one (then the
        store reads its own file, exactly as one computer alone); `always`: build it anyway."""
        others = self.others()
        if not others and not always:
            self.summaries = []
            return None
        stats = [(path, _stat(path)) for path in others]
        (version,) = own.execute("PRAGMA data_version").fetchone()
        signature = (own.total_changes, version, stats)
        if self._memory is not None and signature == self._signature:
            return self._memory
        sources = [read_source(own, self.own, self.device)]
        for path, stat in stats:
            source = self._load(path, stat)
            if source is not None:
                sources.append(source)
        memory, self.summaries = build(sources, own, self.device)
        if self._memory is not None:
            self._memory.close()
        self._memory, self._signature = memory, signature
        return memory

    def close(self) -> None:
        if self._memory is not None:
            self._memory.close()
            self._memory = None

    def _load(self, path: Path, stat: tuple[int, int, int]) -> Source | None:
        cached = self._cache.get(path)
        if cached is not None and cached[0] == stat:
            return cached[1]
        try:
            source: Source | None = load_file(path)
        except Unreadable as exc:
            source = None
            self.problems[path] = str(exc)
            if (path, str(exc)) not in self._said:
                self._said.add((path, str(exc)))
                self.notices.append(
                    f"The history file {path} could not be read just now ({exc}); it is left "
                    "as it is, its records are not shown, and it is read again when it "
                    "changes (a sync still under way ends that way)."
                )
        else:
            self.problems.pop(path, None)
        self._cache[path] = (stat, source)
        return source


def _stat(path: Path) -> tuple[int, int, int]:
    try:
        info = os.stat(path)
    except OSError:
        return (-1, -1, -1)
    return (info.st_size, info.st_mtime_ns, info.st_ino)


# -- building the merge ----------------------------------------------------------------------

# Of two copies of a record, the one to keep: the higher key.
_FRESHER: dict[str, Callable[[Row], tuple[object, ...]]] = {
    "sessions": lambda row: (instant(row[5]), row[6] != "interrupted", row[8]),
    "red_flag_answers": lambda row: (row[3] is not None, instant(row[3])),
    "activities": lambda row: (row[5] is not None, instant(row[5])),
}
# The moment a record describes, for the order: the column's place in _COLUMNS.
_MOMENT = {
    "sessions": 4,
    "checkins": 2,
    "red_flag_answers": 1,
    "breaks": 1,
    "activities": 4,
    "activity_ratings": 3,
}


def build(
    sources: list[Source], own: sqlite3.Connection, device: str
) -> tuple[sqlite3.Connection, list[DeviceSummary]]:
    """The merged database of the sources (this computer's first) and who gave what."""
    chosen: dict[str, dict[str, tuple[Row, int]]] = {table: {} for table in _COLUMNS}
    for index, source in enumerate(sources):
        for table, rows in source.rows.items():
            kept = chosen[table]
            fresher = _FRESHER.get(table)
            for row in rows:
                uid = row[0]
                if not isinstance(uid, str):
                    continue  # a row no migration gave an id: cannot be merged safely
                earlier = kept.get(uid)
                if earlier is None or (fresher is not None and fresher(row) > fresher(earlier[0])):
                    kept[uid] = (row, index)
    ordered = {table: sorted(rows.values(), key=_order(table)) for table, rows in chosen.items()}
    memory = sqlite3.connect(":memory:", isolation_level=None, check_same_thread=False)
    migrate(memory)
    memory.execute("BEGIN")
    new_ids: dict[str, dict[object, int]] = {}
    local: dict[str, dict[tuple[int, object], str]] = {
        table: {(index, row[1]): cast(str, row[0]) for row, index in ordered[table]}
        for table in ("checkins", "activities")
    }
    # Every copy's local id leads to the kept record too (a conflict copy's ratings).
    for table in ("checkins", "activities"):
        for index, source in enumerate(sources):
            for row in source.rows[table]:
                local[table].setdefault((index, row[1]), cast(str, row[0]))
    current_keys: dict[object, str] = {}
    same_as: dict[str, str] = {}  # an activity added on two computers: one row for both
    for table, items in ordered.items():
        columns = [c for c in _COLUMNS[table] if c != "id"]
        ids = new_ids.setdefault(table, {})
        batch: list[Row] = []
        for number, (row, index) in enumerate(items, start=1):
            values = dict(zip(_COLUMNS[table], row, strict=True))
            if table == "activities" and values["removed_at"] is None:
                first = current_keys.setdefault(values["key"], cast(str, values["uid"]))
                if first != values["uid"]:
                    same_as[cast(str, values["uid"])] = first
                    continue
            if table == "activity_ratings":
                activity = local["activities"].get((index, values["activity_id"]))
                activity = same_as.get(cast(str, activity), activity)
                values["activity_id"] = new_ids["activities"].get(activity)
                checkin = local["checkins"].get((index, values["checkin_id"]))
                values["checkin_id"] = new_ids["checkins"].get(checkin)
            batch.append((number, *(values[c] for c in columns)))
            ids[values["uid"]] = number
        marks = ", ".join("?" * (len(columns) + 1))
        memory.executemany(
            f"INSERT OR IGNORE INTO {table} (id, {', '.join(columns)}) VALUES ({marks})", batch
        )
    memory.executemany(
        "INSERT INTO settings (key, value) VALUES (?, ?)",
        own.execute("SELECT key, value FROM settings").fetchall(),
    )
    memory.execute("COMMIT")
    return memory, _summaries(sources, ordered, device)


def _order(table: str) -> Callable[[tuple[Row, int]], tuple[datetime, str]]:
    """By the instant the record describes, then by uid: the same order on every computer."""
    place = _MOMENT[table]
    return lambda item: (instant(item[0][place]), str(item[0][0]))


def _summaries(
    sources: list[Source], ordered: dict[str, list[tuple[Row, int]]], device: str
) -> list[DeviceSummary]:
    found: dict[str, DeviceSummary] = {}
    for source in sources:
        summary = found.setdefault(
            source.device,
            DeviceSummary(source.device, source.name or "", source.device == device),
        )
        summary.files.append(str(source.path))
        if source.name and (not summary.name or source.path.name == f"{source.device}.sqlite3"):
            summary.name = source.name  # the device's own file says its name best
    for table, items in ordered.items():
        for row, index in items:
            summary = found[sources[index].device]
            summary.counts[table] = summary.counts.get(table, 0) + 1
            moment = instant(row[_MOMENT[table]])
            if moment != _EARLIEST and (summary.last is None or moment > summary.last):
                summary.last = moment
    for summary in found.values():
        summary.name = summary.name or "a computer with no name"
    return sorted(found.values(), key=lambda s: (not s.this, s.name.casefold(), s.id))
