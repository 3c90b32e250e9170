"""The commands about the person's back: checkin, status, stats, safety."""

from __future__ import annotations

import argparse
import sys
import textwrap
from datetime import date, datetime, time

from backroutine.cli import EXIT_OK, EXIT_USAGE, UserError, _data_dir, _open_history, _print_json
from backroutine.core.health import RED_FLAGS, RedFlagAnswers
from backroutine.core.progression import Progress, assess_history, change_note
from backroutine.core.stats import minutes_bars, sparkline


def _store(args: argparse.Namespace, *, create: bool = True):
    store = _open_history(_data_dir(args), create=create)
    if store is None:
        raise UserError("the history cannot be used; see the message above")
    return store


def _wrap(text: str, indent: str = "") -> str:
    return textwrap.fill(text, 78, initial_indent=indent, subsequent_indent=indent + "  ")


# -- checkin -------------------------------------------------------------------------------


def checkin_time(day: date | None, now: datetime | None = None) -> datetime:
    """Now, or noon of a past day (never later than now, for today)."""
    now = now or datetime.now().astimezone()
    if day is None:
        return now
    noon = datetime.combine(day, time(12, 0)).astimezone()
    return min(noon, now)


def ask_pain(prompt: str = "How is your back now, from 0 (no pain) to 10 (worst)? ") -> int | None:
    """Ask on the terminal; None when skipped (empty answer or end of input)."""
    while True:
        try:
            answer = input(prompt).strip()
        except EOFError:
            return None
        if not answer:
            return None
        if answer.isdigit() and 0 <= int(answer) <= 10:
            return int(answer)
        print("Please type a whole number from 0 to 10, or press Enter to skip.")


def checkin(args: argparse.Namespace) -> int:
    pain = args.pain
    spasms = args.spasms
    if pain is None:
        if not sys.stdin.isatty():
            raise UserError("give your pain with --pain N (0 = none, 10 = worst)", EXIT_USAGE)
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
            spasms = word if word in ("fewer", "same", "more") else None
    note = args.note.strip() if args.note else None
    if note is not None and len(note) > 500:
        raise UserError(
            f"the note is {len(note)} characters long; at most 500 are kept", EXIT_USAGE
        )
    with _store(args) as store:
        before = assess_history(store)
        saved = store.add_checkin(
            at=checkin_time(args.date),
            pain=pain,
            spasms=spasms,
            note=note or None,
            new_episode=args.new_episode,
        )
        after = assess_history(store)
    day = saved.at.strftime("%a %d %b %Y")
    print(f"Saved: pain {saved.pain} on {day}" + (f", spasms {spasms}" if spasms else "") + ".")
    change = change_note(before, after)
    if change:
        print(change)
    print(after.progress_text)
    for reason in after.reasons:
        print(_wrap(reason, "! "))
    return EXIT_OK


# -- status --------------------------------------------------------------------------------


def status(args: argparse.Namespace) -> int:
    with _store(args, create=False) as store:
        progress = assess_history(store)
        flags = store.red_flags()
    if args.json:
        data = progress.to_dict()
        data["red_flags"] = _flags_dict(flags)
        _print_json(data)
        return EXIT_OK
    print(status_text(progress, flags))
    return EXIT_OK


def status_text(progress: Progress, flags: RedFlagAnswers) -> str:
    lines = []
    if progress.pain is None:
        lines.append("No check-ins yet. Check in with: backroutine checkin --pain N")
    else:
        trend = sparkline(progress.trend)
        lines.append(
            f"Pain now: {progress.pain}/10 (starting pain {progress.baseline}) · recent {trend}"
        )
    lines.append("Open: " + ", ".join(progress.unlocked))
    for category, why in progress.locked.items():
        lines.append(_wrap(f"Locked: {category}. {why}"))
    lines.append(_wrap(progress.progress_text))
    if progress.see_professional:
        lines.append("")
        lines.append("Please see a doctor or physiotherapist:")
        lines += [_wrap(reason, "  - ") for reason in progress.reasons]
    if not flags.asked:
        lines.append("")
        lines.append("You have not answered the safety questions yet: backroutine safety")
    return "\n".join(lines)


# -- stats ---------------------------------------------------------------------------------


def stats(args: argparse.Namespace) -> int:
    from backroutine.core.stats import compute

    with _store(args, create=False) as store:
        data = compute(store.sessions(), store.checkins(), date.today(), store.breaks())
    if args.json:
        _print_json(data)
        return EXIT_OK
    print(stats_text(data))
    return EXIT_OK


