"""The merged database of several history files (merge.py reads them), and keeping it up to
date as this computer writes, without building it again.

A full build puts every record of every file into a new in-memory database: costly with
several devices (each insert checks its row and fills the indexes). But a write here changes
only this computer's file, and almost always adds a record at the end of its table (a
check-in, a break, a session now) or updates one already there (a session going on, safety
answers marked as checked). `MergedState.apply_own` does just that to the merged database,
giving the very rows a full build would (same ids, same order); anything else (a record
added in the past, a record removed, an activity added or removed, another file changed)
builds it all again.
"""

from __future__ import annotations

import sqlite3
from collections import Counter
from collections.abc import Callable
from datetime import datetime
from operator import itemgetter
from typing import cast

from backroutine.core.history.ownership import _FRESHER, makers, pick
from backroutine.core.history.schema import migrate
from backroutine.core.history.sources import (
    _COLUMNS,
    _EARLIEST,
    DeviceSummary,
    Row,
    Source,
    instant,
)

# The moment a record describes, for the order: the column's place in _COLUMNS.
_MOMENT = {
    "sessions": 4,
    "checkins": 2,
    "red_flag_answers": 1,
    "breaks": 1,
    "activities": 4,
    "activity_ratings": 3,
    "checkin_corrections": 2,
}
Key = tuple[datetime, str]


def _stored(columns: tuple[str, ...]) -> Callable[[Row], Row]:
    """A row as the merged table stores it: every column but the file's own local id."""
    places = [place for place, column in enumerate(columns) if column != "id"]
    pick = itemgetter(*places)  # several places: gives a tuple
    return lambda row: cast(Row, pick(row))


_STORED = {table: _stored(columns) for table, columns in _COLUMNS.items()}


def build(
    sources: list[Source], own: sqlite3.Connection, device: str
) -> tuple[sqlite3.Connection, list[DeviceSummary]]:
    """The merged database of the sources (this computer's first) and who gave what."""
    state = MergedState(sources, own, device)
    return state.memory, state.summaries()


