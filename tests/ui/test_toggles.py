"""Boxes and choices say their state in characters (issue 21), and wrap under themselves."""

from __future__ import annotations

from textual.content import Content

from backroutine.ui.toggles import hanging


def test_a_long_label_wraps_indented_past_its_mark() -> None:
    lines = hanging(Content("[ ]"), Content("one two three four five six"), 14)
    assert [line.plain for line in lines] == ["[ ] one two", "    three four", "    five six"]


def test_before_layout_the_label_stays_on_one_line() -> None:
    assert [line.plain for line in hanging(Content("(•)"), Content("a b"), 0)] == ["(•) a b"]
