"""What the chart screen draws, read from the history once: each day's pain with its improved
and flare days and the current episode's "clearly better" line, the function score (PSFS) with
each activity, and minutes per week by category; with a sentence for each, for screen readers
and for anyone who reads faster than they read a plot.

Pure and typed: no Textual, no plotting library. The history is read through
services/report_data.py's `gather` (the report's own reading, so the screen and the report
never disagree about a flare day); this module only shapes it for a terminal plot, whose
x axis is whole days counted from the first day shown.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from fractions import Fraction
from itertools import pairwise

from backroutine.core.categories import CATEGORIES
from backroutine.core.days import Day
from backroutine.core.function import (
    MEANINGFUL_CHANGE,
    Activity,
    ActivityRating,
    FunctionScore,
    mean,
    shown,
)
from backroutine.core.history.records import SessionRecord
from backroutine.core.words import minutes_number, minutes_of, plural
from backroutine.services.report_data import ReportData, ReportHistory, gather

# A tick label and the gap after it, in cells: "19 Oct" or "Oct 2026" and two spaces.
TICK_GAP = 2
# Steps between date ticks, in days, tried from the finest: labels are never closer than their
# width, so 365 days on 70 cells get a label a month or two, and 5 days get one a day.
DAY_STEPS = (1, 2, 7, 14)
MONTH_STEPS = (1, 2, 3, 6, 12)
WEEK_STEPS = (1, 2, 4, 8, 13, 26, 52)  # bars between labelled weeks: a month, a quarter...
MINUTE_STEPS = (5, 10, 15, 20, 30, 60, 90, 120, 180, 240, 300, 600)


@dataclass(frozen=True, slots=True)
class PainChart:
    days: tuple[Day, ...]  # every scored day shown, oldest first (flags from core/days.py)
    flare_days: tuple[date, ...]  # flare days, "this hurts" stops without a check-in too
    threshold: int | None  # the current episode's "clearly better" score (the unlock line)
    threshold_from: date | None  # the current episode's first day: where the line starts
    summary: str


@dataclass(frozen=True, slots=True)
class ActivityLine:
    name: str  # the person's words: data, never markup
    removed: bool
    ratings: tuple[tuple[date, int], ...]  # oldest first
    latest: int | None = None  # the latest rating ever (None: never rated)
    first: int | None = None  # the first in the current episode (current activities only)


@dataclass(frozen=True, slots=True)
class FunctionChart:
    named: bool  # any activity was ever named (else the section explains how to start)
    activities: tuple[ActivityLine, ...]  # current ones, and removed ones that were rated
    score: tuple[tuple[date, float], ...]  # the score as it stood on each day of a rating
    summary: str


@dataclass(frozen=True, slots=True)
class WeeksChart:
    weeks: tuple[date, ...]  # Mondays, oldest first; empty when no routine was played
    minutes: dict[str, tuple[float, ...]]  # category -> minutes each week, CATEGORIES first
    summary: str


@dataclass(frozen=True, slots=True)
class ChartsData:
    start: date  # the first day shown (the first record), the x axis' 0
    end: date  # today
    pain: PainChart
    function: FunctionChart
    weeks: WeeksChart


def load_charts(history: ReportHistory, now: datetime) -> ChartsData:
    """Everything the chart screen shows, from the first record to `now`'s date. Reads the
    history (slow for a long one: call it off the event loop)."""
    return charts_from(gather(history, now, None))


def charts_from(data: ReportData) -> ChartsData:
    return ChartsData(
        start=data.start,
        end=data.end,
        pain=pain_chart(data),
        function=function_chart(data),
        weeks=weeks_chart(data.sessions, data.start, data.end),
    )


# -- pain -----------------------------------------------------------------------------------


def pain_chart(data: ReportData) -> PainChart:
    flares = sorted({d.day for d in data.days if d.flare} | set(data.hurt_days))
    progress = data.progress
    started = progress.episode_started.date() if progress.episode_started else None
    threshold = progress.improved_at_or_below
    if not data.days:
        summary = "Pain: no check-ins yet."
        return PainChart((), tuple(flares), threshold, started, summary)
    last = data.days[-1]
    parts = [f"Pain: last {last.pain}/10 ({day_label(last.day)})"]
    if progress.baseline is not None and started is not None:
        parts[0] += f", started {progress.baseline}/10 ({day_label(started)})"
    if threshold is not None:
        better = sum(1 for d in data.days if d.improved and (not started or d.day >= started))
        parts.append(f"clearly better at {threshold} or below: {_count(better, 'day')}")
    parts.append(_count(len(flares), "flare day"))
    return PainChart(tuple(data.days), tuple(flares), threshold, started, "; ".join(parts) + ".")


# -- function (PSFS) ------------------------------------------------------------------------


def score_line(
    activities: Iterable[Activity], ratings: Iterable[ActivityRating]
) -> list[tuple[date, float]]:
    """The function score as it stood at the end of each day with a rating: the mean of the
    current activities' latest ratings up to then (so the line ends at today's score).
    core/function.py's rule, walked once through the ratings in time order."""
    current = {a.id for a in activities if a.current}
    latest: dict[int, int] = {}
    by_day: dict[date, Fraction] = {}
    for rating in sorted(ratings, key=lambda r: (r.at, r.id)):
        if rating.activity_id not in current:
            continue
        latest[rating.activity_id] = rating.score
        score = mean(list(latest.values()))
        if score is not None:
            by_day[rating.at.date()] = score  # a later rating that day replaces it
    return [(day, shown(score) or 0.0) for day, score in by_day.items()]


