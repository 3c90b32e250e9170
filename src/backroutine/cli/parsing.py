"""The subcommands, each with a parser that is built only when it is used.

argparse gives every subcommand a whole ArgumentParser, and each one asks gettext to translate
its headings, which searches the disk for message catalogues every time (48 lookups, about
5 ms, for fifteen commands). Here a command is registered with the function that adds its
options, and argparse is handed a stand-in (LazyParser) that builds the real parser the moment
argparse first reaches for it: when that command runs, or its --help is asked. The command
list in `backroutine --help` and the "invalid choice" error need only the names and one-line
helps, which argparse keeps apart from the parsers. So a run builds two parsers, not sixteen,
and argparse itself is left as it is (its messages, translated or not, are its own).
"""

from __future__ import annotations

import argparse
from collections.abc import Callable, Sequence
from functools import partial
from typing import Any, cast

from backroutine.cli.common import data_dir_option

Run = Callable[[argparse.Namespace], int]
Options = Callable[[argparse.ArgumentParser], None]


class LazyParser:
    """Stands in for a subcommand's ArgumentParser until argparse uses it; then builds it
    (with the keywords argparse gave, and the command's options) and passes everything on."""

    def __init__(self, *, build: Options, **kwargs: Any) -> None:
        self._build = build
        self._kwargs = kwargs
        self._parser: argparse.ArgumentParser | None = None

    @property
    def parser(self) -> argparse.ArgumentParser:
        if self._parser is None:
            parser = argparse.ArgumentParser(**self._kwargs)
            self._build(parser)
            self._parser = parser
        return self._parser

    def __getattr__(self, name: str) -> Any:
        # Reached only for what the stand-in has not itself: argparse using the parser.
        if name.startswith("__") or name in ("_build", "_kwargs", "_parser"):
            raise AttributeError(name)
        return getattr(self.parser, name)


class Commands:
    """The subcommands of `parser`, listed in its help in `order` whatever the order they are
    added in; `finish()` hands them to argparse."""

    def __init__(self, parser: argparse.ArgumentParser, order: Sequence[str]) -> None:
        self._action = parser.add_subparsers(
            dest="command",
            metavar="COMMAND",
            # A stand-in, not an ArgumentParser: argparse only calls the class and uses what
            # it returns, which LazyParser passes on to the real one.
            parser_class=cast("type[argparse.ArgumentParser]", LazyParser),
        )
        self._order = tuple(order)
        self._added: dict[str, tuple[str, Run, Options | None]] = {}
        self.built: list[str] = []  # the commands whose parser was built, in that order

    def add(self, name: str, help_text: str, run: Run, options: Options | None = None) -> None:
        """`backroutine NAME`: `help_text` in the list of commands and atop its own help;
        `run(args)` runs it and returns the exit code; `options(parser)` adds its options."""
        if name not in self._order or name in self._added:
            raise ValueError(f"command {name!r} is not in the order, or added twice")
        self._added[name] = (help_text, run, options)

    def finish(self) -> None:
        missing = [name for name in self._order if name not in self._added]
        if missing:
            raise ValueError(f"commands never added: {', '.join(missing)}")
        for name in self._order:
            help_text, run, options = self._added[name]
            self._action.add_parser(
                name,
                help=help_text,
                description=help_text,
                build=partial(self._build, name, run, options),
            )

    def _build(
        self, name: str, run: Run, options: Options | None, parser: argparse.ArgumentParser
    ) -> None:
        data_dir_option(parser, top=False)
        parser.set_defaults(run=run)
        if options is not None:
            options(parser)
        self.built.append(name)
