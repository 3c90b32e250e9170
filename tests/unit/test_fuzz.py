"""Random damage to valid routine files, and random bytes: only clean errors, ever."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from backroutine.core import paths
from backroutine.core.bounds import MAX_ROUTINE_SECONDS
from backroutine.core.errors import MAX_PROBLEMS, RoutineError
from backroutine.core.library import routine_files
from backroutine.core.loading import load_routine, load_text
from backroutine.core.model import Routine
from backroutine.core.text import first_unsafe
from backroutine.core.timeline import expand, total_seconds

SEEDS = [
    p.read_text(encoding="utf-8")
    for p in routine_files(paths.bundled_routines_dir(), recursive=False)[:6]
]
# Characters that matter to YAML, plus ordinary text.
YAML_BITS = st.sampled_from(
    [
        ":",
        "-",
        " ",
        "  ",
        "\n",
        "[",
        "]",
        "{",
        "}",
        ",",
        "'",
        '"',
        "&a",
        "*a",
        "!!str",
        "!x",
        "#",
        "|",
        ">",
        "?",
        "%",
        "@",
        "`",
        "\t",
        "0",
        "-1",
        "99999999999999999999",
        "1e400",
        ".nan",
        "~",
        "null",
        "true",
        "hold",
        "reps",
        "tempo",
        "rest",
        "sides",
        "sets",
        "cues",
        "at",
        "say",
        "sound",
        "duration",
        "name",
        "steps",
        "30s",
        "2-1-2",
        "50%",
        "\x00",
        "é",
        "\u2028",
        "\ufeff",
        '"\\e]0;x\\a"',
        '"\\x9b"',
        "\u202e",
        "1000",
        "60-60-60-60",
        "2h",
    ]
)


@st.composite
def damaged(draw: st.DrawFn) -> str:
    text = draw(st.sampled_from(SEEDS))
    for _ in range(draw(st.integers(1, 6))):
        action = draw(st.sampled_from(["insert", "delete", "swap_lines", "dup_line", "indent"]))
        position = draw(st.integers(0, max(0, len(text) - 1)))
        if action == "insert":
            text = text[:position] + draw(YAML_BITS) + text[position:]
        elif action == "delete":
            text = text[:position] + text[position + draw(st.integers(1, 40)) :]
        else:
            lines = text.split("\n")
            i = draw(st.integers(0, len(lines) - 1))
            j = draw(st.integers(0, len(lines) - 1))
            if action == "swap_lines":
                lines[i], lines[j] = lines[j], lines[i]
            elif action == "dup_line":
                lines.insert(j, lines[i])
            else:
                lines[i] = " " * draw(st.integers(1, 6)) + lines[i]
            text = "\n".join(lines)
    return text


def _check(text: str) -> None:
    try:
        routine = load_text(text, path=Path("/nonexistent/fuzz.yaml"))
    except RoutineError as exc:
        assert exc.problems and len(exc.problems) <= MAX_PROBLEMS + 1
        # Lines as an editor counts them (\n, \r\n or \r), never libyaml's NEL, LS and PS.
        lines = len(re.findall(r"\r\n|\n|\r", text)) + 2
        for problem in exc.problems:
            assert problem.message
            assert 1 <= problem.line <= lines and problem.column >= 1
            assert first_unsafe(str(problem)) is None  # no control character reaches a terminal
        return
    assert isinstance(routine, Routine)
    assert 0 < expand(routine).total_seconds == total_seconds(routine) <= MAX_ROUTINE_SECONDS
    texts = [routine.id, routine.name, routine.summary or "", routine.description or ""]
    texts += [*routine.equipment, *routine.cautions, *routine.references]
    for step in routine.steps:
        texts += [step.name, step.instructions or "", step.illustration or ""]
        texts += [cue.say or "" for cue in step.cues]
    assert all(first_unsafe(t) is None for t in texts)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(damaged())
def test_damaged_routines_give_clean_errors(text: str) -> None:
    _check(text)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=400))
def test_random_text_gives_clean_errors(text: str) -> None:
    _check(text)


@pytest.mark.parametrize("separator", ["\x85", "\u2028", "\u2029"])
def test_unusual_line_separators_do_not_shift_line_numbers(separator: str) -> None:
    # A quoted name holding NEL, LS or PS (refused or kept, it is one line in an editor): a
    # mistake on line 4 is reported on line 4, not 5.
    text = f'name: "a{separator}b"\ncategory: gentle\nsteps: [{{name: A, duration: 5s}}]\nbad: 1\n'
    with pytest.raises(RoutineError) as caught:
        load_text(text, path=Path("fuzz.yaml"))
    assert any(p.line == 4 and p.field == "bad" for p in caught.value.problems)


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=400))
def test_random_bytes_give_clean_errors(tmp_path_factory, data: bytes) -> None:
    path = tmp_path_factory.mktemp("bytes") / "fuzz.yaml"
    path.write_bytes(data)
    try:
        load_routine(path)
    except RoutineError as exc:
        assert all(p.message for p in exc.problems)
