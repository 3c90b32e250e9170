"""A synced folder is untrusted input (issue 20): other computers' files made by the app and
then altered (views, triggers, future dates, wrong types, uid collisions) change nothing this
computer decides about its own safety answers, pain or sessions, crash no command, hang none."""

from __future__ import annotations

import json
import shutil
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import pytest

import hostile_peers as peers
from backroutine.core.device import this_device
from backroutine.core.history import HistoryStore

READING = [
    ("history",),
    ("history", "--json"),
    ("history", "--csv"),
    ("stats",),
    ("status",),
    ("status", "--json"),
    ("devices",),
    ("devices", "--json"),
    ("doctor",),
    ("activities",),
]
# What status --json says that the safety rules decide.
DECIDED = (
    "unlocked", "locked", "locked_all", "strengthening_level", "see_professional", "reasons",
    "urgency", "pain", "baseline", "trend", "last_flare", "red_flags",
)  # fmt: skip


def decided(cli: Callable) -> dict[str, object]:
    result = cli("status", "--json")
    assert result.code == 0, result.err
    shown = json.loads(result.out)
    return {key: shown[key] for key in DECIDED}


def own_file() -> str:
    return f"{this_device().id}.sqlite3"


@pytest.fixture
def mine(data_dir: Path) -> Path:
    """This computer's history in a shared folder: two sessions stopped with "this hurts"."""
    (data_dir / "history").mkdir(parents=True)
    with HistoryStore.open(data_dir) as store:
        for day in (2, 1):
            session = store.start_session(
                routine_id="core-basics", routine_name="Core", category="strengthening",
                steps_total=4, started_at=peers.NOW - timedelta(days=day), level=2,
            )  # fmt: skip
            store.finish_session(
                session, status="stopped", reason="pain", steps_done=1, active_seconds=20,
                at=peers.NOW - timedelta(days=day) + timedelta(minutes=2),
            )  # fmt: skip
    return data_dir / "history" / own_file()


def hostile(data: Path, own: Path) -> list[Path]:
    return [
        peers.future_answers(data),
        peers.future_checkins(data),
        peers.broken_rows(data),
        peers.endless_view(data),
        peers.trigger(data),
        peers.collisions(data, own),
        peers.claims_this_computer(data, this_device().id),
    ]


def test_a_peer_s_answers_dated_9999_never_hide_this_computer_s_emergency(
    cli: Callable, data_dir: Path, mine: Path
) -> None:
    peers.future_answers(data_dir)
    assert cli("safety", "--yes", "saddle_numbness").code == 0
    shown = json.loads(cli("status", "--json").out)
    assert shown["locked_all"] and shown["urgency"] == "emergency"
    assert cli("play", "desk-break", "--plain").code == 3


def test_a_peer_s_check_ins_dated_9999_at_pain_1_never_open_strengthening(
    cli: Callable, data_dir: Path, mine: Path
) -> None:
    peers.future_checkins(data_dir)
    result = cli("checkin", "--pain", "9", "--spasms", "more")
    assert result.code == 0, result.err
    assert "Strengthening is open" not in result.out
    status = cli("status")
    assert "Pain now: 9/10" in status.out and "Pain now: 1/10" not in status.out


def test_every_command_decides_as_without_the_peers_exits_0_and_is_quick(
    cli: Callable, data_dir: Path, mine: Path, tmp_path: Path
) -> None:
    assert cli("safety", "--yes", "saddle_numbness").code == 0
    assert cli("checkin", "--pain", "8", "--spasms", "more").code == 0
    alone = decided(cli)
    files = hostile(data_dir, mine)
    started = time.monotonic()
    for args in READING:
        result = cli(*args)
        assert result.code == 0, (args, result.err)
        assert "\x1b" not in result.out + result.err, args  # the BLOB note, escaped or left out
    report = cli("report", "--out", str(tmp_path / "report.html"))
    assert report.code == 0, report.err
    assert time.monotonic() - started < 30  # eleven commands; a hang would never end
    assert decided(cli) == alone
    assert cli("play", "desk-break", "--plain").code == 3
    # Each file left out is named once, never this computer's own.
    status = cli("status")
    for path in files[3:5] + files[6:]:
        assert sum(path.name in line for line in status.err.splitlines()) == 1, path.name
    assert own_file() not in status.err and "move the file away" not in status.err
    devices = cli("devices").out
    assert "records of broken rows left out: minutes played" in devices
    doctor = cli("doctor").out
    assert "records of broken rows left out: minutes played" in doctor
    assert "endless view" not in doctor and "eeeeeeee" in doctor  # the file, by its name
    assert "1 record of future answers left out: a safety answer time more than a day" in devices
    # Writing here still works with them all in the folder, and decides the same.
    answered = cli("safety", "--yes", "saddle_numbness")
    assert answered.code == 0, answered.err
    checkin = cli("checkin", "--pain", "8", "--spasms", "more")
    assert checkin.code == 0 and "Strengthening is open" not in checkin.out
    with_them = decided(cli)
    # Without the peers, from the same history of this computer: the same decisions.
    for path in files:
        shutil.move(path, tmp_path / path.name)
    assert with_them == decided(cli)


def test_a_peer_s_copies_never_undo_this_computer_s_hurt_stops(
    cli: Callable, data_dir: Path, mine: Path
) -> None:
    alone = decided(cli)
    assert any(r["code"] == "hurt_stops" for r in alone["reasons"])  # type: ignore[attr-defined]
    peers.collisions(data_dir, mine)
    assert decided(cli) == alone
    shown = json.loads(cli("history", "--json").out)
    mine_now = [s for s in shown["sessions"] if s["routine_id"] == "core-basics"]
    assert sorted(s["status"] for s in mine_now) == ["stopped", "stopped"]
