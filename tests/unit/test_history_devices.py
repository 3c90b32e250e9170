"""Two computers, one history (issue 15): one file per device in history/, read as a merge.
Sync engines' situations are made with copied files: conflict copies, half-copied files,
clock skew, a device removed, the single file migrated."""

from __future__ import annotations

import os
import shutil
import sqlite3
import threading
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from backroutine.core.device import Device, DeviceError, rename_device, this_device
from backroutine.core.history import DB_NAME, HistoryStore
from backroutine.core.history.layout import history_exists, is_shared, source_files
from backroutine.core.readonly import open_read_only

A = Device("a" * 32, "work desk")
B = Device("b" * 32, "home")
PARIS = timezone(timedelta(hours=1))
DAY = datetime(2026, 3, 2, 9, 0, tzinfo=PARIS)


def pains(store: HistoryStore) -> list[int]:
    return [checkin.pain for checkin in store.checkins()]


def test_each_computer_writes_only_its_own_file_and_reads_everyone_s(tmp_path: Path) -> None:
    data = tmp_path / "data"
    with HistoryStore.open(data, device=A) as a, HistoryStore.open(data, device=B) as b:
        a.add_checkin(at=DAY, pain=7)
        b.add_checkin(at=DAY + timedelta(days=1), pain=5)
        a.add_checkin(at=DAY + timedelta(days=2), pain=6)
        assert pains(a) == pains(b) == [7, 5, 6]
        assert [path.name for path in source_files(data)] == [f"{A.id}.sqlite3", f"{B.id}.sqlite3"]
        for device in (A, B):
            with sqlite3.connect(data / "history" / f"{device.id}.sqlite3") as db:
                assert db.execute("PRAGMA journal_mode").fetchone() == ("delete",)
    # Nothing lies beside the files between writes (no -wal, -shm or -journal to sync apart).
    assert sorted(os.listdir(data / "history")) == [f"{A.id}.sqlite3", f"{B.id}.sqlite3"]
    assert not (data / DB_NAME).exists()


