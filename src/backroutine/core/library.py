"""The routines a person can play: the bundled library plus their own, by id.

A user routine with the id of a bundled one replaces it (so people can adjust a bundled
routine by copying it into their folder). Files with problems are left out and reported,
never fatal: one bad file must not hide the rest.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from backroutine.core import paths
from backroutine.core.errors import Problem, RoutineError
from backroutine.core.loading import close_matches, load_routine
from backroutine.core.model import Routine

Source = Literal["bundled", "user"]
ROUTINE_SUFFIXES = (".yaml", ".yml")


@dataclass(frozen=True, slots=True)
class Entry:
    routine: Routine
    source: Source
    path: Path
    replaces: Path | None = None  # the bundled file a user routine stands in for


@dataclass(slots=True)
class Library:
    entries: dict[str, Entry] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)  # files left out, and why
    notes: list[str] = field(default_factory=list)  # overrides, duplicate ids

    def __iter__(self):
        return iter(self.entries.values())

    def get(self, routine_id: str) -> Entry | None:
        return self.entries.get(routine_id)

    def suggest(self, word: str) -> list[str]:
        return close_matches(word, list(self.entries), n=3, cutoff=0.5)


def routine_files(folder: Path, *, recursive: bool) -> list[Path]:
    """*.yaml and *.yml files, sorted, skipping hidden files and folders."""
    if not folder.is_dir():
        return []
    pattern = "**/*" if recursive else "*"
    found = [
        p
        for p in folder.glob(pattern)
        if p.suffix.lower() in ROUTINE_SUFFIXES
        and not any(part.startswith(".") for part in p.relative_to(folder).parts)
        and p.is_file()
    ]
    return sorted(found)


def load_library(data_dir: Path) -> Library:
    library = Library()
    for path in routine_files(paths.bundled_routines_dir(), recursive=False):
        _add(library, path, "bundled")
    for path in routine_files(paths.user_routines_dir(data_dir), recursive=True):
        _add(library, path, "user")
    return library


def find_routine(routine_id: str, data_dir: Path) -> tuple[Entry | None, Library]:
    """The routine with this id, reading as few files as it can: the user's own routines
    (they may replace a bundled one, under any file name), then the bundled file of that
    name, and only then the whole library. Also returns what was read, for messages."""
    library = Library()
    for path in routine_files(paths.user_routines_dir(data_dir), recursive=True):
        _add(library, path, "user")
    if routine_id in library.entries:
        return library.entries[routine_id], library
    guess = paths.bundled_routines_dir() / f"{routine_id}.yaml"
    if guess.is_file():
        _add(library, guess, "bundled")
        if routine_id in library.entries:
            return library.entries[routine_id], library
    library = load_library(data_dir)
    return library.get(routine_id), library


def _add(library: Library, path: Path, source: Source) -> None:
    try:
        routine = load_routine(path)
    except RoutineError as exc:
        library.problems.extend(exc.problems)
        return
    existing = library.entries.get(routine.id)
    if existing is None:
        library.entries[routine.id] = Entry(routine, source, path)
    elif existing.source == "bundled" and source == "user":
        library.entries[routine.id] = Entry(routine, source, path, replaces=existing.path)
        library.notes.append(
            f'your routine "{routine.id}" ({path}) replaces the bundled one of that id'
        )
    else:
        library.notes.append(
            f'{path} has the id "{routine.id}", already used by {existing.path}; '
            "it is left out (give it another id)"
        )
