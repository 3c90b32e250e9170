"""The report for a clinician: one self-contained HTML file that prints well.

What it holds, in the order a doctor or physiotherapist reads it: the period and the person's
state at a glance; pain over time with flare days and the starting pain; the function score and
each activity; sessions per week by category (adherence); the safety answers and when they were
checked; the current reasons to see a professional; the check-in notes; the scales and rules
used. It is made from the history alone and loads nothing: no outside URL, font or script, so
it opens offline and tells no server it was opened.

Every piece of history text (notes, activity and routine names) is HTML-escaped, with control
characters shown as escapes: a note holding "<script>" reads as that text. The charts are
made by pygal (services/report_charts.py); writing the file is services/report_files.py.
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Sequence
from datetime import date, datetime, timedelta

from backroutine import __version__
from backroutine.core.categories import CATEGORIES
from backroutine.core.days import improved_at_or_below
from backroutine.core.function import MEANINGFUL_CHANGE, function_score, shown
from backroutine.core.health import RED_FLAGS, Checkin
from backroutine.core.text import escaped
from backroutine.core.words import minutes_number, minutes_of, minutes_text, plural
from backroutine.services.report_charts import (
    Chart,
    PainPoint,
    Series,
    date_labels,
    function_chart,
    pain_chart,
    weekly_chart,
)
from backroutine.services.report_data import ReportData, ReportHistory, gather
from backroutine.services.report_style import CSS

TIER_WORDS = {"emergency": "Emergency", "today": "See a doctor today", "soon": "See someone soon"}


def e(text: object) -> str:
    """History text as HTML: control characters shown as escapes, then markup escaped."""
    return html.escape(escaped(str(text)), quote=True)


def day_text(day: date) -> str:
    return f"{day.day} {day:%b %Y}"


def moment_text(moment: datetime) -> str:
    return f"{day_text(moment.date())}, {moment:%H:%M}"


def build_report(history: ReportHistory, now: datetime, since: date | None = None) -> str:
    """The report as one HTML document, for the history from `since` (a date; the first
    record when None) to `now`'s date. Pure: reads the history, writes nothing."""
    data = gather(history, now, since)
    title = f"Back pain and function: {day_text(data.start)} to {day_text(data.end)}"
    body = "\n".join(
        [
            _header(data, title),
            _glance(data),
            _pain(data),
            _function(data),
            _sessions(data),
            _safety(data),
            _professional(data),
            _notes(data),
            _corrections(data),
            _about(data),
        ]
    )
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{e(title)}</title>\n<style>{CSS}</style>\n</head>\n<body>\n<main>\n"
        f"{body}\n</main>\n</body>\n</html>\n"
    )


# -- sections -------------------------------------------------------------------------------


def _section(key: str, heading: str, *parts: str) -> str:
    """A section; its heading, what leads in and its chart are kept on one printed page."""
    kept = [p for p in parts if p]
    lead = next((i + 1 for i, p in enumerate(kept) if p.startswith("<figure")), 1)
    inner = "\n".join(kept[lead:])
    head = "\n".join([f"<h2>{heading}</h2>", *kept[:lead]])
    return f'<section id="{key}">\n<div class="lead">\n{head}\n</div>\n{inner}\n</section>'


def _p(text: str, cls: str = "") -> str:
    return f'<p class="{cls}">{text}</p>' if cls else f"<p>{text}</p>"


def _table(
    head: Sequence[str],
    rows: Iterable[Sequence[str]],
    numeric: set[int],
    nowrap: frozenset[int] = frozenset({0}),
) -> str:
    """A table of already-escaped cells; `numeric` columns right-aligned, `nowrap` columns
    (dates, short words) never broken."""

    def cell(tag: str, i: int, text: str) -> str:
        classes = " ".join(
            name for name, on in (("num", i in numeric), ("nowrap", i in nowrap)) if on
        )
        return f'<{tag} class="{classes}">{text}</{tag}>' if classes else f"<{tag}>{text}</{tag}>"

    header = "".join(cell("th", i, h) for i, h in enumerate(head))
    body = "\n".join(
        "<tr>" + "".join(cell("td", i, c) for i, c in enumerate(r)) + "</tr>" for r in rows
    )
    return f"<table>\n<thead><tr>{header}</tr></thead>\n<tbody>\n{body}\n</tbody>\n</table>"


def _figure(chart: Chart, caption: str) -> str:
    keys = "".join(
        f'<li><span class="key key-{k.mark}" style="--c: {k.colour}"></span>{e(k.label)}</li>'
        for k in chart.keys
    )
    return (
        f'<figure>\n{chart.svg}\n<ul class="keys">{keys}</ul>\n'
        f"<figcaption>{caption}</figcaption>\n</figure>"
    )


