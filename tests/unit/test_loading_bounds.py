"""What a routine file cannot make the program do: drive the terminal with control codes, run
for days, flood the screen with problems, or quote a secret file it was pointed at."""

from __future__ import annotations

import random
import string
import textwrap
from pathlib import Path

import pytest

from backroutine.core.bounds import MAX_ROUTINE_SECONDS
from backroutine.core.errors import EXCERPT, MAX_PROBLEMS, RoutineError
from backroutine.core.loading import MAX_FILE_BYTES, load_text
from backroutine.core.model import Routine
from backroutine.core.text import first_unsafe
from backroutine.core.timeline import expand, total_seconds
from backroutine.core.validate import validate_paths
from backroutine.core.yamldoc import MAX_NODES

LABEL = "r/mine.yaml"


def load(text: str, folder: Path | None = None) -> Routine:
    path = (folder or Path("/nonexistent")) / "mine.yaml"
    return load_text(textwrap.dedent(text).lstrip("\n"), path=path, shown_as=LABEL)


def refused(text: str, folder: Path | None = None) -> RoutineError:
    with pytest.raises(RoutineError) as info:
        load(text, folder)
    return info.value


def problems(text: str, folder: Path | None = None) -> list[str]:
    return [str(p) for p in refused(text, folder).problems]


# -- control characters, in every kind of text -----------------------------------------------

HEAD = "name: R\ncategory: gentle\n"
STEP = "steps:\n  - name: Hold\n    hold: 30s\n"

# (what, the file's text, line, column of the character, field, char description, index)
CONTROL_CASES = [
    (
        "name",
        'name: "Cat\\e]0;pwned\\a"\ncategory: gentle\n' + STEP,
        1,
        11,
        "name",
        "U+001B (ESC)",
        4,
    ),
    ("summary", HEAD + 'summary: "x\\e[2J"\n' + STEP, 3, 12, "summary", "U+001B (ESC)", 2),
    (
        "description",
        HEAD + "description: |\n  Lie down\n  then \u202erelax\n" + STEP,
        5,
        8,
        "description",
        "U+202E",
        15,
    ),
    (
        "caution",
        HEAD + 'cautions:\n  - "Stop \\x9b now"\n' + STEP,
        4,
        11,
        "cautions[0]",
        "U+009B (CSI)",
        6,
    ),
    (
        "equipment",
        HEAD + 'equipment: [mat, "pad\\e]8;;http://x\\e\\\\"]\n' + STEP,
        3,
        22,
        "equipment[1]",
        "U+001B (ESC)",
        4,
    ),
    (
        "reference",
        HEAD + 'references:\n  - "NICE \\u202e NG59"\n' + STEP,
        4,
        11,
        "references[0]",
        "U+202E",
        6,
    ),
    ("id", 'id: "a\\eb"\n' + HEAD + STEP, 1, 7, "id", "U+001B (ESC)", 2),
    (
        "step name",
        HEAD + 'steps:\n  - name: "Hold\\u2066"\n    hold: 30s\n',
        4,
        16,
        "steps[0].name",
        "U+2066",
        5,
    ),
    (
        "instructions",
        HEAD + STEP + "    instructions: |\n      Lie down\u2067 now\n",
        7,
        15,
        "steps[0].instructions",
        "U+2067",
        9,
    ),
    (
        "cue say",
        HEAD + STEP + '    cues:\n      - {at: 50%, say: "Breathe\\aout"}\n',
        7,
        32,
        "steps[0].cues[0].say",
        "U+0007 (BEL)",
        8,
    ),
    (
        "cue sound",
        HEAD + STEP + '    cues:\n      - {at: 50%, sound: "a\\x1bb.wav"}\n',
        7,
        28,
        "steps[0].cues[0].sound",
        "U+001B (ESC)",
        2,
    ),
    (
        "inline illustration",
        HEAD + STEP + '    illustration: "  o\\n /|\\\\\\n\\e]52;c;aGk=\\a"\n',
        6,
        32,
        "steps[0].illustration",
        "U+001B (ESC)",
        10,
    ),
    ("a key", HEAD + STEP + '    "hold\\e": 1\n', 6, 10, "steps[0]", "U+001B (ESC)", 5),
    ("NEL", HEAD + 'summary: "a\\Nb"\n' + STEP, 3, 12, "summary", "U+0085 (NEL)", 2),
    ("DEL", HEAD + 'summary: "a\\x7fb"\n' + STEP, 3, 12, "summary", "U+007F (DEL)", 2),
]


