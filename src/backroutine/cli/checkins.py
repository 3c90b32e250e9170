"""The commands about the person's back: checkin, status, stats, safety."""

from __future__ import annotations

import argparse
import sys
import textwrap
from datetime import date, datetime, time, timedelta, timezone
from typing import TYPE_CHECKING, Any

from backroutine.cli.common import (
    EXIT_OK,
    EXIT_USAGE,
    UserError,
    data_dir,
    open_history,
    print_json,
)
from backroutine.core import advice
from backroutine.core.clock import local_now
from backroutine.core.health import RED_FLAGS, SPASMS, RedFlagAnswers
from backroutine.core.progression import Progress, assess_history
from backroutine.core.stats import minutes_bars, sparkline
from backroutine.core.text import describe_char, escaped, first_unsafe
from backroutine.core.words import minutes_text, plural
from backroutine.services.advice import answers_advice, see_a_professional
from backroutine.services.checkins import read_pain

if TYPE_CHECKING:
    from backroutine.core.history import EmptyHistory, HistoryStore


def _writable(args: argparse.Namespace) -> HistoryStore:
    store = open_history(data_dir(args))
    if store is None:
        raise UserError("the history cannot be used; see the message above")
    return store


def _strengthening_levels(args: argparse.Namespace) -> frozenset[int]:
    """The strengthening levels some routine has, bundled or the person's own (from the
    routine cache: fast), so a level with no routine is never announced as opening."""
    from backroutine.core.library import load_library

    return load_library(data_dir(args)).strengthening_levels


def _readable(args: argparse.Namespace) -> HistoryStore | EmptyHistory:
    """The history to read (empty when there is none yet: nothing is created to read it)."""
    store = open_history(data_dir(args), create=False)
    if store is None:
        raise UserError("the history cannot be used; see the message above")
    return store


def _wrap(text: str, indent: str = "") -> str:
    return textwrap.fill(text, 78, initial_indent=indent, subsequent_indent=indent + "  ")


# -- checkin -------------------------------------------------------------------------------


def checkin_time(day: date | None, now: datetime | None = None) -> datetime:
    """Now, or noon of a past day in the local time zone (never later than now, for today).

    Before standard time zones, some places kept local mean time with an offset in seconds
    (Amsterdam +00:19:32 until 1937); the history keeps offsets in whole minutes, so such an
    offset is rounded: the day, which is what counts, stays the same."""
    now = now or local_now()
    if day is None:
        return now
    noon = datetime.combine(day, time(12, 0)).astimezone()
    offset = noon.utcoffset() or timedelta(0)
    if offset % timedelta(minutes=1):
        minutes = round(offset / timedelta(minutes=1))
        noon = noon.replace(tzinfo=timezone(timedelta(minutes=minutes)))
    return min(noon, now)


def ask_pain(prompt: str = "How is your back now, from 0 (no pain) to 10 (worst)? ") -> int | None:
    """Ask on the terminal; None when skipped (empty answer or end of input)."""
    while True:
        try:
            answer = input(prompt)
        except EOFError:
            return None
        if not answer:  # Enter alone skips; spaces are an answer, refused below
            return None
        pain = read_pain(answer)
        if pain is not None:
            return pain
        print("Please type a whole number from 0 to 10, or press Enter to skip.")


def checkin(args: argparse.Namespace) -> int:
    from backroutine.core.function import ActivityError
    from backroutine.services.activities import parse_ratings, record_ratings

    if args.edit is not None or args.delete is not None:
        from backroutine.cli.corrections import correct

        return correct(args)
    try:
        ratings = parse_ratings(args.activity)  # all checked before anything is saved
    except ActivityError as exc:
        raise UserError(f"--activity: {exc}", EXIT_USAGE) from None
    pain = args.pain
    spasms = args.spasms
    asked = False  # the pain was asked on the terminal: so may the new-bout question be
    if pain is None and ratings:
        if spasms or args.note or args.new_episode:
            raise UserError(
                "--spasms, --note and --new-episode belong to a pain score: add --pain N",
                EXIT_USAGE,
            )
    elif pain is None:
        if not sys.stdin.isatty():
            raise UserError("give your pain with --pain N (0 = none, 10 = worst)", EXIT_USAGE)
        asked = True
        pain = ask_pain()
        if pain is None:
            print("Nothing saved.")
            return EXIT_OK
        if spasms is None:
            try:
                word = input("Spasms compared with before: fewer, same or more? (Enter to skip) ")
            except EOFError:
                word = ""
            word = word.strip().lower()
            spasms = word if word in SPASMS else None
    note = args.note.strip() if args.note else None
    if note is not None and len(note) > 500:
        raise UserError(
            f"the note is {len(note)} characters long; at most 500 are kept", EXIT_USAGE
        )
    where = first_unsafe(note or "")
    if note is not None and where is not None:
        raise UserError(
            f"the note contains a control character ({describe_char(note[where])}) at character "
            f"{where + 1}; write it without one",
            EXIT_USAGE,
        )
    now = local_now()
    moment = checkin_time(args.date, now)
    new_episode = args.new_episode
    with _writable(args) as store:
        gap = None if new_episode or pain is None else _gap_before(store, moment)
        if gap is not None and asked:
            new_episode = ask_new_bout(gap)
        try:
            saved = record_ratings(
                store,
                at=moment,
                now=now,
                pain=pain,
                ratings=ratings,
                spasms=spasms,
                note=note or None,
                new_episode=new_episode,
                levels=_strengthening_levels(args),
            )
        except ActivityError as exc:  # an activity not named (yet): nothing was saved
            raise UserError(f"--activity: {exc}", EXIT_USAGE) from None
    day = (saved.checkin.at if saved.checkin else saved.ratings[0].at).strftime("%a %d %b %Y")
    if saved.checkin is not None:
        extra = f", spasms {spasms}" if spasms else ""
        print(f"Saved: pain {saved.checkin.pain} on {day}{extra}.")
    if saved.ratings:
        rated = ", ".join(f"{escaped(r.activity, one_line=True)} {r.score}" for r in saved.ratings)
        print(f"Saved: {rated}" + ("." if saved.checkin else f" on {day}."))
    if gap is not None and not asked and saved.checkin is not None and saved.checkin.uid:
        redo = f"backroutine checkin --pain {saved.checkin.pain} --new-episode"
        if args.date is not None:
            redo += f" --date {args.date.isoformat()}"
        print(advice.new_bout_text(gap, saved.checkin.uid, redo))
    print("\n".join(saved.lines()))
    return EXIT_OK


