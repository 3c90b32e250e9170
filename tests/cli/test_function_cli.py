"""activities, checkin --activity, the function score in status and history, and report: the
contracts of issue 14 (exit 2 and nothing stored on bad input)."""

from __future__ import annotations

import csv
import io
import json
import os
import stat
from datetime import date, timedelta
from pathlib import Path

import pytest


def days_ago(n: int) -> str:
    return (date.today() - timedelta(days=n)).isoformat()


def history(cli) -> dict:
    result = cli("history", "--json")
    assert result.code == 0, result.err
    return json.loads(result.out)


def names(cli) -> list[str]:
    result = cli("activities", "--json")
    assert result.code == 0, result.err
    return [a["name"] for a in json.loads(result.out)["activities"]]


def test_activities_are_added_listed_and_removed(cli) -> None:
    assert "No activities yet" in cli("activities").out
    for name in ("putting on socks", "sitting for an hour", "lifting my child"):
        result = cli("activities", "add", name)
        assert result.code == 0 and f"Added: {name}" in result.out
    assert names(cli) == ["putting on socks", "sitting for an hour", "lifting my child"]
    listed = cli("activities").out
    assert "putting on socks: not rated yet" in listed
    result = cli("activities", "remove", "SITTING FOR AN HOUR")  # whatever the case
    assert result.code == 0 and "Removed: sitting for an hour" in result.out
    assert names(cli) == ["putting on socks", "lifting my child"]


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (("add", ""), "needs a name"),
        (("add", "x" * 61), "60"),
        (("add", "tab\there"), "control character"),
        (("remove", "gardening"), "not one of your activities"),
        (("add",), "give the activity's name"),
        (("socks",), "invalid choice"),
    ],
)
def test_bad_activity_commands_exit_2_and_change_nothing(cli, args, said) -> None:
    cli("activities", "add", "putting on socks")
    result = cli("activities", *args)
    assert result.code == 2
    assert said in result.err
    assert "Traceback" not in result.err
    assert names(cli) == ["putting on socks"]


def test_at_most_three_and_no_duplicates(cli) -> None:
    for name in ("a1", "b2", "c3"):
        assert cli("activities", "add", name).code == 0
    result = cli("activities", "add", "d4")
    assert result.code == 2 and "remove one" in result.err
    result = cli("activities", "add", "B2")
    assert result.code == 2 and "already" in result.err
    assert names(cli) == ["a1", "b2", "c3"]


def test_checkin_with_ratings_with_or_without_pain(cli) -> None:
    cli("activities", "add", "putting on socks")
    cli("activities", "add", "sitting=long")  # a name may hold "=": split on the last one
    result = cli(
        "checkin", "--pain", "6", "--activity", "putting on socks=3", "--activity", "sitting=long=4",
        "--date", days_ago(3),
    )  # fmt: skip
    assert result.code == 0, result.err
    assert "Saved: pain 6" in result.out and "putting on socks 3, sitting=long 4" in result.out
    result = cli("checkin", "--activity", "putting on socks=7")  # ratings alone
    assert result.code == 0, result.err
    data = history(cli)
    assert len(data["checkins"]) == 1
    rated = [(r["activity"], r["score"]) for r in data["activity_ratings"]]
    assert rated == [("putting on socks", 7), ("sitting=long", 4), ("putting on socks", 3)]
    status = json.loads(cli("status", "--json").out)["function"]
    assert status["score"] == 5.5 and status["baseline"] == 3.5  # (7+4)/2 and (3+4)/2
    assert status["activities"] == [
        {"name": "putting on socks", "latest": 7, "first": 3},
        {"name": "sitting=long", "latest": 4, "first": 4},
    ]
    text = cli("status").out
    assert "Function: 5.5/10, up 2 from 3.5" in text


@pytest.mark.parametrize(
    "rating",
    ["gardening=3", "putting on socks=11", "putting on socks=-1", "putting on socks=2.5",
     "putting on socks", "=4"],
)  # fmt: skip
def test_a_bad_rating_exits_2_and_stores_nothing(cli, rating) -> None:
    cli("activities", "add", "putting on socks")
    result = cli("checkin", "--pain", "5", "--activity", rating)
    assert result.code == 2, result.out
    assert "--activity" in result.err and "Traceback" not in result.err
    data = history(cli)
    assert data["checkins"] == [] and data["activity_ratings"] == []  # not even the pain


