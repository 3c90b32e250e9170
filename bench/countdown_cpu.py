"""CPU and memory while a 40 s countdown plays in a real terminal: backroutine's TUI against
termdown counting down 40 s, side by side in tmux, both started together.

    python bench/countdown_cpu.py [--termdown PATH] [--backroutine PATH] [--seconds 40]

Needs tmux and termdown (`pip install termdown`, in any environment; pass its path). Prints
CPU seconds used from 5 s to 35 s after the start (steady state, all threads) and over the
whole run, the peak RSS, and backroutine / termdown ratios.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS  # utime + stime, all threads


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):  # peak resident set
            return int(line.split()[1]) / 1024
    return 0.0


def pane_pid(socket: str, session: str) -> int:
    out = subprocess.check_output(
        ["tmux", "-L", socket, "list-panes", "-t", session, "-F", "#{pane_pid}"], text=True
    )
    return int(out.split()[0])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--termdown", default=shutil.which("termdown") or "termdown")
    here = Path(sys.executable).parent / "backroutine"
    parser.add_argument("--backroutine", default=str(here) if here.exists() else "backroutine")
    parser.add_argument("--seconds", type=int, default=40)
    args = parser.parse_args()
    seconds = args.seconds
    with tempfile.TemporaryDirectory() as tmp:
        routine = Path(tmp) / "countdown.yaml"
        routine.write_text(
            f"name: Countdown\ncategory: gentle\ndefaults: {{get_ready: 0}}\nsteps:\n"
            f"  - {{name: Hold still, hold: {seconds}s, instructions: Breathe.}}\n"
        )
        socket = f"bench{os.getpid()}"
        env = ["-e", f"BACKROUTINE_HOME={tmp}/home", "-e", "BACKROUTINE_AUDIO=off"]
        tm = ["tmux", "-L", socket]
        try:
            # The intro screen waits for Enter: start backroutine first, then press Enter
            # and start termdown at the same moment.
            subprocess.run(
                [
                    *tm,
                    "new-session",
                    "-d",
                    "-s",
                    "br",
                    "-x",
                    "100",
                    "-y",
                    "30",
                    *env,
                    f"exec {args.backroutine} play {routine}",
                ],
                check=True,
            )
            br = pane_pid(socket, "br")
            time.sleep(3)  # start-up, measured separately by bench/startup.py
            br_cpu_at_start = cpu_seconds(br)
            subprocess.run([*tm, "send-keys", "-t", "br", "Enter"], check=True)
            subprocess.run(
                [
                    *tm,
                    "new-session",
                    "-d",
                    "-s",
                    "td",
                    "-x",
                    "100",
                    "-y",
                    "30",
                    f"exec {args.termdown} {seconds}s",
                ],
                check=True,
            )
            td = pane_pid(socket, "td")
            start = time.monotonic()

            def at(t: float) -> tuple[float, float]:
                time.sleep(max(0.0, start + t - time.monotonic()))
                return cpu_seconds(br), cpu_seconds(td)

            b5, t5 = at(5)
            b35, t35 = at(seconds - 5)
            b_end, t_end = at(seconds - 0.3)
            peak_br, peak_td = rss_mb(br), rss_mb(td)
            screen = subprocess.check_output([*tm, "capture-pane", "-p", "-t", "br"], text=True)
        finally:
            subprocess.run([*tm, "kill-server"], capture_output=True)
    steady_b, steady_t = b35 - b5, t35 - t5
    whole_b, whole_t = b_end, t_end
    print(f"{seconds} s countdown, both in tmux 100x30, CPU seconds (user+system, all threads)")
    for label, b, t in (
        (f"steady state (5-{seconds - 5} s):", steady_b, steady_t),
        ("whole run incl. start-up:  ", whole_b, whole_t),
    ):
        print(f"  {label} backroutine {b:.2f}  termdown {t:.2f}  ratio {b / max(t, 0.01):.2f}x")
    print(f"  (backroutine start-up before Enter: {br_cpu_at_start:.2f} s)")
    print(f"  peak RSS: backroutine {peak_br:.0f} MB  termdown {peak_td:.0f} MB")
    if "Hold still" not in screen:
        print("  warning: the player screen was not showing at the end:", screen[:200])


if __name__ == "__main__":
    main()
