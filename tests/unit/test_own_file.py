"""This computer's own history file (issue 20, item 4): checked when opened and before it is
adopted (triggers and views it did not make are dropped, after a copy is kept aside), and
checked before each write (a file replaced under it is never written into)."""

from __future__ import annotations

import os
import sqlite3
import stat
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from backroutine.core.device import Device
from backroutine.core.history import DB_NAME, HistoryStore
from backroutine.core.history.layout import device_path, source_files
from backroutine.core.history.own import app_schema

ME = Device("a" * 32, "desk")
NOW = datetime(2026, 3, 2, 9, 0, tzinfo=timezone(timedelta(hours=1)))

EAT_CHECKINS = (
    "CREATE TRIGGER eat AFTER INSERT ON checkins BEGIN DELETE FROM checkins WHERE id = NEW.id; END"
)
ERASE_ANSWERS = (
    "CREATE TRIGGER erase AFTER INSERT ON red_flag_answers"
    " BEGIN DELETE FROM red_flag_answers; END"
)
ENDLESS_VIEW = (
    "CREATE VIEW endless AS WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c)"
    " SELECT x FROM c"
)


def tamper(path: Path, *statements: str) -> None:
    with sqlite3.connect(path) as db:
        for statement in statements:
            db.execute(statement)
    db.close()


def objects(path: Path) -> set[tuple[str, str]]:
    db = sqlite3.connect(path)
    try:
        rows = db.execute("SELECT type, name FROM sqlite_master WHERE type IN ('trigger', 'view')")
        return {(str(kind), str(name)) for kind, name in rows}
    finally:
        db.close()


def own_triggers() -> set[tuple[str, str]]:
    return {("trigger", name) for name in app_schema()[0]}


def single_file_with(tmp_path: Path, *statements: str) -> Path:
    with HistoryStore.open(tmp_path) as store:
        store.add_checkin(at=NOW, pain=4)
    tamper(tmp_path / DB_NAME, *statements)
    return tmp_path


def test_an_adopted_single_file_loses_its_triggers_and_keeps_every_check_in(
    tmp_path: Path,
) -> None:
    folder = single_file_with(tmp_path, EAT_CHECKINS, ERASE_ANSWERS, ENDLESS_VIEW)
    with HistoryStore.open(folder, device=ME) as store:
        said = " ".join(store.notices)
        assert "trigger eat, trigger erase, view endless" in said
        store.add_checkin(at=NOW + timedelta(hours=1), pain=6)
        store.save_red_flags(["saddle_numbness"], at=NOW + timedelta(hours=2))
        store.add_checkin(at=NOW + timedelta(hours=3), pain=7)
        assert [c.pain for c in store.checkins()] == [4, 6, 7]
        assert store.red_flags().yes == {"saddle_numbness"}  # the emergency stands
    own = device_path(folder, ME.id)
    assert objects(own) == own_triggers()
    # The old file is kept as it was, triggers and all (it is the copy kept aside).
    migrated = folder / f"{DB_NAME}.migrated"
    assert ("trigger", "eat") in objects(migrated)
    assert str(migrated) in said


def test_an_own_file_with_a_trigger_is_cleaned_after_a_private_copy_is_kept(
    tmp_path: Path,
) -> None:
    with HistoryStore.open(tmp_path, device=ME) as store:
        store.add_checkin(at=NOW, pain=4)
    own = device_path(tmp_path, ME.id)
    tamper(own, EAT_CHECKINS, ENDLESS_VIEW)
    with HistoryStore.open(tmp_path, device=ME) as store:
        store.add_checkin(at=NOW + timedelta(hours=1), pain=6)
        assert [c.pain for c in store.checkins()] == [4, 6]
        said = " ".join(store.notices)
    copies = sorted(tmp_path.glob("history/*.aside-*"))
    assert len(copies) == 1 and str(copies[0]) in said
    assert stat.S_IMODE(copies[0].stat().st_mode) == 0o600
    assert ("trigger", "eat") in objects(copies[0])  # the file as it was
    assert copies[0] not in source_files(tmp_path)  # never merged as another computer
    # Opened again: nothing more to clean, no second copy.
    with HistoryStore.open(tmp_path, device=ME) as store:
        assert not store.notices
    assert len(list(tmp_path.glob("history/*.aside-*"))) == 1


