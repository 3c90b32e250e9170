"""A safe, position-keeping YAML reader for routine files.

PyYAML's loaders build Python objects after the fact and forget where each value came from;
they also expand aliases and accept tags. Routine files need the opposite: every value keeps
its line and column for error messages, duplicate keys are refused, aliases are never
expanded, tags never honoured, and a deeply nested file is refused instead of crashing the
recursive composer (libyaml's composer segfaults past a few thousand levels). So we read the
parser's event stream (libyaml's C parser when available: it is iterative and fast) and
build the tree ourselves with an explicit stack.

Plain scalars are resolved with the YAML 1.2 core schema (what editors use): true/false,
null/~, integers and floats; `yes`, `no`, `on`, `off` stay text.

Text is data: a scalar holding a control character (`"\\e]0;title\\a"` is easy to write as a
YAML escape) is refused wherever it is, so no routine text can drive a terminal. Messages quote
the file only in short escaped excerpts (keys in field paths too).
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
from typing import Any, Protocol

import yaml
from yaml import events as ev

from backroutine.core.errors import MAX_PROBLEMS, NOT_A_NAME, excerpt, key_name
from backroutine.core.text import describe_char, first_unsafe

try:  # libyaml's parser is about 10x faster; the pure-Python one is the same grammar.
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]

MAX_DEPTH = 32  # a routine needs 5 levels; anything deeper is a mistake or an attack
# Keys, values and list items (a step of three keys is 7): the longest bundled routine has
# under 300. The limit keeps reading any file under 1 MiB to a fraction of a second.
MAX_NODES = 20_000

Mark = tuple[int, int]  # (line, column), both 1-based


class Map(dict[str, object]):
    """A YAML mapping that remembers where each key and value starts."""

    __slots__ = ("key_marks", "mark", "value_marks")

    def __init__(self, mark: Mark) -> None:
        super().__init__()
        self.mark = mark
        self.key_marks: dict[str, Mark] = {}
        self.value_marks: dict[str, Mark] = {}


class Seq(list[object]):
    """A YAML sequence that remembers where each item starts."""

    __slots__ = ("mark", "marks")

    def __init__(self, mark: Mark) -> None:
        super().__init__()
        self.mark = mark
        self.marks: list[Mark] = []


class _Invalid:
    """Stands in for a value that was refused while reading (an alias, say), so that the
    validator does not report the same spot twice."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "INVALID"


INVALID = _Invalid()


@dataclass(slots=True)
class ReadProblem:
    mark: Mark
    message: str
    path: str = ""


@dataclass(slots=True)
class Document:
    root: object  # Map, Seq, a scalar, INVALID, or None for an empty document
    root_mark: Mark
    problems: list[ReadProblem] = field(default_factory=list)
    fatal: bool = False  # the tree is missing or unusable: do not validate it
    more: int = 0  # problems found after `problems` (in the file) and only counted


class _Problems(list[ReadProblem]):
    """The reader's problems, met in file order: the first MAX_PROBLEMS are described, the
    rest only counted (they could never be listed, and an alias bomb has thousands)."""

    more = 0

    def room(self) -> bool:
        """Whether to describe the next problem (else it is counted)."""
        if len(self) < MAX_PROBLEMS:
            return True
        self.more += 1
        return False


_INT = re.compile(r"[-+]?[0-9]+\Z")
_INT_OCT = re.compile(r"0o[0-7]+\Z")
_INT_HEX = re.compile(r"0x[0-9a-fA-F]+\Z")
_FLOAT = re.compile(r"[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?\Z")
_SPECIAL = {
    "": None,
    "~": None,
    "null": None,
    "Null": None,
    "NULL": None,
    "true": True,
    "True": True,
    "TRUE": True,
    "false": False,
    "False": False,
    "FALSE": False,
    ".inf": float("inf"),
    "+.inf": float("inf"),
    ".Inf": float("inf"),
    "+.Inf": float("inf"),
    ".INF": float("inf"),
    "+.INF": float("inf"),
    "-.inf": float("-inf"),
    "-.Inf": float("-inf"),
    "-.INF": float("-inf"),
    ".nan": float("nan"),
    ".NaN": float("nan"),
    ".NAN": float("nan"),
}
_MAYBE_NUMBER = frozenset("0123456789+-.")


