"""CPU of the desk-break screen while it waits for a break 50 minutes away: `backroutine
breaks --every 50m` against a minimal idle Textual app showing one line, side by side in tmux.

    python bench/break_idle_cpu.py [--backroutine CMD] [--every 50m] [--rounds 4] [--seconds 30]

Needs tmux. Both are started together at 100x30 (backroutine with BACKROUTINE_HOME in a
temporary folder and sound off), left to settle, then their CPU time (user + system, all
threads, from /proc) is read over several rounds of `--seconds` each. Prints each round, the
mean per round and the ratio backroutine / idle app. `--backroutine` is a command line
(`"env PYTHONPATH=/tmp/old/src python -m backroutine"` measures another checkout).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from idle_cpu import cpu_seconds, idle_app, pane_pid

IDLE_APP = idle_app("Next break in 50 min")


def main() -> None:
    parser = argparse.ArgumentParser()
    here = Path(sys.executable).parent / "backroutine"
    parser.add_argument("--backroutine", default=str(here) if here.exists() else "backroutine")
    parser.add_argument("--python", default=sys.executable, help="runs the idle Textual app")
    parser.add_argument("--every", default="50m")
    parser.add_argument("--settle", type=float, default=8.0, help="seconds before measuring")
    parser.add_argument("--seconds", type=float, default=30.0, help="length of a round")
    parser.add_argument("--rounds", type=int, default=4)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        idle = Path(tmp) / "one_line.py"
        idle.write_text(IDLE_APP)
        socket = f"bench{os.getpid()}"
        tm = ["tmux", "-L", socket]
        size = ["-x", "100", "-y", "30"]
        env = ["-e", f"BACKROUTINE_HOME={tmp}/home", "-e", "BACKROUTINE_AUDIO=off"]
        try:
            subprocess.run(
                [*tm, "new-session", "-d", "-s", "br", *size, *env,
                 f"exec {args.backroutine} breaks --every {args.every}"],
                check=True,
            )  # fmt: skip
            subprocess.run(
                [*tm, "new-session", "-d", "-s", "idle", *size, f"exec {args.python} {idle}"],
                check=True,
            )
            br, base = pane_pid(tm, "br"), pane_pid(tm, "idle")
            time.sleep(args.settle)  # start-up, measured separately by bench/startup.py
            rounds: list[tuple[float, float]] = []
            b0, i0 = cpu_seconds(br), cpu_seconds(base)
            start = time.monotonic()
            for n in range(1, args.rounds + 1):
                time.sleep(max(0.0, start + n * args.seconds - time.monotonic()))
                b1, i1 = cpu_seconds(br), cpu_seconds(base)
                rounds.append((b1 - b0, i1 - i0))
                b0, i0 = b1, i1
            screen = subprocess.check_output([*tm, "capture-pane", "-p", "-t", "br"], text=True)
        finally:
            subprocess.run([*tm, "kill-server"], capture_output=True)
    print(
        f"`backroutine breaks --every {args.every}` vs an idle one-line Textual app, tmux 100x30,"
        f" CPU seconds (user+system, all threads) per {args.seconds:.0f} s round"
    )
    for n, (b, i) in enumerate(rounds, 1):
        print(f"  round {n}: backroutine {b:.2f}  idle app {i:.2f}")
    mean_b = statistics.fmean(b for b, _ in rounds)
    mean_i = statistics.fmean(i for _, i in rounds)
    print(
        f"  mean per round: backroutine {mean_b:.3f}  idle app {mean_i:.3f}"
        f"  ratio {mean_b / max(mean_i, 0.01):.2f}x"
    )
    if "Next break" not in screen:
        print("  warning: the break screen was not showing at the end:", screen[:300])


if __name__ == "__main__":
    main()