@pytest.mark.parametrize(
    ("text", "line", "column", "field", "char", "index"),
    [case[1:] for case in CONTROL_CASES],
    ids=[case[0] for case in CONTROL_CASES],
)
def test_control_characters_are_refused_in_every_text(
    text: str, line: int, column: int, field: str, char: str, index: int
) -> None:
    (problem,) = problems(text)
    what = "a key contains" if field == "steps[0]" else "contains"
    assert problem == (
        f"{LABEL}:{line}:{column}: {field}: {what} a control character {char} at character "
        f"{index}; remove it"
    )
    assert first_unsafe(problem) is None  # the character itself is never printed


def test_the_attacks_of_the_review_are_refused() -> None:
    for value in ("\\e]0;pwned\\a", "\\e[2J", "\\x9b", "\\u202e", "\\e]52;c;aGk=\\a"):
        (problem,) = problems(f'name: R\ncategory: gentle\nsummary: "ok {value}"\n' + STEP)
        assert problem.startswith(f"{LABEL}:3:14: summary: contains a control character U+")


def test_tab_and_newline_are_still_text() -> None:
    routine = load(HEAD + 'summary: "a\\tb"\ndescription: "one\\ntwo"\n' + STEP)
    assert routine.summary == "a\tb" and routine.description == "one\ntwo"


def test_a_control_character_is_reported_once_among_other_problems() -> None:
    found = problems(HEAD + 'steps:\n  - name: "\\e"\n    hodl: 3\n    hold: 1\n')
    assert found == [
        f"{LABEL}:4:12: steps[0].name: contains a control character U+001B (ESC) at "
        "character 1; remove it",
        f'{LABEL}:5:5: steps[0].hodl: unknown key "hodl" (did you mean "hold"?); a step may '
        "have: name, instructions, hold, reps, tempo, rep, duration, sides, sets, rest, "
        "get_ready, illustration, cues",
    ]


# -- how long a bout and a routine may last -------------------------------------------------


def test_a_13_hour_bout_is_refused_at_its_reps() -> None:
    found = problems(
        """
        name: R
        category: strengthening
        steps:
          - name: Squat
            reps: 200
            tempo: 60-60-60-60
        """
    )
    assert found == [
        f"{LABEL}:5:5: steps[0].reps: 200 reps of 4m each take 13h20m; a bout can last at most "
        "2h: use fewer reps or a shorter tempo"
    ]


@pytest.mark.parametrize(
    ("pacing", "fix"),
    [
        ("    rep: 1m\n", "a shorter rep"),
        ("", "a shorter defaults.rep (or a tempo or rep of this step's own)"),
    ],
)
def test_a_long_bout_paced_by_rep_or_defaults(pacing: str, fix: str) -> None:
    text = "name: R\ncategory: gentle\ndefaults: {rep: 1m}\nsteps:\n  - name: Squat\n"
    (problem,) = problems(text + "    reps: 121\n" + pacing)
    assert problem == (
        f"{LABEL}:6:5: steps[0].reps: 121 reps of 1m each take 2h1m; a bout can last at most "
        f"2h: use fewer reps or {fix}"
    )


def test_a_bout_of_exactly_two_hours_is_fine() -> None:
    routine = load("name: R\ncategory: gentle\nsteps:\n  - {name: S, reps: 120, rep: 1m}\n")
    assert routine.steps[0].seconds == 7200


def test_a_100_step_file_of_long_bouts_is_refused_before_it_is_expanded() -> None:
    # The review's file: 100 steps, each within the per-value limits, 800 hours in all.
    steps = "".join(
        f"  - name: Hold {i}\n    hold: 2h\n    sets: 2\n    sides: both\n" for i in range(100)
    )
    error = refused("name: Long\ncategory: gentle\nsteps:\n" + steps)
    assert [str(p) for p in error.problems] == [
        f"{LABEL}:4:5: steps[0]: the routine lasts 800h58m20s in all and passes 4h at this step "
        "(which takes 8h35s with its get-ready and rests); a routine can last at most 4h: use "
        "fewer steps, sets or sides, or shorter bouts and rests, or split it into two routines"
    ]


def test_the_889_hour_file_lists_its_100_bouts_as_20_and_a_count() -> None:
    steps = "".join(
        f"  - name: Squat {i}\n    reps: 200\n    tempo: 20-20-20-20\n    sets: 2\n"
        for i in range(100)
    )
    error = refused("name: Long\ncategory: strengthening\nsteps:\n" + steps)
    assert error.total == 100
    assert len(error.problems) == MAX_PROBLEMS + 1
    assert str(error.problems[0]).startswith(f"{LABEL}:5:5: steps[0].reps: 200 reps of 1m20s")
    assert str(error.problems[-1]).startswith(f"{LABEL}:1:1: ... and 80 more problems")


