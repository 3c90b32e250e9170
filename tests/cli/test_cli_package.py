"""The CLI as a package: tables counted in terminal cells, the safety keys in `safety --help`,
the hint for the missing web extra, and argparse's own messages with its parsers built lazily
(argparse itself left unpatched)."""

from __future__ import annotations

import argparse
import gettext
import re
import sys
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from backroutine.cli import build_parser
from backroutine.cli.common import cells, fit, pad, table_lines
from backroutine.cli.progress import safety_keys_text
from backroutine.cli.serve import INSTALL_WEB
from backroutine.core.health import RED_FLAG_KEYS
from backroutine.core.history import HistoryStore
from backroutine.core.paths import bundled_routines_dir

WIDE = "腰痛のための体操"  # 8 characters, 16 cells


# -- (a) widths in terminal cells ----------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "width"),
    [
        ("Desk break", 10),
        (WIDE, 16),
        ("ｶﾀｶﾅ", 4),  # halfwidth katakana: one cell each
        ("ＡＢ", 4),  # fullwidth Latin
        ("e\u0301te\u0301", 3),  # decomposed accents take no cell
        ("a\u200bb", 2),  # a zero-width space neither
        ("😀 ok", 5),
        ("…", 1),
        ("", 0),
    ],
)
def test_cells_counts_terminal_cells(text: str, width: int) -> None:
    assert cells(text) == width


def test_fit_cuts_wide_text_by_cells_and_pad_fills_them() -> None:
    cut = fit("中" * 25, 40)
    assert cut.endswith("…") and cells(cut) <= 40
    assert cells(pad(cut, 40)) == 40
    assert fit("short", 40) == "short"
    assert pad("中", 4, right=True) == "  中"


def test_table_lines_align_wide_cells() -> None:
    lines = table_lines([("name", "time"), (WIDE, "1:00"), ("Desk break", "2:49")])
    starts = {cells(line[: line.index(":") - 1]) for line in lines[1:]}
    assert len(starts) == 1  # the time column starts at the same cell on every row
    assert cells(lines[0].split("time")[0]) == starts.pop()


def _cell_of(line: str, pattern: str, *, start: bool = False) -> int:
    """The cell where `pattern` ends (or starts) in `line`."""
    found = re.search(pattern, line)
    assert found, line
    return cells(line[: found.start() if start else found.end()])


def test_list_lines_up_wide_names(cli, data_dir: Path, write) -> None:
    routines = data_dir / "routines"
    write(
        "koshi.yaml",
        f"name: {WIDE}\ncategory: gentle\nsteps:\n  - {{name: Rest, hold: 30s}}\n",
        routines,
    )
    long = "背中" * 15  # 60 cells: cut to the 40-cell column
    write(
        "senaka.yaml",
        f"name: {long}\ncategory: gentle\nsteps:\n  - {{name: Rest, hold: 30s}}\n",
        routines,
    )
    result = cli("list")
    assert result.code == 0, result.err
    rows = [line for line in result.out.splitlines() if re.search(r"\d+:\d\d  ", line)]
    assert any(WIDE in row for row in rows) and any("…" in row for row in rows)
    ends = {_cell_of(row, r"\d+:\d\d") for row in rows}
    assert len(ends) == 1, result.out  # the length column ends at the same cell on every row


def test_history_lines_up_wide_routine_names(cli, data_dir: Path) -> None:
    now = datetime.now().astimezone()
    with HistoryStore.open(data_dir) as store:
        for hours, name in ((2, "Desk break"), (1, WIDE)):
            session = store.start_session(
                routine_id="r", routine_name=name, category="gentle", steps_total=2,
                started_at=now - timedelta(hours=hours),
            )  # fmt: skip
            store.finish_session(
                session, status="completed", steps_done=2, active_seconds=60, at=now
            )
    result = cli("history")
    assert result.code == 0, result.err
    lines = result.out.splitlines()[:3]
    assert lines[0].startswith("started")
    assert {_cell_of(line, r"status|completed", start=True) for line in lines} == {
        _cell_of(lines[0], "status", start=True)
    }


# -- (b) the keys that --yes takes -----------------------------------------------------------


def test_safety_help_lists_the_question_keys(cli) -> None:
    result = cli("safety", "--help")
    assert result.code == 0
    assert "see the keys below" in result.out
    below = result.out.split("--checked", 1)[1]
    for key in RED_FLAG_KEYS:
        assert key in below
    assert "emergency:" in below and "doctor today:" in below
    assert all(len(line) <= 79 for line in safety_keys_text().splitlines())


# -- (c) the web extra ---------------------------------------------------------------------


def test_serve_without_textual_serve_says_what_to_install(cli, monkeypatch) -> None:
    monkeypatch.delitem(sys.modules, "backroutine.cli.guarded_server", raising=False)
    monkeypatch.setitem(sys.modules, "textual_serve", None)
    monkeypatch.setitem(sys.modules, "textual_serve.server", None)
    result = cli("serve")
    assert result.code == 1
    assert result.err == f"backroutine: {INSTALL_WEB}\n"
    assert "pip install textual-serve" in result.err and "pip install '.[web]'" in result.err
    assert "backroutine[web]" not in result.err  # not on PyPI: that would fail


def test_serve_refuses_a_port_that_only_looks_like_digits(cli) -> None:
    result = cli("serve", "--port", "²")
    assert result.code == 2
    assert "'²' is not a port; use a number from 1 to 65535" in result.err


