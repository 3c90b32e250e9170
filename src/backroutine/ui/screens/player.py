"""The player: the step, a big countdown, what to do, what comes next.

The screen only shows what the app tells it (attributes down): `show(session)` after every
wake-up, `show_cue(text)` when a cue fires. Keys go to the app's actions (messages up).
"""

from __future__ import annotations

import math

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Digits, Footer

from backroutine.core.announce import phase_label, where_label
from backroutine.core.durations import format_clock
from backroutine.core.engine import Session
from backroutine.ui.widgets import Line, RoutineBar


def countdown_text(seconds: float) -> str:
    return format_clock(math.ceil(seconds - 1e-6))


class PlayerScreen(Screen[None]):
    BINDINGS = [
        Binding("space", "app.toggle_pause", "Pause"),
        Binding("n,right", "app.skip", "Next"),
        Binding("p,left", "app.back", "Back"),
        Binding("m", "app.mute", "Mute"),
        Binding("h", "app.hurt", "This hurts"),
        Binding("q", "app.ask_quit", "Quit"),
        Binding("question_mark", "app.help", "Keys"),
    ]

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
                yield Line(id="rep")
            yield Line(id="cue")
            with Horizontal(id="body"):
                yield Line(id="instructions")
                yield Line(id="figure")
            yield Line(id="next")
            yield RoutineBar(id="bar")
        yield Footer()

    def on_resize(self) -> None:
        # Small terminals keep what matters most: the step, the countdown, what is next.
        self.set_class(self.size.width < 70, "narrow")
        self.set_class(self.size.height < 20, "short")

    def show(self, session: Session, *, muted: bool) -> None:
        segment = session.segment
        if segment is None:
            return
        routine = session.routine
        step = routine.steps[segment.step]
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
        rep = session.rep_now()
        if rep is None:
            rep_text = ""
        else:
            number, reps, phase_name, left = rep
            rep_text = f"rep {number} of {reps}"
            if phase_name:
                rep_text += f"\n{phase_name.upper()} {math.ceil(left - 1e-6)}"
        self.query_one("#rep", Line).show(rep_text)
        self.query_one("#instructions", Line).show(
            (step.instructions or "").strip() if segment.kind != "rest" else _rest_text(session)
        )
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


def _rest_text(session: Session) -> str:
    following = session.next_segment
    if following is None:
        return "Breathe easily."
    step = session.routine.steps[following.step]
    if following.step == session.segment.step and following.side:  # type: ignore[union-attr]
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
