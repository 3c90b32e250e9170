"""Playing: the plain player with a fake clock and scripted keys, and real processes for the
end-to-end paths (real time, signals, history)."""

from __future__ import annotations

import io
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from backroutine.audio import RecordingPlayer
from backroutine.core.engine import Session
from backroutine.core.history import HistoryStore
from backroutine.core.loading import load_text
from backroutine.core.recording import SessionRecorder
from backroutine.core.writer import HistoryWriter
from backroutine.plain import PlainPlayer
from fakes import FakeClock, ScriptedKeys

ROUTINE = """\
name: Plain flow
category: yoga
cautions: [Stop if pain becomes sharp.]
defaults: {get_ready: 2s, rest: 3s}
steps:
  - {name: Walk, duration: 4s}
  - {name: Twist, hold: 5s, sides: both, cues: [{at: -2s, say: Nearly there}]}
  - {name: Tilt, reps: 2, tempo: 1-1-1}
"""


def play(tmp_path: Path, script: list[tuple[float, str]] = (), **player_options):
    clock = FakeClock(50.0)
    session = Session(load_text(ROUTINE, path=tmp_path / "plain-flow.yaml"), clock=clock)
    store = HistoryStore.open(tmp_path / "data")
    out = io.StringIO()
    sounds = RecordingPlayer(clock=clock)
    writer = HistoryWriter(store)
    player = PlainPlayer(
        session,
        player=sounds,
        recorder=SessionRecorder(writer, session),
        out=out,
        keys=ScriptedKeys(clock, list(script), bool(player_options)),
        **player_options,
    )
    code = player.run()
    assert writer.close(5) == []  # everything written
    rows = store.sessions()
    store.close()
    return code, out.getvalue(), rows, sounds


def test_plain_next_through_to_the_end_is_skipped(tmp_path: Path) -> None:
    # Done means done (issue 19): n through two of three steps, the last played to its end.
    code, out, rows, _sounds = play(tmp_path, [(1.0, "n"), (1.5, "n")])
    assert code == 0
    lines = out.splitlines()
    assert "Finished" not in out and "Well done" not in out
    assert lines[-3:] == [
        "[ 0:10] Skipped to the end",
        "[ 0:10] Done: 1 of 3 steps, 0:10 of movement.",
        "[ 0:10] You skipped 2 of 3 steps: this session is saved as skipped and does not count "
        "as done.",
    ]
    assert rows[0].status == "skipped" and rows[0].steps_done == 1


def test_plain_prints_one_line_per_event(tmp_path: Path) -> None:
    code, out, rows, sounds = play(tmp_path)
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == "Plain flow · yoga · 0:27"
    assert lines[1] == "Caution: Stop if pain becomes sharp."
    assert "[ 0:00] Walk: MOVE for 4s" in lines
    assert "[ 0:04] Get ready: Twist · LEFT side · starts in 2s" in lines
    assert "[ 0:06] Twist: HOLD 5s · LEFT side" in lines
    assert "[ 0:09] cue: Nearly there" in lines
    assert "[ 0:11] Rest 3s · next: Twist (RIGHT side)" in lines
    assert "[ 0:11] Switch sides: RIGHT" in lines
    assert "[ 0:19] Get ready: Tilt · starts in 2s" in lines
    assert "[ 0:21] Tilt: 2 REPS (1-1-1)" in lines
    assert "[ 0:21] rep 1 of 2: up 1s" in lines
    assert "[ 0:26] rep 2 of 2: down 1s" in lines
    assert lines[-2:] == ["[ 0:27] Finished", "[ 0:27] Done: 3 of 3 steps, 0:27 of movement."]
    assert rows[0].status == "completed" and rows[0].active_seconds == 27.0
    assert sounds.played[-1][1] == "bell"


def test_plain_keys_pause_skip_back_and_quit(tmp_path: Path) -> None:
    script = [(1, "space"), (10, "space"), (11, "n"), (12, "p"), (13, "m"), (14, "q"), (20, "y")]
    code, out, rows, _sounds = play(tmp_path, script)
    assert code == 0
    assert "Paused. Press space to go on." in out and "Resumed." in out
    assert "Quit this routine?" in out and out.rstrip().endswith("Stopped.")
    (row,) = rows
    assert (row.status, row.reason) == ("stopped", "quit")
    # 1 s played, 9 s paused, then 4 s more before the quit question paused it again
    assert row.active_seconds == pytest.approx(5.0, abs=0.01)


