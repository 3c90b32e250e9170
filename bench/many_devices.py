"""5,000 device files in one synced folder (issue 20): what `backroutine status` costs, run as
a person runs it (a new process each time). Each peer file is small (one check-in, its own
device id), made by copying one file the app wrote and changing its ids; this computer has a
file of its own with one check-in too.

    python bench/many_devices.py [--files 5000] [--runs 3] [--src PATH_TO_SRC]

`--src` picks the source tree to measure (PYTHONPATH), so the same folder can be timed with
two versions of backroutine (before and after a change).
"""

from __future__ import annotations

import argparse
import os
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path


def make_folder(root: Path, files: int, src: str) -> Path:
    data = root / "data"
    template = root / "template"
    code = (
        "import sys; from datetime import datetime, timedelta; from pathlib import Path;"
        "from backroutine.core.device import Device; from backroutine.core.history import "
        "HistoryStore;"
        "s = HistoryStore.open(Path(sys.argv[1]), device=Device('f' * 32, 'peer'));"
        "s.add_checkin(at=datetime.now().astimezone() - timedelta(days=2), pain=4); s.close()"
    )
    env = {**os.environ, "PYTHONPATH": src}
    subprocess.run([sys.executable, "-c", code, str(template)], check=True, env=env)
    source = template / "history" / f"{'f' * 32}.sqlite3"
    folder = data / "history"
    folder.mkdir(parents=True)
    for number in range(files):
        device = uuid.uuid4().hex
        target = folder / f"{device}.sqlite3"
        shutil.copyfile(source, target)
        with sqlite3.connect(target) as db:
            db.execute("UPDATE meta SET value = ? WHERE key = 'device_id'", (device,))
            db.execute("UPDATE meta SET value = ? WHERE key = 'device_name'", (f"peer {number}",))
            db.execute("UPDATE checkins SET uid = ?", (uuid.uuid4().hex,))
        db.close()
    return data


def timed_status(data: Path, config: Path, src: str) -> tuple[float, int, str]:
    env = {
        **os.environ,
        "PYTHONPATH": src,
        "BACKROUTINE_HOME": str(data),
        "BACKROUTINE_AUDIO": "off",
        "XDG_CONFIG_HOME": str(config),
    }
    began = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "backroutine", "status"], env=env, capture_output=True, text=True
    )
    return time.perf_counter() - began, done.returncode, done.stderr


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--files", type=int, default=5000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--src", default=str(Path(__file__).resolve().parent.parent / "src"))
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as root_name:
        root = Path(root_name)
        began = time.perf_counter()
        data = make_folder(root, args.files, args.src)
        print(f"{args.files} peer files made in {time.perf_counter() - began:.1f} s")
        config = root / "config"
        times = []
        for run in range(args.runs + 1):
            seconds, code, err = timed_status(data, config, args.src)
            label = "first (this computer's file made)" if run == 0 else f"run {run}"
            print(f"status, {label}: {seconds:.2f} s, exit {code}")
            if run == 0:
                notes = [line[:160] for line in err.splitlines() if line][:3]
                print("  stderr:", *notes, sep="\n    ")
            else:
                times.append(seconds)
        print(f"median of {args.runs}: {statistics.median(times):.2f} s")


if __name__ == "__main__":
    main()
