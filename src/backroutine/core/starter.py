"""The commented starter routine that `backroutine new` writes."""

from __future__ import annotations

import json

from backroutine.core.schema import SCHEMA_FILE_NAME

_TEMPLATE = """\
# yaml-language-server: $schema=./{schema}
#
# A starter routine. Change what you like, then check it with:
#     backroutine validate "{filename}"
# and preview it with:
#     backroutine show {routine_id}
# The whole format is in backroutine's README, under "Writing your own routine".
# Durations are whole seconds (45) or text such as 45s, 2m, 1m30s.

name: {name}
category: {category}            # gentle | yoga | strengthening
summary: One line saying what this routine is for.
description: |
  A few sentences shown before the routine starts: who it is for and when to use it.
level: 1                        # 1 (easiest) to 5
equipment: [mat]
cautions:
  - Stop if pain becomes sharp or spreads down a leg, or if you feel numbness or tingling.
references:
  - NICE guideline NG59, low back pain and sciatica in over 16s

defaults:
  rest: 10s                     # rest between sets and between sides
  get_ready: 5s                 # countdown before each hold or reps step (0 = none)

steps:
  # A TIMED step: move freely for a while.
  - name: Easy walk
    duration: 1m
    instructions: |
      Walk around at a comfortable pace. Let your arms swing and breathe easily.

  # A REPS step, paced by a tempo: seconds up - hold - down for each rep.
  - name: Pelvic tilt
    reps: 8
    tempo: 2-1-2
    illustration: pelvic-tilt   # a bundled figure, or your own block of text after |
    instructions: |
      Lie on your back with your knees bent and feet flat. Gently flatten your lower back
      into the floor, hold, then let it arch a little.

  # A HOLD step, on each side, in sets, with a cue halfway through.
  - name: Knees to chest
    hold: 20s
    sides: both                 # left, then right
    sets: 2
    rest: 10s
    illustration: knees-to-chest
    cues:
      - at: 50%                 # or 10s after the start, or -5s before the end
        say: Breathe out slowly
        sound: chime

  # A REST step on its own.
  - rest: 30s
"""


def starter_routine(name: str, category: str, routine_id: str, filename: str) -> str:
    # A JSON string is also a valid YAML double-quoted scalar: safe for any name.
    return _TEMPLATE.format(
        schema=SCHEMA_FILE_NAME,
        filename=filename,
        routine_id=routine_id,
        name=json.dumps(name, ensure_ascii=False),
        category=category,
    )