def function_chart(data: ReportData) -> FunctionChart:
    rated_ids = {r.activity_id for r in data.ratings}
    # Removed activities only when they were rated: a name given by mistake and removed at
    # once would be an empty line in the legend.
    listed = [a for a in data.activities if a.current or a.id in rated_ids]
    firsts = {s.name: s.first for s in data.function.activities}  # current names are unique
    lines = []
    for a in listed:
        rated = [r for r in data.all_ratings if r.activity_id == a.id]
        lines.append(
            ActivityLine(
                a.name,
                not a.current,
                tuple((r.at.date(), r.score) for r in data.ratings if r.activity_id == a.id),
                rated[-1].score if rated else None,
                firsts.get(a.name) if a.current else None,
            )
        )
    score = [(d, s) for d, s in score_line(data.activities, data.all_ratings) if d >= data.start]
    named = bool(data.activities)
    summary = function_summary(data.function, named)
    return FunctionChart(named, tuple(lines), tuple(score), summary)


def function_summary(function: FunctionScore, named: bool) -> str:
    """The score now and its change since the episode began; each activity's numbers are
    in the legend, beside its mark."""
    if not named:
        return "Function: no activities named yet."
    if function.score is None:
        return "Function: activities named, not rated yet."
    text = f"Function (PSFS): {_num(function.score)}/10 now"
    change = function.change
    if function.baseline is not None and change is not None:
        size = "a meaningful change" if function.meaningful else "not yet a meaningful change"
        text += (
            f", from {_num(function.baseline)} at this episode's start: {float(change):+.1f}, "
            f"{size} ({MEANINGFUL_CHANGE} points or more)"
        )
    return text + "."


# -- minutes per week -----------------------------------------------------------------------


def monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


