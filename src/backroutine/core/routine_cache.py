"""What the routine list shows, kept between starts, so a start does not read every file.

For each routine file that loaded without problems, keyed by its absolute path: its size,
mtime_ns, ctime_ns and inode (a file whose stat differs is read again), the cue sound files it
takes from beside it (one that has gone makes it read again), and its list fields (id, name,
category, level, summary, length). Files with problems are never kept: they are read each
time, so a fix shows at once. A file changed in the last RACY_NS is not kept yet either: a
coarse file clock may not have ticked since, and a second change of the same size would go
unseen. The routine itself (its steps) is read from its file when it is opened.

The whole cache is ignored when another version of backroutine or another cache format wrote
it, or when the loader's code or the bundled figures and sounds changed since. It lives
outside the routines folder, in the data folder's `cache` folder when the data folder is
BACKROUTINE_HOME or --data-dir, else in the platform's user cache folder; owner-only (0700
folder, 0600 file), and written whole to a temporary file renamed over the old one, so a
reader sees one or the other. A cache that is missing, corrupt, not a regular file (a
symlink), not ours, open to others or too large is ignored and rebuilt; one that cannot be
written is not written: never an error.
"""

from __future__ import annotations

import contextlib
import os
import stat
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple, cast

from backroutine import __version__
from backroutine.core import paths
from backroutine.core.categories import CATEGORIES, Category

if TYPE_CHECKING:
    from backroutine.core.model import Routine

FORMAT = 1  # of the cache file; a new one ignores every older cache
CACHE_NAME = "routines.json"
FOLDER_NAME = "cache"  # in the data folder, when that is BACKROUTINE_HOME or --data-dir
RACY_NS = 2_000_000_000  # a file changed this recently is read, not kept, until next time
MAX_BYTES = 256 * 1024 * 1024  # a bigger cache file is not read (10,000 routines: ~2 MiB)

Key = tuple[int, int, int, int]  # size, mtime_ns, ctime_ns, inode


class Listing(NamedTuple):
    """A routine as the list shows it (a tuple: 10,000 are made at each start)."""

    id: str
    name: str
    category: Category
    level: int | None
    summary: str | None
    seconds: int  # its length as played


def listing_of(routine: Routine) -> Listing:
    from backroutine.core.timeline import expand

    seconds = expand(routine).total_seconds
    return Listing(
        routine.id, routine.name, routine.category, routine.level, routine.summary, seconds
    )


def stat_key(info: os.stat_result) -> Key:
    return (info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino)


def cache_folder(data_dir: Path) -> tuple[Path, bool]:
    """Where the cache lives, and whether missing parents may be made (the platform's cache
    folder: yes; a data folder that does not exist yet is not made for a cache)."""
    from backroutine.settings import home_from_env  # the one reader of BACKROUTINE_*

    home = home_from_env()
    if home and Path(home).expanduser() == data_dir:
        return data_dir / FOLDER_NAME, False
    from platformdirs import user_cache_dir, user_data_dir

    if Path(user_data_dir(paths.APP_NAME, appauthor=False)) == data_dir:
        return Path(user_cache_dir(paths.APP_NAME, appauthor=False)), True
    return data_dir / FOLDER_NAME, False  # --data-dir: the cache stays with its data


def stamp() -> list[Any]:
    """What the cached results depend on besides each file: this version and format, the
    loader's code (a checkout being worked on) and the bundled figures and sounds."""
    return [FORMAT, __version__, _newest(Path(__file__).parent, ".py"), *_mtimes()]


def _newest(folder: Path, suffix: str) -> int:
    try:
        with os.scandir(folder) as entries:
            return max(
                (e.stat().st_mtime_ns for e in entries if e.name.endswith(suffix)), default=0
            )
    except OSError:
        return 0


def _mtimes() -> list[int]:
    found = []
    for folder in (paths.figures_dir(), paths.bundled_sounds_dir()):
        try:
            found.append(os.stat(folder).st_mtime_ns)
        except OSError:
            found.append(0)
    return found


