"""The small Markdown renderer for routine descriptions."""

from __future__ import annotations

from backroutine.ui.richtext import inline, markdown_text


def test_paragraphs_lists_and_emphasis() -> None:
    text = markdown_text(
        "For **anyone** at a\ndesk, *gently*.\n\n- one\n  more\n- two\n\n## Why\nbecause"
    )
    assert text.plain == "For anyone at a desk, gently.\n\n• one more\n• two\n\nWhy\nbecause"
    styles = {text.plain[s.start : s.end]: str(s.style) for s in text.spans}
    assert styles["anyone"] == "bold" and styles["gently"] == "italic" and styles["Why"] == "bold"


def test_lone_stars_and_underscores_stay_text() -> None:
    assert inline("2 * 3 = 6 and snake_case_name").plain == "2 * 3 = 6 and snake_case_name"
