"""How long a routine may run, checked on the model before anything is expanded.

The value languages already bound each duration (2 h) and count (sets, reps); these bounds
cover what they combine into, so that no file under 1 MiB can make a timeline that takes
minutes and gigabytes to build:

- a bout (one hold, reps x the seconds per rep, or a duration) lasts at most 2 h;
- a routine's whole length (every get-ready, bout and rest of the timeline) is at most 4 h.

Lengths are worked out arithmetically (timeline.step_seconds), never by expanding.
"""

from __future__ import annotations

from backroutine.core import format
from backroutine.core.durations import MAX_SECONDS, format_seconds
from backroutine.core.yamldoc import Mark

MAX_BOUT_SECONDS = MAX_SECONDS  # 2 h, like any single duration
MAX_ROUTINE_SECONDS = format.MAX_ROUTINE_SECONDS

_PACE_FIX = {
    "tempo": "a shorter tempo",
    "rep": "a shorter rep",
    "defaults": "a shorter defaults.rep (or a tempo or rep of this step's own)",
}


def reps_bout_problem(reps: int, pace: int, paced_by: str) -> str | None:
    """Why `reps` reps of `pace` seconds are too long for one bout, or None when they fit.
    `paced_by` is "tempo", "rep" or "defaults" (defaults.rep), for the advice."""
    seconds = reps * pace
    if seconds <= MAX_BOUT_SECONDS:
        return None
    return (
        f"{reps} reps of {format_seconds(pace)} each take {format_seconds(seconds)}; a bout "
        f"can last at most {format_seconds(MAX_BOUT_SECONDS)}: use fewer reps or "
        f"{_PACE_FIX[paced_by]}"
    )


def routine_length_problem(lengths: list[tuple[str, Mark, int]]) -> tuple[str, Mark, str] | None:
    """Given each step's (field, mark, seconds) in order, the (field, mark, message) of the
    step at which the routine passes MAX_ROUTINE_SECONDS, or None when it fits."""
    total = sum(seconds for _, _, seconds in lengths)
    if total <= MAX_ROUTINE_SECONDS:
        return None
    so_far = 0
    for field, mark, seconds in lengths:
        so_far += seconds
        if so_far > MAX_ROUTINE_SECONDS:
            limit = format_seconds(MAX_ROUTINE_SECONDS)
            return (
                field,
                mark,
                f"the routine lasts {format_seconds(total)} in all and passes {limit} at this "
                f"step (which takes {format_seconds(seconds)} with its get-ready and rests); a "
                f"routine can last at most {limit}: use fewer steps, sets or sides, or shorter "
                "bouts and rests, or split it into two routines",
            )
    return None  # pragma: no cover - the total is over the limit, so some step passes it
