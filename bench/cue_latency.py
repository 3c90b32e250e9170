"""Cue latency: does every cue reach the sound server, and how long after its line (issue 12)?

    python bench/cue_latency.py [--backends stream,playsound3] [--runs N] [--busy N] [--table]

Each run starts a private PulseAudio (tests/audio_rig.py: a null sink kept running by a silent
stream, its monitor recorded with parec, a reference click through a 5 ms client to measure
the rig's own delay), plays a 21 s routine that makes every bundled sound (18 cues) with
`backroutine play ROUTINE --plain` and BACKROUTINE_AUDIO=auto, stamps each printed line on
arrival, and finds each sound in the recording by its spectrum. A cue's latency is the moment
its sound reaches the server less the moment its line came out (a countdown tick, which has no
line, is placed on the routine's timeline from the lines). Jitter is the spread with the
median taken off, as issue 12 counted it.

BACKROUTINE_SOUND_BACKEND picks the backend of each series; what the player then uses is shown
from `backroutine doctor --json` and the player's own notes. --busy N keeps N cores busy with
spinning processes during the runs (a loaded machine).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from audio_rig import Measurement, PulseRig, Recogniser, measure, write_routine


def backroutine_command() -> list[str]:
    beside = Path(sys.executable).parent / "backroutine"
    found = str(beside) if beside.exists() else shutil.which("backroutine")
    return [found] if found else [sys.executable, "-m", "backroutine"]


def doctor(rig: PulseRig, command: list[str], backend: str, home: Path) -> str:
    """What backroutine says about sound with this backend asked for, in the rig."""
    env = rig.child_env(
        BACKROUTINE_AUDIO="auto", BACKROUTINE_HOME=str(home), BACKROUTINE_SOUND_BACKEND=backend
    )
    run = subprocess.run(
        [*command, "doctor", "--json"], env=env, capture_output=True, text=True, timeout=60
    )
    try:
        audio = json.loads(run.stdout)["audio"]
    except (ValueError, KeyError):
        return f"doctor failed (exit {run.returncode}): {run.stderr.strip()[-200:]}"
    if not audio.get("works"):
        return f"not available: {audio.get('reason')}"
    if audio.get("through"):  # with the stream player: "stream" (pulseaudio), "playsound3" (...)
        return f"works, through {audio['through']} ({audio.get('backend')})"
    return f"works, through playsound3 ({audio.get('backend')})"  # before it: playsound3 only


def ms(value: float | None) -> str:
    return "-" if value is None else f"{value * 1000:.0f} ms"


def series(backend: str, runs: list[Measurement], said: str, table: bool) -> None:
    print(f"BACKROUTINE_SOUND_BACKEND={backend}  (doctor: {said})")
    notes = sorted({line for m in runs for line in m.run.stderr.splitlines() if line.strip()})
    for note in notes:
        print(f"  player said: {note}")
    latencies = [v for m in runs for v in m.latencies]
    expected = sum(len(m.cues) for m in runs)
    by_sound: dict[str, list[int]] = {}
    for m in runs:
        for cue in m.cues:
            counts = by_sound.setdefault(cue.sound, [0, 0])
            counts[0] += cue.heard is not None
            counts[1] += 1
    sounds = ", ".join(f"{name} {h}/{n}" for name, (h, n) in sorted(by_sound.items()))
    print(f"  cues expected {expected}, heard {len(latencies)} ({sounds})")
    if latencies:
        median = statistics.median(latencies)
        worst = max(latencies, key=abs)
        jitter = [v - median for v in latencies]
        firsts = ", ".join(ms(m.cues[0].latency) for m in runs)
        print(
            f"  latency against the line: median {ms(median)}, worst {ms(worst)}; "
            f"{sum(abs(v) > 0.1 for v in latencies)} of {len(latencies)} over 100 ms; "
            f"first cue of each run: {firsts}"
        )
        print(
            f"  jitter (median removed): worst {ms(max(jitter, key=abs))}, "
            f"{sum(abs(v) > 0.1 for v in jitter)} of {len(latencies)} off by more than 100 ms"
        )
    extra = sum(len(m.extra) for m in runs)
    if extra:
        print(f"  heard but not expected: {extra}")
    gaps = [g.seconds for m in runs for g, _ in m.gaps]
    print(
        f"  dropouts (silence inside a sound): {len(gaps)}"
        + (f", longest {max(gaps) * 1000:.0f} ms" if gaps else "")
    )
    for i, m in enumerate(runs, 1):
        missed = ", ".join(f"{c.sound} at {c.at:g} s" for c in m.missed)
        if missed:
            print(f"  run {i} missed: {missed}")
        for line in m.report():
            if line.startswith("dropouts"):
                print(f"  run {i} {line}")
    for i, m in enumerate(runs, 1):
        print(f"  run {i}: {m.calibration.describe()}; analysis {m.analysis_seconds:.1f} s")
        if table:
            for row in m.table():
                print(f"    {row}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--backends", default="stream,playsound3")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--busy", type=int, default=0, help="cores to keep busy meanwhile")
    parser.add_argument("--table", action="store_true", help="every cue of every run")
    args = parser.parse_args()
    command = backroutine_command()
    recogniser = Recogniser()
    burners = [
        subprocess.Popen([sys.executable, "-c", "while True: pass"]) for _ in range(args.busy)
    ]
    try:
        with tempfile.TemporaryDirectory() as tmp:
            routine = write_routine(Path(tmp))
            print(f"{' '.join(command)} play {routine.name} --plain, 21 s, 18 cues")
            if args.busy:
                print(f"with {args.busy} busy cores")
            for backend in args.backends.split(","):
                runs = []
                said = "?"
                for i in range(args.runs):
                    home = Path(tmp) / f"home-{backend}-{i}"
                    with PulseRig() as rig:
                        if i == 0:
                            said = doctor(rig, command, backend, home)
                        runs.append(
                            measure(
                                rig,
                                routine,
                                home=home,
                                recogniser=recogniser,
                                command=command,
                                backend=backend,
                            )
                        )
                series(backend, runs, said, args.table)
    finally:
        for burner in burners:
            burner.kill()
            burner.wait()
    print(f"(pulseaudio {pulse_version()}; {os.cpu_count()} cores)")


def pulse_version() -> str:
    try:
        out = subprocess.run(["pulseaudio", "--version"], capture_output=True, text=True)
    except OSError:
        return "?"
    return out.stdout.strip().split()[-1] if out.stdout.strip() else "?"


if __name__ == "__main__":
    main()
