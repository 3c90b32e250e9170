"""The one error type that loading raises: a list of problems, each with its place in the file.

Messages quote the file's text only in short, escaped excerpts (`excerpt`): a routine path may
be a symlink to a secret, and a value may hold terminal control codes. A file reports at most
MAX_PROBLEMS problems, then one line saying how many more there are.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from backroutine.core.text import escaped

MAX_PROBLEMS = 20  # per file; the rest are counted, not listed
EXCERPT = 40  # the most characters of the file's text a message quotes


def excerpt(text: str, limit: int = EXCERPT) -> str:
    """At most `limit` characters of `text` (cut with "…"), control characters escaped, on
    one line: what a message may quote of a routine file."""
    cut = text if len(text) <= limit else text[:limit] + "…"
    return escaped(cut, one_line=True)


_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_-]{0,39}")
NOT_A_NAME = "(a key that is not a name)"


def key_name(key: str) -> str | None:
    """A key as a message may quote it: only keys that look like field names (a letter, then
    letters, digits, - or _). Anything else is not quoted at all: a file that is not a routine
    (a symlink to a password file, say) must not be copied into a message, even in part."""
    return key if _NAME.fullmatch(key) else None


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with a routine file, where it is, and how to fix it."""

    file: str
    line: int  # 1-based; 1 (with column 1) when the problem is the file as a whole
    column: int  # 1-based
    field: str  # a field path such as "steps[2].hold"; "" for the file as a whole
    message: str

    def __str__(self) -> str:
        # Always FILE:LINE:COL, so editors and CI problem matchers pick every line up.
        where = f"{self.file}:{max(self.line, 1)}:{max(self.column, 1)}"
        text = (
            f"{where}: {self.field}: {self.message}" if self.field else f"{where}: {self.message}"
        )
        return escaped(text, one_line=True)  # a last guard: no control code reaches a terminal

    def to_dict(self) -> dict[str, object]:
        return {
            "file": self.file,
            "line": max(self.line, 1),
            "column": max(self.column, 1),
            "field": escaped(self.field, one_line=True),
            "message": escaped(self.message, one_line=True),
        }


class RoutineError(Exception):
    """A routine file that cannot be used. Carries its problems in file order: the first
    MAX_PROBLEMS, then (when there are more) one saying how many more; `total` counts all."""

    def __init__(self, problems: list[Problem], *, more: int = 0) -> None:
        """`more`: problems that were only counted (found after all of `problems`)."""
        ordered = sorted(problems, key=lambda p: (p.line, p.column))
        self.total = len(ordered) + more
        self.problems = ordered[:MAX_PROBLEMS]
        if self.total > len(self.problems):
            more = self.total - len(self.problems)
            self.problems.append(
                Problem(
                    ordered[0].file,
                    1,
                    1,
                    "",
                    f"... and {more} more problem{'s' if more > 1 else ''} (only the first "
                    f"{MAX_PROBLEMS} are listed); fix these and check the file again",
                )
            )
        super().__init__("\n".join(str(p) for p in self.problems))
