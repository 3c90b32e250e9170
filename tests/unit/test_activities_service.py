"""services/activities.py: the use cases of the function score, on a real history store."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from backroutine.core.export import history_csv
from backroutine.core.function import ActivityError
from backroutine.core.history import EmptyHistory, HistoryStore
from backroutine.services import activities as service

CET = timezone(timedelta(hours=1))
NOW = datetime(2026, 11, 25, 8, 0, 0, tzinfo=CET)


@pytest.fixture
def store(tmp_path: Path) -> Iterator[HistoryStore]:
    with HistoryStore.open(tmp_path) as opened:
        yield opened


def test_list_add_remove(store: HistoryStore) -> None:
    assert service.list_activities(store) == []
    service.add_activity(store, "putting on socks", now=NOW)
    service.add_activity(store, "sitting for an hour", now=NOW)
    removed = service.remove_activity(store, "Putting On Socks", now=NOW)
    assert removed.name == "putting on socks"
    assert [a.name for a in service.list_activities(store)] == ["sitting for an hour"]
    assert [a["name"] for a in service.activity_rows(store)] == [
        "putting on socks",
        "sitting for an hour",
    ]


@pytest.mark.parametrize(
    ("texts", "parsed"),
    [
        ([], []),
        (["socks=3"], [("socks", 3)]),
        (["socks=3", "sit = 10", "a=b=0"], [("socks", 3), ("sit", 10), ("a=b", 0)]),
    ],
)
def test_parse_ratings(texts: list[str], parsed: list[tuple[str, int]]) -> None:
    assert service.parse_ratings(texts) == parsed


@pytest.mark.parametrize(
    ("texts", "says"),
    [
        (["socks=3", "SOCKS=4"], "rated twice"),
        (["a=1", "b=2", "c=3", "d=4"], "at most 3"),
        (["socks=11"], "not 11"),
        (["socks"], "no '='"),
    ],
)
def test_parse_ratings_refuses(texts: list[str], says: str) -> None:
    with pytest.raises(ActivityError, match=says):
        service.parse_ratings(texts)


def test_a_checkin_with_pain_and_ratings(store: HistoryStore) -> None:
    service.add_activity(store, "socks", now=NOW)
    service.add_activity(store, "sitting", now=NOW)
    first = service.record_ratings(
        store, at=NOW, now=NOW, pain=6, ratings=[("socks", 3), ("sitting", 4)], note="stiff"
    )
    assert first.checkin is not None and first.checkin.pain == 6
    assert [(r.activity, r.score, r.checkin_id) for r in first.ratings] == [
        ("socks", 3, first.checkin.id),
        ("sitting", 4, first.checkin.id),
    ]
    assert first.before.score is None and first.after.score == 3.5
    later = NOW + timedelta(days=7)
    second = service.record_ratings(store, at=later, now=later, pain=3, ratings=[("socks", 7)])
    lines = second.lines()
    assert any(line.startswith("Strengthening") or "pain" in line.lower() for line in lines)
    assert lines[-1] == (
        "Function: 5.5/10, up 2 from 3.5 at the start of this episode "
        "(a change of 2 or more is a real one)."
    )


def test_ratings_without_pain_are_stored_on_their_own(store: HistoryStore) -> None:
    service.add_activity(store, "socks", now=NOW)
    saved = service.record_ratings(store, at=NOW, now=NOW, ratings=[("socks", 5)])
    assert saved.outcome is None and saved.checkin is None
    assert store.checkins() == []
    assert [(r.score, r.checkin_id) for r in store.ratings()] == [(5, None)]
    assert saved.lines() == ["Function: 5/10, the same as at the start of this episode (5)."]


def test_a_bad_rating_with_pain_stores_nothing(store: HistoryStore) -> None:
    service.add_activity(store, "socks", now=NOW)
    with pytest.raises(ActivityError, match="'swim' is not one of your activities"):
        service.record_ratings(store, at=NOW, now=NOW, pain=4, ratings=[("socks", 5), ("swim", 2)])
    assert store.checkins() == [] and store.ratings() == []


def test_nothing_to_save_is_refused(store: HistoryStore) -> None:
    with pytest.raises(ValueError, match="nothing to save"):
        service.record_ratings(store, at=NOW, now=NOW)
    service.add_activity(store, "socks", now=NOW)
    with pytest.raises(ValueError, match="need a pain score"):
        service.record_ratings(store, at=NOW, now=NOW, ratings=[("socks", 5)], note="hm")
    assert store.ratings() == []


def test_a_pain_only_checkin_still_works(store: HistoryStore) -> None:
    saved = service.record_ratings(store, at=NOW, now=NOW, pain=5)
    assert saved.ratings == () and saved.checkin is not None
    assert saved.lines() == saved.outcome.lines()  # type: ignore[union-attr]


def test_function_status_is_the_status_json_shape(store: HistoryStore) -> None:
    assert service.function_status(store, NOW) == {
        "score": None,
        "baseline": None,
        "change": None,
        "meaningful": False,
        "due": False,
        "activities": [],
    }
    for name in ("socks", "sitting", "lifting"):
        service.add_activity(store, name, now=NOW)
    service.record_ratings(store, at=NOW, now=NOW, pain=7, ratings=[("socks", 2), ("sitting", 3)])
    later = NOW + timedelta(days=3)
    service.record_ratings(store, at=later, now=later, ratings=[("socks", 4), ("lifting", 1)])
    assert service.function_status(store, later) == {
        "score": 2.7,  # (4 + 3 + 1) / 3
        "baseline": 2.0,  # (2 + 3 + 1) / 3
        "change": 0.7,
        "meaningful": False,
        "due": False,
        "activities": [
            {"name": "socks", "latest": 4, "first": 2},
            {"name": "sitting", "latest": 3, "first": 3},
            {"name": "lifting", "latest": 1, "first": 1},
        ],
    }
    assert service.ratings_due(store, later + timedelta(days=7)) is True


def test_the_baseline_starts_again_with_a_new_episode(store: HistoryStore) -> None:
    service.add_activity(store, "socks", now=NOW)
    service.record_ratings(store, at=NOW, now=NOW, pain=7, ratings=[("socks", 2)])
    later = NOW + timedelta(days=40)  # more than 28 days without a check-in, said to be new
    service.record_ratings(
        store, at=later, now=later, pain=5, ratings=[("socks", 6)], new_episode=True
    )
    data = service.function_status(store, later)
    assert (data["score"], data["baseline"]) == (6.0, 6.0)


def test_an_empty_history_has_a_function_status() -> None:
    assert service.function_status(EmptyHistory(), NOW)["score"] is None
    assert service.rating_rows(EmptyHistory()) == []
    assert service.function_lines(service.current_function(EmptyHistory()))[0].startswith(
        "Function: no activities named yet"
    )


def test_history_rows_carry_the_ratings(store: HistoryStore) -> None:
    service.add_activity(store, "=socks", now=NOW)  # a name a spreadsheet would run
    service.record_ratings(store, at=NOW, now=NOW, pain=4, ratings=[("=socks", 3)])
    later = NOW + timedelta(days=1)
    service.record_ratings(store, at=later, now=later, ratings=[("=socks", 5)])
    rows = service.rating_rows(store)
    assert [(r["activity"], r["score"]) for r in rows] == [("=socks", 5), ("=socks", 3)]
    assert rows[0]["date"] == later.isoformat()
    table = list(
        csv.DictReader(io.StringIO(history_csv([], store.checkins(), [], store.ratings())))
    )
    assert [(r["type"], r["activity"], r["score"], r["pain"]) for r in table] == [
        ("checkin", "", "", "4"),
        ("rating", "'=socks", "3", ""),
        ("rating", "'=socks", "5", ""),
    ]
