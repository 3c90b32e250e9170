"""Text from outside as Rich text: `data()` for any string from a routine file or the history
(never parsed as markup, control codes shown escaped), and the little Markdown that routine
descriptions use.

Textual's Markdown widget parses with markdown-it and builds a widget per block: a third of a
second of start-up for a few paragraphs. Descriptions need paragraphs, lists, **bold** and
*italic*, so this does just that.
"""

from __future__ import annotations

import re

from rich.text import Text

from backroutine.core.text import escaped

_INLINE = re.compile(
    r"\*\*(.+?)\*\*|(?<!\w)__(.+?)__(?!\w)|\*(?!\s)(.+?)(?<!\s)\*|(?<!\w)_(?!\s)(.+?)(?<!\s)_(?!\w)"
)


def data(text: str | None, *, one_line: bool = False) -> Text:
    """Untrusted text (a routine's name, a step, a cue, a note, anything from the history) to
    show: plain Text, so "[/]" or "[@click=...]" stays what it says, with every control code
    shown as \\x1b and the like (one_line: newlines and tabs too, for a table cell)."""
    return Text(escaped(text or "", one_line=one_line))


def inline(line: str) -> Text:
    text = Text()
    at = 0
    for match in _INLINE.finditer(line):
        text.append(line[at : match.start()])
        bold = match.group(1) or match.group(2)
        if bold is not None:
            text.append(bold, style="bold")
        else:
            text.append(match.group(3) or match.group(4), style="italic")
        at = match.end()
    text.append(line[at:])
    return text


def markdown_text(source: str) -> Text:
    """Paragraphs (joined lines), bullet lists (- or *), headings (#) and emphasis."""
    out = Text()
    source = escaped(source)  # the routine's own text: no control code reaches the terminal
    blocks = re.split(r"\n\s*\n", source.strip())
    for number, block in enumerate(blocks):
        if number:
            out.append("\n\n")
        lines = [line.strip() for line in block.splitlines()]
        if lines and lines[0].startswith("#"):
            out.append(lines[0].lstrip("#").strip(), style="bold")
            lines = lines[1:]
            if lines:
                out.append("\n")
        items: list[list[str]] = []
        paragraph: list[str] = []
        for line in lines:
            if re.match(r"[-*+] ", line):
                items.append([line[2:].strip()])
            elif items and line:
                items[-1].append(line)  # a continued list item
            else:
                paragraph.append(line)
        if paragraph:
            out.append(inline(" ".join(paragraph)))
        for index, item in enumerate(items):
            if index or paragraph:
                out.append("\n")
            out.append("• ")
            out.append(inline(" ".join(item)))
    return out
