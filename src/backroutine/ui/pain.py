"""The one way the TUI asks for a pain score, 0-10: on the check-in, in the summary after a
routine and after "this hurts".

Why not a plain Input: Textual's Input inserts a printable key in its own key handler, but
runs Backspace and Enter (and the cursor keys) as bindings, which are looked up only once the
key has bubbled up to the app. A key typed just after them is inserted first, so "7 Backspace
4 Enter" typed fast submits 7 (Textualize/textual issue #6605; a fix is proposed in PR #6631,
not released). PainInput takes every key that edits or submits it in its own key handler and
stops it there, so keys act strictly in the order they arrived.

What is typed is shown as typed (no character is dropped, none is added) and read by the one
check of a pain score, services.checkins.read_pain: "+5", "10.0", " 10" or "١٠" is refused
with a message beside the field, never quietly turned into another number.
"""

from __future__ import annotations

from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import Input, Static

from backroutine.services.checkins import read_pain

# Room for what people mistype ("10.0", "100"): refused whole, rather than cut to "10".
MAX_TYPED = 5

# Every key an Input acts on through a binding: each would act out of order (issue #6605).
_BOUND_KEYS = frozenset(
    key.strip()
    for binding in Input.BINDINGS
    if isinstance(binding, Binding)
    for key in binding.key.split(",")
)


class PainInput(Input):
    """A 0-10 field whose keys act in the order they arrived. Enter posts Answered (a valid
    score: the field then takes no more keys), Skipped (Enter on a field nobody has typed in,
    when `skippable`), or Refused (anything else, the empty field included once it was typed
    in or refused: an empty Enter never closes a question that was being answered)."""

    DEFAULT_CSS = """
    PainInput {
        width: 14;
    }
    """

    class Answered(Message):
        def __init__(self, field: PainInput, pain: int) -> None:
            super().__init__()
            self.field = field
            self.pain = pain

        @property
        def control(self) -> PainInput:
            return self.field

    class Skipped(Message):
        def __init__(self, field: PainInput) -> None:
            super().__init__()
            self.field = field

        @property
        def control(self) -> PainInput:
            return self.field

    class Refused(Message):
        def __init__(self, field: PainInput, text: str) -> None:
            super().__init__()
            self.field = field
            self.text = text  # what was in the field when Enter was pressed

        @property
        def control(self) -> PainInput:
            return self.field

    def __init__(
        self,
        *,
        skippable: bool = False,
        placeholder: str = "0-10",
        id: str | None = None,
        value: str = "",
    ) -> None:
        """`value`: a score to correct, shown in the field; the first key typed replaces it
        (a mistyped 1 becomes 10 with "1 0"), Backspace edits it."""
        super().__init__(value=value, placeholder=placeholder, id=id)
        self.skippable = skippable
        self.fresh = True  # nothing typed, nothing refused: an empty Enter may skip
        self.locked = False  # answered (or skipped): later keys change nothing
        self.replace_next = bool(value)  # the prefilled score goes on the first typed key

    def unlock(self) -> None:
        """Take keys again: the answer was not used (another field of the form was wrong)."""
        self.locked = False

    async def _on_key(self, event: events.Key) -> None:
        key = event.key
        if key == "enter":
            event.stop()
            event.prevent_default()
            if not self.locked:
                self._enter()
            return
        if not (event.is_printable or key in _BOUND_KEYS):
            return  # Tab, Escape...: the screen's, as usual
        # Ours, whether used or not: a key left to the bindings would act out of order.
        event.stop()
        event.prevent_default()
        if self.locked:
            return
        if key == "backspace":
            self._set(self.value[:-1])
        elif key in ("ctrl+u", "ctrl+w", "super+backspace"):
            self._set("")
        elif event.is_printable and event.character is not None:
            kept = "" if self.replace_next else self.value
            self._set(kept + event.character)

    def _on_paste(self, event: events.Paste) -> None:
        # A paste arrives in order with the keys; its first line is typed in, never submitted.
        event.stop()
        event.prevent_default()
        if not self.locked and event.text:
            line = event.text.splitlines()[0] if event.text.splitlines() else ""
            self._set(self.value + "".join(c for c in line if c.isprintable()))

    async def action_submit(self) -> None:
        """Never through the binding: Enter is taken in _on_key, in order."""

    def _set(self, text: str) -> None:
        if len(text) > MAX_TYPED:
            self.app.bell()
            return
        self.fresh = False
        self.replace_next = False
        self.value = text
        self.cursor_position = len(text)

    def _enter(self) -> None:
        text = self.value
        pain = read_pain(text)
        if pain is not None:
            self.locked = True  # what was answered stays in the field as it was saved
            self.post_message(self.Answered(self, pain))
        elif not text and self.fresh and self.skippable:
            self.locked = True
            self.post_message(self.Skipped(self))
        else:
            self.fresh = False
            self.post_message(self.Refused(self, text))


class PainField(Vertical):
    """The question's words, a PainInput beside them, and its message on the line below, so a
    refusal is read next to the field it is about. The field's messages bubble on to the
    screen."""

    DEFAULT_CSS = """
    PainField {
        height: auto;
        width: 1fr;
    }
    PainField > .pain-row {
        height: auto;
    }
    PainField .pain-label {
        width: 1fr;
        height: auto;
        min-height: 3;
        content-align: left middle;
        padding-right: 1;
    }
    PainField .pain-message {
        color: $warning;
        height: auto;
    }
    """

    def __init__(
        self,
        label: str,
        *,
        skippable: bool = False,
        placeholder: str = "0-10",
        input_id: str | None = None,
        id: str | None = None,
        value: str = "",
    ) -> None:
        super().__init__(id=id)
        self.label = label
        self.skippable = skippable
        self.placeholder = placeholder
        self.input_id = input_id
        self.value = value

    def compose(self) -> ComposeResult:
        with Horizontal(classes="pain-row"):
            yield Static(self.label, classes="pain-label", markup=False)
            yield PainInput(
                skippable=self.skippable,
                placeholder=self.placeholder,
                id=self.input_id,
                value=self.value,
            )
        yield Static("", classes="pain-message", markup=False)

    @property
    def input(self) -> PainInput:
        return self.query_one(PainInput)

    def say(self, text: str) -> None:
        """Show a message under the field ("" clears it)."""
        self.query_one(".pain-message", Static).update(text)

    def refuse(self, text: str) -> None:
        """Say why `text` is not a pain score (how to skip is the question's to say)."""
        if text:
            self.say(f"\u201c{text}\u201d is not a whole number from 0 to 10.")
        else:
            self.say("Please type a whole number from 0 to 10.")

    @on(PainInput.Refused)
    def refused(self, event: PainInput.Refused) -> None:
        self.refuse(event.text)

    @on(PainInput.Answered)
    def answered(self) -> None:
        self.say("")
