"""The bundled strengthening routines make one ladder: every level from 2 (where strengthening
opens, with level 1) to 5 has a routine, each level asks more than the one below, and the
README counts what ships."""

from __future__ import annotations

import re
from collections import Counter
from itertools import pairwise

from backroutine.core import paths
from backroutine.core.library import routine_files
from backroutine.core.loading import load_routine
from backroutine.core.model import Routine
from conftest import REPO

ROUTINES = [load_routine(p) for p in routine_files(paths.bundled_routines_dir(), recursive=False)]
STRENGTH = [r for r in ROUTINES if r.category == "strengthening"]


def seconds_under_load(routine: Routine) -> int:
    """Seconds of holds and reps; warm-ups and walks (timed steps) and stretches are not load."""
    return sum(
        step.bouts * step.seconds
        for step in routine.steps
        if step.kind in ("hold", "reps") and "stretch" not in step.name.lower()
    )


def test_every_level_from_2_to_5_has_a_strengthening_routine() -> None:
    levels = {r.level for r in STRENGTH}
    assert levels == {2, 3, 4, 5}  # level 1 opens with level 2, so 2 is the first rung


def test_each_level_asks_more_than_every_routine_below_it() -> None:
    by_level: dict[int, list[int]] = {}
    for routine in STRENGTH:
        assert routine.level is not None, routine.id
        by_level.setdefault(routine.level, []).append(seconds_under_load(routine))
    levels = sorted(by_level)
    for lower, higher in pairwise(levels):
        assert max(by_level[lower]) < min(by_level[higher]), (lower, higher, by_level)


def test_the_readme_counts_the_bundled_routines() -> None:
    readme = " ".join((REPO / "README.md").read_text(encoding="utf-8").split())
    said = re.search(
        r"It comes with (\d+) routines written with care \((\d+) gentle, (\d+) yoga, "
        r"(\d+) strengthening from level (\d) to level (\d)",
        readme,
    )
    assert said, "the README no longer says how many routines ship"
    total, gentle, yoga, strengthening, low, high = map(int, said.groups())
    counts = Counter(r.category for r in ROUTINES)
    assert total == len(ROUTINES)
    assert (gentle, yoga, strengthening) == (counts["gentle"], counts["yoga"], len(STRENGTH))
    assert (low, high) == (min(r.level or 2 for r in STRENGTH), max(r.level or 2 for r in STRENGTH))
