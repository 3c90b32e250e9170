"""The history of several computers read as one (layout.py says where the files are).

Every device file in `history/` is read read-only, from a copy in memory taken whole (so a
file replaced by the sync engine meanwhile cannot be read half old, half new), and never
written. Its records are merged into one in-memory database with the store's own tables, so
that every query of the store reads the merge unchanged:

- a record is kept once, by its uid (schema version 6), whatever the number of files holding
  it (a conflict copy, a migrated copy of the same single file on two computers);
- where copies of one record differ, the copy of the computer that made it wins, and among one
  computer's copies the most advanced: a session that went further, the safety answers marked
  as checked, an activity removed (ownership.py);
- every other file is checked first (peer_schema.py, peer_rows.py): a file whose schema is not
  the app's is left out whole, a record that is not valid or is dated ahead of this computer's
  clock is left out (counted, for `devices` and `doctor`);
- records are numbered in the order of the instants they describe (aware times, compared as
  instants, so zones and daylight saving time do not matter), ties broken by uid, so every
  computer shows the same order;
- a file that cannot be read as a whole (half copied, damaged, not a database, written by a
  newer backroutine) is left out with a notice, and read again when it changes.

The merge is read again only when a file changes (size, mtime, inode; this computer's own file
by SQLite's change counters) or when a record held back for being ahead of the clock comes due,
so reading twice costs one stat per file. The other files are read by `refresh()` before the
store's lock is taken, never under it. A write here is applied
to the merged database in place (merged.py); another computer's file changing is read again
alone (the others stay in memory) and the merge built again from them.
"""

from __future__ import annotations

import os
import sqlite3
import threading
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path

from backroutine.core.history.common import DB_NAME
from backroutine.core.history.layout import history_folder, source_files
from backroutine.core.history.merged import MergedState, build
from backroutine.core.history.seen import SeenDevice, SeenDevices
from backroutine.core.history.sources import (
    NOT_OURS,
    DeviceSummary,
    Source,
    Unreadable,
    _stem,
    load_file,
    read_source,
)
from backroutine.core.text import escaped

Stat = tuple[int, int, int]  # size, mtime, inode

__all__ = ["DeviceSummary", "Merge", "Source", "Unreadable", "build", "load_file", "read_source"]


