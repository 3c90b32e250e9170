"""Boxes and choices whose state is in their characters, not only their colour: a ticked box
is `[x]` and an empty one `[ ]`, a chosen answer `(•)` and the others `( )`. Textual's own are
`▐X▌` / `▐●▌` either way, told apart by colour alone: the same under NO_COLOR and to a screen
reader. A label too long for the width wraps under itself, indented past the box."""

from __future__ import annotations

from typing import ClassVar

from textual.content import Content
from textual.geometry import Size
from textual.widgets import Checkbox, RadioButton


def hanging(mark: Content, label: Content, width: int) -> list[Content]:
    """The mark, a space, and the label wrapped to `width`, its later lines indented under
    its first (width 0, not laid out yet: one line)."""
    indent = mark.cell_length + 1
    lines = label.wrap(width - indent) if width > indent else [label]
    first = Content.assemble(mark, " ", lines[0] if lines else "")
    return [first, *(line.pad_left(indent) for line in lines[1:])]


class _Marked:
    """What a box or a choice shows: MARKS[0] when on, MARKS[1] when off, in the toggle's
    own colours (so the focus and the theme still show), then the label."""

    MARKS: ClassVar[tuple[str, str]]

    def _marked_lines(self, width: int) -> list[Content]:
        toggle = self._toggle
        mark = self.MARKS[0] if toggle.value else self.MARKS[1]
        button = Content.assemble((mark, toggle.get_visual_style("toggle--button")))
        label = toggle._label.stylize_before(toggle.get_visual_style("toggle--label"))
        return hanging(button, label, width)

    @property
    def _toggle(self) -> Checkbox | RadioButton:
        assert isinstance(self, Checkbox | RadioButton)
        return self

    # Ahead of the toggle's own in the class order: what is drawn, and how much room it takes.
    def render(self) -> Content:
        return Content("\n").join(self._marked_lines(self._toggle.content_region.width))

    def get_content_width(self, container: Size, viewport: Size) -> int:
        return len(self.MARKS[0]) + 1 + self._toggle._label.cell_length

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return len(self._marked_lines(width))


class Tick(_Marked, Checkbox):
    """A checkbox drawn `[x]` / `[ ]`."""

    MARKS = ("[x]", "[ ]")


class Choice(_Marked, RadioButton):
    """A radio button drawn `(•)` / `( )`."""

    MARKS = ("(•)", "( )")
