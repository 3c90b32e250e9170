"""The routine format's numbers and grammar, in one place (ROUTINE_FORMAT.md): the loader
checks values with them and the JSON Schema for editors is built from them, so the two cannot
drift apart (tests/unit/test_schema.py runs one corpus through both).

Patterns are written once, as source text that Python's `re` and an editor's JSON Schema
(ECMAScript) read the same way: [0-9] rather than \\d (which is any Unicode digit in Python),
spaces and tabs spelled out, no Python-only syntax; anchored by their user (fullmatch in Python,
^...$ in the schema).
"""

from __future__ import annotations

MAX_FILE_BYTES = 1024 * 1024
MAX_NAME = 80
MAX_ID = 64
MAX_LINE_TEXT = 200  # a summary, a cue's words
MAX_SETS = 20
MAX_REPS = 200
LEVELS = (1, 5)
MAX_SECONDS = 2 * 60 * 60  # any one duration, and any one bout
MAX_ROUTINE_SECONDS = 4 * 60 * 60  # every get-ready, bout and rest of a routine
MAX_TEMPO_PHASE = 60
MAX_DURATION_TEXT = 40  # characters: "1h 30m 15s" is 10; longer text is refused unread

_ = r"[ \t]*"  # spaces
ID = r"[a-z0-9-]+"
# A duration as text: whole seconds ("45"), or hours, minutes and seconds in that order, each
# optional but at least one, with spaces between them ("1h 30m", "2m", "1m30s"). Every run of
# spaces follows a digit or a unit, so the pattern never backtracks on long runs of spaces.
DURATION = rf"{_}(?=[0-9])(?:[0-9]+{_}|(?:[0-9]+h{_})?(?:[0-9]+m{_})?(?:[0-9]+s{_})?)"
# For a duration that may not be zero (a hold, a rep...): some digit other than 0.
NOT_ZERO = r"(?=[^\n]*[1-9])"
# A tempo: 2 to 4 phases of whole seconds (0..60) joined by "-", spaces allowed around "-".
TEMPO_PHASE = r"0*(?:60|[1-5]?[0-9])"
# The phases may not add up to 0: some digit other than 0 (the lookahead) must be there.
TEMPO = rf"(?=[ \t0-9-]*[1-9]){_}{TEMPO_PHASE}(?:{_}-{_}{TEMPO_PHASE}){{1,3}}{_}"
# A cue's time: a share of the bout ("50%", at most 100), time from its start ("10s") or before
# its end ("-5s"); no spaces inside a time, and a time before the end is never zero.
CUE_PERCENT = rf"{_}(?:100(?:\.0+)?|[0-9]{{1,2}}(?:\.[0-9]+)?){_}%{_}"
CUE_TIME = r"(?=[0-9])(?:[0-9]+|(?:[0-9]+h)?(?:[0-9]+m)?(?:[0-9]+s)?)"
CUE_AT = rf"(?:{CUE_PERCENT}|{_}(?:-(?=[0-9hms]*[1-9]))?{CUE_TIME}{_})"
