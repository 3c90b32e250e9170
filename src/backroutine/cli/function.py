"""What the person can do, beside the pain: `activities` (the Patient-Specific Functional
Scale's up to 3 activities: list, add, remove) and `report` (one HTML file for a clinician)."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from backroutine.cli.common import (
    EXIT_INVALID,
    EXIT_OK,
    EXIT_USAGE,
    UserError,
    data_dir,
    open_history,
    print_json,
)

if TYPE_CHECKING:
    from datetime import date

    from backroutine.cli.parsing import Commands
    from backroutine.core.function import Activity, ActivityRating

EXAMPLE = '"putting on socks"'


def register(commands: Commands) -> None:
    commands.add(
        "activities",
        "up to 3 activities your back makes hard, rated 0-10 at check-ins (function score)",
        cmd_activities,
        _activities,
    )
    commands.add(
        "report",
        "one HTML file for a doctor or physiotherapist: pain, function, sessions, safety",
        cmd_report,
        _report,
    )


def _activities(sub: argparse.ArgumentParser) -> None:
    sub.add_argument(
        "action", nargs="?", choices=("add", "remove"), help="add or remove an activity"
    )
    sub.add_argument("name", nargs="?", metavar="NAME", help=f"the activity, e.g. {EXAMPLE}")
    sub.add_argument("--json", action="store_true", help="print JSON")
    sub.epilog = (
        "Name what your back makes hard (at most 3), then rate each at check-ins: "
        f'backroutine checkin --activity {EXAMPLE[:-1]}=6". 0 = unable to do it, 10 = as '
        "before the back problem. The function score is the mean of the latest ratings."
    )


def _report(sub: argparse.ArgumentParser) -> None:
    sub.add_argument("--out", metavar="FILE", help="write here (default: the reports folder)")
    sub.add_argument(
        "--since", type=since_date, metavar="YYYY-MM-DD", help="from this day (default: all)"
    )
    sub.add_argument("--force", action="store_true", help="replace FILE if it exists")


def since_date(text: str) -> date:
    from datetime import date

    try:
        day = date.fromisoformat(text.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date; use YYYY-MM-DD") from None
    if day > date.today():
        raise argparse.ArgumentTypeError(f"{day} is in the future; give a past day or today")
    return day


# -- activities ------------------------------------------------------------------------------


def cmd_activities(args: argparse.Namespace) -> int:
    from backroutine.core.clock import local_now
    from backroutine.core.function import ActivityError
    from backroutine.services import activities

    if args.action is None:
        if args.name is not None:
            raise UserError(
                f"say what to do with {args.name!r}: backroutine activities add NAME, or "
                "remove NAME",
                EXIT_USAGE,
            )
        return _list_activities(args)
    if args.name is None:
        raise UserError(
            f"give the activity's name: backroutine activities {args.action} {EXAMPLE}",
            EXIT_USAGE,
        )
    store = open_history(data_dir(args))
    if store is None:
        raise UserError("the history cannot be used; see the message above")
    with store:
        try:
            if args.action == "add":
                added = activities.add_activity(store, args.name, now=local_now())
                said = f"Added: {_name(added)}. Rate it at a check-in: " + _rate_hint(added)
            else:
                removed = activities.remove_activity(store, args.name, now=local_now())
                said = f"Removed: {_name(removed)}. Its past ratings stay in your history."
        except ActivityError as exc:
            raise UserError(str(exc), EXIT_USAGE) from None
        current = activities.list_activities(store)
    if args.json:
        print_json({"activities": [a.to_dict() for a in current]})
    else:
        print(said)
    return EXIT_OK


def _list_activities(args: argparse.Namespace) -> int:
    from backroutine.services import activities

    store = open_history(data_dir(args), create=False)
    if store is None:
        raise UserError("the history cannot be read; see the message above")
    with store:
        current = activities.list_activities(store)
        score = activities.current_function(store)
        ratings = store.ratings()
    if args.json:
        print_json(
            {
                "activities": [a.to_dict() for a in current],
                "function": score.to_dict(),
            }
        )
        return EXIT_OK
    if not current:
        print(
            "No activities yet. Name up to 3 things your back makes hard, e.g.\n"
            f"  backroutine activities add {EXAMPLE}\n"
            'then rate each at a check-in: backroutine checkin --activity "NAME=6" '
            "(0 = unable, 10 = as before)."
        )
        return EXIT_OK
    print("Your activities (0 = unable to do it, 10 = as before the back problem):")
    for activity in current:
        print(f"  {_name(activity)}: {_latest(activity, ratings)}")
    print("\n".join(activities.function_lines(score)[:1]))
    print("Rate them at a check-in: " + _rate_hint(current[0]))
    return EXIT_OK


def _name(activity: Activity) -> str:
    from backroutine.core.text import escaped

    return escaped(activity.name, one_line=True)  # the person's words, shown, never run


def _rate_hint(activity: Activity) -> str:
    return f'backroutine checkin --activity "{_name(activity)}=6"'


def _latest(activity: Activity, ratings: list[ActivityRating]) -> str:
    mine = [r for r in ratings if r.activity_id == activity.id]
    if not mine:
        return "not rated yet"
    last = mine[-1]
    return f"{last.score}/10 on {last.at.strftime('%d %b %Y')} ({len(mine)} rated)"


# -- report ----------------------------------------------------------------------------------


def cmd_report(args: argparse.Namespace) -> int:
    from pathlib import Path

    from backroutine.core.clock import local_now
    from backroutine.services.report import build_report
    from backroutine.services.report_files import ReportFileError, write_report

    folder = data_dir(args)
    store = open_history(folder, create=False)
    if store is None:
        raise UserError("the history cannot be read; see the message above")
    now = local_now()
    with store:
        try:
            html = build_report(store, now, args.since)
        except ValueError as exc:
            raise UserError(str(exc), EXIT_USAGE) from None
    out = Path(args.out).expanduser() if args.out else None
    try:
        path = write_report(html, data_dir=folder, today=now.date(), out=out, force=args.force)
    except ReportFileError as exc:
        raise UserError(str(exc), EXIT_INVALID) from None  # it says to use --force, if that helps
    print(f"Report written: {path}")
    print("Open it in a browser; print it (to paper or PDF) from there.")
    return EXIT_OK
