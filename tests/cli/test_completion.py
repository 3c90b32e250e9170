"""`backroutine --help` by heading, and `backroutine completion bash|zsh|fish` (issue 21)."""

from __future__ import annotations

import subprocess
import sys

from backroutine.cli import ORDER, SECTIONS


def test_help_lists_every_command_under_a_heading(cli) -> None:
    out = cli("--help").out
    assert "usage: backroutine [-h] [--version] [--data-dir DIR] COMMAND ..." in out
    for title, names in SECTIONS:
        block = out.split(f"\n{title}:\n", 1)[1].split("\n\n", 1)[0]
        listed = [line.split()[0] for line in block.splitlines() if line[2] != " "]
        assert listed == list(names), title
    assert len(ORDER) == len(set(ORDER)) == 20 and "completion" in ORDER and "config" in ORDER


def test_a_command_says_its_own_name_in_its_usage(cli) -> None:
    result = cli("completion", "ksh")
    assert result.code == 2
    assert "usage: backroutine completion [-h] [--data-dir DIR] {bash,zsh,fish}" in result.err
    assert "invalid choice: 'ksh'" in result.err


def _bash_complete(script: str, *words: str) -> list[str]:
    probe = (
        f"source /dev/stdin <<'EOF'\n{script}\nEOF\n"
        f"COMP_WORDS=({' '.join(repr(w) for w in words)}); COMP_CWORD={len(words) - 1}; "
        '_shtab_backroutine; printf "%s\\n" "${COMPREPLY[@]}"'
    )
    run = subprocess.run(["bash", "-c", probe], capture_output=True, text=True, timeout=30)
    assert run.returncode == 0, run.stderr
    return [line for line in run.stdout.splitlines() if line]


def test_bash_completes_commands_options_and_choices(cli) -> None:
    script = cli("completion", "bash").out
    assert _bash_complete(script, "backroutine", "pl") == ["play"]
    assert _bash_complete(script, "backroutine", "checkin", "--sp") == ["--spasms"]
    assert _bash_complete(script, "backroutine", "checkin", "--spasms", "") == [
        "fewer",
        "same",
        "more",
    ]
    assert set(_bash_complete(script, "backroutine", "")) >= set(ORDER)


def test_zsh_and_fish_know_every_command(cli) -> None:
    zsh = cli("completion", "zsh").out
    assert zsh.startswith("#compdef backroutine")
    fish = cli("completion", "fish").out
    for name in ORDER:
        assert f"-n __fish_use_subcommand -a {name} -d " in fish
        assert name in zsh
    # A word list for --spasms, and no file names offered there.
    assert (
        "complete -c backroutine -n '__fish_seen_subcommand_from checkin' -l spasms -x "
        "-a 'fewer same more'"
    ) in fish
    # Quotes in help texts are escaped for fish's single quotes.
    assert "program\\'s version" in fish


def test_completion_does_not_slow_other_commands() -> None:
    # shtab is imported only by `completion`, never by --version.
    code = (
        "import sys; from backroutine.cli import main\n"
        "try:\n    main(['--version'])\nexcept SystemExit:\n    pass\n"
        "assert 'shtab' not in sys.modules, 'shtab imported'\n"
    )
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert run.returncode == 0, run.stderr
