"""The command palette (ctrl+p): every action of the home screen, and every routine by name."""

from __future__ import annotations

from functools import partial

from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.markup import escape

from backroutine.core.text import escaped


def _plain(text: str) -> str:
    """The palette reads its texts as markup: a routine's own words are escaped for it (and
    their control codes shown as \\x1b), so "[/]" in a name is shown, never run."""
    return escape(escaped(text, one_line=True))


class BackroutineCommands(Provider):
    def _commands(self) -> list[tuple[str, object, str]]:
        app = self.app
        out: list[tuple[str, object, str]] = [
            ("Check in your pain", app.action_checkin, "How is your back now, 0-10?"),  # type: ignore[attr-defined]
            ("Safety questions", app.action_safety, "Signs that need a doctor"),  # type: ignore[attr-defined]
            ("History and charts", app.action_history, "Sessions, minutes, pain trend"),  # type: ignore[attr-defined]
        ]
        home = getattr(app.screen, "entries", None) or {}
        for entry in home.values():
            routine = entry.routine
            out.append(
                (
                    _plain(f"Open routine: {routine.name}"),
                    partial(app.open_routine, routine),  # type: ignore[attr-defined]
                    _plain(f"{routine.category} · {routine.summary or ''}"),
                )
            )
        return out

    async def discover(self) -> Hits:
        for text, command, help_text in self._commands():
            yield DiscoveryHit(text, command, help=help_text)  # type: ignore[arg-type]

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for text, command, help_text in self._commands():
            score = matcher.match(text)
            if score > 0:
                yield Hit(score, matcher.highlight(text), command, help=help_text)  # type: ignore[arg-type]