def stats_text(data: dict) -> str:
    week, total = data["this_week"], data["total"]
    lines = [
        f"This week: {week['sessions']} sessions, {week['minutes']:g} min · "
        f"in all: {total['sessions']} sessions, {total['minutes']:g} min · "
        f"streak: {data['streak_days']} day{'s' if data['streak_days'] != 1 else ''}",
        "By category: "
        + " · ".join(
            f"{name} {c['sessions']} ({c['minutes']:g} min)"
            for name, c in data["per_category"].items()
        ),
    ]
    minutes = [d["minutes"] for d in data["per_day"]]
    top = max(minutes)
    if top:
        bars = minutes_bars(data["per_day"])
        lines.append(f"Minutes, last {len(minutes)} days: {bars}  (today last; most {top:g} min)")
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
                f"  {a['started_at'][:16].replace('T', ' ')}  {a['routine_name']}: "
                f"{before} → {after}"
            )
    return "\n".join(lines)


# -- safety --------------------------------------------------------------------------------

URGENT_ADVICE = (
    "Please get medical help today: call your doctor, an urgent care line, or emergency "
    "services. These signs can mean pressure on the nerves at the base of the spine, which "
    "needs quick treatment. Do not do the exercises until you have been checked."
)
PROMPT_ADVICE = (
    "Please see a doctor soon, within a few days, and mention what you answered yes to. "
    "Gentle movement is usually fine meanwhile, but stop anything that makes it worse."
)


def _flags_dict(flags: RedFlagAnswers) -> dict[str, object]:
    return {
        "asked": flags.asked,
        "answered_at": flags.answered_at.isoformat(timespec="seconds")
        if flags.answered_at
        else None,
        "yes": sorted(flags.yes),
        "checked_at": flags.checked_at.isoformat(timespec="seconds") if flags.checked_at else None,
        "open": [f.key for f in flags.open_flags],
        "urgent": flags.urgent,
        "questions": [
            {"key": f.key, "question": f.question, "urgent": f.urgent} for f in RED_FLAGS
        ],
    }


def flags_advice(flags: RedFlagAnswers) -> list[str]:
    """What to say about the answers, calmly; [] when nothing is open."""
    if not flags.open_flags:
        return []
    out = [URGENT_ADVICE if flags.urgent else PROMPT_ADVICE]
    out += [f"- {flag.question}" for flag in flags.open_flags]
    out.append("When a professional has checked this: backroutine safety --checked")
    return out


def safety(args: argparse.Namespace) -> int:
    now = datetime.now().astimezone()
    writes = bool(args.checked or args.none or args.yes or (sys.stdin.isatty() and not args.json))
    with _store(args, create=writes) as store:
        if args.checked:
            if not store.red_flags().asked:
                raise UserError("there are no answers to mark as checked; run backroutine safety")
            flags = store.mark_red_flags_checked(at=now)
            print("Noted: a professional has checked this. Thank you for looking after yourself.")
        elif args.none or args.yes:
            flags = store.save_red_flags(args.yes or [], at=now)
        elif sys.stdin.isatty() and not args.json:
            flags = store.save_red_flags(_ask_flags(), at=now)
        else:
            flags = store.red_flags()
            if not args.json:
                print(_questions_text(flags))
                return EXIT_OK
    if args.json:
        _print_json(_flags_dict(flags))
        return EXIT_OK
    advice = flags_advice(flags)
    if advice:
        print("\n".join(_wrap(line) for line in advice))
    elif not args.checked:
        print("Thank you. None of these signs: gentle movement is the right start.")
    return EXIT_OK


def _ask_flags() -> list[str]:
    print("A few questions about signs that need a doctor rather than exercise. Answer y or n.")
    yes = []
    for flag in RED_FLAGS:
        while True:
            try:
                answer = input(f"  {flag.question} [y/n] ").strip().lower()
            except EOFError:
                answer = "n"
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
        lines.append(f"  {flag.key:<16} {flag.question}" + (f"  [{answer}]" if answer else ""))
    lines.append("From a script: backroutine safety --none, or --yes KEY,KEY")
    advice = flags_advice(flags)
    if advice:
        lines += ["", *(_wrap(line) for line in advice)]
    return "\n".join(lines)
