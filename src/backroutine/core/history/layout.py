"""Where the history lives on disk when several computers share the data folder, and the move
from one file to one file per computer.

A data folder kept in step by a file-sync engine (Syncthing, Nextcloud, Dropbox...) must never
have two computers writing one file: the engine keeps one of the two versions and the other
computer's records are lost. So there each computer (a device, core/device.py) writes only
`history/DEVICE_ID.sqlite3`, and reads the merge of every file in `history/` (merge.py).

One computer alone keeps the single `history.sqlite3`, exactly as before: the per-device
layout is used once the folder is shared, seen by a `history/` folder (made by `backroutine
devices --share`, or synced in from another computer) or by a sync engine's marker in the folder
or above it."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

from backroutine.core.history.common import _SIDE_SUFFIXES, DB_NAME, HistoryError, _Damaged
from backroutine.core.history.files import _move_no_clobber, _os_reason, copy_database

FOLDER = "history"
SUFFIX = ".sqlite3"
MIGRATED = f"{DB_NAME}.migrated"

# Files a sync engine keeps in the folder it syncs (at its top): Syncthing, Dropbox,
# Nextcloud and ownCloud. Seeing one means other computers may write this folder too.
_MARKERS = (".stfolder", ".dropbox", ".nextcloudsync.log", ".owncloudsync.log")


def history_folder(data_dir: Path) -> Path:
    return Path(data_dir) / FOLDER


def device_path(data_dir: Path, device_id: str) -> Path:
    return history_folder(data_dir) / f"{device_id}{SUFFIX}"


def is_shared(data_dir: Path) -> bool:
    """Whether this data folder uses one history file per computer."""
    folder = Path(data_dir)
    if history_folder(folder).is_dir():
        return True
    current = folder.absolute()
    while True:
        if any(os.path.lexists(current / marker) for marker in _MARKERS):
            return True
        if current.parent == current:
            return False
        current = current.parent


def history_exists(data_dir: Path) -> bool:
    """Whether the data folder holds a history to read, in either layout."""
    folder = Path(data_dir)
    # A linked history/ counts, so that opening it is tried and refused with a message.
    linked = history_folder(folder).is_symlink()
    return (folder / DB_NAME).exists() or linked or bool(source_files(folder))


# At most this many device files are read (the most recently changed): a few computers and
# their conflict copies make a handful; thousands (a folder gone wrong, or a hostile one)
# would cost seconds at every command. More are left out with a notice (too_many).
MAX_FILES = 100


def too_many(data_dir: Path) -> int | None:
    """How many device files `history/` holds when more than MAX_FILES, else None."""
    count = _scan(data_dir)[1]
    return count if count > MAX_FILES else None


def present_devices(data_dir: Path) -> set[str]:
    """The device ids of every device file in `history/`, read or not (past MAX_FILES too):
    a device whose file is there is never said to be gone (seen.py)."""
    _scan(data_dir)
    cached = _LARGE.get(history_folder(data_dir))
    if cached is not None:
        return set(cached[3])
    return {path.name.split(".")[0].split(" ")[0] for path in source_files(data_dir)}


def source_files(data_dir: Path) -> list[Path]:
    """Every device file in `history/`, conflict copies included, sorted by name.

    A sync engine's conflict copy keeps the name's start and the extension, or adds to the end:
    `ID.sync-conflict-20250102-030405-ABCDEFG.sqlite3` (Syncthing), `ID (conflicted copy
    2025-01-02).sqlite3` (Dropbox, Nextcloud), `ID.sqlite3.orig`; each is read as one more
    device file, and its records merged by id. Left out: SQLite's journal beside a file being
    written, and the engines' temporary files (`.syncthing.*.tmp`, `~syncthing~*.tmp`)."""
    return list(_scan(data_dir)[0])


# A folder with more than MAX_FILES device files: what was chosen, until the folder changes
# (its mtime, size and inode; a sync engine renames every file it writes into place). Only
# then: a folder of a few files is scanned at every read, exactly as it is.
_LARGE: dict[Path, tuple[tuple[int, int, int], list[Path], int, frozenset[str]]] = {}


def _scan(data_dir: Path) -> tuple[list[Path], int]:
    """The device files read (the MAX_FILES most recently changed), and how many there are."""
    folder = history_folder(data_dir)
    try:
        info = os.stat(folder)
        key = (info.st_mtime_ns, info.st_size, info.st_ino)
    except OSError:
        key = None
    cached = _LARGE.get(folder)
    if cached is not None and cached[0] == key:
        return cached[1], cached[2]
    entries = _source_entries(data_dir)
    count = len(entries)
    if count <= MAX_FILES:
        _LARGE.pop(folder, None)
        return sorted(Path(entry.path) for entry in entries), count
    chosen = sorted(Path(e.path) for e in sorted(entries, key=_changed, reverse=True)[:MAX_FILES])
    if key is not None:
        ids = frozenset(entry.name.split(".")[0].split(" ")[0] for entry in entries)
        _LARGE[folder] = (key, chosen, count, ids)
    return chosen, count


