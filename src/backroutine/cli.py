"""The `backroutine` command: argument parsing and the commands.

Heavy imports (Textual, the sound library) happen inside the commands that need them, so
`--version`, `validate` and friends start fast; a test keeps it that way. Exit codes: 0 ok,
1 a file or routine is not usable, 2 a usage error (argparse's own convention).
"""

from __future__ import annotations

import argparse
import os
import sys
from typing import TYPE_CHECKING

from backroutine import __version__
from backroutine.core.categories import CATEGORIES

if TYPE_CHECKING:  # `--version` must start fast: the rest is imported where it is used
    from collections.abc import Callable, Sequence
    from pathlib import Path

    from backroutine.core.errors import Problem
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


# -- parsing -----------------------------------------------------------------------------


def _data_dir_option(parser: argparse.ArgumentParser, *, top: bool) -> None:
    parser.add_argument(
        "--data-dir",
        metavar="DIR",
        # On subcommands the default is "not given", so it never hides a top-level value.
        default=None if top else argparse.SUPPRESS,
        help="where your routines and history live (default: $BACKROUTINE_HOME, else the "
        "platform's user data folder)",
    )


def _no_translation(text: str) -> str:
    return text


def build_parser() -> argparse.ArgumentParser:
    # argparse asks gettext to translate each of its strings, and gettext searches the disk
    # for catalogues every time (about 10 ms for this parser). backroutine ships none.
    argparse._ = _no_translation  # type: ignore[attr-defined]
    parser = argparse.ArgumentParser(
        prog="backroutine",
        description="Guided routines for a sore lower back: gentle movement, yoga, and "
        "strengthening once the pain lessens.",
        epilog="Run `backroutine COMMAND --help` for a command's options.",
    )
    parser.add_argument("--version", action="version", version=f"backroutine {__version__}")
    _data_dir_option(parser, top=True)
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    def command(name: str, help_text: str, run: Callable[[argparse.Namespace], int]):
        sub = commands.add_parser(name, help=help_text, description=help_text)
        _data_dir_option(sub, top=False)
        sub.set_defaults(run=run)
        return sub

    sub = command("list", "list the bundled routines and your own", cmd_list)
    sub.add_argument("--json", action="store_true", help="print JSON")

    sub = command("show", "show a routine: description, cautions, timeline", cmd_show)
    sub.add_argument("routine", metavar="ROUTINE", help="a routine id or a path to a file")
    sub.add_argument("--json", action="store_true", help="print JSON")

    sub = command(
        "validate", "check routine files (and folders of them) for mistakes", cmd_validate
    )
    sub.add_argument("paths", metavar="PATH", nargs="+", help="files or folders")
    sub.add_argument("--json", action="store_true", help="print JSON")

    sub = command("new", "write a commented starter routine into your routines folder", cmd_new)
    sub.add_argument("name", metavar="NAME", help='the routine\'s name, e.g. "Morning ease"')
    sub.add_argument("--category", choices=CATEGORIES, default="gentle", help="default: gentle")

    command("schema", "print the JSON Schema of a routine file", cmd_schema)

    sub = command("play", "play a routine, step by step, with timers and sound cues", cmd_play)
    sub.add_argument("routine", metavar="ROUTINE", help="a routine id or a path to a file")
    sub.add_argument(
        "--plain",
        action="store_true",
        help="one line of text per event (for screen readers, logs and pipes); the default "
        "when the output is not a terminal",
    )
    sub.add_argument(
        "--speed",
        type=_speed,
        default=1.0,
        metavar="X",
        help="play X times faster, to preview a routine (e.g. 10); not recorded",
    )
    sub.add_argument("--mute", action="store_true", help="no sound (the bell and cue text stay)")
    sub.add_argument(
        "--voice",
        action="store_true",
        help="speak step names, sides, rests, the last seconds and cue texts (needs espeak-ng "
        "or the platform's speech program); also BACKROUTINE_VOICE=1",
    )

    sub = command("history", "the sessions you have played, newest first", cmd_history)
    form = sub.add_mutually_exclusive_group()
    form.add_argument("--json", action="store_true", help="print JSON")
    form.add_argument("--csv", action="store_true", help="print CSV (for a spreadsheet)")

    sub = command("checkin", "record how your back is: pain 0-10, spasms, a note", cmd_checkin)
    sub.add_argument(
        "--pain", type=_pain, metavar="N", help="0 = no pain ... 10 = worst imaginable"
    )
    sub.add_argument("--spasms", choices=("fewer", "same", "more"), help="compared with before")
    sub.add_argument("--note", metavar="TEXT", help="anything worth remembering")
    sub.add_argument(
        "--date", type=_past_date, metavar="YYYY-MM-DD", help="a past day (taken as its noon)"
    )
    sub.add_argument(
        "--new-episode", action="store_true", help="a new bout of back pain starts with this one"
    )

    sub = command(
        "status", "what is open, what is locked and why; when to see a professional", cmd_status
    )
    sub.add_argument("--json", action="store_true", help="print JSON")

    sub = command("stats", "sessions, minutes, streak and pain trend", cmd_stats)
    sub.add_argument("--json", action="store_true", help="print JSON")

    sub = command("safety", "the red-flag questions: signs that need a doctor", cmd_safety)
    answers = sub.add_mutually_exclusive_group()
    answers.add_argument(
        "--yes", metavar="KEY,...", type=_flag_keys, help="answer yes to these (see the keys below)"
    )
    answers.add_argument("--none", action="store_true", help="answer no to every question")
    answers.add_argument(
        "--checked", action="store_true", help="a professional has checked what you answered yes"
    )
    sub.add_argument("--json", action="store_true", help="print JSON")

    command("home", "the home screen (what `backroutine` alone opens in a terminal)", cmd_home)

    sub = command("breaks", "desk-break reminders: stand up and move every so often", cmd_breaks)
    sub.add_argument("--every", metavar="TIME", help="how often (default 50m; e.g. 45m, 1h)")
    sub.add_argument(
        "--routine",
        default="desk-break",
        metavar="ID",
        help="the break routine (default desk-break)",
    )
    sub.add_argument(
        "--hours", metavar="HOURS", help='working hours, e.g. "9-17:30" or "8:30-16,mon-thu"'
    )
    sub.add_argument("--plain", action="store_true", help="text lines instead of the screen")

    sub = command("serve", "the app in a web browser, on this computer", cmd_serve)
    sub.add_argument("--port", type=_port, default=8000, help="default: 8000")
    sub.add_argument(
        "--host",
        default="127.0.0.1",
        help="the address to listen on (default: 127.0.0.1, this computer only)",
    )

    sub = command("doctor", "check the installation: data folder, routines, sound", cmd_doctor)
    sub.add_argument("--json", action="store_true", help="print JSON")
    sub.add_argument(
        "--play", action="store_true", help="play each bundled sound, and say how it went"
    )
    return parser


