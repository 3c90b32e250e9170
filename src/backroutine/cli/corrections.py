"""`backroutine checkin --edit UID` and `--delete UID`: correcting a check-in, then saying what
changed (services/corrections.py), as a new check-in does."""

from __future__ import annotations

import argparse

from backroutine.cli.common import EXIT_OK, EXIT_USAGE, UserError, data_dir, open_history
from backroutine.core.clock import local_now
from backroutine.core.text import escaped


def correct(args: argparse.Namespace) -> int:
    from backroutine.core.history import EmptyHistory
    from backroutine.core.history.corrections import CorrectionError
    from backroutine.services import corrections

    others = [
        option
        for option, given in (
            ("--date", args.date is not None),
            ("--new-episode", args.new_episode),
            ("--activity", bool(args.activity)),
        )
        if given
    ]
    if args.delete is not None:
        others += [
            option
            for option, given in (
                ("--pain", args.pain is not None),
                ("--spasms", args.spasms is not None),
                ("--note", args.note is not None),
            )
            if given
        ]
        if others:
            raise UserError(f"--delete takes no other option ({', '.join(others)})", EXIT_USAGE)
    elif others:
        raise UserError(
            f"--edit changes the pain, the spasms or the note, not {', '.join(others)}; "
            "delete the check-in and make a new one instead",
            EXIT_USAGE,
        )
    elif args.pain is None and args.spasms is None and args.note is None:
        raise UserError(
            "say what to change: --edit UID with --pain N, --spasms WORD or --note TEXT "
            '(--note "" removes the note)',
            EXIT_USAGE,
        )
    uid = args.delete if args.delete is not None else args.edit
    store = open_history(data_dir(args), create=False)
    if store is None:
        raise UserError("the history cannot be used; see the message above")
    if isinstance(store, EmptyHistory):  # no history yet: nothing to correct
        raise UserError(
            f"there is no check-in {escaped(uid, one_line=True)}: the history is "
            "empty; nothing was changed",
            EXIT_USAGE,
        )
    now = local_now()
    with store:
        try:
            if args.delete is not None:
                outcome = corrections.delete_checkin(store, uid, now=now)
            else:
                outcome = corrections.correct_checkin(
                    store,
                    uid,
                    now=now,
                    pain=corrections.KEEP if args.pain is None else args.pain,
                    spasms=corrections.KEEP if args.spasms is None else args.spasms,
                    note=corrections.KEEP if args.note is None else args.note,
                )
        except CorrectionError as exc:
            raise UserError(escaped(str(exc), one_line=True), EXIT_USAGE) from None
        except ValueError as exc:  # a bad note: the store's words say which and why
            raise UserError(f"nothing was changed: {exc}", EXIT_USAGE) from None
    print("\n".join(outcome.lines()))
    return EXIT_OK
