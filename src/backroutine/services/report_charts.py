"""The report's charts: pygal draws them as SVG, inlined in the HTML.

Why pygal: pure Python, SVG is what it makes (no raster, no browser to
render it), about 2 MB installed with its two small dependencies against about 180 MB for
matplotlib with numpy and Pillow, and its charts print sharp at any size. It is made for the
web, so three things are taken out of what it writes: the <script> with its configuration (and
any script link: js=[]), its comments (which hold its web address) and the XML namespace
declarations (URLs, and not needed inside HTML). What is left loads nothing from anywhere.

Every chart has a fixed id (not pygal's random one), so the same history makes the same report.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import pygal  # type: ignore[import-untyped]
from pygal.style import Style  # type: ignore[import-untyped]

# A reader prints this: dark text on white, no tinted plot area, lines thick enough for paper;
# colours that stay apart in greyscale too (the pain line is dark, flares are big markers).
FONTS = 'system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif'
PAIN_COLOUR = "#1f3f6e"
FLARE_COLOUR = "#d1495b"
START_COLOUR = "#6b6b6b"
CATEGORY_COLOURS = {"gentle": "#3a8f5c", "yoga": "#8a5fbf", "strengthening": "#e09f3e"}
ACTIVITY_COLOURS = ("#1f6f8b", "#c8553d", "#6a994e")  # the (at most 3) current activities
REMOVED_COLOUR = "#a0a0a0"  # activities removed since: grey, dashed
SCORE_COLOUR = "#222222"
WIDTH, HEIGHT = 800, 300  # scaled to the page: about 0.85 on A4, so 14px prints as 8.5pt
LINE_WIDTH, THICK_WIDTH = 2.5, 4.5
DOTS_UP_TO = 62  # days: beyond that, dots on every day make a line of beads

_NAMESPACES = re.compile(r'\s+xmlns(?::\w+)?="[^"]*"')


@dataclass(frozen=True, slots=True)
class PainPoint:
    day: date
    pain: int
    flare: bool


@dataclass(frozen=True, slots=True)
class Key:
    """One entry of a chart's legend; the report draws the legends in HTML (they wrap, and a
    60-character activity name fits), from these."""

    label: str
    colour: str
    mark: str  # "line", "thick", "dashed", "dot" or "box"


@dataclass(frozen=True, slots=True)
class Series:
    """One activity's ratings for the function chart."""

    name: str
    ratings: Sequence[tuple[date, int]]
    removed: bool = False


@dataclass(frozen=True, slots=True)
class Chart:
    svg: str  # an <svg> element, nothing reaching outside
    keys: tuple[Key, ...]