# -- (d) argparse's messages, with argparse unpatched ----------------------------------------


@pytest.mark.parametrize(
    ("args", "lines"),
    [
        (
            ["show"],
            [
                "usage: backroutine show [-h] [--data-dir DIR] [--json] ROUTINE",
                "backroutine show: error: the following arguments are required: ROUTINE",
            ],
        ),
        (
            ["history", "--json", "--csv"],
            [
                "usage: backroutine history [-h] [--data-dir DIR] [--json | --csv] [--all]",
                "backroutine history: error: argument --csv: not allowed with argument --json",
            ],
        ),
        (
            ["checkin", "--pain", "11"],
            [
                "backroutine checkin: error: argument --pain: 11 is out of range; use 0 (none) to 10 (worst)"
            ],
        ),
        (
            ["list", "--bogus"],
            [
                "usage: backroutine [-h] [--version] [--data-dir DIR] COMMAND ...",
                "backroutine: error: unrecognized arguments: --bogus",
            ],
        ),
        (
            ["play", "x", "--speed"],
            ["backroutine play: error: argument --speed: expected one argument"],
        ),
    ],
)
def test_usage_errors_are_argparses_own_words(cli, args: list[str], lines: list[str]) -> None:
    result = cli(*args)
    assert result.code == 2
    assert result.out == ""
    for line in lines:
        assert line in result.err.splitlines()


@pytest.mark.parametrize(
    ("args", "start", "choices"),
    [
        (["dance"], "backroutine: error: argument COMMAND: invalid choice: 'dance' (choose from ",
         ("list", "show", "validate", "play", "checkin", "safety", "serve", "doctor")),
        (["new", "--category", "bad", "x"],
         "backroutine new: error: argument --category: invalid choice: 'bad' (choose from ",
         ("gentle", "yoga", "strengthening")),
    ],
)  # fmt: skip
def test_an_invalid_choice_lists_the_choices(
    cli, args: list[str], start: str, choices: tuple[str, ...]
) -> None:
    result = cli(*args)
    assert result.code == 2
    message = result.err.splitlines()[-1]
    assert message.startswith(start)
    for name in choices:  # quoted or bare, as this Python's argparse writes them
        assert re.search(rf"\b{name}\b", message[len(start) :])


def test_help_has_argparses_headings_and_every_command_in_order(cli) -> None:
    out = cli("--help").out
    assert out.startswith("usage: backroutine [-h] [--version] [--data-dir DIR] COMMAND ...\n")
    for heading in ("options:", "show this help message and exit",
                    "show program's version number and exit", "routines:", "your back:",
                    "at your desk:", "this computer:"):  # fmt: skip
        assert heading in out
    listed = re.findall(r"^  (\w+) ", out, flags=re.M)
    assert listed == [
        "play", "list", "show", "home", "new", "validate", "schema",
        "checkin", "status", "history", "stats", "safety", "activities", "report",
        "breaks", "config", "devices", "serve", "doctor", "completion",
    ]  # fmt: skip
    sub = cli("validate", "--help").out
    assert sub.startswith(
        "usage: backroutine validate [-h] [--data-dir DIR] [--json] PATH [PATH ...]"
    )
    assert "check routine files (and folders of them) for mistakes" in sub


def test_argparse_is_not_patched(cli) -> None:
    cli("validate", "--help")
    cli("--version")
    assert argparse._ is gettext.gettext  # type: ignore[attr-defined]


def test_only_the_command_that_runs_has_its_parser_built(cli, monkeypatch) -> None:
    """What the gettext patch was for: a quick start. argparse looks up a translation for each
    heading of each parser (a search on disk each time); building the one parser the command
    needs, not all sixteen, keeps that to a handful of lookups."""
    built: list[str] = []
    lookups: list[str] = []
    real_init = argparse.ArgumentParser.__init__

    def counting_init(self: argparse.ArgumentParser, *args: object, **kwargs: object) -> None:
        real_init(self, *args, **kwargs)  # type: ignore[arg-type]
        built.append(self.prog)

    def counting_gettext(message: str) -> str:
        lookups.append(message)
        return gettext.gettext(message)

    monkeypatch.setattr(argparse.ArgumentParser, "__init__", counting_init)
    monkeypatch.setattr(argparse, "_", counting_gettext)
    result = cli("validate", str(bundled_routines_dir() / "desk-break.yaml"))
    assert result.code == 0, result.err
    assert built == ["backroutine", "backroutine validate"]
    assert len(lookups) <= 10, lookups  # 6 on Python 3.11; 48 with every parser built


def test_build_parser_builds_no_command_parser_until_one_is_used() -> None:
    parser = build_parser()
    assert parser.parse_args(["--data-dir", "x"]).data_dir == "x"
    args = parser.parse_args(["checkin", "--pain", "3"])
    assert args.pain == 3 and args.command == "checkin" and callable(args.run)


@pytest.mark.parametrize("args", [("serve", "--help"), ("safety", "--help"), ("--help",)])
def test_help_imports_nothing_heavy(args: tuple[str, ...]) -> None:
    import subprocess

    run = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "backroutine", *args],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert run.returncode == 0, run.stderr
    loaded = {line.split("|")[-1].strip() for line in run.stderr.splitlines() if "|" in line}
    assert "backroutine.cli" in loaded  # the measurement itself works
    heavy = {"textual", "aiohttp", "textual_serve", "miniaudio", "playsound3", "yaml"}
    assert not heavy & loaded
