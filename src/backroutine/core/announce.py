"""What each engine event sounds like and how it reads, for every client alike.

The TUI, the plain player and (later) spoken cues all say the same things, so the words and
the choice of sound live here, once.
"""

from __future__ import annotations

from pathlib import Path

from backroutine.core.durations import format_seconds
from backroutine.core.engine import (
    CountdownTick,
    CueDue,
    Event,
    Finished,
    PhaseStarted,
    RepStarted,
    SegmentStarted,
    SideChanged,
)
from backroutine.core.model import Routine, Step
from backroutine.core.timeline import Segment

# Bundled sound names (sounds/README.md).
TICK, START, REST, SIDE, REP, BELL, CHIME = "tick", "start", "rest", "side", "rep", "bell", "chime"

PHASE_WORDS = {"up": "up", "hold": "hold", "down": "down", "pause": "pause"}


def sound_for(event: Event) -> str | Path | None:
    """The sound an event makes, or None."""
    if isinstance(event, CountdownTick):
        return TICK
    if isinstance(event, SegmentStarted):
        return REST if event.segment.kind == "rest" else START
    if isinstance(event, SideChanged):
        return SIDE
    if isinstance(event, RepStarted | PhaseStarted):
        return REP
    if isinstance(event, CueDue):
        return event.cue.sound_file or event.cue.sound or CHIME
    if isinstance(event, Finished):
        return BELL if event.completed else None
    return None


def loudest(events: list[Event]) -> str | Path | None:
    """One sound for a batch of events that came at once: the most meaningful one. (A pile
    of sounds at the same moment is noise; a late frame can deliver several events.)"""
    order = (BELL, SIDE, START, REST, CHIME, TICK, REP)
    best: str | Path | None = None
    rank = len(order) + 1
    for event in events:
        sound = sound_for(event)
        if sound is None:
            continue
        r = order.index(sound) if isinstance(sound, str) and sound in order else 4
        if r < rank:
            best, rank = sound, r
    return best


def phase_label(segment: Segment, step: Step) -> str:
    """GET READY, HOLD, REPS, MOVE, REST: the big word on screen."""
    if segment.kind == "get_ready":
        return "GET READY"
    if segment.kind == "rest":
        return "REST"
    return {"hold": "HOLD", "reps": "REPS", "duration": "MOVE"}.get(step.kind, "REST")


def where_label(segment: Segment) -> str:
    """ "set 2 of 3 · LEFT side", or ""."""
    parts = []
    if segment.set and segment.sets > 1:
        parts.append(f"set {segment.set} of {segment.sets}")
    if segment.side:
        parts.append(f"{segment.side.upper()} side")
    return " · ".join(parts)


def describe(event: Event, routine: Routine, next_segment: Segment | None = None) -> str | None:
    """One line of plain text for an event, or None for events that only make a sound."""
    if isinstance(event, SegmentStarted):
        segment = event.segment
        step = routine.steps[segment.step]
        where = where_label(segment)
        where = f" · {where}" if where else ""
        if segment.kind == "get_ready":
            return f"Get ready: {segment.name}{where} · starts in {segment.seconds}s"
        if segment.kind == "rest":
            after = f" · next: {next_segment.name}" if next_segment else ""
            if next_segment and next_segment.step == segment.step:
                after += f" ({where_label(next_segment)})" if where_label(next_segment) else ""
            return f"Rest {format_seconds(segment.seconds)}{after}"
        if step.kind == "hold":
            return f"{segment.name}: HOLD {format_seconds(segment.seconds)}{where}"
        if step.kind == "reps":
            pace = "-".join(map(str, step.tempo)) if step.tempo else f"{step.rep_pace}s each"
            return f"{segment.name}: {step.reps} REPS ({pace}){where}"
        return f"{segment.name}: MOVE for {format_seconds(segment.seconds)}{where}"
    if isinstance(event, SideChanged):
        return f"Switch sides: {event.side.upper()}"
    if isinstance(event, RepStarted):
        step = routine.steps[event.segment.step]
        return None if step.tempo else f"rep {event.rep} of {event.reps}"
    if isinstance(event, PhaseStarted):
        return f"rep {event.rep} of {event.reps}: {event.phase} {event.seconds}s"
    if isinstance(event, CueDue):
        return f"cue: {event.cue.say}" if event.cue.say else None
    if isinstance(event, Finished):
        return "Finished" if event.completed else "Stopped"
    return None
