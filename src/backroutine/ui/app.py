"""The Textual app: the home screen, and the player that walks a routine.

It wires the session engine to the screens, the sound and the history (attributes down,
messages up: screens show what they are given and call the app's actions). One factory,
`make_app`, builds it for the CLI and for the tests, which inject a fake clock, a recording
sound player and a store.
"""

from __future__ import annotations

import asyncio
import signal
from collections.abc import Callable
from contextlib import suppress
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from textual.app import App
from textual.binding import Binding
from textual.message import Message
from textual.notifications import SeverityLevel
from textual.screen import ModalScreen
from textual.timer import Timer

from backroutine.audio import Player, make_player, preload, routine_sounds
from backroutine.core.clock import local_now
from backroutine.core.engine import (
    Clock,
    CueDue,
    Event,
    Finished,
    SegmentStarted,
    Session,
    SideChanged,
)
from backroutine.core.model import Routine
from backroutine.core.progression import Progress, assess_history, routine_lock
from backroutine.core.recording import SessionRecorder
from backroutine.core.text import escaped
from backroutine.core.writer import HistoryWriter, open_writer
from backroutine.services.advice import yoga_note
from backroutine.services.breaks import BreakAnswers
from backroutine.services.checkins import CheckinReport, save_checkin
from backroutine.services.conductor import SessionConductor
from backroutine.services.history import History, or_no_history
from backroutine.ui.commands import BackroutineCommands
from backroutine.ui.run import run_app as run_app  # the CLI runs make_app with it
from backroutine.ui.screens.intro import IntroScreen

# The other screens are imported when first shown: the first frame comes sooner.
if TYPE_CHECKING:
    from backroutine.core.breaks import BreakTimer
    from backroutine.speech import Speaker
    from backroutine.ui.screens.player import PlayerScreen


