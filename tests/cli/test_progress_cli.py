"""checkin, status, stats, safety, and the progression's hold on `play` (exit 3)."""

from __future__ import annotations

import csv
import io
import json
from datetime import date, timedelta

import pytest


def days_ago(n: int) -> str:
    return (date.today() - timedelta(days=n)).isoformat()


def status(cli) -> dict:
    result = cli("status", "--json")
    assert result.code == 0, result.err
    return json.loads(result.out)


def test_fresh_strengthening_is_locked_with_a_reason(cli) -> None:
    data = status(cli)
    assert data["unlocked"] == ["gentle", "yoga"]
    assert "check in" in data["locked"]["strengthening"].lower()
    assert data["pain"] is None and data["baseline"] is None
    assert data["see_professional"] is False


def test_lessening_unlocks_then_a_flare_locks(cli) -> None:
    for ago, pain in ((4, 8), (3, 7), (2, 5)):
        assert cli("checkin", "--pain", str(pain), "--date", days_ago(ago)).code == 0
    data = status(cli)
    assert "strengthening" in data["locked"]
    assert "5 or below" in data["progress"]
    result = cli("checkin", "--pain", "5", "--date", days_ago(1))
    assert "Strengthening is now unlocked" in result.out
    data = status(cli)
    assert "strengthening" in data["unlocked"] and data["baseline"] == 8 and data["pain"] == 5
    result = cli("checkin", "--pain", "7", "--spasms", "more")
    assert "locked again" in result.out
    data = status(cli)
    assert "strengthening" in data["locked"]
    assert data["see_professional"] is True  # spasms more on the latest check-in


def test_backfilled_out_of_order_counts_by_date(cli) -> None:
    for ago, pain in ((1, 5), (3, 8), (0, 5), (2, 7)):
        cli("checkin", "--pain", str(pain), "--date", days_ago(ago))
    data = status(cli)
    assert data["baseline"] == 8 and "strengthening" in data["unlocked"]


def test_rising_pain_says_see_a_professional(cli) -> None:
    for ago, pain in ((2, 3), (1, 5), (0, 6)):
        cli("checkin", "--pain", str(pain), "--date", days_ago(ago))
    data = status(cli)
    assert data["see_professional"] is True and data["reasons"]
    text = cli("status").out
    assert "Please see a doctor or physiotherapist" in text


@pytest.mark.parametrize(
    "args",
    [
        ["--pain", "12"],
        ["--pain", "-1"],
        ["--pain", "x"],
        ["--pain", "5.5"],
        ["--pain", "nan"],
        ["--pain", ""],
        ["--pain", "3", "--date", "2999-01-01"],
        ["--pain", "3", "--date", "yesterday"],
        ["--pain", "3", "--spasms", "lots"],
        ["--pain", "3", "--note", "x" * 501],
    ],
)
def test_bad_checkins_are_refused_and_nothing_is_stored(cli, args: list[str]) -> None:
    result = cli("checkin", *args)
    assert result.code == 2, result.err
    assert "Traceback" not in result.err
    assert json.loads(cli("history", "--json").out)["checkins"] == []


def test_checkin_without_pain_and_no_terminal_is_a_usage_error(cli, monkeypatch) -> None:
    monkeypatch.setattr("sys.stdin.isatty", lambda: False)
    result = cli("checkin")
    assert result.code == 2 and "--pain" in result.err


def test_checkin_with_a_note_and_spasms_in_history(cli) -> None:
    cli("checkin", "--pain", "4", "--spasms", "fewer", "--note", "=after gardening",
        "--date", days_ago(1))  # fmt: skip
    data = json.loads(cli("history", "--json").out)
    (c,) = data["checkins"]
    assert (c["pain"], c["spasms"], c["note"]) == (4, "fewer", "=after gardening")
    assert c["date"].startswith(days_ago(1) + "T12:00:00")
    rows = list(csv.DictReader(io.StringIO(cli("history", "--csv").out)))
    assert rows[0]["type"] == "checkin" and rows[0]["pain"] == "4"
    assert rows[0]["note"] == "'=after gardening"  # a spreadsheet will not run it


def test_a_new_episode_resets_the_baseline(cli) -> None:
    for ago, pain in ((3, 8), (2, 5), (1, 5)):
        cli("checkin", "--pain", str(pain), "--date", days_ago(ago))
    assert "strengthening" in status(cli)["unlocked"]
    cli("checkin", "--pain", "6", "--new-episode")
    data = status(cli)
    assert data["baseline"] == 6 and "strengthening" in data["locked"]


def test_play_of_a_locked_routine_exits_3(cli, write) -> None:
    result = cli("play", "mcgill-big-three", "--plain")
    assert result.code == 3
    assert "locked" in result.err and "backroutine list" in result.err
    mine = write("mine.yaml", "name: Mine\ncategory: strengthening\nsteps: [{name: A, reps: 2}]\n")
    result = cli("play", str(mine), "--plain")
    assert result.code == 3  # user routines of a locked category too


def test_stats(cli) -> None:
    cli("checkin", "--pain", "6", "--date", days_ago(1))
    cli("checkin", "--pain", "4")
    data = json.loads(cli("stats", "--json").out)
    assert data["total"] == {"sessions": 0, "minutes": 0}
    assert data["pain"]["latest"] == 4 and data["pain"]["trend"] == [6, 4]
    assert len(data["per_day"]) == 14 and data["streak_days"] == 0
    text = cli("stats").out
    assert "This week: 0 sessions" in text and "latest 4" in text


def test_safety_from_a_script(cli) -> None:
    result = cli("safety", "--json")
    data = json.loads(result.out)
    assert data["asked"] is False and len(data["questions"]) == 8
    result = cli("safety", "--yes", "fever_unwell")
    assert "see a doctor soon" in result.out
    data = status(cli)
    assert data["see_professional"] is True
    assert any("Fever" in r for r in data["reasons"])
    result = cli("safety", "--yes", "bladder_bowel")
    assert "medical help today" in result.out
    cli("safety", "--checked")
    assert status(cli)["see_professional"] is False
    result = cli("safety", "--none")
    assert "None of these signs" in result.out


def test_safety_refuses_unknown_keys(cli) -> None:
    result = cli("safety", "--yes", "headache")
    assert result.code == 2 and "unknown question key" in result.err


def test_safety_checked_before_answers(cli) -> None:
    result = cli("safety", "--checked")
    assert result.code == 1 and "no answers" in result.err


def test_safety_without_a_terminal_lists_the_questions(cli, monkeypatch) -> None:
    monkeypatch.setattr("sys.stdin.isatty", lambda: False)
    result = cli("safety")
    assert result.code == 0
    assert "saddle_numbness" in result.out and "--none" in result.out
