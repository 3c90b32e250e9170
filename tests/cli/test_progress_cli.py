"""checkin, status, stats, safety, and the progression's hold on `play` (exit 3)."""

from __future__ import annotations

import csv
import io
import json
import re
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
    cli("safety", "--none")
    for ago, pain in ((4, 8), (3, 7), (2, 5)):
        assert cli("checkin", "--pain", str(pain), "--date", days_ago(ago)).code == 0
    data = status(cli)
    assert "strengthening" in data["locked"]
    assert "5 or below" in data["progress"] and data["days_needed"] == 1
    result = cli("checkin", "--pain", "5", "--date", days_ago(1))
    assert "Strengthening is now open" in result.out
    data = status(cli)
    assert "strengthening" in data["unlocked"] and data["baseline"] == 8 and data["pain"] == 5
    assert data["strengthening_level"] == 2 and data["next_level"]["level"] == 3
    result = cli("checkin", "--pain", "7", "--spasms", "more")
    assert "locked again" in result.out
    # The check-in that raises advice says so at once.
    assert "New advice: You said the spasms are coming more often" in result.out
    data = status(cli)
    assert "strengthening" in data["locked"] and data["last_flare"] == date.today().isoformat()
    assert data["see_professional"] is True and data["urgency"] == "soon"
    assert [r["code"] for r in data["reasons"]] == ["spasms_more"]
    assert data["safety_due"] is False  # answered today: a flare today is not a later date


def test_backfilled_out_of_order_counts_by_date(cli) -> None:
    for ago, pain in ((1, 5), (3, 8), (0, 5), (2, 7)):
        cli("checkin", "--pain", str(pain), "--date", days_ago(ago))
    data = status(cli)
    assert data["baseline"] == 8 and "strengthening" in data["unlocked"]


def test_rising_pain_says_see_a_professional(cli) -> None:
    for ago, pain in ((2, 3), (1, 5), (0, 6)):
        cli("checkin", "--pain", str(pain), "--date", days_ago(ago))
    data = status(cli)
    assert data["see_professional"] is True and data["urgency"] == "soon"
    assert [r["code"] for r in data["reasons"]] == ["worsening"]
    text = cli("status").out.splitlines()
    # In words, the advice first, one line per reason.
    assert text[0].startswith("Book an appointment with a doctor or physiotherapist")
    assert text[1].startswith("- Your pain ") and text[2] == ""


