"""Today's suggestion: a routine suited to where the person is."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from backroutine.core.progression import Progress, routine_lock


@dataclass(frozen=True, slots=True)
class Choice:
    id: str
    name: str
    category: str
    level: int | None
    total_seconds: int


@dataclass(frozen=True, slots=True)
class Suggestion:
    routine_id: str | None
    why: str


def suggest(
    progress: Progress, choices: Sequence[Choice], last_played: dict[str, str]
) -> Suggestion:
    """Gentle movement while pain is high or unknown, or while a doctor should be seen today;
    yoga as it eases; strengthening (at an open level) once it is open and pain is low. Within
    a category the routine played least recently (never played first), then the easiest.
    `last_played` maps routine ids to ISO start times."""
    if progress.locked_all is not None:
        return Suggestion(None, "No exercise today: please get checked first (see above).")
    pain = progress.pain
    if progress.urgency == "today":
        category, why = "gentle", "See a doctor today; meanwhile gentle movement is usually fine."
    elif pain is None:
        category, why = "gentle", "Start gently; check in your pain to get suggestions that fit."
    elif pain >= 6:
        category, why = "gentle", f"Pain is {pain}/10: gentle movement helps most now (heat too)."
    elif pain <= 3 and progress.strengthening_level is not None:
        category, why = "strengthening", f"Pain is {pain}/10 and strengthening is open."
    else:
        category, why = "yoga", f"Pain is {pain}/10: gentle stretching keeps you moving."

    def playable(choice: Choice) -> bool:
        return routine_lock(progress, choice.category, choice.level) is None

    pool = [c for c in choices if c.category == category and playable(c)]
    if not pool:
        pool = [c for c in choices if c.category == "gentle" and playable(c)]
    if not pool:
        return Suggestion(None, why)
    pool.sort(key=lambda c: (last_played.get(c.id, ""), c.level or 0, c.total_seconds, c.name))
    return Suggestion(pool[0].id, why)