def weekly_minutes(
    sessions: Sequence[SessionRecord], start: date, end: date
) -> tuple[list[date], dict[str, list[float]]]:
    """Mondays from `start`'s week to `end`'s, and each category's minutes of routines played
    in each week (time actually played, to 0.1 min). The known categories come first, in
    their order, even when empty (the same colours every time); any other after them."""
    weeks = [monday(start) + timedelta(weeks=i) for i in range((end - monday(start)).days // 7 + 1)]
    index = {w: i for i, w in enumerate(weeks)}
    minutes: dict[str, list[float]] = {c: [0.0] * len(weeks) for c in CATEGORIES}
    for s in sessions:
        i = index.get(monday(datetime.fromisoformat(s.started_at).date()))
        if i is not None:
            minutes.setdefault(s.category, [0.0] * len(weeks))[i] += s.active_seconds
    return weeks, {c: [minutes_of(m) for m in values] for c, values in minutes.items()}


def weeks_chart(sessions: Sequence[SessionRecord], start: date, end: date) -> WeeksChart:
    if not sessions:
        return WeeksChart((), {}, "Minutes per week: no routines played yet.")
    weeks, minutes = weekly_minutes(sessions, start, end)
    totals = [sum(week) for week in zip(*minutes.values(), strict=True)]
    by_category = ", ".join(
        f"{category} {minutes_number(sum(values))}"
        for category, values in minutes.items()
        if sum(values)
    )
    summary = (
        f"Minutes per week: {minutes_number(totals[-1])} this week, "
        f"{minutes_number(sum(totals) / len(totals))} a week "
        f"on average over {_count(len(weeks), 'week')}; in all: {by_category}."
    )
    return WeeksChart(tuple(weeks), {c: tuple(v) for c, v in minutes.items()}, summary)


# -- the date axis --------------------------------------------------------------------------


def day_label(day: date) -> str:
    return f"{day.day} {day:%b}"


def date_ticks(start: date, end: date, cells: int) -> list[tuple[int, str]]:
    """Ticks for a date axis `cells` wide from `start` to `end`: (days after start, label),
    as many as fit without two labels touching. Days ("19 Oct") a day, two days, a week
    (Mondays) or two apart; beyond that the first of every month or few ("Jan 2027" where a
    year begins and on the first tick, else "Feb")."""
    span = (end - start).days
    if span <= 0:
        return [(0, day_label(start))]
    per_cell = max(cells, 1) / span  # cells a day
    for step in DAY_STEPS:
        first = start if step < 7 else start + timedelta(days=-start.weekday() % 7)
        days = [first + timedelta(days=i) for i in range(0, (end - first).days + 1, step)]
        labels = [day_label(d) for d in days]
        widest = max((len(label) for label in labels), default=0)
        if labels and step * per_cell >= widest + TICK_GAP:  # (no Monday in a short span)
            return [((d - start).days, label) for d, label in zip(days, labels, strict=True)]
    months = _months(start, end)
    for step in MONTH_STEPS:
        chosen = [m for m in months if (m.year * 12 + m.month - 1) % step == 0]
        labels = _month_labels(chosen)
        width = max((len(label) for label in labels), default=0) + TICK_GAP
        apart = pairwise(chosen)
        if chosen and all((b - a).days * per_cell >= width for a, b in apart):
            return [((d - start).days, label) for d, label in zip(chosen, labels, strict=True)]
    return [(0, day_label(start)), (span, day_label(end))]  # a very narrow plot: the ends


def week_ticks(weeks: Sequence[date], cells: int) -> list[tuple[int, str]]:
    """Ticks for one bar a week, `cells` wide: (bar index, its Monday), every week or every
    few weeks, so that no two labels touch."""
    if not weeks:
        return []
    per_bar = max(cells, 1) / len(weeks)
    width = max(len(day_label(w)) for w in weeks) + TICK_GAP
    step = next((k for k in WEEK_STEPS if k * per_bar >= width), len(weeks))
    return [(i, day_label(weeks[i])) for i in range(0, len(weeks), step)]


def minute_ticks(top: float) -> list[int]:
    """Round steps from 0 to at least `top` minutes, 2 to 8 of them (not 22.8, 45.7...)."""
    step = next((s for s in MINUTE_STEPS if top <= s * 7), MINUTE_STEPS[-1])
    count = max(1, -(-int(top) // step))
    return [step * i for i in range(count + 1)]


def _months(start: date, end: date) -> list[date]:
    out = []
    day = date(start.year, start.month, 1)
    while day <= end:
        if day >= start:
            out.append(day)
        day = date(day.year + day.month // 12, day.month % 12 + 1, 1)
    return out


def _month_labels(months: Sequence[date]) -> list[str]:
    return [f"{m:%b %Y}" if i == 0 or m.month == 1 else f"{m:%b}" for i, m in enumerate(months)]


# -- words ----------------------------------------------------------------------------------


def _count(n: int, noun: str) -> str:
    return plural(n, noun)


def _num(value: Fraction) -> str:
    return f"{shown(value):g}"