def test_plain_quit_can_be_cancelled(tmp_path: Path) -> None:
    _code, out, rows, _ = play(tmp_path, [(1, "q"), (2, "x")])
    assert "Going on." in out
    assert rows[0].status == "completed"


def test_plain_hurt_stops_with_advice(tmp_path: Path) -> None:
    code, out, rows, _ = play(tmp_path, [(2, "h")])
    assert code == 0
    assert "Stopped: take care of your back" in out
    assert "see" in out and "doctor or physiotherapist" in out
    assert (rows[0].status, rows[0].reason) == ("stopped", "pain")


def test_plain_hurt_asks_the_pain_question_at_once(tmp_path: Path) -> None:
    said: list[int] = []

    def on_pain(pain: int) -> str:
        said.append(pain)
        return f"Saved: pain {pain}."

    script = [(2, "h"), (2.1, "7"), (2.2, "\n")]
    code, out, rows, _ = play(tmp_path, script, on_pain=on_pain, standing=lambda: ["unused"])
    assert code == 0 and said == [7]
    question = out.index("How is your back now")
    assert out.index("Stopped: take care of your back") < question < out.index("Rest in a position")
    assert "Saved: pain 7." in out and "unused" not in out
    assert "A pharmacist or doctor can advise you on pain relief." in out
    assert "Today counts as a flare day" in out
    assert (rows[0].status, rows[0].reason) == ("stopped", "pain")


def test_plain_hurt_skipped_question_still_gives_the_advice_open_now(tmp_path: Path) -> None:
    script = [(2, "h"), (2.1, "\n")]
    standing = ["! The safety questions are due again: run backroutine safety"]
    code, out, _rows, _ = play(tmp_path, script, on_pain=lambda p: "no", standing=lambda: standing)
    assert code == 0 and out.rstrip().endswith(standing[0])


def test_muted_plain_plays_nothing(tmp_path: Path) -> None:
    _code, out, _rows, sounds = play(tmp_path, [(0.5, "m")])
    assert [name for _, name in sounds.played] == ["start"]  # only before muting
    assert "Sound off." in out


# -- real processes --------------------------------------------------------------------------


def _env(home: Path) -> dict[str, str]:
    return dict(os.environ, BACKROUTINE_HOME=str(home), BACKROUTINE_AUDIO="off")


