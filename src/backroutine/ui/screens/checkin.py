"""Checking in: pain 0-10, spasms compared with before, a note; once a week, a rating of each
of the person's activities (the function score; each may be left blank); after more than 28
days without a check-in, whether this is the same back pain or a new bout.

The screen is given the app's way of saving a check-in (attributes down) and runs it in a
thread worker: a busy history never freezes the screen. Saved, it says what changed and tells
the app (CheckinSaved), which brings the home screen up to date.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import partial
from typing import TYPE_CHECKING

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.notifications import SeverityLevel
from textual.screen import ModalScreen
from textual.widgets import Button, Input, RadioSet, Static
from textual.worker import Worker, WorkerState

from backroutine.core.function import MAX_ACTIVITIES
from backroutine.services.checkins import CheckinReport, read_pain
from backroutine.ui.messages import CheckinSaved
from backroutine.ui.pain import PainField, PainInput
from backroutine.ui.toggles import Choice

if TYPE_CHECKING:
    from backroutine.ui.screens.activities import ActivitiesScreen

# Saves a check-in made now (pain, spasms, note) and says what it changed; waits for the
# history, so it is called in a thread worker.
CheckinSaver = Callable[[int, str | None, str | None], CheckinReport]
# The same, with the activities' ratings, (name, 0-10), saved in the same transaction, and
# whether a new bout of back pain starts with it (as `checkin --new-episode`).
RatedCheckinSaver = Callable[
    [int, str | None, str | None, Sequence[tuple[str, int]], bool], CheckinReport
]
SAVING = "checkin"  # the workers' group


def severity(report: CheckinReport) -> SeverityLevel:
    """How loudly to say a check-in's outcome: new advice to see a professional is a warning,
    or an error when it is urgent; so is a check-in that was not saved."""
    if not report.saved:
        return "error"
    if report.urgency is None:
        return "information"
    return "warning" if report.urgency == "soon" else "error"


def saved_report(event: Worker.StateChanged) -> CheckinReport | None:
    """The report of a check-in saved by a worker of ours, once it is done; else None. Saving
    never raises; if it did, that is said like any other check-in not saved."""
    worker = event.worker
    if worker.group != SAVING:
        return None
    if event.state == WorkerState.SUCCESS and isinstance(worker.result, CheckinReport):
        return worker.result
    if event.state == WorkerState.ERROR:
        return CheckinReport(f"Not saved: {worker.error}", False, None)
    return None


class CheckinScreen(ModalScreen[bool]):
    BINDINGS = [Binding("escape", "dismiss(False)", "Cancel")]

    def __init__(
        self,
        save: RatedCheckinSaver,
        rate: Sequence[str] = (),
        gap_days: int | None = None,
        *,
        named: int | None = None,
        edit: Callable[[], ActivitiesScreen] | None = None,
    ) -> None:
        """`rate`: the activities to ask a rating of (when a week has passed since the last).
        `gap_days`: the days since the previous check-in, when more than 28: then the screen
        asks whether this is the same back pain or a new bout. `named`: how many activities
        there are (None: not known); with fewer than MAX_ACTIVITIES and `edit` (makes the
        screen that names them), an "Add an activity" button opens it."""
        super().__init__()
        self.save_checkin = save
        self.rate = tuple(rate)
        self.gap_days = gap_days
        self.named = named
        self.edit = edit

    def compose(self) -> ComposeResult:
        # Scrolls when taller than the terminal (the ratings, the new-bout question at 80x24):
        # Tab reaches Save, and Enter in the pain field saves from anywhere.
        with VerticalScroll(id="checkin", classes="dialog"):
            yield Static("How is your back now?", classes="dialog-title")
            if self.gap_days is not None:
                # First, where it cannot be missed. "Same" is the default: it changes nothing
                # the rules would not decide themselves (a month at 0-1 still starts a new
                # episode), and keeps the episode's start, so "not improving after 4 weeks"
                # is not reset by a slip of the keyboard; a new bout is said on purpose.
                yield Static(
                    f"Your last check-in was {self.gap_days} days ago. "
                    "Is this the same back pain, or a new bout?",
                    id="episode-question",
                )
                with RadioSet(id="episode"):
                    yield Choice("the same, or not sure", value=True, id="episode-same")
                    yield Choice("a new bout", id="episode-new")
            yield PainField(
                "Pain, 0 (none) to 10 (worst imaginable):", input_id="pain", id="pain-field"
            )
            yield Static("Spasms, compared with before:")
            with RadioSet(id="spasms"):
                yield Choice("not sure", value=True, id="spasms-none")
                yield Choice("fewer", id="spasms-fewer")
                yield Choice("same", id="spasms-same")
                yield Choice("more", id="spasms-more")
            yield Static("A note (optional):")
            yield Input(id="note", max_length=500, placeholder="e.g. after gardening")
            with Vertical(id="ratings"):
                yield from self._ratings()
            if self.edit is not None and self.named is not None and self.named < MAX_ACTIVITIES:
                yield Button(
                    "Add an activity (for your function score)…",
                    compact=True,
                    id="add-activity",
                )
            yield Static("", id="checkin-error")
            with Horizontal(classes="buttons"):
                yield Button("Save", variant="primary", id="save")
                yield Button("Cancel", id="cancel")

    def _ratings(self) -> ComposeResult:
        if not self.rate:
            return
        yield Static(
            "Your activities this week, from 0 (unable) to 10 (as before the back "
            "problem); leave one blank to skip it:"
        )
        for number, name in enumerate(self.rate):
            with Horizontal(classes="rating"):
                yield Static(Text(name), classes="rating-name")  # the person's words
                yield Input(id=f"rate-{number}", type="integer", max_length=2, placeholder="0-10")

    def on_mount(self) -> None:
        self.query_one("#pain", PainInput).focus()

    @on(Button.Pressed, "#add-activity")
    def add_activity(self) -> None:
        if self.edit is not None:
            self.app.push_screen(self.edit(), self._activities_changed)

    async def _activities_changed(self, names: tuple[str, ...] | None) -> None:
        """Named, renamed or removed: every current activity is asked now (a new one has no
        rating yet, and its first is its baseline); ratings typed for one still there stay."""
        if names is None:
            return
        typed = {
            name: self.query_one(f"#rate-{number}", Input).value
            for number, name in enumerate(self.rate)
        }
        self.rate = names
        self.named = len(names)
        ratings = self.query_one("#ratings", Vertical)
        await ratings.remove_children()
        await ratings.mount_compose(self._ratings())
        for number, name in enumerate(names):
            self.query_one(f"#rate-{number}", Input).value = typed.get(name, "")
        for button in self.query("#add-activity"):
            button.display = len(names) < MAX_ACTIVITIES

    @on(Button.Pressed, "#cancel")
    def cancel(self) -> None:
        self.dismiss(False)

    @on(PainInput.Answered, "#pain")
    def pain_answered(self, event: PainInput.Answered) -> None:
        # The score as it was when Enter was pressed: keys typed after it are not in it.
        self.save(event.pain)

    @on(PainInput.Refused, "#pain")
    def pain_refused(self) -> None:
        self.query_one("#checkin-error", Static).update("")

    @on(Input.Submitted)
    @on(Button.Pressed, "#save")
    def save_pressed(self) -> None:
        field = self.query_one("#pain", PainInput)
        if field.locked:
            return  # answered with Enter already: that score is being saved
        pain = read_pain(field.value)
        if pain is None:
            self.query_one("#pain-field", PainField).refuse(field.value)
            field.focus()
            return
        self.save(pain)

    def save(self, pain: int) -> None:
        if self.query_one("#save", Button).disabled:
            return  # already saving
        field = self.query_one("#pain", PainInput)
        field.locked = True
        self.query_one("#pain-field", PainField).say("")
        pressed = self.query_one("#spasms", RadioSet).pressed_button
        spasms = None
        if pressed is not None and pressed.id and pressed.id != "spasms-none":
            spasms = pressed.id.removeprefix("spasms-")
        note = self.query_one("#note", Input).value.strip() or None
        error = self.query_one("#checkin-error", Static)
        ratings: list[tuple[str, int]] = []
        for number, name in enumerate(self.rate):
            rating = self.query_one(f"#rate-{number}", Input)
            if not rating.value.strip():
                continue  # skipped
            score = read_pain(rating.value)  # the same 0-10 whole number
            if score is None:
                error.update(Text(f"Rate {name} from 0 to 10, or leave it blank."))
                field.unlock()
                rating.focus()
                return
            ratings.append((name, score))
        self.query_one("#save", Button).disabled = True
        error.update("Saving…")
        work = partial(self.save_checkin, pain, spasms, note, ratings, self.new_episode)
        self.run_worker(work, thread=True, group=SAVING, exit_on_error=False)

    @property
    def new_episode(self) -> bool:
        """The person said a new bout of back pain starts with this check-in."""
        episode = self.query("#episode")
        if not episode:
            return False
        pressed = episode.first(RadioSet).pressed_button
        return pressed is not None and pressed.id == "episode-new"

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        report = saved_report(event)
        if report is None:
            return
        # New advice to see a professional stays up longer, and is coloured by its urgency.
        loudness = severity(report)
        timeout = 8 if loudness == "information" else 30
        self.app.notify(report.text, severity=loudness, timeout=timeout, markup=False)
        self.post_message(CheckinSaved(report))
        self.dismiss(True)
