"""The small value languages: durations, tempos, cue times."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from backroutine.core.durations import (
    ValueProblem,
    format_clock,
    format_seconds,
    parse_cue_at,
    parse_duration,
    parse_tempo,
)
from backroutine.core.schema import CUE_AT_PATTERN, DURATION_PATTERN


@pytest.mark.parametrize(
    ("value", "seconds"),
    [
        (45, 45),
        ("45s", 45),
        ("2m", 120),
        ("1m30s", 90),
        ("1h", 3600),
        ("1m 30s", 90),
        ("90", 90),
        (" 2m ", 120),
        (30.0, 30),
        ("2h", 7200),
    ],
)
def test_durations(value: object, seconds: int) -> None:
    assert parse_duration(value) == seconds


@pytest.mark.parametrize(
    "value",
    [
        "--0",
        "-0",
        "+5",
        "30 secs",
        "",
        "m",
        "1.5m",
        "2h1s",
        7201,
        0,
        "0s",
        -1,
        "-5s",
        1.5,
        True,
        None,
        "1s2m",
    ],
)
def test_bad_durations(value: object) -> None:
    with pytest.raises(ValueProblem):
        parse_duration(value)


def test_zero_is_allowed_where_asked() -> None:
    assert parse_duration(0, allow_zero=True) == 0
    assert parse_duration("0s", allow_zero=True) == 0


@given(st.integers(1, 7200))
def test_format_seconds_round_trips(seconds: int) -> None:
    assert parse_duration(format_seconds(seconds)) == seconds


@given(st.text(alphabet="0123456789hms -.%", max_size=10))
def test_schema_duration_pattern_agrees_with_the_loader(text: str) -> None:
    try:
        parse_duration(text, allow_zero=True)
        accepted = True
    except ValueProblem:
        accepted = False
    if accepted:
        assert re.search(DURATION_PATTERN, text), text
    elif re.search(DURATION_PATTERN, text):
        # the schema only checks the form; the loader also checks the range
        seconds = sum(int(n) for n in re.findall(r"\d+", text))
        assert seconds == 0 or "-" in text or len(re.findall(r"\d+", text)) >= 1


@given(st.text(alphabet="0123456789hms -.%", max_size=10))
def test_schema_cue_pattern_accepts_what_the_loader_accepts(text: str) -> None:
    try:
        parse_cue_at(text)
    except ValueProblem:
        return
    assert re.search(CUE_AT_PATTERN, text), text


def test_tempo() -> None:
    assert parse_tempo("2-1-2") == (2, 1, 2)
    assert parse_tempo("2-0-2-1") == (2, 0, 2, 1)
    assert parse_tempo(" 3 - 1 ") == (3, 1)
    for bad in ("2", "1-2-3-4-5", "0-0", "61-1", "a-b", True, [1, 2]):
        with pytest.raises(ValueProblem):
            parse_tempo(bad)


def test_cue_times() -> None:
    assert parse_cue_at("50%") == ("percent", 50.0)
    assert parse_cue_at("10s") == ("from_start", 10.0)
    assert parse_cue_at("-5s") == ("from_end", 5.0)
    assert parse_cue_at(-5) == ("from_end", 5.0)
    assert parse_cue_at(0) == ("from_start", 0.0)
    for bad in ("101%", "x", "-0s", True, None, "- 1", "1m 30s"):
        with pytest.raises(ValueProblem):
            parse_cue_at(bad)


def test_clock() -> None:
    assert format_clock(0) == "0:00"
    assert format_clock(125) == "2:05"
    assert format_clock(3725) == "1:02:05"


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("9" * 5000, "is longer than 2 hours"),  # past Python's 4300-digit int limit
        ("9" * 5000 + "h", "is not a duration"),
        ("1h" + " " * 100_000 + "x", "is not a duration"),  # refused before the pattern runs
        ("1m" + " " * 40 + "3s", "is not a duration"),  # no duration is that long
    ],
)
def test_long_durations_are_refused_quickly_and_quoted_short(value: str, message: str) -> None:
    with pytest.raises(ValueProblem, match=message) as info:
        parse_duration(value)
    assert len(str(info.value)) < 120


def test_a_tempo_of_huge_phases() -> None:
    with pytest.raises(ValueProblem, match="each tempo phase may be 0 to 60 seconds"):
        parse_tempo("1-" + "2" * 5000)


def test_values_are_quoted_escaped() -> None:
    with pytest.raises(ValueProblem) as info:
        parse_duration("3\x1b[2J")
    assert str(info.value) == '"3\\x1b[2J" is not a duration (use 45s, 2m, 1m30s or seconds)'
