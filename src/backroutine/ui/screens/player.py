"""The player: the step, a big countdown, what to do, what comes next.

The screen owns the session it is given (attributes down): it sleeps on its own timer until
the session's next whole second or event, hands the session's moves to the conductor (which
sounds, speaks and records them), and draws what they bring. The keys are its own actions.
When the session is over it tells the app (messages up), which shows what comes next.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.timer import Timer
from textual.widgets import Digits, Footer

from backroutine.core.announce import phase_label, where_label
from backroutine.core.durations import format_clock
from backroutine.core.engine import CueDue, Event, Finished, SegmentStarted, Session, SideChanged
from backroutine.core.timeline import Segment
from backroutine.services.conductor import SessionConductor
from backroutine.ui.messages import Ending, MuteChanged, SessionEnded
from backroutine.ui.screens.dialogs import ConfirmQuit, HelpScreen
from backroutine.ui.widgets import BigClock, Line, RoutineBar

WAKE_LATE = 0.002  # wake this much after the session's moment, so that it has come


def countdown_text(seconds: float) -> str:
    return format_clock(math.ceil(seconds - 1e-6))


class PlayerScreen(Screen[None]):
    DEFAULT_CSS = """
    PlayerScreen #how { width: 1fr; height: 1fr; }
    PlayerScreen #instructions-box { height: 1fr; scrollbar-size-vertical: 1; }
    PlayerScreen #instructions-box:focus { background: transparent; }
    PlayerScreen #more { height: auto; color: $accent; text-style: bold; }
    PlayerScreen #big-countdown { display: none; min-width: 16; }
    PlayerScreen.tall #big-countdown { display: block; }
    PlayerScreen.tall #countdown { display: none; }
    PlayerScreen.tall #rep { height: 5; }
    """
    BINDINGS = [
        # One key, two labels: the footer says what space will do now (check_action).
        Binding("space", "pause", "Pause"),
        Binding("space", "resume", "Resume"),
        Binding("n,right", "skip", "Next"),
        Binding("p,left", "step_back", "Back"),
        Binding("m", "mute", "Mute"),
        Binding("h", "hurt", "This hurts"),
        Binding("q", "ask_quit", "Quit"),
        Binding("question_mark", "help", "Keys"),
    ]

    def __init__(self, conductor: SessionConductor, started: list[Event] | None = None) -> None:
        """`conductor`: the session to play, already started by the app (its first cue sounds
        at the routine's first moment, not once this screen is drawn: issue 12); `started`:
        the events its start brought, drawn once the screen is."""
        super().__init__()
        self.conductor = conductor
        self._started = list(started or [])
        self._timer: Timer | None = None
        self._ended = False  # the app has been told; nothing moves any more
        self._instructions = ""  # shown now: a new text is shown from its top
        self._covered = False  # paused because another screen (the palette...) covers this

    @property
    def session(self) -> Session:
        return self.conductor.session

    def compose(self) -> ComposeResult:
        with Vertical(id="player"):
            with Horizontal(id="top"):
                yield Line(id="step-name")
                yield Line(id="step-count")
            with Horizontal(id="phase-row"):
                yield Line(id="phase")
                yield Line(id="where")
            with Horizontal(id="clock-row"):
                yield Digits("0:00", id="countdown")
                yield BigClock(id="big-countdown")
                yield Line(id="rep")
            yield Line(id="cue")
            with Horizontal(id="body"):
                with Vertical(id="how"):
                    # Instructions longer than the space scroll (↑↓), and say that more follows.
                    with VerticalScroll(id="instructions-box"):
                        yield Line(id="instructions")
                    yield Line(id="more")
                yield Line(id="figure")
            yield Line(id="next")
            yield RoutineBar(id="bar")
        yield Footer()

    def on_mount(self) -> None:
        box = self.query_one("#instructions-box", VerticalScroll)
        self.watch(box, "scroll_y", lambda _: self._show_more(), init=False)
        box.focus()  # ↑↓ scroll the instructions; every other key is the screen's
        started, self._started = self._started, []
        self._moved(started)

    def on_resize(self) -> None:
        # Small terminals keep what matters most: the step, the countdown, what is next;
        # big ones give the countdown the space.
        self.set_class(self.size.width < 70, "narrow")
        self.set_class(self.size.height < 20, "short")
        self.set_class(self.size.height >= 30 and self.size.width >= 90, "tall")
        self.call_after_refresh(self._show_more)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("pause", "resume"):
            return (self.session.state == "paused") == (action == "resume")
        return True

    def on_screen_suspend(self) -> None:
        """Any screen over the player (the command palette, a notice's screen) pauses the
        routine: nobody follows a countdown they cannot see. The questions pause it first
        themselves (_ask), and then this leaves it to them."""
        if self.live and self.session.state == "running":
            self.conductor.pause()
            self._covered = True
            self.schedule()

    def on_screen_resume(self) -> None:
        if self._covered and self.live:
            self._covered = False
            self.conductor.resume()
            self.show()
            self.schedule()
            self.refresh_bindings()

    def _show_more(self) -> None:
        """Say that the instructions go on below what is shown (or above, once scrolled)."""
        box = self.query_one("#instructions-box", VerticalScroll)
        below = box.scroll_y < box.max_scroll_y
        above = box.scroll_y > 0
        more = "↓ more below (↓ to read on)" if below else ("↑ more above" if above else "")
        self.query_one("#more", Line).show(more)

    # -- the clock ----------------------------------------------------------------------------

    @property
    def live(self) -> bool:
        """The session is being played here (running or paused), and not yet handed back."""
        return not self._ended and self.conductor.running

    def wake(self) -> None:
        """Bring the screen and the history up to the session's present."""
        self._timer = None
        if self.live and self.is_mounted:
            self._moved(self.conductor.update())

    def schedule(self) -> None:
        """Sleep until the next whole second or event; never poll."""
        self._stop_timer()
        delay = self.conductor.next_wait() if self.live else None
        if delay is not None:
            self._timer = self.set_timer(delay + WAKE_LATE, self.wake)

    def _stop_timer(self) -> None:
        if self._timer is not None:
            self._timer.stop()
            self._timer = None

    def _moved(self, events: list[Event]) -> None:
        """After the session moved (by itself or by a key): draw, then sleep again."""
        self.draw(events)
        self.show()
        self.schedule()

    def end(self, ending: Ending) -> None:
        """The session is over: stopped now (and saved so) unless it came to its end; the app
        is told, once, and shows what comes next."""
        if self._ended:
            return
        self._ended = True
        self._stop_timer()
        if self.conductor.running:
            self.conductor.stop(ending)
        self.post_message(SessionEnded(self.conductor, ending))

    # -- drawing ------------------------------------------------------------------------------

    def draw(self, events: list[Event]) -> None:
        """What the session's events look like: the conductor has already recorded, sounded
        and spoken them."""
        for event in events:
            if isinstance(event, CueDue) and event.cue.say:
                self.show_cue(event.cue.say)
            elif isinstance(event, SegmentStarted):
                self.show_cue("")
        if any(isinstance(e, SegmentStarted | SideChanged) for e in events):
            self.flash()
        if any(isinstance(e, Finished) for e in events):
            self.end("finished")

    def show(self) -> None:
        session = self.session
        segment = session.segment
        if segment is None or not self.live:
            return
        routine = session.routine
        step = routine.steps[segment.step]
        muted = self.conductor.muted
        self.query_one("#step-name", Line).show(segment.name)
        self.query_one("#step-count", Line).show(
            f"step {segment.step + 1} of {len(routine.steps)}" + ("  · muted" if muted else "")
        )
        label = phase_label(segment, step)
        if session.state == "paused":
            label = f"PAUSED · {label}"
        phase = self.query_one("#phase", Line)
        phase.show(label)
        phase.set_class(session.state == "paused", "paused")
        phase.set_class(segment.kind == "rest", "resting")
        self.query_one("#where", Line).show(where_label(segment))
        digits = self.query_one("#countdown", Digits)
        value = countdown_text(session.segment_remaining())
        if digits.value != value:
            digits.update(value)
        self.query_one("#big-countdown", BigClock).show(value, 2 if self.size.height >= 38 else 1)
        rep = session.rep_now()
        if rep is None:
            rep_text = ""
        else:
            number, reps, phase_name, left = rep
            rep_text = f"rep {number} of {reps}"
            if phase_name:
                rep_text += f"\n{phase_name.upper()} {math.ceil(left - 1e-6)}"
        self.query_one("#rep", Line).show(rep_text)
        instructions = self.query_one("#instructions", Line)
        text = (
            (step.instructions or "").strip()
            if segment.kind != "rest"
            else _rest_text(session, segment)
        )
        if text != self._instructions:
            self._instructions = text
            instructions.show(text)
            self.query_one("#instructions-box", VerticalScroll).scroll_home(animate=False)
            self.call_after_refresh(self._show_more)
        self.query_one("#figure", Line).show(step.illustration or "")
        self.query_one("#next", Line).show(_next_text(session))
        done = session.position / session.total_seconds if session.total_seconds else 1.0
        self.query_one("#bar", RoutineBar).set(done, f"{format_clock(session.remaining())} left")

    def show_cue(self, text: str) -> None:
        self.query_one("#cue", Line).show(text)

    def flash(self) -> None:
        row = self.query_one("#clock-row")
        row.add_class("flash")
        self.set_timer(0.4, lambda: row.remove_class("flash"))

    # -- keys ---------------------------------------------------------------------------------

    def action_pause(self) -> None:
        self.action_toggle_pause()

    def action_resume(self) -> None:
        self.action_toggle_pause()

    def action_toggle_pause(self) -> None:
        if self.live:
            self.conductor.toggle_pause()
            self.show()
            self.schedule()
            self.refresh_bindings()

    def action_skip(self) -> None:
        if self.live:
            self._moved(self.conductor.skip())

    def action_step_back(self) -> None:
        if self.live:
            self._moved(self.conductor.back())

    def action_mute(self) -> None:
        self.post_message(MuteChanged(self.conductor.toggle_mute()))
        self.show()

    def action_hurt(self) -> None:
        self.end("pain")

    def action_help(self) -> None:
        # Reading the keys should not cost a hold: the routine waits while the help is open.
        self._ask(HelpScreen(), lambda _: False)

    def action_ask_quit(self) -> None:
        self._ask(ConfirmQuit(), bool)

    def _ask(self, modal: ModalScreen[Any], ends: Callable[[Any], bool]) -> None:
        """Show a modal with the routine paused; go on afterwards unless `ends(answer)`."""
        if not self.live:
            return
        was_running = self.session.state == "running"
        self.conductor.pause()
        self.show()
        self.schedule()
        self.refresh_bindings()

        def answered(answer: object) -> None:
            if ends(answer):
                self.end("quit")
            elif was_running and self.live:
                self.conductor.resume()
                self.show()
                self.schedule()
                self.refresh_bindings()

        self.app.push_screen(modal, answered)


def _rest_text(session: Session, segment: Segment) -> str:
    following = session.next_segment
    if following is None:
        return "Breathe easily."
    step = session.routine.steps[following.step]
    if following.step == segment.step and following.side:
        return f"Breathe easily. Next: the {following.side.upper()} side."
    return f"Breathe easily. Next: {step.name}."


def _next_text(session: Session) -> str:
    following = session.next_segment
    if following is None:
        return "Next: the end"
    where = where_label(following)
    step = session.routine.steps[following.step]
    kind = phase_label(following, step).lower()
    return f"Next: {following.name} · {kind} {following.seconds}s" + (
        f" · {where}" if where else ""
    )
