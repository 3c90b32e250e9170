"""A routine as readable text: what `backroutine show` prints."""

from __future__ import annotations

import textwrap

from backroutine.core.advice import EMERGENCY_SIGNS
from backroutine.core.durations import format_clock, format_seconds
from backroutine.core.model import Routine, Step
from backroutine.core.timeline import Segment, Timeline

WIDTH = 78


def _wrap(text: str, indent: str = "") -> str:
    paragraphs = text.strip().split("\n\n")
    return "\n\n".join(
        textwrap.fill(" ".join(p.split()), WIDTH, initial_indent=indent, subsequent_indent=indent)
        for p in paragraphs
    )


def _bullets(items: tuple[str, ...]) -> str:
    return "\n".join(
        textwrap.fill(item, WIDTH, initial_indent="  - ", subsequent_indent="    ")
        for item in items
    )


def work_label(step: Step) -> str:
    """What a work bout asks: "hold 30s", "10 reps (2-1-2)", "move 2m"."""
    if step.kind == "hold":
        return f"hold {format_seconds(step.seconds)}"
    if step.kind == "reps":
        pace = "-".join(str(p) for p in step.tempo) if step.tempo else f"{step.rep_pace}s/rep"
        return f"{step.reps} reps ({pace})"
    if step.kind == "duration":
        return f"move {format_seconds(step.seconds)}"
    return f"rest {format_seconds(step.seconds)}"


def segment_label(segment: Segment, step: Step) -> str:
    if segment.kind == "get_ready":
        return "get ready"
    if segment.kind == "rest":
        return "rest"
    return work_label(step)


def routine_text(routine: Routine, timeline: Timeline) -> str:
    out: list[str] = []
    facts = [routine.id, routine.category]
    if routine.level:
        facts.append(f"level {routine.level}")
    facts.append(format_clock(timeline.total_seconds))
    out.append(f"{routine.name}  ({' · '.join(facts)})")
    out.append("=" * min(WIDTH, len(out[0])))
    if routine.summary:
        out.append(_wrap(routine.summary))
    if routine.description:
        out += ["", _wrap(routine.description)]
    if routine.equipment:
        out += ["", f"Equipment: {', '.join(routine.equipment)}"]
    if routine.cautions:
        out += ["", "Cautions:", _bullets(routine.cautions)]
    out += ["", "Timeline:"]
    out.append(_timeline_table(routine, timeline))
    out += ["", f"Total: {format_clock(timeline.total_seconds)} ({timeline.total_seconds} s)"]
    if routine.references:
        out += ["", "References:", _bullets(routine.references)]
    if routine.path:
        out += ["", f"File: {routine.path}"]
    # Last, where a terminal leaves the eye once the timeline has scrolled past; from the app,
    # never from the file, so every routine says it in the same words.
    out += ["", _wrap(EMERGENCY_SIGNS)]
    return "\n".join(out)


def _timeline_table(routine: Routine, timeline: Timeline) -> str:
    rows = []
    for segment in timeline.segments:
        step = routine.steps[segment.step]
        set_text = f"{segment.set}/{segment.sets}" if segment.set and segment.sets > 1 else ""
        rows.append(
            (
                format_clock(segment.start),
                str(segment.step + 1),
                segment.name,
                segment_label(segment, step),
                f"{segment.seconds}s",
                set_text,
                segment.side or "",
            )
        )
    header = ("start", "step", "name", "what", "time", "set", "side")
    name_width = min(30, max(len(header[2]), *(len(r[2]) for r in rows)))
    widths = [max(len(header[i]), *(len(r[i]) for r in rows)) for i in range(len(header))]
    widths[2] = name_width
    right = {0, 1, 4}

    def line(cells: tuple[str, ...]) -> str:
        parts = []
        for i, cell in enumerate(cells):
            if i == 2 and len(cell) > name_width:
                cell = cell[: name_width - 1] + "…"
            parts.append(cell.rjust(widths[i]) if i in right else cell.ljust(widths[i]))
        return ("  " + "  ".join(parts)).rstrip()

    return "\n".join([line(header), *(line(r) for r in rows)])
