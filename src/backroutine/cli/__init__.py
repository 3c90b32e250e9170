"""The `backroutine` command: `main()` parses the arguments and runs a command.

The commands live by group, each module registering its own: routines (list, show, validate,
new, schema), play (play, home), progress (history, checkin, status, stats, safety), function
(activities, report), breaks, devices, serve and doctor; what they share is in common, the
lazily built parsers in parsing. Nothing below the CLI imports it.

Heavy imports (Textual, the sound library, aiohttp) happen inside the commands that need them,
so `--version`, `validate` and friends start fast; a test keeps it that way. Exit codes: 0 ok,
1 a file or routine is not usable, 2 a usage error (argparse's own convention), 3 a routine the
safety rules hold now, 70 a bug.
"""

from __future__ import annotations

import argparse
import os
import sys
from typing import TYPE_CHECKING

from backroutine import __version__
from backroutine.cli import (
    breaks,
    completion,
    config,
    devices,
    doctor,
    function,
    play,
    progress,
    routines,
    serve,
)
from backroutine.cli.common import (
    EXIT_INTERNAL,
    EXIT_INVALID,
    EXIT_OK,
    UserError,
    data_dir_option,
)
from backroutine.cli.parsing import Commands
from backroutine.core.text import escaped

if TYPE_CHECKING:
    from collections.abc import Sequence

# The commands, under the headings and in the order `backroutine --help` lists them.
SECTIONS = (
    ("routines", ("play", "list", "show", "home", "new", "validate", "schema")),
    ("your back", ("checkin", "status", "history", "stats", "safety", "activities", "report")),
    ("at your desk", ("breaks",)),
    ("this computer", ("config", "devices", "serve", "doctor", "completion")),
)
ORDER = tuple(name for _, names in SECTIONS for name in names)
GROUPS = (routines, play, progress, function, breaks, config, devices, serve, doctor, completion)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="backroutine",
        # Given, since the command list is drawn by heading (cli/parsing.py), not by argparse.
        usage="backroutine [-h] [--version] [--data-dir DIR] COMMAND ...",
        description="Guided routines for a sore lower back: gentle movement, yoga, and "
        "strengthening once the pain lessens. On its own (in a terminal), the home screen.",
        epilog="Run `backroutine COMMAND --help` for a command's options.",
    )
    parser.add_argument("--version", action="version", version=f"backroutine {__version__}")
    data_dir_option(parser, top=True)
    commands = Commands(parser, SECTIONS)
    for group in GROUPS:
        group.register(commands)
    commands.finish()
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "run", None):
        if sys.stdout.isatty() and sys.stdin.isatty():
            args.run = play.cmd_home
        else:
            parser.print_help()
            return EXIT_OK
    if getattr(args, "command", None) not in (None, "config", "completion"):
        _say_settings_problems()
    try:
        return int(args.run(args))
    except UserError as exc:
        # Messages quote file names and names from the synced folder: never raw codes.
        print(f"backroutine: {escaped(str(exc))}", file=sys.stderr)
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
            print(f"backroutine: {escaped(str(exc))}", file=sys.stderr)
            return EXIT_INVALID
        from backroutine import settings

        if settings.load().settings.debug:
            raise
        print(
            f"backroutine: unexpected error: {type(exc).__name__}: {escaped(str(exc))}\n"
            "This is a bug in backroutine; please report it. Run again with "
            "BACKROUTINE_DEBUG=1 to see the details.",
            file=sys.stderr,
        )
        return EXIT_INTERNAL


def _say_settings_problems() -> None:
    """A settings file that cannot be used in full: said once, before the command runs (which
    goes on with the defaults for what was wrong). Variables with a typo stay quiet, as they
    always have; `config list` shows those too."""
    from backroutine import settings

    try:
        loaded = settings.load()
    except Exception:  # never a reason to refuse to run; `config list` shows what is wrong
        return
    for problem in loaded.problems:
        if not problem.startswith("BACKROUTINE_"):
            print(f"backroutine: {escaped(problem)}", file=sys.stderr)
