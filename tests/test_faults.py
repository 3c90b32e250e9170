"""Faults, tried for real with real processes: another program holding the history locked,
kill -9 in the middle of a bout, SIGHUP, input at its end, no terminal, a read-only or full
disk, and a history file that is a symbolic link. Nothing the person did is lost, the timer
keeps time, and every failure is a clear message, never a traceback or exit 70."""

from __future__ import annotations

import json
import os
import pty
import resource
import select
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from backroutine.core import history
from backroutine.core.history import DB_NAME, HistoryStore
from history_locks import locked

BIN = [sys.executable, "-m", "backroutine"]
SIX_SECONDS = (
    "name: Three steps\ncategory: gentle\ndefaults: {get_ready: 0}\n"
    "steps: [{name: Alpha, duration: 2s}, {name: Bravo, duration: 2s}, {name: Charlie, duration: 2s}]\n"
)
LONG_HOLD = "name: Long hold\ncategory: gentle\ndefaults: {get_ready: 0}\nsteps: [{name: Hold, hold: 60s}]\n"


def env_for(home: Path, **extra: str) -> dict[str, str]:
    return dict(os.environ, BACKROUTINE_HOME=str(home), BACKROUTINE_AUDIO="off", **extra)


def history_json(home: Path) -> dict:
    result = subprocess.run([*BIN, "history", "--json"], env=env_for(home), capture_output=True,
                            text=True, timeout=30)  # fmt: skip
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


@pytest.fixture
def home(tmp_path: Path) -> Path:
    folder = tmp_path / "home"
    HistoryStore.open(folder).close()
    return folder


# -- a history held by another program ------------------------------------------------------


def test_a_check_in_waits_for_a_lock_says_so_and_is_kept(home: Path) -> None:
    holder = locked(home / DB_NAME, 3.0)
    began = time.monotonic()
    result = subprocess.run([*BIN, "checkin", "--pain", "4"], env=env_for(home),
                            capture_output=True, text=True, timeout=60)  # fmt: skip
    holder.join()
    assert result.returncode == 0, result.stderr
    assert "waiting for the history" in result.stderr
    assert time.monotonic() - began >= 2.5
    assert [c["pain"] for c in history_json(home)["checkins"]] == [4]