class BackroutineApp(App[int]):
    CSS_PATH = Path(__file__).with_name("backroutine.tcss")
    TITLE = "backroutine"
    COMMANDS = App.COMMANDS | {BackroutineCommands}
    BINDINGS = [Binding("ctrl+c", "quit_now", "Quit", show=False, priority=True)]

    def __init__(
        self,
        *,
        store: History | None,
        routine: Routine | None = None,
        data_dir: Path | None = None,
        clock: Clock,
        speed: float = 1.0,
        audio_mode: str = "auto",
        player: Player | None = None,
        now: Callable[[], datetime] = local_now,
        speaker: Speaker | None = None,
        voice: bool = False,
        breaks: BreakTimer | None = None,
        break_routine: Routine | None = None,
        history_problems: list[str] | None = None,
    ) -> None:
        super().__init__()
        # What is wrong with the history (read-only, unreadable): shown on the home screen.
        self.history_problems = list(history_problems or [])
        # A history that could not be opened is an empty, read-only one: no `is None` checks.
        self.store: History = or_no_history(store)
        self.breaks = breaks  # break mode: a desk-break timer, and the routine a break plays
        self.break_routine = break_routine
        self.break_answers = (
            BreakAnswers(breaks, break_routine, self.store, now=now, on_problem=self.notice)
            if breaks is not None and break_routine is not None
            else None
        )
        self._break_pending = False
        self.speaker = speaker
        self.voice = voice
        self.start_routine = routine  # play this one (backroutine play), else the home screen
        self.data_dir = data_dir
        self.clock = clock
        self.speed = speed
        self.audio_mode = audio_mode
        self.player = player
        self.now = now
        self.muted = False  # the person's choice, for every session of the app's life
        self.session: Session | None = None  # the routine opened (its intro), then played
        # Plays the session once started: records, sounds and speaks its events.
        self.conductor: SessionConductor | None = None
        self.writer: HistoryWriter[Any] | None = None  # one for the app's life, opened on need
        self._timer: Timer | None = None
        self._player_screen: PlayerScreen | None = None
        self._notices: set[str] = set()

    # -- life cycle -------------------------------------------------------------------------

    def on_mount(self) -> None:
        if self.break_routine is not None:
            self._sound_for(self.break_routine)  # a break's chime: from the start
        if self.speaker is None and self.voice:
            from backroutine.speech import make_speaker

            self.speaker = make_speaker(True, on_notice=self.notice)
        try:
            loop = asyncio.get_running_loop()
            for signum in (signal.SIGTERM, signal.SIGHUP):
                loop.add_signal_handler(signum, self.action_quit_now, "signal")
        except (NotImplementedError, RuntimeError, ValueError):
            pass  # not the main thread (tests) or no signals here: the CLI still saves on exit
        if self.breaks is not None and self.break_routine is not None:
            from backroutine.ui.screens.breaks import BreakScreen

            self.push_screen(BreakScreen(self.breaks, self.break_routine.name))
        elif self.start_routine is not None:
            self.open_routine(self.start_routine)
        else:
            from backroutine.ui.screens.home import HomeScreen

            self.push_screen(HomeScreen())  # it asks the safety questions when they are due

    def on_unmount(self) -> None:
        if self.player is not None:
            self.player.drain(2.5)  # a bell still ringing rings out (at once when quiet)
            self.player.close()
        if self.speaker is not None:
            self.speaker.close()

    def notice(self, message: str) -> None:
        """Say a thing once (sound fell back to the bell, the history cannot be written)."""
        if message not in self._notices:
            self._notices.add(message)
            # Notices quote file paths and history errors: shown as they are, never as markup.
            self.notify(escaped(message), timeout=8, markup=False)

    def progress(self) -> Progress:
        return assess_history(self.store, now=self.now())

    def _sound_for(self, routine: Routine | None) -> None:
        """Make the player (no stream for a home screen that plays nothing): the stream opens
        and the sounds are decoded now; or have it decode this routine's own cue files."""
        if self.player is None:  # warm_up=0: the intro gives the stream time to start
            sounds = routine_sounds(routine)
            self.player = make_player(
                self.audio_mode, ring=self.bell, on_notice=self.notice, sounds=sounds, warm_up=0
            )
        else:
            preload(self.player, routine)

    def sound_line(self) -> str:
        """How the cues will be heard, said before the start (a toast is easy to miss). As the
        intro opens, which is when the sounds are made ready."""
        self._sound_for(self.session.routine if self.session is not None else None)
        name = self.player.name if self.player is not None else "silent"
        if name == "silent" or self.audio_mode == "off":
            return "Sound is off: follow the screen (cue texts and a flash)."
        if name == "bell":
            why = next(iter(self._notices), "") if self._notices else ""
            return why or "Cues ring the terminal bell and flash the screen."
        through = f" ({name[7:-1]})" if name.startswith("sound (") else ""  # stream: pulseaudio
        return f"Sound is on{through}: every step, side switch, rest and the end has its own sound."

    # -- choosing and starting a routine --------------------------------------------------

    def open_routine(self, routine: Routine) -> None:
        """The routine's detail screen; Enter there starts it (unless it is locked)."""
        self.session = Session(routine, clock=self.clock)
        progress = self.progress()
        locked = routine_lock(progress, routine.category, routine.level)
        note = yoga_note(routine, progress.pain)
        self.push_screen(
            IntroScreen(routine, self.session.total_seconds, self.sound_line(), locked, note)
        )

    def action_start_routine(self) -> None:
        session = self.session
        if session is None or session.state != "ready":
            return
        routine = session.routine
        if routine_lock(self.progress(), routine.category, routine.level):
            return  # the intro says why; nothing starts past a lock
        recorder = SessionRecorder(self._history_writer(), session, now=self.now)
        self.conductor = SessionConductor(
            session,
            recorder,
            player=self.player,
            speaker=self.speaker,
            muted=self.muted,
            speed=self.speed,
        )
        # The first cue sounds at the routine's first moment, not once the screen is drawn
        # (a tenth of a second later: measured on a PulseAudio sink, issue 12).
        events = self.conductor.start()
        from backroutine.ui.screens.player import PlayerScreen

        self._player_screen = PlayerScreen()
        self.switch_screen(self._player_screen)
        self.call_after_refresh(self._after_start, events)

    def _after_start(self, events: list[Event]) -> None:
        self.draw(events)
        self.show()
        self.schedule()

    # -- the clock ----------------------------------------------------------------------------

    def wake(self) -> None:
        """Bring the screen and the history up to the session's present."""
        self._timer = None
        if self.conductor is None:
            return
        self.draw(self.conductor.update())
        self.show()
        self.schedule()

    def schedule(self) -> None:
        """Sleep until the next whole second or event; never poll."""
        if self._timer is not None:
            self._timer.stop()
            self._timer = None
        delay = self.conductor.next_wait() if self.conductor is not None else None
        if delay is not None:
            self._timer = self.set_timer(delay + 0.002, self.wake)

    def _history_writer(self) -> HistoryWriter[Any] | None:
        """The writer of sessions (its own thread and connection), opened with the first
        routine played; None when this session cannot be recorded."""
        if self.writer is None and not self.read_only:
            self.writer = open_writer(self.store, on_notice=self._notice_from_writer)
        return self.writer

    class HistoryNotice(Message):
        """Something to say about the history, from the writer's thread."""

        def __init__(self, text: str) -> None:
            super().__init__()
            self.text = text

    def _notice_from_writer(self, message: str) -> None:
        # post_message is thread-safe and does not wait: the writer never waits for the screen
        # (the screen may be waiting for the writer, briefly, before showing the history).
        self.post_message(self.HistoryNotice(message))

    def on_backroutine_app_history_notice(self, message: HistoryNotice) -> None:
        self.notice(message.text)

    def show(self) -> None:
        session = self.session
        screen = self._player_screen
        # A wake can come before the screen is composed, or after it has gone.
        running = session is not None and session.state != "finished"
        if screen is not None and screen.is_mounted and running:
            screen.show(session, muted=self.muted)  # type: ignore[arg-type]

    def draw(self, events: list[Event]) -> None:
        """What the session's events look like: the conductor has already recorded, sounded
        and spoken them."""
        screen = self._player_screen
        if screen is not None:
            for event in events:
                if isinstance(event, CueDue) and event.cue.say:
                    screen.show_cue(event.cue.say)
                elif isinstance(event, SegmentStarted):
                    screen.show_cue("")
            if any(isinstance(e, SegmentStarted | SideChanged) for e in events):
                screen.flash()
        if any(isinstance(e, Finished) for e in events):
            self.show_summary()

    def show_summary(self) -> None:
        from backroutine.ui.screens.ending import SummaryScreen

        session, conductor = self.session, self.conductor
        assert session is not None and conductor is not None
        recorded = conductor.recorder.recording
        self._player_screen = None
        self.switch_screen(
            SummaryScreen(
                name=session.routine.name,
                completed=session.completed,
                active_seconds=session.active_seconds,
                steps_done=session.steps_done,
                steps_total=session.steps_total,
                recorded=recorded,
                can_check_in=recorded,
            )
        )

    # -- after the routine ----------------------------------------------------------------

    @property
    def read_only(self) -> bool:
        """The history can be read but not written (a full or read-only disk...)."""
        return bool(self.store.read_only)

    def save_checkin(
        self,
        pain: int,
        spasms: str | None = None,
        note: str | None = None,
        *,
        then: Callable[[str, SeverityLevel], None],
    ) -> None:
        """Store a check-in off the event loop (a busy history must not freeze the screen),
        then call `then` with what to tell the person and how loudly (new advice to see a
        professional is a warning, or an error when it is urgent)."""

        def run() -> None:
            report = save_checkin(
                self.store, pain=pain, now=self.now, spasms=spasms, note=note, writer=self.writer
            )
            with suppress(RuntimeError):  # the app ended meanwhile
                self.call_from_thread(then, report.text, severity(report))

        self.run_worker(run, thread=True, group="history", exit_on_error=False)

    def answer_break(self, answer: str | None) -> None:
        """The answer to "time for a break": take it, snooze it, or skip it."""
        answers = self.break_answers
        if answers is None:
            return
        if answer == "take":
            self._break_pending = True  # answered once its routine is closed
            self.open_routine(answers.routine)
            return
        self.notify(answers.answer(answer), timeout=3)

    def action_close_routine(self) -> None:
        """Leave the summary (or advice, or detail) screen: home, or out when we came to play."""
        if self._break_pending and self.break_answers is not None:
            self._break_pending = False
            session = self.session
            if session is not None and session.state == "finished":
                self.break_answers.taken(session)
            else:  # backed out of the routine's intro
                self.break_answers.skipped()
        self.session = None
        self.conductor = None
        if self.start_routine is not None:
            self.exit(0)
            return
        self.pop_screen()
        if self.writer is not None:
            self.writer.drain(0.5)  # the session just played, in the recent sessions if it can be
        self.refresh_home()

    def refresh_home(self) -> None:
        from backroutine.ui.screens.home import HomeScreen

        for screen in self.screen_stack:
            if isinstance(screen, HomeScreen):
                screen.refresh_data()

    # -- actions (keys) -------------------------------------------------------------------

    def action_toggle_pause(self) -> None:
        if self.conductor is not None:
            self.conductor.toggle_pause()
            self.show()
            self.schedule()

    def action_skip(self) -> None:
        if self.conductor is not None:
            self.draw(self.conductor.skip())
            self.show()
            self.schedule()

    def action_back(self) -> None:
        if self.conductor is not None:
            self.draw(self.conductor.back())
            self.show()
            self.schedule()

    def action_mute(self) -> None:
        self.muted = not self.muted
        if self.conductor is not None:
            self.conductor.muted = self.muted
        self.show()

    def action_help(self) -> None:
        from backroutine.ui.screens.dialogs import HelpScreen

        # Reading the keys should not cost a hold: the routine waits while the help is open.
        self._ask(HelpScreen(), lambda _: False)

    def action_ask_quit(self) -> None:
        from backroutine.ui.screens.dialogs import ConfirmQuit

        self._ask(ConfirmQuit(), bool)

    def action_quit(self) -> None:  # Textual's own quit (command palette): save first
        self.action_quit_now("quit")

    def _ask(self, modal: ModalScreen[Any], ends: Callable[[object], bool]) -> None:
        """Show a modal with the routine paused; go on afterwards unless `ends(answer)`."""
        session = self.session
        was_running = session is not None and session.state == "running"
        if session is not None:
            session.pause()
        self.show()
        self.schedule()

        def answered(answer: object) -> None:
            if ends(answer):
                self.action_stop_routine()
            elif was_running and session is not None:
                session.resume()
                self.show()
                self.schedule()

        self.push_screen(modal, answered)

    def action_hurt(self) -> None:
        from backroutine.ui.screens.ending import HurtScreen

        self._end_early("pain")
        self._player_screen = None
        recorded = self.conductor is not None and self.conductor.recorder.recording
        self.switch_screen(HurtScreen(can_check_in=recorded))

    def action_close_hurt(self) -> None:
        """After "this hurts": the safety questions when they are due (a flare day asks them
        again), then home (or out)."""
        if not self.read_only and self.progress().safety_due:
            self.action_safety(then=lambda: self.action_close_routine())
        else:
            self.action_close_routine()

    def action_stop_routine(self) -> None:
        """From the player's quit question: stop, save, and go home (or out)."""
        self._end_early("quit")
        self._player_screen = None
        self.action_close_routine()

    def action_quit_now(self, reason: str = "quit") -> None:
        self._end_early(reason)
        self.exit(0)

    def _end_early(self, reason: str) -> None:
        if self._timer is not None:
            self._timer.stop()
            self._timer = None
        if self.conductor is not None and self.conductor.running:
            self.conductor.stop(reason)

    # -- home actions ---------------------------------------------------------------------

    def action_checkin(self) -> None:
        from backroutine.ui.screens.checkin import CheckinScreen

        self.push_screen(CheckinScreen(), lambda _: self.refresh_home())

    def action_safety(self, then: Callable[[], None] | None = None) -> None:
        from backroutine.ui.screens.safety import SafetyScreen

        self.push_screen(
            SafetyScreen(self.store.red_flags()), lambda _: (then or self.refresh_home)()
        )

    def action_history(self) -> None:
        from backroutine.ui.screens.history import HistoryScreen

        self.push_screen(HistoryScreen())


def severity(report: CheckinReport) -> SeverityLevel:
    """How loudly to say a check-in's outcome: new advice to see a professional is a warning,
    or an error when it is urgent; so is a check-in that was not saved."""
    if not report.saved:
        return "error"
    if report.urgency is None:
        return "information"
    return "warning" if report.urgency == "soon" else "error"


# The one factory for the CLI and the tests (clock, player, store and data folder are its
# parameters, so tests inject fakes): the class itself, rather than a copy of its signature.
make_app = BackroutineApp
