"""The pain score's one check, and saving a check-in from a player with what to say."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from backroutine.core.history import HistoryStore
from backroutine.core.readonly import open_read_only
from backroutine.services.checkins import NOT_WRITABLE, is_pain, read_pain, save_checkin
from backroutine.services.history import NoHistory

NOW = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("typed", "pain"),
    [("0", 0), ("7", 7), ("10", 10), ("04", 4),
     ("", None), ("11", None), ("-1", None), ("+3", None), ("3.5", None), ("five", None),
     ("²", None), ("٣", None), ("1_0", None), ("١٠", None), ("10.0", None), (" 10", None),
     ("+5", None), ("4 ", None), ("10\n", None), ("100", None)],
)  # fmt: skip
def test_read_pain_takes_a_whole_number_from_0_to_10(typed: str, pain: int | None) -> None:
    assert read_pain(typed) == pain


def test_is_pain_is_the_scale() -> None:
    assert [v for v in range(-2, 13) if is_pain(v)] == list(range(11))


def test_a_saved_checkin_says_what_it_changed(tmp_path: Path) -> None:
    with HistoryStore.open(tmp_path / "data") as store:
        report = save_checkin(store, pain=4, now=lambda: NOW)
        assert report.saved and report.urgency is None
        assert report.text.splitlines()[0] == "Saved: pain 4."
        assert [c.pain for c in store.checkins()] == [4]


def test_new_urgent_advice_comes_with_its_urgency(tmp_path: Path) -> None:
    with HistoryStore.open(tmp_path / "data") as store:
        store.save_red_flags([], at=NOW - timedelta(days=3))
        for days, pain in ((3, 4), (2, 5)):
            store.add_checkin(at=NOW - timedelta(days=days), pain=pain)
        report = save_checkin(store, pain=9, now=lambda: NOW)  # severe: a day at 9
        assert report.saved and report.urgency is not None
        assert "! New advice:" in report.text


def test_a_history_that_cannot_be_written_says_so(tmp_path: Path) -> None:
    data = tmp_path / "data"
    HistoryStore.open(data).close()
    store = open_read_only(data, "the disk is full")
    report = save_checkin(store, pain=3, now=lambda: NOW)
    assert (report.text, report.saved, report.urgency) == (NOT_WRITABLE, False, None)
    assert save_checkin(NoHistory(), pain=3, now=lambda: NOW).text == NOT_WRITABLE


def test_a_refused_value_is_said_not_raised(tmp_path: Path) -> None:
    with HistoryStore.open(tmp_path / "data") as store:
        report = save_checkin(store, pain=11, now=lambda: NOW)
        assert not report.saved and report.text.startswith("Not saved: pain must be")


def test_the_session_being_written_is_waited_for(tmp_path: Path) -> None:
    class Writer:
        def __init__(self) -> None:
            self.drained: list[float] = []

        def drain(self, timeout: float) -> bool:
            self.drained.append(timeout)
            return True

    writer = Writer()
    with HistoryStore.open(tmp_path / "data") as store:
        save_checkin(store, pain=2, now=lambda: NOW, writer=writer)  # type: ignore[arg-type]
    assert writer.drained == [5.0]
