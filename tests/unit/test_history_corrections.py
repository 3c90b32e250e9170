"""Corrections of check-ins (SAFETY_RULES.md, "Corrections"): kept beside the original, the
newest wins, on one computer and through the merge of several computers' files."""

from __future__ import annotations

import sqlite3
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from backroutine.core.corrections import Correction, apply_corrections
from backroutine.core.device import Device
from backroutine.core.health import Checkin
from backroutine.core.history import DB_NAME, HistoryStore
from backroutine.core.history.corrections import CorrectionError

PARIS = timezone(timedelta(hours=1))
DAY = datetime(2026, 3, 2, 9, 0, tzinfo=PARIS)
A = Device("a" * 32, "work desk")
B = Device("b" * 32, "home")


def pains(store: HistoryStore) -> list[int]:
    return [checkin.pain for checkin in store.checkins()]


# -- one computer ------------------------------------------------------------------------------


def test_an_edit_changes_what_is_read_and_keeps_the_original(tmp_path: Path) -> None:
    with HistoryStore.open(tmp_path) as store:
        typo = store.add_checkin(at=DAY, pain=1, spasms="fewer", note="after the drive")
        store.add_checkin(at=DAY + timedelta(days=1), pain=8)
        assert typo.uid is not None
        before, after = store.correct_checkin(
            typo.uid, at=DAY + timedelta(days=1, hours=2), pain=10, spasms="more", note=None
        )
        assert (before.pain, after.pain, after.spasms, after.note) == (1, 10, "more", None)
        assert pains(store) == [10, 8]
        now = store.checkins()[0]
        assert now.uid == typo.uid and now.at == typo.at and now.id == typo.id
        assert now.original is not None
        assert (now.original.pain, now.original.spasms, now.original.note) == (
            1, "fewer", "after the drive",
        )  # fmt: skip
        assert [(c.pain, c.deleted, c.device) for c in now.corrections] == [(10, False, None)]
    with sqlite3.connect(tmp_path / DB_NAME) as db:  # the row as first written is untouched
        assert db.execute("SELECT pain, spasms FROM checkins WHERE id = 1").fetchone() == (
            1, "fewer",
        )  # fmt: skip


def test_a_correction_made_after_another_wins_even_with_the_clock_set_back(
    tmp_path: Path,
) -> None:
    with HistoryStore.open(tmp_path) as store:
        uid = store.add_checkin(at=DAY, pain=1).uid
        assert uid is not None
        store.correct_checkin(uid, at=DAY + timedelta(hours=3), pain=9)
        store.correct_checkin(uid, at=DAY + timedelta(hours=1), pain=4)  # a clock set back
        assert pains(store) == [4]
        fixes = store.checkins()[0].corrections
        assert [c.pain for c in fixes] == [9, 4]  # oldest first
        assert fixes[1].at == DAY + timedelta(hours=3, seconds=1)  # placed after the one seen


def test_a_delete_leaves_it_out_of_what_the_rules_read_and_keeps_it(tmp_path: Path) -> None:
    with HistoryStore.open(tmp_path) as store:
        uid = store.add_checkin(at=DAY, pain=1).uid
        store.add_checkin(at=DAY + timedelta(hours=1), pain=7)
        assert uid is not None
        was = store.delete_checkin(uid, at=DAY + timedelta(hours=2))
        assert was.pain == 1
        assert pains(store) == [7]
        _current, deleted = store.checkin_records()
        assert [c.pain for c in deleted] == [1] and deleted[0].corrections[-1].deleted
        with pytest.raises(CorrectionError, match="was deleted on 2026-03-02 11:00"):
            store.delete_checkin(uid, at=DAY + timedelta(hours=3))
        with pytest.raises(CorrectionError, match="was deleted"):
            store.correct_checkin(uid, at=DAY + timedelta(hours=3), pain=2)
        assert pains(store) == [7]