def _gap_before(store: HistoryStore | EmptyHistory, moment: datetime) -> int | None:
    """The days since the check-in before `moment` when they are more than 28 and the rules
    count this as the same episode (that check-in still hurt: 2 or more; SAFETY_RULES.md,
    "Episode"): the moment to ask whether this is a new bout. Else None."""
    from backroutine.core.days import PAIN_FREE
    from backroutine.services.checkins import long_gap

    earlier = [c for c in store.checkins() if c.at <= moment]
    before = max(earlier, key=lambda c: c.at, default=None)
    if before is None or before.pain <= PAIN_FREE:
        return None  # none, or a gap after a pain-free day: a new episode by itself
    return long_gap(before.at, moment)


def ask_new_bout(days: int) -> bool:
    """On the terminal: the same back pain (Enter), or a new bout? True for a new bout."""
    prompt = (
        f"Your last check-in was {days} days ago. Is this the same back pain (Enter), "
        "or a new bout (n)? "
    )
    try:
        answer = input(prompt)
    except EOFError:
        return False
    return answer.strip().lower() in ("n", "new", "a new bout")


# -- status --------------------------------------------------------------------------------


def status(args: argparse.Namespace) -> int:
    from backroutine.services.activities import function_lines, function_now

    now = local_now()
    with _readable(args) as store:
        progress = assess_history(store, now=now, levels=_strengthening_levels(args))
        flags = store.red_flags()
        function = function_now(store, now)
    if args.json:
        data = progress.to_dict()
        data["red_flags"] = _flags_dict(flags)
        data["function"] = function.to_dict()
        print_json(data)
        return EXIT_OK
    text = status_text(progress)
    if function.score.activities:  # the function score, once activities are named
        text += "\n" + "\n".join(function_lines(function.score))
        if function.due:
            text += '\nRate your activities again: backroutine checkin --activity "NAME=SCORE"'
    print(text)
    return EXIT_OK


def status_text(progress: Progress) -> str:
    """Where the person stands, in words: one line per fact, one line per reason (no wrapping,
    so a screen reader or a pipe gets each whole)."""
    lines = see_a_professional(progress).lines()  # the advice first
    if lines:
        lines.append("")
    if progress.pain is None:
        lines.append("No check-ins yet. Check in with: backroutine checkin --pain N")
    else:
        trend = sparkline(progress.trend)
        lines.append(
            f"Pain now: {progress.pain}/10 (starting pain {progress.baseline}) · recent {trend}"
        )
    if progress.locked_all is None:
        lines.append("Open: " + ", ".join(progress.unlocked))
    lines.append(progress.progress_text)
    if progress.safety_due:
        lines.append(advice.ask_safety_text(progress.safety_asked))
    return "\n".join(lines)


# -- stats ---------------------------------------------------------------------------------


def stats(args: argparse.Namespace) -> int:
    from backroutine.core.stats import compute

    with _readable(args) as store:
        data = compute(store.sessions(), store.checkins(), date.today(), store.breaks())
    if args.json:
        print_json(data)
        return EXIT_OK
    print(stats_text(data))
    return EXIT_OK


