"""Every rule of ROUTINE_FORMAT.md, each with the line and column it is reported at."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from backroutine.core.errors import RoutineError
from backroutine.core.loading import MAX_FILE_BYTES, id_from_stem, load_routine, load_text
from backroutine.core.model import Routine


def load(text: str, name: str = "mine.yaml", folder: Path | None = None) -> Routine:
    path = (folder or Path("/nonexistent")) / name
    return load_text(textwrap.dedent(text).lstrip("\n"), path=path, shown_as=f"r/{name}")


def problems(text: str, **kw: object) -> list[str]:
    with pytest.raises(RoutineError) as info:
        load(text, **kw)  # type: ignore[arg-type]
    return [str(p) for p in info.value.problems]


def test_a_full_routine_loads() -> None:
    routine = load(
        """
        name: Knee rocks and tilts
        category: gentle
        summary: Loosen a tight lower back.
        description: |
          Longer text.
        level: 1
        equipment: [mat, heating pad]
        cautions:
          - Stop if pain becomes sharp.
        references: [NICE NG59]
        defaults: {rest: 12s, get_ready: 0, rep: 4s}
        steps:
          - name: Pelvic tilt
            reps: 10
            tempo: 2-1-2
          - name: Knee-to-chest
            hold: 30s
            sides: both
            sets: 2
            rest: 15s
            illustration: knees-to-chest
            cues:
              - {at: 50%, say: Breathe out slowly, sound: chime}
              - {at: -5s, say: Nearly there}
          - name: Slow walk
            duration: 2m
          - rest: 30s
          - name: Dead bug
            reps: 6
        """
    )
    assert routine.id == "mine"
    assert routine.defaults.rest == 12 and routine.defaults.get_ready == 0
    tilt, hug, walk, rest, bug = routine.steps
    assert (tilt.kind, tilt.reps, tilt.tempo, tilt.seconds) == ("reps", 10, (2, 1, 2), 50)
    assert (hug.kind, hug.seconds, hug.sides, hug.sets, hug.rest) == ("hold", 30, "both", 2, 15)
    assert hug.illustration and hug.illustration_name == "knees-to-chest"
    assert [c.offset(30) for c in hug.cues] == [15.0, 25.0]
    assert hug.cues[0].sound == "chime"
    assert (walk.kind, walk.seconds, walk.get_ready) == ("duration", 120, 0)
    assert (rest.kind, rest.seconds, rest.name) == ("rest", 30, "Rest")
    assert (bug.rep_pace, bug.seconds, bug.rest) == (4, 24, 12)  # defaults.rep and .rest


@pytest.mark.parametrize(
    ("stem", "expected"),
    [("My Routine", "my-routine"), ("knee_rocks--2", "knee-rocks-2"), ("_x_", "x")],
)
def test_id_from_file_name(stem: str, expected: str) -> None:
    assert id_from_stem(stem) == expected


HEAD = "name: R\ncategory: gentle\nsteps:\n"

# (body, expected "line:col: field: fragment") — the body's first line is line 4.
# fmt: off
RULES = [
    # required keys and types
    ("  - name: Walk\n    duraton: 2m\n", '5:5: steps[0].duraton: unknown key "duraton" (did you mean "duration"?)'),
    ("  - name: Plank\n    hodl: 20s\n", '5:5: steps[0].hodl: unknown key "hodl" (did you mean "hold"?)'),
    ("  - name: Walk\n    duration: 2m\n    side: both\n", '6:5: steps[0].side: unknown key "side" (did you mean "sides"?)'),
    ("  - name: Walk\n    duration: 2m\n    hold: 30s\n", "6:5: steps[0].hold: a step has exactly one of hold, reps or duration"),
    ("  - name: Walk\n", "4:5: steps[0]: a step needs one of hold"),
    ("  - duration: 2m\n", '4:5: steps[0]: "name" is missing'),
    ("  - name: Walk\n    duration: 30 secs\n", '5:15: steps[0].duration: "30 secs" is not a duration (use 45s, 2m, 1m30s or seconds)'),
    ("  - name: Walk\n    duration: 0\n", "5:15: steps[0].duration: 0 is zero"),
    ("  - name: Walk\n    duration: -5\n", "5:15: steps[0].duration: -5 is negative"),
    ("  - name: Walk\n    duration: 2h1s\n", "5:15: steps[0].duration: \"2h1s\" is longer than 2 hours"),
    ("  - name: Walk\n    duration: 1.5\n", "5:15: steps[0].duration: 1.5 is not a whole number"),
    ("  - name: Hold\n    hold: 0s\n", "5:11: steps[0].hold: \"0s\" is zero"),
    ("  - rest: 0\n", "4:11: steps[0].rest: 0 is zero"),
    # reps and pacing
    ("  - name: Bridge\n    reps: 0\n", "5:11: steps[0].reps: 0 is out of range; use 1 to 200"),
    ("  - name: Bridge\n    reps: 201\n", "5:11: steps[0].reps: 201 is out of range"),
    ("  - name: Bridge\n    reps: many\n", '5:11: steps[0].reps: "many" is not a whole number'),
    ("  - name: Squat\n    reps: 8\n    tempo: 2-1-2\n    rep: 4s\n", "7:5: steps[0].rep: give either tempo"),
    ("  - name: Squat\n    reps: 8\n    tempo: 2\n", '6:12: steps[0].tempo: 2 is not a tempo'),
    ("  - name: Squat\n    reps: 8\n    tempo: 1-1-1-1-1\n", '6:12: steps[0].tempo: "1-1-1-1-1" is not a tempo'),
    ("  - name: Squat\n    reps: 8\n    tempo: 2-61-2\n", "6:12: steps[0].tempo: \"2-61-2\": each tempo phase may be 0 to 60"),
    ("  - name: Squat\n    reps: 8\n    tempo: 0-0-0\n", "6:12: steps[0].tempo: \"0-0-0\": the tempo phases add up to 0"),
    ("  - name: Hold\n    hold: 30s\n    tempo: 2-1-2\n", "6:5: steps[0].tempo: tempo only applies to a reps step"),
    ("  - name: Hold\n    hold: 30s\n    rep: 2s\n", "6:5: steps[0].rep: rep only applies to a reps step"),
    # sets, sides, rest
    ("  - name: Hold\n    hold: 30s\n    sets: 21\n", "6:11: steps[0].sets: 21 is out of range; use 1 to 20"),
    ("  - name: Hold\n    hold: 30s\n    sets: 0\n", "6:11: steps[0].sets: 0 is out of range"),
    ("  - name: Hold\n    hold: 30s\n    sides: left\n", '6:12: steps[0].sides: "left" is not allowed here; use both (left, then right) or none'),
    ("  - name: Hold\n    hold: 30s\n    sides: bothh\n", '6:12: steps[0].sides: "bothh" is not allowed here (did you mean "both"?)'),
    ("  - name: Hold\n    hold: 30s\n    rest: -1\n", "6:11: steps[0].rest: -1 is negative"),
    ("  - rest: 30s\n    sets: 2\n", "5:5: steps[0].sets: sets does not apply to a bare rest step"),
    ("  - name: Walk\n    duration: 1m\n    get_ready: 5s\n", "6:5: steps[0].get_ready: get_ready only applies to hold and reps steps"),
    # cues
    ("  - name: H\n    hold: 10s\n    cues:\n      - {at: 11s, say: x}\n", '7:14: steps[0].cues[0].at: "11s" is after the end of this step\'s 10 s bout'),
    ("  - name: H\n    hold: 10s\n    cues:\n      - {at: -11s, say: x}\n", '7:14: steps[0].cues[0].at: "-11s" is before the start of this step\'s 10 s bout'),
    ("  - name: H\n    hold: 10s\n    cues:\n      - {at: 120%, say: x}\n", '7:14: steps[0].cues[0].at: "120%" is more than 100%'),
    ("  - name: H\n    hold: 10s\n    cues:\n      - {at: soon, say: x}\n", '7:14: steps[0].cues[0].at: "soon" is not a cue time'),
    ("  - name: H\n    hold: 10s\n    cues:\n      - {say: x}\n", '7:9: steps[0].cues[0]: "at" is missing'),
    ("  - name: H\n    hold: 10s\n    cues:\n      - {at: 5s}\n", '7:9: steps[0].cues[0]: a cue needs "say" (text), "sound", or both'),
    ("  - name: H\n    hold: 10s\n    cues:\n      - {at: 5s, sound: chme}\n", '7:25: steps[0].cues[0].sound: "chme" is not a bundled sound (did you mean "chime"?)'),
    ("  - name: H\n    hold: 10s\n    cues:\n      - {at: 5s, sound: /etc/passwd.wav}\n", '7:25: steps[0].cues[0].sound: "/etc/passwd.wav" is an absolute path'),
    ("  - name: H\n    hold: 10s\n    cues:\n      - {at: 5s, sound: ../../x.wav}\n", '7:25: steps[0].cues[0].sound: "../../x.wav" leads outside the routine\'s folder'),
    ("  - name: H\n    hold: 10s\n    cues:\n      - {at: 5s, sound: 'C:\\x.wav'}\n", "is an absolute path"),
    ("  - name: H\n    hold: 10s\n    cues:\n      - {at: 5s, sound: here.wav}\n", '7:25: steps[0].cues[0].sound: "here.wav" does not exist next to this routine file'),
    ("  - name: H\n    hold: 10s\n    cues:\n      - {at: 5s, sound: a/b.mp3}\n", "is not a .wav file"),
    ("  - name: H\n    hold: 10s\n    cues:\n      - {at: 5s, say: x, when: now}\n", '7:26: steps[0].cues[0].when: unknown key "when"'),
    # illustrations
    ("  - name: H\n    hold: 10s\n    illustration: cat-cw\n", '6:19: steps[0].illustration: "cat-cw" is not a bundled figure (did you mean "cat-cow"?)'),
    # steps shape
    ("  - just text\n", "4:5: steps[0]: must be a mapping"),
    ("  []\n", "4:3: steps: is empty"),
]
# fmt: on


@pytest.mark.parametrize(("body", "expected"), RULES, ids=[r[1][:50] for r in RULES])
def test_each_rule_is_reported_where_it_is(body: str, expected: str) -> None:
    found = problems(HEAD + body)
    assert any(expected in p for p in found), found
    assert all(p.startswith("r/mine.yaml:") for p in found)


# fmt: off
TOP_RULES = [
    ("category: gentle\nsteps: [{rest: 5}]\n", '1:1: "name" is missing'),
    ("name: R\nsteps: [{rest: 5}]\n", '1:1: "category" is missing; use one of: gentle, yoga, strengthening'),
    ("name: R\ncategory: gentle\n", '1:1: "steps" is missing'),
    ("name: R\ncategory: yogga\nsteps: [{rest: 5}]\n", '2:11: category: "yogga" is not allowed here (did you mean "yoga"?)'),
    ("name: R\ncategory: gentle\nlevel: 6\nsteps: [{rest: 5}]\n", "3:8: level: 6 is out of range; use 1 to 5"),
    ("name: R\ncategory: gentle\nlevel: true\nsteps: [{rest: 5}]\n", "3:8: level: true is not a whole number"),
    ("name: " + "x" * 81 + "\ncategory: gentle\nsteps: [{rest: 5}]\n", "1:7: name: is 81 characters long; at most 80"),
    ("name: ''\ncategory: gentle\nsteps: [{rest: 5}]\n", "1:7: name: is empty"),
    ("name: [a]\ncategory: gentle\nsteps: [{rest: 5}]\n", "1:7: name: a list is not text"),
    ("name: R\nid: My Id\ncategory: gentle\nsteps: [{rest: 5}]\n", '2:5: id: "My Id" is not a valid id'),
    ("name: R\ncategory: gentle\nsummary: |\n  two\n  lines\nsteps: [{rest: 5}]\n", "3:10: summary: must be a single line"),
    ("name: R\ncategory: gentle\nequipment: mat\nsteps: [{rest: 5}]\n", "3:12: equipment: must be a list of text"),
    ("name: R\ncategory: gentle\ncautions: ['', ok]\nsteps: [{rest: 5}]\n", "3:12: cautions[0]: must be some text"),
    ("name: R\ncategory: gentle\ndefaults: {rest: 1m, warmup: 5s}\nsteps: [{rest: 5}]\n", '3:22: defaults.warmup: unknown key "warmup"'),
    ("name: R\ncategory: gentle\ndefaults: {rep: 0}\nsteps: [{rest: 5}]\n", "3:17: defaults.rep: 0 is zero"),
    ("name: R\ncategory: gentle\ndefaults: 5\nsteps: [{rest: 5}]\n", "3:11: defaults: must be a mapping"),
    ("name: R\ncategory: gentle\nsteps: [{rest: 5}]\nauthor: me\n", '4:1: author: unknown key "author"'),
    ("name: R\ncategory: gentle\nsteps: {rest: 5}\n", "3:8: steps: must be a list of steps"),
    ("- a\n- b\n", "1:1: a routine file must be a mapping"),
    ("", "1:1: the file is empty"),
    ("name: R\nname: S\ncategory: gentle\nsteps: [{rest: 5}]\n", '2:1: duplicate key "name" (first given on line 1)'),
    ("name: R\ncategory: gentle\nsteps: [{rest: !!int 5}]\n", "3:16: steps[0].rest: YAML tags"),
    ("name: R\ncategory: gentle\nsteps: [{rest: 5}\n", "not valid YAML"),
]
# fmt: on


@pytest.mark.parametrize(("text", "expected"), TOP_RULES, ids=[r[1][:50] for r in TOP_RULES])
def test_each_top_level_rule(text: str, expected: str) -> None:
    found = problems(text)
    assert any(expected in p for p in found), found


def test_all_problems_of_a_file_come_at_once() -> None:
    found = problems(
        """
        name: R
        category: gentel
        level: 9
        steps:
          - name: A
            hodl: 20s
          - name: B
            reps: 0
          - name: C
            duration: soon
        """
    )
    assert [p.split(": ")[0] for p in found] == [
        "r/mine.yaml:2:11",
        "r/mine.yaml:3:8",
        "r/mine.yaml:6:5",
        "r/mine.yaml:8:11",
        "r/mine.yaml:10:15",
    ]


def test_sound_file_beside_the_routine(tmp_path: Path) -> None:
    (tmp_path / "sounds").mkdir()
    (tmp_path / "sounds" / "gong.wav").write_bytes(b"RIFF")
    routine = load(
        "name: R\ncategory: gentle\nsteps:\n"
        "  - {name: H, hold: 10s, cues: [{at: 1s, sound: sounds/gong.wav}]}\n",
        folder=tmp_path,
    )
    assert routine.steps[0].cues[0].sound_file == tmp_path / "sounds" / "gong.wav"


def test_sound_symlink_out_of_the_folder_is_refused(tmp_path: Path) -> None:
    outside = tmp_path / "outside.wav"
    outside.write_bytes(b"RIFF")
    folder = tmp_path / "routines"
    folder.mkdir()
    (folder / "link.wav").symlink_to(outside)
    found = problems(
        "name: R\ncategory: gentle\nsteps:\n"
        "  - {name: H, hold: 10s, cues: [{at: 1s, sound: link.wav}]}\n",
        folder=folder,
    )
    assert any("leads outside the routine's folder" in p for p in found)


def test_inline_illustration_is_kept() -> None:
    routine = load(
        "name: R\ncategory: gentle\nsteps:\n  - name: H\n    hold: 10s\n"
        "    illustration: |2\n       o\n      /|\\\n      / \\\n"
    )
    assert routine.steps[0].illustration == " o\n/|\\\n/ \\"


# -- files ---------------------------------------------------------------------------------


def test_file_problems(tmp_path: Path) -> None:
    def one(path: Path) -> str:
        with pytest.raises(RoutineError) as info:
            load_routine(path, shown_as="x.yaml")
        (problem,) = info.value.problems
        return str(problem)

    # No place in the file applies: 1:1, so that every line has the FILE:LINE:COL shape.
    assert one(tmp_path / "missing.yaml") == "x.yaml:1:1: no such file; check the path"
    assert one(tmp_path) == "x.yaml:1:1: is a folder, not a routine file"
    big = tmp_path / "big.yaml"
    big.write_bytes(b"# " + b"x" * MAX_FILE_BYTES + b"\n")
    assert one(big) == "x.yaml:1:1: is larger than 1 MiB, the most a routine file may be"
    latin = tmp_path / "latin.yaml"
    latin.write_bytes(b"name: R\ncategory: gentle\nsummary: caf\xe9\n")
    assert one(latin) == "x.yaml:3:13: the file is not UTF-8 text (byte 0xe9); save it as UTF-8"
    utf16 = tmp_path / "utf16.yaml"
    utf16.write_bytes("name: R\n".encode("utf-16"))
    assert "not UTF-8" in one(utf16)


def test_unreadable_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # chmod 000 does not stop root (CI runs as root), so make the open itself fail.
    path = tmp_path / "locked.yaml"
    path.write_text("name: R\n")

    def refuse(self: Path, *args: object, **kwargs: object) -> None:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(Path, "open", refuse)
    with pytest.raises(RoutineError) as info:
        load_routine(path)
    assert "permission denied" in str(info.value)


def test_utf8_bom_is_fine(tmp_path: Path) -> None:
    path = tmp_path / "bom.yaml"
    path.write_bytes("name: Café\ncategory: yoga\nsteps: [{rest: 5}]\n".encode("utf-8-sig"))
    assert load_routine(path).name == "Café"


def test_control_characters_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "ctl.yaml"
    path.write_bytes(b"name: R\x07\ncategory: gentle\nsteps: [{rest: 5}]\n")
    with pytest.raises(RoutineError) as info:
        load_routine(path)
    (problem,) = info.value.problems
    assert (problem.line, problem.column) == (1, 8)
    assert "U+0007 is not allowed" in problem.message


def test_pipes_and_devices_are_refused_without_blocking(tmp_path: Path) -> None:
    import os

    fifo = tmp_path / "pipe.yaml"
    os.mkfifo(fifo)
    with pytest.raises(RoutineError) as info:
        load_routine(fifo)
    assert "not a regular file" in str(info.value)
    with pytest.raises(RoutineError) as info:
        load_routine(Path("/dev/null"))
    assert "not a regular file" in str(info.value)


def test_a_path_through_a_file(tmp_path: Path) -> None:
    (tmp_path / "f").write_text("")
    with pytest.raises(RoutineError) as info:
        load_routine(tmp_path / "f" / "x.yaml")
    assert "no such file" in str(info.value)
