"""`backroutine config list|get KEY|set KEY VALUE`: the settings file, checked (settings.py
reads it and says what each key takes; this only prints and exits)."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

from backroutine.cli.common import EXIT_INVALID, EXIT_OK, EXIT_USAGE, UserError, print_json
from backroutine.core.text import escaped

if TYPE_CHECKING:
    from backroutine.cli.parsing import Commands


def register(commands: Commands) -> None:
    commands.add(
        "config",
        "settings that stay: theme, sound, voice, desk breaks (list, get KEY, set KEY VALUE)",
        cmd_config,
        _options,
    )


def _options(sub: argparse.ArgumentParser) -> None:
    from backroutine.settings import KEYS

    actions = sub.add_subparsers(dest="action", metavar="ACTION", required=True)
    listing = actions.add_parser("list", help="every setting, its value and where it comes from")
    listing.add_argument("--json", action="store_true", help="print JSON")
    keys = [key.name for key in KEYS]
    get = actions.add_parser("get", help="one setting's value")
    get.add_argument("key", metavar="KEY", help=f"one of: {', '.join(keys)}")
    put = actions.add_parser("set", help="write a setting to the settings file")
    put.add_argument("key", metavar="KEY", help=f"one of: {', '.join(keys)}")
    put.add_argument("value", metavar="VALUE", help="the new value (checked)")


def cmd_config(args: argparse.Namespace) -> int:
    from backroutine import settings

    loaded = settings.load()
    for problem in loaded.problems:
        print(f"backroutine: {escaped(problem)}", file=sys.stderr)
    current = loaded.settings
    if args.action == "list":
        if args.json:
            print_json(
                {
                    "file": str(loaded.path),
                    "settings": {key.name: current.get(key.name) for key in settings.KEYS},
                    "sources": dict(current.sources),
                    "problems": list(loaded.problems),
                }
            )
            return EXIT_OK
        print(f"# {escaped(str(loaded.path))}")
        for key in settings.KEYS:
            text = settings.shown_value(key.name, current.get(key.name))
            source = current.sources.get(key.name, "default")
            print(f"{key.name} = {escaped(text) or '(none)'}    # {source}; {key.allowed}")
        return EXIT_OK
    if args.action == "get":
        try:
            settings.key_named(args.key)
        except settings.SettingError as exc:
            raise UserError(str(exc), EXIT_USAGE) from None
        print(escaped(settings.shown_value(args.key, current.get(args.key))))
        return EXIT_OK
    try:
        value = settings.check_value(args.key, args.value)
    except settings.SettingError as exc:
        raise UserError(str(exc), EXIT_USAGE) from None
    try:
        path = settings.write_setting(args.key, value)
    except settings.SettingError as exc:
        raise UserError(str(exc), EXIT_INVALID) from None
    except OSError as exc:
        raise UserError(f"the settings file cannot be written: {exc}", EXIT_INVALID) from None
    print(
        f"{args.key} = {escaped(settings.shown_value(args.key, value))} (in {escaped(str(path))})"
    )
    source = current.sources.get(args.key, "default")
    if source.startswith("BACKROUTINE_"):
        print(f"Note: ${source} is set here and wins over the file.")
    return EXIT_OK
