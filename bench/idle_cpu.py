"""What the CPU benches share: a process's CPU time from /proc, the process in a tmux pane, and
a minimal idle Textual app (one line of text) to compare a backroutine screen with."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS  # utime + stime, all threads


def pane_pid(tm: list[str], session: str) -> int:
    out = subprocess.check_output(
        [*tm, "list-panes", "-t", session, "-F", "#{pane_pid}"], text=True
    )
    return int(out.split()[0])


def idle_app(line: str) -> str:
    """The source of a Textual app that shows `line` and does nothing else."""
    return f"""
from textual.app import App
from textual.widgets import Static


class OneLine(App):
    def compose(self):
        yield Static({line!r})


OneLine().run()
"""
