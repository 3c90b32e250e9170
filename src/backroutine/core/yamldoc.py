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
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import yaml
from yaml import events as ev

try:  # libyaml's parser is about 10x faster; the pure-Python one is the same grammar.
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]

MAX_DEPTH = 32  # a routine needs 5 levels; anything deeper is a mistake or an attack

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


def resolve_plain(text: str) -> object:
    """The value of an unquoted scalar under the YAML 1.2 core schema."""
    if text in _SPECIAL:
        return _SPECIAL[text]
    if text[0] not in _MAYBE_NUMBER:
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


def _mark(m: yaml.Mark) -> Mark:
    return (m.line + 1, m.column + 1)


def field_path(parent: str, key: str | int) -> str:
    """The path of a key or list item below `parent`: steps, steps[2], steps[2].hold."""
    if isinstance(key, int):
        return f"{parent}[{key}]"
    return f"{parent}.{key}" if parent else key


def describe_path(path: list[str | int]) -> str:
    out = ""
    for part in path:
        out = field_path(out, part)
    return out


def read(text: str) -> Document:
    """Read one YAML document into Map/Seq/scalars with positions, refusing what routine
    files may not contain. Never raises for bad input: problems are returned."""
    loader = _Loader(text)
    problems: list[ReadProblem] = []
    # Each open container on the stack: [container, pending key or None, key mark]
    stack: list[list] = []
    root: object = None
    root_mark: Mark = (1, 1)
    have_root = False
    documents = 0
    try:
        while True:
            event = loader.get_event()
            if event is None:
                break
            cls = type(event)
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
                    return Document(root, root_mark, problems, fatal=True)
                continue
            if cls in (ev.StreamStartEvent, ev.StreamEndEvent, ev.DocumentEndEvent):
                continue

            if cls is ev.AliasEvent:
                problems.append(
                    ReadProblem(
                        _mark(event.start_mark),
                        f"YAML aliases (*{event.anchor}) are not allowed in routine files; "
                        "write the value out in full",
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
            if anchor is not None:
                problems.append(
                    ReadProblem(
                        start,
                        f"YAML anchors (&{anchor}) are not allowed in routine files; "
                        "write each value out in full",
                        _current_path(stack),
                    )
                )
            if tag is not None:
                problems.append(
                    ReadProblem(
                        start,
                        f"YAML tags ({tag}) are not allowed in routine files; remove the tag",
                        _current_path(stack),
                    )
                )

            if cls is ev.ScalarEvent:
                if tag is not None:
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
                return Document(None, (1, 1), problems, fatal=True)
            container = Map(start) if cls is ev.MappingStartEvent else Seq(start)
            stack.append([container, None, None])
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = _mark(mark) if mark is not None else (1, 1)
        problems.append(ReadProblem(where, _yaml_message(exc)))
        return Document(None, (1, 1), problems, fatal=True)
    except yaml.reader.ReaderError as exc:  # a character YAML does not allow
        before = text[: exc.position]
        where = (before.count("\n") + 1, exc.position - (before.rfind("\n") + 1) + 1)
        code = exc.character if isinstance(exc.character, int) else ord(exc.character)
        problems.append(
            ReadProblem(
                where,
                f"the character U+{code:04X} is not allowed in a YAML file (a control "
                "character); remove it",
            )
        )
        return Document(None, (1, 1), problems, fatal=True)
    except yaml.YAMLError as exc:  # pragma: no cover - every PyYAML error has a mark or a position
        problems.append(ReadProblem((1, 1), f"not readable as YAML: {exc}"))
        return Document(None, (1, 1), problems, fatal=True)
    finally:
        loader.dispose()
    if not have_root:
        root = None
    return Document(root, root_mark, problems)


def _current_path(stack: list[list]) -> str:
    parts: list[str | int] = []
    for container, key, _ in stack:
        if isinstance(container, Map):
            if key is not None:
                parts.append(key)
        else:
            parts.append(len(container))
    return describe_path(parts)


def _attach(
    stack: list[list], value: object, start: Mark, problems: list[ReadProblem], event: ev.Event
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
            if value is not INVALID:
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
            problems.append(
                ReadProblem(
                    start,
                    f'duplicate key "{text}" (first given on line {first[0]}); keep only one',
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
    return f"not valid YAML ({text}); check the indentation and quoting around here"
