"""The desk-break timer on fake clocks: interval, sleep, snooze, skip, pause, working hours."""

from __future__ import annotations

from datetime import datetime, time, timedelta, timezone

import pytest

from backroutine.core.breaks import (
    EVERY_DAY,
    LOOK_EVERY,
    SLEEP_GAP,
    WEEKDAYS,
    BreakCounts,
    BreakTimer,
    WorkingHours,
    parse_working_hours,
)

CET = timezone(timedelta(hours=1))
MONDAY_9 = datetime(2026, 11, 23, 9, 0, tzinfo=CET)  # a Monday
HOUR = 3600.0
MINUTE = 60.0


class Clocks:
    """A fake monotonic clock and a fake wall clock, moved together or apart."""

    def __init__(self, wall: datetime = MONDAY_9, mono: float = 1000.0) -> None:
        self.mono = mono
        self.now = wall

    def clock(self) -> float:
        return self.mono

    def wall(self) -> datetime:
        return self.now

    def run(self, seconds: float) -> None:
        """Time passes with the machine awake."""
        self.mono += seconds
        self.now += timedelta(seconds=seconds)

    def suspend(self, seconds: float) -> None:
        """The machine sleeps where the monotonic clock stops (Linux, macOS)."""
        self.now += timedelta(seconds=seconds)

    def suspend_running(self, seconds: float) -> None:
        """The machine sleeps where the monotonic clock keeps running (Windows, BSDs)."""
        self.run(seconds)

    def timer(self, every: float = HOUR, **options: object) -> BreakTimer:
        return BreakTimer(every, clock=self.clock, wall=self.wall, **options)  # type: ignore[arg-type]


def follow(timer: BreakTimer, clocks: Clocks, seconds: float) -> int:
    """Be the client for `seconds`: sleep until next_wake(), look, again; breaks seen due."""
    end = clocks.mono + seconds
    seen = 0
    while clocks.mono < end:
        wake = timer.next_wake()
        clocks.run(max(0.0, min(wake, end) - clocks.mono))
        if timer.due():
            seen += 1
    return seen


# -- the interval -----------------------------------------------------------------------------


def test_a_break_is_due_after_the_interval_and_not_before() -> None:
    clocks = Clocks()
    timer = clocks.timer(50 * MINUTE)
    assert not timer.due()
    assert timer.remaining() == 50 * MINUTE
    clocks.run(20 * MINUTE)
    assert timer.remaining() == 30 * MINUTE
    clocks.run(30 * MINUTE - 0.5)
    assert not timer.due()
    assert timer.remaining() == pytest.approx(0.5)
    clocks.run(0.5)
    assert timer.due()
    assert timer.remaining() == 0.0
    clocks.run(5 * HOUR)  # nobody answers: still the one break
    assert timer.due()
    assert timer.counts == BreakCounts(0, 0, 0)


def test_next_wake_is_the_due_moment_or_a_minute_away() -> None:
    clocks = Clocks()
    timer = clocks.timer(HOUR)
    assert timer.next_wake() == clocks.mono + LOOK_EVERY
    follow(timer, clocks, HOUR - 10)
    assert timer.next_wake() == clocks.mono + 10
    clocks.run(10)
    assert timer.due()
    assert timer.next_wake() == clocks.mono + LOOK_EVERY  # due until answered: no busy loop


def test_a_client_following_next_wake_sees_the_break_on_time() -> None:
    clocks = Clocks()
    timer = clocks.timer(HOUR)
    began = clocks.mono
    while not timer.due():
        clocks.run(timer.next_wake() - clocks.mono)
    assert clocks.mono - began == pytest.approx(HOUR)


def test_taken_restarts_the_interval_from_now() -> None:
    clocks = Clocks()
    timer = clocks.timer(HOUR)
    clocks.run(HOUR + 7 * MINUTE)  # answered late
    timer.taken()
    assert not timer.due()
    assert timer.remaining() == HOUR
    clocks.run(20 * MINUTE)
    timer.taken()  # got up early: counts, and restarts too
    assert timer.remaining() == HOUR
    assert timer.counts == BreakCounts(taken=2)


