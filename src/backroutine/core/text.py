"""Text from outside (a routine file, the history, a note) is data: it never reaches a terminal
as control codes and never runs as markup. One definition of what is unsafe, used by the loader
(which refuses it in routine files) and by every client that prints stored text (which shows it
escaped).

Unsafe: the C0 controls except tab and newline (ESC starts every terminal escape sequence, BEL
ends OSC titles and OSC 52 clipboard writes), DEL, the C1 controls (U+0080-U+009F: CSI, OSC and
NEL are single characters there), and the bidirectional overrides and isolates, which make text
read differently from what it is ("Trojan Source", CVE-2021-42574).
"""

from __future__ import annotations

import re

BIDI_CONTROLS = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
_UNSAFE = re.compile(f"[\\x00-\\x08\\x0b-\\x1f\\x7f-\\x9f{BIDI_CONTROLS}]")
_UNSAFE_ONE_LINE = re.compile(f"[\\x00-\\x1f\\x7f-\\x9f{BIDI_CONTROLS}]")  # newline and tab too
_NOT_ESCAPED_BY_JSON = re.compile(f"[\\x7f-\\x9f{BIDI_CONTROLS}]")


def first_unsafe(text: str) -> int | None:
    """The index of the first unsafe character (tab and newline are fine), or None."""
    found = _UNSAFE.search(text)
    return found.start() if found else None


def describe_char(char: str) -> str:
    """U+001B (ESC) and friends, for messages."""
    names = {"\x1b": "ESC", "\x07": "BEL", "\x7f": "DEL", "\x85": "NEL", "\x9b": "CSI"}
    name = names.get(char)
    code = f"U+{ord(char):04X}"
    return f"{code} ({name})" if name else code


def escaped(text: str, *, one_line: bool = False) -> str:
    """`text` safe to print: each unsafe character shown as \\x1b, \\u202e... (with
    one_line, newlines and tabs too, for a table cell or a one-line listing)."""
    pattern = _UNSAFE_ONE_LINE if one_line else _UNSAFE
    return pattern.sub(_escape_one, text)


def escaped_json(document: str) -> str:
    """A JSON document with every unsafe character inside its strings written as a \\uXXXX
    escape: the same JSON, safe on a terminal (json.dumps escapes C0 itself, not C1 or bidi)."""
    return _NOT_ESCAPED_BY_JSON.sub(lambda m: f"\\u{ord(m.group()):04x}", document)


def _escape_one(match: re.Match[str]) -> str:
    char = match.group()
    if char == "\n":
        return "\\n"
    if char == "\t":
        return "\\t"
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"
