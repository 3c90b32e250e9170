"""`backroutine devices`: the computers sharing a history, and naming this one."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from pathlib import Path

from backroutine.core.device import Device, this_device
from backroutine.core.history import DB_NAME, HistoryStore

OTHER = Device("b" * 32, "home")
DAY = datetime(2026, 3, 2, 9, 0, tzinfo=timezone(timedelta(hours=1)))


def test_one_computer_alone_is_listed_and_nothing_is_created(cli: Callable, data_dir: Path) -> None:
    result = cli("devices", "--json")
    assert result.code == 0, result.err
    shown = json.loads(result.out)
    assert shown["shared"] is False and shown["this_device"]["id"] == this_device().id
    assert [d["this"] for d in shown["devices"]] == [True]
    assert not data_dir.exists()


def test_devices_lists_each_computer_with_its_counts(cli: Callable, data_dir: Path) -> None:
    with HistoryStore.open(data_dir, device=OTHER) as other:
        other.add_checkin(at=DAY, pain=5)
        other.add_break(at=DAY, outcome="taken")
    assert cli("checkin", "--pain", "3").code == 0
    assert cli("devices", "--name", "work desk").code == 0
    shown = json.loads(cli("devices", "--json").out)
    assert shown["shared"] is True
    rows = {d["name"]: (d["this"], d["checkins"], d["breaks"]) for d in shown["devices"]}
    assert rows == {"work desk": (True, 1, 0), "home": (False, 1, 1)}
    text = cli("devices")
    assert "2 computers" in text.out and "work desk (this computer)" in text.out
    assert "home" in text.out and "1 check-ins" in text.out


def test_share_moves_the_single_file_into_this_computer_s(cli: Callable, data_dir: Path) -> None:
    assert cli("checkin", "--pain", "4").code == 0
    assert (data_dir / DB_NAME).exists()
    result = cli("devices", "--share", "--json")
    assert result.code == 0 and "migrated" in result.err
    assert not (data_dir / DB_NAME).exists()
    assert (data_dir / "history" / f"{this_device().id}.sqlite3").exists()
    assert json.loads(result.out)["devices"][0]["checkins"] == 1


def test_a_bad_name_is_refused(cli: Callable, data_dir: Path) -> None:
    result = cli("devices", "--name", "   ")
    assert result.code == 2 and "empty" in result.err  # a bad value: a usage error


def test_a_computer_whose_file_is_gone_is_said_once_then_listed(
    cli: Callable, data_dir: Path
) -> None:
    with HistoryStore.open(data_dir, device=OTHER) as other:
        other.add_checkin(at=DAY, pain=5)
    assert cli("checkin", "--pain", "3").code == 0
    (data_dir / "history" / f"{OTHER.id}.sqlite3").unlink()
    first = cli("devices")
    assert first.code == 0
    assert "The history of home is no longer in the folder: its 1 record is not shown" in (
        first.err
    )
    assert "No longer in the folder: the history of home (1 record not shown" in first.out
    again = cli("devices", "--json")
    assert "no longer in the folder" not in again.err
    missing = json.loads(again.out)["missing_devices"]
    assert [(m["id"], m["records"]) for m in missing] == [(OTHER.id, 1)]