def test_skipped_restarts_the_interval_from_now() -> None:
    clocks = Clocks()
    timer = clocks.timer(HOUR)
    clocks.run(HOUR)
    timer.skipped()
    assert not timer.due()
    clocks.run(HOUR - 1)
    assert not timer.due()
    clocks.run(1)
    assert timer.due()
    assert timer.counts == BreakCounts(skipped=1)


@pytest.mark.parametrize("every", [0, -5, float("nan"), float("inf"), True, "3600", None])
def test_a_bad_interval_is_refused(every: object) -> None:
    with pytest.raises(ValueError, match="every must be a number of seconds above 0"):
        Clocks().timer(every)  # type: ignore[arg-type]


# -- snooze -----------------------------------------------------------------------------------


def test_snooze_five_then_ten_minutes() -> None:
    clocks = Clocks()
    timer = clocks.timer(HOUR)
    assert timer.snooze_choices == (300.0, 600.0)
    clocks.run(HOUR)
    assert timer.due()
    timer.snooze(timer.snooze_choices[0])
    assert not timer.due()
    assert timer.remaining() == 5 * MINUTE
    clocks.run(5 * MINUTE - 1)
    assert not timer.due()
    clocks.run(1)
    assert timer.due()
    timer.snooze(timer.snooze_choices[1])
    assert timer.remaining() == 10 * MINUTE
    assert follow(timer, clocks, 10 * MINUTE) == 1
    timer.taken()
    assert timer.remaining() == HOUR  # after a snooze, the full interval again
    assert timer.counts == BreakCounts(taken=1, snoozed=2)


@pytest.mark.parametrize("seconds", [0, -60, float("nan"), False])
def test_a_bad_snooze_is_refused_and_changes_nothing(seconds: float) -> None:
    clocks = Clocks()
    timer = clocks.timer(HOUR)
    clocks.run(HOUR)
    with pytest.raises(ValueError, match="snooze must be a number of seconds above 0"):
        timer.snooze(seconds)
    assert timer.due()
    assert timer.counts.snoozed == 0


def test_snooze_choices_can_be_chosen_and_are_checked() -> None:
    assert Clocks().timer(snooze_choices=(120, 900)).snooze_choices == (120.0, 900.0)
    assert Clocks().timer(snooze_choices=()).snooze_choices == ()
    with pytest.raises(ValueError, match="a snooze choice"):
        Clocks().timer(snooze_choices=(300, 0))


# -- pause ------------------------------------------------------------------------------------


def test_pause_freezes_the_countdown_and_resume_goes_on() -> None:
    clocks = Clocks()
    timer = clocks.timer(HOUR)
    clocks.run(10 * MINUTE)
    timer.pause()
    timer.pause()  # twice is once
    assert timer.paused
    clocks.run(3 * HOUR)
    assert not timer.due()
    assert timer.remaining() == 50 * MINUTE
    assert timer.next_wake() == clocks.mono + LOOK_EVERY
    timer.resume()
    timer.resume()
    assert not timer.paused
    assert follow(timer, clocks, 50 * MINUTE - 1) == 0
    assert follow(timer, clocks, 1) == 1


def test_a_due_break_waits_while_paused() -> None:
    clocks = Clocks()
    timer = clocks.timer(HOUR)
    clocks.run(HOUR)
    timer.pause()
    assert not timer.due()
    clocks.run(HOUR)
    timer.resume()
    assert timer.due()  # still the one break, not two


# -- sleep ------------------------------------------------------------------------------------


def test_a_long_suspend_does_not_count_and_brings_exactly_one_break() -> None:
    clocks = Clocks()
    timer = clocks.timer(HOUR, hours=None)
    clocks.run(HOUR - 10)
    assert follow(timer, clocks, 0) == 0
    clocks.suspend(10 * HOUR)  # monotonic stopped, the wall ran on
    assert timer.remaining() == pytest.approx(10)  # the night did not count
    assert timer.slept == pytest.approx(10 * HOUR)
    clocks.run(10)
    assert timer.due()
    timer.taken()
    assert follow(timer, clocks, HOUR - 1) == 0  # no second break queued behind it
    assert timer.remaining() == pytest.approx(1)


def test_a_break_due_before_a_suspend_is_due_once_after_it() -> None:
    clocks = Clocks()
    timer = clocks.timer(HOUR)
    clocks.run(HOUR)
    assert timer.due()
    clocks.suspend(3 * 24 * HOUR)
    assert timer.due()
    timer.taken()
    assert not timer.due()
    assert timer.remaining() == HOUR