def stats_text(data: dict[str, Any]) -> str:
    week, total = data["this_week"], data["total"]
    lines = [
        f"This week: {plural(week['sessions'], 'session')}, {minutes_text(week['minutes'])} · "
        f"in all: {plural(total['sessions'], 'session')}, {minutes_text(total['minutes'])} · "
        f"streak: {plural(data['streak_days'], 'day')}",
        "By category: "
        + " · ".join(
            f"{name} {c['sessions']} ({minutes_text(c['minutes'])})"
            for name, c in data["per_category"].items()
        ),
    ]
    minutes = [d["minutes"] for d in data["per_day"]]
    top = max(minutes)
    if top:
        bars = minutes_bars(data["per_day"])
        lines.append(
            f"Minutes, last {len(minutes)} days: {bars}  (today last; most {minutes_text(top)})"
        )
    else:
        lines.append(f"Minutes, last {len(minutes)} days: none yet")
    taken = data["breaks"]["this_week"]
    if any(taken.values()):
        lines.append(
            f"Desk breaks this week: {taken['taken']} taken, {taken['skipped']} skipped, "
            f"{taken['snoozed']} snoozed"
        )
    pain = data["pain"]
    if pain["latest"] is None:
        lines.append("Pain: no check-ins yet (backroutine checkin --pain N)")
    else:
        parts = [f"latest {pain['latest']}"]
        if pain["average_this_week"] is not None:
            parts.append(f"this week's average {pain['average_this_week']:g}")
        if pain["average_last_week"] is not None:
            parts.append(f"last week's {pain['average_last_week']:g}")
        lines.append(f"Pain: {', '.join(parts)} · trend {sparkline(pain['trend'])}")
    around = data["pain_around_sessions"][:5]
    if around:
        lines.append("Pain before → after recent sessions:")
        for a in around:
            before = "–" if a["before"] is None else a["before"]
            after = "–" if a["after"] is None else a["after"]
            lines.append(
                f"  {a['started_at'][:16].replace('T', ' ')}  "
                f"{escaped(a['routine_name'], one_line=True)}: "
                f"{before} → {after}"
            )
    return "\n".join(lines)


# -- safety --------------------------------------------------------------------------------


def _flags_dict(flags: RedFlagAnswers) -> dict[str, object]:
    return {
        "asked": flags.asked,
        "current": flags.current,
        "answered_at": flags.answered_at.isoformat(timespec="seconds")
        if flags.answered_at
        else None,
        "yes": sorted(flags.yes),
        "checked_at": flags.checked_at.isoformat(timespec="seconds") if flags.checked_at else None,
        "open": [f.key for f in flags.open_flags],
        "urgency": flags.urgency,
        "urgent": flags.urgency in ("emergency", "today"),
        "questions": [
            {"key": f.key, "question": f.question, "tier": f.tier, "locks": f.locks}
            for f in RED_FLAGS
        ],
    }


def safety(args: argparse.Namespace) -> int:
    now = local_now()
    writes = bool(args.checked or args.none or args.yes or (sys.stdin.isatty() and not args.json))
    if not writes:
        with _readable(args) as readable:
            flags = readable.red_flags()
        if not args.json:
            print(_questions_text(flags))
            return EXIT_OK
    else:
        with _writable(args) as store:
            if args.checked:
                if not store.red_flags().asked:
                    raise UserError(
                        "there are no answers to mark as checked; run backroutine safety"
                    )
                flags = store.mark_red_flags_checked(at=now)
                print(
                    "Noted: a professional has checked this. Thank you for looking after yourself."
                )
            elif args.none or args.yes:
                flags = store.save_red_flags(args.yes or [], at=now)
            else:
                flags = store.save_red_flags(_ask_flags(), at=now)
    if args.json:
        print_json(_flags_dict(flags))
        return EXIT_OK
    said = answers_advice(flags)
    if said.flags_open:
        print("\n".join(_wrap(line) for line in said.lines))
    elif not args.checked:
        print("\n".join(said.lines))  # the all-clear
    return EXIT_OK


def _ask_flags() -> list[str]:
    print(
        "A few questions about signs that need a doctor rather than exercise. Answer y or n. "
        "(Ctrl-C stops without saving.)"
    )
    yes = []
    for flag in RED_FLAGS:
        while True:
            try:
                answer = input(f"  {flag.question} [y/n] ").strip().lower()
            except EOFError:
                raise UserError(
                    "the questions were not all answered, so nothing was saved; run "
                    "backroutine safety again on a terminal, or use --none or --yes KEY,KEY"
                ) from None
            if answer in ("y", "yes", "n", "no"):
                break
            print("  Please answer y or n.")
        if answer.startswith("y"):
            yes.append(flag.key)
    return yes


def _questions_text(flags: RedFlagAnswers) -> str:
    lines = ["The safety questions (answer on a terminal with: backroutine safety):"]
    for flag in RED_FLAGS:
        answer = ""
        if flags.asked:
            answer = "yes" if flag.key in flags.yes else "no"
        tier = {"emergency": "emergency", "today": "doctor today", "soon": "see soon"}[flag.tier]
        line = f"  {flag.key:<17} ({tier}) {flag.question}"
        lines.append(line + (f"  [{answer}]" if answer else ""))
    lines.append("From a script: backroutine safety --none, or --yes KEY,KEY")
    if flags.asked and not flags.current:
        lines.append("The questions have changed since you answered: please answer them again.")
    said = answers_advice(flags)
    if said.flags_open:
        lines += ["", *(_wrap(line) for line in said.lines)]
    return "\n".join(lines)