class RoutineCache:
    """The cache of one data folder: `get` what is kept for a file, `put` what was read,
    `forget` a file that did not load, then `save` (only when something changed)."""

    def __init__(self, folder: Path | None, *, make_parents: bool = False) -> None:
        self.folder = folder  # None: nothing is read or written
        self.make_parents = make_parents
        self.started_ns = time.time_ns()
        self._records: dict[str, list[Any]] | None = None  # read when first needed
        self.changed = False
        self.hits = 0  # files answered from the cache (for tests and benchmarks)

    @property
    def is_read(self) -> bool:
        return self._records is not None

    @property
    def records(self) -> dict[str, list[Any]]:
        if self._records is None:
            folder = self.folder
            self._records = {} if folder is None else _read(folder / CACHE_NAME, stamp())
        return self._records

    @classmethod
    def of(cls, data_dir: Path) -> RoutineCache:
        try:
            folder, make_parents = cache_folder(data_dir)
        except Exception:  # no platform folder to be had: work without a cache
            return cls(None)
        return cls(folder, make_parents=make_parents)

    def get(self, file: str, info: os.stat_result) -> Listing | None:
        """What is kept for `file` (an absolute path) if it is still what was read then."""
        record = self.records.get(file)
        if record is None:
            return None
        listing = _valid(record, info)
        if listing is None:
            return None
        self.hits += 1
        return listing

    def put(self, file: str, info: os.stat_result, routine: Routine) -> Listing:
        """Keep what `routine`, just read from `file`, shows in the list (unless the file
        changed too recently to trust its stat); returns that."""
        listing = listing_of(routine)
        if max(info.st_mtime_ns, info.st_ctime_ns) > self.started_ns - RACY_NS:
            self.forget(file)
            return listing
        sounds = sorted(
            {str(c.sound_file) for s in routine.steps for c in s.cues if c.sound_file is not None}
        )
        self.records[file] = [
            *stat_key(info),
            listing.id,
            listing.name,
            listing.category,
            listing.level,
            listing.summary,
            listing.seconds,
            sounds,
        ]
        self.changed = True
        return listing

    def forget(self, file: str) -> None:
        if self.records.pop(file, None) is not None:
            self.changed = True

    def keep_only(self, files: set[str]) -> None:
        """Drop the files that are gone (after a look at every folder)."""
        for file in [f for f in self.records if f not in files]:
            del self.records[file]
            self.changed = True

    def save(self) -> None:
        if not self.changed or self.folder is None:
            return
        # A read-only or full disk: the next start reads the files again.
        with contextlib.suppress(OSError, ValueError, TypeError):
            self._write()
        self.changed = False

    def _write(self) -> None:
        folder = self.folder
        assert folder is not None
        if not folder.is_dir():
            if not self.make_parents and not folder.parent.is_dir():
                return  # the data folder is not there yet: not made for a cache
            os.makedirs(folder, mode=0o700, exist_ok=True)
        info = os.lstat(folder)
        if not stat.S_ISDIR(info.st_mode):
            return  # a file, or a link, where the folder should be: left alone
        if stat.S_IMODE(info.st_mode) & 0o077 and _owned(info):
            os.chmod(folder, 0o700)
        import json
        import tempfile  # here: it imports random, which seeds itself (3 ms a start)

        text = json.dumps({"stamp": stamp(), "files": self.records}, separators=(",", ":"))
        fd, temporary = tempfile.mkstemp(prefix=".routines-", suffix=".tmp", dir=folder)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:  # mkstemp: 0600
                handle.write(text)
            os.replace(temporary, folder / CACHE_NAME)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(temporary)
            raise


def _owned(info: os.stat_result) -> bool:
    getuid = getattr(os, "getuid", None)
    return getuid is None or info.st_uid == getuid()


def _read(path: Path, expected: list[Any]) -> dict[str, list[Any]]:
    """The records of the cache file, or none when it cannot be trusted or read."""
    import json  # here: a start that opens no cache does without it

    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_BINARY", 0)
    try:
        fd = os.open(path, flags)
    except OSError:
        return {}
    try:
        with os.fdopen(fd, "rb") as handle:
            info = os.fstat(handle.fileno())
            private = not hasattr(os, "getuid") or not stat.S_IMODE(info.st_mode) & 0o077
            if not stat.S_ISREG(info.st_mode) or not _owned(info) or not private:
                return {}
            if info.st_size > MAX_BYTES:
                return {}
            data = handle.read(MAX_BYTES + 1)
        document = json.loads(data)
    except (OSError, ValueError, RecursionError):
        return {}
    if not isinstance(document, dict) or document.get("stamp") != expected:
        return {}
    files = document.get("files")
    return files if isinstance(files, dict) else {}


def _valid(record: object, info: os.stat_result) -> Listing | None:
    """The listing of a record whose file still has this stat, or None (stale or malformed)."""
    if type(record) is not list or len(record) != 11:
        return None
    size, mtime, ctime, inode, rid, name, category, level, summary, seconds, sounds = record
    if (
        size != info.st_size
        or mtime != info.st_mtime_ns
        or ctime != info.st_ctime_ns
        or inode != info.st_ino
    ):
        return None
    if not (
        isinstance(rid, str)
        and isinstance(name, str)
        and category in CATEGORIES
        and (level is None or type(level) is int)
        and (summary is None or isinstance(summary, str))
        and type(seconds) is int
        and isinstance(sounds, list)
    ):
        return None
    if sounds and not all(isinstance(s, str) and os.path.isfile(s) for s in sounds):
        return None  # a cue's sound file has gone: the routine no longer loads
    return Listing(rid, name, cast(Category, category), level, summary, seconds)