class MergedState:
    """The merged database and what it was made of, to bring it up to date cheaply."""

    def __init__(self, sources: list[Source], own: sqlite3.Connection, device: str) -> None:
        self.sources = sources  # this computer's first
        self.device = device
        devices = makers(sources)
        every: dict[str, dict[str, dict[int, Row]]] = {table: {} for table in _COLUMNS}
        for index, source in enumerate(sources):
            for table, rows in source.rows.items():
                for row in rows:
                    if isinstance(row[0], str):  # a row no migration gave an id: left out
                        every[table].setdefault(row[0], {}).setdefault(index, row)
        self.chosen: dict[str, dict[str, tuple[Row, int]]] = {
            table: {uid: pick(table, copies, devices) for uid, copies in by_uid.items()}
            for table, by_uid in every.items()
        }
        ordered = {
            table: sorted(rows.values(), key=_order(table)) for table, rows in self.chosen.items()
        }
        self.last: dict[str, Key | None] = {
            table: _key(table, items[-1][0]) if items else None for table, items in ordered.items()
        }
        self.next_id = {table: len(items) + 1 for table, items in ordered.items()}
        self.ids: dict[str, dict[object, int]] = {}
        self.local: dict[str, dict[tuple[int, object], str]] = {
            table: {(index, row[1]): cast(str, row[0]) for row, index in ordered[table]}
            for table in ("checkins", "activities")
        }
        # Every copy's local id leads to the kept record too (a conflict copy's ratings).
        for table in ("checkins", "activities"):
            for index, source in enumerate(sources):
                for row in source.rows[table]:
                    self.local[table].setdefault((index, row[1]), cast(str, row[0]))
        self.same_as: dict[str, str] = {}  # an activity added on two computers: one row
        self._all_copies: dict[str, dict[str, dict[int, Row]]] | None = None
        self._summaries: list[DeviceSummary] | None = None
        self.memory = sqlite3.connect(":memory:", isolation_level=None, check_same_thread=False)
        migrate(self.memory)
        self.memory.execute("BEGIN")
        current_keys: dict[object, str] = {}
        for table, items in ordered.items():
            ids = self.ids.setdefault(table, {})
            batch: list[Row] = []
            for number, (row, index) in enumerate(items, start=1):
                if table == "activities" and row[5] is None:
                    first = current_keys.setdefault(row[3], cast(str, row[0]))
                    if first != row[0]:
                        self.same_as[cast(str, row[0])] = first
                        continue
                batch.append((number, *self._values(table, row, index)))
                ids[row[0]] = number
            self.memory.executemany(_insert(table), batch)
        self._copy_settings(own)
        self.memory.execute("COMMIT")

    def close(self) -> None:
        self.memory.close()

    def summaries(self) -> list[DeviceSummary]:
        if self._summaries is None:
            self._summaries = _summaries(self.sources, self.chosen, self.device)
        return self._summaries

    def records_by_device(self) -> dict[str, tuple[str, int]]:
        """Each device read: its name and how many records the merge keeps from it (cheaper
        than the summaries: no time read)."""
        kept = Counter(index for rows in self.chosen.values() for _row, index in rows.values())
        found: dict[str, tuple[str, int]] = {}
        for index, source in enumerate(self.sources):
            name, count = found.get(source.device, (source.name or "", 0))
            if source.name and source.path.name == f"{source.device}.sqlite3":
                name = source.name  # the device's own file says its name best
            found[source.device] = (name or "a computer with no name", count + kept[index])
        return found

    def apply_own(self, source: Source, own: sqlite3.Connection) -> bool:
        """Bring the merged database up to date with this computer's file as now read; False
        (nothing done) when it must be built again."""
        return self.apply(0, source, own)

    def index_of(self, source: Source) -> int | None:
        """The place among the sources of the file `source` was read from, if it was read."""
        for index, known in enumerate(self.sources):
            if known.path == source.path and index > 0:
                return index
        return None

    def apply(self, index: int, source: Source, own: sqlite3.Connection) -> bool:
        """Bring the merged database up to date with one file as now read (`index`: its place
        among the sources, 0 for this computer's), when its records were only added at the
        end or updated in place; False (nothing done) when it must be built again."""
        plan = self._plan(index, source)
        if plan is None:
            return False
        self.memory.execute("BEGIN")
        try:
            for table, number, values, new in plan:
                if new:
                    self.memory.execute(_insert(table), (number, *values))
                else:
                    columns = [c for c in _COLUMNS[table] if c != "id"]
                    assignments = ", ".join(f"{column} = ?" for column in columns)
                    self.memory.execute(
                        f"UPDATE {table} SET {assignments} WHERE id = ?", (*values, number)
                    )
            if index == 0:
                self.memory.execute("DELETE FROM settings")
                self._copy_settings(own)
            self.memory.execute("COMMIT")
        except BaseException:
            self.memory.execute("ROLLBACK")
            raise
        copies = self._copies()
        for table in copies:
            for row in source.rows[table]:
                if isinstance(row[0], str):
                    copies[table].setdefault(row[0], {})[index] = row
        self.sources[index] = source
        self._summaries = None
        return True

    # -- the plan of an update --------------------------------------------------------------

    def _plan(self, index: int, source: Source) -> list[tuple[str, int, Row, bool]] | None:
        """What to insert or update, table by table; None when a full build is needed. The
        state (chosen rows, ids, local ids) is changed only when the whole plan holds."""
        old = self.sources[index]
        plan: list[tuple[str, int, Row, bool]] = []
        chosen = {table: dict(rows) for table, rows in self.chosen.items()}
        ids = {table: dict(numbers) for table, numbers in self.ids.items()}
        local = {table: dict(numbers) for table, numbers in self.local.items()}
        last, next_id = dict(self.last), dict(self.next_id)
        for table in _COLUMNS:
            before = {row[0]: row for row in old.rows[table]}
            after = {row[0]: row for row in source.rows[table]}
            if before.keys() - after.keys():
                return None  # a record removed
            changed = [row for uid, row in after.items() if before.get(uid) != row]
            if not changed:
                continue
            if table == "activities" or not all(isinstance(row[0], str) for row in changed):
                return None  # an activity added, removed or renamed: one row for two
            for row in sorted(changed, key=lambda row: _key(table, row)):
                uid, key = cast(str, row[0]), _key(table, row)
                if table in local and local[table].setdefault((index, row[1]), uid) != uid:
                    return None  # a local id now naming another record: another file
                kept = chosen[table].get(uid)
                if kept is not None:
                    winner = self._winner(table, uid, row, index, kept)
                    if _key(table, winner[0]) != _key(table, kept[0]) or uid not in ids[table]:
                        return None  # its place in the order moved
                    chosen[table][uid] = winner
                    values = self._values(table, winner[0], winner[1], local=local, ids=ids)
                    plan.append((table, ids[table][uid], values, False))
                else:
                    latest = last[table]
                    if latest is not None and key <= latest:
                        return None  # added before the latest record: the ids would move
                    number = next_id[table]
                    chosen[table][uid] = (row, index)
                    ids[table][uid] = number
                    last[table], next_id[table] = key, number + 1
                    values = self._values(table, row, index, local=local, ids=ids)
                    plan.append((table, number, values, True))
        self.chosen, self.ids, self.local, self.last, self.next_id = (
            chosen, ids, local, last, next_id
        )  # fmt: skip
        return plan

    def _winner(
        self, table: str, uid: str, row: Row, index: int, kept: tuple[Row, int]
    ) -> tuple[Row, int]:
        """The copy of a record the full build would keep, now that file `index` holds `row`:
        the first file's, replaced only by a fresher copy (in the order of the files)."""
        if table not in _FRESHER:  # the first file holding it
            return kept if kept[1] < index else (row, index)
        copies = dict(self._copies()[table].get(uid, {}))
        copies[index] = row
        return pick(table, copies, makers(self.sources))

    def _copies(self) -> dict[str, dict[str, dict[int, Row]]]:
        """Every file's copy of each record whose copies may differ (sessions, safety
        answers): record -> file -> row. Made when first needed."""
        if self._all_copies is None:
            found: dict[str, dict[str, dict[int, Row]]] = {table: {} for table in _FRESHER}
            for index, source in enumerate(self.sources):
                for table, copies in found.items():
                    for row in source.rows[table]:
                        if isinstance(row[0], str):
                            copies.setdefault(row[0], {})[index] = row
            self._all_copies = found
        return self._all_copies

    def _values(
        self,
        table: str,
        row: Row,
        index: int,
        *,
        local: dict[str, dict[tuple[int, object], str]] | None = None,
        ids: dict[str, dict[object, int]] | None = None,
    ) -> Row:
        """A record's columns as the merged table holds them (no local id; a rating's
        activity and check-in by their merged ids)."""
        if table != "activity_ratings":
            return _STORED[table](row)
        local = self.local if local is None else local
        ids = self.ids if ids is None else ids
        values = dict(zip(_COLUMNS[table], row, strict=True))
        activity = local["activities"].get((index, values["activity_id"]))
        activity = self.same_as.get(cast(str, activity), activity)
        values["activity_id"] = ids["activities"].get(activity)
        checkin = local["checkins"].get((index, values["checkin_id"]))
        values["checkin_id"] = ids["checkins"].get(checkin)
        return tuple(values[c] for c in _COLUMNS[table] if c != "id")

    def _copy_settings(self, own: sqlite3.Connection) -> None:
        self.memory.executemany(
            "INSERT INTO settings (key, value) VALUES (?, ?)",
            own.execute("SELECT key, value FROM settings").fetchall(),
        )


