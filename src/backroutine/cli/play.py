"""Playing: `play` (the full-screen player, or text lines with --plain), and `home`, the home
screen that `backroutine` alone opens in a terminal.

Textual, the sound library and the speech programs are imported inside the commands."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING, Any

from backroutine.cli.common import (
    EXIT_INVALID,
    EXIT_OK,
    EXIT_USAGE,
    UserError,
    app_settings,
    data_dir,
    open_history,
    refuse_if_locked,
    resolve_routine,
    speed_factor,
    terminal_problem,
)

if TYPE_CHECKING:
    from collections.abc import Callable

    from backroutine.cli.parsing import Commands
    from backroutine.core.engine import Session
    from backroutine.core.history import HistoryStore
    from backroutine.core.writer import HistoryWriter


def register(commands: Commands) -> None:
    commands.add(
        "play", "play a routine, step by step, with timers and sound cues", cmd_play, _options
    )
    commands.add("home", "the home screen (what `backroutine` alone opens in a terminal)", cmd_home)


def _options(sub: argparse.ArgumentParser) -> None:
    sub.add_argument("routine", metavar="ROUTINE", help="a routine id or a path to a file")
    sub.add_argument(
        "--plain",
        action="store_true",
        help="one line of text per event (for screen readers, logs and pipes); the default "
        "when the output is not a terminal",
    )
    sub.add_argument(
        "--speed",
        type=speed_factor,
        default=1.0,
        metavar="X",
        help="play X times faster, to preview a routine (e.g. 10); not recorded",
    )
    sub.add_argument("--mute", action="store_true", help="no sound (the bell and cue text stay)")
    sub.add_argument(
        "--voice",
        action="store_true",
        help="speak step names, sides, rests, the last seconds and cue texts (needs espeak-ng "
        "or the platform's speech program); also BACKROUTINE_VOICE=1",
    )


def cmd_play(args: argparse.Namespace) -> int:
    from backroutine import audio
    from backroutine.core.engine import Session, scaled_clock

    folder = data_dir(args)
    routine = resolve_routine(args.routine, folder)
    recorded = args.speed == 1.0
    store = open_history(folder)
    refuse_if_locked(routine, store)
    if not recorded and store is not None:
        store.close()
        store = None
    plain = args.plain or terminal_problem() is not None  # plain text where no TUI can run
    mode = "off" if args.mute else audio.audio_mode_from_env()
    session = Session(routine, clock=scaled_clock(args.speed))
    try:
        if plain:
            return _play_plain(
                session, store, mode, args.speed, _voice_wanted(args) and not args.mute
            )
        from backroutine.ui.app import make_app, run_app

        app = make_app(
            store=store,
            routine=routine,
            data_dir=folder,
            clock=scaled_clock(args.speed),
            speed=args.speed,
            audio_mode=mode,
            voice=_voice_wanted(args) and not args.mute,
            **app_settings(),
        )
        return run_app(app)
    finally:
        if store is not None:
            store.close()


def cmd_home(args: argparse.Namespace) -> int:
    """`backroutine` alone, in a terminal: the home screen."""
    import time

    problem = terminal_problem()
    if problem:
        raise UserError(
            f"the home screen needs a terminal: {problem}. Run backroutine in a terminal, or "
            "use the commands (backroutine --help), e.g. backroutine play ID --plain",
            EXIT_USAGE,
        )
    from backroutine import audio
    from backroutine.ui.app import make_app, run_app

    folder = data_dir(args)
    problems: list[str] = []
    store = open_history(folder, problems=problems)
    try:
        app = make_app(
            store=store,
            data_dir=folder,
            clock=time.monotonic,
            audio_mode=audio.audio_mode_from_env(),
            history_problems=problems,
            **app_settings(),
        )
        return run_app(app)
    finally:
        if store is not None:
            store.close()


def _voice_wanted(args: argparse.Namespace) -> bool:
    """--voice, or the `voice` setting (BACKROUTINE_VOICE=1, on, yes, true; or the file)."""
    from backroutine import settings

    return bool(getattr(args, "voice", False)) or settings.load().settings.voice


# -- the text player -----------------------------------------------------------------------


def _pain_saver(store: HistoryStore, writer: Any = None) -> Callable[[int], str]:
    def save(pain: int) -> str:
        from backroutine.services.checkins import save_checkin

        # The writer is waited for: the session just played counts in what the check-in says.
        return save_checkin(store, pain=pain, writer=writer).text

    return save


def _standing(store: HistoryStore) -> Callable[[], list[str]]:
    def lines() -> list[str]:
        from backroutine.core.clock import local_now
        from backroutine.core.progression import assess_history
        from backroutine.services.advice import standing_lines

        try:
            progress = assess_history(store, now=local_now())
        except Exception as exc:  # say it, never crash on it
            return [f"(The advice could not be read from the history: {exc})"]
        return standing_lines(progress)

    return lines


def _play_plain(
    session: Session,
    store: HistoryStore | None,
    mode: str,
    speed: float,
    voice: bool = False,
) -> int:
    from contextlib import suppress

    from backroutine import audio
    from backroutine.core.recording import SessionRecorder
    from backroutine.core.writer import finish_writing, open_writer
    from backroutine.plain import KeyReader, NoKeys, PlainPlayer, terminal_bell

    def notice(message: str) -> None:
        with suppress(OSError):  # the terminal may be gone (SIGHUP): the history still counts
            print(f"note: {message}", file=sys.stderr, flush=True)

    # The sounds are decoded and the stream opened now, before the first line.
    player = audio.make_player(
        mode,
        ring=terminal_bell(),
        on_notice=notice,
        sounds=audio.routine_sounds(session.routine),
    )
    speaker = None
    if voice:
        from backroutine.speech import make_speaker

        speaker = make_speaker(True, on_notice=notice)
    # The timer never waits for the disk: the session is written on the writer's thread.
    # (Any, as in the TUI: HistoryStore.finish_session takes a FinalStatus, the recorder's
    # Store protocol a str.)
    writer: HistoryWriter[Any] | None = open_writer(store, on_notice=notice)
    recorder = SessionRecorder(writer, session)
    keys = KeyReader(sys.stdin) if sys.stdin is not None and sys.stdin.isatty() else NoKeys()
    if speed != 1.0:
        notice(f"previewing at {speed:g}x speed; this session is not recorded")
    saved = True
    try:
        code = PlainPlayer(
            session,
            player=player,
            recorder=recorder,
            out=sys.stdout,
            keys=keys,
            speed=speed,
            on_pain=_pain_saver(store, writer) if store is not None else None,
            speaker=speaker,
            standing=_standing(store) if store is not None else None,
        ).run()
        if session.completed:
            player.drain(3.0)  # the end bell rings out (at once when nothing is playing)
    finally:
        saved = finish_writing(writer, notice)
        player.close()
        if speaker is not None:
            from backroutine.speech import CommandSpeaker

            if isinstance(speaker, CommandSpeaker) and session.completed:
                speaker.close(finish=3.0)  # let "well done" be said
            else:
                speaker.close()
    # What could not be saved was said above, with why: not a success, but not a bug either.
    return EXIT_INVALID if not saved and code == EXIT_OK else code
