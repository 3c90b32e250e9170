"""What the commands share: exit codes and the error that carries one, the data folder, the
history, JSON and tables on stdout, ROUTINE as typed, the safety lock, the terminal check, and
the argument types.

This is the lowest module of the CLI: it imports nothing else of backroutine.cli, so every
command module can import it without a circle. It must stay
light: anything heavy is imported inside the function that needs it.
"""

from __future__ import annotations

import argparse
import os
import sys
from typing import TYPE_CHECKING, Any, Literal, overload

if TYPE_CHECKING:  # `--version` must start fast: the rest is imported where it is used
    from collections.abc import Sequence
    from datetime import date
    from pathlib import Path

    from backroutine.core.errors import Problem
    from backroutine.core.history import EmptyHistory, HistoryStore
    from backroutine.core.model import Routine

EXIT_OK = 0
EXIT_INVALID = 1
EXIT_USAGE = 2
EXIT_LOCKED = 3  # the safety rules hold this routine now (SAFETY_RULES.md)
EXIT_INTERNAL = 70  # EX_SOFTWARE


class UserError(Exception):
    """A problem to report in one clear line (no traceback), with its exit code."""

    def __init__(self, message: str, code: int = EXIT_INVALID) -> None:
        super().__init__(message)
        self.code = code


# -- the data folder ---------------------------------------------------------------------


def data_dir_option(parser: argparse.ArgumentParser, *, top: bool) -> None:
    parser.add_argument(
        "--data-dir",
        metavar="DIR",
        # On subcommands the default is "not given", so it never hides a top-level value.
        default=None if top else argparse.SUPPRESS,
        help="where your routines and history live (default: $BACKROUTINE_HOME, else the "
        "platform's user data folder)",
    )


def data_dir(args: argparse.Namespace) -> Path:
    from backroutine.core import paths

    return paths.data_dir(getattr(args, "data_dir", None))


# -- the history ---------------------------------------------------------------------------


@overload
def open_history(
    folder: Path, *, create: Literal[True] = True, problems: list[str] | None = None
) -> HistoryStore | None: ...


@overload
def open_history(
    folder: Path, *, create: bool, problems: list[str] | None = None
) -> HistoryStore | EmptyHistory | None: ...


def open_history(
    folder: Path, *, create: bool = True, problems: list[str] | None = None
) -> HistoryStore | EmptyHistory | None:
    """The history store, or None (with a clear word) when it cannot be used. With
    create=False (commands that only read), a history that does not exist yet is an empty
    one, and nothing is created. A history that cannot be written (a read-only or full disk, a
    newer version's file) is opened read-only: it can still be looked at and exported. What
    stops it being used is said on stderr, and added to `problems` when given."""
    from backroutine.core.history import EmptyHistory, HistoryError, HistoryStore, history_exists

    if not create and not history_exists(folder):
        return EmptyHistory()
    try:
        store = HistoryStore.open(folder)
    except HistoryError as exc:
        read_only = _read_only_history(folder, str(exc), problems)
        if read_only is None:
            say_notices([f"this session will not be recorded: {exc}"])
        return read_only
    say_notices(store.notices)
    store.on_wait = _say_waiting
    return store


def _read_only_history(folder: Path, why: str, problems: list[str] | None) -> HistoryStore | None:
    from backroutine.core.history import HistoryError, history_exists
    from backroutine.core.readonly import open_read_only

    try:
        if not history_exists(folder):
            raise HistoryError(why)
        store = open_read_only(folder, why)
    except HistoryError as exc:
        if problems is not None:
            problems.append(str(exc))
        return None
    say_notices(
        [
            f"the history cannot be written ({why}); it is read as it is, and nothing new is "
            "saved until that is fixed"
        ]
    )
    say_notices(store.notices)
    if problems is not None:
        problems.append(f"Your history cannot be written ({why}): it is shown as it is, and new "
                        "check-ins and sessions are not saved until that is fixed.")  # fmt: skip
    return store


