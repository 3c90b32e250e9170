"""What the chart screen draws (services/charts_data.py), for a known history: flare days, the
"clearly better" line, the function score and each activity, minutes per week, the sentences
above the plots; and date ticks that never touch, at any width."""

from __future__ import annotations

from datetime import date, timedelta
from itertools import pairwise
from pathlib import Path

import pytest
from hypothesis import example, given
from hypothesis import strategies as st
from report_sample import NOW, START, make_sample_history

from backroutine.core.history import EmptyHistory, HistoryStore
from backroutine.services.charts_data import (
    TICK_GAP,
    ChartsData,
    date_ticks,
    day_label,
    load_charts,
    minute_ticks,
    week_ticks,
    weekly_minutes,
)
from backroutine.services.report import _score_line
from backroutine.services.report_data import gather

DAY0 = START.date()


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("sample")
    make_sample_history(path)
    return path


@pytest.fixture(scope="module")
def charts(folder: Path) -> ChartsData:
    with HistoryStore.open(folder) as store:
        return load_charts(store, NOW)


def test_the_period_runs_from_the_first_record_to_today(charts: ChartsData) -> None:
    assert (charts.start, charts.end) == (DAY0, NOW.date())


def test_flare_days_and_the_threshold_of_a_known_history(charts: ChartsData) -> None:
    pain = charts.pain
    # Pain 4, 3, 4 then 5 (1 above the usual level, the median 4: no flare since the rules'
    # version 3), 8 (spasms "more" and a session stopped because it hurt), 7 (2 above the
    # median of 4, 5, 8); then 6 is not.
    assert pain.flare_days == tuple(DAY0 + timedelta(days=d) for d in (16, 17))
    assert [d.day for d in pain.days if d.flare] == list(pain.flare_days)
    # Starting pain 7: clearly better at max(1, 7 - max(2, ceil(30% of 7))) = 4 or below.
    assert pain.threshold == 4
    assert pain.threshold_from == DAY0
    assert len(pain.days) == 35
    improved = [d for d in pain.days if d.improved]
    assert all(d.pain <= 4 and not d.flare for d in improved)
    assert improved[0].day == DAY0 + timedelta(days=8)  # the first 4
    assert len(improved) == 21


def test_the_pain_sentence(charts: ChartsData) -> None:
    assert charts.pain.summary == (
        "Pain: last 2/10 (22 Nov), started 7/10 (19 Oct); "
        "clearly better at 4 or below: 21 days; 2 flare days."
    )


def test_the_function_score_and_each_activity(charts: ChartsData) -> None:
    f = charts.function
    assert f.named
    assert [(a.name, a.removed, a.latest, a.first) for a in f.activities] == [
        ("gardening", True, 1, None),  # removed on the third day, rated once: kept, grey
        ("putting on socks", False, 8, 2),
        ("sitting for an hour", False, 7, 3),
        ("lifting my child", False, 6, 2),
    ]
    socks = f.activities[1].ratings
    assert socks[0] == (DAY0, 2) and socks[-1] == (DAY0 + timedelta(days=28), 8)
    # The current activities' mean as it stood each rating day; gardening counts for nothing.
    assert f.score == (
        (DAY0, 2.5),
        (DAY0 + timedelta(days=7), 3.3),
        (DAY0 + timedelta(days=14), 3.7),
        (DAY0 + timedelta(days=21), 5.3),
        (DAY0 + timedelta(days=28), 7.0),
    )
    assert f.summary == (
        "Function (PSFS): 7/10 now, from 2.3 at this episode's start: +4.7, a meaningful "
        "change (2 points or more)."
    )


def test_the_score_line_is_the_reports(folder: Path, charts: ChartsData) -> None:
    with HistoryStore.open(folder) as store:
        data = gather(store, NOW, None)
    assert list(charts.function.score) == _score_line(data)


def test_minutes_per_week_by_category(charts: ChartsData) -> None:
    w = charts.weeks
    assert w.weeks == tuple(DAY0 + timedelta(weeks=i) for i in range(5))  # DAY0 is a Monday
    assert list(w.minutes) == ["gentle", "yoga", "strengthening"]
    assert w.minutes["gentle"] == (57.0,) * 5  # 9.5 minutes on 6 days a week
    assert w.minutes["strengthening"] == (0.0, 0.0, 0.0, 24.0, 24.0)
    assert w.minutes["yoga"][2] == 58.5  # with the 2.5 minutes stopped because it hurt
    assert w.summary == (
        "Minutes per week: 137 this week, 118 a week on average over 5 weeks; "
        "in all: gentle 285, yoga 255, strengthening 48."  # 254.5: a half rounds up (core.words)
    )