def test_a_copy_kept_aside_never_overwrites_one_already_there(tmp_path: Path) -> None:
    folder = single_file_with(tmp_path, EAT_CHECKINS)
    with HistoryStore.open(folder) as store:
        assert any("trigger eat" in notice for notice in store.notices)
    tamper(folder / DB_NAME, EAT_CHECKINS)
    first = sorted(folder.glob(f"{DB_NAME}.aside-*"))
    before = first[0].read_bytes()
    with HistoryStore.open(folder) as store:
        store.add_checkin(at=NOW + timedelta(hours=1), pain=6)
        assert [c.pain for c in store.checkins()] == [4, 6]
    copies = sorted(folder.glob(f"{DB_NAME}.aside-*"))
    assert len(copies) == 2 and first[0].read_bytes() == before


def test_an_app_trigger_altered_is_made_again_as_the_app_makes_it(tmp_path: Path) -> None:
    with HistoryStore.open(tmp_path, device=ME) as store:
        store.add_checkin(at=NOW, pain=4)
    own = device_path(tmp_path, ME.id)
    tamper(
        own,
        "DROP TRIGGER checkins_uid",
        "CREATE TRIGGER checkins_uid AFTER INSERT ON checkins"
        " BEGIN DELETE FROM checkins WHERE id = NEW.id; END",
        "DROP TRIGGER sessions_uid",
    )
    with HistoryStore.open(tmp_path, device=ME) as store:
        store.add_checkin(at=NOW + timedelta(hours=1), pain=6)
        assert [c.pain for c in store.checkins()] == [4, 6]
        uids = [row[0] for row in store._read("SELECT uid FROM checkins", (), own=True)]
        assert all(isinstance(uid, str) and len(uid) == 32 for uid in uids[1:])
    assert objects(own) == own_triggers()


def test_a_file_whose_table_is_a_view_is_moved_aside_not_written(tmp_path: Path) -> None:
    with HistoryStore.open(tmp_path, device=ME) as store:
        store.add_checkin(at=NOW, pain=4)
    own = device_path(tmp_path, ME.id)
    tamper(own, "DROP TABLE checkins", "CREATE VIEW checkins AS SELECT 1 AS id")
    with HistoryStore.open(tmp_path, device=ME) as store:
        said = " ".join(store.notices)
        assert "moved aside" in said and "checkins is missing" in said
        store.add_checkin(at=NOW + timedelta(hours=1), pain=6)
        assert [c.pain for c in store.checkins()] == [6]
    assert list(tmp_path.glob("history/*.corrupt-*"))


def test_a_trigger_added_while_open_is_cleaned_for_the_writer_s_connection(
    tmp_path: Path,
) -> None:
    with HistoryStore.open(tmp_path, device=ME) as store:
        tamper(device_path(tmp_path, ME.id), EAT_CHECKINS)
        writer = store.reopen()  # the player's writer opens its own connection
        try:
            writer.add_checkin(at=NOW, pain=5)
            assert any("trigger eat" in notice for notice in writer.notices)
        finally:
            writer.close()
        assert [c.pain for c in store.checkins()] == [5]


@pytest.mark.parametrize("name", ['x"; DROP TABLE checkins; --', "\x1b]0;pwned\x07"])
def test_stranger_names_are_quoted_and_said_escaped(tmp_path: Path, name: str) -> None:
    folder = single_file_with(tmp_path)
    quoted = '"' + name.replace('"', '""') + '"'
    tamper(folder / DB_NAME, f"CREATE VIEW {quoted} AS SELECT 1")
    with HistoryStore.open(folder) as store:
        assert [c.pain for c in store.checkins()] == [4]
        said = " ".join(store.notices)
    assert "\x1b" not in said and "view" in said
    assert os.path.exists(folder / DB_NAME)


def test_nothing_is_cleaned_or_copied_in_a_file_the_app_made(tmp_path: Path) -> None:
    with HistoryStore.open(tmp_path, device=ME) as store:
        store.add_checkin(at=NOW, pain=4)
    with HistoryStore.open(tmp_path, device=ME) as store:
        assert store.notices == []
    assert not list(tmp_path.glob("history/*.aside-*"))


def test_a_file_without_one_of_the_app_s_tables_is_moved_aside(tmp_path: Path) -> None:
    with HistoryStore.open(tmp_path, device=ME):
        pass
    tamper(device_path(tmp_path, ME.id), "DROP TABLE meta")
    with HistoryStore.open(tmp_path, device=ME) as store:
        assert any("meta is missing" in notice for notice in store.notices)
        store.add_checkin(at=NOW, pain=3)
        assert [c.pain for c in store.checkins()] == [3]