MAX_NUMBER_CHARS = 100  # a longer "number" stays text (int() of 4300+ digits raises)


def resolve_plain(text: str) -> object:
    """The value of an unquoted scalar under the YAML 1.2 core schema."""
    if text in _SPECIAL:
        return _SPECIAL[text]
    if text[0] not in _MAYBE_NUMBER or len(text) > MAX_NUMBER_CHARS:
        return text
    if _INT.match(text):
        return int(text)
    if _FLOAT.match(text):
        return float(text)
    if _INT_OCT.match(text):
        return int(text[2:], 8)
    if _INT_HEX.match(text):
        return int(text[2:], 16)
    return text


class _SourceMark(Protocol):
    """A parser's mark (PyYAML's pure-Python or libyaml's class): only its offset is used."""

    @property
    def index(self) -> int: ...


class _Positions:
    """(line, column) of a character offset, counting lines as editors do: at "\n", "\r\n" or
    a lone "\r". libyaml also breaks lines at NEL, U+2028 and U+2029, which would shift every
    later line number by one (a quoted "a<U+2028>b" on line 2 made a mistake on line 4 read as
    line 5), so only its character offsets are used."""

    def __init__(self, text: str) -> None:
        self.starts = [0] + [m.end() for m in _LINE_BREAK.finditer(text)]

    def mark(self, m: _SourceMark | None) -> Mark:
        return self.at(m.index) if m is not None else (1, 1)  # the parser always gives one

    def at(self, index: int) -> Mark:
        line = bisect.bisect_right(self.starts, index) - 1
        return (line + 1, index - self.starts[line] + 1)


_LINE_BREAK = re.compile(r"\r\n|\n|\r")


def field_path(parent: str, key: str | int) -> str:
    """The path of a key or list item below `parent`: steps, steps[2], steps[2].hold."""
    if isinstance(key, int):
        return f"{parent}[{key}]"
    # An unknown key may be anything, even a line of a secret file: only names are quoted.
    key = key_name(key) or NOT_A_NAME
    return f"{parent}.{key}" if parent else key


def describe_path(path: list[str | int]) -> str:
    out = ""
    for part in path:
        out = field_path(out, part)
    return out