def _source_entries(data_dir: Path) -> list[os.DirEntry[str]]:
    folder = history_folder(data_dir)
    if folder.is_symlink():
        return []  # never read through a link (files.refuse_linked_folder says so)
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return []
    found = []
    for entry in entries:
        if not is_source_name(entry.name):
            continue
        try:
            if entry.is_file(follow_symlinks=False):
                found.append(entry)
        except OSError:
            continue
    return found


def _changed(entry: os.DirEntry[str]) -> int:
    try:
        return entry.stat(follow_symlinks=False).st_mtime_ns
    except OSError:
        return 0


def is_source_name(name: str) -> bool:
    """Whether a name in `history/` is a device file's (or a conflict copy's)."""
    if SUFFIX not in name or name.startswith((".", "~")) or name.endswith(".tmp"):
        return False
    # SQLite's, a damaged file moved aside, or a copy kept aside before a cleanup (files.py):
    # each was said when it was made.
    return not (
        name.endswith(_SIDE_SUFFIXES)
        or ".corrupt-" in name
        or ".migrating" in name
        or ".aside-" in name
    )


def adopt_single_file(data_dir: Path, own: Path) -> str | None:
    """Make the single `history.sqlite3` this computer's file (when it has none yet), with
    everything in it; the old file is kept, renamed `history.sqlite3.migrated`, never deleted.
    The notice to give, or None when there was nothing to move.

    _Damaged when the single file is not a readable database (the caller moves it aside).
    The copy is made under a temporary name and renamed into place only when complete and
    migrated, so a crash leaves either the old layout or the new one, never half of one."""
    legacy = Path(data_dir) / DB_NAME
    if os.path.lexists(own) or not legacy.is_file() or legacy.is_symlink():
        return None
    from backroutine.core.history.connect import _connect_file
    from backroutine.core.history.sqlite import _is_damaged

    temporary = own.with_name(f".{own.name}.migrating")
    with _silently_removed(temporary):
        try:
            copy_database(legacy, temporary)
        except sqlite3.Error as exc:
            if _is_damaged(exc):
                raise _Damaged(str(exc)) from None  # the caller moves it aside, as always
            raise HistoryError(f"the history {legacy} could not be copied ({exc})") from None
        # Checked, cleaned of triggers and views the app did not make (the old file keeps
        # them: it is kept as it was), migrated (ids given), no journal left.
        cleaned: list[str] = []
        _connect_file(temporary, notices=cleaned, kept=f"{legacy} (renamed below)").close()
        os.rename(temporary, own)
    moved = _keep_aside(legacy)
    removed = " ".join(cleaned).replace(f"{legacy} (renamed below)", str(moved))
    removed = removed.replace(str(temporary), str(legacy))
    return (
        f"Your history was moved to {own} so that several computers can share this folder "
        f"(each writes a file of its own); the old file is kept as {moved}."
        + (f" {removed}" if removed else "")
    )


def _keep_aside(legacy: Path) -> Path:
    """history.sqlite3 (with its side files) -> history.sqlite3.migrated[-N], never replacing
    anything."""
    number = 1
    while True:
        target = legacy.with_name(MIGRATED if number == 1 else f"{MIGRATED}-{number}")
        taken = any(os.path.lexists(f"{target}{side}") for side in ("", *_SIDE_SUFFIXES))
        try:
            if not taken and _move_no_clobber(legacy, target):
                for side in _SIDE_SUFFIXES:
                    if os.path.lexists(f"{legacy}{side}"):
                        _move_no_clobber(Path(f"{legacy}{side}"), Path(f"{target}{side}"))
                return target
        except OSError as exc:
            raise HistoryError(
                f"the history {legacy} was copied but could not be renamed ({_os_reason(exc)})"
            ) from None
        number += 1


class _silently_removed:
    """Remove a temporary file when the block fails (it holds nothing of value then)."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def __enter__(self) -> None:
        if os.path.lexists(self.path):
            os.unlink(self.path)  # left by a crash during an earlier try

    def __exit__(self, exc_type: object, exc: object, traceback: object) -> None:
        if exc_type is not None and os.path.lexists(self.path):
            os.unlink(self.path)
