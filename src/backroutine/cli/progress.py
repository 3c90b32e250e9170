"""The commands about the person's back and what they have done: history, checkin, status,
stats, safety, registered here (checkin, status, stats and safety run in cli/checkins.py)."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING, TypeVar

from backroutine.cli.common import (
    EXIT_OK,
    UserError,
    data_dir,
    open_history,
    pain_score,
    past_date,
    print_json,
    red_flag_keys,
    table_lines,
)

if TYPE_CHECKING:
    from collections.abc import Sequence

    from backroutine.cli.parsing import Commands
    from backroutine.core.function import ActivityRating
    from backroutine.core.health import Checkin
    from backroutine.core.history.records import BreakRecord, SessionRecord


def register(commands: Commands) -> None:
    commands.add("history", "the sessions you have played, newest first", cmd_history, _history)
    commands.add(
        "checkin", "record how your back is: pain 0-10, spasms, a note", cmd_checkin, _checkin
    )
    commands.add(
        "status",
        "what is open, what is locked and why; when to see a professional",
        cmd_status,
        _json_option,
    )
    commands.add("stats", "sessions, minutes, streak and pain trend", cmd_stats, _json_option)
    commands.add("safety", "the red-flag questions: signs that need a doctor", cmd_safety, _safety)


def _json_option(sub: argparse.ArgumentParser) -> None:
    sub.add_argument("--json", action="store_true", help="print JSON")


def _history(sub: argparse.ArgumentParser) -> None:
    form = sub.add_mutually_exclusive_group()
    form.add_argument("--json", action="store_true", help="print JSON")
    form.add_argument("--csv", action="store_true", help="print CSV (for a spreadsheet)")
    sub.add_argument(
        "--all",
        action="store_true",
        help=f"list every session, check-in, break and rating (else the last {SHOWN} of each)",
    )


def _checkin(sub: argparse.ArgumentParser) -> None:
    sub.add_argument(
        "--pain", type=pain_score, metavar="N", help="0 = no pain ... 10 = worst imaginable"
    )
    sub.add_argument("--spasms", choices=("fewer", "same", "more"), help="compared with before")
    sub.add_argument("--note", metavar="TEXT", help="anything worth remembering")
    sub.add_argument(
        "--date", type=past_date, metavar="YYYY-MM-DD", help="a past day (taken as its noon)"
    )
    sub.add_argument(
        "--new-episode", action="store_true", help="a new bout of back pain starts with this one"
    )
    sub.add_argument(
        "--activity",
        action="append",
        default=[],
        metavar="NAME=SCORE",
        help="rate an activity of yours 0-10 (repeatable; see backroutine activities)",
    )
    fix = sub.add_mutually_exclusive_group()
    fix.add_argument(
        "--edit",
        metavar="UID",
        help="correct a check-in (its uid from backroutine history --json) with --pain, "
        "--spasms or --note; the original is kept",
    )
    fix.add_argument("--delete", metavar="UID", help="delete a check-in; it is kept, as deleted")


def _safety(sub: argparse.ArgumentParser) -> None:
    answers = sub.add_mutually_exclusive_group()
    answers.add_argument(
        "--yes",
        metavar="KEY,...",
        type=red_flag_keys,
        help="answer yes to these (see the keys below)",
    )
    answers.add_argument("--none", action="store_true", help="answer no to every question")
    answers.add_argument(
        "--checked", action="store_true", help="a professional has checked what you answered yes"
    )
    _json_option(sub)
    sub.epilog = safety_keys_text()
    sub.formatter_class = argparse.RawDescriptionHelpFormatter  # the epilog is laid out


TIERS = {"emergency": "emergency", "today": "doctor today", "soon": "see soon"}


def safety_keys_text(width: int = 79) -> str:
    """The question keys that --yes takes, by how soon a yes needs a professional."""
    import textwrap

    from backroutine.core.health import RED_FLAGS

    intro = (
        "The question keys, for --yes KEY,KEY (on a terminal, `backroutine safety` asks the "
        "questions; elsewhere it prints them):"
    )
    lines = textwrap.wrap(intro, width)
    label = max(len(tier) for tier in TIERS.values()) + 2
    for tier, name in TIERS.items():
        keys = [flag.key for flag in RED_FLAGS if flag.tier == tier]
        if keys:
            lines += textwrap.wrap(
                ", ".join(keys),
                width,
                initial_indent=f"  {name + ':':<{label}}",
                subsequent_indent=" " * (label + 2),
                break_on_hyphens=False,
            )
    return "\n".join(lines)


# -- history -------------------------------------------------------------------------------

SHOWN = 30  # of each list, in the text `history` prints without --all
T = TypeVar("T")


def _latest(items: Sequence[T], every: bool) -> tuple[Sequence[T], bool]:
    """The last SHOWN items (all with `every`), and whether some were left out."""
    if every or len(items) <= SHOWN:
        return items, False
    return items[-SHOWN:], True


def _left_out(cut: bool) -> None:
    if cut:
        print(f"  (showing the last {SHOWN}; --all for every one)")


def cmd_history(args: argparse.Namespace) -> int:
    from backroutine.services.activities import activity_rows
    from backroutine.services.corrections import checkin_dict, device_names

    store = open_history(data_dir(args), create=False)
    if store is None:
        raise UserError("the history cannot be read; see the message above")
    with store:
        sessions = store.sessions()
        checkins, deleted = store.checkin_records()
        names = device_names(store)
        breaks = store.breaks()
        ratings = store.ratings()
        activities = activity_rows(store)
    if args.json:
        print_json(
            {
                "sessions": [s.to_dict() for s in sessions],
                # newest first, too; as they are now, each with its corrections
                "checkins": [checkin_dict(c, names) for c in reversed(checkins)],
                "deleted_checkins": [checkin_dict(c, names) for c in reversed(deleted)],
                "breaks": [b.to_dict() for b in reversed(breaks)],
                "activities": activities,  # every one named, removed ones too
                "activity_ratings": [r.to_dict() for r in reversed(ratings)],
            }
        )
    elif args.csv:
        from backroutine.core.export import history_csv

        sys.stdout.write(history_csv(sessions, checkins, breaks, ratings=ratings))
    else:
        every = bool(args.all)
        _print_history(sessions, every)
        _print_checkins(checkins, deleted, names, every)
        _print_breaks(breaks, every)
        _print_ratings(ratings, every)
    return EXIT_OK


def _print_ratings(ratings: Sequence[ActivityRating], every: bool) -> None:
    """The activity ratings, one line per moment they were given (newest first)."""
    from itertools import groupby

    from backroutine.core.text import escaped

    if not ratings:
        return
    print()
    print("Activity ratings (0 = unable, 10 = as before; newest first):")
    moments = [(at, list(group)) for at, group in groupby(ratings, key=lambda r: r.at)]
    shown, cut = _latest(moments, every)
    for at, group in reversed(shown):
        said = ", ".join(f"{escaped(r.activity, one_line=True)} {r.score}" for r in group)
        print(f"  {at.strftime('%Y-%m-%d %H:%M')}  {said}")
    _left_out(cut)


def _print_breaks(breaks: Sequence[BreakRecord], every: bool) -> None:
    """Desk breaks taken, skipped and snoozed (newest first)."""
    from backroutine.core.text import escaped
    from backroutine.core.words import minutes_text

    if not breaks:
        return
    print()
    print("Desk breaks (newest first):")
    shown, cut = _latest(breaks, every)
    for b in reversed(shown):
        said = b.outcome
        if b.outcome == "taken" and b.routine_id:
            said += f": {escaped(b.routine_id, one_line=True)}"
        if b.minutes is not None:
            said += f", {minutes_text(b.minutes)}" if b.outcome == "taken" else ""
            said += f" for {minutes_text(b.minutes)}" if b.outcome == "snoozed" else ""
        print(f"  {b.at.strftime('%Y-%m-%d %H:%M')}  {said}")
    _left_out(cut)


def _print_checkins(
    checkins: Sequence[Checkin], deleted: Sequence[Checkin], names: dict[str, str], every: bool
) -> None:
    """The latest check-ins as they are now, each correction said; the deleted ones are
    not among them (nothing counts them) but listed after, so nothing vanishes unsaid."""
    from backroutine.core.text import escaped
    from backroutine.services.corrections import correction_text

    if not checkins and not deleted:
        return
    print()
    print("Check-ins (newest first):")
    shown, cut = _latest(checkins, every)
    for c in reversed(shown):
        extra = f", spasms {c.spasms}" if c.spasms else ""
        extra += " (new episode)" if c.new_episode else ""
        note = f" · {escaped(c.note, one_line=True)}" if c.note else ""
        fixed = correction_text(c, names)
        fixed = f" ({fixed})" if fixed else ""
        print(f"  {c.at.strftime('%Y-%m-%d %H:%M')}  pain {c.pain:>2}{extra}{note}{fixed}")
    _left_out(cut)
    if deleted:
        print()
        print("Deleted check-ins (not counted anywhere; kept in the history):")
        shown, cut = _latest(deleted, every)
        for c in reversed(shown):
            said = correction_text(c, names)
            print(f"  {c.at.strftime('%Y-%m-%d %H:%M')}  pain {c.pain:>2} ({said})")
        _left_out(cut)


def _print_history(sessions: Sequence[SessionRecord], every: bool) -> None:
    from backroutine.core.durations import format_clock
    from backroutine.core.text import escaped

    if not sessions:
        print("No sessions yet. Play a routine with: backroutine play ID")
        return
    rows = [
        (
            s.started_at[:16].replace("T", " "),
            escaped(s.routine_name, one_line=True),  # as older files named it: shown, not run
            escaped(s.status + (f" ({s.reason})" if s.reason else ""), one_line=True),
            format_clock(s.active_seconds),
            f"{s.steps_done}/{s.steps_total}",
        )
        for s in _latest(sessions[::-1], every)[0][::-1]  # newest first
    ]
    header = ("started", "routine", "status", "time", "steps")
    for line in table_lines([header, *rows]):
        print(line)
    _left_out(not every and len(sessions) > SHOWN)


# -- check-ins, status, stats, safety (they run in cli/checkins.py) -------------------------


def cmd_checkin(args: argparse.Namespace) -> int:
    from backroutine.cli.checkins import checkin

    return checkin(args)


def cmd_status(args: argparse.Namespace) -> int:
    from backroutine.cli.checkins import status

    return status(args)


def cmd_stats(args: argparse.Namespace) -> int:
    from backroutine.cli.checkins import stats

    return stats(args)


def cmd_safety(args: argparse.Namespace) -> int:
    from backroutine.cli.checkins import safety

    return safety(args)
