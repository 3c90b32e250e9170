"""`backroutine completion bash|zsh|fish`: a tab-completion script for the shell, made from the
parser itself, so it always knows every command and option.

Why a script printed once rather than completion at run time (argcomplete): nothing is added to
the start of every `backroutine` run (`--version` stays as fast as it was), and the script works
without backroutine's Python being found by the shell. bash and zsh come from shtab; shtab has
no fish, so fish's few lines are written here from the same parser.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable

from backroutine.cli.common import EXIT_OK
from backroutine.cli.parsing import Commands

SHELLS = ("bash", "zsh", "fish")
# Where each shell looks for a completion script (for the help and the README).
INSTALL = {
    "bash": "backroutine completion bash > ~/.local/share/bash-completion/completions/backroutine",
    "zsh": "backroutine completion zsh > ~/.zfunc/_backroutine  "
    "(with fpath+=~/.zfunc before compinit in ~/.zshrc)",
    "fish": "backroutine completion fish > ~/.config/fish/completions/backroutine.fish",
}


def register(commands: Commands) -> None:
    def options(parser: argparse.ArgumentParser) -> None:
        parser.add_argument("shell", choices=SHELLS, help="the shell to complete for")
        parser.epilog = "Install it once:\n" + "\n".join(f"  {INSTALL[s]}" for s in SHELLS)
        parser.formatter_class = argparse.RawDescriptionHelpFormatter
        parser.set_defaults(commands=lambda: commands)

    commands.add(
        "completion",
        "print a tab-completion script for bash, zsh or fish",
        cmd_completion,
        options,
    )


def cmd_completion(args: argparse.Namespace) -> int:
    get: Callable[[], Commands] = args.commands
    print(script(get(), args.shell), end="")
    return EXIT_OK


def script(commands: Commands, shell: str) -> str:
    if shell == "fish":
        return _fish(commands.root, commands.parsers())
    import shtab

    return str(shtab.complete(commands.walkable(), shell=shell))


def _fish(root: argparse.ArgumentParser, parsers: dict[str, argparse.ArgumentParser]) -> str:
    lines = [
        "# fish completion for backroutine (backroutine completion fish)",
        "complete -c backroutine -f",
    ]
    lines += _fish_options(root, "__fish_use_subcommand")
    for name, parser in parsers.items():
        lines.append(
            f"complete -c backroutine -n __fish_use_subcommand -a {name}"
            f" -d {_quoted(parser.description or '')}"
        )
        lines += _fish_options(parser, f"'__fish_seen_subcommand_from {name}'")
        for action in parser._actions:
            if not action.option_strings and action.choices:  # a positional with choices
                words = " ".join(str(c) for c in action.choices)
                lines.append(
                    f"complete -c backroutine -n '__fish_seen_subcommand_from {name}'"
                    f" -a {_quoted(words)}"
                )
    return "\n".join(lines) + "\n"


def _fish_options(parser: argparse.ArgumentParser, condition: str) -> list[str]:
    lines = []
    for action in parser._actions:
        if not action.option_strings or action.help == argparse.SUPPRESS:
            continue
        parts = [f"complete -c backroutine -n {condition}"]
        for option in action.option_strings:
            parts.append(f"-l {option[2:]}" if option.startswith("--") else f"-s {option[1:]}")
        if action.nargs != 0:
            if action.choices:  # one of these words, and no file names
                parts.append("-x -a " + _quoted(" ".join(str(c) for c in action.choices)))
            else:
                parts.append("-r")
        if action.help:
            parts.append("-d " + _quoted(action.help))
        lines.append(" ".join(parts))
    return lines


def _quoted(text: str) -> str:
    """A fish single-quoted word: backslashes and quotes escaped, one line."""
    flat = " ".join(text.split())
    return "'" + flat.replace("\\", "\\\\").replace("'", "\\'") + "'"
