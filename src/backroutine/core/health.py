"""What a person tells backroutine about their back: pain check-ins and red flags.

Plain data shared by the history store, the progression rules and the clients.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal

Spasms = Literal["fewer", "same", "more"]
SPASMS: tuple[Spasms, ...] = ("fewer", "same", "more")
PAIN_MIN, PAIN_MAX = 0, 10  # the numeric rating scale: 0 = no pain, 10 = worst imaginable


@dataclass(frozen=True, slots=True)
class Checkin:
    at: datetime  # timezone-aware
    pain: int  # 0..10
    spasms: Spasms | None = None  # compared with before
    note: str | None = None
    new_episode: bool = False  # the person said a new episode of back pain starts here
    id: int | None = None  # the store's row id, once stored

    def to_dict(self) -> dict[str, object]:
        return {
            "id": self.id,
            "date": self.at.isoformat(timespec="seconds"),
            "pain": self.pain,
            "spasms": self.spasms,
            "note": self.note,
            "new_episode": self.new_episode,
        }


@dataclass(frozen=True, slots=True)
class RedFlag:
    key: str
    question: str
    urgent: bool  # seek care urgently (same day), not just promptly


# Signs that back pain may need a doctor rather than exercise (NICE NG59 and CKS "Low back
# pain without radiculopathy": cauda equina syndrome, spinal fracture, infection, cancer).
RED_FLAGS: tuple[RedFlag, ...] = (
    RedFlag("saddle_numbness", "Numbness in your groin, buttocks or inner thighs?", True),
    RedFlag("bladder_bowel", "New trouble controlling your bladder or bowel?", True),
    RedFlag("leg_weakness", "Weakness in a leg that is getting worse?", True),
    RedFlag("fever_unwell", "Fever, or feeling generally unwell, with the back pain?", False),
    RedFlag("fall_injury", "A recent fall or injury to your back?", False),
    RedFlag("cancer_history", "Have you ever had cancer?", False),
    RedFlag("weight_loss", "Weight loss you cannot explain?", False),
    RedFlag("night_pain", "Pain that is worse at night or when you rest?", False),
)
RED_FLAG_KEYS = tuple(flag.key for flag in RED_FLAGS)


@dataclass(frozen=True, slots=True)
class RedFlagAnswers:
    """The latest answers to the red-flag questions."""

    answered_at: datetime | None = None  # None: never asked
    yes: frozenset[str] = frozenset()  # keys answered yes
    checked_at: datetime | None = None  # when the person said a professional has checked them

    @property
    def asked(self) -> bool:
        return self.answered_at is not None

    @property
    def open_flags(self) -> tuple[RedFlag, ...]:
        """Flags answered yes and not yet marked as checked by a professional."""
        if self.checked_at is not None and (
            self.answered_at is None or self.checked_at >= self.answered_at
        ):
            return ()
        return tuple(flag for flag in RED_FLAGS if flag.key in self.yes)

    @property
    def urgent(self) -> bool:
        return any(flag.urgent for flag in self.open_flags)
