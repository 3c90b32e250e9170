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
"""

from __future__ import annotations

import re
import stat
from pathlib import Path, PurePosixPath, PureWindowsPath

from backroutine.core import format, paths
from backroutine.core.bounds import reps_bout_problem, routine_length_problem
from backroutine.core.durations import (
    ValueProblem,
    parse_cue_at,
    parse_duration,
    parse_tempo,
    show_value,
)
from backroutine.core.errors import Problem, RoutineError, excerpt, key_name
from backroutine.core.model import (
    CATEGORIES,
    DEFAULT_GET_READY,
    DEFAULT_REP,
    DEFAULT_REST,
    Cue,
    Defaults,
    Routine,
    Step,
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
MAX_HINTS = 100  # "did you mean" suggestions worked out per file

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
CUE_KEYS = ("at", "say", "sound")
STEP_KINDS = ("hold", "reps", "duration")
SIDES = ("both", "none")
# Keys that mean nothing on a bare rest step, and on a timed (duration) step.
NOT_FOR_REST = ("sides", "sets", "tempo", "rep", "get_ready")
ID_PATTERN = re.compile(format.ID + r"\Z")
_NOT_ID = re.compile(r"[^a-z0-9]+")


def id_from_stem(stem: str) -> str:
    """`My Routine` -> `my-routine`: lowercase, every run of other characters becomes `-`."""
    return _NOT_ID.sub("-", stem.lower()).strip("-")


def load_routine(path: Path | str, *, shown_as: str | None = None) -> Routine:
    """Read and check one routine file. `shown_as` is the path as the user wrote it, used in
    messages (defaults to `path`)."""
    path = Path(path)
    label = shown_as if shown_as is not None else str(path)
    data = _read_bytes(path, label)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        column = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        raise RoutineError(
            [
                Problem(
                    label,
                    line,
                    column,
                    "",
                    f"the file is not UTF-8 text (byte 0x{data[exc.start]:02x}); save it as UTF-8",
                )
            ]
        ) from None
    return load_text(text, path=path, shown_as=label)


def _read_bytes(path: Path, label: str) -> bytes:
    def fail(message: str) -> RoutineError:
        return RoutineError([Problem(label, 1, 1, "", message)])

    try:
        mode = path.stat().st_mode
        if stat.S_ISDIR(mode):
            raise fail("is a folder, not a routine file")
        if not stat.S_ISREG(mode):
            # A FIFO or a device could block forever or never end.
            raise fail("is not a regular file (a pipe or a device?); give a .yaml file")
        with path.open("rb") as handle:
            data = handle.read(MAX_FILE_BYTES + 1)
    except FileNotFoundError:
        raise fail("no such file; check the path") from None
    except IsADirectoryError:
        raise fail("is a folder, not a routine file") from None
    except PermissionError:
        raise fail("cannot be read (permission denied); check the file's permissions") from None
    except NotADirectoryError:
        raise fail("no such file (a part of the path is a file, not a folder)") from None
    except OSError as exc:
        raise fail(f"cannot be read ({exc.strerror or exc})") from None
    if len(data) > MAX_FILE_BYTES:
        raise fail("is larger than 1 MiB, the most a routine file may be")
    return data


def load_text(text: str, *, path: Path | str, shown_as: str | None = None) -> Routine:
    """Check routine text as if it were the file `path` (its stem gives the default id and
    its folder anchors cue sound files)."""
    path = Path(path)
    label = shown_as if shown_as is not None else str(path)
    document = read(text)
    checker = _Checker(label, path)
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


def _did_you_mean(word: str, allowed: tuple[str, ...] | list[str] | frozenset[str]) -> str:
    if len(word) > 64:  # nothing allowed is that long; spare difflib a huge string
        return ""
    close = close_matches(word, list(allowed), n=1, cutoff=0.6)
    return f' (did you mean "{close[0]}"?)' if close else ""


class _Checker:
    """Walks a read document, collecting problems and building the model where it can."""

    def __init__(self, label: str, path: Path) -> None:
        self.label = label
        self.path = path
        self.problems: list[Problem] = []
        self.hints_left = MAX_HINTS
        self._hints: dict[tuple[str, tuple[str, ...] | frozenset[str]], str] = {}
        self._figures: frozenset[str] | None = None
        self._sounds: frozenset[str] | None = None
        self._folder: Path | None = None

    def did_you_mean(self, word: str, allowed: tuple[str, ...] | frozenset[str]) -> str:
        """A "did you mean" for the first MAX_HINTS different misspellings of a file (difflib
        is slow, and a file with thousands of unknown keys lists only the first few anyway)."""
        known = self._hints.get((word, allowed))
        if known is not None:
            return known
        if self.hints_left <= 0:
            return ""
        self.hints_left -= 1
        hint = self._hints[word, allowed] = _did_you_mean(word, allowed)
        return hint

    def figures(self) -> frozenset[str]:
        if self._figures is None:
            self._figures = paths.figure_names()
        return self._figures

    def folder(self) -> Path:
        """The routine's own folder, resolved once (cue sounds must stay inside it)."""
        if self._folder is None:
            self._folder = self.path.parent.resolve()
        return self._folder

    def sounds(self) -> frozenset[str]:
        if self._sounds is None:
            self._sounds = paths.bundled_sound_names()
        return self._sounds

    def add(self, mark: Mark, field: str, message: str) -> None:
        self.problems.append(Problem(self.label, mark[0], mark[1], field, message))

    # -- helpers -------------------------------------------------------------------------

    def keys(self, node: Map, allowed: tuple[str, ...], field: str, what: str) -> set[str]:
        """Report unknown keys; return the known keys they look like misspellings of."""
        meant = set()
        for key in node:
            if key not in allowed:
                name = key_name(key)
                hint = self.did_you_mean(key, allowed) if name else ""
                if hint:
                    meant.add(hint.split('"')[1])
                said = f'unknown key "{name}"{hint}' if name else "this key is not a name"
                self.add(
                    node.key_marks[key],
                    field_path(field, key),
                    f"{said}; {what} may have: {', '.join(allowed)}",
                )
        return meant

    def text(
        self,
        node: Map,
        key: str,
        field: str,
        *,
        required: str | None = None,
        limit: int | None = None,
        one_line: bool = False,
    ) -> str | None:
        """A text value. `required` is the hint shown when it is missing."""
        if key not in node:
            if required:
                self.add(node.mark, field, f'"{key}" is missing; {required}')
            return None
        value = node[key]
        mark = node.value_marks[key]
        name = field_path(field, key)
        if value is INVALID:
            return None
        if isinstance(value, int | float) and not isinstance(value, bool):
            value = str(value)  # `name: 1984` is fine as text
        if not isinstance(value, str):
            self.add(mark, name, f"{show_value(value)} is not text; write some text here")
            return None
        value = value.strip()
        if not value:
            self.add(mark, name, "is empty; write some text here or remove the key")
            return None
        if one_line and "\n" in value:
            self.add(mark, name, "must be a single line")
            return None
        if limit is not None and len(value) > limit:
            self.add(mark, name, f"is {len(value)} characters long; at most {limit} are allowed")
            return None
        return value

    def integer(self, node: Map, key: str, field: str, low: int, high: int) -> int | None:
        value = node[key]
        if value is INVALID:
            return None
        mark = node.value_marks[key]
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        if isinstance(value, bool) or not isinstance(value, int):
            self.add(
                mark,
                field_path(field, key),
                f"{show_value(value)} is not a whole number; use {low} to {high}",
            )
            return None
        if not low <= value <= high:
            self.add(
                mark,
                field_path(field, key),
                f"{show_value(value)} is out of range; use {low} to {high}",
            )
            return None
        return value

    def duration(self, node: Map, key: str, field: str, *, allow_zero: bool) -> int | None:
        value = node[key]
        if value is INVALID:
            return None
        try:
            return parse_duration(value, allow_zero=allow_zero)
        except ValueProblem as exc:
            self.add(node.value_marks[key], field_path(field, key), str(exc))
            return None

    def text_list(self, node: Map, key: str) -> tuple[str, ...]:
        if key not in node or node[key] is INVALID:
            return ()
        value = node[key]
        mark = node.value_marks[key]
        if value is None:
            return ()
        if not isinstance(value, Seq):
            self.add(mark, key, f"must be a list of text, e.g. {key}: [first, second]")
            return ()
        out: list[str] = []
        for index, item in enumerate(value):
            if item is INVALID:
                continue
            if isinstance(item, int | float) and not isinstance(item, bool):
                item = str(item)
            if not isinstance(item, str) or not item.strip():
                self.add(value.marks[index], f"{key}[{index}]", "must be some text")
                continue
            out.append(item.strip())
        return tuple(out)

    def choice(
        self, node: Map, key: str, field: str, allowed: tuple[str, ...], hint: str
    ) -> str | None:
        """One of a few words, with a "did you mean" for a near miss."""
        value = node[key]
        if value is INVALID:
            return None
        if value in allowed:
            return value  # type: ignore[return-value]
        close = self.did_you_mean(value, allowed) if isinstance(value, str) else ""
        self.add(
            node.value_marks[key],
            field_path(field, key),
            f"{show_value(value)} is not allowed here{close}; {hint}",
        )
        return None

    def mapping(self, value: object, mark: Mark, field: str, what: str) -> Map | None:
        if value is INVALID:
            return None
        if not isinstance(value, Map):
            self.add(mark, field, f"must be a mapping of keys and values ({what})")
            return None
        return value

    # -- the routine -----------------------------------------------------------------------

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

    def step(self, item: object, mark: Mark, field: str, defaults: Defaults) -> Step | None:
        node = self.mapping(item, mark, field, "a step such as - name: Walk, duration: 2m")
        if node is None:
            return None
        before = len(self.problems)
        meant = self.keys(node, STEP_KEYS, field, "a step")
        kinds = [k for k in node if k in STEP_KINDS]
        if len(kinds) > 1:
            self.add(
                node.key_marks[kinds[1]],
                field_path(field, kinds[1]),
                f"a step has exactly one of hold, reps or duration; this one has "
                f"{' and '.join(kinds)} (split it into two steps)",
            )
        if kinds:
            kind = kinds[0]
        elif "rest" in node:
            kind = "rest"
        elif meant & {*STEP_KINDS, "rest"}:
            return None  # already reported as a misspelt key
        else:
            self.add(
                node.mark,
                field,
                "a step needs one of hold (a position held for a time), reps (a count of "
                "repetitions) or duration (moving freely for a time), or is a bare rest",
            )
            return None

        required = None if kind == "rest" else "every step except a bare rest needs a name"
        name = self.text(node, "name", field, required=required, limit=MAX_NAME, one_line=True)
        instructions = self.text(node, "instructions", field)

        if kind == "rest":
            for key in NOT_FOR_REST:
                if key in node:
                    self.add(
                        node.key_marks[key],
                        field_path(field, key),
                        f"{key} does not apply to a bare rest step; remove it, or make this "
                        "a hold, reps or duration step",
                    )
        if kind != "reps":
            for key in ("tempo", "rep"):
                if key in node and kind != "rest":
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

        seconds = None
        reps = tempo = rep_seconds = None
        if kind == "hold":
            seconds = self.duration(node, "hold", field, allow_zero=False)
        elif kind == "duration":
            seconds = self.duration(node, "duration", field, allow_zero=False)
        elif kind == "rest":
            seconds = self.duration(node, "rest", field, allow_zero=False)
        else:
            reps = self.integer(node, "reps", field, 1, MAX_REPS)
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
            if reps is not None and pace is not None:
                paced_by = "tempo" if tempo else ("rep" if "rep" in node else "defaults")
                too_long = reps_bout_problem(reps, pace, paced_by)
                if too_long:
                    self.add(node.key_marks["reps"], field_path(field, "reps"), too_long)
                else:
                    seconds = reps * pace

        sides = "none"
        if "sides" in node and kind != "rest":
            sides = (
                self.choice(node, "sides", field, SIDES, "use both (left, then right) or none")
                or "none"
            )
        sets = 1
        if "sets" in node and kind != "rest":
            sets = self.integer(node, "sets", field, 1, MAX_SETS) or 1
        rest = defaults.rest
        if "rest" in node and kind != "rest":
            got = self.duration(node, "rest", field, allow_zero=True)
            rest = rest if got is None else got
        get_ready = defaults.get_ready
        if "get_ready" in node and kind in ("hold", "reps"):
            got = self.duration(node, "get_ready", field, allow_zero=True)
            get_ready = get_ready if got is None else got
        illustration, illustration_name = self.illustration(node, field)
        cues = self.cues(node, field, seconds)

        if len(self.problems) > before or seconds is None:
            return None
        return Step(
            kind=kind,
            name=name or "Rest",
            instructions=instructions,
            seconds=seconds,
            reps=reps,
            tempo=tempo,
            rep_seconds=rep_seconds,
            sides=sides,
            sets=sets,
            rest=rest,
            get_ready=get_ready if kind in ("hold", "reps") else 0,
            illustration=illustration,
            illustration_name=illustration_name,
            cues=cues,
        )

    def illustration(self, node: Map, field: str) -> tuple[str | None, str | None]:
        if "illustration" not in node or node["illustration"] is INVALID:
            return None, None
        value = node["illustration"]
        mark = node.value_marks["illustration"]
        name = field_path(field, "illustration")
        if not isinstance(value, str) or not value.strip():
            self.add(
                mark,
                name,
                "must be a bundled figure's name or a block of text (illustration: |)",
            )
            return None, None
        if "\n" in value.strip("\n"):
            return value.rstrip(), None
        figure = value.strip()
        known = self.figures()
        if figure not in known:
            self.add(
                mark,
                name,
                f'"{excerpt(figure)}" is not a bundled figure{self.did_you_mean(figure, known)}; '
                "use one of: "
                f"{', '.join(sorted(known))}; or draw your own as a block (illustration: |)",
            )
            return None, None
        return paths.figure_text(figure), figure

    def cues(self, node: Map, field: str, bout: int | None) -> tuple[Cue, ...]:
        if "cues" not in node or node["cues"] is INVALID or node["cues"] is None:
            return ()
        value = node["cues"]
        name = field_path(field, "cues")
        if not isinstance(value, Seq):
            self.add(node.value_marks["cues"], name, "must be a list of cues (- at: 50%)")
            return ()
        out = []
        for index, item in enumerate(value):
            cue_field = f"{name}[{index}]"
            cue_node = self.mapping(item, value.marks[index], cue_field, "at, say and sound")
            if cue_node is None:
                continue
            cue = self.cue(cue_node, cue_field, bout)
            if cue is not None:
                out.append(cue)
        return tuple(out)

    def cue(self, node: Map, field: str, bout: int | None) -> Cue | None:
        before = len(self.problems)
        self.keys(node, CUE_KEYS, field, "a cue")
        at = kind = amount = None
        if "at" not in node:
            self.add(node.mark, field, '"at" is missing; say when, e.g. at: 50%, 10s or -5s')
        elif node["at"] is not INVALID:
            at = node["at"]
            try:
                kind, amount = parse_cue_at(at)
            except ValueProblem as exc:
                self.add(node.value_marks["at"], field_path(field, "at"), str(exc))
            else:
                if bout is not None and kind != "percent" and amount > bout:
                    where = "after the end" if kind == "from_start" else "before the start"
                    self.add(
                        node.value_marks["at"],
                        field_path(field, "at"),
                        f"{show_value(at)} is {where} of this step's {bout} s bout; a cue "
                        f"must fall inside it (0 to {bout} s)",
                    )
        say = self.text(node, "say", field, limit=MAX_LINE_TEXT)
        sound = sound_file = None
        if "sound" in node and node["sound"] is not INVALID:
            sound, sound_file = self.sound(node, field)
        if "say" not in node and "sound" not in node:
            self.add(node.mark, field, 'a cue needs "say" (text), "sound", or both')
        if len(self.problems) > before or kind is None or amount is None:
            return None
        return Cue(
            at=str(at), kind=kind, amount=amount, say=say, sound=sound, sound_file=sound_file
        )

    def sound(self, node: Map, field: str) -> tuple[str | None, Path | None]:
        value = node["sound"]
        mark = node.value_marks["sound"]
        name = field_path(field, "sound")
        known = self.sounds()
        if not isinstance(value, str) or not value.strip():
            self.add(
                mark,
                name,
                f"must be a bundled sound ({', '.join(sorted(known))}) or a .wav file "
                "beside the routine",
            )
            return None, None
        value = value.strip()
        looks_like_path = (
            "/" in value or "\\" in value or value.lower().endswith(".wav") or value[1:2] == ":"
        )
        if not looks_like_path:
            if value in known:
                return value, None
            self.add(
                mark,
                name,
                f'"{excerpt(value)}" is not a bundled sound{self.did_you_mean(value, known)}; '
                "use one of: "
                f"{', '.join(sorted(known))}, or a .wav file beside the routine",
            )
            return None, None
        if (
            PurePosixPath(value).is_absolute()
            or PureWindowsPath(value).is_absolute()
            or (value.startswith("\\") or value[1:2] == ":")
        ):
            self.add(
                mark,
                name,
                f'"{excerpt(value)}" is an absolute path; a cue sound must be a .wav file in the '
                "routine's own folder, written relative to it (e.g. sounds/bell.wav)",
            )
            return None, None
        if not value.lower().endswith(".wav"):
            self.add(mark, name, f'"{excerpt(value)}" is not a .wav file; cue sounds must be WAV')
            return None, None
        try:
            folder = self.folder()
            target = (folder / value.replace("\\", "/")).resolve()
            inside = target.is_relative_to(folder)
            exists = inside and target.is_file()
        except (OSError, RuntimeError) as exc:  # a name too long, a symlink loop...
            why = getattr(exc, "strerror", None) or "a symlink loop?"
            self.add(
                mark,
                name,
                f'"{excerpt(value)}" cannot be checked ({why}); give a short path to a .wav '
                "file in the routine's folder",
            )
            return None, None
        if not inside:
            self.add(
                mark,
                name,
                f'"{excerpt(value)}" leads outside the routine\'s folder; a cue sound must be a '
                "file in that folder or below it",
            )
            return None, None
        if not exists:
            self.add(mark, name, f'"{excerpt(value)}" does not exist next to this routine file')
            return None, None
        return None, target


def close_matches(word: str, choices: list[str], *, n: int, cutoff: float) -> list[str]:
    import difflib  # only when something is misspelt: it is not needed otherwise

    return difflib.get_close_matches(word, choices, n=n, cutoff=cutoff)
