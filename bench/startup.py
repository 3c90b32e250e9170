"""Start-up: the quick commands against a bare `python -c "import yaml"`, and the TUI's first
frame against a bare Textual hello-world app.

    python bench/startup.py [--runs 15]

Quick commands are timed to their exit. A TUI's first frame is timed from spawning it in a
pseudo-terminal (100x30) until its first screen's text appears in the output. Medians; targets:
--version and validate <= 1.5x `import yaml`; first frame <= 1.2x hello world.
"""

from __future__ import annotations

import argparse
import fcntl
import os
import pty
import select
import shutil
import signal
import statistics
import struct
import subprocess
import sys
import tempfile
import termios
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent

HELLO = """
from textual.app import App
from textual.widgets import Static

class Hello(App):
    def compose(self):
        yield Static("Hello, world")

Hello().run()
"""


def timed_exit(cmd: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env, check=True)
    return time.perf_counter() - start


def first_frame(cmd: list[str], marker: bytes, env: dict[str, str], timeout: float = 20) -> float:
    """Seconds from spawn until `marker` is drawn on a 100x30 pseudo-terminal."""
    pid, fd = pty.fork()
    if pid == 0:  # the child: becomes the program
        os.execvpe(cmd[0], cmd, env)
    start = time.perf_counter()
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", 30, 100, 0, 0))
    seen = b""
    try:
        while time.perf_counter() - start < timeout:
            ready, _, _ = select.select([fd], [], [], 0.05)
            if ready:
                try:
                    chunk = os.read(fd, 65536)
                except OSError:
                    break
                seen += chunk
                if marker in seen:
                    return time.perf_counter() - start
        raise RuntimeError(f"{marker!r} never appeared: {seen[-300:]!r}")
    finally:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        os.close(fd)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    python = sys.executable
    beside = Path(python).parent / "backroutine"
    backroutine = str(beside) if beside.exists() else shutil.which("backroutine") or "backroutine"
    with tempfile.TemporaryDirectory() as home:
        env = dict(
            os.environ, BACKROUTINE_HOME=home, BACKROUTINE_AUDIO="off", TERM="xterm-256color"
        )
        routine = str(REPO / "routines" / "desk-break.yaml")
        quick = {
            "python -c 'import yaml'": [python, "-c", "import yaml"],
            "backroutine --version": [backroutine, "--version"],
            "backroutine validate ONE": [backroutine, "validate", routine],
        }
        for cmd in quick.values():
            timed_exit(cmd, env)  # warm the caches
        times: dict[str, list[float]] = {name: [] for name in quick}
        for _ in range(args.runs):
            for name, cmd in quick.items():
                times[name].append(timed_exit(cmd, env))
        base = statistics.median(times["python -c 'import yaml'"])
        print(f"quick commands, median of {args.runs} runs:")
        for name, values in times.items():
            m = statistics.median(values)
            print(f"  {name:<28} {m * 1000:7.1f} ms   {m / base:5.2f}x")

        frames = {
            "Textual hello world": ([python, "-c", HELLO], b"Hello, world"),
            "backroutine play (intro)": ([backroutine, "play", "desk-break"], b"Desk break"),
            "backroutine (home)": ([backroutine], b"Routines"),
        }
        # the home screen asks the safety questions on first run: answer them once
        subprocess.run([backroutine, "safety", "--none"], env=env, capture_output=True, check=True)
        for cmd, marker in frames.values():
            first_frame(cmd, marker, env)
        ftimes: dict[str, list[float]] = {name: [] for name in frames}
        for _ in range(max(5, args.runs // 2)):
            for name, (cmd, marker) in frames.items():
                ftimes[name].append(first_frame(cmd, marker, env))
        base = statistics.median(ftimes["Textual hello world"])
        print(f"first frame in a 100x30 pseudo-terminal, median of {len(ftimes[name])} runs:")
        for name, values in ftimes.items():
            m = statistics.median(values)
            print(f"  {name:<28} {m * 1000:7.1f} ms   {m / base:5.2f}x")


if __name__ == "__main__":
    main()