def _insert(table: str) -> str:
    columns = [c for c in _COLUMNS[table] if c != "id"]
    marks = ", ".join("?" * (len(columns) + 1))
    return f"INSERT OR IGNORE INTO {table} (id, {', '.join(columns)}) VALUES ({marks})"


def _key(table: str, row: Row) -> Key:
    return (instant(row[_MOMENT[table]]), str(row[0]))


def _order(table: str) -> Callable[[tuple[Row, int]], Key]:
    """By the instant the record describes, then by uid: the same order on every computer."""
    place = _MOMENT[table]
    return lambda item: (instant(item[0][place]), str(item[0][0]))


def _summaries(
    sources: list[Source], chosen: dict[str, dict[str, tuple[Row, int]]], device: str
) -> list[DeviceSummary]:
    found: dict[str, DeviceSummary] = {}
    for source in sources:
        summary = found.setdefault(
            source.device,
            DeviceSummary(source.device, source.name or "", source.device == device),
        )
        summary.files.append(str(source.path))
        summary.left_out.update(source.left_out)
        if source.name and (not summary.name or source.path.name == f"{source.device}.sqlite3"):
            summary.name = source.name  # the device's own file says its name best
    for table, items in chosen.items():
        for row, index in items.values():
            summary = found[sources[index].device]
            summary.counts[table] = summary.counts.get(table, 0) + 1
            moment = instant(row[_MOMENT[table]])
            if moment != _EARLIEST and (summary.last is None or moment > summary.last):
                summary.last = moment
    for summary in found.values():
        summary.name = summary.name or "a computer with no name"
    return sorted(found.values(), key=lambda s: (not s.this, s.name.casefold(), s.id))
