"""Start-up: the quick commands against a bare `python -c "import yaml"`, and the TUI's first
frame against a bare Textual hello-world app.

    python bench/startup.py [--runs 15] [--library 10000] [--only frames] [--floors]
                            [--baseline [NAME=]PYTHON ...]

Quick commands are timed to their exit. A TUI's first frame is timed from spawning it in a
pseudo-terminal (100x30) until its first screen's text appears in the output. Every case runs
once per round, the cases alternating, and the figure is the median of the rounds. With
--baseline, other installs (say the version before a change) run in the same rounds, each
with its own data folders: before and after side by side, in the same noise. Targets:
--version and validate <= 1.5x `import yaml`; the intro's first frame <= 1.2x hello world,
the home screen's <= 1.3x; the home screen with a library of 10,000 user routines <= 2x the
home screen with none (its first frame, and the list filled in).
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
PAUSE = 0.3  # seconds between runs: a big process's teardown would slow the next one

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


def cpu_seconds(pid: int) -> float:
    """CPU time of all of a process's threads so far (Linux: 0 elsewhere)."""
    total = 0
    try:
        for task in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{task}/schedstat") as handle:
                total += int(handle.read().split()[0])  # nanoseconds on a CPU
    except OSError:
        return 0.0
    return total / 1e9


def first_frame(
    cmd: list[str], marker: bytes, env: dict[str, str], timeout: float = 60
) -> tuple[float, float]:
    """Seconds from spawn until `marker` is drawn on a 100x30 pseudo-terminal, and the CPU
    seconds the program used meanwhile (what other work on the machine barely changes)."""
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
                    return time.perf_counter() - start, cpu_seconds(pid)
        raise RuntimeError(f"{marker!r} never appeared: {seen[-300:]!r}")
    finally:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        os.close(fd)
        time.sleep(PAUSE)  # the next run starts on a machine that has put this one away


def make_library(folder: Path, count: int) -> None:
    """`count` user routines: the bundled ones copied round-robin, each with its own id (from
    its file name) and name."""
    bundled = sorted((REPO / "routines").glob("*.yaml"))
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(count):
        source = bundled[i % len(bundled)]
        lines = source.read_text(encoding="utf-8").splitlines(keepends=True)
        lines = [
            f"{line.rstrip()} u{i:05d}\n" if line.startswith("name:") else line for line in lines
        ]
        (folder / f"u{i:05d}-{source.stem}.yaml").write_text("".join(lines), encoding="utf-8")


def table(title: str, times: dict[str, dict[str, list[float]]], base: dict[str, str]) -> None:
    """One row a case, one column an install: the median and its ratio to the row's base."""
    labels = list(times)
    first = times[labels[0]]
    rounds = len(next(iter(first.values())))
    print(f"{title}, median of {rounds} rounds:")
    print(f"  {'':<40}" + "".join(f"{label:>22}" for label in labels))
    for name in first:
        cells = []
        for label in labels:
            if name not in times[label]:
                cells.append("-")
                continue
            m = statistics.median(times[label][name])
            ref = base.get(name)
            ratio = m / statistics.median(times[label][ref]) if ref else None
            cells.append(f"{m * 1000:7.1f} ms" + (f" {ratio:5.2f}x" if ratio else " " * 7))
        print(f"  {name:<40}" + "".join(f"{c:>22}" for c in cells))


