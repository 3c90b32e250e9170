"""The Textual app: what lives as long as it does, and the screens it switches between.

The app keeps what is app-wide: the history (its store and its writer), the sound player and
the voice, the desk-break timer and its answers, the data folder, the clocks, the notices said
once. It switches screens and hands each what it needs (attributes down); the screens tell it
what happened with the Messages of ui/messages.py, handled below by `on_...` (messages up).
I/O runs in the screens' thread workers, never on the event loop.

The player screen owns its session and timer. The app keeps the session being played only so
that a quit or a signal can still save it (`conductor`, used by action_quit_now and run_app).

One factory, `make_app`, builds it for the CLI and for the tests, which inject a fake clock, a
recording sound player and a store.
"""

from __future__ import annotations

import asyncio
import signal
from collections.abc import Callable, Sequence
from datetime import datetime
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from textual.app import App
from textual.binding import Binding

from backroutine.audio import Player, make_player, preload, routine_sounds
from backroutine.core.clock import local_now
from backroutine.core.engine import Clock, Session
from backroutine.core.model import Routine
from backroutine.core.progression import Progress, assess_history, routine_lock
from backroutine.core.recording import SessionRecorder
from backroutine.core.text import escaped
from backroutine.core.writer import HistoryWriter, open_writer
from backroutine.services import checkins
from backroutine.services.advice import yoga_note
from backroutine.services.breaks import BreakAnswers
from backroutine.services.conductor import SessionConductor
from backroutine.services.history import History, or_no_history
from backroutine.ui.commands import BackroutineCommands
from backroutine.ui.messages import (
    ActivitiesChanged,
    CheckinSaved,
    CloseRoutine,
    MuteChanged,
    Notice,
    OpenRoutine,
    SafetyAnswered,
    SafetyDue,
    SessionEnded,
    StartRoutine,
    TakeBreak,
)
from backroutine.ui.run import run_app as run_app  # the CLI runs make_app with it
from backroutine.ui.screens.intro import IntroScreen

