"""A session: walking a routine's timeline in real time.

Time comes from an injected monotonic clock, and everything is derived from it: the position
in the routine is `now - origin` while running, so however late a frame comes, nothing drifts
(a 20 s routine ends 20 s after it starts). Pausing freezes the position; resuming moves the
origin. Skip and back jump the position to a step's start.

Every moment something happens (a segment starts, a rep or tempo phase begins, a cue is due,
the last three seconds before a bout, the end) is scheduled once, up front, at its position in
the routine. `update()` returns the events the position has passed since the last call, in
order; clients turn them into sound and pixels. The engine itself never sleeps, prints or plays.
"""

from __future__ import annotations

import bisect
import math
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from backroutine.core.model import TEMPO_PHASES, Cue, Routine, Side
from backroutine.core.outcome import Ending, ending
from backroutine.core.timeline import Segment, Timeline, expand

Clock = Callable[[], float]
State = Literal["ready", "running", "paused", "finished"]

BACK_RESTARTS_AFTER = 3.0  # seconds into a step after which "back" restarts it
COUNTDOWN_FROM = 3  # 3-2-1 ticks before a bout starts


# -- events --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SegmentStarted:
    index: int
    segment: Segment


@dataclass(frozen=True, slots=True)
class SideChanged:
    side: Side
    segment: Segment


@dataclass(frozen=True, slots=True)
class CountdownTick:
    seconds_left: int  # 3, 2, 1
    segment: Segment


@dataclass(frozen=True, slots=True)
class RepStarted:
    rep: int  # 1-based
    reps: int
    segment: Segment


@dataclass(frozen=True, slots=True)
class PhaseStarted:
    rep: int
    reps: int
    phase: str  # up, hold, down, pause
    seconds: int
    segment: Segment


@dataclass(frozen=True, slots=True)
class CueDue:
    cue: Cue
    segment: Segment


@dataclass(frozen=True, slots=True)
class StepDone:
    step: int  # index of the step whose last bout was played to its end


@dataclass(frozen=True, slots=True)
class Finished:
    completed: bool  # False when stopped before the end, or skipped past the last step
    # How the session counts (core/outcome.py): a routine played to its end after skipping
    # most of it is "skipped", not "completed". Set when the event is handed out.
    ending: Ending = "completed"


Event = (
    SegmentStarted
    | SideChanged
    | CountdownTick
    | RepStarted
    | PhaseStarted
    | CueDue
    | StepDone
    | Finished
)

# Events that close something (a step, a bout) sort before those that open the next thing at
# the same moment, and are passed over when a jump lands exactly there.
_CLOSING, _OPENING, _LAST = 0, 1, 2


@dataclass(frozen=True, slots=True)
class _Scheduled:
    at: float
    rank: int
    order: int
    event: Event

    @property
    def key(self) -> tuple[float, int, int]:
        return (self.at, self.rank, self.order)


def schedule(routine: Routine, timeline: Timeline) -> list[_Scheduled]:
    """Every event of a routine at its position, in the order they happen."""
    out: list[_Scheduled] = []

    def add(at: float, rank: int, event: Event) -> None:
        out.append(_Scheduled(at, rank, len(out), event))

    segments = timeline.segments
    for index, segment in enumerate(segments):
        step = routine.steps[segment.step]
        previous = segments[index - 1] if index else None
        switch = (  # the side this segment switches to, if it does
            segment.side
            if previous is not None
            and previous.step == segment.step
            and previous.side not in (None, segment.side)
            else None
        )
        # Sides switch in the rest between two bouts, which starts first (the switch is said
        # instead of it); with no rest (`rest: 0`) the switch comes before the bout it opens.
        if switch is not None and segment.kind == "work":
            add(segment.start, _OPENING, SideChanged(switch, segment))
        add(segment.start, _OPENING, SegmentStarted(index, segment))
        if switch is not None and segment.kind != "work":
            add(segment.start, _OPENING, SideChanged(switch, segment))
        if segment.kind in ("get_ready", "rest"):
            for left in range(min(COUNTDOWN_FROM, segment.seconds - 1), 0, -1):
                add(segment.end - left, _OPENING, CountdownTick(left, segment))
        if segment.kind == "work" and step.kind == "reps" and step.reps:
            pace = step.rep_pace
            names = TEMPO_PHASES.get(len(step.tempo or ()), ())
            for rep in range(step.reps):
                at = segment.start + rep * pace
                add(at, _OPENING, RepStarted(rep + 1, step.reps, segment))
                for name, seconds in zip(names, step.tempo or (), strict=False):
                    if seconds:
                        add(at, _OPENING, PhaseStarted(rep + 1, step.reps, name, seconds, segment))
                    at += seconds
        if segment.kind == "work" or step.kind == "rest":
            for cue in step.cues:
                offset = min(max(cue.offset(segment.seconds), 0.0), segment.seconds)
                rank = _CLOSING if offset >= segment.seconds else _OPENING
                add(segment.start + offset, rank, CueDue(cue, segment))
        following = segments[index + 1] if index + 1 < len(segments) else None
        if following is None or following.step != segment.step:
            add(segment.end, _CLOSING, StepDone(segment.step))
    add(timeline.total_seconds, _LAST, Finished(True))
    out.sort(key=lambda s: s.key)
    return out


