"""The history's file and folder: private, never a link, never overwritten (a damaged file is
moved aside)."""

from __future__ import annotations

import contextlib
import errno
import itertools
import os
import stat
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from backroutine.core.history.common import _ADVICE, _SIDE_SUFFIXES, HistoryError
from backroutine.core.private import make_private_folders


def copy_database(source: Path, target: Path) -> None:
    """A whole copy of the database at `source` (opened read-only, so nothing of it runs or
    changes) into the new file `target`, made owner-only. sqlite3.Error goes to the caller."""
    import sqlite3

    reading = sqlite3.connect(f"{source.absolute().as_uri()}?mode=ro", uri=True)
    try:
        writing = sqlite3.connect(target, isolation_level=None)
        try:
            reading.backup(writing)
        finally:
            writing.close()
    finally:
        reading.close()
    os.chmod(target, 0o600)


def _make_private_folder(folder: Path) -> None:
    """Create the folder and any missing parents as 0o700; an existing folder is left as is."""
    try:
        make_private_folders(folder)
    except NotADirectoryError as exc:
        raise HistoryError(
            f"cannot write the history in {folder}: {exc.filename} is a file, not a folder; "
            f"move it away {_ADVICE}"
        ) from None


def _make_private_file(path: Path) -> None:
    """Create the database file as 0o600 before SQLite opens it (SQLite would use 0o644), and
    make sure an existing one is a regular file (not a link, a folder or a pipe).

    An existing file is only looked at, never opened here: closing a descriptor of it would
    drop every POSIX lock this process holds on it through SQLite (see `reopen`)."""
    refuse_link(path)
    try:
        info = os.lstat(path)
    except FileNotFoundError:
        flags = os.O_RDWR | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
        try:
            os.close(os.open(path, flags, 0o600))
        except FileExistsError:
            info = os.lstat(path)  # made meanwhile by another process: look at it below
        else:
            return
    if stat.S_ISLNK(info.st_mode):
        refuse_link(path)
    if not stat.S_ISREG(info.st_mode):
        what = "a folder" if stat.S_ISDIR(info.st_mode) else "not a regular file"
        raise HistoryError(
            f"cannot write the history in {path.parent}: {path} is {what}, not the "
            f"history database; move it away {_ADVICE}"
        )


def refuse_link(path: Path) -> None:
    """The history is a file of its own: a symbolic link in its place could point at another
    program's database (which would get our tables and the person's notes) or anywhere else."""
    if path.is_symlink():
        raise HistoryError(
            f"{path} is a symbolic link; backroutine never reads or writes your history "
            "through a link (it could be another program's file). Replace the link with the "
            f"file itself, or use --data-dir to keep the history elsewhere"
        )


def refuse_linked_folder(folder: Path) -> None:
    """The `history/` folder of a shared data folder is a folder of its own too: a link there
    would have this computer write its health data wherever the link points (another
    program's folder, another person's), and read whatever files it finds there."""
    if folder.is_symlink():
        raise HistoryError(
            f"{folder} is a symbolic link; backroutine never reads or writes the history "
            "through a link (it could point anywhere). Nothing was read or written. Replace "
            f"the link with the folder itself, {_ADVICE}"
        )


def linked_files(folder: Path, names: Callable[[str], bool]) -> list[Path]:
    """The symbolic links in `folder` whose names `names` accepts (device files that are
    links: never read, and said)."""
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return []
    found = []
    for entry in entries:
        with contextlib.suppress(OSError):
            if names(entry.name) and entry.is_symlink():
                found.append(Path(entry.path))
    return sorted(found)


def _narrow_side_files(path: Path) -> None:
    """SQLite gives its -wal and -shm files the database file's mode; make sure they are never
    more open than it (a nicety: failing here changes nothing)."""
    with contextlib.suppress(OSError):
        mode = stat.S_IMODE(path.stat().st_mode)
        for suffix in _SIDE_SUFFIXES:
            side = Path(f"{path}{suffix}")
            with contextlib.suppress(OSError):
                side_mode = stat.S_IMODE(side.stat().st_mode)
                if side_mode & ~mode:
                    os.chmod(side, side_mode & mode)


def _move_aside(path: Path, why: str) -> str:
    """Move a damaged database and its side files to NAME.corrupt-YYYYMMDD-HHMMSS
    (with -2, -3... if taken), never deleting or overwriting anything; the notice to give."""
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    moved: list[str] = []
    try:
        for number in itertools.count(1):
            suffix = "" if number == 1 else f"-{number}"
            # (A device file, history/ID.sqlite3, keeps its own name: ID.sqlite3.corrupt-...)
            target = path.with_name(f"{path.name}.corrupt-{stamp}{suffix}")
            if any(os.path.lexists(f"{target}{side}") for side in ("", *_SIDE_SUFFIXES)):
                continue
            if _move_no_clobber(path, target):
                break
        for side in _SIDE_SUFFIXES:
            # The -wal must go too: replayed into a fresh database it would damage it again.
            source = Path(f"{path}{side}")
            if not os.path.lexists(source):
                continue
            if not _move_no_clobber(source, Path(f"{target}{side}")):
                raise FileExistsError(errno.EEXIST, "already exists", f"{target}{side}")
            moved.append(side)
    except OSError as exc:
        raise HistoryError(
            f"the history {path} cannot be read ({why}) and could not be moved aside "
            f"({_os_reason(exc)}); move it away yourself {_ADVICE}"
        ) from None
    companions = f" with its {' and '.join(moved)} files" if moved else ""
    return (
        f"The history {path} could not be read ({why}). It was moved aside unchanged, "
        f"to {target}{companions}, and a new history was started."
    )


def _move_no_clobber(source: Path, target: Path) -> bool:
    """Rename source to target unless target exists; False when it does."""
    try:
        os.link(source, target)  # fails if target exists, where a rename would replace it
    except FileExistsError:
        return False
    except OSError as exc:
        if exc.errno == errno.ENOENT or os.path.lexists(target):
            raise
        # No hard links on this file system: a checked rename is the best left.
        os.rename(source, target)
        return True
    os.unlink(source)
    return True


_OS_REASONS: dict[int, tuple[str, str]] = {
    errno.EACCES: ("permission denied", "check the folder's permissions"),
    errno.EPERM: ("permission denied", "check the folder's permissions"),
    errno.EROFS: ("the file system is read-only", "choose a writable place"),
    errno.ENOSPC: ("the disk is full", "free some space"),
    errno.ENOTDIR: ("a part of the path is a file, not a folder", "move that file away"),
}
if hasattr(errno, "EDQUOT"):
    _OS_REASONS[errno.EDQUOT] = ("the disk quota is exceeded", "free some space")


def _os_reason(exc: OSError) -> str:
    reason = _OS_REASONS.get(exc.errno or 0, (exc.strerror or str(exc), ""))[0]
    return f"{exc.filename}: {reason}" if exc.filename else reason


def _os_problem(exc: OSError, folder: Path) -> str:
    reason, advice = _OS_REASONS.get(exc.errno or 0, (exc.strerror or str(exc), "check it"))
    return f"cannot write the history in {folder}: {reason}; {advice} {_ADVICE}"
