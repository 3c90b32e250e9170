"""Every routine's intro ends with the app's one line on emergency signs: `show`, `show --json`
and plain mode's intro (the TUI intro: tests/ui/test_intro_emergency.py). The line is the app's,
so no routine file carries a copy of it."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

import pytest

from backroutine.audio import RecordingPlayer
from backroutine.core import paths
from backroutine.core.advice import EMERGENCY_SIGNS
from backroutine.core.engine import Session
from backroutine.core.library import routine_files
from backroutine.core.loading import load_routine
from backroutine.core.recording import SessionRecorder
from backroutine.plain import NoKeys, PlainPlayer
from fakes import FakeClock

BUNDLED = routine_files(paths.bundled_routines_dir(), recursive=False)


def one_line(text: str) -> str:
    return " ".join(text.split())


def test_the_line_names_the_signs_and_says_call_an_emergency_number_now() -> None:
    for sign in (
        "numbness around the genitals or bottom",
        "new trouble peeing or controlling your bowels",
        "weakness in a leg that is getting worse",
        "chest pain",
        "call an emergency number now",
    ):
        assert sign in EMERGENCY_SIGNS


def test_every_bundled_routine_is_checked() -> None:
    assert len(BUNDLED) >= 16  # a broken glob would make the tests below pass on nothing


@pytest.mark.parametrize("path", BUNDLED, ids=lambda p: p.stem)
def test_show_ends_with_the_emergency_line(cli, path: Path) -> None:
    result = cli("show", path.stem)
    assert result.code == 0, result.err
    last_paragraph = result.out.strip().split("\n\n")[-1]
    assert one_line(last_paragraph) == EMERGENCY_SIGNS
    assert one_line(result.out).count(EMERGENCY_SIGNS) == 1  # said once


@pytest.mark.parametrize("path", BUNDLED, ids=lambda p: p.stem)
def test_show_json_carries_the_emergency_line(cli, path: Path) -> None:
    data = json.loads(cli("show", path.stem, "--json").out)
    assert data["emergency_signs"] == EMERGENCY_SIGNS
    assert EMERGENCY_SIGNS not in data["cautions"]  # the file's cautions stay the file's


@pytest.mark.parametrize("path", BUNDLED, ids=lambda p: p.stem)
def test_the_plain_intro_ends_with_the_emergency_line(tmp_path: Path, path: Path) -> None:
    clock = FakeClock(50.0)
    session = Session(load_routine(path), clock=clock)
    out = io.StringIO()
    player = PlainPlayer(session, player=RecordingPlayer(clock=clock), out=out, keys=NoKeys(),
                         recorder=SessionRecorder(None, session))  # fmt: skip
    player.intro()
    lines = out.getvalue().splitlines()
    assert lines[-1] == EMERGENCY_SIGNS
    assert lines[-2].startswith("Caution: ")  # after the routine's own cautions


def test_a_routine_of_ones_own_without_cautions_gets_the_line_too(cli, write) -> None:
    path = write("mine.yaml", "name: Mine\ncategory: gentle\nsteps: [{name: A, duration: 5s}]\n")
    assert one_line(cli("show", str(path)).out.strip().split("\n\n")[-1]) == EMERGENCY_SIGNS


@pytest.mark.parametrize("path", BUNDLED, ids=lambda p: p.stem)
def test_no_routine_file_copies_the_emergency_signs(path: Path) -> None:
    text = one_line(path.read_text(encoding="utf-8"))
    assert EMERGENCY_SIGNS not in text
    # The signs themselves are the app's to list: a file that lists them again would say them
    # twice, in other words, right above the app's line.
    assert not re.search(r"genitals|peeing|bowels|chest pain", text, re.IGNORECASE)
