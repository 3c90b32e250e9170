"""Bad input everywhere and faults: only clear messages and non-zero exits, never a
traceback; sessions kept; the routine plays on when the history or the sound cannot work."""

from __future__ import annotations

import contextlib
import io
import json
import os
import pty
import select
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

from backroutine.audio import SoundPlayer
from backroutine.core.engine import Session
from backroutine.core.loading import load_text
from backroutine.core.recording import SessionRecorder
from backroutine.plain import NoKeys, PlainPlayer

WEIRD = ["", " ", "9" * 400, "-1", "-9999999999", "nan", "inf", "1e309", "0x10", "💥", "\t",
         "../../etc/passwd", "/nonexistent/x.yaml", "/", "/dev/null", "--", "-"]  # fmt: skip

COMMANDS = [
    ["show"], ["validate"], ["new"], ["play"], ["checkin", "--pain"], ["checkin", "--pain", "3", "--date"],
    ["checkin", "--pain", "3", "--spasms"], ["checkin", "--pain", "3", "--note"],
    ["play", "desk-break", "--speed"], ["safety", "--yes"], ["new", "x", "--category"],
    ["list", "--data-dir"], ["history", "--data-dir"], ["status", "--data-dir"],
]  # fmt: skip


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: " ".join(c))
def test_weird_arguments_never_give_a_traceback(
    cli, command: list[str], monkeypatch, tmp_path: Path
) -> None:
    monkeypatch.setattr("sys.stdin.isatty", lambda: False)
    monkeypatch.setattr("sys.stdout.isatty", lambda: False)
    monkeypatch.chdir(tmp_path)  # relative paths land here, never in the checkout
    for value in WEIRD:
        if "--data-dir" in command and value.startswith(("/", "..")):
            continue  # a real folder outside the test's own: covered with tmp paths below
        args = [*command, value]
        if command == ["play"]:
            args.append("--plain")
        result = cli(*args)
        assert "Traceback" not in result.err, (args, result.err)
        if result.code not in (0, 130):
            assert result.err.strip() or result.out.strip(), args  # it says something


def test_reading_commands_do_not_create_a_data_folder(cli, tmp_path: Path) -> None:
    missing = tmp_path / "typo" / "data"
    for command in (["history"], ["history", "--json"], ["status", "--json"], ["stats"],
                    ["list"], ["safety", "--json"], ["doctor"]):  # fmt: skip
        result = cli(*command, "--data-dir", str(missing))
        assert result.code == 0, (command, result.err)
    assert not (tmp_path / "typo").exists()


def test_a_data_folder_that_is_a_file_still_plays(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("")
    routine = tmp_path / "quick.yaml"
    routine.write_text("name: Quick\ncategory: gentle\nsteps: [{name: A, duration: 1s}]\n")
    run = subprocess.run(
        [sys.executable, "-m", "backroutine", "--data-dir", str(blocker), "play", str(routine),
         "--plain"],
        capture_output=True, text=True, timeout=30,
        env=dict(os.environ, BACKROUTINE_AUDIO="off"),
    )  # fmt: skip
    assert run.returncode == 0
    assert "will not be recorded" in run.stderr
    assert "Finished" in run.stdout
    assert "Traceback" not in run.stderr


def test_new_makes_private_folders(cli, data_dir: Path) -> None:
    assert cli("new", "Mine").code == 0
    for folder in (data_dir, data_dir / "routines"):
        assert stat.S_IMODE(folder.stat().st_mode) == 0o700


def test_a_hanging_audio_backend_does_not_delay_the_routine(tmp_path: Path) -> None:
    routine = load_text(
        "name: R\ncategory: gentle\ndefaults: {get_ready: 0}\n"
        "steps: [{name: A, duration: 1s}, {name: B, hold: 1s}]\n",
        path=tmp_path / "r.yaml",
    )
    notices: list[str] = []

    def hang(path: str) -> None:
        time.sleep(30)

    player = SoundPlayer(ring=lambda: None, on_notice=notices.append, play_function=hang,
                         hang_timeout=0.2, close_timeout=0.1)  # fmt: skip
    session = Session(routine)
    out = io.StringIO()
    start = time.monotonic()
    try:
        PlainPlayer(session, player=player, recorder=SessionRecorder(None, session), out=out,
                    keys=NoKeys()).run()  # fmt: skip
    finally:
        player.close()
    took = time.monotonic() - start
    assert "Finished" in out.getvalue()
    assert took < 2.5  # a 2 s routine, on time despite the stuck player
    assert len(notices) == 1 and "bell" in notices[0].lower()


def _read_until(fd: int, marker: bytes, timeout: float = 20) -> bytes:
    seen = b""
    end = time.monotonic() + timeout
    while marker not in seen and time.monotonic() < end:
        if select.select([fd], [], [], 0.1)[0]:
            try:
                seen += os.read(fd, 65536)
            except OSError:
                break
    assert marker in seen, seen[-400:]
    return seen


def _wait_reading(pid: int, fd: int, timeout: float = 30) -> None:
    """Wait for the child to exit, reading what it draws meanwhile as a terminal would: an
    unread pseudo-terminal fills up, and then the app's last writes block its exit forever."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        done, _ = os.waitpid(pid, os.WNOHANG)
        if done:
            return
        if select.select([fd], [], [], 0.1)[0]:
            with contextlib.suppress(OSError):  # the child closed its side
                os.read(fd, 65536)
    os.kill(pid, signal.SIGKILL)
    os.waitpid(pid, 0)
    raise AssertionError(f"the app did not exit within {timeout} s of the signal")


@pytest.mark.parametrize("how", [signal.SIGTERM, signal.SIGHUP])
def test_the_tui_saves_the_session_on_sigterm_and_sighup(tmp_path: Path, how: int) -> None:
    routine = tmp_path / "long.yaml"
    routine.write_text("name: Long\ncategory: gentle\nsteps: [{name: Walk, duration: 60s}]\n")
    env = dict(os.environ, BACKROUTINE_HOME=str(tmp_path / "home"), BACKROUTINE_AUDIO="off",
               TERM="xterm-256color")  # fmt: skip
    pid, fd = pty.fork()
    if pid == 0:
        os.execvpe(sys.executable, [sys.executable, "-m", "backroutine", "play", str(routine)], env)
    try:
        _read_until(fd, b"Enter")
        os.write(fd, b"\r")
        _read_until(fd, b"Walk")
        time.sleep(1.0)
        os.kill(pid, how)
        _wait_reading(pid, fd)
    finally:
        os.close(fd)
    history = subprocess.run([sys.executable, "-m", "backroutine", "history", "--json"],
                             env=env, capture_output=True, text=True, timeout=30)  # fmt: skip
    (session,) = json.loads(history.stdout)["sessions"]
    assert (session["status"], session["reason"]) == ("stopped", "signal")
    assert session["active_seconds"] >= 0.5
