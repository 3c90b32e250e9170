"""Every sentence of safety advice the app says, in one place, so every client (the home screen,
the player, the CLI) says the same thing in the same words.

Plain words, calm, never a diagnosis, never a drug name or a dose: the app does not prescribe.
Nothing here decides anything; core/progression.py decides and picks the sentence.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from backroutine.core.health import RedFlag, Urgency

# What each urgency asks the person to do (SAFETY_RULES.md, "See a professional").
# The numbers are examples, so a person anywhere knows what kind of number is meant.
URGENCY_ADVICE: dict[Urgency, str] = {
    "emergency": "Get emergency help now: call your local emergency number (999 in the UK, "
    "911 in the US and Canada, 112 in the EU) or go to an emergency department.",
    "today": "Contact a doctor today, or your urgent care line (for example 111 in the UK).",
    "soon": "Book an appointment with a doctor or physiotherapist in the next few days.",
}
MARK_CHECKED = (
    "Once a professional has checked you, mark it in the safety questions "
    "(s on the home screen, or: backroutine safety --checked)."
)


def ask_safety_text(asked_before: bool) -> str:
    when = "are due again" if asked_before else "have not been answered yet"
    return f"The safety questions {when}: press s on the home screen, or run: backroutine safety"


_WORDS = {1: "one", 2: "two", 3: "three", 4: "four", 5: "five"}


def word(n: int) -> str:
    return _WORDS.get(n, str(n))


def days_word(n: int) -> str:
    return f"{word(n)} {'day' if n == 1 else 'days'}"


# -- see a professional: the fact behind each reason (the urgency's advice is added to it) -----


def worsening_text(low: int, before: int, latest: int) -> str:
    return (
        f"Your pain keeps getting worse: {before}, then {latest} on your last two days, up "
        f"from {low} in the two weeks before."
    )


def rising_text(scores: Sequence[int]) -> str:
    shown = ", then ".join(str(s) for s in scores)
    return f"Your pain has gone up on each of your last {word(len(scores))} days ({shown})."


def severe_text(scores: Sequence[int]) -> str:
    """Severe pain: one day at 9-10, or two days at 8 or more."""
    if len(scores) == 1:
        return f"Your pain was {scores[0]} out of 10 on your last day: that is severe pain."
    shown = ", ".join(str(s) for s in scores)
    return f"Your pain has been 8 or more on your last {word(len(scores))} days ({shown})."


def not_improving_text(weeks: int, since: date) -> str:
    return (
        f"Your back has not clearly improved in {weeks} weeks (this episode started on "
        f"{since.isoformat()}); back pain that is not improving within 4 weeks is worth "
        "having checked."
    )


def spasms_more_text(days_this_week: int) -> str:
    if days_this_week >= 2:
        seen = f"on {days_word(days_this_week)} in the last 7 days"
    else:
        seen = "at your last check-in"
    return f"You said the spasms are coming more often ({seen})."


def hurt_stops_text(days_this_week: int) -> str:
    days = days_word(days_this_week)
    return f'You stopped a routine with "this hurts" on {days} in the last 7 days.'


def red_flag_text(flags: Sequence[RedFlag]) -> str:
    """One sentence for the open flags of one tier."""
    asked = "; ".join(f'"{flag.question}"' for flag in flags)
    what = "these questions" if len(flags) > 1 else "the safety question"
    return f"You answered yes to {what} {asked}"


# -- locks ---------------------------------------------------------------------------------


def emergency_lock_text(flags: Sequence[RedFlag]) -> str:
    asked = "; ".join(f'"{flag.question}"' for flag in flags)
    return (
        f"Every routine is on hold: you answered yes to {asked} {URGENCY_ADVICE['emergency']} "
        f"Do not exercise until you have been checked. {MARK_CHECKED}"
    )


def red_flag_lock_text(flags: Sequence[RedFlag], category: str) -> str:
    """Why `category` (yoga or strengthening) is held by "today" red flags."""
    asked = "; ".join(f'"{flag.question}"' for flag in flags)
    return (
        f"{category.capitalize()} is on hold: you answered yes to {asked} "
        f"{URGENCY_ADVICE['today']} Gentle movement is usually fine meanwhile. {MARK_CHECKED}"
    )


_SHUTTING = {
    "worsening": "your pain keeps getting worse",
    "severe": "your pain is severe",
    "spasms_more": "the spasms are coming more often",
    "hurt_stops": 'you stopped routines with "this hurts" on two days this week',
}


def advice_lock_text(codes: Sequence[str], needed: int, threshold: int) -> str:
    """Strengthening held shut by a reason to see a professional (condition 5)."""
    why = " and ".join(_SHUTTING[code] for code in codes)
    then = f" and after {_more_days(needed, threshold)}" if needed else ""
    return (
        f"Strengthening is locked while {why} (see the advice above). It opens again once "
        f"that has passed{then}."
    )


def fresh_lock_text() -> str:
    return (
        "Strengthening opens once your pain has clearly lessened on your two most recent "
        "days: check in your pain (c on the home screen, or: backroutine checkin --pain N)."
    )


def _more_days(needed: int, threshold: int) -> str:
    return f"{word(needed)} more {'day' if needed == 1 else 'days'} at {threshold} or below"


def _opens(needed: int) -> str:
    return "opens" if needed == 1 else "open"


def stale_lock_text(days_ago: int, threshold: int, needed: int) -> str:
    return (
        f"Strengthening is locked until you check in again: your last check-in was {days_ago} "
        "days ago, "
        f"and pain that was lessened then says little about today. It opens again after "
        f"{_more_days(needed, threshold)}."
    )


def flare_lock_text(flare_day: date, baseline: int, threshold: int, needed: int) -> str:
    return (
        f"Strengthening is locked after a flare on {flare_day.isoformat()}: it opens again after "
        f"{_more_days(needed, threshold)} (your starting pain was {baseline}), and starts "
        "again from level 2."
    )


def lessening_lock_text(baseline: int, threshold: int, needed: int) -> str:
    return (
        f"Strengthening is locked until your pain has clearly lessened: your starting pain was "
        f"{baseline}; "
        f"{_more_days(needed, threshold)} {_opens(needed)} it (at least 2 points and 30% below "
        "the start, or 2 or below, and never above 5)."
    )


def level_needs_text(level: int) -> str:
    """What opens `level` (3..5), for status --json's next_level.needs."""
    return f"complete level-{level - 1} routines on 2 different days"


