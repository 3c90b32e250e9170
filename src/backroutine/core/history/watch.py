"""Whether the history changed on disk, told by stat alone: no SQLite, no lock, no read.

The home screen asks every few seconds (a check-in made with `backroutine checkin` in another
terminal, another computer's file brought in by a sync engine) and reads the history again,
in a worker, only when the answer differs from the one taken as it last read it.

What is looked at: this computer's file and its -wal (SQLite in WAL mode appends a write to
the -wal; a checkpoint moves it into the file), and, in a shared data folder (layout.py),
every device file the merge reads (conflict copies too, at most layout.MAX_FILES) and an older
backroutine's single file synced in. Size, mtime and inode: a sync engine renames a new copy
into place, which changes the inode even when size and mtime happen to agree.
"""

from __future__ import annotations

import os
from pathlib import Path

from backroutine.core.history.common import DB_NAME
from backroutine.core.history.layout import FOLDER, source_files

Stat = tuple[int, int, int] | None  # size, mtime (ns), inode; None: not there (or unreadable)
Marks = tuple[tuple[str, Stat, Stat], ...]


def change_marks(path: Path) -> Marks:
    """A value that changes when the history whose own file is `path` changes on disk."""
    files = [path]
    if path.parent.name == FOLDER:  # a shared folder: path is history/<device>.sqlite3
        data_dir = path.parent.parent
        files += [other for other in source_files(data_dir) if other != path]
        files.append(data_dir / DB_NAME)
    return tuple((str(file), _stat(file), _stat(Path(f"{file}-wal"))) for file in files)


def _stat(path: Path) -> Stat:
    try:
        info = os.stat(path, follow_symlinks=False)
    except OSError:
        return None
    return (info.st_size, info.st_mtime_ns, info.st_ino)
