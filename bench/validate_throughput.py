"""Validation throughput: `backroutine validate` of 1,000 routine files against parsing the same
files with libyaml alone, in one process each.

    python bench/validate_throughput.py [--files 1000] [--runs 7]

Prints the median wall time of each and the ratio (target: validate <= 2x parsing). The files
are copies of the bundled routines, each with its own id. Both sides are whole processes
started the same way (interpreter start-up included), and also timed in-process, without it.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent

PARSE_ONLY = """
import sys, yaml
from pathlib import Path
for path in sorted(Path(sys.argv[1]).glob("*.yaml")):
    yaml.load(path.read_bytes(), Loader=yaml.CSafeLoader)
"""

IN_PROCESS = """
import sys, time, yaml
from pathlib import Path
from backroutine.core.validate import validate_paths
files = sorted(Path(sys.argv[1]).glob("*.yaml"))
t = time.perf_counter()
for path in files:
    yaml.load(path.read_bytes(), Loader=yaml.CSafeLoader)
parse = time.perf_counter() - t
t = time.perf_counter()
report = validate_paths([sys.argv[1]])
check = time.perf_counter() - t
assert report.ok, report.summary()
print(f"{parse:.4f} {check:.4f}")
"""


def make_files(folder: Path, count: int) -> None:
    seeds = sorted((REPO / "routines").glob("*.yaml"))
    for i in range(count):
        seed = seeds[i % len(seeds)]
        text = seed.read_text(encoding="utf-8")
        (folder / f"{seed.stem}-{i:04d}.yaml").write_text(text, encoding="utf-8")
    # cue sounds and figures are bundled names, so the copies need nothing beside them


def timed(cmd: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--files", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    beside = Path(sys.executable).parent / "backroutine"  # the same environment's script
    backroutine = str(beside) if beside.exists() else shutil.which("backroutine") or "backroutine"
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        make_files(folder, args.files)
        size = sum(p.stat().st_size for p in folder.iterdir())
        parse_cmd = [sys.executable, "-c", PARSE_ONLY, tmp]
        validate_cmd = [backroutine, "validate", tmp]
        timed(parse_cmd), timed(validate_cmd)  # warm the file cache
        parse, validate = [], []
        for _ in range(args.runs):  # interleaved, so drift hits both alike
            parse.append(timed(parse_cmd))
            validate.append(timed(validate_cmd))
        inproc = [
            tuple(
                map(
                    float,
                    subprocess.check_output(
                        [sys.executable, "-c", IN_PROCESS, tmp], text=True
                    ).split(),
                )
            )
            for _ in range(3)
        ]
    p, v = statistics.median(parse), statistics.median(validate)
    ip = statistics.median(x[0] for x in inproc)
    iv = statistics.median(x[1] for x in inproc)
    print(f"{args.files} files, {size / 1024:.0f} KiB, median of {args.runs} runs")
    print(f"  parse only (python + yaml.load CSafeLoader): {p * 1000:8.1f} ms")
    print(f"  backroutine validate:                        {v * 1000:8.1f} ms")
    print(f"  ratio validate / parse:                      {v / p:8.2f}x  (target <= 2x)")
    print("in-process, without interpreter start-up:")
    print(f"  parse only: {ip * 1000:.1f} ms   validate: {iv * 1000:.1f} ms   ratio {iv / ip:.2f}x")


if __name__ == "__main__":
    main()
