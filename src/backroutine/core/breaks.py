"""Desk breaks: when to stand up and walk, counted down on a monotonic clock.

The advice for a sore lower back at a desk is to get up and move every hour or so. A BreakTimer
counts down to the next break; `backroutine breaks` asks it when to look again (next_wake),
whether a break is due, and tells it what the person did (taken, skipped, snoozed). Like the
session engine it never sleeps, prints or plays: time comes from an injected monotonic clock,
and the wall clock (local time) is read only for working hours and to notice sleep.

Counting. Only time the timer runs counts: not paused, inside the working hours when they are
set, the machine awake. It is kept as credit toward a target (the interval, or a snooze); once
the credit reaches the target a break is due, and it stays due, however long nobody looks, until
it is taken, skipped or snoozed. The credit never goes past the target, so at most one break is
ever due: a long sleep or a night away never brings a pile of them.

Working hours. Outside them nothing counts and nothing is due; a break still due (or snoozed)
when they end is dropped, and the interval starts afresh when they begin again (at their start,
even if the machine was asleep then and nobody looked).

Sleep. The time a machine spends suspended must not count: nobody sits at a closed laptop.
1. The monotonic clock: on Linux (CLOCK_MONOTONIC) and macOS it stops while the machine is
   suspended, so that time is never counted in the first place.
2. The wall clock: when it advanced more than SLEEP_GAP beyond the monotonic time since the last
   look, the machine slept (or the clock was set forward) without the monotonic clock counting
   it. The gap is sleep: added to `slept`, never to the interval. Only the monotonic time is
   counted, so a wall clock set forward or back by hand changes nothing either.
3. A late look: where the monotonic clock keeps running through suspend (Windows, the BSDs) both
   clocks advance together and only lateness shows the sleep. next_wake() never asks for a look
   more than LOOK_EVERY ahead; when the next look comes more than SLEEP_GAP after the moment
   asked for, the process was not running, and the time past that moment is sleep. So calling
   next_wake() promises a look by then (the promise ends with the first look at or after it);
   a client that never calls it promises nothing, and all its monotonic time counts.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, time, timedelta

Clock = Callable[[], float]
Wall = Callable[[], datetime]

LOOK_EVERY = 60.0  # next_wake() is never further ahead than this
SLEEP_GAP = 120.0  # a gap this much larger than expected is sleep
SNOOZE_CHOICES = (300, 600)  # 5 and 10 minutes
_EPSILON = 1e-6  # a sum of many small steps may fall a hair short of the target

WEEKDAYS = frozenset(range(5))  # Monday (0) to Friday (4)
EVERY_DAY = frozenset(range(7))
WEEKEND = frozenset({5, 6})
DAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_FULL_DAY_NAMES = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_DAY_SETS = {
    "every day": EVERY_DAY,
    "everyday": EVERY_DAY,
    "daily": EVERY_DAY,
    "all week": EVERY_DAY,
    "weekdays": WEEKDAYS,
    "workdays": WEEKDAYS,
    "weekend": WEEKEND,
    "weekends": WEEKEND,
}

_CLOCK_TEXT = r"(\d{1,2})(?::(\d{2}))?"
_RANGE = re.compile(rf"{_CLOCK_TEXT}\s*[-–]\s*{_CLOCK_TEXT}")
_EXAMPLE = 'like "9-17:30", "09:00-17:30,mon-fri" or "8-16,every day"'


# -- working hours ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class WorkingHours:
    """When breaks may come: from `start` to `end` (local time, end excluded) on `weekdays`
    (0 is Monday). An end before the start runs past midnight (22:00-06:00, or 18:00-00:00
    to midnight); the hours after midnight belong to the day they started on."""

    start: time
    end: time
    weekdays: frozenset[int] = WEEKDAYS

    def __post_init__(self) -> None:
        for name in ("start", "end"):
            value = getattr(self, name)
            if not isinstance(value, time) or value.tzinfo is not None:
                raise ValueError(
                    f"working hours' {name} must be a time of day without a zone, not {value!r}"
                )
        if self.start == self.end:
            raise ValueError(
                f"working hours cannot start and end at the same time ({self.start:%H:%M})"
            )
        days = self.weekdays
        if isinstance(days, str | bytes) or not isinstance(days, Iterable):
            raise ValueError(f"weekdays must be a set of 0 (Monday) to 6 (Sunday), not {days!r}")
        days = frozenset(days)
        if not days or not all(type(day) is int and 0 <= day <= 6 for day in days):
            raise ValueError(
                f"weekdays must be at least one of 0 (Monday) to 6 (Sunday), not {self.weekdays!r}"
            )
        object.__setattr__(self, "weekdays", days)

    def contains(self, moment: datetime) -> bool:
        """Whether `moment` (read in its own zone; naive is local time) is working time."""
        return self.shift_start(moment) is not None

    def shift_start(self, moment: datetime) -> datetime | None:
        """When the stretch of working hours that `moment` falls in began, in moment's zone;
        None outside working hours."""
        clock = moment.time()  # the wall time of day, without the zone
        day = moment.date()
        if self.start < self.end:
            inside = self.start <= clock < self.end
        elif clock >= self.start:
            inside = True
        else:  # after midnight: the hours began the day before
            inside = clock < self.end
            day -= timedelta(days=1)
        if not inside or day.weekday() not in self.weekdays:
            return None
        return datetime.combine(day, self.start, tzinfo=moment.tzinfo)

    def __str__(self) -> str:
        """As parse_working_hours reads it: "09:00-17:30,mon-fri"."""
        return f"{_clock_text(self.start)}-{_clock_text(self.end)},{_days_text(self.weekdays)}"


def parse_working_hours(text: str) -> WorkingHours:
    """Working hours from text such as "9-17:30" or "09:00-17:30" (Monday to Friday), with
    the days after a comma: "9-17,every day", "8-16:30,mon-thu", "9-13,mon,wed,fri",
    "22-6,sun-thu" (past midnight). ValueError saying what is wrong otherwise."""
    if not isinstance(text, str):
        raise ValueError(f"working hours must be text {_EXAMPLE}, not {text!r}")
    span, comma, days_text = text.partition(",")
    match = _RANGE.fullmatch(span.strip())
    if match is None:
        if not text.strip():
            raise ValueError(f"working hours are empty; write them {_EXAMPLE}")
        raise ValueError(f"working hours must look {_EXAMPLE}, not {text!r}")
    start = _parse_clock(match[1], match[2], text)
    end = _parse_clock(match[3], match[4], text)
    if start == end:
        raise ValueError(
            f"working hours {text!r} start and end at the same time; write them {_EXAMPLE}"
        )
    days = _parse_days(days_text, text) if comma else WEEKDAYS
    return WorkingHours(start, end, days)


def _parse_clock(hour_text: str, minute_text: str | None, whole: str) -> time:
    hour, minute = int(hour_text), int(minute_text or 0)
    if hour > 23:
        raise ValueError(
            f"{hour} is not an hour of the day (0 to 23; midnight is 0) in working hours {whole!r}"
        )
    if minute > 59:
        raise ValueError(f"{minute} is not a minute (00 to 59) in working hours {whole!r}")
    return time(hour, minute)


def _parse_days(text: str, whole: str) -> frozenset[int]:
    words = " ".join(text.lower().split())
    if not words:
        raise ValueError(
            f"no days after the comma in working hours {whole!r}; write them {_EXAMPLE}"
        )
    if words in _DAY_SETS:
        return _DAY_SETS[words]
    days: set[int] = set()
    for item in words.split(","):
        first, dash, last = item.partition("-")
        day = _parse_day(first, whole)
        days.add(day)
        if dash:
            final = _parse_day(last, whole)
            while day != final:  # mon-fri, or round the week's end: fri-mon, sun-thu
                day = (day + 1) % 7
                days.add(day)
    return frozenset(days)


def _parse_day(name: str, whole: str) -> int:
    name = name.strip()
    for number, full in enumerate(_FULL_DAY_NAMES):
        if len(name) >= 3 and full.startswith(name):
            return number
    shown = repr(name) if name else "an empty day"
    raise ValueError(
        f"{shown} is not a day of the week in working hours {whole!r}; use "
        f'{", ".join(DAY_NAMES)}, ranges such as mon-fri, or "every day"'
    )


def _clock_text(moment: time) -> str:
    return moment.strftime("%H:%M:%S" if moment.second else "%H:%M")


def _days_text(days: frozenset[int]) -> str:
    if days == EVERY_DAY:
        return "every day"
    runs: list[list[int]] = []
    for day in sorted(days):
        if runs and runs[-1][-1] == day - 1:
            runs[-1].append(day)
        else:
            runs.append([day])
    return ",".join(
        DAY_NAMES[run[0]] if len(run) == 1 else f"{DAY_NAMES[run[0]]}-{DAY_NAMES[run[-1]]}"
        for run in runs
    )


# -- the timer -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class BreakCounts:
    """What the person did with the breaks so far."""

    taken: int = 0
    skipped: int = 0
    snoozed: int = 0


_ALWAYS = datetime.min  # the one stretch of working time when no working hours are set


class BreakTimer:
    """Counts down to the next desk break on an injected monotonic clock, so time while the
    machine sleeps (the monotonic clock stops during suspend on Linux) does not count, and a
    long sleep never fires a pile of breaks: at most one break is ever due.

    Also detects a wall-clock jump much larger than the monotonic time passed, and a look that
    comes much later than next_wake() asked for, as sleep (see the module's docstring). `wall`
    gives local time (datetime.now().astimezone(), or naive local time) for the working hours.
    Every method looks at both clocks; the time since the last look is counted then."""

    def __init__(
        self,
        every: float,
        *,
        clock: Clock,
        wall: Wall,
        hours: WorkingHours | None = None,
        snooze_choices: Iterable[float] = SNOOZE_CHOICES,
    ) -> None:
        self.every = _positive("every", every)
        self.hours = hours
        self.snooze_choices = tuple(_positive("a snooze choice", s) for s in snooze_choices)
        self._clock = clock
        self._wall = wall
        self._target = self.every  # seconds of counted time from the last restart to the break
        self._credit = 0.0  # seconds counted since then, never more than the target
        self._paused = False
        self._promise: float | None = None  # the look next_wake() asked for, until it is due
        self._slept = 0.0
        self._taken = self._skipped = self._snoozed = 0
        moment = wall()
        self._last = clock()
        self._last_wall = moment.timestamp()
        self._shift = self._shift_of(moment)

    # -- what clients read --------------------------------------------------------------

    def due(self) -> bool:
        """A break is due now (and it is inside working hours, when they are set)."""
        self._look()
        return self._due_now()

    def remaining(self) -> float:
        """Seconds of counted time until the next break; 0 when one is due. Frozen while
        paused; the whole interval outside working hours (it starts afresh with them)."""
        self._look()
        return 0.0 if self._due_now() else max(0.0, self._target - self._credit)

    def next_wake(self) -> float:
        """The monotonic time to look again: the moment the break falls due, or a minute from
        now if that is sooner, and also while paused, outside working hours or with a break
        already due (it stays due until taken, skipped or snoozed). Call it only to schedule
        the next look: a look much later than asked is taken for sleep."""
        self._look()
        wake = self._last + LOOK_EVERY
        if not self._paused and self._shift is not None and not self._due_now():
            wake = self._last + min(max(0.0, self._target - self._credit), LOOK_EVERY)
        self._promise = wake
        return wake

    def in_hours(self) -> bool:
        """Whether it is working time now (always, without working hours)."""
        self._look()
        return self._shift is not None

    @property
    def paused(self) -> bool:
        return self._paused

    @property
    def counts(self) -> BreakCounts:
        return BreakCounts(self._taken, self._skipped, self._snoozed)

    @property
    def slept(self) -> float:
        """Seconds found asleep so far, none of them counted: the machine suspended, or the
        wall clock set forward, or a client not looking when next_wake() said it would."""
        return self._slept

    # -- what clients do ------------------------------------------------------------------

    def taken(self) -> None:
        """The break was taken (the routine played, or "I took it"): the interval restarts
        from now. Taking one early, before it is due, restarts it too."""
        self._look()
        self._taken += 1
        self._restart(self.every)

    def skipped(self) -> None:
        """The break was skipped: the interval restarts from now."""
        self._look()
        self._skipped += 1
        self._restart(self.every)

    def snooze(self, seconds: float) -> None:
        """Due again in `seconds` of counted time (usually one of snooze_choices)."""
        seconds = _positive("a snooze", seconds)
        self._look()
        self._snoozed += 1
        self._restart(seconds)

    def pause(self) -> None:
        """Stop the countdown (no break comes while paused); resume() goes on from there."""
        if not self._paused:
            self._look()
            self._paused = True

    def resume(self) -> None:
        if self._paused:
            self._look()
            self._paused = False

    # -- inside ---------------------------------------------------------------------------

    def _due_now(self) -> bool:
        return (
            not self._paused and self._shift is not None and self._credit >= self._target - _EPSILON
        )

    def _restart(self, target: float) -> None:
        self._target = target
        self._credit = 0.0

    def _shift_of(self, moment: datetime) -> datetime | None:
        return _ALWAYS if self.hours is None else self.hours.shift_start(moment)

    def _look(self) -> None:
        """Count the time since the last look, leaving out sleep; follow the working hours."""
        now = self._clock()
        moment = self._wall()
        ran = max(0.0, now - self._last)  # monotonic seconds since the last look
        walled = moment.timestamp() - self._last_wall  # wall seconds, the same stretch
        awake = ran
        promise = self._promise
        late = promise is not None and now > promise + SLEEP_GAP
        if promise is not None and late:
            awake = min(ran, max(0.0, promise - self._last))  # the rest, not running: sleep
        if promise is not None and now >= promise:
            self._promise = None  # kept (or broken): the next one comes with next_wake()
        if late or walled - ran > SLEEP_GAP:
            self._slept += max(0.0, walled - awake)
        self._last = now
        self._last_wall = moment.timestamp()

        shift = self._shift_of(moment)
        if shift is None:
            self._restart(self.every)  # nothing counts, and what was due is dropped
        elif shift != self._shift:
            # Working hours began since the last look: the interval runs from their start.
            self._restart(self.every)
            if not self._paused:
                since_start = max(0.0, (moment - shift).total_seconds())
                self._credit = min(awake, since_start, self._target)
        elif not self._paused:
            self._credit = min(self._credit + awake, self._target)
        self._shift = shift


def _positive(name: str, value: float) -> float:
    if (
        isinstance(value, bool)
        or not isinstance(value, int | float)
        or not math.isfinite(value)
        or value <= 0
    ):
        raise ValueError(f"{name} must be a number of seconds above 0, not {value!r}")
    return float(value)
