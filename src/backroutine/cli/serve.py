"""`backroutine serve`: the app in a browser tab on this computer, through textual-serve.

The server itself, and its guards, are in backroutine.cli.guarded_server: it imports aiohttp
and textual-serve (the `web` extra), so it is imported only when this command runs."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

from backroutine.cli.common import UserError, data_dir, port_number

if TYPE_CHECKING:
    from backroutine.cli.parsing import Commands

# What to do when textual-serve is missing. backroutine is not on PyPI, so no
# `pip install 'backroutine[web]'`: from a checkout, the extra; anywhere, the package itself.
INSTALL_WEB = (
    "the browser mode needs textual-serve: pip install textual-serve (or, in a checkout of "
    "backroutine, pip install '.[web]')"
)
WEB_MODULES = ("textual_serve", "aiohttp", "aiohttp_jinja2")


def register(commands: Commands) -> None:
    commands.add("serve", "the app in a web browser, on this computer", cmd_serve, _options)


def _options(sub: argparse.ArgumentParser) -> None:
    sub.add_argument("--port", type=port_number, default=8000, help="default: 8000")
    sub.add_argument(
        "--host",
        default="127.0.0.1",
        help="the address to listen on (default: 127.0.0.1, this computer only)",
    )


def cmd_serve(args: argparse.Namespace) -> int:
    """The same TUI in a browser tab, through textual-serve: each page load runs
    `backroutine home` with the web driver. guarded_server does the work (and guards it:
    a token, the Host and Origin checks, a few sessions at most)."""
    import shlex

    try:
        from backroutine.cli.guarded_server import serve
    except ImportError as exc:
        if exc.name and exc.name.split(".")[0] in WEB_MODULES:
            raise UserError(INSTALL_WEB) from None
        raise
    folder = data_dir(args)
    command = shlex.join([sys.executable, "-m", "backroutine", "--data-dir", str(folder), "home"])
    return serve(command, host=args.host, port=args.port)
