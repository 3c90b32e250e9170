"""Charts, the report and stats bound their inputs (issue 20): minutes that cannot be true (a
session or a day past 24 h) are left out as invalid, never scaled to."""

from __future__ import annotations

import sqlite3
import time
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from backroutine.core.history import DB_NAME, HistoryStore
from backroutine.core.stats import compute, countable
from backroutine.services.charts_data import load_charts
from backroutine.services.report import build_report

NOW = datetime(2026, 3, 10, 18, tzinfo=UTC)


@dataclass(frozen=True)
class Played:
    started_at: str
    active_seconds: float
    routine_name: str = "Desk"
    category: str = "gentle"
    ended_at: str | None = None
    status: str = "completed"


def at(day: int, hour: int = 9) -> str:
    return datetime(2026, 3, day, hour, tzinfo=UTC).isoformat()


@pytest.mark.parametrize(
    ("seconds", "kept"),
    [(600, True), (86_400, True), (86_401, False), (1e13, False), (1e308, False),
     (float("nan"), False), (float("inf"), False), (-1, False)],
)  # fmt: skip
def test_a_session_past_a_day_or_not_a_number_is_left_out(seconds: float, kept: bool) -> None:
    good = Played(at(2), 60)
    assert countable([good, Played(at(3), seconds)]) == (
        [good, Played(at(3), seconds)] if kept else [good]
    )


def test_a_day_whose_sessions_add_up_past_24_h_is_left_out_the_others_kept() -> None:
    day = [Played(at(4, hour), 50_000) for hour in (8, 12)]
    other = Played(at(5), 600)
    assert countable([*day, other]) == [other]


def test_stats_count_only_the_minutes_that_can_be_true() -> None:
    shown = compute([Played(at(9), 1e13), Played(at(9, 10), 600)], [], date(2026, 3, 10))
    assert shown["total"]["minutes"] == 10.0  # type: ignore[index]


def test_the_report_and_the_charts_of_a_history_with_1e13_seconds_are_quick(
    tmp_path: Path,
) -> None:
    data = tmp_path / "data"
    with HistoryStore.open(data) as store:
        for day in (8, 9):
            sid = store.start_session(
                routine_id="desk-break", routine_name="Desk", category="gentle",
                steps_total=3, started_at=datetime(2026, 3, day, 9, tzinfo=UTC),
            )  # fmt: skip
            store.finish_session(
                sid, status="completed", steps_done=3, active_seconds=300,
                at=datetime(2026, 3, day, 9, 5, tzinfo=UTC),
            )  # fmt: skip
    db = sqlite3.connect(data / DB_NAME)
    db.execute("UPDATE sessions SET active_seconds = 1e13 WHERE id = 1")
    db.commit()
    db.close()
    started = time.monotonic()
    with HistoryStore.open(data) as store:
        report = build_report(store, NOW)
        charts = load_charts(store, NOW)
    assert time.monotonic() - started < 5
    assert "5 min in all" in report
    assert max(sum(week) for week in zip(*charts.weeks.minutes.values(), strict=True)) == 5
