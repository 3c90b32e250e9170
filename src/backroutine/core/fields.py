"""Reading one value of a read YAML document (core/yamldoc.py) at a time: text, whole numbers,
durations, lists of text, one of a few words, mappings, and the keys a mapping may have.

A FieldReader never raises for a bad value: it records a Problem (with the file's label, the
value's line and column, and its field path) and returns None or an empty value, so that one
pass over a file reports every problem in it. It knows nothing of routines: loading.py says
which keys a routine has and what each must be.
"""

from __future__ import annotations

from typing import TypeVar

from backroutine.core.durations import ValueProblem, parse_duration, show_value
from backroutine.core.errors import Problem, key_name
from backroutine.core.yamldoc import INVALID, Map, Mark, Seq, field_path

# "did you mean" suggestions worked out per file: difflib is slow, and a file with thousands of
# unknown keys lists only its first problems anyway.
MAX_HINTS = 100
# Nothing a file may name is this long; a longer word is not worth difflib's time.
_LONGEST_HINTED = 64

Word = TypeVar("Word", bound=str)
Allowed = tuple[str, ...] | frozenset[str]


def close_matches(word: str, choices: list[str], *, n: int, cutoff: float) -> list[str]:
    import difflib  # only when something is misspelt: it is not needed otherwise

    return difflib.get_close_matches(word, choices, n=n, cutoff=cutoff)


def one_of(value: object, allowed: tuple[Word, ...]) -> Word | None:
    """The word of `allowed` that `value` is, typed as those words (a Literal), or None."""
    for word in allowed:
        if value == word:
            return word
    return None


def _closest(word: str, allowed: Allowed) -> str:
    if len(word) > _LONGEST_HINTED:
        return ""
    close = close_matches(word, list(allowed), n=1, cutoff=0.6)
    return close[0] if close else ""


class FieldReader:
    """Reads values out of mappings, collecting problems in `problems` (in the order found)."""

    def __init__(self, label: str) -> None:
        self.label = label  # the file as messages name it
        self.problems: list[Problem] = []
        self.hints_left = MAX_HINTS
        self._closest: dict[tuple[str, Allowed], str] = {}

    def add(self, mark: Mark, field: str, message: str) -> None:
        self.problems.append(Problem(self.label, mark[0], mark[1], field, message))

    def closest(self, word: str, allowed: Allowed) -> str:
        """The allowed word `word` looks like a misspelling of, or "": for the first MAX_HINTS
        different misspellings of a file only."""
        known = self._closest.get((word, allowed))
        if known is not None:
            return known
        if self.hints_left <= 0:
            return ""
        self.hints_left -= 1
        close = self._closest[word, allowed] = _closest(word, allowed)
        return close

    def did_you_mean(self, word: str, allowed: Allowed) -> str:
        """` (did you mean "X"?)` to append to a message, or ""."""
        close = self.closest(word, allowed)
        return f' (did you mean "{close}"?)' if close else ""

    def keys(self, node: Map, allowed: tuple[str, ...], field: str, what: str) -> set[str]:
        """Report unknown keys; return the known keys they look like misspellings of."""
        meant: set[str] = set()
        for key in node:
            if key not in allowed:
                name = key_name(key)
                # A key that is not a name may be a line of some other file: never quoted,
                # and not even looked at for a suggestion.
                close = self.closest(key, allowed) if name else ""
                if close:
                    meant.add(close)
                hint = f' (did you mean "{close}"?)' if close else ""
                said = f'unknown key "{name}"{hint}' if name else "this key is not a name"
                self.add(
                    node.key_marks[key],
                    field_path(field, key),
                    f"{said}; {what} may have: {', '.join(allowed)}",
                )
        return meant

    def text(
        self,
        node: Map,
        key: str,
        field: str,
        *,
        required: str | None = None,
        limit: int | None = None,
        one_line: bool = False,
    ) -> str | None:
        """A text value. `required` is the hint shown when it is missing."""
        if key not in node:
            if required:
                self.add(node.mark, field, f'"{key}" is missing; {required}')
            return None
        value = node[key]
        mark = node.value_marks[key]
        name = field_path(field, key)
        if value is INVALID:
            return None
        if isinstance(value, int | float) and not isinstance(value, bool):
            value = str(value)  # `name: 1984` is fine as text
        if not isinstance(value, str):
            self.add(mark, name, f"{show_value(value)} is not text; write some text here")
            return None
        value = value.strip()
        if not value:
            self.add(mark, name, "is empty; write some text here or remove the key")
            return None
        if one_line and "\n" in value:
            self.add(mark, name, "must be a single line")
            return None
        if limit is not None and len(value) > limit:
            self.add(mark, name, f"is {len(value)} characters long; at most {limit} are allowed")
            return None
        return value

    def integer(self, node: Map, key: str, field: str, low: int, high: int) -> int | None:
        value = node[key]
        if value is INVALID:
            return None
        mark = node.value_marks[key]
        if isinstance(value, float) and value.is_integer():
            value = int(value)  # YAML reads `3.0` as a float; it is still a whole number
        if isinstance(value, bool) or not isinstance(value, int):
            self.add(
                mark,
                field_path(field, key),
                f"{show_value(value)} is not a whole number; use {low} to {high}",
            )
            return None
        if not low <= value <= high:
            self.add(
                mark,
                field_path(field, key),
                f"{show_value(value)} is out of range; use {low} to {high}",
            )
            return None
        return value

    def duration(self, node: Map, key: str, field: str, *, allow_zero: bool) -> int | None:
        value = node[key]
        if value is INVALID:
            return None
        try:
            return parse_duration(value, allow_zero=allow_zero)
        except ValueProblem as exc:
            self.add(node.value_marks[key], field_path(field, key), str(exc))
            return None

    def text_list(self, node: Map, key: str) -> tuple[str, ...]:
        """A list of text under a top-level `key`; bad items are reported and left out."""
        if key not in node or node[key] is INVALID:
            return ()
        value = node[key]
        mark = node.value_marks[key]
        if value is None:
            return ()
        if not isinstance(value, Seq):
            self.add(mark, key, f"must be a list of text, e.g. {key}: [first, second]")
            return ()
        out: list[str] = []
        for index, item in enumerate(value):
            if item is INVALID:
                continue
            if isinstance(item, int | float) and not isinstance(item, bool):
                item = str(item)
            if not isinstance(item, str) or not item.strip():
                self.add(value.marks[index], f"{key}[{index}]", "must be some text")
                continue
            out.append(item.strip())
        return tuple(out)

    def choice(
        self, node: Map, key: str, field: str, allowed: tuple[Word, ...], hint: str
    ) -> Word | None:
        """One of a few words, with a "did you mean" for a near miss."""
        value = node[key]
        if value is INVALID:
            return None
        word = one_of(value, allowed)
        if word is not None:
            return word
        close = self.did_you_mean(value, allowed) if isinstance(value, str) else ""
        self.add(
            node.value_marks[key],
            field_path(field, key),
            f"{show_value(value)} is not allowed here{close}; {hint}",
        )
        return None

    def mapping(self, value: object, mark: Mark, field: str, what: str) -> Map | None:
        """`value` as a mapping, or None (reported unless it was refused while reading)."""
        if value is INVALID:
            return None
        if not isinstance(value, Map):
            self.add(mark, field, f"must be a mapping of keys and values ({what})")
            return None
        return value
