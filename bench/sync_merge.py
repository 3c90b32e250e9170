"""Two computers, one history (issue 15): what reading the merge of several device files costs.
Each device has a year of daily use (a check-in, a session and four desk breaks a day); the
files are written directly (fast), then read as the store does: the first read (every file
copied, checked and merged), a read with nothing changed (one stat per file), a read after
this computer wrote one check-in (the merge brought up to date in place, core/history/merged.py)
and a read after another computer wrote one a minute later (that file alone read again, and
applied in place too). Also one computer alone in a shared folder (no merge at all:
its file is read directly, as before).

    python bench/sync_merge.py [--devices 1 2 5] [--runs 5]
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

from backroutine.core.device import Device
from backroutine.core.history import HistoryStore


def fill(data: Path, device: Device, seed: int) -> None:
    rng = random.Random(seed)
    start = datetime(2025, 1, 1, 8, 0).astimezone()
    with HistoryStore.open(data, device=device) as store:

        def year(connection):  # one transaction: a year written in a blink
            for day in range(365):
                moment = (start + timedelta(days=day, minutes=seed)).isoformat(timespec="seconds")
                connection.execute(
                    "INSERT INTO checkins (at, pain, created_at) VALUES (?, ?, ?)",
                    (moment, rng.randint(0, 8), moment),
                )
                connection.execute(
                    "INSERT INTO sessions (routine_id, routine_name, category, started_at,"
                    " ended_at, status, steps_total) VALUES ('desk', 'Desk', 'gentle', ?, ?,"
                    " 'completed', 5)",
                    (moment, moment),
                )
                for _ in range(4):
                    connection.execute(
                        "INSERT INTO breaks (at, outcome) VALUES (?, 'taken')", (moment,)
                    )

        store._transaction(year)


def timed(action) -> float:
    began = time.perf_counter()
    action()
    return (time.perf_counter() - began) * 1000


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--devices", type=int, nargs="+", default=[1, 2, 5])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    # The devices seen (core/history/seen.py) are noted in the config folder: a throwaway one.
    os.environ["XDG_CONFIG_HOME"] = tempfile.mkdtemp(prefix="sync-merge-config-")
    print(
        "devices  open+first read  read, unchanged  after a write here  after a write there"
        "  (median ms)"
    )
    for count in args.devices:
        first, same, after, there = [], [], [], []
        for _run in range(args.runs):
            with tempfile.TemporaryDirectory() as folder:
                data = Path(folder) / "data"
                devices = [Device(f"{n:032x}", f"computer {n}") for n in range(1, count + 1)]
                for n, device in enumerate(devices):
                    fill(data, device, n)
                began = time.perf_counter()
                store = HistoryStore.open(data, device=devices[0])
                store.checkins()
                first.append((time.perf_counter() - began) * 1000)
                same.append(timed(store.checkins))
                store.add_checkin(at=datetime.now().astimezone(), pain=3)
                after.append(timed(store.checkins))
                assert len(store.checkins()) == 365 * count + 1
                if count > 1:
                    with HistoryStore.open(data, device=devices[-1]) as other:
                        later = datetime.now().astimezone() + timedelta(minutes=1)
                        other.add_checkin(at=later, pain=4)  # a moment later, over there
                    there.append(timed(store.checkins))
                    assert len(store.checkins()) == 365 * count + 2
                store.close()
        print(
            f"{count:7}  {statistics.median(first):15.1f}  {statistics.median(same):15.1f}"
            f"  {statistics.median(after):18.1f}"
            f"  {statistics.median(there) if there else float('nan'):19.1f}"
        )


if __name__ == "__main__":
    main()