def _header(data: ReportData, title: str) -> str:
    weeks = ((data.end - data.start).days + 1) / 7
    span = f"{weeks:.0f} weeks" if weeks >= 2 else f"{(data.end - data.start).days + 1} days"
    return (
        f"<header>\n<h1>Back pain and function report</h1>\n"
        f'<p class="period"><strong>Period:</strong> {day_text(data.start)} to '
        f"{day_text(data.end)} ({span})</p>\n"
        f'<p class="meta">Made on {moment_text(data.now)} by backroutine {e(__version__)}, '
        "from the person's own entries in the app. It is a record to talk about, "
        "not a diagnosis.</p>\n</header>"
    )


def _glance(data: ReportData) -> str:
    p, f = data.progress, data.function
    pain = "no check-in" if p.pain is None else f"{p.pain}/10"
    start = (
        "–"
        if p.baseline is None or p.episode_started is None
        else (f"{p.baseline}/10 on {day_text(p.episode_started.date())}")
    )
    flares = len({d.day for d in data.days if d.flare} | set(data.hurt_days))
    score = "not rated" if f.score is None else f"{shown(f.score):g}/10"
    if f.change is not None and f.baseline is not None:
        score += f" (from {shown(f.baseline):g})"
    minutes = minutes_of(sum(s.active_seconds for s in data.sessions))
    advice = "none now" if not p.reasons else TIER_WORDS[p.urgency or "soon"]
    boxes = [
        ("Pain now", pain),
        ("Starting pain (this episode)", start),
        ("Flare days in the period", str(flares)),
        ("Function score (PSFS)", score),
        ("Sessions in the period", f"{len(data.sessions)} · {minutes_text(minutes)}"),
        ("See a professional", advice),
    ]
    cells = "\n".join(
        f'<div><span class="label">{label}</span><span class="value">{value}</span></div>'
        for label, value in boxes
    )
    return f'<section id="glance" class="glance" aria-label="At a glance">\n{cells}\n</section>'


def _pain(data: ReportData) -> str:
    if not data.days:
        return _section("pain", "Pain over time", _p("No pain check-ins in this period."))
    points = [PainPoint(d.day, d.pain, d.flare) for d in data.days]
    chart = pain_chart(points, data.episodes, date_labels(data.start, data.end))
    scores = [d.pain for d in data.days]
    improved = sum(1 for d in data.days if d.improved)
    flare_days = sorted({d.day for d in data.days if d.flare} | set(data.hurt_days))
    facts = [
        f"{len(data.checkins)} check-ins on {len(data.days)} days; day scores from "
        f"{min(scores)} to {max(scores)}, {sum(scores) / len(scores):.1f} on average; first "
        f"{scores[0]}, last {scores[-1]}.",
    ]
    for first, _, pain in data.episodes:
        facts.append(
            f"Episode from {day_text(first)}: starting pain {pain}; a day counts as clearly "
            f"better at {improved_at_or_below(pain)} or below ({improved} such days in the period)."
        )
    flares = ", ".join(day_text(d) for d in flare_days) or "none"
    facts.append(f"Flare days: {flares}.")
    return _section(
        "pain",
        "Pain over time",
        _figure(
            chart,
            "0 = no pain, 10 = worst imaginable. A flare day is one 2 or more points above the "
            "lowest of the 3 days before it, or with more spasms, or a session stopped because "
            "it hurt.",
        ),
        "<ul>" + "".join(f"<li>{fact}</li>" for fact in facts) + "</ul>",
    )


