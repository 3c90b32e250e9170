"""A step's extras, the keys that add to a step without changing its timing: its illustration
(a bundled figure or a drawing of its own) and its cues (words and sounds at moments of each
bout), with the cue sounds' own rules: a bundled sound's name, or a .wav file in the routine's
folder or below it, never anywhere else.

loading.py reads the rest of the step and calls these; they record problems the same way.
"""

from __future__ import annotations

from pathlib import Path, PurePosixPath, PureWindowsPath
from typing import Literal

from backroutine.core import format, paths
from backroutine.core.durations import ValueProblem, parse_cue_at, show_value
from backroutine.core.errors import excerpt
from backroutine.core.fields import FieldReader
from backroutine.core.model import Cue
from backroutine.core.yamldoc import INVALID, Map, Seq, field_path

MAX_LINE_TEXT = format.MAX_LINE_TEXT  # a cue's words
CUE_KEYS = ("at", "say", "sound")

CueKind = Literal["percent", "from_start", "from_end"]
CUE_KINDS: tuple[CueKind, ...] = ("percent", "from_start", "from_end")
# parse_cue_at names the kind as a plain str; this gives it back as a CueKind (and a KeyError,
# not a wrong Cue, if the two ever disagree).
_CUE_KIND: dict[str, CueKind] = {kind: kind for kind in CUE_KINDS}


class StepExtrasReader(FieldReader):
    """Reads illustrations and cues for the routine file at `path`."""

    def __init__(self, label: str, path: Path) -> None:
        super().__init__(label)
        self.path = path
        # Looked up on first use only: most routines name no figure, and few name a sound.
        self._figures: frozenset[str] | None = None
        self._sounds: frozenset[str] | None = None
        self._folder: Path | None = None

    def figures(self) -> frozenset[str]:
        if self._figures is None:
            self._figures = paths.figure_names()
        return self._figures

    def sounds(self) -> frozenset[str]:
        if self._sounds is None:
            self._sounds = paths.bundled_sound_names()
        return self._sounds

    def folder(self) -> Path:
        """The routine's own folder, resolved once (cue sounds must stay inside it)."""
        if self._folder is None:
            self._folder = self.path.parent.resolve()
        return self._folder

    def illustration(self, node: Map, field: str) -> tuple[str | None, str | None]:
        """(the text to show, the bundled figure's name when one was named)."""
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
            return value.rstrip(), None  # more than one line: a drawing of its own
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
        """The step's good cues; `bout` (seconds, None when unknown) bounds their times."""
        if "cues" not in node or node["cues"] is INVALID or node["cues"] is None:
            return ()
        value = node["cues"]
        name = field_path(field, "cues")
        if not isinstance(value, Seq):
            self.add(node.value_marks["cues"], name, "must be a list of cues (- at: 50%)")
            return ()
        out: list[Cue] = []
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
        at: object = None
        kind: CueKind | None = None
        amount: float | None = None
        if "at" not in node:
            self.add(node.mark, field, '"at" is missing; say when, e.g. at: 50%, 10s or -5s')
        elif node["at"] is not INVALID:
            at = node["at"]
            try:
                word, amount = parse_cue_at(at)
            except ValueProblem as exc:
                self.add(node.value_marks["at"], field_path(field, "at"), str(exc))
            else:
                kind = _CUE_KIND[word]
                if bout is not None and kind != "percent" and amount > bout:
                    where = "after the end" if kind == "from_start" else "before the start"
                    self.add(
                        node.value_marks["at"],
                        field_path(field, "at"),
                        f"{show_value(at)} is {where} of this step's {bout} s bout; a cue "
                        f"must fall inside it (0 to {bout} s)",
                    )
        say = self.text(node, "say", field, limit=MAX_LINE_TEXT)
        sound: str | None = None
        sound_file: Path | None = None
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
        """(a bundled sound's name, None) or (None, the checked .wav file's resolved path)."""
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
        # Absolute paths of either system, whatever this one is: routines are shared between them.
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
