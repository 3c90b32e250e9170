"""checkin --edit UID and --delete UID, and the uids and corrections in `history`."""

from __future__ import annotations

import csv
import io
import json
import sqlite3
from datetime import date, timedelta
from pathlib import Path

import pytest

from backroutine.core.history import DB_NAME


def days_ago(n: int) -> str:
    return (date.today() - timedelta(days=n)).isoformat()


def history(cli) -> dict:
    result = cli("history", "--json")
    assert result.code == 0, result.err
    return json.loads(result.out)


def status(cli) -> dict:
    result = cli("status", "--json")
    assert result.code == 0, result.err
    return json.loads(result.out)


def newest_uid(cli) -> str:
    return history(cli)["checkins"][0]["uid"]


def corrections_stored(data_dir: Path) -> int:
    with sqlite3.connect(data_dir / DB_NAME) as db:
        return db.execute("SELECT count(*) FROM checkin_corrections").fetchone()[0]


@pytest.fixture
def typo(cli) -> str:
    """Pain 8, 7, 5 over three days, then a 1 typed today for a 10: strengthening opens."""
    cli("safety", "--none")
    for ago, pain in ((3, 8), (2, 7), (1, 5)):
        assert cli("checkin", "--pain", str(pain), "--date", days_ago(ago)).code == 0
    result = cli("checkin", "--pain", "1")
    assert "Strengthening is now open" in result.out
    assert "strengthening" in status(cli)["unlocked"]
    return newest_uid(cli)


def test_every_check_in_has_its_uid_in_json_and_csv(cli) -> None:
    cli("checkin", "--pain", "4")
    [checkin] = history(cli)["checkins"]
    assert len(checkin["uid"]) == 32 and checkin["corrections"] == []
    assert checkin["original"] is None
    rows = list(csv.DictReader(io.StringIO(cli("history", "--csv").out)))
    assert [(row["type"], row["uid"], row["original_pain"]) for row in rows] == [
        ("checkin", checkin["uid"], "")
    ]


def test_a_mistyped_1_corrected_to_10_closes_strengthening_again(cli, typo: str) -> None:
    result = cli("checkin", "--edit", typo, "--pain", "10")
    assert result.code == 0, result.err
    lines = result.out.splitlines()
    assert lines[0].startswith("Corrected: the check-in of ") and lines[0].endswith(
        ": pain 1 to 10."
    )
    assert "Strengthening is locked again" in result.out  # what the rules now say
    data = status(cli)
    assert "strengthening" in data["locked"] and data["pain"] == 10
    [fixed, *_] = history(cli)["checkins"]
    assert (fixed["uid"], fixed["pain"], fixed["original"]["pain"]) == (typo, 10, 1)
    assert [(c["pain"], c["deleted"]) for c in fixed["corrections"]] == [(10, False)]
    text = cli("history").out
    assert f"pain 10 (corrected from 1 to 10 on {date.today().isoformat()} " in text
    rows = list(csv.DictReader(io.StringIO(cli("history", "--csv").out)))
    assert (rows[-1]["uid"], rows[-1]["pain"], rows[-1]["original_pain"]) == (typo, "10", "1")


def test_a_deleted_check_in_no_longer_counts_and_is_listed_as_deleted(cli, typo: str) -> None:
    result = cli("checkin", "--delete", typo)
    assert result.code == 0, result.err
    assert result.out.startswith("Deleted: the check-in of ")
    assert "(pain 1)." in result.out.splitlines()[0]
    data = status(cli)
    assert "strengthening" in data["locked"] and data["pain"] == 5
    listed = history(cli)
    assert typo not in [c["uid"] for c in listed["checkins"]]
    assert [c["uid"] for c in listed["deleted_checkins"]] == [typo]
    text = cli("history").out
    deleted_part = text.split("Deleted check-ins")[1]
    assert "pain  1 (deleted on " in deleted_part
    assert "pain  1" not in text.split("Deleted check-ins")[0]
    assert json.loads(cli("stats", "--json").out)["pain"]["latest"] == 5


def test_an_edit_keeps_what_it_does_not_name(cli) -> None:
    cli("checkin", "--pain", "4", "--spasms", "fewer", "--note", "after gardening")
    uid = newest_uid(cli)
    assert cli("checkin", "--edit", uid, "--spasms", "more").code == 0
    [now] = history(cli)["checkins"]
    assert (now["pain"], now["spasms"], now["note"]) == (4, "more", "after gardening")
    assert cli("checkin", "--edit", uid, "--note", "").code == 0
    assert history(cli)["checkins"][0]["note"] is None


