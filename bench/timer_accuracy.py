"""Timer accuracy: a 20 s routine must end 20.0-20.3 s after its first segment starts, in the
TUI and in plain mode, also when the process is stalled now and then.

    python bench/timer_accuracy.py [--stalls]

Each player runs in a pseudo-terminal. Plain mode: from its "[ 0:00]" line to "Finished". TUI:
from pressing Enter on the intro to the "Well done" summary. With --stalls the process is
frozen (SIGSTOP) for 0.7 s three times during the run, like a machine too busy to schedule it:
a slow frame must not stretch the routine.
"""

from __future__ import annotations

import argparse
import os
import pty
import select
import shutil
import signal
import sys
import tempfile
import threading
import time
from pathlib import Path


def run(
    cmd: list[str],
    env: dict[str, str],
    start_marker: bytes,
    end_marker: bytes,
    press_enter: bool,
    stalls: bool,
) -> float:
    pid, fd = pty.fork()
    if pid == 0:
        os.execvpe(cmd[0], cmd, env)
    seen = b""
    started = None

    def stall() -> None:
        for at in (4.0, 9.0, 14.0):
            time.sleep(max(0.0, started + at - time.perf_counter()))  # type: ignore[operator]
            os.kill(pid, signal.SIGSTOP)
            time.sleep(0.7)
            os.kill(pid, signal.SIGCONT)

    try:
        deadline = time.perf_counter() + 60
        while time.perf_counter() < deadline:
            ready, _, _ = select.select([fd], [], [], 0.01)
            if not ready:
                continue
            try:
                seen += os.read(fd, 65536)
            except OSError:
                break
            if started is None and start_marker in seen:
                if press_enter:
                    os.write(fd, b"\r")
                started = time.perf_counter()
                seen = b""
                if stalls:
                    threading.Thread(target=stall, daemon=True).start()
            elif started is not None and end_marker in seen:
                return time.perf_counter() - started
        raise RuntimeError(f"no end seen: {seen[-300:]!r}")
    finally:
        try:
            os.kill(pid, signal.SIGCONT)
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        os.waitpid(pid, 0)
        os.close(fd)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--stalls", action="store_true")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    beside = Path(sys.executable).parent / "backroutine"
    backroutine = str(beside) if beside.exists() else shutil.which("backroutine") or "backroutine"
    with tempfile.TemporaryDirectory() as tmp:
        routine = Path(tmp) / "twenty.yaml"
        routine.write_text(
            "name: Twenty\ncategory: gentle\ndefaults: {get_ready: 0}\nsteps:\n"
            "  - {name: Hold still, hold: 20s}\n"
        )
        env = dict(
            os.environ,
            BACKROUTINE_HOME=f"{tmp}/home",
            BACKROUTINE_AUDIO="off",
            TERM="xterm-256color",
            COLUMNS="100",
            LINES="30",
        )
        for mode in ("plain", "tui"):
            results = []
            for _ in range(args.runs):
                if mode == "plain":
                    took = run(
                        [backroutine, "play", str(routine), "--plain"],
                        env,
                        b"[ 0:00]",
                        b"Finished",
                        press_enter=False,
                        stalls=args.stalls,
                    )
                else:
                    took = run(
                        [backroutine, "play", str(routine)],
                        env,
                        b"Press",
                        b"Well done",
                        press_enter=True,
                        stalls=args.stalls,
                    )
                results.append(took)
            label = "with 3 stalls of 0.7 s" if args.stalls else "undisturbed"
            print(
                f"{mode:>5}, {label}: "
                + ", ".join(f"{r:.2f} s" for r in results)
                + "  (target 20.0-20.3 s)"
            )


if __name__ == "__main__":
    main()