def _function(data: ReportData) -> str:
    heading = "Function (Patient-Specific Functional Scale)"
    if not data.activities:
        return _section("function", heading, _p("No activities have been named yet."))
    f = data.function
    words = "No ratings yet."
    if f.score is not None:
        words = f"Score now: <strong>{shown(f.score):g}/10</strong>"
        if f.baseline is not None and f.change is not None:
            change = float(f.change)
            words += (
                f", {change:+.1f} from {shown(f.baseline):g} at the start of this episode: "
                f"{'a' if f.meaningful else 'not yet a'} meaningful change "
                f"({MEANINGFUL_CHANGE} points or more)."
            )
    # Removed activities are shown only when rated in the period; their ratings stay theirs.
    rated_ids = {r.activity_id for r in data.ratings}
    listed = [a for a in data.activities if a.current or a.id in rated_ids]
    firsts = {s.name: s.first for s in f.activities}  # current names are unique
    rows = []
    for a in listed:
        rated = [r for r in data.all_ratings if r.activity_id == a.id]
        name = e(a.name)
        if a.removed_at is not None:
            name += f" <em>(removed {day_text(a.removed_at.date())})</em>"
        first = firsts.get(a.name) if a.current else None
        rows.append(
            [
                name,
                "–" if first is None else str(first),
                f"{rated[-1].score} ({day_text(rated[-1].at.date())})" if rated else "–",
                str(sum(1 for r in data.ratings if r.activity_id == a.id)),
            ]
        )
    head = ["Activity", "First this episode", "Latest", "Ratings in period"]
    table = _table(head, rows, {1, 2, 3})
    if not data.ratings:
        return _section("function", heading, _p(words), table)
    series = [
        Series(
            a.name,
            [(r.at.date(), r.score) for r in data.ratings if r.activity_id == a.id],
            removed=not a.current,
        )
        for a in listed
    ]
    chart = function_chart(series, _score_line(data), date_labels(data.start, data.end))
    caption = (
        "Each activity rated from 0 (unable to do it) to 10 (able to do it as before the back "
        "problem); the function score is the mean of the current activities' latest ratings."
    )
    return _section("function", heading, _p(words), _figure(chart, caption), table)


def _score_line(data: ReportData) -> list[tuple[date, float]]:
    """The function score as it stood on each day a rating was given in the period: the
    current activities' latest ratings up to that day (so the line ends at today's score)."""
    current = [a for a in data.activities if a.current]
    line = []
    for day in sorted({r.at.date() for r in data.ratings}):
        upto = [r for r in data.all_ratings if r.at.date() <= day]
        mean = function_score(current, upto).score
        if mean is not None:
            line.append((day, shown(mean) or 0.0))
    return line


def _weeks(data: ReportData) -> list[date]:
    first = data.start - timedelta(days=data.start.weekday())
    count = (data.end - first).days // 7 + 1
    return [first + timedelta(weeks=i) for i in range(count)]


def _sessions(data: ReportData) -> str:
    if not data.sessions:
        return _section("sessions", "Sessions (adherence)", _p("No sessions in this period."))
    weeks = _weeks(data)
    index = {w: i for i, w in enumerate(weeks)}
    minutes: dict[str, list[float]] = {c: [0.0] * len(weeks) for c in CATEGORIES}
    done = [0] * len(weeks)
    played = [0] * len(weeks)
    active: list[set[date]] = [set() for _ in weeks]
    for s in data.sessions:
        day = datetime.fromisoformat(s.started_at).date()
        i = index[day - timedelta(days=day.weekday())]
        minutes.setdefault(s.category, [0.0] * len(weeks))[i] += s.active_seconds
        played[i] += 1
        done[i] += s.status == "completed"
        active[i].add(day)
    rounded: dict[str, Sequence[float]] = {
        c: [minutes_of(m) for m in values] for c, values in minutes.items()
    }
    chart = weekly_chart(weeks, rounded)
    head = ["Week of", "Days active", "Sessions (completed)"]
    head += [e(c.capitalize()) for c in rounded] + ["Minutes"]
    rows = []
    for i, week in enumerate(weeks):
        per = [minutes_number(rounded[c][i]) for c in rounded]
        total = sum(rounded[c][i] for c in rounded)
        # The first and last weeks may be cut by the period: count only their days in it.
        days = (min(week + timedelta(days=6), data.end) - max(week, data.start)).days + 1
        rows.append(
            [
                day_text(week),
                f"{len(active[i])}/{days}",
                f"{played[i]} ({done[i]})",
                *per,
                minutes_number(total),
            ]
        )
    hurt = sum(1 for s in data.sessions if s.reason == "pain")
    total_minutes = minutes_of(sum(s.active_seconds for s in data.sessions))
    days_active = len({d for a in active for d in a})
    facts = (
        f"{plural(len(data.sessions), 'session')} ({sum(done)} completed) on "
        f"{plural(days_active, 'day')}, {minutes_text(total_minutes)} in all; "
        f"{hurt} stopped with \u201cthis hurts\u201d."
    )
    return _section(
        "sessions",
        "Sessions (adherence)",
        _figure(chart, "Minutes of routines each week (Monday to Sunday), by category."),
        _p(facts),
        _table(head, rows, set(range(1, len(head)))),
    )