def test_an_edit_that_changes_nothing_writes_nothing(cli, data_dir: Path) -> None:
    cli("checkin", "--pain", "4")
    result = cli("checkin", "--edit", newest_uid(cli), "--pain", "4")
    assert result.code == 0 and result.out.startswith("Nothing to change:")
    assert corrections_stored(data_dir) == 0


@pytest.mark.parametrize("pain", ["١٠", "10.0", " 10", "+5", "11", "-1", ""])
def test_a_pain_that_is_not_0_to_10_in_plain_digits_is_refused(
    cli, data_dir: Path, pain: str
) -> None:
    cli("checkin", "--pain", "4")
    result = cli("checkin", "--edit", newest_uid(cli), "--pain", pain)
    assert result.code == 2 and "--pain" in result.err
    assert corrections_stored(data_dir) == 0
    assert cli("checkin", "--pain", pain).code == 2  # a new check-in: the same one check
    assert [c["pain"] for c in history(cli)["checkins"]] == [4]


@pytest.mark.parametrize(
    ("option", "uid", "message"),
    [
        ("--edit", "f" * 32, "there is no check-in " + "f" * 32),
        ("--delete", "f" * 32, "there is no check-in " + "f" * 32),
        ("--edit", "12", "'12' is not a check-in's uid"),
        ("--delete", "", "'' is not a check-in's uid"),
        ("--delete", "a\x1b[2Jb", r"'a\x1b[2Jb' is not a check-in's uid"),
    ],
)
def test_an_unknown_or_malformed_uid_exits_2_and_changes_nothing(
    cli, data_dir: Path, option: str, uid: str, message: str
) -> None:
    cli("checkin", "--pain", "4")
    extra = ["--pain", "5"] if option == "--edit" else []
    result = cli("checkin", option, uid, *extra)
    assert result.code == 2 and message in result.err, result.err
    assert "\x1b" not in result.err
    assert corrections_stored(data_dir) == 0


def test_a_uid_of_a_session_or_a_break_is_refused_by_name(cli, data_dir: Path) -> None:
    cli("safety", "--none")
    with sqlite3.connect(data_dir / DB_NAME) as db:
        (answers,) = db.execute("SELECT uid FROM red_flag_answers").fetchone()
    result = cli("checkin", "--delete", answers)
    assert result.code == 2
    assert "is a set of answers to the safety questions, not a check-in" in result.err
    assert corrections_stored(data_dir) == 0


def test_a_deleted_check_in_cannot_be_deleted_or_edited_again(cli, data_dir: Path) -> None:
    cli("checkin", "--pain", "4")
    uid = newest_uid(cli)
    assert cli("checkin", "--delete", uid).code == 0
    for args in (("--delete", uid), ("--edit", uid, "--pain", "3")):
        result = cli("checkin", *args)
        assert result.code == 2 and "was deleted on" in result.err
    assert corrections_stored(data_dir) == 1


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--edit", "UID"), "say what to change"),
        (("--edit", "UID", "--pain", "3", "--date", "2026-01-01"), "not --date"),
        (("--edit", "UID", "--new-episode", "--pain", "3"), "not --new-episode"),
        (("--delete", "UID", "--note", "x"), "--delete takes no other option (--note)"),
        (("--edit", "UID", "--delete", "UID"), "not allowed with argument"),
    ],
)
def test_options_that_do_not_belong_to_a_correction_are_refused(
    cli, data_dir: Path, args: tuple[str, ...], message: str
) -> None:
    cli("checkin", "--pain", "4")
    uid = newest_uid(cli)
    result = cli("checkin", *(uid if a == "UID" else a for a in args))
    assert result.code == 2 and message in result.err, result.err
    assert corrections_stored(data_dir) == 0


def test_a_bad_note_is_refused_and_nothing_changes(cli, data_dir: Path) -> None:
    cli("checkin", "--pain", "4")
    uid = newest_uid(cli)
    for note, message in (("a\x07b", "control characters"), ("x" * 501, "at most 500")):
        result = cli("checkin", "--edit", uid, "--note", note)
        assert result.code == 2 and message in result.err
    assert corrections_stored(data_dir) == 0


def test_correcting_with_no_history_yet_says_so_and_creates_nothing(cli, data_dir: Path) -> None:
    result = cli("checkin", "--delete", "f" * 32)
    assert result.code == 2 and "the history is empty" in result.err
    assert not (data_dir / DB_NAME).exists()
