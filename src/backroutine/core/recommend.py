"""Today's suggestion: a routine suited to where the person is."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from backroutine.core.progression import Progress, is_open


@dataclass(frozen=True, slots=True)
class Choice:
    id: str
    name: str
    category: str
    level: int
    total_seconds: int


@dataclass(frozen=True, slots=True)
class Suggestion:
    routine_id: str | None
    why: str


def suggest(
    progress: Progress, choices: Sequence[Choice], last_played: dict[str, str]
) -> Suggestion:
    """Gentle movement while pain is high or unknown, yoga as it eases, strengthening once it
    is unlocked and pain is low; within a category the routine played least recently (never
    played first), then the easiest. `last_played` maps routine ids to ISO start times."""
    if progress.see_professional and any("urgent" in r.lower() for r in progress.reasons):
        return Suggestion(None, "Please get checked by a doctor before exercising.")
    pain = progress.pain
    if pain is None:
        category, why = "gentle", "Start gently; check in your pain to get suggestions that fit."
    elif pain >= 6:
        category, why = "gentle", f"Pain is {pain}/10: gentle movement helps most now (heat too)."
    elif pain <= 3 and is_open(progress, "strengthening"):
        category, why = "strengthening", f"Pain is {pain}/10 and strengthening is open."
    else:
        category, why = "yoga", f"Pain is {pain}/10: gentle stretching keeps you moving."
    pool = [c for c in choices if c.category == category and is_open(progress, c.category)]
    if not pool:
        pool = [c for c in choices if c.category == "gentle"]
    if not pool:
        return Suggestion(None, why)
    pool.sort(key=lambda c: (last_played.get(c.id, ""), c.level, c.total_seconds, c.name))
    return Suggestion(pool[0].id, why)