def four_hours(extra: str = "") -> str:
    # 2h + 1h59m + 1m = 4h exactly, with no get-ready and no rests.
    return (
        "name: R\ncategory: gentle\ndefaults: {get_ready: 0, rest: 0}\nsteps:\n"
        "  - {name: A, hold: 2h}\n  - {name: B, duration: 1h59m}\n  - rest: 1m\n" + extra
    )


def test_a_routine_of_exactly_four_hours_is_fine() -> None:
    routine = load(four_hours())
    assert expand(routine).total_seconds == MAX_ROUTINE_SECONDS == total_seconds(routine)


def test_a_routine_of_four_hours_and_a_second_is_refused_at_the_step_that_passes() -> None:
    (problem,) = problems(four_hours("  - rest: 1\n"))
    assert problem.startswith(
        f"{LABEL}:8:5: steps[3]: the routine lasts 4h1s in all and passes 4h at this step "
        "(which takes 1s with its get-ready and rests); a routine can last at most 4h"
    )


def test_the_length_counts_get_ready_sets_sides_and_rests() -> None:
    # 5 + 4 x 30m + 3 x 20m = 3h0m5s: fine; a third set makes 5 + 6 x 30m + 5 x 20m = 4h40m5s.
    step = "  - {name: A, hold: 30m, sides: both, sets: %d, rest: 20m}\n"
    text = "name: R\ncategory: gentle\nsteps:\n"
    assert total_seconds(load(text + step % 2)) == 3 * 3600 + 5
    (problem,) = problems(text + step % 3)
    assert "lasts 4h40m5s in all" in problem


# -- at most 20 problems a file -------------------------------------------------------------


def ninety_one_problems() -> str:
    return HEAD + STEP + "".join(f"unknown{i}: 1\n" for i in range(91))


def test_91_problems_are_listed_as_20_and_71_more() -> None:
    error = refused(ninety_one_problems())
    assert error.total == 91
    assert len(error.problems) == 21
    assert str(error.problems[19]).startswith(f'{LABEL}:25:1: unknown19: unknown key "unknown19"')
    assert str(error.problems[20]) == (
        f"{LABEL}:1:1: ... and 71 more problems (only the first 20 are listed); fix these and "
        "check the file again"
    )


def test_validate_lists_20_problems_a_file_and_counts_them_all(tmp_path: Path, cli) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(ninety_one_problems(), encoding="utf-8")
    report = validate_paths([str(bad)])
    assert len(report.problems) == 21 and report.problem_count == 91
    data = report.to_dict()
    assert data["problem_count"] == 91
    assert data["problems"][-1] == {  # type: ignore[index]
        "file": str(bad),
        "line": 1,
        "column": 1,
        "field": "",
        "message": "... and 71 more problems (only the first 20 are listed); fix these and "
        "check the file again",
    }
    result = cli("validate", str(bad))
    lines = result.out.splitlines()
    assert result.code == 1 and len(lines) == 22
    assert lines[20].startswith(f"{bad}:1:1: ... and 71 more problems")
    assert lines[21] == "1 file checked: 0 valid, 1 invalid (91 problems)."


def test_an_alias_bomb_lists_20_problems() -> None:
    lines = ["name: R", "category: gentle", "steps: [{rest: 5}]", "a0: &a0 [x, x, x, x]"]
    lines += [f"a{i}: &a{i} [*a{i - 1}, *a{i - 1}, *a{i - 1}]" for i in range(1, 30)]
    error = refused("\n".join(lines) + "\n")
    assert error.total == 30 + 29 * 3 + 30  # anchors, aliases, unknown keys
    assert len(error.problems) == MAX_PROBLEMS + 1
    assert "... and 127 more problems" in str(error.problems[-1])


