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
        return {"completed": "Finished", "skipped": "Skipped to the end", "stopped": "Stopped"}[
            event.ending
        ]
    return None


def _spoken_length(seconds: int) -> str:
    minutes, rest = divmod(seconds, 60)
    parts = []
    if minutes:
        parts.append(f"{minutes} minute{'s' if minutes != 1 else ''}")
    if rest:
        parts.append(f"{rest} second{'s' if rest != 1 else ''}")
    return " ".join(parts) or "0 seconds"


def _spoken_bout(segment: Segment, step: Step) -> str:
    """What a bout is, said after the step's name: "Hold 30 seconds", "10 reps", "2 minutes"."""
    if step.kind == "hold":
        return f"Hold {_spoken_length(segment.seconds)}"
    if step.kind == "reps":
        return f"{step.reps} reps"
    return _spoken_length(segment.seconds)


def spoken(event: Event, routine: Routine) -> tuple[str, int] | None:
    """What a voice says for an event, with its priority (higher interrupts lower): cue texts
    and the end 3, step changes 2, the last seconds 1. Reps and tempo phases come too fast
    to speak; their soft sound is enough."""
    if isinstance(event, CueDue):
        return (event.cue.say, 3) if event.cue.say else None
    if isinstance(event, Finished):
        if event.ending == "completed":
            return ("Well done. That is the end of the routine.", 3)
        return ("That is the end of the routine.", 3) if event.completed else None
    if isinstance(event, SideChanged):
        segment = event.segment
        if segment.kind == "work":  # no rest between the sides: this is also the bout's start
            bout = _spoken_bout(segment, routine.steps[segment.step])
            return (f"Switch sides: {segment.name}, {event.side}. {bout}", 2)
        return (f"Switch sides: {event.side}", 2)
    if isinstance(event, SegmentStarted):
        segment = event.segment
        step = routine.steps[segment.step]
        side = f", {segment.side} side" if segment.side else ""
        if segment.kind == "get_ready":
            return (f"Get ready: {segment.name}{side}", 2)
        if segment.kind == "rest":
            return (f"Rest, {_spoken_length(segment.seconds)}", 2)
        if step.kind == "duration":
            side = ""  # a timed step's start does not say its side
        return (f"{segment.name}{side}. {_spoken_bout(segment, step)}", 2)
    if isinstance(event, CountdownTick):
        return (str(event.seconds_left), 1)
    return None


def utterance(events: list[Event], routine: Routine) -> tuple[str, int] | None:
    """One thing to say for a batch of events: the most important, the latest among equals
    (a switch of sides is said instead of the rest that starts with it, and instead of the
    bout that starts with it when there is no rest: it names the bout itself)."""
    best: tuple[str, int] | None = None
    for event in events:
        said = spoken(event, routine)
        if said is not None and (best is None or said[1] >= best[1]):
            if best is not None and best[1] == said[1] and isinstance(event, SegmentStarted):
                continue  # keep "switch sides" over the rest or bout it comes with
            best = said
    return best
