"""Plain mode's keys: every byte of a burst kept and used in order, and the pain answer read
as a whole line (a real pseudo-terminal, as over SSH or tmux, where "10" arrives in one read)."""

from __future__ import annotations

import io
import json
import os
import pty
import select
import subprocess
import sys
import time
from pathlib import Path

import pytest

from backroutine.core.engine import Session
from backroutine.core.loading import load_text
from backroutine.plain import KeyReader, PlainPlayer, split_keys
from fakes import FakeClock, ScriptedKeys


@pytest.mark.parametrize(
    ("sent", "keys"),
    [
        ("qy", ["q", "y"]),
        ("10\n", ["1", "0", "\n"]),
        ("n \x1b[C\x1b[D", ["n", "space", "right", "left"]),
        ("\x1bOC", ["right"]),  # an arrow in application mode
        ("\x1b[A5", ["5"]),  # up: nothing here, and the key after it is kept
        ("Q\x1b", ["q", "escape"]),
        ("1\x1b[1;", ["1", "\x1b[1;"]),  # cut off: the reader completes it with the next read
    ],
)
def test_split_keys_keeps_every_key_in_order(sent: str, keys: list[str]) -> None:
    assert split_keys(sent) == keys


def test_the_key_reader_hands_out_a_burst_one_key_at_a_time() -> None:
    leader, follower = pty.openpty()
    try:
        with open(follower, closefd=False) as stream, KeyReader(stream) as reader:
            os.write(leader, b"nn q")
            os.write(leader, b"y\x1b[")  # an arrow cut in two by the terminal
            time.sleep(0.1)
            os.write(leader, b"C")
            got = [reader.read(1.0) for _ in range(6)]
            assert got == ["n", "n", "space", "q", "y", "right"]
            assert reader.read(0.05) is None
    finally:
        os.close(leader)
        os.close(follower)


ROUTINE = "name: Short\ncategory: gentle\nsteps: [{name: Walk, duration: 5s}]\n"


def ask(tmp_path: Path, keys: list[str]) -> tuple[list[int], str]:
    """Play the short routine to its end, then answer the pain question with `keys`."""
    clock = FakeClock(10.0)
    session = Session(load_text(ROUTINE, path=tmp_path / "short.yaml"), clock=clock)
    said: list[int] = []

    def on_pain(pain: int) -> str:
        said.append(pain)
        return f"Saved: pain {pain}."

    from backroutine.audio import RecordingPlayer
    from backroutine.core.recording import SessionRecorder

    out = io.StringIO()
    script = [(6 + i / 100, key) for i, key in enumerate(keys)]
    PlainPlayer(session, player=RecordingPlayer(clock=clock),
                recorder=SessionRecorder(None, session), out=out,
                keys=ScriptedKeys(clock, script, interactive=True), on_pain=on_pain).run()  # fmt: skip
    return said, out.getvalue()


def test_a_refused_answer_is_asked_again_and_then_saved(tmp_path: Path) -> None:
    said, out = ask(tmp_path, ["1", "2", "\n", "\x7f", "\x7f", "3", "\n"])
    assert said == [3]
    assert "\u201c12\u201d is not a whole number from 0 to 10." in out
    assert "Saved: pain 3." in out


@pytest.mark.parametrize("typed", ["+5", "10.0", " 10", "100"])
def test_what_is_not_0_to_10_is_never_saved(tmp_path: Path, typed: str) -> None:
    keys = ["space" if c == " " else c for c in typed]
    said, out = ask(tmp_path, [*keys, "\n", "escape"])
    assert said == []
    assert f"\u201c{typed}\u201d is not a whole number from 0 to 10." in out


def test_an_empty_enter_skips_only_the_untouched_question(tmp_path: Path) -> None:
    said, out = ask(tmp_path, ["\n"])
    assert said == [] and "Skipped: nothing saved." in out
    said, out = ask(tmp_path, ["5", "\x7f", "\n", "\n", "4", "\n"])
    assert said == [4]
    assert out.count("That is not a whole number from 0 to 10.") == 2
    assert "Esc skips" in out


def _read_until(fd: int, marker: bytes, seen: bytes = b"", timeout: float = 30) -> bytes:
    end = time.monotonic() + timeout
    while marker not in seen and time.monotonic() < end:
        if select.select([fd], [], [], 0.1)[0]:
            try:
                chunk = os.read(fd, 65536)
            except OSError:
                break
            if not chunk:
                break
            seen += chunk
    assert marker in seen, seen[-600:]
    return seen


def test_10_written_at_once_to_a_terminal_is_saved_as_10(tmp_path: Path) -> None:
    routine = tmp_path / "short.yaml"
    routine.write_text("name: Short\ncategory: gentle\nsteps: [{name: Walk, duration: 2s}]\n")
    env = dict(os.environ, BACKROUTINE_HOME=str(tmp_path / "home"), BACKROUTINE_AUDIO="off",
               TERM="xterm-256color")  # fmt: skip
    leader, follower = pty.openpty()
    process = subprocess.Popen(
        [sys.executable, "-m", "backroutine", "play", str(routine), "--plain"],
        env=env, stdin=follower, stdout=follower, stderr=follower,
    )  # fmt: skip
    os.close(follower)
    try:
        seen = _read_until(leader, b"Enter skips")
        os.write(leader, b"10\n")  # one write: one read of the terminal gets both digits
        _read_until(leader, b"Saved: pain 10.", seen)
        assert process.wait(30) == 0
    finally:
        if process.poll() is None:
            process.kill()
        os.close(leader)
    history = subprocess.run([sys.executable, "-m", "backroutine", "history", "--json"],
                             env=env, capture_output=True, text=True, timeout=30)  # fmt: skip
    assert [c["pain"] for c in json.loads(history.stdout)["checkins"]] == [10]
