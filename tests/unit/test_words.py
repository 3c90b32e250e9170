"""Counts and minutes in words: one rule everywhere (issue 21)."""

from __future__ import annotations

import pytest

from backroutine.core.words import minutes_number, minutes_of, minutes_text, plural


@pytest.mark.parametrize(
    ("count", "expected"), [(0, "0 days"), (1, "1 day"), (2, "2 days"), (11, "11 days")]
)
def test_plural(count: int, expected: str) -> None:
    assert plural(count, "day") == expected


def test_plural_with_its_own_word() -> None:
    assert plural(1, "activity", "activities") == "1 activity"
    assert plural(3, "activity", "activities") == "3 activities"


@pytest.mark.parametrize(
    ("seconds", "shown"),
    [(0, "0 min"), (2, "0 min"), (3, "<1 min"), (31, "<1 min"), (57, "<1 min"), (60, "1 min"),
     (80, "1 min"), (93, "2 min"), (150, "3 min"), (3599, "60 min")],
)  # fmt: skip
def test_minutes_from_seconds_by_one_rule(seconds: float, shown: str) -> None:
    assert minutes_text(minutes_of(seconds)) == shown


def test_a_31_second_session_is_half_a_minute_held_and_under_one_shown() -> None:
    assert minutes_of(31) == 0.5 and minutes_number(minutes_of(31)) == "<1"
