"""The routines a person can play: the bundled library plus their own, by id.

A user routine with the id of a bundled one replaces it (so people can adjust a bundled
routine by copying it into their folder). Files with problems are left out and reported,
never fatal: one bad file must not hide the rest.

What the list shows comes from the routine cache (core/routine_cache.py) for files unchanged
since they were last read, so a start does not read, or even import the reader of, thousands
of routine files; an entry's routine itself (its steps) is read from its file when first
asked for.
"""

from __future__ import annotations

import gc
import os
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from backroutine.core import paths
from backroutine.core.categories import Category
from backroutine.core.routine_cache import Listing, RoutineCache

if TYPE_CHECKING:
    from backroutine.core.errors import Problem
    from backroutine.core.model import Routine

Source = Literal["bundled", "user"]
DEFAULT_STRENGTHENING_LEVEL = 2  # SAFETY_RULES.md: a strengthening routine without a level
ROUTINE_SUFFIXES = (".yaml", ".yml")


@dataclass(frozen=True, slots=True)
class Entry:
    """A routine of the library as the list shows it, and where it comes from."""

    id: str
    name: str
    category: Category
    level: int | None
    summary: str | None
    seconds: int  # its length as played
    source: Source
    file: str  # its path, as found (a Path is made when asked for: 10,000 cost 30 ms)
    replaces: Path | None = None  # the bundled file a user routine stands in for
    loaded: Routine | None = field(default=None, repr=False, compare=False)

    @classmethod
    def of(
        cls,
        listing: Listing,
        source: Source,
        file: str,
        routine: Routine | None = None,
        replaces: Path | None = None,
    ) -> Entry:
        return cls(
            listing.id,
            listing.name,
            listing.category,
            listing.level,
            listing.summary,
            listing.seconds,
            source,
            file,
            replaces,
            routine,
        )

    @property
    def path(self) -> Path:
        return Path(self.file)

    @property
    def routine(self) -> Routine:
        """The routine itself, read from its file on first use when the list came from the
        cache. Raises RoutineError if the file no longer reads as a routine (it was changed
        since the list was made)."""
        if self.loaded is None:
            from backroutine.core.loading import load_routine

            object.__setattr__(self, "loaded", load_routine(self.path))
        assert self.loaded is not None
        return self.loaded


@dataclass(slots=True)
class Library:
    entries: dict[str, Entry] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)  # files left out, and why
    notes: list[str] = field(default_factory=list)  # overrides, duplicate ids

    def __iter__(self) -> Iterator[Entry]:
        return iter(self.entries.values())

    def get(self, routine_id: str) -> Entry | None:
        return self.entries.get(routine_id)

    @property
    def strengthening_levels(self) -> frozenset[int]:
        """The strengthening levels some routine has (one without a level counts as 2), so
        the safety rules never announce a level that nothing can be played at."""
        return frozenset(
            entry.level or DEFAULT_STRENGTHENING_LEVEL
            for entry in self.entries.values()
            if entry.category == "strengthening"
        )

    def suggest(self, word: str) -> list[str]:
        import difflib

        return difflib.get_close_matches(word, list(self.entries), n=3, cutoff=0.5)


Found = tuple[str, str, os.stat_result]  # a file's path as found, its absolute path, its stat


def routine_files(folder: Path, *, recursive: bool) -> list[Path]:
    """*.yaml and *.yml files, sorted, skipping hidden files and folders (and, below the
    top, folders that are links)."""
    return [Path(file) for file, _, _ in _scan(folder, recursive=recursive)]


def _scan(folder: Path, *, recursive: bool) -> list[Found]:
    """The routine files of `folder` in routine_files' order, each with its absolute path and
    its stat (taken before the file is read: a change after it shows in the next stat)."""
    found: list[tuple[list[str], str, os.stat_result]] = []
    given = os.fspath(folder)
    base = os.path.abspath(given)

    def walk(directory: str, parts: list[str]) -> None:
        try:
            with os.scandir(directory) as listing:
                entries = list(listing)
        except OSError:
            return
        for entry in entries:
            name = entry.name
            if name.startswith("."):
                continue
            if recursive:
                try:
                    is_folder = entry.is_dir() and not entry.is_symlink()
                except OSError:
                    is_folder = False
                if is_folder:
                    walk(entry.path, [*parts, _sort_name(name)])
                    continue
            if not name.lower().endswith(ROUTINE_SUFFIXES):
                continue
            try:
                info = entry.stat()
            except OSError:
                continue
            if stat.S_ISREG(info.st_mode):
                found.append(([*parts, _sort_name(name)], entry.path, info))

    if not os.path.isdir(base):
        return []
    walk(base, [])
    found.sort(key=lambda item: item[0])
    if given == base:
        return [(file, file, info) for _, file, info in found]
    cut = len(base)  # a relative folder: its files are named as under it
    return [(str(Path(given + file[cut:])), file, info) for _, file, info in found]