def date_labels(start: date, end: date) -> list[date]:
    """Mondays from the week of `start` to the first Monday after `end`, every week up to
    about ten labels, else every few weeks: every date chart of a report gets the same axis."""
    first = start - timedelta(days=start.weekday())
    weeks = (end - first).days // 7 + 1
    step = max(1, -(-weeks // 10))
    return [first + timedelta(weeks=i) for i in range(0, weeks + step, step)]


def _style(colours: Sequence[str]) -> Style:
    return Style(
        background="#ffffff",
        plot_background="#ffffff",
        foreground="#222222",
        foreground_strong="#000000",
        foreground_subtle="#9a9a9a",
        font_family=FONTS,
        label_font_size=14,
        major_label_font_size=14,
        title_font_size=15,
        value_font_size=12,
        opacity="0.9",
        opacity_hover="0.9",
        stroke_opacity="1",
        stroke_opacity_hover="1",
        stroke_width=str(LINE_WIDTH),
        stroke_width_hover=str(LINE_WIDTH),
        # Solid grid lines: a dashed one would read as the dashed starting-pain line.
        guide_stroke_dasharray="none",
        major_guide_stroke_dasharray="none",
        guide_stroke_color="#e2e2e2",
        major_guide_stroke_color="#c4c4c4",
        transition="0s",
        colors=tuple(colours),
    )


def _config(
    chart_id: str, colours: Sequence[str], styles: dict[int, str] | None = None, **extra: Any
) -> dict[str, Any]:
    """pygal's options for a chart; `styles`: CSS declarations for the lines of some series
    (by index). pygal's own per-series stroke_style loses to its rule for every line, so
    these go in as a stylesheet of the chart's own, more specific."""
    rules = "".join(
        f"#chart-{chart_id} .serie-{i} .line{{{css}}}" for i, css in (styles or {}).items()
    )
    return {
        "style": _style(colours),
        "css": ("file://style.css", "file://graph.css", f"inline:{rules}"),
        "width": WIDTH,
        "height": HEIGHT,
        "js": [],  # no script from outside; the inline one is taken out by _strip
        "disable_xml_declaration": True,
        "show_legend": False,  # drawn in HTML (Chart.keys)
        "margin": 12,
        **extra,
    }


def _strip(root: Any) -> Any:
    """An xml filter (run on the tree before it is written): drop what reaches outside or
    runs (scripts, comments with addresses, the title 'Pygal'); the caption says what the
    chart is."""
    for parent in list(root.iter()):
        for child in list(parent):
            tag = child.tag if isinstance(child.tag, str) else ""
            if not tag or tag.rsplit("}", 1)[-1] in ("script", "title"):
                parent.remove(child)  # comments have a callable tag
    return root


def _render(chart: Any, chart_id: str, label: str) -> str:
    chart.uuid = chart_id  # a fixed id: the same history makes the same file
    chart.add_xml_filter(_strip)
    svg: str = chart.render(is_unicode=True)
    svg = _NAMESPACES.sub("", svg)  # inside HTML the parser knows SVG without them
    # An accessible name, as an image has: screen readers say it, and so does a tooltip.
    return svg.replace("<svg ", f'<svg role="img" aria-label="{label}" ', 1)


def _values(points: Sequence[object]) -> list[object]:
    """A series' values; an empty series gets one None (draws nothing), so that every series
    keeps its place, and with it its colour and its key."""
    return list(points) or [None]


def _day_label(day: date) -> str:
    return f"{day.day} {day:%b}"


def _scale_0_10(axis: list[date]) -> dict[str, Any]:
    return {
        "range": (0, 10),
        "include_x_axis": True,
        "y_labels": list(range(0, 11)),
        "x_labels": axis,
        "x_value_formatter": _day_label,
        "x_label_rotation": 0,
    }


def pain_chart(
    points: Sequence[PainPoint], starting: Sequence[tuple[date, date, int]], axis: list[date]
) -> Chart:
    """Each day's pain score (the day's latest check-in), flare days marked, and the starting
    pain of each episode as a dashed level from its first to its last day. `axis`: the dates
    to label (date_labels), the same on every date chart."""
    many = len(points) > DOTS_UP_TO
    chart = pygal.DateLine(
        **_config(
            "pain",
            (PAIN_COLOUR, FLARE_COLOUR, START_COLOUR),
            {2: "stroke-width:2;stroke-dasharray:8,5"},
            dots_size=2 if many else 3.5,
            **_scale_0_10(axis),
        )
    )
    chart.add("Pain", [(p.day, p.pain) for p in points], show_dots=not many)
    flares = [(p.day, p.pain) for p in points if p.flare]
    chart.add("Flare", _values(flares), stroke=False, dots_size=6.5)
    level: list[tuple[date, int] | None] = []
    for first, last, pain in starting:
        level += [(first, pain), (last, pain), None]  # None: a gap between episodes
    chart.add("Start", _values(level[:-1]), show_dots=False, allow_interruptions=True)
    keys = (
        Key("Pain, each day's last check-in", PAIN_COLOUR, "line"),
        Key("Flare day", FLARE_COLOUR, "dot"),
        Key("Starting pain of the episode", START_COLOUR, "dashed"),
    )
    label = "Pain over time, with flare days and the starting pain"
    return Chart(_render(chart, "pain", label), keys)


def function_chart(
    series: Sequence[Series], score: Sequence[tuple[date, float]], axis: list[date]
) -> Chart:
    """Each activity's ratings over time (0 = unable, 10 = as before; removed ones grey and
    dashed), and the function score (the mean) as a thick dark line."""
    colours: list[str] = []
    styles: dict[int, str] = {}
    for i, item in enumerate(series):
        if item.removed:
            colours.append(REMOVED_COLOUR)
            styles[i] = "stroke-dasharray:6,4"
        else:
            current = sum(1 for s in series[:i] if not s.removed)
            colours.append(ACTIVITY_COLOURS[current % len(ACTIVITY_COLOURS)])
    styles[len(series)] = f"stroke-width:{THICK_WIDTH}"
    chart = pygal.DateLine(
        **_config("function", (*colours, SCORE_COLOUR), styles, dots_size=3.5, **_scale_0_10(axis))
    )
    for item in series:
        chart.add(item.name, _values(item.ratings))
    chart.add("Score", _values(score), dots_size=4.5)
    keys = [
        Key(s.name + (" (removed)" if s.removed else ""), c, "dashed" if s.removed else "line")
        for s, c in zip(series, colours, strict=True)
    ]
    keys.append(Key("Function score (mean)", SCORE_COLOUR, "thick"))
    label = "Activity ratings and the function score over time"
    return Chart(_render(chart, "function", label), tuple(keys))


def minutes_labels(top: float) -> list[int]:
    """Round steps from 0 to at least `top` minutes, 4 to 8 of them."""
    for step in (5, 10, 15, 20, 30, 60, 90, 120, 180, 240, 300, 600):
        if top <= step * 7:
            break
    count = max(1, -(-int(top) // step))
    return [step * i for i in range(count + 1)]


def weekly_chart(weeks: Sequence[date], minutes: dict[str, Sequence[float]]) -> Chart:
    """Minutes of routines per week (Monday to Sunday), stacked by category."""
    colours = [CATEGORY_COLOURS.get(c, "#777777") for c in minutes]
    top = max((sum(week) for week in zip(*minutes.values(), strict=True)), default=0.0)
    labels = minutes_labels(max(top, 1.0))
    many = len(weeks) > 16
    chart = pygal.StackedBar(
        **_config(
            "weeks",
            colours,
            x_labels=[_day_label(w) for w in weeks],
            x_labels_major_every=max(1, len(weeks) // 12) if many else None,
            show_minor_x_labels=not many,
            x_label_rotation=0 if len(weeks) <= 10 else 30,
            y_title="minutes",
            range=(0, labels[-1]),
            y_labels=labels,
        )
    )
    for category, values in minutes.items():
        chart.add(category, list(values))
    keys = tuple(
        Key(c.capitalize(), colour, "box") for c, colour in zip(minutes, colours, strict=True)
    )
    label = "Minutes of routines per week, by category"
    return Chart(_render(chart, "weeks", label), keys)
