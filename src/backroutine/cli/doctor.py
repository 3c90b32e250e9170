"""`backroutine doctor`: is the installation whole? The data folder, the routines, the sounds
and how they are played, the voice."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

from backroutine import __version__
from backroutine.cli.common import EXIT_OK, data_dir, print_json

if TYPE_CHECKING:
    from backroutine.cli.parsing import Commands


def register(commands: Commands) -> None:
    commands.add(
        "doctor", "check the installation: data folder, routines, sound", cmd_doctor, _options
    )


def _options(sub: argparse.ArgumentParser) -> None:
    sub.add_argument("--json", action="store_true", help="print JSON")
    sub.add_argument(
        "--play", action="store_true", help="play each bundled sound, and say how it went"
    )


def cmd_doctor(args: argparse.Namespace) -> int:
    from backroutine import audio
    from backroutine.core import paths
    from backroutine.core.library import load_library
    from backroutine.services.devices import left_out_lines

    folder = data_dir(args)
    library = load_library(folder)
    bundled = sum(1 for e in library if e.source == "bundled")
    sound = audio.probe(play_test_sound=args.play)
    from backroutine.speech import describe_speech

    voice = describe_speech()
    sounds = sorted(paths.bundled_sound_names())
    left_out = left_out_lines(folder)  # other computers' files and records not merged
    report = {
        "version": __version__,
        "python": sys.version.split()[0],
        "data_dir": str(folder),
        "data_dir_exists": folder.is_dir(),
        "routines_dir": str(paths.user_routines_dir(folder)),
        "bundled_routines": bundled,
        "user_routines": sum(1 for e in library if e.source == "user"),
        "routine_problems": [str(p) for p in library.problems],
        "bundled_routines_dir": str(paths.bundled_routines_dir()),
        "bundled_sounds_dir": str(paths.bundled_sounds_dir()),
        "bundled_sounds": sounds,
        "audio": sound,
        "voice": voice,
        "history_left_out": left_out,
    }
    if args.json:
        print_json(report)
        return EXIT_OK
    print(f"backroutine {__version__} (Python {report['python']})")
    print(f"data folder:      {folder}" + ("" if folder.is_dir() else " (not created yet)"))
    print(f"your routines:    {report['routines_dir']} ({report['user_routines']} found)")
    print(f"bundled routines: {bundled} in {report['bundled_routines_dir']}")
    print(f"bundled sounds:   {', '.join(sounds) or 'none found!'}")
    from backroutine.audio.check import doctor_lines

    for line in doctor_lines(sound):
        print(line)
    if voice.get("program"):
        works = "works" if voice.get("works") else f"found, but {voice.get('reason')}"
        print(f"voice (--voice):  {voice.get('program')}: {works}")
    else:
        print("voice (--voice):  no speech program found; install espeak-ng to hear cues spoken")
    from backroutine.core.text import escaped

    for problem in library.problems:
        print(f"problem: {escaped(str(problem))}")
    for line in left_out:
        print(f"history:          {line}")
    return EXIT_OK