def read(text: str) -> Document:
    """Read one YAML document into Map/Seq/scalars with positions, refusing what routine
    files may not contain. Never raises for bad input: problems are returned."""
    positions = _Positions(text)
    _mark = positions.mark
    loader = _Loader(text)
    problems = _Problems()
    # Each open container on the stack: [container, pending key or None, key mark]
    stack: list[list[Any]] = []
    root: object = None
    root_mark: Mark = (1, 1)
    have_root = False
    documents = 0
    nodes = 0
    try:
        while True:
            # Any: the event's kind is told by `type(event) is ...` below (faster than
            # isinstance in this loop over every node), which mypy does not narrow on.
            event: Any = loader.get_event()
            if event is None:
                break
            cls = type(event)
            if cls in _NODE_EVENTS:
                nodes += 1
                if nodes > MAX_NODES:
                    problems.append(_too_many_nodes(event))
                    return Document(None, (1, 1), problems, fatal=True, more=problems.more)
            if cls is ev.DocumentStartEvent:
                documents += 1
                if documents > 1:
                    problems.append(
                        ReadProblem(
                            _mark(event.start_mark),
                            "a routine file holds one routine; a second YAML document "
                            "(after ---) is not allowed",
                        )
                    )
                    return Document(root, root_mark, problems, fatal=True, more=problems.more)
                continue
            if cls in (ev.StreamStartEvent, ev.StreamEndEvent, ev.DocumentEndEvent):
                continue

            if cls is ev.AliasEvent:
                if problems.room():
                    problems.append(
                        ReadProblem(
                            _mark(event.start_mark),
                            f"YAML aliases (*{excerpt(event.anchor)}) are not allowed in "
                            "routine files; write the value out in full",
                            _current_path(stack),
                        )
                    )
                value: object = INVALID
                start = _mark(event.start_mark)
                if stack:
                    _attach(stack, value, start, problems, event)
                else:  # the whole document is an alias
                    root, root_mark, have_root = value, start, True
                continue

            if cls in (ev.SequenceEndEvent, ev.MappingEndEvent):
                done = stack.pop()
                container = done[0]
                if not stack:
                    root, root_mark, have_root = container, container.mark, True
                else:
                    _attach(stack, container, container.mark, problems, event)
                continue

            start = _mark(event.start_mark)
            anchor = event.anchor
            tag = event.tag
            if anchor is not None and problems.room():
                problems.append(
                    ReadProblem(
                        start,
                        f"YAML anchors (&{excerpt(anchor)}) are not allowed in routine files; "
                        "write each value out in full",
                        _current_path(stack),
                    )
                )
            if tag is not None and problems.room():
                problems.append(
                    ReadProblem(
                        start,
                        f"YAML tags ({excerpt(tag, 60)}) are not allowed in routine files; "
                        "remove the tag",
                        _current_path(stack),
                    )
                )

            if cls is ev.ScalarEvent:
                if tag is not None:
                    value = INVALID
                elif first_unsafe(event.value) is not None:
                    if problems.room():
                        problems.append(_unsafe_problem(text, event, stack, positions))
                    value = INVALID
                elif not event.style and event.implicit[0]:
                    value = resolve_plain(event.value)
                else:
                    value = event.value
                if not stack:
                    root, root_mark, have_root = value, start, True
                else:
                    _attach(stack, value, start, problems, event)
                continue

            # A collection starts.
            if len(stack) >= MAX_DEPTH:
                problems.append(
                    ReadProblem(
                        start,
                        f"nested more than {MAX_DEPTH} levels deep; a routine needs only a few",
                        _current_path(stack),
                    )
                )
                return Document(None, (1, 1), problems, fatal=True, more=problems.more)
            container = Map(start) if cls is ev.MappingStartEvent else Seq(start)
            stack.append([container, None, None])
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = _mark(mark) if mark is not None else (1, 1)
        problems.append(ReadProblem(where, _yaml_message(exc)))
        return Document(None, (1, 1), problems, fatal=True, more=problems.more)
    except yaml.reader.ReaderError as exc:  # a character YAML does not allow
        where = positions.at(exc.position)
        code = exc.character if isinstance(exc.character, int) else ord(exc.character)
        problems.append(
            ReadProblem(
                where,
                f"the character U+{code:04X} is not allowed in a YAML file (a control "
                "character); remove it",
            )
        )
        return Document(None, (1, 1), problems, fatal=True, more=problems.more)
    except yaml.YAMLError as exc:  # pragma: no cover - every PyYAML error has a mark or a position
        problems.append(ReadProblem((1, 1), f"not readable as YAML: {exc}"))
        return Document(None, (1, 1), problems, fatal=True, more=problems.more)
    finally:
        loader.dispose()
    if not have_root:
        root = None
    return Document(root, root_mark, problems, more=problems.more)


_NODE_EVENTS = (ev.ScalarEvent, ev.AliasEvent, ev.MappingStartEvent, ev.SequenceStartEvent)


def _too_many_nodes(event: ev.Event) -> ReadProblem:
    """Said of the file as a whole (1:1), so that it is listed first."""
    line = event.start_mark.line + 1 if event.start_mark else 1
    return ReadProblem(
        (1, 1),
        f"the file holds more than {MAX_NODES} keys, values and list items (reading stopped "
        f"at line {line}); a routine needs far fewer: split it into "
        "several routines",
    )


def _current_path(stack: list[list[Any]]) -> str:
    parts: list[str | int] = []
    for container, key, _ in stack:
        if isinstance(container, Map):
            if key is not None:
                parts.append(key)
        else:
            parts.append(len(container))
    return describe_path(parts)