# Sorted as Paths sort: part by part, case-blind on Windows.
_sort_name = str.lower if os.name == "nt" else str


@contextmanager
def _no_collection() -> Iterator[None]:
    """Tens of thousands of small objects, none in a cycle: the cyclic garbage collector would
    walk the whole heap several times meanwhile (a third of the time, at 10,000 routines)."""
    was_on = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_on:
            gc.enable()


def load_library(data_dir: Path) -> Library:
    with _no_collection():
        return _load_library(data_dir)


def _load_library(data_dir: Path) -> Library:
    library = Library()
    cache = RoutineCache.of(data_dir)
    seen: set[str] = set()
    folders: tuple[tuple[Path, Source, bool], ...] = (
        (paths.bundled_routines_dir(), "bundled", False),
        (paths.user_routines_dir(data_dir), "user", True),
    )
    for folder, source, recursive in folders:
        for found in _scan(folder, recursive=recursive):
            seen.add(found[1])
            _add(library, cache, found, source, keep=False)
    cache.keep_only(seen)
    cache.save()
    return library


def find_routine(routine_id: str, data_dir: Path) -> tuple[Entry | None, Library]:
    """The routine with this id, reading as few files as it can: the user's own routines
    (they may replace a bundled one, under any file name), then the bundled file of that
    name, and only then the whole library. Also returns what was read, for messages. The
    entry found has its routine read."""
    with _no_collection():
        entry, library = _find_routine(routine_id, data_dir)
        if entry is None:
            library = _load_library(data_dir)
            entry = _read(library, routine_id)
    return entry, library


def _find_routine(routine_id: str, data_dir: Path) -> tuple[Entry | None, Library]:
    library = Library()
    cache = RoutineCache.of(data_dir)
    for found in _scan(paths.user_routines_dir(data_dir), recursive=True):
        _add(library, cache, found, "user", keep=True)
    entry = _read(library, routine_id)
    if entry is None:
        guess = paths.bundled_routines_dir() / f"{routine_id}.yaml"
        try:
            info = os.stat(guess)
        except OSError:
            info = None
        if info is not None and stat.S_ISREG(info.st_mode):
            # Read in any case: the cache is not opened for this file alone.
            near = cache if cache.is_read else RoutineCache(None)
            _add(library, near, (str(guess), os.path.abspath(guess), info), "bundled", keep=True)
            entry = _read(library, routine_id)
    cache.save()
    return entry, library


def _read(library: Library, routine_id: str) -> Entry | None:
    """The entry of this id with its routine read (its file may have changed since its stat
    was taken: then its problems are reported and it is left out)."""
    from backroutine.core.errors import RoutineError

    entry = library.entries.get(routine_id)
    if entry is None:
        return None
    try:
        entry.routine  # noqa: B018 - read now
    except RoutineError as exc:
        library.problems.extend(exc.problems)
        del library.entries[routine_id]
        return None
    return entry


def _add(
    library: Library, cache: RoutineCache, found: Found, source: Source, *, keep: bool
) -> None:
    """Add the routine of `found`, from the cache or its file; `keep`: an entry read from its
    file keeps the routine read (else it is read again when opened, as a cached one is: a
    list shown for a while opens what the file says then, and 10,000 routines are not kept
    in memory)."""
    path, file, info = found
    listing = cache.get(file, info)
    routine = None
    if listing is None:
        from backroutine.core.errors import RoutineError
        from backroutine.core.loading import load_routine

        try:
            routine = load_routine(path)
        except RoutineError as exc:
            cache.forget(file)
            library.problems.extend(exc.problems)
            return
        listing = cache.put(file, info, routine)
        if not keep:
            routine = None
    existing = library.entries.get(listing.id)
    if existing is None:
        library.entries[listing.id] = Entry.of(listing, source, path, routine)
    elif existing.source == "bundled" and source == "user":
        library.entries[listing.id] = Entry.of(listing, source, path, routine, existing.path)
        library.notes.append(
            f'your routine "{listing.id}" ({path}) replaces the bundled one of that id'
        )
    else:
        library.notes.append(
            f'{path} has the id "{listing.id}", already used by {existing.path}; '
            "it is left out (give it another id)"
        )