def test_a_lock_held_too_long_is_a_clear_failure_not_a_bug(
    cli, data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    HistoryStore.open(data_dir).close()
    monkeypatch.setattr(history.sqlite, "LOCK_WAIT_SECONDS", 0.5)
    monkeypatch.setattr(history.sqlite, "BUSY_TIMEOUT_MS", 50)
    holder = locked(data_dir / DB_NAME, 2.0)
    result = cli("checkin", "--pain", "4")
    holder.join()
    assert result.code == 1 and "bug" not in result.err
    assert "locked by another program" in result.err and "waiting for the history" in result.err
    assert json.loads(cli("history", "--json").out)["checkins"] == []


def read_lines(process: subprocess.Popen, until: float) -> Iterator[tuple[float, str]]:
    """(arrival time, line) of each line the process prints, until it ends or `until`."""
    assert process.stdout is not None
    buffer = b""
    fd = process.stdout.fileno()
    while time.monotonic() < until:
        ready, _, _ = select.select([fd], [], [], 0.05)
        if not ready:
            if process.poll() is not None:
                return
            continue
        chunk = os.read(fd, 4096)
        if not chunk:
            return
        buffer += chunk
        while b"\n" in buffer:
            line, buffer = buffer.split(b"\n", 1)
            yield time.monotonic(), line.decode()


def test_plain_play_keeps_time_while_the_history_is_locked(home: Path, tmp_path: Path) -> None:
    routine = tmp_path / "three.yaml"
    routine.write_text(SIX_SECONDS)
    process = subprocess.Popen([*BIN, "play", str(routine), "--plain"], env=env_for(home),
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE)  # fmt: skip
    arrivals: dict[str, float] = {}
    holder = None
    for at, line in read_lines(process, time.monotonic() + 30):
        for name in ("Alpha", "Bravo", "Charlie", "Finished"):
            if name in line and name not in arrivals:
                arrivals[name] = at
        if "Alpha" in arrivals and holder is None:
            time.sleep(0.3)  # the session's row is written: now lock through both boundaries
            holder = locked(home / DB_NAME, 5.0)
    assert process.wait(30) == 0, process.stderr.read() if process.stderr else ""
    assert holder is not None
    holder.join()
    start = arrivals["Alpha"]
    # Each step comes on time although every step boundary wants a write the lock holds up.
    assert abs(arrivals["Bravo"] - start - 2.0) < 0.6
    assert abs(arrivals["Charlie"] - start - 4.0) < 0.6
    assert abs(arrivals["Finished"] - start - 6.0) < 0.6
    (session,) = history_json(home)["sessions"]
    assert session["status"] == "completed" and session["steps_done"] == 3


# -- killed, hung up ------------------------------------------------------------------------


def start_long_hold(home: Path, tmp_path: Path) -> subprocess.Popen:
    routine = tmp_path / "long.yaml"
    routine.write_text(LONG_HOLD)
    process = subprocess.Popen([*BIN, "play", str(routine), "--plain"], env=env_for(home),
                               stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)  # fmt: skip
    assert process.stdout is not None
    assert "Long hold" in process.stdout.readline().decode()  # the intro line: it has started
    return process


def test_kill_9_in_the_middle_of_a_bout_loses_at_most_5_seconds(home: Path, tmp_path: Path) -> None:
    process = start_long_hold(home, tmp_path)
    time.sleep(8.5)
    process.kill()
    process.wait(10)
    (session,) = history_json(home)["sessions"]
    assert session["status"] == "interrupted"
    assert 8.5 - 5 <= session["active_seconds"] <= 9.0


def test_sighup_in_plain_mode_saves_the_session_as_stopped(home: Path, tmp_path: Path) -> None:
    process = start_long_hold(home, tmp_path)
    time.sleep(1.5)
    process.send_signal(signal.SIGHUP)
    assert process.wait(30) == 130
    (session,) = history_json(home)["sessions"]
    assert (session["status"], session["reason"]) == ("stopped", "signal")


# -- no terminal ------------------------------------------------------------------------------


def test_the_home_screen_without_a_terminal_is_a_clear_message(home: Path) -> None:
    for args in (["home"], []):
        result = subprocess.run([*BIN, *args], env=env_for(home), stdin=subprocess.DEVNULL,
                                capture_output=True, text=True, timeout=20)  # fmt: skip
        if args:
            assert result.returncode == 2 and "needs a terminal" in result.stderr
        else:  # `backroutine` alone in a pipe: the help, as before
            assert result.returncode == 0 and "usage: backroutine" in result.stdout


def run_in_pty(
    args: list[str], env: dict[str, str], timeout: float = 30, *, stdin: int | None = None
) -> tuple[int, bytes]:
    """Run with a pseudo-terminal as stdout (and stdin, unless given): a real terminal."""
    leader, follower = pty.openpty()
    process = subprocess.Popen(args, env=env, stdin=follower if stdin is None else stdin,
                               stdout=follower, stderr=follower)  # fmt: skip
    os.close(follower)
    output = b""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        ready, _, _ = select.select([leader], [], [], 0.1)
        if ready:
            try:
                chunk = os.read(leader, 65536)
            except OSError:
                break
            if not chunk:
                break
            output += chunk
        elif process.poll() is not None:
            break
    code = process.wait(10)
    os.close(leader)
    return code, output


def test_term_dumb_plays_in_plain_text(home: Path) -> None:
    code, output = run_in_pty([*BIN, "play", "desk-break", "--speed", "200"],
                              env_for(home, TERM="dumb"))  # fmt: skip
    assert code == 0, output[-500:]
    assert b"Desk break \xc2\xb7 gentle" in output and b"Finished" in output
    assert b"\x1b[?1049h" not in output  # never the full-screen app's alternate screen
    code, output = run_in_pty([*BIN, "home"], env_for(home, TERM="dumb"))
    assert code == 2 and b"TERM=dumb" in output


def test_play_in_a_terminal_with_input_at_its_end_plays_in_plain_text(home: Path) -> None:
    # `backroutine play X </dev/null` in a terminal: the full-screen app would wait for keys
    # that never come (it spun at 100% CPU); plain text plays it to its end.
    code, output = run_in_pty([*BIN, "play", "desk-break", "--speed", "200"], env_for(home),
                              stdin=subprocess.DEVNULL)  # fmt: skip
    assert code == 0 and b"Finished" in output and b"\x1b[?1049h" not in output
    code, output = run_in_pty([*BIN, "home"], env_for(home), stdin=subprocess.DEVNULL)
    assert code == 2 and b"needs a terminal" in output


# -- the disk ------------------------------------------------------------------------------


# As root, file permissions do not apply: a child runs without the capabilities that override
# them (setpriv, from util-linux), so a folder it may not write is really read-only to it.
NO_OVERRIDE = "-dac_override,-dac_read_search,-fowner"


def without_root_override() -> list[str]:
    if os.geteuid() != 0:
        return []
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        pytest.skip("running as root without setpriv: permissions cannot be made to apply")
    return [setpriv, "--bounding-set", NO_OVERRIDE, "--inh-caps", NO_OVERRIDE, "--"]


@pytest.fixture
def readonly_home(tmp_path: Path) -> Iterator[Path]:
    """A data folder with a history in it that the test's child processes cannot write."""
    folder = tmp_path / "home"
    with HistoryStore.open(folder) as store:
        from datetime import datetime, timedelta

        now = datetime.now().astimezone()
        store.save_red_flags(["cancer_history"], at=now - timedelta(days=2))
        store.add_checkin(at=now - timedelta(days=1), pain=6, note="before the disk went")
    for path in folder.iterdir():
        path.chmod(0o400)
    folder.chmod(0o500)
    yield folder
    folder.chmod(0o700)


def test_a_read_only_history_can_still_be_read_and_exported(readonly_home: Path) -> None:
    prefix = without_root_override()
    env = env_for(readonly_home)

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([*prefix, *BIN, *args], env=env, capture_output=True, text=True,
                              timeout=30)  # fmt: skip

    status = run("status", "--json")
    assert status.returncode == 0, status.stderr
    assert "cannot be written" in status.stderr and "read as it is" in status.stderr
    data = json.loads(status.stdout)
    assert data["pain"] == 6 and data["urgency"] == "today"  # the red flag is still there
    csv = run("history", "--csv")
    assert csv.returncode == 0 and "before the disk went" in csv.stdout
    checkin = run("checkin", "--pain", "3")
    assert checkin.returncode == 1 and "nothing was saved" in checkin.stderr
    assert "Traceback" not in checkin.stderr and "bug" not in checkin.stderr
    played = run("play", "desk-break", "--plain", "--speed", "200")
    assert played.returncode == 0 and "Finished" in played.stdout
    assert "will not be recorded" in played.stderr or "nothing new is saved" in played.stderr


def no_file_writes() -> None:
    """In the child: a full disk (every write past 0 bytes fails with EFBIG)."""
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (0, 0))