def install(python: str) -> tuple[str, str]:
    beside = Path(python).parent / "backroutine"
    return python, str(beside) if beside.exists() else shutil.which("backroutine") or "backroutine"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--library", type=int, default=10_000, help="user routines (0: none)")
    parser.add_argument("--only", choices=["quick", "frames"], default=None)
    parser.add_argument(
        "--baseline",
        action="append",
        default=[],
        metavar="[NAME=]PYTHON",
        help="also time the backroutine installed beside PYTHON (repeatable)",
    )
    parser.add_argument(
        "--floors",
        action="store_true",
        help="also time the screens' Textual widgets alone (bench/startup_floors.py)",
    )
    args = parser.parse_args()
    installs = {"now": install(sys.executable)}
    for n, baseline in enumerate(args.baseline):
        name, _, python = baseline.rpartition("=")
        installs[name or ("before" if n == 0 else f"before {n + 1}")] = install(python)
    with tempfile.TemporaryDirectory() as tmp:
        base_env = dict(os.environ, BACKROUTINE_AUDIO="off", TERM="xterm-256color")
        base_env.pop("PYTHONDONTWRITEBYTECODE", None)
        homes = {}  # each install its own data folders: a history, and one with the library
        for label in installs:
            small, big = Path(tmp, label, "home"), Path(tmp, label, "big")
            small.mkdir(parents=True)
            big.mkdir()
            homes[label] = (
                dict(base_env, BACKROUTINE_HOME=str(small)),
                dict(base_env, BACKROUTINE_HOME=str(big)),
            )
        routine = str(REPO / "routines" / "desk-break.yaml")
        if args.only != "frames":
            quick_times: dict[str, dict[str, list[float]]] = {label: {} for label in installs}
            commands = {
                label: {
                    "python -c 'import yaml'": [python, "-c", "import yaml"],
                    "backroutine --version": [backroutine, "--version"],
                    "backroutine validate ONE": [backroutine, "validate", routine],
                }
                for label, (python, backroutine) in installs.items()
            }
            for round_ in range(args.runs + 1):  # the first round warms the caches
                for label, cases in commands.items():
                    for name, cmd in cases.items():
                        took = timed_exit(cmd, homes[label][0])
                        if round_:
                            quick_times[label].setdefault(name, []).append(took)
            ref = "python -c 'import yaml'"
            table("quick commands", quick_times, {n: ref for n in quick_times["now"] if n != ref})
        if args.only == "quick":
            return

        n = f"{args.library:,}"
        frames: dict[str, dict[str, tuple[list[str], bytes, dict[str, str]]]] = {}
        for label, (_, backroutine) in installs.items():
            env, big_env = homes[label]
            # the home screen asks the safety questions on first run: answer them once
            for e in (env, big_env):
                safety = [backroutine, "safety", "--none"]
                subprocess.run(safety, env=e, capture_output=True, check=True)
            play = [backroutine, "play", "desk-break"]
            frames[label] = {
                "play ID (the intro)": (play, b"Desk break", env),
                "home": ([backroutine], b"Routines", env),
                "home, list filled": ([backroutine], b"Desk break", env),
            }
            if args.library:
                make_library(Path(big_env["BACKROUTINE_HOME"]) / "routines", args.library)
                frames[label] |= {
                    f"home, {n} routines": ([backroutine], b"Routines", big_env),
                    f"home, {n} routines, list filled": ([backroutine], b" u0", big_env),
                    f"play ID (the intro), {n} routines": (play, b"Desk break", big_env),
                }
        if args.floors:
            script = str(Path(__file__).with_name("startup_floors.py"))
            env = homes["now"][0]
            floors = {
                "floor: home's widgets and stylesheet": ["home"],
                "floor: home without the footer": ["home", "no-footer"],
                "floor: home, no footer, table, list": ["home", "no-footer", "no-table", "no-list"],
                "floor: home, Statics, no stylesheet": [
                    "home",
                    *("no-footer", "no-table", "no-list", "no-css"),
                ],
                "floor: the intro's widgets and stylesheet": ["intro"],
                "floor: intro without the footer": ["intro", "no-footer"],
            }
            for name, which in floors.items():
                marker = b"Routines" if which[0] == "home" else b"Desk break"
                frames["now"][name] = ([sys.executable, script, *which], marker, env)
        if args.library:
            time.sleep(2.5)  # files written just now are not cached yet (their clock may not tick)
            for label, (_, backroutine) in installs.items():
                # The first start with this library, nothing cached yet.
                first, _ = first_frame([backroutine], b" u0", homes[label][1], timeout=600)
                print(f"{label}: home, {n} routines, list filled, first start: {first:.1f} s")
        hello = "Textual hello world"
        ftimes: dict[str, dict[str, list[float]]] = {label: {} for label in installs}
        ctimes: dict[str, dict[str, list[float]]] = {label: {} for label in installs}
        for round_ in range(max(5, args.runs // 2) + 1):  # the first round warms the caches
            took = first_frame([sys.executable, "-c", HELLO], b"Hello, world", base_env)
            for label, cases in frames.items():
                if round_:  # one hello world a round, the base of every install's ratios
                    ftimes[label].setdefault(hello, []).append(took[0])
                    ctimes[label].setdefault(hello, []).append(took[1])
                for name, (cmd, marker, e) in cases.items():
                    wall, cpu = first_frame(cmd, marker, e)
                    if round_:
                        ftimes[label].setdefault(name, []).append(wall)
                        ctimes[label].setdefault(name, []).append(cpu)
        ratios = dict.fromkeys(frames["now"], hello)
        if args.library:
            ratios |= {
                f"home, {n} routines": "home",
                f"home, {n} routines, list filled": "home, list filled",
                f"play ID (the intro), {n} routines": "play ID (the intro)",
            }
        print("(ratios: the intro and home to the hello world; with the library, to the same")
        print(" screen without it)")
        table("first frame in a 100x30 pseudo-terminal", ftimes, ratios)
        if any(ctimes["now"][hello]):
            table("CPU time to the first frame (all threads)", ctimes, ratios)


if __name__ == "__main__":
    main()