def test_ten_check_ins_at_once_on_each_computer_are_all_kept(tmp_path: Path) -> None:
    data = tmp_path / "data"

    def write(device: Device, pain: int) -> None:
        with HistoryStore.open(data, device=device) as store:
            for minute in range(10):
                store.add_checkin(at=DAY + timedelta(minutes=minute), pain=pain)

    HistoryStore.open(data, device=A).close()  # the folder made once, as on the first run
    threads = [threading.Thread(target=write, args=(d, p)) for d, p in ((A, 3), (B, 4))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    with HistoryStore.open(data, device=A) as store:
        assert sorted(pains(store)) == [3] * 10 + [4] * 10
        summaries = {s.name: s.counts.get("checkins") for s in store.devices()}
        assert summaries == {"work desk": 10, "home": 10}


def test_a_conflict_copy_is_merged_by_id_never_lost_never_doubled(tmp_path: Path) -> None:
    data = tmp_path / "data"
    with HistoryStore.open(data, device=B) as b:
        b.add_checkin(at=DAY, pain=5)
        session = b.start_session(
            routine_id="core", routine_name="Core", category="strengthening",
            steps_total=4, started_at=DAY,
        )  # fmt: skip
    own = data / "history" / f"{B.id}.sqlite3"
    names = [
        f"{B.id}.sync-conflict-20260302-101010-ABCDEFG.sqlite3",
        f"{B.id} (home's conflicted copy 2026-03-02).sqlite3",
        f"{B.id}.sqlite3.orig",
    ]
    for name in names:
        shutil.copy(own, data / "history" / name)
    with HistoryStore.open(data, device=B) as b:
        b.finish_session(session, status="completed", steps_done=4, active_seconds=60, at=DAY)
        b.add_checkin(at=DAY + timedelta(hours=1), pain=4)
    with HistoryStore.open(data, device=A) as a:
        assert pains(a) == [5, 4]
        # The copies hold the session as it began: the one that went further is kept.
        assert [(s.status, s.steps_done) for s in a.sessions()] == [("completed", 4)]
        assert a.notices == []


def test_a_half_copied_file_is_left_out_with_a_notice_and_read_again_later(
    tmp_path: Path,
) -> None:
    data = tmp_path / "data"
    with HistoryStore.open(data, device=B) as b:
        for hour in range(50):
            b.add_checkin(at=DAY + timedelta(hours=hour), pain=hour % 11, note="x" * 400)
    whole = (data / "history" / f"{B.id}.sqlite3").read_bytes()
    half = data / "history" / f"{B.id}.sqlite3"
    half.write_bytes(whole[: len(whole) // 2])
    with HistoryStore.open(data, device=A) as a:
        a.add_checkin(at=DAY, pain=2)
        assert pains(a) == [2]
        assert len(a.notices) == 1 and str(half) in a.notices[0]
        assert half in a.unread_files()
        assert half.read_bytes() == whole[: len(whole) // 2]  # never written to
        half.write_bytes(whole)  # the sync engine finishes
        assert len(a.checkins()) == 51 and a.unread_files() == {}


@pytest.mark.parametrize("content", [b"", b"not a database at all" * 50])
def test_a_file_that_is_not_a_history_is_left_out(tmp_path: Path, content: bytes) -> None:
    data = tmp_path / "data"
    (data / "history").mkdir(parents=True)
    (data / "history" / f"{B.id}.sqlite3").write_bytes(content)
    with HistoryStore.open(data, device=A) as a:
        a.add_checkin(at=DAY, pain=2)
        assert pains(a) == [2]
    assert (data / "history" / f"{B.id}.sqlite3").read_bytes() == content


def test_a_file_from_a_newer_version_is_left_out_with_a_notice(tmp_path: Path) -> None:
    data = tmp_path / "data"
    HistoryStore.open(data, device=B).close()
    with sqlite3.connect(data / "history" / f"{B.id}.sqlite3") as db:
        db.execute("PRAGMA user_version = 99")
    with HistoryStore.open(data, device=A) as a:
        assert pains(a) == [] and "newer backroutine" in a.notices[0]


def test_records_are_ordered_by_instant_whatever_the_zone_and_the_same_everywhere(
    tmp_path: Path,
) -> None:
    data = tmp_path / "data"
    new_york = timezone(timedelta(hours=-5))
    with HistoryStore.open(data, device=A) as a, HistoryStore.open(data, device=B) as b:
        a.add_checkin(at=datetime(2026, 3, 2, 9, 0, tzinfo=PARIS), pain=1)  # 08:00 UTC
        b.add_checkin(at=datetime(2026, 3, 2, 2, 30, tzinfo=new_york), pain=2)  # 07:30 UTC
        a.add_checkin(at=datetime(2026, 3, 2, 10, 0, tzinfo=PARIS), pain=3)  # 09:00 UTC
        b.add_checkin(at=datetime(2026, 3, 2, 4, 0, tzinfo=new_york), pain=4)  # 09:00 UTC too
        assert [c.at.utcoffset() for c in a.checkins()][:1] == [timedelta(hours=-5)]
        assert pains(a)[:2] == [2, 1] and sorted(pains(a)[2:]) == [3, 4]
        assert pains(a) == pains(b)  # the tie is broken the same way on both


def test_a_removed_device_file_takes_its_records_with_it_and_the_person_is_told_once(
    tmp_path: Path,
) -> None:
    data = tmp_path / "data"
    with HistoryStore.open(data, device=B) as b:
        b.add_checkin(at=DAY, pain=5)
        b.add_break(at=DAY, outcome="taken")
    with HistoryStore.open(data, device=A) as a:
        a.add_checkin(at=DAY, pain=2)
        assert sorted(pains(a)) == [2, 5] and a.notices == []
        (data / "history" / f"{B.id}.sqlite3").unlink()
        assert pains(a) == [2]
        assert [s.name for s in a.devices()] == ["work desk"]
        assert a.notices == [
            "The history of home is no longer in the folder: its 2 records are not shown; if "
            "it was removed on purpose, nothing to do (if not, put back "
            f"{data / 'history' / B.id}.sqlite3, from a backup or the other computer, and "
            "they are shown again)."
        ]
        assert [(s.id, s.records) for s in a.missing_devices()] == [(B.id, 2)]
    # Said once: the next start lists it (devices) but does not say it again.
    with HistoryStore.open(data, device=A) as a:
        assert pains(a) == [2] and a.notices == []
        assert [s.name for s in a.missing_devices()] == ["home"]
    # The record is this computer's, in its config folder, never in the synced folder.
    assert len(list((tmp_path / "config" / "backroutine" / "seen").iterdir())) == 1
    assert sorted(os.listdir(data / "history")) == [f"{A.id}.sqlite3"]


def test_a_device_file_that_comes_back_is_merged_again_and_no_longer_missing(
    tmp_path: Path,
) -> None:
    data = tmp_path / "data"
    with HistoryStore.open(data, device=B) as b:
        b.add_checkin(at=DAY, pain=5)
    own = data / "history" / f"{B.id}.sqlite3"
    kept = own.read_bytes()
    with HistoryStore.open(data, device=A) as a:
        assert sorted(pains(a)) == [5]
        own.unlink()
        assert pains(a) == [] and len(a.notices) == 1
        own.write_bytes(kept[: len(kept) // 2])  # the sync engine brings it back, half copied
        assert pains(a) == [] and a.missing_devices() == []  # there, though not read yet
        own.write_bytes(kept)
        assert pains(a) == [5] and a.missing_devices() == [] and len(a.notices) == 2
        own.unlink()  # gone again: said again
        assert pains(a) == [] and "no longer in the folder" in a.notices[-1]


def test_a_device_never_seen_here_is_never_said_missing(tmp_path: Path) -> None:
    data = tmp_path / "data"
    with HistoryStore.open(data, device=B) as b:
        b.add_checkin(at=DAY, pain=5)
    (data / "history" / f"{B.id}.sqlite3").unlink()  # before A ever read it
    with HistoryStore.open(data, device=A) as a:
        assert pains(a) == [] and a.notices == [] and a.missing_devices() == []


def test_safety_answers_and_activities_take_the_latest_across_computers(tmp_path: Path) -> None:
    data = tmp_path / "data"
    with HistoryStore.open(data, device=A) as a, HistoryStore.open(data, device=B) as b:
        b.save_red_flags(["fever_unwell"], at=DAY)
        a.save_red_flags([], at=DAY + timedelta(hours=1))
        assert a.red_flags().yes == b.red_flags().yes == frozenset()
        b.save_red_flags(["fever_unwell"], at=DAY + timedelta(hours=2))
        checked = a.mark_red_flags_checked(at=DAY + timedelta(hours=3))
        assert checked.yes == {"fever_unwell"}
        assert b.red_flags().checked_at == DAY + timedelta(hours=3)
        a.add_activity("walking", at=DAY)
        b.add_activity("sitting", at=DAY + timedelta(minutes=1))
        assert [x.name for x in a.activities()] == ["walking", "sitting"]
        a.add_activity_ratings([("walking", 4)], at=DAY + timedelta(minutes=2))
        b.add_checkin(at=DAY + timedelta(minutes=3), pain=3, ratings=[("sitting", 6)])
        assert [(r.activity, r.score) for r in a.ratings()] == [("walking", 4), ("sitting", 6)]
        assert a.ratings() == b.ratings()
        # Rated, and removed, on the computer that did not add it (a copy goes into its file).
        b.add_checkin(at=DAY + timedelta(minutes=4), pain=3, ratings=[("walking", 7)])
        assert [(r.activity, r.score) for r in a.ratings()][-1] == ("walking", 7)
        with pytest.raises(ValueError, match="already"):
            b.add_activity("Walking", at=DAY + timedelta(minutes=5))
        b.remove_activity("walking", at=DAY + timedelta(minutes=6))
        assert [x.name for x in a.activities()] == ["sitting"] == [x.name for x in b.activities()]
        assert len(a.ratings()) == 3  # a removed activity keeps its ratings


def test_the_single_file_becomes_this_computer_s_with_nothing_lost(tmp_path: Path) -> None:
    data = tmp_path / "data"
    with HistoryStore.open(data) as old:  # one computer, as before: history.sqlite3
        assert old.path == data / DB_NAME
        session = old.start_session(
            routine_id="core", routine_name="Core", category="strengthening",
            steps_total=3, started_at=DAY, level=2,
        )  # fmt: skip
        old.finish_session(session, status="completed", steps_done=3, active_seconds=90, at=DAY)
        old.add_activity("socks", at=DAY)
        old.add_checkin(at=DAY, pain=6, spasms="fewer", note="stiff", ratings=[("socks", 4)])
        old.add_break(at=DAY, outcome="taken", routine_id="core", minutes=2.5)
        old.save_red_flags(["fever_unwell"], at=DAY)
        old.mark_red_flags_checked(at=DAY + timedelta(days=1))
        old.set_setting("first_run_done", "1")
        before = (
            old.sessions(), old.checkins(), old.breaks(), old.red_flags(), old.activities(),
            old.ratings(), old.played_sessions(),
        )  # fmt: skip
    shutil.copy(data / DB_NAME, tmp_path / "copy.sqlite3")
    (data / ".stfolder").mkdir()  # Syncthing now shares the folder
    assert is_shared(data)
    with HistoryStore.open(data, device=A) as new:
        assert new.path == data / "history" / f"{A.id}.sqlite3"
        assert "moved" in new.notices[0] and "history.sqlite3.migrated" in new.notices[0]
        after = (
            new.sessions(), new.checkins(), new.breaks(), new.red_flags(), new.activities(),
            new.ratings(), new.played_sessions(),
        )  # fmt: skip
        assert after == before
        assert new.get_setting("first_run_done") == "1"
    assert not (data / DB_NAME).exists()
    assert (data / f"{DB_NAME}.migrated").read_bytes() == (tmp_path / "copy.sqlite3").read_bytes()
    # The other computer migrates its own copy of the same single file: nothing is doubled.
    shutil.copy(tmp_path / "copy.sqlite3", data / DB_NAME)
    with HistoryStore.open(data, device=B) as b:
        assert (b.sessions(), b.checkins(), b.breaks()) == before[:3]
        assert b.ratings() == before[5]


def test_a_damaged_single_file_is_moved_aside_as_before(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    (data / DB_NAME).write_bytes(b"garbage, not a database" * 40)
    with HistoryStore.open(data, device=A) as store:
        assert "could not be read" in store.notices[0] and pains(store) == []
    assert any(name.startswith(f"{DB_NAME}.corrupt-") for name in os.listdir(data))


def test_a_shared_history_is_read_only_where_it_cannot_be_written(tmp_path: Path) -> None:
    data = tmp_path / "data"
    with HistoryStore.open(data, device=B) as b:
        b.add_checkin(at=DAY, pain=5)
    (data / ".stfolder").mkdir()
    store = open_read_only(data, "the disk is read-only")
    with store:
        assert pains(store) == [5] and store.read_only
    assert history_exists(data)


def test_this_device_is_kept_in_the_config_folder_and_named(tmp_path: Path) -> None:
    first = this_device()
    assert this_device() == first and len(first.id) == 32
    assert (tmp_path / "config" / "backroutine" / "device.json").is_file()
    renamed = rename_device("  office  ")
    assert renamed == Device(first.id, "office") == this_device()
    for bad in ("", "x" * 61, "tab\there"):
        with pytest.raises(DeviceError):
            rename_device(bad)
    data = tmp_path / "data"
    (data / "history").mkdir(parents=True)
    with HistoryStore.open(data) as store:
        assert store.path.name == f"{first.id}.sqlite3"
    with HistoryStore.open(data, device=A) as other:
        assert {s.name for s in other.devices()} == {"office", "work desk"}


def test_clocks_minutes_apart_lose_nothing_and_agree_on_the_order(tmp_path: Path) -> None:
    """B's clock is 7 minutes slow: its check-in made after A's is dated before it. Both are
    kept once, both computers show the same order (by the times recorded), and a later
    answer on the slow computer still counts as later once its own time is past A's."""
    data = tmp_path / "data"
    slow = timedelta(minutes=7)
    with HistoryStore.open(data, device=A) as a, HistoryStore.open(data, device=B) as b:
        a.add_checkin(at=DAY, pain=6)
        b.add_checkin(at=DAY + timedelta(minutes=2) - slow, pain=4)  # made later, dated earlier
        a.save_red_flags(["constant_pain"], at=DAY + timedelta(minutes=3))
        b.save_red_flags([], at=DAY + timedelta(minutes=20) - slow)  # 13 minutes after A's
        for store in (a, b):
            assert pains(store) == [4, 6]  # each once, in the order of the times recorded
            assert store.red_flags().yes == frozenset()  # B's later answers are the latest
        assert [c.at for c in a.checkins()] == [c.at for c in b.checkins()]


def test_a_rename_on_the_computer_that_added_the_activity_reaches_the_other(
    tmp_path: Path,
) -> None:
    data = tmp_path / "data"
    with HistoryStore.open(data, device=A) as a, HistoryStore.open(data, device=B) as b:
        a.add_activity("walkng", at=DAY)
        a.add_activity_ratings([("walkng", 4)], at=DAY + timedelta(minutes=1))
        a.rename_activity("walkng", "walking")
        assert [x.name for x in b.activities()] == ["walking"]
        assert [(r.activity, r.score) for r in b.ratings()] == [("walking", 4)]
        b.add_activity_ratings([("walking", 6)], at=DAY + timedelta(minutes=2))
        assert [(r.activity, r.score) for r in a.ratings()] == [("walking", 4), ("walking", 6)]
