"""The routine model: what a routine file means once it has been checked.

Frozen dataclasses, no behaviour beyond small derived values; loading.py builds them and
timeline.py expands them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from backroutine.core.categories import CATEGORIES, Category  # noqa: F401 - re-exported

StepKind = Literal["hold", "reps", "duration", "rest"]
Side = Literal["left", "right"]

# Built-in defaults when a routine says nothing (ROUTINE_FORMAT.md).
DEFAULT_REST = 10
DEFAULT_GET_READY = 5
DEFAULT_REP = 3

# Names of the tempo phases by how many phases a tempo has.
TEMPO_PHASES: dict[int, tuple[str, ...]] = {
    2: ("up", "down"),
    3: ("up", "hold", "down"),
    4: ("up", "hold", "down", "pause"),
}


@dataclass(frozen=True, slots=True)
class Cue:
    """Something said or played at a moment inside every bout of a step."""

    at: str  # as written: "50%", "10s", "-5s"
    kind: Literal["percent", "from_start", "from_end"]
    amount: float  # percent (0..100) or seconds
    say: str | None = None
    sound: str | None = None  # a bundled sound's name, or None
    sound_file: Path | None = None  # a .wav beside the routine, resolved and checked

    def offset(self, bout_seconds: float) -> float:
        """Seconds after the bout's start at which the cue fires."""
        if self.kind == "percent":
            return bout_seconds * self.amount / 100.0
        if self.kind == "from_end":
            return bout_seconds - self.amount
        return self.amount


@dataclass(frozen=True, slots=True)
class Step:
    kind: StepKind
    name: str
    instructions: str | None = None
    seconds: int = 0  # hold, duration or rest length; for reps: the length of one bout
    reps: int | None = None
    tempo: tuple[int, ...] | None = None  # seconds per phase; None when paced by `rep`
    rep_seconds: int | None = None  # seconds per whole rep when not paced by tempo
    sides: Literal["both", "none"] = "none"
    sets: int = 1
    rest: int = DEFAULT_REST  # between bouts (sets and sides)
    get_ready: int = DEFAULT_GET_READY
    illustration: str | None = None  # the text to show (a bundled figure already looked up)
    illustration_name: str | None = None  # the bundled figure's name, when one was named
    cues: tuple[Cue, ...] = ()

    @property
    def rep_pace(self) -> int:
        """Seconds per rep (reps steps only)."""
        if self.tempo is not None:
            return sum(self.tempo)
        return self.rep_seconds or DEFAULT_REP

    @property
    def bouts(self) -> int:
        if self.kind == "rest":
            return 1
        return self.sets * (2 if self.sides == "both" else 1)


@dataclass(frozen=True, slots=True)
class Defaults:
    rest: int = DEFAULT_REST
    get_ready: int = DEFAULT_GET_READY
    rep: int = DEFAULT_REP


@dataclass(frozen=True, slots=True)
class Routine:
    id: str
    name: str
    category: Category
    steps: tuple[Step, ...]
    summary: str | None = None
    description: str | None = None
    level: int | None = None
    equipment: tuple[str, ...] = ()
    cautions: tuple[str, ...] = ()
    references: tuple[str, ...] = ()
    defaults: Defaults = field(default_factory=Defaults)
    path: Path | None = None
