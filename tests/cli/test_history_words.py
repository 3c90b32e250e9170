"""`backroutine history` in words (issue 21): breaks and ratings listed, the last 30 of each
said to be the last 30, --all for every one; minutes and counts by one rule."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from backroutine.core.history import HistoryStore


def test_history_lists_breaks(cli, data_dir: Path) -> None:
    store = HistoryStore.open(data_dir)
    at = datetime(2026, 12, 1, 10, 0)
    store.add_break(at=at, outcome="taken", routine_id="desk-break", minutes=0.5)
    store.add_break(at=at + timedelta(hours=1), outcome="snoozed", minutes=5)
    store.add_break(at=at + timedelta(hours=2), outcome="skipped")
    store.close()
    out = cli("history").out
    lines = out.splitlines()
    first = lines.index("Desk breaks (newest first):")
    assert lines[first + 1 : first + 4] == [
        "  2026-12-01 12:00  skipped",
        "  2026-12-01 11:00  snoozed for 5 min",
        "  2026-12-01 10:00  taken: desk-break, <1 min",
    ]
    assert "showing the last" not in out


def test_history_says_it_shows_the_last_30_and_all_shows_every_one(cli, data_dir: Path) -> None:
    store = HistoryStore.open(data_dir)
    start = datetime(2026, 1, 1, 9, 0, tzinfo=UTC)
    for day in range(35):
        store.add_checkin(at=start + timedelta(days=day), pain=day % 11)
    store.close()
    out = cli("history").out
    assert sum(line.startswith("  2026-") and "pain" in line for line in out.splitlines()) == 30
    assert "  (showing the last 30; --all for every one)" in out
    assert "2026-02-04" in out and "2026-01-05" not in out  # the newest 30, newest first
    every = cli("history", "--all").out
    assert sum("pain" in line and line.startswith("  2026-") for line in every.splitlines()) == 35
    assert "showing the last" not in every


def test_stats_counts_in_words(cli, data_dir: Path) -> None:
    store = HistoryStore.open(data_dir)
    now = datetime.now(UTC)
    session = store.start_session(routine_id="desk-break", routine_name="Desk break",
                                  category="gentle", steps_total=5, started_at=now)  # fmt: skip
    store.finish_session(session, status="completed", steps_done=5, active_seconds=31, at=now)
    store.close()
    out = cli("stats").out
    assert "This week: 1 session, <1 min" in out and "1 sessions" not in out
    assert "streak: 1 day" in out and "1 days" not in out
