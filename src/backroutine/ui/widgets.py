"""Small widgets: the player screen's (each redraws only when its value changes), and the
home screen's list of routines, quick with thousands of them."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from rich.cells import cell_len
from rich.text import Text
from textual.geometry import Size
from textual.widget import Widget
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from backroutine.ui.richtext import data

if TYPE_CHECKING:
    from textual.css.styles import RulesMap


class Line(Static):
    """A Static that ignores updates to the text it already shows (no needless repaint). A str
    is shown as it is (routine files fill most lines): never parsed as markup."""

    def __init__(self, text: str = "", **kwargs: Any) -> None:
        super().__init__(data(text), **kwargs)
        self._shown: object = text

    def show(self, text: str | Text) -> None:
        if text != self._shown:
            self._shown = text
            self.update(data(text) if isinstance(text, str) else text)


class RoutineBar(Widget):
    """The whole routine as one bar with the time left; cheaper than ProgressBar, which
    animates and keeps an ETA that nobody reads here."""

    DEFAULT_CSS = "RoutineBar { height: 1; }"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._done = 0.0
        self._label = ""

    def set(self, done: float, label: str) -> None:
        done = min(1.0, max(0.0, done))
        if abs(done - self._done) >= 0.002 or label != self._label:
            self._done, self._label = done, label
            self.refresh()

    def render(self) -> Text:
        width = max(0, self.size.width - len(self._label) - 1)
        filled = round(width * self._done)
        text = Text()
        text.append("━" * filled, style="bold green")
        text.append("─" * (width - filled), style="grey50")
        text.append(" " + self._label)  # our own words: a time left
        return text


class RoutineList(OptionList):
    """An OptionList quick with thousands of options (10,000 routines): an option whose text is
    one printable line narrower than the list is one line high, found without laying the text
    out (the OptionList wraps every option to measure it, about 50 µs each, at each resize).
    What is drawn is the same."""

    def _update_lines(self) -> None:
        cache = getattr(self, "_line_cache", None)
        region = self.scrollable_content_region
        if not region or cache is None:  # an OptionList of another shape (Textual version)
            super()._update_lines()
            return
        lines = cache.lines
        options = self._options
        start = lines[-1][0] + 1 if lines else 0
        width = region.width - self._get_left_gutter_width()
        if start < len(options):
            inner = width - self.get_component_styles("option-list--option").padding.width
            index_to_line, heights = cache.index_to_line, cache.heights
            for index in range(start, len(options)):
                option = options[index]
                index_to_line[index] = len(lines)
                count = self._option_height(option, inner) + option._divider
                heights[index] = count
                if count == 1:
                    lines.append((index, 0))
                else:
                    lines.extend([(index, line) for line in range(count)])
        last_divider = bool(options) and options[-1]._divider
        virtual_size = Size(width, len(lines) - (1 if last_divider else 0))
        if virtual_size != self.virtual_size:
            self.virtual_size = virtual_size
            self._scroll_update(virtual_size)

    def _option_height(self, option: Option, width: int) -> int:
        prompt = option.prompt
        if isinstance(prompt, Text):
            plain = prompt.plain
            if plain.isprintable() and (len(plain) if plain.isascii() else cell_len(plain)) < width:
                return 1
        return self._get_visual(option).get_height(cast("RulesMap", self.styles), width)


# A 3x5 block font for the countdown on a big screen: Digits' box-drawing glyphs do not scale.
_FONT = {
    "0": ("###", "#.#", "#.#", "#.#", "###"),
    "1": (".#.", "##.", ".#.", ".#.", "###"),
    "2": ("###", "..#", "###", "#..", "###"),
    "3": ("###", "..#", "###", "..#", "###"),
    "4": ("#.#", "#.#", "###", "..#", "..#"),
    "5": ("###", "#..", "###", "..#", "###"),
    "6": ("###", "#..", "###", "#.#", "###"),
    "7": ("###", "..#", "..#", "..#", "..#"),
    "8": ("###", "#.#", "###", "#.#", "###"),
    "9": ("###", "#.#", "###", "..#", "###"),
    ":": (".", "#", ".", "#", "."),
}


def big_clock_lines(value: str, scale: int) -> list[str]:
    """`value` ("12:34") in the block font, each dot `scale` rows high and twice as wide (a
    terminal cell is about twice as tall as it is wide)."""
    rows: list[str] = []
    gap = " " * (2 * scale)
    for row in range(5):
        cells = [
            "".join("█" * (2 * scale) if dot == "#" else " " * (2 * scale) for dot in glyph[row])
            for glyph in (_FONT.get(char, _FONT["0"]) for char in value)
        ]
        rows.extend([gap.join(cells)] * scale)
    return rows


class BigClock(Widget):
    """The countdown grown with the space: 5 rows at scale 1, 10 at scale 2."""

    DEFAULT_CSS = "BigClock { width: auto; height: auto; }"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.value = "0:00"
        self.scale = 1

    def show(self, value: str, scale: int) -> None:
        if (value, scale) != (self.value, self.scale):
            resized = len(value) != len(self.value) or scale != self.scale
            self.value, self.scale = value, scale
            self.refresh(layout=resized)

    def render(self) -> Text:
        return Text("\n".join(big_clock_lines(self.value, self.scale)))

    def get_content_width(self, container: Size, viewport: Size) -> int:
        return max(len(line) for line in big_clock_lines(self.value, self.scale))

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return 5 * self.scale