# The other screens are imported when first shown: the first frame comes sooner.
if TYPE_CHECKING:
    from backroutine.core.breaks import BreakTimer
    from backroutine.services.home import HomeView
    from backroutine.speech import Speaker
    from backroutine.ui.screens.activities import ActivitiesScreen


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
        theme: str | None = None,
        settings_path: Path | None = None,
    ) -> None:
        super().__init__()
        # The `theme` setting, applied at mount; with a settings file, a theme chosen in the
        # palette is written there (tests give none: nothing of theirs is saved).
        self.start_theme = theme
        self.settings_path = settings_path
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
        self.session: Session | None = None  # the routine open (from its intro to its end)
        # The session being played (the player screen drives it): kept here only so that a
        # quit or a signal saves it, whatever screen is showing.
        self.conductor: SessionConductor | None = None
        self.writer: HistoryWriter[Any] | None = None  # one for the app's life, opened on need
        self._notices: set[str] = set()

    # -- life cycle -------------------------------------------------------------------------

    def on_mount(self) -> None:
        if self.start_theme and self.start_theme in self.available_themes:
            self.theme = self.start_theme  # an unknown name (a newer Textual's?) keeps the default
        self.watch(self, "theme", self._theme_chosen, init=False)
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
        if self.break_answers is not None:
            from backroutine.ui.screens.breaks import BreakScreen

            answers = self.break_answers
            self.push_screen(BreakScreen(answers, clock=self.clock, now=self.now, chime=self.chime))
        elif self.start_routine is not None:
            self.open_routine(self.start_routine)
        else:
            from backroutine.ui.screens.home import HomeScreen

            # It reads its data in a worker, and asks the safety questions when they are due;
            # it reads it again when the history changes on disk (another program, computer).
            self.push_screen(HomeScreen(self.home_view, self.history_changes()))

    def on_unmount(self) -> None:
        if self.player is not None:
            self.player.drain(2.5)  # a bell still ringing rings out (at once when quiet)
            self.player.close()
        if self.speaker is not None:
            self.speaker.close()

    def _theme_chosen(self, theme: str) -> None:
        if self.settings_path is not None and theme != self.start_theme:
            self.start_theme = theme
            self.save_setting("theme", theme)

    def save_setting(self, name: str, value: str | bool | int) -> None:
        """Writes one setting to the settings file, in a thread (never a file on the event
        loop); a file that cannot be written, or does not parse, is said once."""
        path = self.settings_path
        if path is None:
            return

        def write() -> None:
            from backroutine import settings

            try:
                settings.write_setting(name, value, path)
            except (OSError, settings.SettingError) as exc:
                self.call_from_thread(self.notice, f"The setting {name} was not saved: {exc}")

        self.run_worker(write, thread=True, group="settings", exit_on_error=False)

    def notice(self, message: str) -> None:
        """Say a thing once (sound fell back to the bell, the history cannot be written)."""
        if message not in self._notices:
            self._notices.add(message)
            # Notices quote file paths and history errors: shown as they are, never as markup.
            self.notify(escaped(message), timeout=8, markup=False)

    def on_notice(self, message: Notice) -> None:
        self.notice(message.text)

    def progress(self) -> Progress:
        return assess_history(self.store, now=self.now())

    def home_view(self) -> HomeView:
        """What the home screen shows. Reads the history and the routine library: the home
        screen calls it in a thread worker."""
        from backroutine.services.home import home_view

        return home_view(
            self.store, data_dir=self.data_dir, now=self.now(), problems=self.history_problems
        )

    def history_changes(self) -> Callable[[], object] | None:
        """What tells that the history changed on disk (stat calls: core/history/watch.py),
        or None when there is no history file to watch."""
        from backroutine.core.history import HistoryStore
        from backroutine.core.history.watch import change_marks

        store = self.store
        if not isinstance(store, HistoryStore):
            return None
        return partial(change_marks, store.path)

    # -- sound --------------------------------------------------------------------------------

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

    def chime(self) -> None:
        """Time for a desk break: the terminal's bell, and the chime unless muted."""
        self.bell()
        if self.player is not None and not self.muted:
            self.player.play("chime")

    def on_mute_changed(self, message: MuteChanged) -> None:
        self.muted = message.muted

    # -- choosing, playing and closing a routine ----------------------------------------------

    def open_routine(self, routine: Routine) -> None:
        """The routine's detail screen; Enter there starts it (unless it is locked)."""
        self.session = Session(routine, clock=self.clock)
        progress = self.progress()
        locked = routine_lock(progress, routine.category, routine.level)
        note = yoga_note(routine, progress.pain)
        self.push_screen(
            IntroScreen(routine, self.session.total_seconds, self.sound_line(), locked, note)
        )

    def on_open_routine(self, message: OpenRoutine) -> None:
        self.open_routine(message.routine)

    def on_start_routine(self, message: StartRoutine) -> None:
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
        started = self.conductor.start()
        from backroutine.ui.screens.player import PlayerScreen

        self.switch_screen(PlayerScreen(self.conductor, started))

    def on_session_ended(self, message: SessionEnded) -> None:
        """The player's session is over: its summary, the advice when it hurt, or home."""
        if message.ending == "quit":
            self.close_routine()
            return
        from backroutine.ui.screens.ending import HurtScreen, SummaryScreen

        session = message.conductor.session
        recorded = message.conductor.recorder.recording
        checkin = self.save_checkin if recorded else None  # the pain question, when saved
        if message.ending == "pain":
            self.switch_screen(HurtScreen(checkin=checkin))
            return
        self.switch_screen(
            SummaryScreen(
                name=session.routine.name,
                ending=session.ending,
                active_seconds=session.active_seconds,
                steps_done=session.steps_done,
                steps_total=session.steps_total,
                recorded=recorded,
                checkin=checkin,
            )
        )

    def on_close_routine(self, message: CloseRoutine) -> None:
        if message.hurt:
            self.close_hurt()
        else:
            self.close_routine()

    def close_hurt(self) -> None:
        """After "this hurts": the safety questions when they are due (a flare day asks them
        again), then home (or out)."""
        if not self.read_only and self.progress().safety_due:
            self.action_safety(then=self.close_routine)
        else:
            self.close_routine()

    def close_routine(self) -> None:
        """Leave the summary (or advice, or detail) screen: home, or out when we came to play."""
        if self.session is None:
            return  # closed already (a second key before the screen went)
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

    # -- the history ----------------------------------------------------------------------

    @property
    def read_only(self) -> bool:
        """The history can be read but not written (a full or read-only disk...)."""
        return bool(self.store.read_only)

    def _history_writer(self) -> HistoryWriter[Any] | None:
        """The writer of sessions (its own thread and connection), opened with the first
        routine played; None when this session cannot be recorded."""
        if self.writer is None and not self.read_only:
            self.writer = open_writer(self.store, on_notice=self._notice_from_writer)
        return self.writer

    def _notice_from_writer(self, text: str) -> None:
        # post_message is thread-safe and does not wait: the writer never waits for the screen
        # (the screen may be waiting for the writer, briefly, before showing the history).
        self.post_message(Notice(text))

    def save_checkin(
        self,
        pain: int,
        spasms: str | None = None,
        note: str | None = None,
        ratings: Sequence[tuple[str, int]] = (),
        new_episode: bool = False,
    ) -> checkins.CheckinReport:
        """Store a check-in made now (with the week's activity ratings, if any; starting a
        new episode when the person said so) and say what it changed. It waits for the
        history: the screen that asks runs it in a worker."""
        from backroutine.services.activities import save_rated_checkin

        return save_rated_checkin(
            self.store,
            pain=pain,
            ratings=ratings,
            now=self.now,
            spasms=spasms,
            note=note,
            writer=self.writer,
            new_episode=new_episode,
        )

    def on_checkin_saved(self, message: CheckinSaved) -> None:
        self.refresh_home()

    def on_activities_changed(self, message: ActivitiesChanged) -> None:
        self.refresh_home()

    def activities_screen(self) -> ActivitiesScreen:
        """Where activities are added, renamed and removed (from the charts and the
        check-in); it reads and writes the history in its workers."""
        from backroutine.ui.screens.activities import ActivitiesScreen

        return ActivitiesScreen(self.store, self.now)

    def on_safety_answered(self, message: SafetyAnswered) -> None:
        self.refresh_home()

    def on_safety_due(self, message: SafetyDue) -> None:
        self.action_safety()

    # -- desk breaks ------------------------------------------------------------------------

    def on_take_break(self, message: TakeBreak) -> None:
        """A break taken: its routine's intro; the break is recorded once it is closed."""
        if self.break_answers is not None:
            self._break_pending = True
            self.open_routine(self.break_answers.routine)

    # -- app-wide actions (keys, the command palette) -------------------------------------------

    async def action_quit(self) -> None:  # Textual's own quit (command palette): save first
        self.action_quit_now("quit")

    def action_quit_now(self, reason: str = "quit") -> None:
        if self.conductor is not None and self.conductor.running:
            self.conductor.stop(reason)  # the player screen's timer finds it stopped
        self.exit(0)

    def action_checkin(self) -> None:
        from backroutine.ui.screens.checkin import CheckinScreen
        from backroutine.ui.screens.home import HomeScreen

        # The activities to rate, once a week, and the last check-in (after a long gap the
        # person is asked about a new bout): as the home screen last read them.
        homes = [s for s in self.screen_stack if isinstance(s, HomeScreen) and s.view]
        view = homes[-1].view if homes else None
        rate = view.rate_now if view else ()
        gap = checkins.long_gap(view.last_checkin, self.now()) if view else None
        named = len(view.function.activities) if view else None
        edit = self.activities_screen if not self.read_only else None
        self.push_screen(CheckinScreen(self.save_checkin, rate, gap, named=named, edit=edit))

    def action_safety(self, then: Callable[[], None] | None = None) -> None:
        from backroutine.ui.screens.safety import SafetyScreen

        screen = SafetyScreen(self.store.red_flags(), history=self.store, now=self.now)
        self.push_screen(screen, (lambda _: then()) if then is not None else None)

    def action_history(self) -> None:
        from backroutine.ui.screens.history import HistoryScreen

        self.push_screen(HistoryScreen(self.store, now=self.now))

    def action_settings(self) -> None:
        from backroutine import settings
        from backroutine.ui.screens.settings import SettingsScreen

        path = self.settings_path or settings.settings_path()
        self.push_screen(SettingsScreen(path, list(self.available_themes)))

    def action_charts(self) -> None:
        from backroutine.ui.screens.charts import ChartsScreen  # plotext loads in its worker

        edit = self.activities_screen if not self.read_only else None
        self.push_screen(ChartsScreen(self.store, self.now(), edit=edit))


# The one factory for the CLI and the tests (clock, player, store and data folder are its
# parameters, so tests inject fakes): the class itself, rather than a copy of its signature.
make_app = BackroutineApp