# -- the session -----------------------------------------------------------------------------


class Session:
    def __init__(
        self, routine: Routine, *, clock: Clock = time.monotonic, timeline: Timeline | None = None
    ) -> None:
        self.routine = routine
        self.timeline = timeline or expand(routine)
        self.clock = clock
        self.state: State = "ready"
        self.completed = False  # played to its end (not stopped, not skipped past the last step)
        self.reached_end = False  # its end was reached, played or skipped to
        self._events = schedule(routine, self.timeline)
        self._keys = [e.key for e in self._events]
        self._next = 0  # index of the first event not yet returned
        self._origin = 0.0  # clock time at which the routine's position was 0
        self._frozen = 0.0  # the position while paused (or finished)
        self._active = 0.0  # seconds played before the current run
        self._run_since = 0.0
        self._segment_index = 0
        self._steps_done: set[int] = set()
        self._step_starts = self._first_segment_of_each_step()

    def _first_segment_of_each_step(self) -> dict[int, int]:
        starts: dict[int, int] = {}
        for index, segment in enumerate(self.timeline.segments):
            starts.setdefault(segment.step, index)
        return starts

    # -- what clients read --------------------------------------------------------------

    @property
    def total_seconds(self) -> int:
        return self.timeline.total_seconds

    @property
    def position(self) -> float:
        """Seconds into the routine."""
        if self.state == "running":
            return min(self.clock() - self._origin, float(self.total_seconds))
        return self._frozen

    @property
    def segment(self) -> Segment | None:
        segments = self.timeline.segments
        return segments[self._segment_index] if segments else None

    @property
    def next_segment(self) -> Segment | None:
        segments = self.timeline.segments
        index = self._segment_index + 1
        return segments[index] if index < len(segments) else None

    def segment_remaining(self) -> float:
        segment = self.segment
        if segment is None or self.state == "finished":
            return 0.0
        return max(0.0, segment.end - self.position)

    def segment_elapsed(self) -> float:
        segment = self.segment
        return 0.0 if segment is None else max(0.0, self.position - segment.start)

    def remaining(self) -> float:
        return max(0.0, self.total_seconds - self.position)

    @property
    def active_seconds(self) -> float:
        """Seconds actually played: paused time never counts."""
        if self.state == "running":
            return self._active + (self.clock() - self._run_since)
        return self._active

    @property
    def steps_done(self) -> int:
        return len(self._steps_done)

    @property
    def ending(self) -> Ending:
        """completed, skipped or stopped (core/outcome.py); stopped while not finished."""
        return ending(
            reached_end=self.reached_end,
            active_seconds=self.active_seconds,
            planned_seconds=float(self.total_seconds),
        )

    @property
    def steps_total(self) -> int:
        return len(self.routine.steps)

    def rep_now(self) -> tuple[int, int, str | None, float] | None:
        """(rep, reps, phase or None, seconds left in the phase or rep) during a reps bout."""
        segment = self.segment
        if segment is None or segment.kind != "work":
            return None
        step = self.routine.steps[segment.step]
        if step.kind != "reps" or not step.reps:
            return None
        into = min(self.segment_elapsed(), segment.seconds - 1e-9)
        pace = step.rep_pace
        rep = min(int(into // pace), step.reps - 1)
        within = into - rep * pace
        if step.tempo:
            names = TEMPO_PHASES[len(step.tempo)]
            at = 0.0
            for name, seconds in zip(names, step.tempo, strict=True):
                if within < at + seconds:
                    return rep + 1, step.reps, name, at + seconds - within
                at += seconds
        return rep + 1, step.reps, None, pace - within

    def next_wake(self) -> float | None:
        """The clock time of the next moment a client needs to look: the next event, or the
        next whole second of the countdown. None when nothing will change by itself."""
        if self.state != "running":
            return None
        position = self.position
        candidates = [math.floor(position + 1e-9) + 1.0]
        if self._next < len(self._events):
            candidates.append(self._events[self._next].at)
        return self._origin + max(position, min(candidates))

    # -- what clients do ------------------------------------------------------------------

    def start(self) -> list[Event]:
        if self.state != "ready":
            return []
        now = self.clock()
        self.state = "running"
        self._origin = now
        self._run_since = now
        return self.update()

    def update(self) -> list[Event]:
        """Events passed since the last call, in order; finishes the session at the end."""
        if self.state != "running":
            return []
        now = self.clock()
        position = now - self._origin
        out: list[Event] = []
        while self._next < len(self._events) and self._events[self._next].at <= position:
            event = self._events[self._next].event
            self._next += 1
            if isinstance(event, SegmentStarted):
                self._segment_index = event.index
            elif isinstance(event, StepDone):
                self._steps_done.add(event.step)
            elif isinstance(event, Finished):
                overshoot = position - self.total_seconds
                self._finish(now - overshoot, completed=True)
                event = Finished(True, self.ending)
            out.append(event)
        return out

    def pause(self) -> None:
        if self.state == "running":
            now = self.clock()
            self._frozen = min(now - self._origin, float(self.total_seconds))
            self._active += now - self._run_since
            self.state = "paused"

    def resume(self) -> None:
        if self.state == "paused":
            now = self.clock()
            self._origin = now - self._frozen
            self._run_since = now
            self.state = "running"

    def toggle_pause(self) -> None:
        if self.state == "running":
            self.pause()
        else:
            self.resume()

    def skip(self) -> list[Event]:
        """To the start of the next step (the end, after the last)."""
        if self.state not in ("running", "paused"):
            return []
        step = self.segment.step if self.segment else 0
        following = [s for s in self._step_starts if s > step]
        if not following:
            return self._jump(float(self.total_seconds), finish=True)
        return self._jump(float(self.timeline.segments[self._step_starts[following[0]]].start))

    def back(self) -> list[Event]:
        """To the start of this step, or of the previous one when at most 3 s into this."""
        if self.state not in ("running", "paused"):
            return []
        step = self.segment.step if self.segment else 0
        start = self.timeline.segments[self._step_starts[step]].start
        if self.position - start <= BACK_RESTARTS_AFTER:
            earlier = [s for s in self._step_starts if s < step]
            if earlier:
                start = self.timeline.segments[self._step_starts[earlier[-1]]].start
        return self._jump(float(start))

    def stop(self) -> None:
        """End early (quit, pain, a signal): the session is over, not completed."""
        if self.state in ("running", "paused"):
            now = self.clock()
            if self.state == "running":
                self._frozen = min(now - self._origin, float(self.total_seconds))
            self._finish(now, completed=False)
        elif self.state == "ready":
            self.state = "finished"

    # -- inside ---------------------------------------------------------------------------

    def _jump(self, position: float, *, finish: bool = False) -> list[Event]:
        now = self.clock()
        if self.state == "running":
            self._origin = now - position
        else:
            self._frozen = position
        # Events at the landing point that close the previous thing are passed over.
        self._next = bisect.bisect_left(self._keys, (position, _OPENING, -1))
        if finish:
            self._next = len(self._events)
            self._frozen = position
            self._finish(now, completed=False)
            self.reached_end = True
            return [Finished(False, self.ending)]
        if self.state == "paused":
            # Show the new segment at once; its events come when play resumes.
            index = self._segment_at(position)
            self._segment_index = index
            events: list[Event] = []
            while self._next < len(self._events) and self._events[self._next].at <= position:
                event = self._events[self._next].event
                if isinstance(event, SegmentStarted):
                    events.append(event)
                self._next += 1
            return events
        return self.update()

    def _segment_at(self, position: float) -> int:
        starts = [s.start for s in self.timeline.segments]
        return max(0, bisect.bisect_right(starts, position) - 1)

    def excuse(self, seconds: float) -> None:
        """Count the last `seconds` as a pause, not as exercise (the process was stopped)."""
        if self.state == "running" and seconds > 0:
            self._origin += seconds
            self._run_since += seconds

    def _finish(self, now: float, *, completed: bool) -> None:
        if self.state == "running":
            self._active += now - self._run_since
            self._frozen = min(now - self._origin, float(self.total_seconds))
        self.state = "finished"
        self.completed = completed
        self.reached_end = self.reached_end or completed


# Real seconds past a client's planned wake after which the time is not counted: clients look
# at a running session at least once a second, so a longer gap means the process did not run
# (Ctrl-Z, SIGSTOP, a suspended machine), not that the person exercised to the timer.
STALL_AFTER = 2.0


class StallGuard:
    """Turns a stall of the process into a pause. A client says when it plans to look at the
    session again (`expect`, before it sleeps), and `check`s when it wakes: if it woke more than
    STALL_AFTER real seconds late, the lateness is excused. Real time and the session's clock
    are separate so that previews (--speed) and fake clocks in tests behave."""

    def __init__(
        self, session: Session, *, real: Clock = time.monotonic, limit: float = STALL_AFTER
    ) -> None:
        self.session = session
        self.real = real
        self.limit = limit
        self._due: tuple[float, float] | None = None  # (real, session clock) of the next look

    def expect(self, real_delay: float | None, session_at: float | None) -> None:
        """The client will look again in `real_delay` real seconds, at `session_at` on the
        session's clock (None: it waits for a key, with the session not running)."""
        if real_delay is None or session_at is None:
            self._due = None
        else:
            self._due = (self.real() + real_delay, session_at)

    def check(self) -> float:
        """Call on waking, before updating the session; the seconds excused (0 if none)."""
        due, self._due = self._due, None
        if due is None or self.real() - due[0] <= self.limit:
            return 0.0
        late = self.session.clock() - due[1]
        self.session.excuse(late)
        return max(late, 0.0)


def scaled_clock(factor: float, base: Clock = time.monotonic) -> Clock:
    """A clock running `factor` times faster than `base`: previews at --speed."""
    if factor == 1:
        return base
    start = base()
    return lambda: start + (base() - start) * factor