def test_a_file_of_too_many_values_stops_being_read(tmp_path: Path) -> None:
    steps = "".join("  - {rest: 1}\n" for _ in range(MAX_NODES // 3 + 1))
    error = refused("name: R\ncategory: gentle\nsteps:\n" + steps)
    (problem,) = error.problems
    assert str(problem).startswith(
        f"{LABEL}:1:1: the file holds more than {MAX_NODES} keys, values and list items"
    )


# -- every problem has FILE:LINE:COL --------------------------------------------------------


def test_an_oversized_file_is_reported_at_1_1(tmp_path: Path) -> None:
    big = tmp_path / "big.yaml"
    big.write_bytes(b"# " + b"x" * MAX_FILE_BYTES + b"\n")
    (problem,) = validate_paths([str(big)]).problems
    assert str(problem) == f"{big}:1:1: is larger than 1 MiB, the most a routine file may be"
    assert (problem.to_dict()["line"], problem.to_dict()["column"]) == (1, 1)


def test_file_problems_without_a_place_are_at_1_1(tmp_path: Path) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    report = validate_paths([str(tmp_path / "missing.yaml"), str(empty), ""])
    assert [str(p) for p in report.problems] == [
        f"{tmp_path / 'missing.yaml'}:1:1: no such file; check the path",
        f"{empty}:1:1: is a folder with no .yaml or .yml files in it",
        '"":1:1: an empty path; give a file or folder',
    ]


# -- messages quote only short, escaped excerpts --------------------------------------------


def shadow_like(seed: int = 7) -> str:
    rng = random.Random(seed)
    alphabet = string.ascii_letters + string.digits + "./"
    lines = []
    for user in ("root", "daemon", "bin", "sys", "www-data", "alice", "postgres", "nobody"):
        secret = "*"
        if user in ("root", "alice", "postgres"):
            salt = "".join(rng.choice(alphabet) for _ in range(22))
            hashed = "".join(rng.choice(alphabet) for _ in range(43))
            secret = f"$y$j9T${salt}${hashed}"
        lines.append(f"{user}:{secret}:19000:0:99999:7:::")
    return "\n".join(lines) + "\n"


def test_a_secret_file_behind_a_symlink_is_not_quoted(tmp_path: Path) -> None:
    secret = tmp_path / "shadow"
    secret.write_text(shadow_like(), encoding="utf-8")
    link = tmp_path / "routine.yaml"
    link.symlink_to(secret)
    report = validate_paths([str(link)])
    shown = [str(p) for p in report.problems]
    shown += [str(value) for p in report.problems for value in p.to_dict().values()]
    assert any("this key is not a name" in text for text in shown)
    for line in shadow_like().splitlines():
        for text in shown:  # not even the start of a line of it: only names are quoted
            assert line.split(":")[1][:5] not in text if ":" in line else True
            assert line[:12] not in text


@pytest.mark.parametrize("key", ["k" * 100, "a b", "x:$y", "é", "1st"])
def test_an_unknown_key_that_is_not_a_name_is_not_quoted(key: str) -> None:
    (problem,) = problems(HEAD + STEP + f'"{key}": 1\n')
    assert problem.startswith(
        f"{LABEL}:6:1: (a key that is not a name): this key is not a name; a routine may have:"
    )
    assert key not in problem


def test_an_unknown_key_that_is_a_name_is_quoted_with_a_hint() -> None:
    (problem,) = problems(HEAD + STEP + "summry: x\n")
    assert 'summry: unknown key "summry" (did you mean "summary"?)' in problem


LONG_VALUES = {
    "category": "category: " + "x" * 5000,
    "digits": "level: " + "9" * 5000,  # more digits than Python converts to an int
    "hex": "level: 0x" + "f" * 5000,
    "hold": "steps: [{name: S, hold: " + "1" * 5000 + "}]",
    "spaces": "steps: [{name: S, hold: '1h" + " " * 2_000 + "x'}]",  # no cubic backtracking
    "tempo": "steps: [{name: S, reps: 2, tempo: 1-" + "2" * 5000 + "}]",
    "figure": "steps: [{name: S, hold: 5, illustration: " + "y" * 5000 + "}]",
    "sound": "steps: [{name: S, hold: 5, cues: [{at: 1s, sound: " + "z" * 5000 + ".wav}]}]",
    "key": "steps: [{name: S, hold: 5, " + "w" * 500 + ": 1}]",  # YAML keys stop at 1024
}


@pytest.mark.parametrize("line", LONG_VALUES.values(), ids=LONG_VALUES.keys())
def test_long_bad_values_are_quoted_short(line: str) -> None:
    text = "name: R\n" + ("category: gentle\n" if not line.startswith("category") else "")
    text += line + "\n" + ("steps: [{rest: 5}]\n" if not line.startswith("steps") else "")
    found = problems(text)
    assert found
    for problem in found:
        for run in ("x", "9", "f", "1", " ", "2", "y", "z", "w"):
            assert run * (EXCERPT + 1) not in problem, problem