@pytest.mark.parametrize(
    "args",
    [
        ["--pain", "12"],
        ["--pain", "-1"],
        ["--pain", "x"],
        ["--pain", "5.5"],
        ["--pain", "nan"],
        ["--pain", "+5"],  # read_pain, the one check: no sign, no spaces, ASCII digits
        ["--pain", " 10"],
        ["--pain", "10.0"],
        ["--pain", "\u0661\u0660"],  # Arabic-Indic 10
        ["--pain", ""],
        ["--pain", "3", "--date", "2999-01-01"],
        ["--pain", "3", "--date", "yesterday"],
        ["--pain", "3", "--spasms", "lots"],
        ["--pain", "3", "--note", "x" * 501],
        ["--pain", "3", "--date", "0001-01-01"],
        ["--pain", "3", "--date", "1899-12-31"],
        ["--pain", "3", "--date", "2026-02-30"],
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
    assert "cannot be played now" in result.err and "check in your pain" in result.err
    assert "backroutine list" in result.err
    mine = write("mine.yaml", "name: Mine\ncategory: strengthening\nsteps: [{name: A, reps: 2}]\n")
    result = cli("play", str(mine), "--plain")
    assert result.code == 3  # user routines of a locked category too


def _open_strengthening(cli) -> None:
    cli("safety", "--none")
    for ago, pain in ((3, 8), (2, 5), (1, 5)):
        cli("checkin", "--pain", str(pain), "--date", days_ago(ago))


def test_play_above_the_open_level_exits_3_and_says_what_opens_it(cli) -> None:
    _open_strengthening(cli)
    assert status(cli)["strengthening_level"] == 2
    result = cli("play", "core-control", "--plain", "--speed", "1000")  # level 3
    assert result.code == 3
    assert "level-3" in result.err and "open up to level 2" in result.err
    assert "complete level-2 routines on 2 different days: 0 so far" in result.err.lower()
    result = cli("play", "first-strength-steps", "--plain", "--speed", "1000")
    assert result.code == 0, result.err


@pytest.mark.parametrize(
    ("answer", "routine", "code"),
    [
        ("bladder_bowel", "desk-break", 3),  # emergency: every routine
        ("major_trauma", "yoga-back-basics", 3),
        ("fever_unwell", "first-strength-steps", 3),  # today: strengthening
        ("fever_unwell", "desk-break", 0),
        ("morning_stiffness", "first-strength-steps", 0),  # soon: advice only
    ],
)
def test_play_with_a_red_flag(cli, answer: str, routine: str, code: int) -> None:
    _open_strengthening(cli)
    cli("safety", "--yes", answer)
    result = cli("play", routine, "--plain", "--speed", "1000")
    assert result.code == code, result.err
    if answer == "bladder_bowel":
        assert "Get emergency help now" in result.err and "backroutine list" not in result.err
        data = status(cli)
        assert data["urgency"] == "emergency" and data["unlocked"] == []
        assert data["locked_all"] and set(data["locked"]) == {"gentle", "yoga", "strengthening"}
        assert all(i["locked"] for i in json.loads(cli("list", "--json").out))
    cli("safety", "--checked")
    assert cli("play", routine, "--plain", "--speed", "1000").code == 0


def test_list_marks_what_is_locked(cli) -> None:
    _open_strengthening(cli)
    items = {i["id"]: i for i in json.loads(cli("list", "--json").out)}
    assert items["first-strength-steps"]["locked"] is None
    assert "open up to level 2" in items["mcgill-big-three"]["locked"]
    assert items["desk-break"]["locked"] is None
    text = cli("list").out
    assert any("mcgill-big-three" in line and "locked" in line for line in text.splitlines())


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
    assert data["asked"] is False and len(data["questions"]) == 19
    assert {q["tier"] for q in data["questions"]} == {"emergency", "today", "soon"}
    result = cli("safety", "--yes", "fever_unwell")
    assert "Contact a doctor today" in result.out
    data = status(cli)
    assert data["see_professional"] is True and data["urgency"] == "today"
    assert any("high temperature" in r["text"] for r in data["reasons"])
    result = cli("safety", "--yes", "bladder_bowel")
    assert "Get emergency help now" in result.out
    cli("safety", "--checked")
    assert status(cli)["see_professional"] is False
    result = cli("safety", "--none")
    assert "None of these signs" in result.out


@pytest.mark.parametrize("key", ["headache", "night_pain", "fall_injury"])
def test_safety_refuses_unknown_keys(cli, key: str) -> None:
    result = cli("safety", "--yes", key)
    assert result.code == 2 and "unknown question key" in result.err


def test_safety_checked_before_answers(cli) -> None:
    result = cli("safety", "--checked")
    assert result.code == 1 and "no answers" in result.err


def test_safety_without_a_terminal_lists_the_questions(cli, monkeypatch) -> None:
    monkeypatch.setattr("sys.stdin.isatty", lambda: False)
    result = cli("safety")
    assert result.code == 0
    assert "saddle_numbness" in result.out and "--none" in result.out


@pytest.mark.parametrize(
    ("zone", "day", "code"),
    [
        ("America/New_York", "1883-06-01", 2),  # local mean time there: before 1900 anyway
        ("America/New_York", "1899-12-31", 2),
        ("Asia/Kolkata", "1900-01-01", 0),  # +05:53:20 then: rounded to whole minutes
        ("Europe/Amsterdam", "1920-07-01", 0),  # +01:19:32 (summer time) then
        ("Africa/Monrovia", "1960-01-01", 0),  # -00:44:30 until 1972
        ("Pacific/Kiritimati", "1900-01-01", 0),
        ("UTC", "1900-01-01", 0),
    ],
)
def test_old_dates_in_any_time_zone(cli, monkeypatch, zone: str, day: str, code: int) -> None:
    import time

    monkeypatch.setenv("TZ", zone)
    time.tzset()
    try:
        result = cli("checkin", "--pain", "3", "--date", day)
        status = cli("history", "--json")
    finally:
        monkeypatch.undo()
        time.tzset()
    assert result.code == code, result.err
    assert "Traceback" not in result.err and "bug" not in result.err
    checkins = json.loads(status.out)["checkins"]
    if code == 0:
        (stored,) = checkins
        assert stored["date"].startswith(f"{day}T12:00:00")
    else:
        assert "before 1900-01-01" in result.err and checkins == []


def test_a_today_red_flag_makes_play_of_yoga_exit_3_and_leaves_gentle_open(cli) -> None:
    # SAFETY_RULES.md version 3: the "today" tier locks yoga as well as strengthening.
    _open_strengthening(cli)
    assert cli("safety", "--yes", "cough_sneeze").code == 0
    data = status(cli)
    assert data["unlocked"] == ["gentle"] and data["urgency"] == "today"
    assert set(data["locked"]) == {"yoga", "strengthening"}
    result = cli("play", "yoga-back-basics", "--plain", "--speed", "1000")
    assert result.code == 3 and "Yoga is on hold" in result.err
    assert "111 in the UK" in result.err
    result = cli("play", "desk-break", "--plain", "--speed", "1000")
    assert result.code == 0, result.err


def test_after_more_than_28_days_checkin_says_how_to_start_a_new_bout(cli) -> None:
    # SAFETY_RULES.md version 3, "Episode": a month without check-ins after a day that still
    # hurt stays the same episode; the CLI says so, and how to record a new bout instead.
    cli("checkin", "--pain", "6", "--date", days_ago(40))
    result = cli("checkin", "--pain", "5")
    assert result.code == 0
    assert "40 days earlier, so this counts as the same back pain" in result.out
    uid = re.search(r"checkin --delete ([0-9a-f]{32}), then", result.out)
    assert uid and "backroutine checkin --pain 5 --new-episode" in result.out
    assert status(cli)["baseline"] == 6
    # Following the advice: the new bout starts at 5.
    assert cli("checkin", "--delete", uid.group(1)).code == 0
    assert cli("checkin", "--pain", "5", "--new-episode").code == 0
    assert status(cli)["baseline"] == 5


@pytest.mark.parametrize(
    ("first", "ago", "extra"),
    [("1", 40, []), ("6", 28, []), ("6", 40, ["--new-episode"])],
)
def test_no_new_bout_hint_when_it_is_not_needed(cli, first, ago, extra) -> None:
    # After a day at 0-1 the gap is a new episode by itself; 28 days is always the same one;
    # --new-episode already says it.
    cli("checkin", "--pain", first, "--date", days_ago(ago))
    result = cli("checkin", "--pain", "5", *extra)
    assert result.code == 0 and "new bout" not in result.out
