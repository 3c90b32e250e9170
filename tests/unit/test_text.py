"""One definition of unsafe text, and how it is shown."""

from __future__ import annotations

import pytest

from backroutine.core.text import describe_char, escaped, first_unsafe


@pytest.mark.parametrize(
    ("text", "index"),
    [
        ("plain text, tab\tand\nnewline", None),
        ("\x1b]0;pwned\x07", 0),  # OSC title
        ("a\x1b[2J", 1),  # clear screen
        ("ok\x7f", 2),  # DEL
        ("c1 \x9b2J", 3),  # CSI as one C1 character
        ("nel\x85", 3),
        ("bidi \u202eevil", 5),
        ("isolate \u2066x", 8),
        ("accents é, emoji ★, CJK 背", None),
        ("\u2028 line separator is not a control", None),
    ],
)
def test_first_unsafe(text: str, index: int | None) -> None:
    assert first_unsafe(text) == index


def test_escaped_keeps_text_and_shows_codes() -> None:
    assert escaped("a\x1b]52;c;SGVsbG8=\x07b") == "a\\x1b]52;c;SGVsbG8=\\x07b"
    assert escaped("x\u202ey\x9bz\nw") == "x\\u202ey\\x9bz\nw"
    assert escaped("x\ny\tz", one_line=True) == "x\\ny\\tz"
    assert escaped("é ★") == "é ★"
    assert first_unsafe(escaped("\x1b\x07\x9b\u202e\x00")) is None


def test_describe_char() -> None:
    assert describe_char("\x1b") == "U+001B (ESC)"
    assert describe_char("\u202e") == "U+202E"


def test_escaped_json_is_the_same_json_without_raw_controls() -> None:
    import json

    from backroutine.core.text import escaped_json

    value = {"name": "a\x1b]0;x\x07 \x9b2J \u202e é", "n": [1, 2]}
    document = escaped_json(json.dumps(value, indent=2, ensure_ascii=False))
    assert json.loads(document) == value
    assert first_unsafe(document.replace("\n", " ")) is None and "é" in document