def _attach(
    stack: list[list[Any]], value: object, start: Mark, problems: _Problems, event: ev.Event
) -> None:
    frame = stack[-1]
    container = frame[0]
    if isinstance(container, Seq):
        container.append(value)
        container.marks.append(start)
        return
    key = frame[1]
    if key is None:
        # This value is a key.
        if isinstance(value, Map | Seq) or value is INVALID:
            if value is not INVALID and problems.room():
                problems.append(
                    ReadProblem(
                        start,
                        "a key must be plain text, not a list or mapping",
                        _current_path(stack),
                    )
                )
            frame[1], frame[2] = _BAD_KEY, start
            return
        text = event.value if isinstance(event, ev.ScalarEvent) else str(value)
        if text in container.key_marks:
            first = container.key_marks[text]
            if problems.room():
                problems.append(
                    ReadProblem(
                        start,
                        f'duplicate key "{excerpt(text)}" (first given on line {first[0]}); '
                        "keep only one",
                        _current_path(stack),
                    )
                )
            frame[1], frame[2] = _BAD_KEY, start
            return
        frame[1], frame[2] = text, start
        return
    if key is not _BAD_KEY:
        container[key] = value
        container.key_marks[key] = frame[2]
        container.value_marks[key] = start
    frame[1] = None


class _BadKey(str):
    __slots__ = ()


_BAD_KEY = _BadKey("\0bad key")


def _yaml_message(exc: yaml.MarkedYAMLError) -> str:
    problem = (exc.problem or "").strip()
    context = (exc.context or "").strip()
    text = f"{context}: {problem}" if context and problem else (problem or context)
    if "nesting depth" in text:  # libyaml's own limit, hit while scanning ahead
        return f"nested more than {MAX_DEPTH} levels deep; a routine needs only a few"
    text = excerpt(text, 120)  # the parser's own words, which may quote a character or two
    return f"not valid YAML ({text}); check the indentation and quoting around here"


# A double-quoted scalar's escapes (YAML 1.2): \x41, \u0041, \U00000041, or one character.
_ESCAPE = re.compile(r"\\(x[0-9A-Fa-f]{2}|u[0-9A-Fa-f]{4}|U[0-9A-Fa-f]{8}|.)", re.DOTALL)
_ONE_CHAR_ESCAPES = {"0": "\0", "a": "\a", "b": "\b", "v": "\v", "f": "\f", "r": "\r"}
_ONE_CHAR_ESCAPES |= {"e": "\x1b", "N": "\x85"}


def _unsafe_problem(
    text: str, event: ev.ScalarEvent, stack: list[list[Any]], positions: _Positions
) -> ReadProblem:
    """A scalar holding a control character: where (the character itself when it can be found
    in the source, else the value's start) and which, never the character itself."""
    value = event.value
    index = first_unsafe(value)
    assert index is not None
    assert event.start_mark is not None and event.end_mark is not None  # the parser's marks
    start, end = event.start_mark.index, event.end_mark.index
    offset = _unsafe_source_offset(text[start:end], event.style == '"')
    where = positions.mark(event.start_mark)
    if offset is not None:
        where = positions.at(start + offset)
    is_key = bool(stack) and isinstance(stack[-1][0], Map) and stack[-1][1] is None
    return ReadProblem(
        where,
        f"{'a key contains' if is_key else 'contains'} a control character "
        f"{describe_char(value[index])} at character {index + 1}; remove it",
        _current_path(stack),
    )


def _unsafe_source_offset(source: str, double_quoted: bool) -> int | None:
    """Where, in a scalar's source, the first unsafe character is written: raw, or (in double
    quotes) as an escape such as \\e or \\x9b."""
    raw = first_unsafe(source)
    if not double_quoted:
        return raw
    for match in _ESCAPE.finditer(source, 0, len(source) if raw is None else raw):
        code = match.group(1)
        if len(code) > 1:
            char = chr(int(code[1:], 16)) if int(code[1:], 16) < 0x110000 else ""
        else:
            char = _ONE_CHAR_ESCAPES.get(code, "")
        if char and first_unsafe(char) is not None:
            return match.start()
    return raw