def next_level_text(level: int, days_so_far: int, days_needed: int) -> str:
    """For the home screen: "Level 4 opens when you complete a level-3 routine on 1 more
    day"."""
    left = max(days_needed - days_so_far, 1)
    more = "1 more day" if left == 1 else f"{left} more days"
    return f"Level {level} opens when you complete a level-{level - 1} routine on {more}."


def level_lock_text(level: int, open_level: int, days_so_far: int, days_needed: int) -> str:
    """Why a strengthening routine of `level` cannot be played while `open_level` is open."""
    step = open_level + 1
    then = (
        ""
        if level == step
        else f", then level {step + 1}" + (f" up to level {level}" if level > step + 1 else "")
    )
    return (
        f"Strengthening is open up to level {open_level}. Complete level-{open_level} routines "
        f"on {days_needed} different days: {days_so_far} so far. That opens level {step}{then}, "
        "two good days for each level; a flare goes back to level 2."
    )


# -- what a check-in changed ---------------------------------------------------------------

OPENED = "Strengthening is now open (levels 1-2): your pain has clearly lessened. Start gently."
CLOSED = "Strengthening is locked again for now; gentle movement and yoga stay open."


def level_opened_text(level: int) -> str:
    return f"Level {level} strengthening is now open."


def new_advice_text(text: str) -> str:
    return f"New advice: {text}"


def new_bout_text(days: int, uid: str, redo: str) -> str:
    """After a check-in more than 28 days after the one before (SAFETY_RULES.md, "Episode"):
    the same episode unless the person says otherwise, and how to say so."""
    return (
        f"Your check-in before this one was {days} days earlier, so this counts as the same "
        "back pain. If it is a new bout of back pain, record it as one: "
        f"backroutine checkin --delete {uid}, then {redo}"
    )


# -- the emergency signs ---------------------------------------------------------------------

# Shown last in every routine's intro (the player's intro, plain mode, `show`) and in the advice
# after "this hurts", whatever the routine file says: the signs that need an emergency service
# are the app's to say, in one wording, so no routine file copies it or can leave it out.
EMERGENCY_SIGNS = (
    "If you have numbness around the genitals or bottom, new trouble peeing or controlling your "
    "bowels, weakness in a leg that is getting worse, or chest pain, call an emergency number "
    "now (999 in the UK, 911 in the US and Canada, 112 in the EU)."
)


# -- "this hurts" --------------------------------------------------------------------------

HURT_TITLE = "Stopped: take care of your back"

HURT_ADVICE = (
    "Rest in a position that eases the pain: on your back with your knees bent and feet flat, "
    "or on your side with a pillow between your knees.",
    "As it settles, move gently: a short, easy walk usually helps more than staying still. "
    "Heat (a warm shower, or a heating pad wrapped in a cloth, warm and never hot) can ease "
    "a spasm.",
    "A pharmacist or doctor can advise you on pain relief.",
    "If the pain keeps getting worse, spreads down a leg, or the spasms come more often, see a "
    "doctor or physiotherapist.",
    EMERGENCY_SIGNS,
)
HURT_DAY = (
    "Today counts as a flare day: strengthening closes until two good days after today (pain "
    "clearly lessened and at 5 or below), and starts again from level 2."
)


# -- the safety questions ------------------------------------------------------------------


_TIER_MEANS = {
    "emergency": "Do not do the exercises until you have been checked: every routine is on hold.",
    "today": "Yoga and strengthening are on hold until then; gentle movement is usually fine.",
    "soon": "Gentle movement is usually fine meanwhile; stop anything that makes it worse.",
}


def flags_advice(flags: Sequence[RedFlag]) -> list[str]:
    """What to say about open flags, by tier, most urgent first; [] when none is open."""
    lines: list[str] = []
    for tier in URGENCY_ADVICE:  # most urgent first
        asked = [flag.question for flag in flags if flag.tier == tier]
        if asked:
            lines += [f"{URGENCY_ADVICE[tier]} {_TIER_MEANS[tier]}", *(f"- {q}" for q in asked)]
    if lines:
        lines.append(MARK_CHECKED)
    return lines


NO_FLAGS = "Thank you. None of these signs: gentle movement is the right start."