def test_a_wall_jump_beyond_monotonic_time_is_sleep() -> None:
    clocks = Clocks()
    timer = clocks.timer(HOUR)
    clocks.run(20 * MINUTE)
    assert timer.remaining() == 40 * MINUTE
    clocks.mono += 30  # the monotonic clock saw 30 s; the wall, three hours
    clocks.now += timedelta(hours=3)
    assert not timer.due()
    assert timer.remaining() == pytest.approx(40 * MINUTE - 30)
    assert timer.slept == pytest.approx(3 * HOUR - 30)


def test_a_sleep_the_monotonic_clock_counted_is_caught_by_the_late_look() -> None:
    clocks = Clocks()
    timer = clocks.timer(HOUR)
    follow(timer, clocks, 20 * MINUTE)
    wake = timer.next_wake()  # asks for a look a minute from now...
    assert wake == clocks.mono + LOOK_EVERY
    clocks.run(15)
    assert timer.remaining() == pytest.approx(40 * MINUTE - 15)
    clocks.suspend_running(5 * HOUR)  # ...and both clocks ran on through a suspend
    assert not timer.due()  # no break for the hours asleep, let alone five
    assert timer.remaining() == pytest.approx(40 * MINUTE - LOOK_EVERY)
    assert timer.slept == pytest.approx(5 * HOUR + 15 - LOOK_EVERY)
    assert follow(timer, clocks, 39 * MINUTE - 1) == 0  # 20 + 1 minutes were counted
    assert follow(timer, clocks, 1) == 1


def test_a_look_a_little_late_is_not_sleep() -> None:
    clocks = Clocks()
    timer = clocks.timer(HOUR)
    timer.next_wake()
    clocks.run(LOOK_EVERY + SLEEP_GAP)  # late, but within the allowance
    assert timer.remaining() == HOUR - LOOK_EVERY - SLEEP_GAP
    clocks.mono += 100  # the wall clock set back, or drifting: not sleep either
    clocks.now -= timedelta(minutes=30)
    assert timer.remaining() == HOUR - LOOK_EVERY - SLEEP_GAP - 100
    clocks.now += timedelta(seconds=SLEEP_GAP)  # ... nor a small step forward
    assert timer.remaining() == HOUR - LOOK_EVERY - SLEEP_GAP - 100
    assert timer.slept == 0


def test_next_wake_promises_a_look_once() -> None:
    clocks = Clocks()
    timer = clocks.timer(HOUR)
    wake = timer.next_wake()
    clocks.run(2 * HOUR)  # asked when to look, then did not: taken as asleep past the promise
    assert timer.remaining() == HOUR - LOOK_EVERY
    assert timer.slept == 2 * HOUR - LOOK_EVERY
    assert wake == 1000.0 + LOOK_EVERY
    clocks.run(HOUR)  # the promise was used up by that look: this time counts
    assert timer.due()


def test_without_next_wake_all_monotonic_time_counts() -> None:
    clocks = Clocks()
    timer = clocks.timer(HOUR)
    clocks.run(2 * HOUR)  # a client that never asked when to look
    assert timer.due()
    assert timer.slept == 0


# -- working hours ----------------------------------------------------------------------------

OFFICE = WorkingHours(time(9), time(17, 30))


def test_working_hours_contain_their_days_and_times() -> None:
    assert OFFICE.weekdays == WEEKDAYS
    assert OFFICE.contains(MONDAY_9)
    assert OFFICE.contains(MONDAY_9.replace(hour=17, minute=29, second=59))
    assert not OFFICE.contains(MONDAY_9.replace(hour=17, minute=30))
    assert not OFFICE.contains(MONDAY_9.replace(hour=8, minute=59))
    assert not OFFICE.contains(MONDAY_9 + timedelta(days=5))  # Saturday
    assert not OFFICE.contains(MONDAY_9 + timedelta(days=6))  # Sunday
    assert OFFICE.contains(datetime(2026, 11, 27, 12, 0))  # a naive Friday noon
    assert OFFICE.shift_start(MONDAY_9.replace(hour=13)) == MONDAY_9


