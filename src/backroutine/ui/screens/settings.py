"""The settings screen (`,` on the home screen, or "Settings" in the palette): the same
settings as `backroutine config`, read and written through settings.py, so the screen and the
command can never disagree about what a value may be.

The file is read and written in thread workers (never on the event loop). Every value is
checked before anything is written; a bad one is said under its field and nothing is saved.
"""

from __future__ import annotations

from pathlib import Path

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Select, Static
from textual.worker import Worker, WorkerState

from backroutine import settings

READING = "settings-read"
SAVING = "settings-save"
CHOICES = {
    "audio": ("auto", "bell", "off"),
    "sound_backend": ("auto", "stream", "playsound3"),
    "voice": ("off", "on"),
}
LABELS = {
    "theme": "Theme",
    "audio": "Sound",
    "sound_backend": "Sound through",
    "voice": "Voice",
    "break_every": "Break every",
    "break_hours": "Break hours",
}


class SettingsScreen(ModalScreen[bool]):
    BINDINGS = [
        Binding("escape", "dismiss(False)", "Close"),
        Binding("ctrl+s", "save", "Save", tooltip="save the settings"),
    ]
    DEFAULT_CSS = """
    #settings-fields {
        height: auto;
        max-height: 14;
    }
    .setting {
        height: auto;
    }
    .setting-label {
        width: 15;
        padding-top: 0;
    }
    .setting Select, .setting Input {
        width: 1fr;
    }
    .setting-note {
        color: $text-muted;
        padding-left: 15;
        height: auto;
    }
    .setting-note.-error {
        color: $error;
        text-style: bold;
    }
    #settings-problems {
        color: $warning;
        height: auto;
    }
    #settings-buttons {
        height: auto;
        margin-top: 1;
    }
    #settings-buttons Button {
        margin-right: 2;
    }
    """

    def __init__(self, path: Path, themes: list[str]) -> None:
        """`path`: the settings file; `themes`: the app's theme names (Textual's to say)."""
        super().__init__()
        self.path = path
        self.themes = sorted(themes)
        self.loaded: settings.Loaded | None = None

    def compose(self) -> ComposeResult:
        # Title and buttons stay; what is between scrolls (14 rows: the whole dialog fits 24).
        with Vertical(id="settings", classes="dialog"):
            yield Static("Settings", classes="dialog-title")
            with VerticalScroll(id="settings-fields"):
                yield Static("", id="settings-problems", markup=False)
                for key in settings.KEYS:
                    with Horizontal(classes="setting"):
                        yield Static(LABELS[key.name], classes="setting-label")
                        yield self._field(key.name)
                    yield Static(key.allowed, id=f"note-{key.name}", classes="setting-note")
                yield Static(
                    f"In {self.path}. The theme changes at once; the rest from the next "
                    "routine or start.",
                    id="settings-hint",
                    classes="dialog-hint",
                    markup=False,
                )
            with Horizontal(id="settings-buttons"):
                yield Button("Save", id="settings-save", variant="primary")
                yield Button("Close", id="settings-close")

    def _field(self, name: str) -> Select[str] | Input:
        if name == "theme":
            options = [(theme, theme) for theme in self.themes]
            return Select(options, id=f"field-{name}", allow_blank=False, compact=True)
        if name in CHOICES:
            options = [(choice, choice) for choice in CHOICES[name]]
            return Select(options, id=f"field-{name}", allow_blank=False, compact=True)
        placeholder = "e.g. 45m" if name == "break_every" else "e.g. 9-17:30,mon-fri (empty: any)"
        return Input(id=f"field-{name}", placeholder=placeholder, compact=True)

    def on_mount(self) -> None:
        self.query_one("#settings-save", Button).disabled = True  # until the file is read
        path = self.path
        self.run_worker(lambda: settings.load(path), thread=True, group=READING)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        worker = event.worker
        if worker.group == READING and event.state == WorkerState.SUCCESS:
            if isinstance(worker.result, settings.Loaded):
                self._show(worker.result)
        elif worker.group == SAVING and event.state in (WorkerState.SUCCESS, WorkerState.ERROR):
            error = worker.result if event.state == WorkerState.SUCCESS else str(worker.error)
            if error:
                self._say("settings-problems", f"Not saved: {error}")
                self.query_one("#settings-save", Button).disabled = False
            else:
                self.notify(f"Settings saved in {self.path}.", markup=False)
                self.dismiss(True)

    def _show(self, loaded: settings.Loaded) -> None:
        self.loaded = loaded
        values = loaded.settings
        for key in settings.KEYS:
            shown = settings.shown_value(key.name, values.get(key.name))
            field = self.query_one(f"#field-{key.name}")
            if isinstance(field, Select):
                if key.name == "theme" and shown not in self.themes:
                    shown = self.app.theme  # a theme this Textual lacks: the one in use
                field.value = shown
            elif isinstance(field, Input):
                field.value = shown
            source = values.sources.get(key.name, "default")
            if source.startswith("BACKROUTINE_"):
                # Saved values still go to the file; the variable wins over it while set.
                self._say(f"note-{key.name}", f"${source} is set and wins over the file")
        self._say("settings-problems", "\n".join(loaded.problems))
        self.query_one("#settings-save", Button).disabled = False

    def _say(self, widget_id: str, text: str, *, error: bool = False) -> None:
        note = self.query_one(f"#{widget_id}", Static)
        note.update(Text(text))  # paths and values from outside: never markup
        note.set_class(error, "-error")

    def _typed(self) -> dict[str, settings.Value] | None:
        """Every field checked, or None (each bad one said under its field)."""
        values: dict[str, settings.Value] = {}
        for key in settings.KEYS:
            field = self.query_one(f"#field-{key.name}")
            raw = field.value if isinstance(field, Select | Input) else None
            try:
                values[key.name] = settings.check_value(key.name, str(raw or ""))
            except settings.SettingError as exc:
                self._say(f"note-{key.name}", str(exc), error=True)
                continue
            self._say(f"note-{key.name}", key.allowed)
        return values if len(values) == len(settings.KEYS) else None

    @on(Button.Pressed, "#settings-save")
    def action_save(self) -> None:
        if self.loaded is None or self.query_one("#settings-save", Button).disabled:
            return
        values = self._typed()
        if values is None:
            return
        current = self.loaded.settings
        # Only what changed is written: a value from a variable is not copied into the file.
        changed = {name: value for name, value in values.items() if value != current.get(name)}
        theme = values["theme"]
        if isinstance(theme, str) and theme != self.app.theme:
            self.app.theme = theme  # at once (the app saves it too, as from the palette)
        self.query_one("#settings-save", Button).disabled = True
        path = self.path

        def write() -> str | None:
            try:
                for name, value in changed.items():
                    settings.write_setting(name, value, path)
            except (OSError, settings.SettingError) as exc:
                return str(exc)
            return None

        self.run_worker(write, thread=True, group=SAVING)

    @on(Button.Pressed, "#settings-close")
    def close(self) -> None:
        self.dismiss(False)
