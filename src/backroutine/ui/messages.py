"""What the screens tell the app (messages up): each is posted by a screen or one of its
widgets, bubbles up to the App, and is handled there by `on_<name>` (`on_open_routine`...).

The app answers by switching screens and by handing the next screen what it needs (attributes
down); no screen calls the app's methods or reaches into its state.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

from textual.message import Message

if TYPE_CHECKING:
    from backroutine.core.model import Routine
    from backroutine.services.checkins import CheckinReport
    from backroutine.services.conductor import SessionConductor

# How a played session ended: at its end, stopped because it hurt, stopped by a quit.
Ending = Literal["finished", "pain", "quit"]


class OpenRoutine(Message):
    """Show this routine's detail (its intro); from the home screen and the command palette."""

    def __init__(self, routine: Routine) -> None:
        super().__init__()
        self.routine = routine


class StartRoutine(Message):
    """Enter on the intro: play the routine opened (unless it is locked)."""


class CloseRoutine(Message):
    """Leave the routine's intro, summary or advice: home, or out when it was played from the
    command line. `hurt`: from the advice after "this hurts" (the safety questions may be due
    first)."""

    def __init__(self, *, hurt: bool = False) -> None:
        super().__init__()
        self.hurt = hurt


class SessionEnded(Message):
    """The player's session is over (already stopped and recorded): its summary, the advice
    after "this hurts", or home after a quit."""

    def __init__(self, conductor: SessionConductor, ending: Ending) -> None:
        super().__init__()
        self.conductor = conductor
        self.ending = ending


class MuteChanged(Message):
    """Sound and voice off or on: the person's choice, kept for the app's later sessions."""

    def __init__(self, muted: bool) -> None:
        super().__init__()
        self.muted = muted


class CheckinSaved(Message):
    """A check-in was saved (or could not be: `report.saved`); what it changed is already
    said where it was asked. The home screen shows it once it is back."""

    def __init__(self, report: CheckinReport) -> None:
        super().__init__()
        self.report = report


class ActivitiesChanged(Message):
    """An activity was added, renamed or removed in the app: the home screen reads it again."""


class SafetyDue(Message):
    """The home screen found the safety questions due (first run, a new episode, a flare)."""


class SafetyAnswered(Message):
    """The safety questions were answered, or marked as checked by a professional."""


class TakeBreak(Message):
    """ "Time for a break" was answered with Enter: play the break's routine (the break screen
    answered a snooze or a skip itself)."""


class Notice(Message):
    """Something to say once (a routine file with mistakes, a history that cannot be written):
    from a screen, or from the history writer's thread (post_message is thread-safe)."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.text = text
