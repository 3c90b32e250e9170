"""Advice to see a professional, put together once for every client: the home screen, the
safety questions (TUI and CLI), `status`, and the plain player after "this hurts". The words
are core/advice.py's; which advice applies is core/progression.py's; here they are grouped as
every client shows them. Clients only choose the look (bold, bullets, wrapping)."""

from __future__ import annotations

from dataclasses import dataclass

from backroutine.core import advice
from backroutine.core.health import RedFlagAnswers, Urgency
from backroutine.core.model import Routine
from backroutine.core.progression import Progress

ON_HOLD = "Every routine is on hold until then."
YOGA_NOTE_PAIN = 7  # the intro of a yoga routine says "once the worst has passed" from here


@dataclass(frozen=True, slots=True)
class AdviceBlock:
    """What to do at one urgency, and the facts that call for it."""

    urgency: Urgency
    advice: str
    because: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class ProfessionalAdvice:
    """All the advice to see a professional that stands now: most urgent first."""

    blocks: tuple[AdviceBlock, ...]
    mark_checked: str | None  # how to say a professional has checked an open red flag
    on_hold: str | None  # said when every routine is held (an emergency red flag)
    urgency: Urgency | None

    def __bool__(self) -> bool:
        return bool(self.blocks)

    def lines(self) -> list[str]:
        """As plain lines, one per fact (no wrapping, so a screen reader or a pipe gets each
        whole): for the commands. The hold is left to the lines that list what is open."""
        lines: list[str] = []
        for block in self.blocks:
            lines.append(f"{block.advice} Because:")
            lines += [f"- {fact}" for fact in block.because]
        if self.mark_checked:
            lines.append(self.mark_checked)
        return lines


def see_a_professional(progress: Progress) -> ProfessionalAdvice:
    blocks = tuple(
        AdviceBlock(urgency, advice.URGENCY_ADVICE[urgency], tuple(facts))
        for urgency, facts in progress.advice_by_urgency()
    )
    return ProfessionalAdvice(
        blocks=blocks,
        mark_checked=advice.MARK_CHECKED if progress.red_flag_open else None,
        on_hold=ON_HOLD if progress.locked_all is not None else None,
        urgency=progress.urgency,
    )


@dataclass(frozen=True, slots=True)
class AnswersAdvice:
    """What to say after the safety questions are answered."""

    lines: tuple[str, ...]  # the advice by tier, most urgent first; else the all-clear
    urgency: Urgency | None  # of the open flags; None when none is open

    @property
    def flags_open(self) -> bool:
        return self.urgency is not None


def answers_advice(answers: RedFlagAnswers) -> AnswersAdvice:
    lines = advice.flags_advice(answers.open_flags)
    return AnswersAdvice(tuple(lines) if lines else (advice.NO_FLAGS,), answers.urgency)


def standing_lines(progress: Progress) -> list[str]:
    """The advice open now, a line each, and the safety questions when they are due: for
    when the pain question after "this hurts" is skipped."""
    lines = [f"! {reason.text}" for reason in progress.reasons]
    if progress.safety_due:
        lines.append(advice.ask_safety_text(progress.safety_asked))
    return lines


def yoga_note(routine: Routine, pain: int | None) -> str | None:
    """Yoga is for once the worst has passed: said on its intro while the latest pain is high."""
    if routine.category != "yoga" or pain is None or pain < YOGA_NOTE_PAIN:
        return None
    return (
        f"Your latest pain was {pain}/10. This routine is meant for once the worst has passed; "
        "while pain is this high, a gentle routine (such as Spasm relief) may suit you better."
    )
