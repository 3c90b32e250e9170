"""History at scale: ten years of daily sessions and check-ins. `status`, `stats` and the home
screen's first frame must stay fast (target: status within 50 ms of `--version`).

    python bench/history_scale.py [--years 10] [--runs 9]
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from startup import first_frame

from backroutine.core.history import HistoryStore


def fill(data_dir: Path, years: int) -> tuple[int, int]:
    rng = random.Random(7)
    store = HistoryStore.open(data_dir)
    start = datetime.now().astimezone() - timedelta(days=365 * years)
    sessions = checkins = 0
    for day in range(365 * years):
        moment = start + timedelta(days=day, hours=8)
        store.add_checkin(at=moment, pain=rng.randint(0, 8), spasms=rng.choice([None, "same"]))
        sid = store.start_session(
            routine_id="desk-break",
            routine_name="Desk break",
            category="gentle",
            steps_total=5,
            started_at=moment,
        )
        store.finish_session(
            sid,
            status="completed",
            steps_done=5,
            active_seconds=169,
            at=moment + timedelta(minutes=3),
        )
        sessions += 1
        checkins += 1
    # Answered today, as a person does when the questions are due (a flare day after the last
    # answers asks them again, which would put them in front of the home screen).
    store.save_red_flags([], at=datetime.now().astimezone())
    store.close()
    return sessions, checkins


def timed(cmd: list[str], env: dict[str, str], runs: int) -> float:
    values = []
    for _ in range(runs):
        t = time.perf_counter()
        subprocess.run(cmd, env=env, stdout=subprocess.DEVNULL, check=True)
        values.append(time.perf_counter() - t)
    return statistics.median(values)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--years", type=int, default=10)
    parser.add_argument("--runs", type=int, default=9)
    args = parser.parse_args()
    backroutine = str(Path(sys.executable).parent / "backroutine")
    with tempfile.TemporaryDirectory() as big, tempfile.TemporaryDirectory() as empty:
        t = time.perf_counter()
        sessions, checkins = fill(Path(big), args.years)
        size = (Path(big) / "history.sqlite3").stat().st_size
        print(
            f"{args.years} years: {sessions} sessions and {checkins} check-ins, "
            f"{size / 1024:.0f} KiB, written in {time.perf_counter() - t:.1f} s"
        )
        subprocess.run(
            [backroutine, "safety", "--none", "--data-dir", empty], check=True, capture_output=True
        )
        for label, home in (("empty", empty), ("10 years", big)):
            env = dict(
                os.environ, BACKROUTINE_HOME=home, BACKROUTINE_AUDIO="off", TERM="xterm-256color"
            )
            version = timed([backroutine, "--version"], env, args.runs)
            status = timed([backroutine, "status", "--json"], env, args.runs)
            stats = timed([backroutine, "stats", "--json"], env, args.runs)
            history = timed([backroutine, "history", "--json"], env, max(3, args.runs // 3))
            frames = [first_frame([backroutine], b"Routines", env) for _ in range(5)]
            print(
                f"{label:>9}: --version {version * 1000:.0f} ms · status {status * 1000:.0f} ms "
                f"(+{(status - version) * 1000:.0f} ms) · stats {stats * 1000:.0f} ms · "
                f"history --json {history * 1000:.0f} ms · home first frame "
                f"{statistics.median(frames) * 1000:.0f} ms"
            )


if __name__ == "__main__":
    main()