def _pain(text: str) -> int:
    try:
        value = int(text.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a whole number; give your pain from 0 (none) to 10 (worst)"
        ) from None
    if not 0 <= value <= 10:
        raise argparse.ArgumentTypeError(f"{value} is out of range; use 0 (none) to 10 (worst)")
    return value


def _past_date(text: str):
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


def _flag_keys(text: str) -> list[str]:
    from backroutine.core.health import RED_FLAG_KEYS

    keys = [k.strip() for k in text.split(",") if k.strip()]
    unknown = [k for k in keys if k not in RED_FLAG_KEYS]
    if unknown or not keys:
        raise argparse.ArgumentTypeError(
            f"unknown question key {', '.join(unknown) or repr(text)}; "
            f"use: {', '.join(RED_FLAG_KEYS)}"
        )
    return keys


def _port(text: str) -> int:
    if not text.strip().isdigit() or not 1 <= int(text) <= 65535:
        raise argparse.ArgumentTypeError(f"{text!r} is not a port; use a number from 1 to 65535")
    return int(text)


def _speed(text: str) -> float:
    import math

    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number (e.g. 2 or 10)") from None
    if not math.isfinite(value) or not 0.1 <= value <= 1000:
        raise argparse.ArgumentTypeError(f"{text} is out of range; use 0.1 to 1000")
    return value


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "run", None):
        if sys.stdout.isatty() and sys.stdin.isatty():
            args.run = cmd_home
        else:
            parser.print_help()
            return EXIT_OK
    try:
        return args.run(args)
    except UserError as exc:
        print(f"backroutine: {exc}", file=sys.stderr)
        return exc.code
    except KeyboardInterrupt:
        print("backroutine: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # `backroutine list | head`: the reader left; say nothing more.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return EXIT_OK
    except Exception as exc:  # the last line of defence: a message, never a traceback
        history = sys.modules.get("backroutine.core.history")  # loaded if it raised
        if history is not None and isinstance(exc, history.HistoryError):
            # The history cannot be used (locked too long, a full or read-only disk...): the
            # message says what and what to do; nothing half-written was kept.
            print(f"backroutine: {exc}", file=sys.stderr)
            return EXIT_INVALID
        if os.environ.get("BACKROUTINE_DEBUG"):
            raise
        print(
            f"backroutine: unexpected error: {type(exc).__name__}: {exc}\n"
            "This is a bug in backroutine; please report it. Run again with "
            "BACKROUTINE_DEBUG=1 to see the details.",
            file=sys.stderr,
        )
        return EXIT_INTERNAL


def _data_dir(args: argparse.Namespace) -> Path:
    from backroutine.core import paths

    return paths.data_dir(getattr(args, "data_dir", None))


def _print_json(value: object) -> None:
    import json

    from backroutine.core.text import escaped_json

    # JSON escapes C0 controls itself; C1 and bidi controls would pass raw with
    # ensure_ascii=False, so they are written as \\u escapes too (still the same JSON).
    print(escaped_json(json.dumps(value, indent=2, ensure_ascii=False)))


# -- list ----------------------------------------------------------------------------------


def cmd_list(args: argparse.Namespace) -> int:
    from backroutine.core.library import load_library
    from backroutine.core.progression import routine_lock
    from backroutine.core.timeline import expand

    data_dir = _data_dir(args)
    library = load_library(data_dir)
    progress = _progress_now(data_dir)
    rows = []
    for entry in sorted(
        library, key=lambda e: (CATEGORIES.index(e.routine.category), e.routine.name.lower())
    ):
        routine = entry.routine
        rows.append(
            {
                "id": routine.id,
                "name": routine.name,
                "category": routine.category,
                "summary": routine.summary,
                "level": routine.level,
                "total_seconds": expand(routine).total_seconds,
                "source": entry.source,
                "path": str(entry.path),
                "replaces": str(entry.replaces) if entry.replaces else None,
                "locked": routine_lock(progress, routine.category, routine.level),
            }
        )
    if args.json:
        _print_json(rows)
    else:
        _print_list(rows)
    for note in library.notes:
        print(f"note: {note}", file=sys.stderr)
    if library.problems:
        bad = sorted({p.file for p in library.problems})
        print(
            f"warning: {len(bad)} routine file(s) left out because of mistakes; "
            f"see them with: backroutine validate {' '.join(_quote(b) for b in bad)}",
            file=sys.stderr,
        )
    return EXIT_OK


def _print_list(rows: list[dict]) -> None:
    from backroutine.core.durations import format_clock
    from backroutine.core.text import escaped

    if not rows:
        print("No routines found. Your own go in the routines folder of your data folder.")
        return
    id_width = max(len(r["id"]) for r in rows)
    name_width = min(40, max(len(r["name"]) for r in rows))
    for category in CATEGORIES:
        group = [r for r in rows if r["category"] == category]
        if not group:
            continue
        print(f"{category.capitalize()} ({len(group)})")
        for r in group:
            source = (
                "yours, replaces bundled"
                if r["replaces"]
                else ("yours" if r["source"] == "user" else "")
            )
            name = escaped(r["name"], one_line=True)
            name = name if len(name) <= name_width else name[: name_width - 1] + "…"
            length = format_clock(r["total_seconds"])
            level = f"L{r['level']}" if r["level"] else "  "
            line = f"  {r['id']:<{id_width}}  {name:<{name_width}}  {length:>6}  {level}"
            marks = ", ".join(filter(None, (source, "locked" if r["locked"] else "")))
            print(f"{line}  {marks}".rstrip())
        print()
    locks = {r["locked"] for r in rows if r["locked"]}
    for why in sorted(locks):
        print(f"Locked: {why}")
    if locks:
        print()
    print("Details and the full timeline: backroutine show ID")


def _progress_now(data_dir: Path):
    """Where the person stands now, read without creating anything (for list and play)."""
    from backroutine.core.clock import local_now
    from backroutine.core.progression import assess_history

    store = _open_history(data_dir, create=False)
    try:
        return assess_history(store, now=local_now())
    finally:
        if store is not None:
            store.close()


def _quote(text: str) -> str:
    return f'"{text}"' if " " in text else text


# -- show ----------------------------------------------------------------------------------


def resolve_routine(reference: str, data_dir: Path) -> Routine:
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
            raise UserError(_problems_text(exc.problems)) from None
    entry, library = find_routine(reference, data_dir)
    if entry is None:
        from backroutine.core.loading import id_from_stem

        # The routine may exist but be broken: show why, rather than "no such routine".
        broken = [p for p in library.problems if id_from_stem(Path(p.file).stem) == reference]
        if broken:
            raise UserError(_problems_text(broken))
        close = library.suggest(reference)
        hint = f" Did you mean: {', '.join(close)}?" if close else ""
        raise UserError(
            f'no routine with the id "{reference}".{hint} See them all with: backroutine list'
        )
    return entry.routine


def _problems_text(problems: list[Problem]) -> str:
    lines = [str(p) for p in problems]
    return "this routine cannot be used:\n" + "\n".join(lines)


def cmd_show(args: argparse.Namespace) -> int:
    from backroutine.core.timeline import expand

    routine = resolve_routine(args.routine, _data_dir(args))
    timeline = expand(routine)
    if args.json:
        _print_json(
            {
                "id": routine.id,
                "name": routine.name,
                "category": routine.category,
                "summary": routine.summary,
                "description": routine.description,
                "level": routine.level,
                "equipment": list(routine.equipment),
                "cautions": list(routine.cautions),
                "references": list(routine.references),
                "path": str(routine.path) if routine.path else None,
                "total_seconds": timeline.total_seconds,
                "timeline": [s.to_dict() for s in timeline.segments],
            }
        )
        return EXIT_OK
    from backroutine.core.text import escaped
    from backroutine.showtext import routine_text

    print(escaped(routine_text(routine, timeline)))  # the file's text, never terminal codes
    return EXIT_OK


# -- validate --------------------------------------------------------------------------------


def cmd_validate(args: argparse.Namespace) -> int:
    from backroutine.core.validate import validate_paths

    report = validate_paths(args.paths)
    if args.json:
        _print_json(report.to_dict())
    else:
        for problem in report.problems:
            print(problem)
        print(report.summary())
    return EXIT_OK if report.ok else EXIT_INVALID


# -- new -----------------------------------------------------------------------------------


def cmd_new(args: argparse.Namespace) -> int:
    from backroutine.core import paths
    from backroutine.core.loading import MAX_NAME, id_from_stem
    from backroutine.core.schema import SCHEMA_FILE_NAME, schema_json
    from backroutine.core.starter import starter_routine
    from backroutine.core.text import first_unsafe

    name = " ".join(args.name.split())
    if not name or len(name) > MAX_NAME or first_unsafe(name) is not None:
        raise UserError(
            f"a routine name must be 1 to {MAX_NAME} characters of text; "
            f"got {len(name)} characters",
            EXIT_USAGE,
        )
    routine_id = id_from_stem(name)[:64].strip("-")
    if not routine_id:
        raise UserError(
            f'"{name}" has no letters or digits to make a file name from; '
            'use a name such as "Morning ease"',
            EXIT_USAGE,
        )
    data_dir = _data_dir(args)
    folder = paths.user_routines_dir(data_dir)
    target = folder / f"{routine_id}.yaml"
    try:
        # Readable by the owner alone, like the history: it sits beside health data.
        for each in (data_dir, folder):
            if each.exists() and not each.is_dir():
                raise UserError(
                    f"{each} is a file, not a folder; choose another data folder with --data-dir"
                )
            if not each.is_dir():
                each.mkdir(mode=0o700, parents=True)
    except OSError as exc:
        raise UserError(
            f"cannot create the folder {exc.filename or folder}: {exc.strerror or exc}; "
            "check the path, or choose another with --data-dir"
        ) from None
    try:
        text = starter_routine(name, args.category, routine_id, str(target))
        # "x" mode: never overwrite, even if the file appears between a check and the write.
        with target.open("x", encoding="utf-8") as handle:
            handle.write(text)
    except FileExistsError:
        raise UserError(
            f"{target} already exists and is left as it is; choose another name, or edit that file"
        ) from None
    except OSError as exc:
        raise UserError(f"cannot write {target}: {exc.strerror or exc}") from None
    schema_path = folder / SCHEMA_FILE_NAME
    try:
        current = schema_path.read_text(encoding="utf-8") if schema_path.exists() else None
        if current != schema_json():
            schema_path.write_text(schema_json(), encoding="utf-8")
    except OSError as exc:
        print(f"warning: cannot write the schema file {schema_path}: {exc}", file=sys.stderr)
    print(target)
    print(
        f"Edit it, then check it with: backroutine validate {_quote(str(target))}",
        file=sys.stderr,
    )
    return EXIT_OK


# -- schema --------------------------------------------------------------------------------


def cmd_schema(args: argparse.Namespace) -> int:
    from backroutine.core.schema import schema_json

    sys.stdout.write(schema_json())
    return EXIT_OK


# -- play ----------------------------------------------------------------------------------


def _open_history(data_dir: Path, *, create: bool = True, problems: list[str] | None = None):
    """The history store, or None (with a clear word) when it cannot be used. With
    create=False (commands that only read), a history that does not exist yet is an empty
    one, and nothing is created. A history that cannot be written (a read-only or full disk, a
    newer version's file) is opened read-only: it can still be looked at and exported. What
    stops it being used is said on stderr, and added to `problems` when given."""
    from backroutine.core.history import DB_NAME, EmptyHistory, HistoryError, HistoryStore

    if not create and not (data_dir / DB_NAME).exists():
        return EmptyHistory()
    try:
        store = HistoryStore.open(data_dir)
    except HistoryError as exc:
        store = _read_only_history(data_dir, str(exc), problems)
        if store is None:
            print(f"backroutine: this session will not be recorded: {exc}", file=sys.stderr)
        return store
    for notice in store.notices:
        print(f"backroutine: {notice}", file=sys.stderr)
    store.on_wait = _say_waiting
    return store


def _read_only_history(data_dir: Path, why: str, problems: list[str] | None):
    from backroutine.core.history import DB_NAME, HistoryError
    from backroutine.core.readonly import open_read_only

    try:
        if not (data_dir / DB_NAME).exists():
            raise HistoryError(why)
        store = open_read_only(data_dir, why)
    except HistoryError as exc:
        if problems is not None:
            problems.append(str(exc))
        return None
    print(
        f"backroutine: the history cannot be written ({why}); it is read as it is, and nothing "
        "new is saved until that is fixed",
        file=sys.stderr,
    )
    for notice in store.notices:
        print(f"backroutine: {notice}", file=sys.stderr)
    if problems is not None:
        problems.append(f"Your history cannot be written ({why}): it is shown as it is, and new "
                        "check-ins and sessions are not saved until that is fixed.")  # fmt: skip
    return store


def _say_waiting() -> None:
    print(
        "backroutine: waiting for the history: another backroutine is writing to it...",
        file=sys.stderr,
        flush=True,
    )


def cmd_play(args: argparse.Namespace) -> int:
    from backroutine import audio
    from backroutine.core.engine import Session, scaled_clock

    data_dir = _data_dir(args)
    routine = resolve_routine(args.routine, data_dir)
    recorded = args.speed == 1.0
    store = _open_history(data_dir)
    _refuse_if_locked(routine, store)
    if not recorded and store is not None:
        store.close()
        store = None
    plain = args.plain or _terminal_problem() is not None  # plain text where no TUI can run
    mode = "off" if args.mute else audio.audio_mode_from_env()
    session = Session(routine, clock=scaled_clock(args.speed))
    try:
        if plain:
            return _play_plain(
                session, store, mode, args.speed, _voice_wanted(args) and not args.mute
            )
        from backroutine.ui.app import make_app, run_app

        app = make_app(
            store=store,
            routine=routine,
            data_dir=data_dir,
            clock=scaled_clock(args.speed),
            speed=args.speed,
            audio_mode=mode,
            voice=_voice_wanted(args) and not args.mute,
        )
        return run_app(app)
    finally:
        if store is not None:
            store.close()


def _refuse_if_locked(routine: Routine, store) -> None:
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


def _terminal_problem() -> str | None:
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


def cmd_home(args: argparse.Namespace) -> int:
    """`backroutine` alone, in a terminal: the home screen."""
    import time

    problem = _terminal_problem()
    if problem:
        raise UserError(
            f"the home screen needs a terminal: {problem}. Run backroutine in a terminal, or "
            "use the commands (backroutine --help), e.g. backroutine play ID --plain",
            EXIT_USAGE,
        )
    from backroutine import audio
    from backroutine.ui.app import make_app, run_app

    data_dir = _data_dir(args)
    problems: list[str] = []
    store = _open_history(data_dir, problems=problems)
    try:
        app = make_app(
            store=store,
            data_dir=data_dir,
            clock=time.monotonic,
            audio_mode=audio.audio_mode_from_env(),
            history_problems=problems,
        )
        return run_app(app)
    finally:
        if store is not None:
            store.close()


def _pain_saver(store, writer=None):
    def save(pain: int) -> str:
        from backroutine.core.clock import local_now
        from backroutine.services.checkins import record_checkin

        if writer is not None:
            writer.drain(5.0)  # the session just played counts in what the check-in says
        now = local_now()
        try:
            outcome = record_checkin(store, pain=pain, at=now, now=now)
        except Exception as exc:  # say it, never crash on it
            return f"Not saved: {exc}"
        return "\n".join([f"Saved: pain {pain}.", *outcome.lines()])

    return save


def _standing(store):
    def lines() -> list[str]:
        from backroutine.core.advice import ask_safety_text
        from backroutine.core.clock import local_now
        from backroutine.core.progression import assess_history

        try:
            progress = assess_history(store, now=local_now())
        except Exception as exc:  # say it, never crash on it
            return [f"(The advice could not be read from the history: {exc})"]
        out = [f"! {reason.text}" for reason in progress.reasons]
        if progress.safety_due:
            out.append(ask_safety_text(progress.safety_asked))
        return out

    return lines


def _voice_wanted(args: argparse.Namespace) -> bool:
    """--voice, or the setting BACKROUTINE_VOICE=1 (on, yes, true)."""
    setting = os.environ.get("BACKROUTINE_VOICE", "").strip().lower()
    return bool(getattr(args, "voice", False)) or setting in ("1", "on", "yes", "true")


def _play_plain(session, store, mode: str, speed: float, voice: bool = False) -> int:
    from contextlib import suppress

    from backroutine import audio
    from backroutine.core.recording import SessionRecorder
    from backroutine.core.writer import finish_writing, open_writer
    from backroutine.plain import KeyReader, NoKeys, PlainPlayer, terminal_bell

    def notice(message: str) -> None:
        with suppress(OSError):  # the terminal may be gone (SIGHUP): the history still counts
            print(f"note: {message}", file=sys.stderr, flush=True)

    # The sounds are decoded and the stream opened now, before the first line.
    player = audio.make_player(
        mode,
        ring=terminal_bell(),
        on_notice=notice,
        sounds=audio.routine_sounds(session.routine),
    )
    speaker = None
    if voice:
        from backroutine.speech import make_speaker

        speaker = make_speaker(True, on_notice=notice)
    writer = open_writer(store, on_notice=notice)  # the timer never waits for the disk
    recorder = SessionRecorder(writer, session)
    keys = KeyReader(sys.stdin) if sys.stdin is not None and sys.stdin.isatty() else NoKeys()
    if speed != 1.0:
        notice(f"previewing at {speed:g}x speed; this session is not recorded")
    saved = True
    try:
        code = PlainPlayer(
            session,
            player=player,
            recorder=recorder,
            out=sys.stdout,
            keys=keys,
            speed=speed,
            on_pain=_pain_saver(store, writer) if store is not None else None,
            speaker=speaker,
            standing=_standing(store) if store is not None else None,
        ).run()
        if session.completed:
            player.drain(3.0)  # the end bell rings out (at once when nothing is playing)
    finally:
        saved = finish_writing(writer, notice)
        player.close()
        if speaker is not None:
            from backroutine.speech import CommandSpeaker

            if isinstance(speaker, CommandSpeaker) and session.completed:
                speaker.close(finish=3.0)  # let "well done" be said
            else:
                speaker.close()
    # What could not be saved was said above, with why: not a success, but not a bug either.
    return EXIT_INVALID if not saved and code == EXIT_OK else code


# -- history -------------------------------------------------------------------------------


def cmd_history(args: argparse.Namespace) -> int:
    store = _open_history(_data_dir(args), create=False)
    if store is None:
        raise UserError("the history cannot be read; see the message above")
    with store:
        sessions = store.sessions()
        checkins = store.checkins()
        breaks = store.breaks()
    if args.json:
        _print_json(
            {
                "sessions": [s.to_dict() for s in sessions],
                "checkins": [c.to_dict() for c in reversed(checkins)],  # newest first, too
                "breaks": [b.to_dict() for b in reversed(breaks)],
            }
        )
    elif args.csv:
        from backroutine.core.export import history_csv

        sys.stdout.write(history_csv(sessions, checkins, breaks))
    else:
        _print_history(sessions)
        _print_checkins(checkins)
    return EXIT_OK


def _print_checkins(checkins: list) -> None:
    from backroutine.core.text import escaped

    if not checkins:
        return
    print()
    print("Check-ins (newest first):")
    for c in reversed(checkins[-30:]):
        extra = f", spasms {c.spasms}" if c.spasms else ""
        extra += " (new episode)" if c.new_episode else ""
        note = f" · {escaped(c.note, one_line=True)}" if c.note else ""
        print(f"  {c.at.strftime('%Y-%m-%d %H:%M')}  pain {c.pain:>2}{extra}{note}")


def _print_history(sessions: list) -> None:
    from backroutine.core.durations import format_clock
    from backroutine.core.text import escaped

    if not sessions:
        print("No sessions yet. Play a routine with: backroutine play ID")
        return
    rows = [
        (
            s.started_at[:16].replace("T", " "),
            escaped(s.routine_name, one_line=True),  # as older files named it: shown, not run
            escaped(s.status + (f" ({s.reason})" if s.reason else ""), one_line=True),
            format_clock(s.active_seconds),
            f"{s.steps_done}/{s.steps_total}",
        )
        for s in sessions
    ]
    header = ("started", "routine", "status", "time", "steps")
    widths = [max(len(header[i]), *(len(r[i]) for r in rows)) for i in range(len(header))]
    for row in (header, *rows):
        print("  ".join(cell.ljust(widths[i]) for i, cell in enumerate(row)).rstrip())


# -- doctor --------------------------------------------------------------------------------


def cmd_doctor(args: argparse.Namespace) -> int:
    from backroutine import audio
    from backroutine.core import paths
    from backroutine.core.library import load_library

    data_dir = _data_dir(args)
    library = load_library(data_dir)
    bundled = sum(1 for e in library if e.source == "bundled")
    sound = audio.probe(play_test_sound=args.play)
    from backroutine.speech import describe_speech

    voice = describe_speech()
    report = {
        "version": __version__,
        "python": sys.version.split()[0],
        "data_dir": str(data_dir),
        "data_dir_exists": data_dir.is_dir(),
        "routines_dir": str(paths.user_routines_dir(data_dir)),
        "bundled_routines": bundled,
        "user_routines": sum(1 for e in library if e.source == "user"),
        "routine_problems": [str(p) for p in library.problems],
        "bundled_routines_dir": str(paths.bundled_routines_dir()),
        "bundled_sounds_dir": str(paths.bundled_sounds_dir()),
        "bundled_sounds": sorted(paths.bundled_sound_names()),
        "audio": sound,
        "voice": voice,
    }
    if args.json:
        _print_json(report)
        return EXIT_OK
    print(f"backroutine {__version__} (Python {report['python']})")
    print(f"data folder:      {data_dir}" + ("" if data_dir.is_dir() else " (not created yet)"))
    print(f"your routines:    {report['routines_dir']} ({report['user_routines']} found)")
    print(f"bundled routines: {bundled} in {report['bundled_routines_dir']}")
    print(f"bundled sounds:   {', '.join(report['bundled_sounds']) or 'none found!'}")
    from backroutine.audio.check import doctor_lines

    for line in doctor_lines(sound):
        print(line)
    if voice.get("program"):
        works = "works" if voice.get("works") else f"found, but {voice.get('reason')}"
        print(f"voice (--voice):  {voice.get('program')}: {works}")
    else:
        print("voice (--voice):  no speech program found; install espeak-ng to hear cues spoken")
    from backroutine.core.text import escaped

    for problem in library.problems:
        print(f"problem: {escaped(str(problem))}")
    return EXIT_OK


# -- check-ins, status, stats, safety (in their own module) ---------------------------------


def cmd_checkin(args: argparse.Namespace) -> int:
    from backroutine.progress_cli import checkin

    return checkin(args)


def cmd_status(args: argparse.Namespace) -> int:
    from backroutine.progress_cli import status

    return status(args)


def cmd_stats(args: argparse.Namespace) -> int:
    from backroutine.progress_cli import stats

    return stats(args)


def cmd_safety(args: argparse.Namespace) -> int:
    from backroutine.progress_cli import safety

    return safety(args)


# -- serve ---------------------------------------------------------------------------------


def cmd_serve(args: argparse.Namespace) -> int:
    """The same TUI in a browser tab, through textual-serve: each page load runs
    `backroutine home` with the web driver. backroutine.serve does the work (and guards it:
    a token, the Host and Origin checks, a few sessions at most)."""
    import shlex

    try:
        from backroutine.serve import serve
    except ImportError as exc:
        if exc.name and exc.name.split(".")[0] in ("textual_serve", "aiohttp", "aiohttp_jinja2"):
            raise UserError(
                "the browser mode needs textual-serve: pip install 'backroutine[web]' "
                "(or pip install textual-serve)"
            ) from None
        raise
    data_dir = _data_dir(args)
    command = shlex.join([sys.executable, "-m", "backroutine", "--data-dir", str(data_dir), "home"])
    return serve(command, host=args.host, port=args.port)


def cmd_breaks(args: argparse.Namespace) -> int:
    from backroutine.breaks_cli import breaks

    return breaks(args)
