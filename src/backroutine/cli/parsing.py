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


Section = tuple[str, tuple[str, ...]]  # a heading of `backroutine --help` and its commands


class Commands:
    """The subcommands of `parser`, listed in its help under the headings of `sections`, in
    their order, whatever the order they are added in; `finish()` hands them to argparse."""

    def __init__(self, parser: argparse.ArgumentParser, sections: Sequence[Section]) -> None:
        self.root = parser
        self._action = parser.add_subparsers(
            dest="command",
            metavar="COMMAND",
            prog=parser.prog,  # "backroutine play", not the root's whole usage line
            # The list is drawn under the sections' headings (finish), not as one block.
            help=argparse.SUPPRESS,
            # A stand-in, not an ArgumentParser: argparse only calls the class and uses what
            # it returns, which LazyParser passes on to the real one.
            parser_class=cast("type[argparse.ArgumentParser]", LazyParser),
        )
        self._sections = tuple(sections)
        self._order = tuple(name for _, names in sections for name in names)
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
        # `backroutine --help`: each heading with its commands and their one-line helps, as
        # argparse draws a group of arguments (a stand-in action per command: nothing parses
        # through it; the subparsers action above does the parsing).
        for title, names in self._sections:
            group = self.root.add_argument_group(title)
            for name in names:
                shown = argparse.Action([], dest=name, help=self._added[name][0], metavar=name)
                group._group_actions.append(shown)

    def parsers(self) -> dict[str, argparse.ArgumentParser]:
        """Every command's parser, built (for the shell completion scripts, which walk them
        all); a normal run builds only the one it runs."""
        choices = cast("dict[str, Any]", self._action.choices)
        for name, parser in choices.items():
            if isinstance(parser, LazyParser):
                choices[name] = parser.parser
        return cast("dict[str, argparse.ArgumentParser]", dict(choices))

    def walkable(self) -> argparse.ArgumentParser:
        """The root parser with every command built and the command list not hidden: as a
        completion generator (shtab) walks it. Only for that: the help's list is drawn by
        heading again only in a new parser."""
        self.parsers()
        self._action.help = "the command"
        return self.root

    def _build(
        self, name: str, run: Run, options: Options | None, parser: argparse.ArgumentParser
    ) -> None:
        data_dir_option(parser, top=False)
        parser.set_defaults(run=run)
        if options is not None:
            options(parser)
        self.built.append(name)
