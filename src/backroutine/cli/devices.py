"""`backroutine devices`: the computers whose records make up the history of a data folder
kept in step by a file-sync engine (Syncthing, Nextcloud, Dropbox...), and naming this one."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from backroutine.cli.common import (
    EXIT_OK,
    EXIT_USAGE,
    UserError,
    data_dir,
    print_json,
    say_notices,
    table_lines,
)
from backroutine.core.text import escaped

if TYPE_CHECKING:
    from backroutine.cli.parsing import Commands
    from backroutine.core.history.merge import DeviceSummary


def register(commands: Commands) -> None:
    commands.add(
        "devices",
        "the computers sharing this history (through Syncthing or another file sync)",
        cmd_devices,
        _options,
    )


def _options(sub: argparse.ArgumentParser) -> None:
    sub.add_argument("--name", metavar="NAME", help="name this computer (default: its host name)")
    sub.add_argument(
        "--share",
        action="store_true",
        help="keep one history file per computer in this data folder (automatic where "
        "Syncthing, Dropbox or Nextcloud is seen)",
    )
    sub.add_argument("--json", action="store_true", help="print JSON")


def cmd_devices(args: argparse.Namespace) -> int:
    from backroutine.core.device import DeviceError, DeviceNameError
    from backroutine.core.history import HistoryError
    from backroutine.services.devices import devices_view, name_this_device, share

    folder = data_dir(args)
    try:
        if args.name is not None:
            device = name_this_device(folder, args.name)
            if not args.json:
                print(f"This computer is now called {_shown(device.name)}.")
        if args.share:
            say_notices(share(folder))
        view = devices_view(folder)
    except DeviceNameError as exc:
        raise UserError(str(exc), EXIT_USAGE) from None
    except DeviceError as exc:
        raise UserError(str(exc)) from None
    except HistoryError as exc:
        raise UserError(f"the history cannot be read: {exc}") from None
    say_notices(view.notices)
    if args.json:
        print_json(view.to_dict())
        return EXIT_OK
    if view.shared:
        count = len(view.devices)
        print(
            f"The history in {_shown(view.folder)} is kept by {count} computer{'s'[: count != 1]}:"
        )
    else:
        print(
            f"The history in {_shown(view.folder)} is this computer's alone (one file). To "
            "share it with another computer, see `backroutine devices --help`."
        )
    print("\n".join(table_lines([_row(summary) for summary in view.devices])))
    for path in view.links:
        print(f"Left out: {_shown(path)} is a link (never read).")
    for summary in view.devices:
        for line in summary.left_out_lines():
            print(f"{line}.")
    for path, why in view.unread.items():
        if path in view.links:
            continue
        print(
            f"Not read just now: {_shown(path)} ({_shown(why)}); it is read again when it changes."
        )
    for seen in view.missing:
        print(
            f"No longer in the folder: the history of {_shown(seen.name)} ({seen.records} "
            f"record{'s'[: seen.records != 1]} not shown, missing since "
            f"{_shown(seen.gone_since[:10])})."
            if seen.gone_since
            else f"No longer in the folder: the history of {_shown(seen.name)}."
        )
    return EXIT_OK


def _row(summary: DeviceSummary) -> list[str]:
    counts = summary.to_dict()
    last = "no record yet" if summary.last is None else f"last {summary.last:%Y-%m-%d %H:%M}"
    return [
        ("* " if summary.this else "  ")
        + _shown(summary.name)
        + (" (this computer)" if summary.this else ""),
        f"{counts['checkins']} check-ins",
        f"{counts['sessions']} sessions",
        f"{counts['breaks']} breaks",
        last,
    ]


def _shown(text: object) -> str:
    """A name or a path as printed: names and file names come from the synced folder (another
    computer's file, a file dropped there), so every control code is shown escaped, on one line."""
    return escaped(str(text), one_line=True)
