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
from backroutine.core.history import DB_NAME, HistoryError, HistoryStore
from backroutine.core.history.layout import device_path, source_files
from backroutine.core.history.own import app_schema

ME = Device("a" * 32, "desk")
NOW = datetime(2026, 3, 2, 9, 0, tzinfo=timezone(timedelta(hours=1)))

EAT_CHECKINS = (
    "CREATE TRIGGER eat AFTER INSERT ON checkins BEGIN DELETE FROM checkins WHERE id = NEW.id; END"
)
ERASE_ANSWERS = (
    "CREATE TRIGGER erase AFTER INSERT ON red_flag_answers BEGIN DELETE FROM red_flag_answers; END"
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


# -- before each write: the file opened, and this computer's alone ---------------------------


def replace_with_copy(path: Path) -> None:
    """What a sync engine or a restore does: a new file renamed over the old name."""
    copy = path.with_name(path.name + ".new")
    copy.write_bytes(path.read_bytes())
    os.replace(copy, path)


@pytest.mark.parametrize("shared", [True, False])
def test_a_replaced_own_file_is_never_written_into_and_the_write_says_so(
    tmp_path: Path, shared: bool
) -> None:
    store = HistoryStore.open(tmp_path, device=ME if shared else None)
    try:
        store.add_checkin(at=NOW, pain=4)
        path = store.path
        replace_with_copy(path)
        with pytest.raises(HistoryError, match=r"nothing was saved: .* was replaced"):
            store.add_checkin(at=NOW + timedelta(hours=1), pain=9)
    finally:
        store.close()
    with HistoryStore.open(tmp_path, device=ME if shared else None) as again:
        assert [c.pain for c in again.checkins()] == [4]  # nothing half-written anywhere


def test_a_removed_own_file_is_never_written_into(tmp_path: Path) -> None:
    with HistoryStore.open(tmp_path, device=ME) as store:
        store.add_checkin(at=NOW, pain=4)
        store.path.unlink()
        with pytest.raises(HistoryError, match=r"nothing was saved: .* was removed"):
            store.add_checkin(at=NOW + timedelta(hours=1), pain=9)


def test_the_writer_keeps_a_session_it_could_not_write_into_a_replaced_file(
    tmp_path: Path,
) -> None:
    from backroutine.core.writer import HistoryWriter

    notices: list[str] = []
    with HistoryStore.open(tmp_path, device=ME) as store:
        writer = HistoryWriter(store.reopen(), on_notice=notices.append, sleep=lambda s: None,
                               owns_store=True)  # fmt: skip
        writer.submit(lambda s: s.add_checkin(at=NOW, pain=4), what="the first check-in")
        assert writer.drain(5)
        replace_with_copy(store.path)
        writer.submit(lambda s: s.add_checkin(at=NOW + timedelta(hours=1), pain=6),
                      what="the session just played")  # fmt: skip
        assert not writer.drain(0.3)  # kept, not dropped, not written into the old inode
        assert writer.pending == 1
        assert writer.trouble is not None and "was replaced" in writer.trouble
        assert writer.close(0.1) == ["the session just played"]
    assert any("This session is not being saved" in n and "was replaced" in n for n in notices)
    assert not any("written as soon as it can be" in notice for notice in notices)


def test_save_checkin_never_says_saved_for_a_replaced_file(tmp_path: Path) -> None:
    from backroutine.services.checkins import save_checkin

    with HistoryStore.open(tmp_path, device=ME) as store:
        store.add_checkin(at=NOW, pain=4)
        replace_with_copy(store.path)
        report = save_checkin(store, pain=7, now=lambda: NOW + timedelta(hours=1))
    assert not report.saved and report.text.startswith("Not saved")


def foreign_writer(path: Path) -> None:
    """Another computer with this id wrote the file: its token, never noted here."""
    tamper(
        path,
        "INSERT INTO meta (key, value) VALUES ('writer', 'f' || hex(randomblob(16)))"
        " ON CONFLICT (key) DO UPDATE SET value = excluded.value",
    )


def test_a_file_written_by_another_computer_with_this_id_gets_this_one_a_new_id(
    tmp_path: Path,
) -> None:
    # Found on opening: this computer takes an id of its own at once, its records carried
    # over, and the write goes on (a check-in is never turned away for it).
    with HistoryStore.open(tmp_path, device=ME) as store:
        store.add_checkin(at=NOW, pain=4)
    old = device_path(tmp_path, ME.id)
    foreign_writer(old)
    before = old.read_bytes()
    with HistoryStore.open(tmp_path, device=ME) as store:
        assert store.device is not None and store.device.id != ME.id and not store.same_id
        assert any("now has an id of its own" in notice for notice in store.notices)
        store.add_checkin(at=NOW + timedelta(hours=1), pain=6)
        assert [c.pain for c in store.checkins()] == [4, 6]  # each once
    assert old.read_bytes() == before  # the other computer's file is left as it was


def test_when_no_new_id_can_be_made_nothing_is_written_and_it_is_said(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from backroutine.core.history import shared

    def refuse(folder: Path, device: object) -> object:
        raise HistoryError("the disk is full")

    monkeypatch.setattr(shared, "give_new_id", refuse)
    with HistoryStore.open(tmp_path, device=ME) as store:
        store.add_checkin(at=NOW, pain=4)
    foreign_writer(device_path(tmp_path, ME.id))
    with HistoryStore.open(tmp_path, device=ME) as store:
        assert store.same_id
        assert any("uses the same id" in notice for notice in store.notices)
        with pytest.raises(HistoryError, match="nothing was saved: another computer writes"):
            store.add_checkin(at=NOW + timedelta(hours=1), pain=6)
        assert [c.pain for c in store.checkins()] == [4]  # still read, and shown


def test_this_computer_s_own_processes_never_look_like_another_computer(tmp_path: Path) -> None:
    first = HistoryStore.open(tmp_path, device=ME)
    second = HistoryStore.open(tmp_path, device=ME)
    try:
        for hour in range(4):  # taking turns: each one's token replaces the other's
            (first if hour % 2 else second).add_checkin(at=NOW + timedelta(hours=hour), pain=3)
        writer = first.reopen()
        writer.add_checkin(at=NOW + timedelta(hours=5), pain=2)
        writer.close()
        first.add_checkin(at=NOW + timedelta(hours=6), pain=2)
    finally:
        first.close()
        second.close()
    with HistoryStore.open(tmp_path, device=ME) as store:
        assert not store.same_id and len(store.checkins()) == 6


def test_a_new_id_keeps_every_record_and_leaves_the_old_file_as_it_was(tmp_path: Path) -> None:
    from backroutine.core.device import this_device
    from backroutine.core.history.shared import give_new_id

    me = this_device()
    with HistoryStore.open(tmp_path, device=me) as store:
        store.add_checkin(at=NOW, pain=4)
        store.save_red_flags(["saddle_numbness"], at=NOW)
    old = device_path(tmp_path, me.id)
    foreign_writer(old)
    before = old.read_bytes()
    new, said = give_new_id(tmp_path, me)
    assert new.id != me.id and new.name == me.name and this_device() == new
    assert old.read_bytes() == before and str(old) in said
    with HistoryStore.open(tmp_path) as store:
        assert store.device == new and not store.same_id
        store.add_checkin(at=NOW + timedelta(hours=1), pain=5)
        assert [c.pain for c in store.checkins()] == [4, 5]  # shown once, not twice
        assert store.red_flags().yes == {"saddle_numbness"}
        mine = store._read("SELECT pain FROM checkins ORDER BY id", (), own=True)
        assert [row[0] for row in mine] == [4, 5]  # carried over into its own file


def test_thousands_of_device_files_are_capped_to_the_newest_with_a_notice(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from backroutine.core.history import layout

    monkeypatch.setattr(layout, "MAX_FILES", 3)
    for number in range(5):
        peer = Device(f"{number}" * 32, f"peer {number}")
        with HistoryStore.open(tmp_path, device=peer) as store:
            store.add_checkin(at=NOW + timedelta(hours=number), pain=number)
        path = device_path(tmp_path, peer.id)
        os.utime(path, ns=(number * 10**9, number * 10**9))  # the oldest first
    with HistoryStore.open(tmp_path, device=ME) as store:
        said = " ".join(store.notices)
        # Six with this computer's own (the newest: just made, and always read).
        assert "holds 6 history files" in said and "only the 3 most recently changed" in said
        assert "no longer in the folder" not in said  # left out is not gone
        assert sorted(c.pain for c in store.checkins()) == [3, 4]
        assert len(source_files(tmp_path)) == 3
    with HistoryStore.open(tmp_path, device=ME) as store:  # back to 3 files: all read
        for number in "012":
            device_path(tmp_path, number * 32).unlink()
        os.utime(device_path(tmp_path, "3" * 32))  # changed now: no longer the oldest
        assert sorted(c.pain for c in store.checkins()) == [3, 4]
    with HistoryStore.open(tmp_path, device=ME) as store:
        assert not any("history files" in notice for notice in store.notices)


def test_a_read_only_history_is_read_without_its_triggers_and_left_as_it_is(
    tmp_path: Path,
) -> None:
    from backroutine.core.history.schema import _MIGRATIONS
    from backroutine.core.readonly import open_read_only

    path = tmp_path / DB_NAME
    with sqlite3.connect(path) as db:  # an older backroutine's file (schema 5), hand-edited
        for step in _MIGRATIONS[:5]:
            for statement in step:
                db.execute(statement)
        db.execute("PRAGMA user_version = 5")
        db.execute(
            "INSERT INTO checkins (at, pain, created_at) VALUES (?, 4, ?)",
            ("2026-03-02T09:00:00+01:00", "2026-03-02T09:00:00+01:00"),
        )
        # The migration to schema 6 gives every row a uid with an UPDATE: this stops it.
        db.execute(
            "CREATE TRIGGER stop BEFORE UPDATE ON checkins BEGIN SELECT RAISE(ABORT, 'no'); END"
        )
    db.close()
    before = path.read_bytes()
    store = open_read_only(tmp_path, "the disk is read-only")
    try:
        assert [c.pain for c in store.checkins()] == [4]
    finally:
        store.close()
    assert path.read_bytes() == before