def test_a_full_disk_history_can_still_be_read(home: Path) -> None:
    subprocess.run([*BIN, "checkin", "--pain", "5"], env=env_for(home), check=True,
                   capture_output=True)  # fmt: skip
    for args, code in (
        (["status", "--json"], 0),
        (["history"], 0),
        (["checkin", "--pain", "2"], 1),
    ):
        result = subprocess.run([*BIN, *args], env=env_for(home), capture_output=True, text=True,
                                timeout=30, preexec_fn=no_file_writes)  # fmt: skip
        assert result.returncode == code, (args, result.stderr)
        assert "Traceback" not in result.stderr and "bug" not in result.stderr
        if args[0] == "status":
            assert json.loads(result.stdout)["pain"] == 5
    assert [c["pain"] for c in history_json(home)["checkins"]] == [5]


def test_a_symlinked_history_is_refused_and_never_written_through(tmp_path: Path) -> None:
    other = tmp_path / "other.sqlite3"
    with sqlite3.connect(other) as db:
        db.execute("CREATE TABLE mine (x)")
    before = other.read_bytes()
    folder = tmp_path / "home"
    folder.mkdir()
    (folder / DB_NAME).symlink_to(other)
    for args in (["checkin", "--pain", "3", "--note", "private"], ["status"]):
        result = subprocess.run([*BIN, *args], env=env_for(folder), capture_output=True,
                                text=True, timeout=30)  # fmt: skip
        assert result.returncode == 1 and "symbolic link" in result.stderr, result.stderr
    assert other.read_bytes() == before


def test_a_history_from_a_newer_version_is_read_not_written(home: Path) -> None:
    subprocess.run([*BIN, "checkin", "--pain", "5"], env=env_for(home), check=True,
                   capture_output=True)  # fmt: skip
    with sqlite3.connect(home / DB_NAME) as db:
        db.execute("PRAGMA user_version = 99")
    status = subprocess.run([*BIN, "status", "--json"], env=env_for(home), capture_output=True,
                            text=True, timeout=30)  # fmt: skip
    assert status.returncode == 0 and json.loads(status.stdout)["pain"] == 5
    assert "newer backroutine" in status.stderr
    checkin = subprocess.run([*BIN, "checkin", "--pain", "2"], env=env_for(home),
                             capture_output=True, text=True, timeout=30)  # fmt: skip
    assert checkin.returncode == 1 and "nothing was saved" in checkin.stderr
    with sqlite3.connect(home / DB_NAME) as db:
        assert db.execute("PRAGMA user_version").fetchone() == (99,)  # left as it was
