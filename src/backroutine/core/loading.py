"""Routine files -> Routine models, enforcing every rule of ROUTINE_FORMAT.md.

All problems of a file are collected and raised together as one RoutineError, each with its
file, line, column (1:1 when no place applies: the file is missing, too large, unreadable...),
field path, and what is allowed; a file lists at most 20 problems, then how many more there
are. Messages quote the file only in short escaped excerpts. Nothing here prints or exits.

Beyond the format's rules for single values, these bounds hold (core/bounds.py), checked on
the steps before anything is expanded:
- a bout (one hold, reps x the tempo's sum or `rep`, or a duration) lasts at most 2 hours;
- a routine's whole length (every get-ready, bout and rest of its timeline, over all sets and
  sides) is at most 4 hours.
And every text in the file (names, ids, summary, description, equipment, cautions,
references, instructions, illustrations, cue `say` and `sound`, even keys) is refused when it
holds a control character: C0 but tab and newline, DEL, C1, or a bidirectional override or
isolate (what backroutine.core.text.first_unsafe finds), however it is written (YAML escapes
such as "\\e" or "\\x9b" included).

The work is in layers, each importing only the ones below: core/file_text.py reads a file's
text safely, core/fields.py reads single values (text, numbers, durations, choices, unknown
keys), core/step_extras.py a step's illustration and cues, and this module the routine itself:
its top level, id, defaults and steps.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Literal, NamedTuple

from backroutine.core import format
from backroutine.core.bounds import reps_bout_problem, routine_length_problem
from backroutine.core.categories import CATEGORIES
from backroutine.core.durations import ValueProblem, parse_tempo, show_value
from backroutine.core.errors import Problem, RoutineError, excerpt
from backroutine.core.fields import MAX_HINTS, close_matches  # noqa: F401 - re-exported
from backroutine.core.file_text import read_text
from backroutine.core.model import (
    DEFAULT_GET_READY,
    DEFAULT_REP,
    DEFAULT_REST,
    Defaults,
    Routine,
    Step,
    StepKind,
)
from backroutine.core.step_extras import (
    CUE_KEYS,  # noqa: F401 - re-exported
    StepExtrasReader,
)
from backroutine.core.timeline import step_seconds
from backroutine.core.yamldoc import INVALID, Map, Mark, Seq, field_path, read

# The format's numbers, from the one place the JSON Schema is also built from.
MAX_FILE_BYTES = format.MAX_FILE_BYTES
MAX_NAME = format.MAX_NAME
MAX_ID = format.MAX_ID
MAX_LINE_TEXT = format.MAX_LINE_TEXT  # summary, a cue's words
MAX_SETS = format.MAX_SETS
MAX_REPS = format.MAX_REPS
LEVELS = format.LEVELS

TOP_KEYS = (
    "name",
    "id",
    "category",
    "summary",
    "description",
    "level",
    "equipment",
    "cautions",
    "references",
    "defaults",
    "steps",
)
DEFAULTS_KEYS = ("rest", "get_ready", "rep")
STEP_KEYS = (
    "name",
    "instructions",
    "hold",
    "reps",
    "tempo",
    "rep",
    "duration",
    "sides",
    "sets",
    "rest",
    "get_ready",
    "illustration",
    "cues",
)
# The keys that make a step a hold, reps or timed step; a step with none is a bare rest.
STEP_KINDS: tuple[StepKind, ...] = ("hold", "reps", "duration")
StepSides = Literal["both", "none"]  # Step.sides
SIDES: tuple[StepSides, ...] = ("both", "none")
# Keys that mean nothing on a bare rest step, and on a timed (duration) step.
NOT_FOR_REST = ("sides", "sets", "tempo", "rep", "get_ready")
ID_PATTERN = re.compile(format.ID + r"\Z")
_NOT_ID = re.compile(r"[^a-z0-9]+")
# A step's keys that name its kind, typed as the kind (a StepKind, not any str).
_STEP_KIND: dict[str, StepKind] = {kind: kind for kind in STEP_KINDS}


def id_from_stem(stem: str) -> str:
    """`My Routine` -> `my-routine`: lowercase, every run of other characters becomes `-`."""
    return _NOT_ID.sub("-", stem.lower()).strip("-")


def load_routine(path: Path | str, *, shown_as: str | None = None) -> Routine:
    """Read and check one routine file. `shown_as` is the path as the user wrote it, used in
    messages (defaults to `path`)."""
    path = Path(path)
    label = shown_as if shown_as is not None else str(path)
    return load_text(read_text(path, label), path=path, shown_as=label)


def load_text(text: str, *, path: Path | str, shown_as: str | None = None) -> Routine:
    """Check routine text as if it were the file `path` (its stem gives the default id and
    its folder anchors cue sound files)."""
    path = Path(path)
    label = shown_as if shown_as is not None else str(path)
    document = read(text)
    checker = _RoutineReader(label, path)
    for problem in document.problems:
        checker.problems.append(
            Problem(label, problem.mark[0], problem.mark[1], problem.path, problem.message)
        )
    if document.fatal:
        raise RoutineError(checker.problems, more=document.more)
    routine = checker.routine(document.root, document.root_mark)
    if checker.problems or routine is None:
        raise RoutineError(checker.problems, more=document.more)
    return routine


class _Pacing(NamedTuple):
    """A reps step's count and pace, and the bout they make (None where a value was refused)."""

    reps: int | None = None
    tempo: tuple[int, ...] | None = None
    rep_seconds: int | None = None
    seconds: int | None = None