@pytest.mark.parametrize(
    ("uid", "message"),
    [
        ("f" * 32, "there is no check-in"),
        ("nonsense", "is not a check-in's uid"),
        ("F" * 32, "is not a check-in's uid"),
        (" " + "f" * 32, "is not a check-in's uid"),
        ("", "is not a check-in's uid"),
    ],
)
def test_an_unknown_or_malformed_uid_is_refused_and_nothing_is_written(
    tmp_path: Path, uid: str, message: str
) -> None:
    with HistoryStore.open(tmp_path) as store:
        store.add_checkin(at=DAY, pain=5)
        with pytest.raises(CorrectionError, match=message):
            store.correct_checkin(uid, at=DAY, pain=6)
        with pytest.raises(CorrectionError, match=message):
            store.delete_checkin(uid, at=DAY)
        assert pains(store) == [5]
    with sqlite3.connect(tmp_path / DB_NAME) as db:
        assert db.execute("SELECT count(*) FROM checkin_corrections").fetchone() == (0,)


def test_a_uid_of_another_kind_of_record_is_named_and_refused(tmp_path: Path) -> None:
    with HistoryStore.open(tmp_path) as store:
        store.start_session(
            routine_id="r", routine_name="R", category="mobility", steps_total=1, started_at=DAY
        )
        store.add_break(at=DAY, outcome="taken")
        with sqlite3.connect(tmp_path / DB_NAME) as db:
            session, pause = (
                db.execute(f"SELECT uid FROM {table}").fetchone()[0]
                for table in ("sessions", "breaks")
            )
        with pytest.raises(CorrectionError, match="is a session, not a check-in"):
            store.correct_checkin(session, at=DAY, pain=3)
        with pytest.raises(CorrectionError, match="is a desk break, not a check-in"):
            store.delete_checkin(pause, at=DAY)


def test_a_bad_value_is_refused_before_anything_is_written(tmp_path: Path) -> None:
    with HistoryStore.open(tmp_path) as store:
        uid = store.add_checkin(at=DAY, pain=5).uid
        assert uid is not None
        for bad in (11, -1, True, 5.0):
            with pytest.raises(ValueError, match="pain must be a whole number"):
                store.correct_checkin(uid, at=DAY, pain=bad)  # type: ignore[arg-type]
        with pytest.raises(ValueError, match="control characters"):
            store.correct_checkin(uid, at=DAY, pain=4, note="a\x1b[2J")
        assert pains(store) == [5]


def test_a_check_in_from_before_uids_were_random_can_be_corrected(tmp_path: Path) -> None:
    with HistoryStore.open(tmp_path) as store:
        store.add_checkin(at=DAY, pain=2)
    with sqlite3.connect(tmp_path / DB_NAME) as db:  # as schema version 6 named older rows
        db.execute("UPDATE checkins SET uid = 'checkins/1/2026-03-02T09:00:05+01:00'")
    with HistoryStore.open(tmp_path) as store:
        store.correct_checkin("checkins/1/2026-03-02T09:00:05+01:00", at=DAY, pain=3)
        assert pains(store) == [3]


# -- the rule itself, without a store ---------------------------------------------------------


def test_ties_are_broken_by_uid_and_a_correction_of_nothing_is_ignored() -> None:
    checkin = Checkin(at=DAY, pain=1, uid="c" * 32)

    def fix(uid: str, pain: int, target: str = "c" * 32) -> Correction:
        return Correction(uid, target, DAY, False, pain)

    for order in ([fix("1" * 32, 4), fix("2" * 32, 6)], [fix("2" * 32, 6), fix("1" * 32, 4)]):
        current, deleted = apply_corrections([checkin], [*order, fix("3" * 32, 0, "d" * 32)])
        assert [c.pain for c in current] == [6] and deleted == []
    # An edit made after a delete brings the check-in back: the newest wins, always.
    gone = Correction("4" * 32, "c" * 32, DAY + timedelta(hours=1), True, None)
    back = Correction("5" * 32, "c" * 32, DAY + timedelta(hours=2), False, 3)
    assert apply_corrections([checkin], [gone])[0] == []
    assert [c.pain for c in apply_corrections([checkin], [back, gone])[0]] == [3]


# -- two computers -----------------------------------------------------------------------------


