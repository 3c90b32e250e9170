"""Expansion of a routine into the timed segments the player walks (ROUTINE_FORMAT.md).

1. a get-ready countdown once before the first bout of each hold or reps step;
2. then for each set, for each side (left, then right, with sides: both), one bout;
3. a rest between consecutive bouts of the same step, never after its last;
4. a bare rest step is one rest of its own length.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from backroutine.core.model import Routine, Side, Step

SegmentKind = Literal["get_ready", "work", "rest"]


@dataclass(frozen=True, slots=True)
class Segment:
    kind: SegmentKind
    step: int  # index into routine.steps (0-based)
    name: str  # the step's name; "Rest" for a bare rest step
    seconds: int
    start: int  # seconds from the routine's start
    set: int | None = None  # 1-based set of the bout this segment is, or leads to
    sets: int = 1
    side: Side | None = None

    @property
    def end(self) -> int:
        return self.start + self.seconds

    def to_dict(self) -> dict[str, object]:
        return {
            "kind": self.kind,
            "step": self.step,
            "name": self.name,
            "seconds": self.seconds,
            "start": self.start,
            "set": self.set,
            "sets": self.sets,
            "side": self.side,
        }


@dataclass(frozen=True, slots=True)
class Timeline:
    segments: tuple[Segment, ...]

    @property
    def total_seconds(self) -> int:
        return self.segments[-1].end if self.segments else 0


def step_seconds(step: Step) -> int:
    """How long `expand` makes this step, worked out without expanding it: its get-ready
    (hold and reps steps), every bout, and a rest between consecutive bouts."""
    if step.kind == "rest":
        return step.seconds
    bouts = step.bouts
    get_ready = step.get_ready if step.kind in ("hold", "reps") else 0
    return get_ready + bouts * step.seconds + (bouts - 1) * step.rest


def total_seconds(routine: Routine) -> int:
    """The routine's whole length, as `expand(routine).total_seconds`, without expanding."""
    return sum(step_seconds(step) for step in routine.steps)


def _bouts(step: Step) -> list[tuple[int, Side | None]]:
    sides: tuple[Side | None, ...] = ("left", "right") if step.sides == "both" else (None,)
    return [(number, side) for number in range(1, step.sets + 1) for side in sides]


def expand(routine: Routine) -> Timeline:
    segments: list[Segment] = []
    clock = 0

    def add(kind: SegmentKind, index: int, step: Step, seconds: int, **where: object) -> None:
        nonlocal clock
        if seconds <= 0:
            return
        segments.append(
            Segment(kind, index, step.name, seconds, clock, sets=step.sets, **where)  # type: ignore[arg-type]
        )
        clock += seconds

    for index, step in enumerate(routine.steps):
        if step.kind == "rest":
            add("rest", index, step, step.seconds)
            continue
        bouts = _bouts(step)
        if step.kind in ("hold", "reps"):
            add("get_ready", index, step, step.get_ready, set=1, side=bouts[0][1])
        for number, (set_number, side) in enumerate(bouts):
            if number:
                add("rest", index, step, step.rest, set=set_number, side=side)
            add("work", index, step, step.seconds, set=set_number, side=side)
    return Timeline(tuple(segments))