class _RoutineReader(StepExtrasReader):
    """Walks a read document, collecting problems and building the model where it can: the
    routine's own rules here, single values read by FieldReader, a step's illustration and
    cues by StepExtrasReader."""

    def routine(self, root: object, root_mark: Mark) -> Routine | None:
        if root is INVALID:
            return None  # already reported
        if root is None:
            self.add(
                (1, 1),
                "",
                "the file is empty; a routine needs at least name, category and steps",
            )
            return None
        if not isinstance(root, Map):
            self.add(
                root_mark,
                "",
                "a routine file must be a mapping of keys (name, category, steps...), "
                "not a single value or a list",
            )
            return None
        self.keys(root, TOP_KEYS, "", "a routine")

        name = self.text(
            root,
            "name",
            "",
            required="give the routine a name (1 to 80 characters)",
            limit=MAX_NAME,
            one_line=True,
        )
        routine_id = self.routine_id(root)
        category = None
        if "category" not in root:
            self.add(root.mark, "", f'"category" is missing; use one of: {", ".join(CATEGORIES)}')
        else:
            category = self.choice(
                root, "category", "", CATEGORIES, f"use one of: {', '.join(CATEGORIES)}"
            )
        summary = self.text(root, "summary", "", limit=MAX_LINE_TEXT, one_line=True)
        description = self.text(root, "description", "")
        level = self.integer(root, "level", "", *LEVELS) if "level" in root else None
        equipment = self.text_list(root, "equipment")
        cautions = self.text_list(root, "cautions")
        references = self.text_list(root, "references")
        defaults = self.defaults(root)
        steps = self.steps(root, defaults)
        if self.problems or name is None or category is None or routine_id is None:
            return None
        return Routine(
            id=routine_id,
            name=name,
            category=category,
            steps=steps,
            summary=summary,
            description=description,
            level=level,
            equipment=equipment,
            cautions=cautions,
            references=references,
            defaults=defaults,
            path=self.path,
        )

    def routine_id(self, root: Map) -> str | None:
        if "id" not in root:
            derived = id_from_stem(self.path.stem)
            if not derived:
                self.add(
                    (1, 1),
                    "id",
                    f'no id can be made from the file name "{excerpt(self.path.name)}"; '
                    "add an id such as id: my-routine",
                )
                return None
            return derived[:MAX_ID]
        value = root["id"]
        if value is INVALID:
            return None
        if isinstance(value, int) and not isinstance(value, bool):
            value = str(value)
        if not isinstance(value, str) or not ID_PATTERN.match(value) or len(value) > MAX_ID:
            self.add(
                root.value_marks["id"],
                "id",
                f"{show_value(value)} is not a valid id; use lowercase letters, digits and "
                f"dashes (a-z, 0-9, -), at most {MAX_ID} characters, e.g. morning-ease",
            )
            return None
        return value

    def defaults(self, root: Map) -> Defaults:
        if "defaults" not in root or root["defaults"] is None:
            return Defaults()
        node = self.mapping(
            root["defaults"],
            root.value_marks["defaults"],
            "defaults",
            "rest, get_ready and rep",
        )
        if node is None:
            return Defaults()
        self.keys(node, DEFAULTS_KEYS, "defaults", "defaults")
        rest = get_ready = rep = None
        if "rest" in node:
            rest = self.duration(node, "rest", "defaults", allow_zero=True)
        if "get_ready" in node:
            get_ready = self.duration(node, "get_ready", "defaults", allow_zero=True)
        if "rep" in node:
            rep = self.duration(node, "rep", "defaults", allow_zero=False)
        return Defaults(
            rest=DEFAULT_REST if rest is None else rest,
            get_ready=DEFAULT_GET_READY if get_ready is None else get_ready,
            rep=DEFAULT_REP if rep is None else rep,
        )

    def steps(self, root: Map, defaults: Defaults) -> tuple[Step, ...]:
        if "steps" not in root:
            self.add(root.mark, "", '"steps" is missing; a routine needs at least one step')
            return ()
        value = root["steps"]
        mark = root.value_marks["steps"]
        if value is INVALID:
            return ()
        if not isinstance(value, Seq):
            self.add(mark, "steps", "must be a list of steps (each starting with - )")
            return ()
        if not value:
            self.add(mark, "steps", "is empty; a routine needs at least one step")
            return ()
        steps = []
        lengths = []  # (field, mark, seconds) of each good step, for the routine's length
        for index, item in enumerate(value):
            step = self.step(item, value.marks[index], f"steps[{index}]", defaults)
            if step is not None:
                steps.append(step)
                lengths.append((f"steps[{index}]", value.marks[index], step_seconds(step)))
        too_long = routine_length_problem(lengths)
        if too_long:
            field, mark, message = too_long
            self.add(mark, field, message)
        return tuple(steps)

    # -- one step ---------------------------------------------------------------------------

    def step(self, item: object, mark: Mark, field: str, defaults: Defaults) -> Step | None:
        node = self.mapping(item, mark, field, "a step such as - name: Walk, duration: 2m")
        if node is None:
            return None
        before = len(self.problems)
        meant = self.keys(node, STEP_KEYS, field, "a step")
        kind = self.step_kind(node, field, meant)
        if kind is None:
            return None
        required = None if kind == "rest" else "every step except a bare rest needs a name"
        name = self.text(node, "name", field, required=required, limit=MAX_NAME, one_line=True)
        instructions = self.text(node, "instructions", field)
        self.keys_out_of_place(node, field, kind)
        if kind == "reps":
            pacing = self.reps_pacing(node, field, defaults)
        else:  # timed by the key that names its kind: hold, duration or rest
            pacing = _Pacing(seconds=self.duration(node, kind, field, allow_zero=False))
        sides, sets = self.sides_and_sets(node, field, kind)
        rest, get_ready = self.pauses(node, field, kind, defaults)
        illustration, illustration_name = self.illustration(node, field)
        cues = self.cues(node, field, pacing.seconds)

        # Only a wholly good step is built: the routine's length adds up good steps only.
        if len(self.problems) > before or pacing.seconds is None:
            return None
        return Step(
            kind=kind,
            name=name or "Rest",
            instructions=instructions,
            seconds=pacing.seconds,
            reps=pacing.reps,
            tempo=pacing.tempo,
            rep_seconds=pacing.rep_seconds,
            sides=sides,
            sets=sets,
            rest=rest,
            get_ready=get_ready,
            illustration=illustration,
            illustration_name=illustration_name,
            cues=cues,
        )

    def step_kind(self, node: Map, field: str, meant: set[str]) -> StepKind | None:
        """Hold, reps, duration or rest, from the key that times the step; None when it has
        none (reported here, unless a misspelt key already was: `meant`)."""
        kinds = [_STEP_KIND[key] for key in node if key in _STEP_KIND]
        if len(kinds) > 1:
            self.add(
                node.key_marks[kinds[1]],
                field_path(field, kinds[1]),
                f"a step has exactly one of hold, reps or duration; this one has "
                f"{' and '.join(kinds)} (split it into two steps)",
            )
        if kinds:
            return kinds[0]
        if "rest" in node:
            return "rest"
        if not meant & {*STEP_KINDS, "rest"}:
            self.add(
                node.mark,
                field,
                "a step needs one of hold (a position held for a time), reps (a count of "
                "repetitions) or duration (moving freely for a time), or is a bare rest",
            )
        return None

    def keys_out_of_place(self, node: Map, field: str, kind: StepKind) -> None:
        """Report the step keys that mean nothing for this kind of step."""
        if kind == "rest":
            for key in NOT_FOR_REST:
                if key in node:
                    self.add(
                        node.key_marks[key],
                        field_path(field, key),
                        f"{key} does not apply to a bare rest step; remove it, or make this "
                        "a hold, reps or duration step",
                    )
        elif kind != "reps":
            for key in ("tempo", "rep"):
                if key in node:
                    self.add(
                        node.key_marks[key],
                        field_path(field, key),
                        f"{key} only applies to a reps step (this step is a {kind} step)",
                    )
            if kind == "duration" and "get_ready" in node:
                self.add(
                    node.key_marks["get_ready"],
                    field_path(field, "get_ready"),
                    "get_ready only applies to hold and reps steps; a duration step starts at once",
                )

    def reps_pacing(self, node: Map, field: str, defaults: Defaults) -> _Pacing:
        """A reps step's count, paced by its tempo, its rep, or else the routine's default
        rep; the bout is left out when it would be too long."""
        reps = self.integer(node, "reps", field, 1, MAX_REPS)
        tempo: tuple[int, ...] | None = None
        rep_seconds: int | None = None
        if "tempo" in node and "rep" in node:
            later = max(("tempo", "rep"), key=lambda k: node.key_marks[k])
            self.add(
                node.key_marks[later],
                field_path(field, later),
                "give either tempo (seconds per phase, e.g. 2-1-2) or rep (seconds per "
                "whole rep), not both",
            )
        elif "tempo" in node and node["tempo"] is not INVALID:
            try:
                tempo = parse_tempo(node["tempo"])
            except ValueProblem as exc:
                self.add(node.value_marks["tempo"], field_path(field, "tempo"), str(exc))
        elif "rep" in node:
            rep_seconds = self.duration(node, "rep", field, allow_zero=False)
        else:
            rep_seconds = defaults.rep
        pace = sum(tempo) if tempo else rep_seconds
        if reps is None or pace is None:
            return _Pacing(reps, tempo, rep_seconds)
        paced_by = "tempo" if tempo else ("rep" if "rep" in node else "defaults")
        too_long = reps_bout_problem(reps, pace, paced_by)
        if too_long:
            self.add(node.key_marks["reps"], field_path(field, "reps"), too_long)
            return _Pacing(reps, tempo, rep_seconds)
        return _Pacing(reps, tempo, rep_seconds, reps * pace)

    def sides_and_sets(self, node: Map, field: str, kind: StepKind) -> tuple[StepSides, int]:
        """How many bouts: one or both sides, so many sets (a bare rest is one bout)."""
        if kind == "rest":
            return "none", 1  # the keys, if given, are already reported
        sides: StepSides = "none"
        if "sides" in node:
            hint = "use both (left, then right) or none"
            sides = self.choice(node, "sides", field, SIDES, hint) or "none"
        sets = 1
        if "sets" in node:
            sets = self.integer(node, "sets", field, 1, MAX_SETS) or 1
        return sides, sets

    def pauses(self, node: Map, field: str, kind: StepKind, defaults: Defaults) -> tuple[int, int]:
        """(rest between bouts, get-ready before each), the step's own or the defaults."""
        rest = defaults.rest
        if "rest" in node and kind != "rest":  # a bare rest's `rest` is its length
            got = self.duration(node, "rest", field, allow_zero=True)
            rest = rest if got is None else got
        if kind not in ("hold", "reps"):
            return rest, 0  # a timed step starts at once; a rest is nothing to get ready for
        get_ready = defaults.get_ready
        if "get_ready" in node:
            got = self.duration(node, "get_ready", field, allow_zero=True)
            get_ready = get_ready if got is None else got
        return rest, get_ready
