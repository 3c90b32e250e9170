"""What a person tells backroutine about their back, and what they did: pain check-ins, the
safety (red-flag) answers, and the facts of the sessions they played that the safety rules read.

Plain data shared by the history store, the progression rules and the clients. The rules these
feed are the contract in SAFETY_RULES.md (see core/progression.py).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from backroutine.core.corrections import Correction

Spasms = Literal["fewer", "same", "more"]
SPASMS: tuple[Spasms, ...] = ("fewer", "same", "more")
PAIN_MIN, PAIN_MAX = 0, 10  # the numeric rating scale: 0 = no pain, 10 = worst imaginable
# Check-ins are for days from 1900 on (SAFETY_RULES.md): earlier dates are typing mistakes, and
# before then many places kept local mean time, which some platforms cannot convert.
EARLIEST_DATE = date(1900, 1, 1)

# How soon to see someone, most urgent first. "emergency" = now, "today" = a doctor today,
# "soon" = an appointment in the next few days (SAFETY_RULES.md, "See a professional").
Urgency = Literal["emergency", "today", "soon"]
URGENCIES: tuple[Urgency, ...] = ("emergency", "today", "soon")


def most_urgent(urgencies: Iterable[str]) -> Urgency | None:
    """The most urgent of some urgencies, or None when there are none."""
    present = set(urgencies)
    return next((u for u in URGENCIES if u in present), None)


@dataclass(frozen=True, slots=True)
class Checkin:
    at: datetime  # timezone-aware
    pain: int  # 0..10
    spasms: Spasms | None = None  # compared with before
    note: str | None = None
    new_episode: bool = False  # the person said a new episode of back pain starts here
    id: int | None = None  # the store's row id, once stored
    uid: str | None = None  # its id across computers, once stored (what a correction names)
    # Corrections (core/corrections.py): those naming it, oldest first, and the check-in as
    # first recorded when there are any; the values above are then as corrected.
    corrections: tuple[Correction, ...] = ()
    original: Checkin | None = None

    def to_dict(self) -> dict[str, object]:
        original = self.original
        return {
            "id": self.id,
            "uid": self.uid,
            "date": self.at.isoformat(timespec="seconds"),
            "pain": self.pain,
            "spasms": self.spasms,
            "note": self.note,
            "new_episode": self.new_episode,
            "original": None
            if original is None
            else {"pain": original.pain, "spasms": original.spasms, "note": original.note},
            "corrections": [correction.to_dict() for correction in self.corrections],
        }


@dataclass(frozen=True, slots=True)
class PlayedSession:
    """What the safety rules need to know of one recorded session."""

    day: date  # the local calendar date it ended (or started, if it never wrote an end)
    category: str
    level: int | None  # the routine's level as played; None for rows older than levels
    completed: bool
    hurt: bool  # stopped with "this hurts" (h)


# What an open red flag holds back (SAFETY_RULES.md, "Red flags", the "locks" column).
Locks = Literal["everything", "strengthening and yoga", "nothing"]


@dataclass(frozen=True, slots=True)
class RedFlag:
    key: str
    question: str
    tier: Urgency  # how soon to see someone when the answer is yes
    locks: Locks


def _emergency(key: str, question: str) -> RedFlag:
    return RedFlag(key, question, "emergency", "everything")


def _today(key: str, question: str) -> RedFlag:
    return RedFlag(key, question, "today", "strengthening and yoga")


def _soon(key: str, question: str) -> RedFlag:
    return RedFlag(key, question, "soon", "nothing")


# The safety questions, exactly as SAFETY_RULES.md (version 3) lists them: keys, tiers and
# meaning; the wording is ours, one thing per question. Sources: NICE NG59 (assess for specific
# causes); NHS back pain advice (999 or A&E: both legs, genitals or buttocks, peeing, bladder or
# bowel control, chest pain, a serious accident; 111: a high temperature, weight loss, a lump
# or changed shape, pain not easing with rest or worse at night, worse on coughing, sneezing or
# going to the toilet, pain between the shoulders; a GP: struggling to cope); Finucane LM et
# al., "International framework for red flags for potential serious spinal pathologies", JOSPT
# 2020;50(7):350-372; NICE NG234 (spinal metastases). The emergency tier are the signs of
# cauda equina syndrome, of major trauma, and chest pain.
RED_FLAGS: tuple[RedFlag, ...] = (
    _emergency(
        "saddle_numbness",
        "Numbness or tingling in your groin, genitals, buttocks or inner thighs?",
    ),
    _emergency(
        "bladder_bowel",
        "New trouble peeing (starting, stopping, feeling it, or leaking), or controlling "
        "your bowels?",
    ),
    _emergency(
        "sexual_function",
        "New numbness of your genitals, or a change in sexual function?",
    ),
    _emergency("both_legs", "Pain, numbness, tingling or weakness in both legs?"),
    _emergency(
        "leg_weakness",
        "Weakness in a leg or foot that is getting worse (your foot drags, or you trip)?",
    ),
    _emergency(
        "major_trauma",
        "Did the pain start after a serious accident, such as a car crash or a fall from a height?",
    ),
    _emergency("chest_pain", "Chest pain, together with your back pain?"),
    _today("fever_unwell", "A high temperature, or feeling hot, shivery or generally unwell?"),
    _today("weight_loss", "Weight loss that you cannot explain?"),
    _today("cancer_history", "Have you ever had cancer (other than a small skin cancer removed)?"),
    _today(
        "constant_pain",
        "Pain that does not ease at all when you rest or change position, or that is worse at "
        "night than in the day?",
    ),
    _today("upper_back", "Is the pain high in your back, between your shoulder blades?"),
    _today(
        "fracture_risk",
        "A recent fall or knock, when you have thin bones (osteoporosis) or take steroid "
        "tablets long-term?",
    ),
    _today(
        "infection_risk",
        "A weak immune system (for example from chemotherapy, HIV or long-term steroids)?",
    ),
    _today("injecting_drugs", "Have you ever injected drugs (now or in the past)?"),
    _today("back_lump", "A lump or swelling in your back, or a change in its shape?"),
    _today(
        "cough_sneeze",
        "Is the pain much worse when you cough, sneeze or go to the toilet?",
    ),
    _soon(
        "morning_stiffness",
        "Stiffness for more than 30 minutes every morning for 3 months or more, that eases "
        "as you move?",
    ),
    _soon(
        "cant_cope",
        "Is the pain stopping you from doing your day-to-day activities, or hard to cope with?",
    ),
)
RED_FLAG_KEYS = tuple(flag.key for flag in RED_FLAGS)

# Answers saved by the first version (8 questions) may hold two keys that are gone. The store
# reads them as the closest current question, never dropping a yes, and the questions are asked
# again (QUESTION_SET below): "a recent fall or injury to your back" as a fall with a risk of
# fracture, "pain worse at night or at rest" as constant pain.
LEGACY_RED_FLAG_KEYS = {"fall_injury": "fracture_risk", "night_pain": "constant_pain"}
# Which set of questions an answer was given to: 1 = the first version's eight, 2 = the
# fourteen of SAFETY_RULES.md version 2, 3 = the nineteen of version 3 (chest pain, injecting
# drugs, a lump, coughing and sneezing, struggling to cope added). Answers to an older set make
# the questions due once.
QUESTION_SET = 3


@dataclass(frozen=True, slots=True)
class RedFlagAnswers:
    """The latest answers to the safety questions."""

    answered_at: datetime | None = None  # None: never asked
    yes: frozenset[str] = frozenset()  # keys answered yes
    checked_at: datetime | None = None  # when the person said a professional has checked them
    question_set: int = QUESTION_SET  # the set of questions these answers were given to

    @property
    def asked(self) -> bool:
        return self.answered_at is not None

    @property
    def current(self) -> bool:
        """Answered, to the questions asked now (not an older set)."""
        return self.asked and self.question_set >= QUESTION_SET

    @property
    def checked(self) -> bool:
        """A professional has checked these answers (the mark is not older than them)."""
        return self.checked_at is not None and (
            self.answered_at is None or self.checked_at >= self.answered_at
        )

    @property
    def open_flags(self) -> tuple[RedFlag, ...]:
        """Questions answered yes and not yet marked as checked by a professional, in the
        order of RED_FLAGS (most urgent tier first)."""
        if self.checked:
            return ()
        return tuple(flag for flag in RED_FLAGS if flag.key in self.yes)

    @property
    def urgency(self) -> Urgency | None:
        """The most urgent tier among the open flags; None when none is open."""
        return most_urgent(flag.tier for flag in self.open_flags)