def _safety(data: ReportData) -> str:
    flags = data.flags
    if flags.answered_at is None:
        return _section("safety", "Safety questions (red flags)", _p("Never answered."))
    which = "the current questions" if flags.current else "an older set of questions"
    lines = [f"Last answered on {moment_text(flags.answered_at)}, to {which}."]
    if flags.checked_at is not None:
        mark = "checked" if flags.checked else "checked before these answers (does not count)"
        lines.append(f"Marked as {mark} by a professional on {moment_text(flags.checked_at)}.")
    elif flags.yes:
        lines.append("Not marked as checked by a professional.")
    yes = [flag for flag in RED_FLAGS if flag.key in flags.yes]
    if yes:
        said = "; ".join(f"{e(f.question)} ({TIER_WORDS[f.tier].lower()})" for f in yes)
        lines.append(f"<strong>Answered yes:</strong> {said}")
    else:
        lines.append("Answered no to every question.")
    if data.progress.safety_due:
        lines.append("The app will ask them again: a new episode or a flare came since.")
    rows = [
        [
            e(flag.question),
            TIER_WORDS[flag.tier],
            "<strong>Yes</strong>" if flag.key in flags.yes else "No",
        ]
        for flag in RED_FLAGS
    ]
    return _section(
        "safety",
        "Safety questions (red flags)",
        *(_p(line) for line in lines),
        _table(["Question", "If yes", "Answer"], rows, set(), frozenset({1})),
    )


def _professional(data: ReportData) -> str:
    p = data.progress
    if p.reasons:
        items = "".join(
            f'<li class="urgency-{r.urgency}"><strong>{TIER_WORDS[r.urgency]}:</strong> '
            f"{e(r.text)}</li>"
            for r in p.reasons
        )
        body = f'<ul class="reasons">{items}</ul>'
    else:
        body = _p(f"None of the app's reasons holds on {day_text(data.end)}.")
    status = p.locked_all or p.progress_text
    return _section(
        "professional",
        "See a professional: the app's advice now",
        body,
        _p(f"<strong>Exercise now:</strong> {e(status)}"),
    )


def _notes(data: ReportData) -> str:
    noted = [c for c in data.checkins if c.note]
    if not noted:
        return _section("notes", "Check-in notes", _p("No notes in this period."))
    rows = [
        [
            moment_text(c.at),
            _pain_cell(c),
            e(c.spasms or ""),
            f'<span class="note">{e(c.note)}</span>',
        ]
        for c in noted
    ]
    return _section(
        "notes", "Check-in notes", _table(["When", "Pain", "Spasms", "Note"], rows, {1})
    )


def _pain_cell(checkin: Checkin) -> str:
    """A check-in's pain, marked when it was corrected (the clinician sees what was first
    recorded too)."""
    original = checkin.original
    if original is None or original.pain == checkin.pain:
        return str(checkin.pain)
    return f"{checkin.pain} <small>(corrected; first {original.pain})</small>"


def _corrections(data: ReportData) -> str:
    """The check-ins corrected or deleted in the period: what was first recorded, what counts
    now, and when (the person's own corrections of typing mistakes, kept for honesty)."""
    fixed = sorted(
        [c for c in data.checkins if c.original is not None] + data.deleted, key=lambda c: c.at
    )
    if not fixed:
        return ""
    rows = []
    for c in fixed:
        first = c.original or c
        last = c.corrections[-1]
        now = "deleted (not counted)" if last.deleted else f"pain {c.pain}"
        name = data.names.get(last.device or "")
        when = moment_text(last.at) + (f", on {e(name)}" if name else "")
        rows.append([moment_text(c.at), f"pain {first.pain}", now, when])
    return _section(
        "corrections",
        "Corrected check-ins",
        _p(
            "Check-ins the person corrected or deleted afterwards (a typing mistake, say). "
            "The charts and figures above use the values as corrected."
        ),
        _table(["Check-in", "First recorded", "Now", "Corrected on"], rows, set()),
    )


def _about(data: ReportData) -> str:
    items = [
        "Pain: numeric rating scale, 0 (no pain) to 10 (worst imaginable); a day's score is "
        "its last check-in.",
        "Episode: starts at the first check-in, when the person says so, or after more than "
        "28 days without a check-in. Starting pain: the episode's first check-in.",
        "Clearly better day: at least 2 points and 30% below the starting pain, or 0-1 "
        "(Ostelo et al., Spine 2008; Childs et al., Spine 2005).",
        "Flare day: 2 or more above the lowest of the 3 days before, spasms reported as "
        "more, or a session stopped with \u201cthis hurts\u201d.",
        "Function: Patient-Specific Functional Scale (Stratford et al., Physiotherapy Canada "
        "1995;47(4):258-263): up to 3 activities the person chose, each 0 (unable) to 10 "
        "(as before the problem); the score is their mean, and a change of about 2 points "
        "in the mean is beyond measurement error.",
    ]
    return _section(
        "about", "Scales and rules used", "<ul>" + "".join(f"<li>{i}</li>" for i in items) + "</ul>"
    )
