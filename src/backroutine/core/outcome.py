"""How a played session ended, in the words the history keeps: completed, skipped or stopped.

Done means done (SAFETY_RULES.md version 3, "Levels"): a session is completed only when it
reached its end *and* at least 80% of the routine's planned seconds were actually played.
Pressing "next" through a routine reaches the end too, but is not doing it: that is skipped,
never counted towards a level. Pure: the numbers come in as arguments.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

# The share of the routine's planned time that must really be played for a session that
# reached its end to count as completed (SAFETY_RULES.md: "at least 80% of the routine's
# planned active seconds actually done").
DONE_SHARE = 0.8

Ending = Literal["completed", "skipped", "stopped"]


def ending(*, reached_end: bool, active_seconds: float, planned_seconds: float) -> Ending:
    """completed: reached the end with at least 80% played; skipped: reached the end by
    skipping; stopped: ended before the end (quit, "this hurts", a signal)."""
    if not reached_end:
        return "stopped"
    if planned_seconds <= 0 or active_seconds >= DONE_SHARE * planned_seconds:
        return "completed"
    return "skipped"


@dataclass(frozen=True, slots=True)
class Summary:
    """What the end of a session says, the same in the app and in plain mode."""

    ending: Ending
    steps_done: int
    steps_total: int

    @property
    def title(self) -> str:
        return {"completed": "Well done", "skipped": "Skipped to the end", "stopped": "Stopped"}[
            self.ending
        ]

    @property
    def line(self) -> str | None:
        """Why a skipped session does not count, in words; None otherwise."""
        if self.ending != "skipped":
            return None
        skipped = max(self.steps_total - self.steps_done, 0)
        return (
            f"You skipped {skipped} of {self.steps_total} steps: this session is saved as "
            "skipped and does not count as done."
        )
