"""CPU of the home screen left open (it now looks at the history's files every 3 s to follow
changes made elsewhere): two backroutine commands side by side (e.g. before and after a
change) and a minimal idle Textual app, in tmux.

    python bench/home_idle_cpu.py --before "env PYTHONPATH=/tmp/old/src python -m backroutine" \
        [--after CMD] [--rounds 4] [--seconds 30]

Needs tmux (its own socket). Each backroutine gets its own BACKROUTINE_HOME in a temporary
folder with the safety questions answered (`safety --none`), sound off; all three start at
80x24, settle, then their CPU time (user + system, all threads, from /proc) is read over
`--rounds` rounds of `--seconds`. Prints each round and the means.
"""

from __future__ import annotations

import argparse
import os
import shlex
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from idle_cpu import cpu_seconds, idle_app, pane_pid

IDLE_APP = idle_app("Home")


def main() -> None:
    here = Path(sys.executable).parent / "backroutine"
    parser = argparse.ArgumentParser()
    parser.add_argument("--before", required=True, help="a command line: backroutine before")
    parser.add_argument("--after", default=str(here) if here.exists() else "backroutine")
    parser.add_argument("--settle", type=float, default=8.0)
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--rounds", type=int, default=4)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        idle = Path(tmp) / "one_line.py"
        idle.write_text(IDLE_APP)
        tm = ["tmux", "-L", f"homebench{os.getpid()}"]
        runs = {"before": args.before, "after": args.after}
        try:
            for name, command in runs.items():
                env = {"BACKROUTINE_HOME": f"{tmp}/{name}", "BACKROUTINE_AUDIO": "off",
                       "XDG_CONFIG_HOME": f"{tmp}/{name}-config"}  # fmt: skip
                subprocess.run([*shlex.split(command), "safety", "--none"], env=os.environ | env,
                               check=True, capture_output=True)  # fmt: skip
                flags = [x for key, value in env.items() for x in ("-e", f"{key}={value}")]
                subprocess.run([*tm, "new-session", "-d", "-s", name, "-x", "80", "-y", "24",
                                *flags, f"exec {command}"], check=True)  # fmt: skip
            subprocess.run([*tm, "new-session", "-d", "-s", "idle", "-x", "80", "-y", "24",
                            f"exec {sys.executable} {idle}"], check=True)  # fmt: skip
            pids = {name: pane_pid(tm, name) for name in (*runs, "idle")}
            time.sleep(args.settle)
            rounds: list[dict[str, float]] = []
            last = {name: cpu_seconds(pid) for name, pid in pids.items()}
            start = time.monotonic()
            for n in range(1, args.rounds + 1):
                time.sleep(max(0.0, start + n * args.seconds - time.monotonic()))
                now = {name: cpu_seconds(pid) for name, pid in pids.items()}
                rounds.append({name: now[name] - last[name] for name in pids})
                last = now
            screens = {
                name: subprocess.check_output([*tm, "capture-pane", "-p", "-t", name], text=True)
                for name in runs
            }
        finally:
            subprocess.run([*tm, "kill-server"], capture_output=True)  # this socket's only
    print(f"home screen at 80x24, CPU seconds (user+system, all threads) per {args.seconds:.0f} s")
    for n, used in enumerate(rounds, 1):
        print(f"  round {n}: " + "  ".join(f"{k} {v:.2f}" for k, v in used.items()))
    means = {name: statistics.fmean(r[name] for r in rounds) for name in pids}
    print("  mean per round: " + "  ".join(f"{k} {v:.3f}" for k, v in means.items()))
    for name, screen in screens.items():
        if "Routines" not in screen:
            print(f"  warning: {name} was not on the home screen:", screen[:300])


if __name__ == "__main__":
    main()
