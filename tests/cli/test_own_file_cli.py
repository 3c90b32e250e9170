"""This computer's own side of a synced folder (issue 20): names from the folder are data, a
linked history/ is refused, linked device files are named. The own file's checks are in
test_own_file.py and the CLI's in the second half of this file."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from backroutine.core.device import Device, this_device
from backroutine.core.history import HistoryStore
from backroutine.core.history.seen import SEEN_FOLDER

DAY = datetime(2026, 3, 2, 9, 0, tzinfo=timezone(timedelta(hours=1)))
# An OSC title, a clear screen, an OSC 52 clipboard write, a C1 CSI and a bidi override.
EVIL = "\x1b]0;pwned\x07\x1b[2J\x1b]52;c;SGVsbG8=\x07\x9b2J\u202eevil"
RAW = ("\x1b", "\x07", "\x9b", "\u202e")
PEER = Device("c" * 32, "home")


def no_raw(text: str) -> None:
    found = [char for char in RAW if char in text]
    assert not found, f"raw control codes reached the terminal: {found!r} in {text!r}"


def evil_peer(data_dir: Path) -> None:
    with HistoryStore.open(data_dir, device=PEER) as peer:
        peer.add_checkin(at=DAY, pain=5)
        # As a broken or hostile peer would have written it: a name full of codes.
        peer._write("UPDATE meta SET value = ? WHERE key = 'device_name'", (EVIL,))


def test_a_peer_s_name_is_printed_escaped_by_devices(cli: Callable, data_dir: Path) -> None:
    evil_peer(data_dir)
    assert cli("checkin", "--pain", "3").code == 0
    for args in (["devices"], ["devices", "--json"], ["status"], ["history"]):
        result = cli(*args)
        assert result.code == 0, result.err
        no_raw(result.out + result.err)
    shown = cli("devices")
    assert "\\x1b]0;pwned\\x07" in shown.out and "\\u202eevil" in shown.out
    names = {d["name"] for d in json.loads(cli("devices", "--json").out)["devices"]}
    assert any("pwned" in name for name in names)  # the same text, as JSON escapes


def test_the_missing_device_notice_and_the_seen_file_hold_no_codes(
    cli: Callable, data_dir: Path, tmp_path: Path
) -> None:
    evil_peer(data_dir)
    assert cli("checkin", "--pain", "3").code == 0
    (data_dir / "history" / f"{PEER.id}.sqlite3").unlink()
    for args in (["status"], ["checkin", "--pain", "4"], ["devices"], ["devices", "--json"]):
        result = cli(*args)
        assert result.code == 0, result.err
        no_raw(result.out + result.err)
    assert "no longer in the folder" in cli("devices").out.lower()
    seen = list((tmp_path / "config" / "backroutine" / SEEN_FOLDER).glob("*.json"))
    assert seen
    for path in seen:
        text = path.read_text(encoding="utf-8")
        stored = json.loads(text)
        assert all(ord(c) >= 0x20 for d in stored["devices"] for c in d["name"] + d["file"])
        no_raw(json.dumps(stored, ensure_ascii=False))


def test_a_device_file_named_with_codes_is_printed_escaped(cli: Callable, data_dir: Path) -> None:
    assert cli("devices", "--share").code == 0
    assert cli("checkin", "--pain", "3").code == 0
    folder = data_dir / "history"
    bad = folder / "\x1b]0;pwned\x07\u202e.sqlite3"
    bad.write_bytes(b"not a database at all")  # left out, and named in the notice
    link = folder / "\x1b[2Jlinked.sqlite3"
    os.symlink(folder / f"{this_device().id}.sqlite3", link)
    for args in (["status"], ["checkin", "--pain", "4"], ["devices"], ["devices", "--json"]):
        result = cli(*args)
        assert result.code == 0, result.err
        no_raw(result.out + result.err)
    result = cli("status")
    assert "\\x1b]0;pwned\\x07\\u202e.sqlite3" in result.err
    assert "\\x1b[2Jlinked.sqlite3 is a link" in result.err


@pytest.mark.parametrize(
    "name", ["\x1b]0;pwned\x07", "work\u202edesk", "a\x9bb", "two\nlines", "tab\there", "\x07"]
)
def test_devices_name_refuses_control_and_bidi_characters(
    cli: Callable, data_dir: Path, name: str
) -> None:
    before = this_device()
    result = cli("devices", "--name", name)
    assert result.code == 2
    assert "must not contain control or bidirectional characters" in result.err
    no_raw(result.err)
    assert this_device() == before  # nothing stored


def test_a_linked_history_folder_is_refused_and_nothing_written_through_it(
    cli: Callable, data_dir: Path, tmp_path: Path
) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    data_dir.mkdir(parents=True)
    (data_dir / "history").symlink_to(elsewhere)
    for args in (["checkin", "--pain", "3"], ["safety", "--none"], ["status"], ["devices"]):
        result = cli(*args)
        assert result.code == 1, (args, result.err)
        assert "history is a symbolic link" in result.err
        assert "Traceback" not in result.err
    assert list(elsewhere.iterdir()) == []


def test_a_linked_device_file_is_named_once_and_never_read(
    cli: Callable, data_dir: Path, tmp_path: Path
) -> None:
    outside = tmp_path / "outside"
    with HistoryStore.open(outside, device=PEER) as other:
        other.add_checkin(at=DAY, pain=9)
    assert cli("devices", "--share").code == 0
    assert cli("checkin", "--pain", "3").code == 0
    link = data_dir / "history" / f"{PEER.id}.sqlite3"
    link.symlink_to(outside / "history" / f"{PEER.id}.sqlite3")
    result = cli("status", "--json")
    assert result.code == 0
    assert json.loads(result.out)["pain"] == 3  # the linked file's pain 9 is not read
    assert result.err.count(f"{link} is a link") == 1
    shown = json.loads(cli("devices", "--json").out)
    assert [d["this"] for d in shown["devices"]] == [True]
    assert {u["file"] for u in shown["unread_files"]} == {str(link)}
    text = cli("devices").out
    assert f"Left out: {link} is a link (never read)." in text
    assert "Not read just now" not in text  # a link is not a file still being copied


# -- this computer's own file: adopted with triggers, replaced, shared with another ----------


def _single_file_with_triggers(data_dir: Path) -> None:
    import sqlite3

    from backroutine.core.history import DB_NAME

    with HistoryStore.open(data_dir) as store:
        store.add_checkin(at=DAY, pain=4)
    with sqlite3.connect(data_dir / DB_NAME) as db:
        db.execute(
            "CREATE TRIGGER eat AFTER INSERT ON checkins"
            " BEGIN DELETE FROM checkins WHERE id = NEW.id; END"
        )
        db.execute(
            "CREATE TRIGGER erase AFTER INSERT ON red_flag_answers"
            " BEGIN DELETE FROM red_flag_answers; END"
        )
    db.close()


def test_an_adopted_file_with_a_trigger_keeps_the_check_in_and_the_emergency(
    cli: Callable, data_dir: Path
) -> None:
    _single_file_with_triggers(data_dir)
    shared = cli("devices", "--share")
    assert shared.code == 0 and "trigger eat, trigger erase" in shared.err
    saved = cli("checkin", "--pain", "6")
    assert saved.code == 0 and "Saved" in saved.out
    assert [c["pain"] for c in json.loads(cli("history", "--json").out)["checkins"]] == [6, 4]
    assert cli("safety", "--yes", "saddle_numbness").code == 0
    status = json.loads(cli("status", "--json").out)
    assert status["urgency"] == "emergency" and status["pain"] == 6
    assert cli("play", "gentle-morning-ease", "--plain").code == 3  # held by the emergency


def test_two_computers_with_one_id_are_found_and_this_one_gets_its_own_keeping_its_records(
    cli: Callable, data_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import shutil

    first, second = tmp_path / "config", tmp_path / "config-copy"
    (data_dir / "history").mkdir(parents=True)
    assert cli("checkin", "--pain", "3", "--date", "2026-03-01").code == 0
    shutil.copytree(first, second)  # the config folder copied to a second computer
    assert cli("checkin", "--pain", "4", "--date", "2026-03-02").code == 0
    monkeypatch.setenv("XDG_CONFIG_HOME", str(second))
    # Found at once: this computer takes an id of its own and the check-in is saved.
    saved = cli("checkin", "--pain", "5", "--date", "2026-03-03")
    assert saved.code == 0 and "Saved" in saved.out
    assert "now has an id of its own" in saved.err
    shown = cli("devices", "--json")
    assert shown.code == 0 and "now has an id of its own" not in shown.err  # said once
    new_id = json.loads(shown.out)["this_device"]["id"]
    assert new_id == this_device().id
    assert (data_dir / "history" / f"{new_id}.sqlite3").is_file()
    pains = [c["pain"] for c in json.loads(cli("history", "--json").out)["checkins"]]
    assert pains == [5, 4, 3]  # every record, each once
    monkeypatch.setenv("XDG_CONFIG_HOME", str(first))  # the first computer goes on as before
    again = cli("checkin", "--pain", "6")
    assert again.code == 0 and "Saved" in again.out
    pains = [c["pain"] for c in json.loads(cli("history", "--json").out)["checkins"]]
    assert pains == [6, 5, 4, 3]


def test_an_unreadable_device_json_is_kept_aside_said_and_replaced_by_a_new_id(
    cli: Callable, data_dir: Path, tmp_path: Path
) -> None:
    (data_dir / "history").mkdir(parents=True)
    assert cli("checkin", "--pain", "3").code == 0
    config = tmp_path / "config" / "backroutine"
    old_id = this_device().id
    (config / "device.json").write_text('{"id": "half a fi', encoding="utf-8")
    result = cli("checkin", "--pain", "4")
    assert result.code == 0 and "Saved" in result.out
    assert "could not be read" in result.err and "gets a new id" in result.err
    kept = list(config.glob("device.json.unreadable-*"))
    assert len(kept) == 1 and kept[0].read_text(encoding="utf-8") == '{"id": "half a fi'
    assert this_device().id != old_id
    assert "could not be read" not in cli("status").err  # said once
    pains = sorted(c["pain"] for c in json.loads(cli("history", "--json").out)["checkins"])
    assert pains == [3, 4]  # the old id's records are still shown