def say_notices(notices: list[str]) -> None:
    """The history's notices on stderr, each escaped: they quote file names and other
    computers' names, which come from the synced folder and may hold terminal codes."""
    from backroutine.core.text import escaped

    for notice in notices:
        print(f"backroutine: {escaped(notice)}", file=sys.stderr)


def _say_waiting() -> None:
    print(
        "backroutine: waiting for the history: another backroutine is writing to it...",
        file=sys.stderr,
        flush=True,
    )


# -- routines --------------------------------------------------------------------------------


def resolve_routine(reference: str, folder: Path) -> Routine:
    """ROUTINE as the user typed it: a path to a file, or an id from the library."""
    from pathlib import Path

    from backroutine.core.errors import RoutineError
    from backroutine.core.library import find_routine
    from backroutine.core.loading import load_routine

    looks_like_path = (
        os.sep in reference or "/" in reference or reference.lower().endswith((".yaml", ".yml"))
    )
    if looks_like_path or Path(reference).is_file():
        try:
            return load_routine(Path(reference), shown_as=reference)
        except RoutineError as exc:
            raise UserError(problems_text(exc.problems)) from None
    entry, library = find_routine(reference, folder)
    if entry is None:
        from backroutine.core.loading import id_from_stem

        # The routine may exist but be broken: show why, rather than "no such routine".
        broken = [p for p in library.problems if id_from_stem(Path(p.file).stem) == reference]
        if broken:
            raise UserError(problems_text(broken))
        close = library.suggest(reference)
        hint = f" Did you mean: {', '.join(close)}?" if close else ""
        raise UserError(
            f'no routine with the id "{reference}".{hint} See them all with: backroutine list'
        )
    return entry.routine


def problems_text(problems: Sequence[Problem]) -> str:
    lines = [str(p) for p in problems]
    return "this routine cannot be used:\n" + "\n".join(lines)


def refuse_if_locked(routine: Routine, store: HistoryStore | EmptyHistory | None) -> None:
    """The safety rules decide what can be played now (SAFETY_RULES.md): an emergency red flag
    holds every routine, strengthening opens once pain has clearly lessened, level by level."""
    from backroutine.core.clock import local_now
    from backroutine.core.progression import assess_history, routine_lock

    progress = assess_history(store, now=local_now())
    why = routine_lock(progress, routine.category, routine.level)
    if why:
        if store is not None:
            store.close()
        level = f" level-{routine.level}" if routine.level else ""
        others = "" if progress.locked_all else " The routines open now: backroutine list"
        raise UserError(
            f'"{routine.name}" is a{level} {routine.category} routine and cannot be played now. '
            f"{why}{others}",
            EXIT_LOCKED,
        )


def terminal_problem() -> str | None:
    """Why the full-screen app cannot run here, or None. It needs a keyboard and a screen it
    can draw on: at the end of input it would wait for keys that never come. (The browser mode
    runs it through Textual's web driver, which is its terminal.)"""
    if os.environ.get("TEXTUAL_DRIVER"):
        return None
    if os.environ.get("TERM", "") == "dumb":
        return "this terminal (TERM=dumb) cannot show the full-screen app"
    if not (sys.stdin is not None and sys.stdin.isatty()):
        return "the keyboard is not a terminal (input comes from a file or a pipe)"
    if not (sys.stdout is not None and sys.stdout.isatty()):
        return "the output is not a terminal (it goes to a file or a pipe)"
    return None


# -- output ----------------------------------------------------------------------------------


def print_json(value: object) -> None:
    import json

    from backroutine.core.text import escaped_json

    # JSON escapes C0 controls itself; C1 and bidi controls would pass raw with
    # ensure_ascii=False, so they are written as \\u escapes too (still the same JSON).
    print(escaped_json(json.dumps(value, indent=2, ensure_ascii=False)))


def quote(text: str) -> str:
    return f'"{text}"' if " " in text else text


def char_cells(char: str) -> int:
    """How many terminal cells a character takes: 2 for East Asian wide and fullwidth ones
    (中, ｱ's fullwidth cousin ア, most emoji), 0 for combining marks (the accent of a
    decomposed é) and invisible format characters (a zero-width space or joiner), else 1
    (ambiguous-width characters, such as …, as in most terminals outside East Asia)."""
    import unicodedata  # here: only text that is not ASCII needs it

    if unicodedata.category(char) in ("Mn", "Me", "Cf"):
        return 0
    return 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1