def test_hours_past_midnight_belong_to_the_day_they_started() -> None:
    nights = WorkingHours(time(22), time(6), frozenset({0, 1, 2, 3, 4}))
    friday_night = datetime(2026, 11, 27, 23, 0, tzinfo=CET)
    assert nights.contains(friday_night)
    assert nights.contains(friday_night + timedelta(hours=6, minutes=59))  # Saturday 05:59
    assert not nights.contains(friday_night + timedelta(hours=7))
    assert not nights.contains(friday_night + timedelta(days=1))  # Saturday night
    assert nights.contains(datetime(2026, 11, 24, 3, 0, tzinfo=CET))  # Monday night, Tuesday 3am
    assert not nights.contains(datetime(2026, 11, 23, 3, 0, tzinfo=CET))  # Sunday night's
    assert nights.shift_start(friday_night + timedelta(hours=4)) == friday_night - timedelta(
        hours=1
    )
    to_midnight = WorkingHours(time(18), time(0), EVERY_DAY)
    assert to_midnight.contains(MONDAY_9.replace(hour=23, minute=59))
    assert not to_midnight.contains(MONDAY_9.replace(hour=0, minute=0))


@pytest.mark.parametrize(
    ("arguments", "words"),
    [
        ((time(9), time(9)), "same time"),
        ((time(9), "17:30"), "end must be a time of day"),
        ((time(9, tzinfo=CET), time(17)), "start must be a time of day without a zone"),
        ((time(9), time(17), frozenset()), "at least one"),
        ((time(9), time(17), frozenset({7})), "at least one of 0"),
        ((time(9), time(17), "mon"), "weekdays must be a set"),
    ],
)
def test_bad_working_hours_are_refused(arguments: tuple[object, ...], words: str) -> None:
    with pytest.raises(ValueError, match=words):
        WorkingHours(*arguments)  # type: ignore[arg-type]


def test_outside_working_hours_nothing_is_due_and_it_restarts_at_their_start() -> None:
    clocks = Clocks(MONDAY_9.replace(hour=16, minute=50))
    timer = clocks.timer(HOUR, hours=OFFICE)
    assert timer.in_hours()
    assert follow(timer, clocks, 40 * MINUTE) == 0  # 17:30, 20 minutes short of a break
    assert not timer.in_hours()
    assert follow(timer, clocks, 20 * MINUTE) == 0  # 17:50: it would have been due
    assert timer.remaining() == HOUR
    assert timer.next_wake() <= clocks.mono + LOOK_EVERY
    follow(timer, clocks, (15 * HOUR + 10 * MINUTE) - 1)  # to 08:59:59 on Tuesday
    assert not timer.in_hours()
    assert timer.remaining() == HOUR
    assert follow(timer, clocks, HOUR) == 0  # 09:59:59
    assert timer.in_hours()
    assert timer.remaining() == pytest.approx(1)  # counted from 09:00, not from the first look
    assert follow(timer, clocks, 1) == 1


def test_a_break_due_at_the_end_of_the_day_is_dropped() -> None:
    clocks = Clocks(MONDAY_9.replace(hour=16, minute=20))
    timer = clocks.timer(HOUR, hours=OFFICE)
    clocks.run(HOUR)  # due at 17:20, and nobody answers
    assert timer.due()
    clocks.run(11 * MINUTE)
    assert not timer.due()
    clocks.run(15 * HOUR + 29 * MINUTE)  # Tuesday 09:00
    assert not timer.due()
    assert timer.remaining() == HOUR


def test_sleeping_through_the_night_restarts_at_the_start_of_hours() -> None:
    clocks = Clocks(MONDAY_9.replace(hour=17))
    timer = clocks.timer(HOUR, hours=OFFICE)
    clocks.run(5 * MINUTE)
    timer.remaining()
    clocks.suspend(16 * HOUR + 25 * MINUTE)  # lid closed at 17:05, opened at 09:30
    clocks.run(20)
    assert timer.in_hours()
    assert timer.remaining() == pytest.approx(HOUR - 20)  # yesterday's 5 minutes are gone
    assert timer.slept == pytest.approx(16 * HOUR + 25 * MINUTE)