def test_an_edit_made_on_one_computer_is_seen_on_the_other(tmp_path: Path) -> None:
    data = tmp_path / "data"
    with HistoryStore.open(data, device=A) as a, HistoryStore.open(data, device=B) as b:
        uid = a.add_checkin(at=DAY, pain=1).uid
        b.add_checkin(at=DAY + timedelta(days=1), pain=6)
        assert uid is not None
        assert pains(b) == [1, 6]  # B reads A's check-in (and caches the merge)
        b.correct_checkin(uid, at=DAY + timedelta(days=1, hours=1), pain=10)
        assert pains(a) == pains(b) == [10, 6]
        fixed = a.checkins()[0]
        assert [c.device for c in fixed.corrections] == [B.id]  # B's record, in B's file
        assert fixed.original is not None and fixed.original.pain == 1
        a.delete_checkin(uid, at=DAY + timedelta(days=1, hours=2))
        assert pains(a) == pains(b) == [6]
        with pytest.raises(CorrectionError, match="was deleted"):
            b.correct_checkin(uid, at=DAY + timedelta(days=2), pain=3)
    with sqlite3.connect(data / "history" / f"{A.id}.sqlite3") as db:  # A's file: only A's
        assert db.execute("SELECT count(*), min(deleted) FROM checkin_corrections").fetchone() == (
            1, 1,
        )  # fmt: skip


def test_two_computers_that_corrected_before_they_synced_agree_on_the_newest(
    tmp_path: Path,
) -> None:
    data = tmp_path / "data"
    with HistoryStore.open(data, device=A) as a:
        uid = a.add_checkin(at=DAY, pain=1).uid
    assert uid is not None
    a_file = data / "history" / f"{A.id}.sqlite3"
    synced = a_file.read_bytes()
    with HistoryStore.open(data, device=A) as a:
        a.correct_checkin(uid, at=DAY + timedelta(hours=2), pain=8)
    corrected = a_file.read_bytes()
    a_file.write_bytes(synced)  # B has not seen A's correction yet
    with HistoryStore.open(data, device=B) as b:
        b.correct_checkin(uid, at=DAY + timedelta(hours=1), pain=3)
    a_file.write_bytes(corrected)  # now both files are everywhere
    with HistoryStore.open(data, device=A) as a, HistoryStore.open(data, device=B) as b:
        assert pains(a) == pains(b) == [8]  # A's was made later
        assert [c.device for c in a.checkins()[0].corrections] == [B.id, A.id]


def _peer_with_row(data: Path, values: tuple[object, ...]) -> None:
    """Device B's file with one correction row written around the table's checks, as a
    damaged or hostile file could hold."""
    path = data / "history" / f"{B.id}.sqlite3"
    with sqlite3.connect(path) as db:
        db.execute("PRAGMA ignore_check_constraints = ON")
        db.execute(
            "INSERT INTO checkin_corrections"
            " (uid, checkin_uid, at, deleted, pain, spasms, note, device) VALUES"
            " (?, ?, ?, ?, ?, ?, ?, ?)",
            values,
        )


_GOOD_ROW: dict[str, object] = {
    "uid": "9" * 32, "checkin_uid": None, "at": "2026-03-02T10:00:00+01:00", "deleted": 0,
    "pain": 7, "spasms": None, "note": None, "device": B.id,
}  # fmt: skip


def _two_computers(tmp_path: Path) -> tuple[Path, str]:
    data = tmp_path / "data"
    with HistoryStore.open(data, device=A) as a:
        uid = a.add_checkin(at=DAY, pain=5).uid
    HistoryStore.open(data, device=B).close()
    assert uid is not None
    return data, uid