def test_the_same_activity_twice_is_refused(cli) -> None:
    cli("activities", "add", "socks")
    result = cli("checkin", "--activity", "socks=3", "--activity", "SOCKS=4")
    assert result.code == 2 and "twice" in result.err
    assert history(cli)["activity_ratings"] == []


def test_a_note_needs_a_pain_score(cli) -> None:
    cli("activities", "add", "socks")
    result = cli("checkin", "--activity", "socks=3", "--note", "stiff")
    assert result.code == 2 and "--pain" in result.err
    assert history(cli)["activity_ratings"] == []


def test_status_without_activities_has_an_empty_function(cli) -> None:
    data = json.loads(cli("status", "--json").out)
    assert data["function"]["score"] is None and data["function"]["baseline"] is None
    assert data["function"]["activities"] == []
    assert "Function" not in cli("status").out  # nothing said until activities are named


def test_history_csv_and_text_carry_the_ratings(cli) -> None:
    cli("activities", "add", "socks [bold]x")
    cli("checkin", "--pain", "4", "--activity", "socks [bold]x=6")
    rows = list(csv.DictReader(io.StringIO(cli("history", "--csv").out)))
    ratings = [r for r in rows if r["type"] == "rating"]
    assert [(r["activity"], r["score"]) for r in ratings] == [("socks [bold]x", "6")]
    text = cli("history").out
    assert "Activity ratings" in text and "socks [bold]x 6" in text


def test_the_report_goes_to_the_private_reports_folder_and_never_over_a_file(
    cli, tmp_path: Path
) -> None:
    cli("activities", "add", "socks")
    cli("checkin", "--pain", "7", "--note", "<script>alert(1)</script>", "--date", days_ago(2))
    cli("checkin", "--pain", "4", "--activity", "socks=5")
    first = cli("report")
    assert first.code == 0, first.err
    path = Path(first.out.split("Report written: ", 1)[1].splitlines()[0])
    assert path.parent.name == "reports" and path.name == f"report-{date.today()}.html"
    assert stat.S_IMODE(os.stat(path.parent).st_mode) == 0o700
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    html = path.read_text(encoding="utf-8")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and "<script" not in html
    assert "<svg" in html
    for outside in ("http://", "https://", "@import", "url("):
        assert outside not in html
    second = cli("report")
    assert second.code == 0 and f"report-{date.today()}-2.html" in second.out
    assert path.read_text(encoding="utf-8") == html  # the first is untouched

    out = tmp_path / "for-the-physio.html"
    out.write_text("my own file", encoding="utf-8")
    refused = cli("report", "--out", str(out))
    assert refused.code == 1 and "--force" in refused.err
    assert out.read_text(encoding="utf-8") == "my own file"
    assert cli("report", "--out", str(out), "--force").code == 0
    assert "<svg" in out.read_text(encoding="utf-8")


def test_report_since_a_day(cli, tmp_path: Path) -> None:
    cli("checkin", "--pain", "8", "--note", "long ago", "--date", days_ago(40))
    cli("checkin", "--pain", "5", "--note", "lately", "--date", days_ago(2))
    out = tmp_path / "r.html"
    assert cli("report", "--since", days_ago(10), "--out", str(out)).code == 0
    html = out.read_text(encoding="utf-8")
    assert "lately" in html and "long ago" not in html
    result = cli("report", "--since", (date.today() + timedelta(days=1)).isoformat())
    assert result.code == 2 and "future" in result.err
    result = cli("report", "--since", "yesterday")
    assert result.code == 2 and "YYYY-MM-DD" in result.err


def test_a_report_of_no_history_is_still_a_report(cli, tmp_path: Path) -> None:
    out = tmp_path / "empty.html"
    result = cli("report", "--out", str(out))
    assert result.code == 0, result.err
    assert "<html" in out.read_text(encoding="utf-8")
