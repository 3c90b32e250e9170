"""Which copy of a record the merge keeps when several files hold one uid: records belong to
the computer that made them.

- This computer's own file (the merge's first source) always wins: no other file can turn
  its sessions stopped with "this hurts" into completed ones, or change its check-ins. Another
  computer changes one of this computer's records only through a record of its own naming
  it: a check-in correction (core/corrections.py), a safety answer marked as checked (a copy
  of the answers with the same uid and a `checked_at`: the only column taken from it), or an
  activity removed (a copy with `removed_at`, which carries no safety decision).
- Among the other files, the copies of one computer (its file and the sync engine's conflict
  copies of it, all naming the same device) are versions of one record: the one that went
  furthest wins (a finished session rather than one still running).
- Copies of one uid in the files of several other computers: nothing in a file proves which
  of them made it (a uid is random, a file's device id is what the file says), so the copy
  kept is the one that can hide nothing: a session stopped with "this hurts" stays stopped,
  and a session is read as completed only when every copy says so. For the other tables the
  first file holding it wins, as before (their copies are never updated, so a second
  computer's copy is one made by copying the file).
"""

from __future__ import annotations

import json
from collections.abc import Callable

from backroutine.core.history.sources import Row, Source, _stem, instant

# Of two copies of a record made by one computer, the one to keep: the higher key.
_FRESHER: dict[str, Callable[[Row], tuple[object, ...]]] = {
    "sessions": lambda row: (instant(row[5]), row[6] != "interrupted", row[8]),
    "red_flag_answers": lambda row: (row[3] is not None, instant(row[3])),
    "activities": lambda row: (row[5] is not None, instant(row[5])),
}


def makers(sources: list[Source]) -> list[str]:
    """Which computer each file's records come from, for telling copies apart: the name the
    file starts with (a conflict copy keeps it), never only what the file says inside, so a
    file named otherwise cannot pass for a device's own by writing its id in."""
    return [
        source.device if index == 0 else f"{_stem(source.path)}/{source.device}"
        for index, source in enumerate(sources)
    ]


def _cautious(row: Row) -> tuple[object, ...]:
    """A session copy's key when its maker is unknown: a "this hurts" stop first, then any
    copy not completed, then the one that went furthest."""
    return (row[10] == "pain", row[6] != "completed", *_FRESHER["sessions"](row))


def pick(table: str, copies: dict[int, Row], devices: list[str]) -> tuple[Row, int]:
    """The copy to keep of one record, given each file's copy (file index -> row; index 0 is
    this computer's file) and each file's device."""
    fresher = _FRESHER.get(table)
    if fresher is None:
        first = min(copies)
        return copies[first], first
    if table == "red_flag_answers":
        return _answers(copies, fresher, devices)
    if table == "sessions" and 0 in copies:
        return copies[0], 0
    key = fresher
    if table == "sessions" and len({devices[index] for index in copies}) > 1:
        key = _cautious
    best: tuple[Row, int] | None = None
    for place in sorted(copies):
        if best is None or key(copies[place]) > key(best[0]):
            best = (copies[place], place)
    assert best is not None  # copies is never empty
    return best


def _answers(
    copies: dict[int, Row], fresher: Callable[[Row], tuple[object, ...]], devices: list[str]
) -> tuple[Row, int]:
    """Safety answers: the answers themselves (time, yes, question set) from this computer's
    copy when it has one, else the first file's; the mark "checked by a professional" from the
    copy that has the latest one."""
    owner = 0 if 0 in copies else min(copies)
    uid, answered_at, yes, checked_at, question_set = copies[owner]
    if owner != 0 and len({devices[place] for place in copies}) > 1:
        # Nothing proves which of several other computers gave these answers: a copy can add
        # a yes, never take one away.
        keys: list[str] = []
        for place in sorted(copies):
            keys += [key for key in json.loads(str(copies[place][2])) if key not in keys]
        yes = json.dumps(keys)
    marked = max((copies[place] for place in sorted(copies)), key=fresher)
    if marked[3] is not None:
        checked_at = marked[3]
    return (uid, answered_at, yes, checked_at, question_set), owner