def cells(text: str) -> int:
    """The width of `text` on a terminal, in cells (what a table's columns are counted in)."""
    if text.isascii():
        return len(text)
    return sum(char_cells(char) for char in text)


def fit(text: str, width: int) -> str:
    """`text` cut to at most `width` cells, with "…" where it was cut."""
    if cells(text) <= width:
        return text
    room = width - 1  # the ellipsis takes one cell
    kept: list[str] = []
    used = 0
    for char in text:
        size = char_cells(char)
        if used + size > room:
            break
        kept.append(char)
        used += size
    return "".join(kept) + "…"


def pad(text: str, width: int, *, right: bool = False) -> str:
    """`text` padded with spaces to `width` cells (on the left with right=True)."""
    gap = " " * max(0, width - cells(text))
    return gap + text if right else text + gap


def table_lines(rows: Sequence[Sequence[str]], *, gap: str = "  ") -> list[str]:
    """Rows of cells as aligned lines, each column as wide as its widest cell (counted in
    terminal cells, so wide characters line up), without trailing spaces."""
    if not rows:
        return []
    widths = [max(cells(row[i]) for row in rows) for i in range(len(rows[0]))]
    return [gap.join(pad(cell, widths[i]) for i, cell in enumerate(row)).rstrip() for row in rows]


# -- argument types --------------------------------------------------------------------------


def pain_score(text: str) -> int:
    from backroutine.services.checkins import read_pain  # the one check of the scale

    # Exactly as typed: int() would take " 10", "+5" and Arabic-Indic "١٠" (a typo or a
    # paste gone wrong must not become a score), so the app's own check reads it.
    value = read_pain(text)
    if value is None:
        if text.isascii() and text.isdigit():
            raise argparse.ArgumentTypeError(f"{text} is out of range; use 0 (none) to 10 (worst)")
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a whole number from 0 to 10 written with the digits 0-9; give "
            "your pain from 0 (none) to 10 (worst)"
        )
    return value


def past_date(text: str) -> date:
    from datetime import date

    from backroutine.core.health import EARLIEST_DATE

    try:
        day = date.fromisoformat(text.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date; use YYYY-MM-DD") from None
    if day > date.today():
        raise argparse.ArgumentTypeError(
            f"{day} is in the future; check-ins are for today or past days"
        )
    if day < EARLIEST_DATE:
        raise argparse.ArgumentTypeError(
            f"{day} is before {EARLIEST_DATE}; give the day of your check-in as YYYY-MM-DD"
        )
    return day


def red_flag_keys(text: str) -> list[str]:
    from backroutine.core.health import RED_FLAG_KEYS

    keys = [k.strip() for k in text.split(",") if k.strip()]
    unknown = [k for k in keys if k not in RED_FLAG_KEYS]
    if unknown or not keys:
        raise argparse.ArgumentTypeError(
            f"unknown question key {', '.join(unknown) or repr(text)}; "
            f"use: {', '.join(RED_FLAG_KEYS)}"
        )
    return keys


def port_number(text: str) -> int:
    try:
        # isdigit() alone lets "²" through, which int() refuses.
        value = int(text) if text.strip().isdigit() else 0
    except ValueError:
        value = 0
    if not 1 <= value <= 65535:
        raise argparse.ArgumentTypeError(f"{text!r} is not a port; use a number from 1 to 65535")
    return value


def speed_factor(text: str) -> float:
    import math

    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number (e.g. 2 or 10)") from None
    if not math.isfinite(value) or not 0.1 <= value <= 1000:
        raise argparse.ArgumentTypeError(f"{text} is out of range; use 0.1 to 1000")
    return value


def app_settings() -> dict[str, Any]:
    """What the app takes from the settings: the theme to start with, and the file a theme
    chosen in its palette is saved to."""
    from backroutine import settings

    loaded = settings.load()
    return {"theme": loaded.settings.theme, "settings_path": loaded.path}