class Merge:
    """The merged history of a shared data folder, rebuilt when one of its files changes."""

    def __init__(self, data_dir: Path, own: Path, device: str, notices: list[str]) -> None:
        self.data_dir = Path(data_dir)
        self.own = own
        self.device = device
        self.notices = notices  # the store's: each problem is said once
        self.problems: dict[Path, str] = {}  # the files left out of the merge now, and why
        self._said: set[tuple[Path, str]] = set()
        self._cache: dict[Path, tuple[Stat, Source | None]] = {}
        self._signature: object = None
        self._stats: list[tuple[Path, Stat]] = []  # the other files, as read
        self._state: MergedState | None = None  # the merged database and what made it
        self.seen = SeenDevices(self.data_dir)  # the devices seen before (seen.py)
        self._observed: object = None  # the other files as they were when last noted there
        # The other files are read by refresh(), never with the store's lock held (a slow or
        # hostile file must not hold up a write here); reader() merges what it last read.
        self._loading = threading.Lock()
        self._snapshot: tuple[list[tuple[Path, Stat]], dict[Path, Source | None]] | None = None
        self._merged: dict[Path, Source | None] = {}  # the other files as merged now

    def others(self) -> list[Path]:
        files = [path for path in source_files(self.data_dir) if path != self.own]
        legacy = self.data_dir / DB_NAME  # an older backroutine's single file, synced in
        if legacy.is_file() and not legacy.is_symlink():
            files.append(legacy)
        return files

    def refresh(self, *, wait: bool = True) -> None:
        """Read again the other files that changed, for reader() to merge. Called without the
        store's lock; `wait` False: when another thread is reading them, go on with what was
        read before (a write must not wait for a slow file)."""
        # Never read at all yet: wait, or reader() would read them under the store's lock.
        if not self._loading.acquire(blocking=wait or self._snapshot is None):
            return
        try:
            others = self.others()
            now = datetime.now(UTC)
            stats = [(path, _stat(path)) for path in others]
            loaded = {path: self._load(path, stat, now) for path, stat in stats}
            for path in set(self._cache) - set(others):
                del self._cache[path]  # gone from the folder
                self.problems.pop(path, None)
            self._snapshot = (stats, loaded)
        finally:
            self._loading.release()

    def reader(self, own: sqlite3.Connection, *, always: bool = False) -> sqlite3.Connection | None:
        """The merged database, or None when this computer's file is the only one (then the
        store reads its own file, exactly as one computer alone); `always`: build it anyway.
        The other files are those refresh() read last (read now only when never read)."""
        if self._snapshot is None:
            self.refresh()
        assert self._snapshot is not None
        stats, loaded = self._snapshot
        if not stats and not always:
            self._drop()
            self._note_devices([])
            return None
        (version,) = own.execute("PRAGMA data_version").fetchone()
        # A file read again with the same stat (records held back whose time came) is a change.
        signature = (own.total_changes, version, stats, [id(loaded[path]) for path, _ in stats])
        state = self._state
        if state is not None and signature == self._signature:
            return state.memory
        mine = read_source(own, self.own, self.device)
        if state is not None and self._update(state, mine, own, stats, loaded):
            self._signature, self._stats, self._merged = signature, stats, loaded
            self._note_devices(stats)
            return state.memory
        sources = [mine] + [source for _path, source in loaded.items() if source is not None]
        self._drop()
        self._state, self._signature = MergedState(sources, own, self.device), signature
        self._stats, self._merged = stats, loaded
        self._note_devices(stats)
        return self._state.memory

    def _update(
        self,
        state: MergedState,
        mine: Source,
        own: sqlite3.Connection,
        stats: list[tuple[Path, Stat]],
        loaded: dict[Path, Source | None],
    ) -> bool:
        """Bring the merged database up to date in place (merged.py): this computer's file,
        then each other file that changed, read again alone. False when it must be built
        again (a file come or gone, or a change a full build must make)."""
        before = dict(self._stats)
        if before.keys() != {path for path, _stat in stats} or not state.apply_own(mine, own):
            return False
        for path, stat in stats:
            source = loaded[path]
            if before[path] == stat and source is self._merged.get(path):
                continue
            index = None if source is None else state.index_of(source)
            if source is None or index is None or not state.apply(index, source, own):
                return False
        return True

    @property
    def summaries(self) -> list[DeviceSummary]:
        """Who gave what to the merge as last read (empty when it was not needed)."""
        return [] if self._state is None else self._state.summaries()

    def gone(self) -> list[SeenDevice]:
        """The devices seen before whose file is no longer in the folder."""
        return self.seen.gone()

    def _note_devices(self, stats: list[tuple[Path, tuple[int, int, int]]]) -> None:
        """Note the devices merged now (seen.py), when the other files changed: a device seen
        before whose file has gone is said once."""
        if stats == self._observed:
            return
        self._observed = stats
        state = self._state
        counts = {} if state is None else state.records_by_device()
        by_name = {path.name: path for path, _stat in stats}  # one look-up a device, not a scan
        present = {
            device: (name, records, _device_file(self.data_dir, device, by_name))
            for device, (name, records) in counts.items()
            if device != self.device
        }
        files = {_stem(path) for path, _stat in stats} | set(present)
        for notice in self.seen.observe(present, files):
            self.notices.append(notice)

    def close(self) -> None:
        self._drop()

    def _drop(self) -> None:
        if self._state is not None:
            self._state.close()
            self._state, self._signature = None, None

    def _load(self, path: Path, stat: Stat, now: datetime) -> Source | None:
        cached = self._cache.get(path)
        if cached is not None and cached[0] == stat:
            held = cached[1].held_until if cached[1] is not None else None
            if held is None or now < held:
                return cached[1]
        try:
            source: Source | None = load_file(path, now)
            if source is not None and source.device == self.device:
                raise Unreadable(
                    "it says it is this computer's file (the same device id) but is not: "
                    "a copy of it, or of this computer's config folder, made elsewhere"
                )
        except Unreadable as exc:
            source = None
            why = str(exc)
            self.problems[path] = why
            if (path, why) not in self._said:
                self._said.add((path, why))
                # A half-copied file is the usual reason, and a sync finishing ends it.
                usual = not why.startswith((NOT_OURS, "it says it is this computer's"))
                self.notices.append(
                    f"The history file {escaped(str(path), one_line=True)} is left out just "
                    f"now ({escaped(why, one_line=True)}): it is left as it is, its records "
                    "are not shown, and it is read again when it changes"
                    + (" (a sync still under way ends that way)." if usual else ".")
                )
        else:
            self.problems.pop(path, None)
        self._cache[path] = (stat, source)
        return source


def _device_file(data_dir: Path, device: str, by_name: Mapping[str, Path]) -> str:
    """A device's own file (not a conflict copy), as it would be named."""
    wanted = f"{device}.sqlite3"
    found = by_name.get(wanted)
    return str(found if found is not None else history_folder(data_dir) / wanted)


def _stat(path: Path) -> Stat:
    try:
        info = os.stat(path)
    except OSError:
        return (-1, -1, -1)
    return (info.st_size, info.st_mtime_ns, info.st_ino)
