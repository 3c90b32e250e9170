"""The Textual app: wires the session engine to the screens, the sound and the history.

One factory (`make_player_app`) builds it for the CLI and for the tests, which inject a fake
clock, a recording sound player and a store.
"""

from __future__ import annotations

import asyncio
import signal
from collections.abc import Callable
from pathlib import Path

from textual.app import App
from textual.binding import Binding
from textual.screen import ModalScreen
from textual.timer import Timer

from backroutine.audio import Player, make_player
from backroutine.core.announce import loudest
from backroutine.core.engine import CueDue, Event, Finished, SegmentStarted, Session, SideChanged
from backroutine.core.recording import SessionRecorder
from backroutine.ui.screens.dialogs import ConfirmQuit, HelpScreen
from backroutine.ui.screens.ending import HurtScreen, SummaryScreen
from backroutine.ui.screens.intro import IntroScreen
from backroutine.ui.screens.player import PlayerScreen


class PlayerApp(App[int]):
    CSS_PATH = Path(__file__).with_name("backroutine.tcss")
    TITLE = "backroutine"
    ENABLE_COMMAND_PALETTE = False
    BINDINGS = [Binding("ctrl+c", "quit_now", "Quit", show=False, priority=True)]

    def __init__(
        self,
        session: Session,
        *,
        recorder: SessionRecorder,
        audio_mode: str = "auto",
        player: Player | None = None,
        speed: float = 1.0,
    ) -> None:
        super().__init__()
        self.session = session
        self.recorder = recorder
        self.audio_mode = audio_mode
        self.player = player
        self.speed = speed
        self.muted = False
        self._timer: Timer | None = None
        self._player_screen: PlayerScreen | None = None
        self._notices: set[str] = set()

    # -- life cycle -------------------------------------------------------------------------

    def on_mount(self) -> None:
        if self.player is None:
            self.player = make_player(self.audio_mode, ring=self.bell, on_notice=self.notice)  # type: ignore[arg-type]
        self.recorder.on_notice = self.notice
        try:
            loop = asyncio.get_running_loop()
            for signum in (signal.SIGTERM, signal.SIGHUP):
                loop.add_signal_handler(signum, self.action_quit_now, "signal")
        except (NotImplementedError, RuntimeError, ValueError):
            pass  # not the main thread (tests) or no signals here: the CLI still saves on exit
        self.push_screen(
            IntroScreen(self.session.routine, self.session.total_seconds, self.sound_line())
        )

    def sound_line(self) -> str:
        """How the cues will be heard, said before the start (a toast is easy to miss)."""
        name = self.player.name if self.player is not None else "silent"
        if name == "silent" or self.audio_mode == "off":
            return "Sound is off: follow the screen (cue texts and a flash)."
        if name == "bell":
            why = next(iter(self._notices), "") if self._notices else ""
            return why or "Cues ring the terminal bell and flash the screen."
        return "Sound is on: every step, side switch, rest and the end has its own sound."

    def on_unmount(self) -> None:
        if self.player is not None:
            self.player.close()

    def notice(self, message: str) -> None:
        """Say a thing once (sound fell back to the bell, the history cannot be written)."""
        if message not in self._notices:
            self._notices.add(message)
            self.notify(message, timeout=8)

    # -- the clock ----------------------------------------------------------------------------

    def wake(self) -> None:
        """Bring the screen and the history up to the session's present."""
        self._timer = None
        self.handle(self.session.update())
        self.show()
        self.schedule()

    def schedule(self) -> None:
        """Sleep until the next whole second or event; never poll."""
        if self._timer is not None:
            self._timer.stop()
            self._timer = None
        wake = self.session.next_wake()
        if wake is None:
            return
        delay = max(0.0, (wake - self.session.clock()) / self.speed)
        self._timer = self.set_timer(delay + 0.002, self.wake)

    def show(self) -> None:
        if self._player_screen is not None and self.session.state != "finished":
            self._player_screen.show(self.session, muted=self.muted)

    def handle(self, events: list[Event]) -> None:
        if not events:
            return
        self.recorder.saw(events)
        screen = self._player_screen
        for event in events:
            if screen is None:
                break
            if isinstance(event, CueDue) and event.cue.say:
                screen.show_cue(event.cue.say)
            elif isinstance(event, SegmentStarted):
                screen.show_cue("")
        sound = loudest(events)
        if sound is not None and not self.muted and self.player is not None:
            self.player.play(sound)
        if screen is not None and any(isinstance(e, SegmentStarted | SideChanged) for e in events):
            screen.flash()
        finished = [e for e in events if isinstance(e, Finished)]
        if finished:
            self.show_summary()

    def show_summary(self) -> None:
        session = self.session
        self.switch_screen(
            SummaryScreen(
                name=session.routine.name,
                completed=session.completed,
                active_seconds=session.active_seconds,
                steps_done=session.steps_done,
                steps_total=session.steps_total,
                recorded=self.recorder.store is not None,
            )
        )
        self._player_screen = None

    # -- actions (keys) -------------------------------------------------------------------

    def action_start_routine(self) -> None:
        if self.session.state != "ready":
            return
        events = self.session.start()
        self.recorder.started()
        self._player_screen = PlayerScreen()
        self.switch_screen(self._player_screen)
        self.call_after_refresh(self._after_start, events)

    def _after_start(self, events: list[Event]) -> None:
        self.handle(events)
        self.show()
        self.schedule()

    def action_toggle_pause(self) -> None:
        self.session.toggle_pause()
        self.show()
        self.schedule()

    def action_skip(self) -> None:
        self.handle(self.session.skip())
        self.show()
        self.schedule()

    def action_back(self) -> None:
        self.handle(self.session.back())
        self.show()
        self.schedule()

    def action_mute(self) -> None:
        self.muted = not self.muted
        self.show()

    def action_help(self) -> None:
        # Reading the keys should not cost a hold: the routine waits while the help is open.
        self._ask(HelpScreen(), lambda _: False)

    def action_ask_quit(self) -> None:
        self._ask(ConfirmQuit(), bool)

    def _ask(self, modal: ModalScreen, ends: Callable[[object], bool]) -> None:
        """Show a modal with the routine paused; go on afterwards unless `ends(answer)`."""
        was_running = self.session.state == "running"
        self.session.pause()
        self.show()
        self.schedule()

        def answered(answer: object) -> None:
            if ends(answer):
                self.action_quit_now("quit")
            elif was_running:
                self.session.resume()
                self.show()
                self.schedule()

        self.push_screen(modal, answered)

    def action_hurt(self) -> None:
        self._end_early("pain")
        self._player_screen = None
        self.switch_screen(HurtScreen())

    def action_quit_now(self, reason: str = "quit") -> None:
        self._end_early(reason)
        self.exit(0)

    def _end_early(self, reason: str) -> None:
        if self._timer is not None:
            self._timer.stop()
            self._timer = None
        if self.session.state in ("running", "paused"):
            self.session.stop()
            self.recorder.finish("stopped", reason=reason)


def make_player_app(
    session: Session,
    *,
    recorder: SessionRecorder,
    audio_mode: str = "auto",
    player: Player | None = None,
    speed: float = 1.0,
) -> PlayerApp:
    return PlayerApp(session, recorder=recorder, audio_mode=audio_mode, player=player, speed=speed)


def run_player(session: Session, *, store: object, audio_mode: str, speed: float) -> int:
    recorder = SessionRecorder(store, session)  # type: ignore[arg-type]
    app = make_player_app(session, recorder=recorder, audio_mode=audio_mode, speed=speed)
    try:
        code = app.run()
    finally:
        # However the app ended (even by an exception), an unfinished session is saved.
        if session.state != "finished" and session.state != "ready":
            session.stop()
        if not recorder.closed:
            recorder.finish("stopped", reason="quit")
    return code or 0
