"""`backroutine breaks`: desk-break reminders (registered here; they run in cli/break_runner.py,
which imports what a break needs only when one is asked for)."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from backroutine.cli.parsing import Commands


def register(commands: Commands) -> None:
    commands.add(
        "breaks", "desk-break reminders: stand up and move every so often", cmd_breaks, _options
    )


def _options(sub: argparse.ArgumentParser) -> None:
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


def cmd_breaks(args: argparse.Namespace) -> int:
    from backroutine.cli.break_runner import breaks

    return breaks(args)