@pytest.mark.parametrize(
    "bad",
    [
        {"pain": 11},
        {"pain": "ten"},
        {"pain": None},  # an edit with no pain
        {"deleted": 2},
        {"spasms": "lots"},
        {"at": "yesterday"},
        {"note": "x" * 501},
    ],
)
def test_a_bad_correction_row_of_a_peer_is_left_out_with_a_reason(
    tmp_path: Path, bad: dict[str, object]
) -> None:
    data, uid = _two_computers(tmp_path)
    _peer_with_row(data, tuple({**_GOOD_ROW, "checkin_uid": uid, **bad}.values()))
    with HistoryStore.open(data, device=A) as a:
        assert pains(a) == [5]
        assert a.checkins()[0].corrections == ()
        # The row is left out (peer_rows.py), counted for `devices`; the rest of the file is
        # merged (issue 20: one bad row no longer leaves a whole computer out).
        assert a.unread_files() == {}
        [peer] = [d for d in a.devices() if d.id == B.id]
        assert sum(peer.left_out.values()) == 1


def test_a_peer_s_correction_of_a_check_in_that_does_not_exist_changes_nothing(
    tmp_path: Path,
) -> None:
    data, uid = _two_computers(tmp_path)
    _peer_with_row(data, tuple({**_GOOD_ROW, "checkin_uid": "e" * 32}.values()))
    with HistoryStore.open(data, device=A) as a:
        assert pains(a) == [5] and a.unread_files() == {}
    _peer_with_row(data, tuple({**_GOOD_ROW, "uid": "8" * 32, "checkin_uid": uid}.values()))
    with HistoryStore.open(data, device=A) as a:  # the same row naming the check-in: applied
        assert pains(a) == [7]


def test_a_correction_made_before_the_folder_was_shared_stays_this_computer_s(
    tmp_path: Path,
) -> None:
    data = tmp_path / "data"
    with HistoryStore.open(data) as single:
        uid = single.add_checkin(at=DAY, pain=1).uid
        assert uid is not None
        single.correct_checkin(uid, at=DAY + timedelta(hours=1), pain=9)
    with HistoryStore.open(data, device=A) as a, HistoryStore.open(data, device=B) as b:
        assert pains(a) == pains(b) == [9]
        assert [c.device for c in b.checkins()[0].corrections] == [A.id]


# -- how a correction is said -----------------------------------------------------------------


def test_a_correction_is_said_with_the_computer_s_name_shown_as_text() -> None:
    from backroutine.services.corrections import checkin_dict, correction_text

    original = Checkin(at=DAY, pain=1, uid="c" * 32)
    fix = Correction("1" * 32, "c" * 32, DAY + timedelta(hours=1), False, 10, device=B.id)
    [now], _ = apply_corrections([original], [fix])
    names = {B.id: "home\x1b]0;pwned\x07"}  # a name from another computer's file
    said = correction_text(now, names)
    assert said == "corrected from 1 to 10 on 2026-03-02 10:00, on home\\x1b]0;pwned\\x07"
    assert correction_text(now) == "corrected from 1 to 10 on 2026-03-02 10:00"
    assert correction_text(original) is None
    data = checkin_dict(now, names)
    assert data["original"] == {"pain": 1, "spasms": None, "note": None}
    assert data["corrections"] == [
        {
            "uid": "1" * 32, "at": "2026-03-02T10:00:00+01:00", "deleted": False, "pain": 10,
            "spasms": None, "note": None, "device": B.id, "device_name": names[B.id],
        }
    ]  # fmt: skip
    gone = Correction("2" * 32, "c" * 32, DAY + timedelta(hours=2), True, None)
    _, [deleted] = apply_corrections([original], [fix, gone])
    assert correction_text(deleted) == "deleted on 2026-03-02 11:00"


def test_two_corrections_in_one_second_the_second_wins(tmp_path: Path) -> None:
    with HistoryStore.open(tmp_path) as store:
        uid = store.add_checkin(at=DAY, pain=1).uid
        assert uid is not None
        for pain in range(2, 10):  # all "at the same second": uids alone would pick at random
            store.correct_checkin(uid, at=DAY + timedelta(hours=1), pain=pain)
            assert pains(store) == [pain]
        store.delete_checkin(uid, at=DAY + timedelta(hours=1))
        assert pains(store) == []
        times = [c.at for c in store.checkin_records()[1][0].corrections]
        assert times == sorted(set(times))  # each a second after the one before