def test_the_weekend_is_excluded() -> None:
    friday = MONDAY_9 + timedelta(days=4)
    clocks = Clocks(friday.replace(hour=17))
    timer = clocks.timer(HOUR, hours=OFFICE)
    assert follow(timer, clocks, 2 * 24 * HOUR + 16 * HOUR) == 0  # to Monday 09:00
    assert timer.remaining() == HOUR
    assert follow(timer, clocks, HOUR) == 1  # Monday 10:00
    saturday = Clocks(MONDAY_9 + timedelta(days=5))
    everyday = saturday.timer(HOUR, hours=WorkingHours(time(9), time(17, 30), EVERY_DAY))
    assert follow(everyday, saturday, HOUR) == 1


def test_a_timer_made_outside_hours_starts_counting_with_them() -> None:
    clocks = Clocks(MONDAY_9.replace(hour=7))
    timer = clocks.timer(30 * MINUTE, hours=OFFICE)
    assert not timer.in_hours()
    assert follow(timer, clocks, 2 * HOUR + 29 * MINUTE) == 0  # 09:29
    assert follow(timer, clocks, MINUTE) == 1


def test_naive_local_wall_times_work_too() -> None:
    clocks = Clocks(datetime(2026, 11, 23, 9, 0))
    timer = clocks.timer(HOUR, hours=OFFICE)
    assert follow(timer, clocks, HOUR) == 1


# -- parsing working hours --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "start", "end", "days"),
    [
        ("9-17:30", time(9), time(17, 30), WEEKDAYS),
        ("09:00-17:30", time(9), time(17, 30), WEEKDAYS),
        ("  8:15 – 16:45 ", time(8, 15), time(16, 45), WEEKDAYS),
        ("9-17,mon-fri", time(9), time(17), WEEKDAYS),
        ("9-17, every day", time(9), time(17), EVERY_DAY),
        ("9-17,Every  Day", time(9), time(17), EVERY_DAY),
        ("9-17,daily", time(9), time(17), EVERY_DAY),
        ("9-17,weekdays", time(9), time(17), WEEKDAYS),
        ("10-16,weekend", time(10), time(16), frozenset({5, 6})),
        ("9-13,mon,wed,fri", time(9), time(13), frozenset({0, 2, 4})),
        ("9-13,Monday - Thursday", time(9), time(13), frozenset({0, 1, 2, 3})),
        ("9-13,tues,thurs", time(9), time(13), frozenset({1, 3})),
        ("8-16,sun-thu", time(8), time(16), frozenset({6, 0, 1, 2, 3})),
        ("22-6", time(22), time(6), WEEKDAYS),
        ("18-0,every day", time(18), time(0), EVERY_DAY),
        ("0:00-23:59,sat", time(0), time(23, 59), frozenset({5})),
    ],
)
def test_working_hours_are_parsed(text: str, start: time, end: time, days: frozenset[int]) -> None:
    hours = parse_working_hours(text)
    assert hours == WorkingHours(start, end, days)
    assert parse_working_hours(str(hours)) == hours


def test_working_hours_read_back_as_text() -> None:
    assert str(parse_working_hours("9-17:30")) == "09:00-17:30,mon-fri"
    assert str(parse_working_hours("9-17,daily")) == "09:00-17:00,every day"
    assert str(parse_working_hours("9-17,sun-tue,thu")) == "09:00-17:00,mon-tue,thu,sun"


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("", "working hours are empty"),
        ("   ", "working hours are empty"),
        ("9", "must look like"),
        ("nine-five", "must look like"),
        ("9-17-18", "must look like"),
        ("9:5-17", "must look like"),
        ("9.30-17", "must look like"),
        ("9am-5pm", "must look like"),
        ("25-17", "25 is not an hour of the day"),
        ("9-24", "24 is not an hour of the day"),
        ("9:60-17", "60 is not a minute"),
        ("9-9", "start and end at the same time"),
        ("09:00-9", "start and end at the same time"),
        ("9-17,", "no days after the comma"),
        ("9-17,funday", "'funday' is not a day of the week"),
        ("9-17,mo", "'mo' is not a day of the week"),
        ("9-17,mon-", "an empty day is not a day of the week"),
        ("9-17,mon,,fri", "an empty day"),
        (None, "working hours must be text"),
    ],
)
def test_bad_working_hours_text_is_refused(text: str, words: str) -> None:
    with pytest.raises(ValueError, match=words):
        parse_working_hours(text)
