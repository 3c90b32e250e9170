"""Small widgets of the player screen. Each redraws only when its value changes."""

from __future__ import annotations

from rich.text import Text
from textual.widget import Widget
from textual.widgets import Static

from backroutine.ui.richtext import data


class Line(Static):
    """A Static that ignores updates to the text it already shows (no needless repaint). A str
    is shown as it is (routine files fill most lines): never parsed as markup."""

    def __init__(self, text: str = "", **kwargs: object) -> None:
        super().__init__(data(text), **kwargs)  # type: ignore[arg-type]
        self._shown: object = text

    def show(self, text: str | Text) -> None:
        if text != self._shown:
            self._shown = text
            self.update(data(text) if isinstance(text, str) else text)


class RoutineBar(Widget):
    """The whole routine as one bar with the time left; cheaper than ProgressBar, which
    animates and keeps an ETA that nobody reads here."""

    DEFAULT_CSS = "RoutineBar { height: 1; }"

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
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