def test_an_empty_history_gives_words_and_nothing_to_draw() -> None:
    c = load_charts(EmptyHistory(), NOW)
    assert c.start == c.end == NOW.date()
    assert c.pain.days == () and c.pain.threshold is None
    assert c.pain.summary == "Pain: no check-ins yet."
    assert not c.function.named and c.function.score == ()
    assert c.function.summary == "Function: no activities named yet."
    assert c.weeks.weeks == () and c.weeks.summary == "Minutes per week: no routines played yet."


def test_a_name_with_markup_is_kept_as_it_was_typed(tmp_path: Path) -> None:
    with HistoryStore.open(tmp_path) as store:
        store.add_activity("[bold]socks[/bold]", at=START)
        store.add_checkin(at=START, pain=5, ratings=[("[bold]socks[/bold]", 3)])
        c = load_charts(store, NOW)
    assert c.function.activities[0].name == "[bold]socks[/bold]"
    assert c.function.summary.startswith("Function (PSFS): 3/10 now")


def test_sessions_outside_the_weeks_are_left_out() -> None:
    weeks, minutes = weekly_minutes([], DAY0, DAY0 + timedelta(days=8))
    assert weeks == [DAY0, DAY0 + timedelta(days=7)]
    assert minutes == {c: [0.0, 0.0] for c in ("gentle", "yoga", "strengthening")}


# -- the axes ---------------------------------------------------------------------------------


def test_one_day_is_one_tick() -> None:
    assert date_ticks(DAY0, DAY0, 70) == [(0, "19 Oct")]


def test_a_few_weeks_get_a_tick_a_week_on_mondays() -> None:
    ticks = date_ticks(DAY0, DAY0 + timedelta(days=34), 70)
    assert ticks == [(0, "19 Oct"), (7, "26 Oct"), (14, "2 Nov"), (21, "9 Nov"), (28, "16 Nov")]


def test_a_year_gets_months_with_the_year_where_it_starts() -> None:
    start = date(2025, 11, 23)
    ticks = date_ticks(start, start + timedelta(days=364), 74)
    assert [label for _, label in ticks] == ["Jan 2026", "Mar", "May", "Jul", "Sep", "Nov"]
    assert ticks[0][0] == (date(2026, 1, 1) - start).days


@given(
    start=st.dates(min_value=date(2000, 1, 1), max_value=date(2100, 1, 1)),
    span=st.integers(min_value=0, max_value=3 * 366),
    cells=st.integers(min_value=10, max_value=300),
)
@example(start=date(2026, 10, 20), span=3, cells=10)  # too narrow for days, and no Monday
def test_date_labels_never_touch(start: date, span: int, cells: int) -> None:
    ticks = date_ticks(start, start + timedelta(days=span), cells)
    assert ticks
    assert all(0 <= x <= span for x, _ in ticks)
    end = start + timedelta(days=span)
    if ticks == [(0, day_label(start)), (span, day_label(end))]:
        return  # too narrow for any step: the two ends, as the last resort
    per_cell = cells / max(span, 1)
    for (a, label), (b, _) in pairwise(ticks):
        assert (b - a) * per_cell >= len(label) + TICK_GAP


@given(weeks=st.integers(min_value=1, max_value=160), cells=st.integers(10, 300))
def test_week_labels_never_touch(weeks: int, cells: int) -> None:
    mondays = [DAY0 + timedelta(weeks=i) for i in range(weeks)]
    ticks = week_ticks(mondays, cells)
    assert ticks and ticks[0] == (0, "19 Oct")
    if len(ticks) > 1:
        step = ticks[1][0] - ticks[0][0]
        assert step * cells / weeks >= 6 + TICK_GAP


def test_minute_ticks_are_round() -> None:
    assert minute_ticks(1) == [0, 5]
    assert minute_ticks(137) == [0, 20, 40, 60, 80, 100, 120, 140]
    assert minute_ticks(90) == [0, 15, 30, 45, 60, 75, 90]
    assert minute_ticks(5000)[-1] >= 5000