def _history(home: Path) -> dict:
    run = subprocess.run(
        [sys.executable, "-m", "backroutine", "history", "--json"],
        env=_env(home),
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert run.returncode == 0, run.stderr
    return json.loads(run.stdout)


@pytest.fixture
def quick(tmp_path: Path) -> Path:
    path = tmp_path / "quick.yaml"
    path.write_text(
        "name: Quick check\ncategory: gentle\ndefaults: {get_ready: 0}\nsteps:\n"
        "  - {name: Breathe, duration: 2s}\n  - {name: Tilt, hold: 1s}\n"
    )
    return path


def test_plain_is_the_default_in_a_pipe_and_runs_in_real_time(tmp_path: Path, quick: Path) -> None:
    start = time.monotonic()
    run = subprocess.run(
        [sys.executable, "-m", "backroutine", "play", str(quick)],
        env=_env(tmp_path / "home"),
        capture_output=True,
        text=True,
        timeout=30,
        stdin=subprocess.DEVNULL,
    )
    took = time.monotonic() - start
    assert run.returncode == 0, run.stderr
    assert "Breathe" in run.stdout and "Tilt" in run.stdout
    assert took >= 3.0
    (session,) = _history(tmp_path / "home")["sessions"]
    assert session["status"] == "completed"
    assert 3.0 <= session["active_seconds"] <= 3.5


def test_speed_preview_is_not_recorded(tmp_path: Path) -> None:
    routine = tmp_path / "long.yaml"
    routine.write_text("name: Long\ncategory: gentle\nsteps:\n  - {name: Walk, duration: 60s}\n")
    run = subprocess.run(
        [sys.executable, "-m", "backroutine", "play", str(routine), "--plain", "--speed", "60"],
        env=_env(tmp_path / "home"),
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert run.returncode == 0 and "Finished" in run.stdout
    assert "not recorded" in run.stderr
    assert _history(tmp_path / "home")["sessions"] == []


@pytest.mark.parametrize(
    ("how", "status", "code"),
    [
        (signal.SIGINT, "stopped", 130),
        (signal.SIGTERM, "stopped", 130),
        (signal.SIGKILL, "interrupted", -9),
    ],
)
def test_signals_keep_the_session(tmp_path: Path, how: int, status: str, code: int) -> None:
    routine = tmp_path / "two.yaml"
    routine.write_text(
        "name: Two steps\ncategory: gentle\nsteps:\n"
        "  - {name: A, duration: 1s}\n  - {name: B, duration: 30s}\n"
    )
    child = subprocess.Popen(
        [sys.executable, "-m", "backroutine", "play", str(routine), "--plain"],
        env=_env(tmp_path / "home"),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert child.stdout is not None
    while "B: MOVE" not in child.stdout.readline():  # wait until step A is done
        pass
    time.sleep(0.3)
    child.send_signal(how)
    child.wait(timeout=10)
    assert child.returncode == code
    (session,) = _history(tmp_path / "home")["sessions"]
    assert session["status"] == status
    assert session["steps_done"] == 1


def test_play_refuses_bad_input(cli) -> None:
    assert cli("play", "no-such-routine").code == 1
    for speed in ("0", "-2", "nan", "inf", "fast", "5000"):
        result = cli("play", "desk-break", "--speed", speed)
        assert result.code == 2, speed
        assert "--speed" in result.err


def test_doctor_reports(cli) -> None:
    result = cli("doctor", "--json")
    assert result.code == 0
    report = json.loads(result.out)
    assert report["bundled_routines"] >= 12
    assert set(report["bundled_sounds"]) >= {
        "tick",
        "start",
        "rest",
        "side",
        "rep",
        "bell",
        "chime",
    }
    assert "works" in report["audio"]
    text = cli("doctor")
    assert "bundled routines" in text.out and "sound" in text.out


def test_plain_with_a_voice_says_the_steps(tmp_path: Path) -> None:
    from backroutine.speech import RecordingSpeaker

    clock = FakeClock(50.0)
    session = Session(load_text(ROUTINE, path=tmp_path / "plain-flow.yaml"), clock=clock)
    speaker = RecordingSpeaker(clock=clock)
    PlainPlayer(session, player=RecordingPlayer(clock=clock), recorder=SessionRecorder(None, session),
                out=io.StringIO(), keys=ScriptedKeys(clock, []), speaker=speaker).run()  # fmt: skip
    said = [(round(t - 50.0), text) for t, text in speaker.said]
    assert said[0] == (0, "Walk. 4 seconds")
    assert (6, "Twist, left side. Hold 5 seconds") in said
    assert (9, "Nearly there") in said
    assert (11, "Switch sides: right") in said
    assert said[-1] == (27, "Well done. That is the end of the routine.")


def test_voice_without_a_speech_program_says_so_once(tmp_path: Path, quick: Path) -> None:
    env = dict(_env(tmp_path / "home"), PATH=str(Path(sys.executable).parent))  # no espeak here
    run = subprocess.run(
        [sys.executable, "-m", "backroutine", "play", str(quick), "--plain", "--voice"],
        env=env, capture_output=True, text=True, timeout=30,
    )  # fmt: skip
    assert run.returncode == 0
    assert run.stderr.count("No voice") == 1


TAUGHT = """\
name: Taught flow
category: gentle
defaults: {get_ready: 2s, rest: 3s}
steps:
  - name: Walk
    duration: 4s
    instructions: Walk gently around the room.
  - name: Twist
    hold: 3s
    sides: both
    instructions: |
      Lie on your back, knees bent.

      Let both knees drop to one side.
  - {name: Breathe, duration: 2s}
"""


def test_plain_says_how_to_do_each_step_once_as_it_begins(tmp_path: Path) -> None:
    clock = FakeClock(50.0)
    session = Session(load_text(TAUGHT, path=tmp_path / "taught.yaml"), clock=clock)
    out = io.StringIO()
    PlainPlayer(session, player=RecordingPlayer(clock=clock), recorder=SessionRecorder(None, session),
                out=out, keys=ScriptedKeys(clock, [], False)).run()  # fmt: skip
    lines = out.getvalue().splitlines()
    walk = lines.index("[ 0:00] Walk: MOVE for 4s")
    assert lines[walk + 1] == "        How: Walk gently around the room."
    ready = lines.index("[ 0:04] Get ready: Twist · LEFT side · starts in 2s")
    assert lines[ready + 1 : ready + 3] == [
        "        How: Lie on your back, knees bent.",
        "             Let both knees drop to one side.",
    ]
    assert lines[ready + 3] == "[ 0:06] Twist: HOLD 3s · LEFT side"  # before the first bout
    assert sum("How: Lie on your back" in line for line in lines) == 1  # not again on the right
    assert not any("How:" in line for line in lines[lines.index("[ 0:15] Breathe: MOVE for 2s") :])
