"""The command palette (ctrl+p): every action of the home screen, and every routine by name."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.markup import escape

from backroutine.core.text import escaped


def _plain(text: str) -> str:
    """The palette reads its texts as markup: a routine's own words are escaped for it (and
    their control codes shown as \\x1b), so "[/]" in a name is shown, never run."""
    return escape(escaped(text, one_line=True))


class BackroutineCommands(Provider):
    def _commands(self) -> list[tuple[str, Callable[[], object], str]]:
        run = self.app.run_action  # the app's own actions, as the home screen's keys run them
        out: list[tuple[str, Callable[[], object], str]] = [
            ("Check in your pain", partial(run, "checkin"), "How is your back now, 0-10?"),
            ("Safety questions", partial(run, "safety"), "Signs that need a doctor"),
            ("History", partial(run, "history"), "Sessions, check-ins, minutes, pain trend"),
            ("Charts: your back over time", partial(run, "charts"), "Pain, function, minutes"),
            ("Settings", partial(run, "settings"), "Theme, sound, voice, desk breaks"),
        ]
        from backroutine.ui.screens.home import HomeScreen  # loaded by now, when it is shown

        home = self.screen
        if isinstance(home, HomeScreen) and home.view is not None:
            for group in home.view.groups:
                for row in group.routines:
                    entry = row.entry
                    out.append(
                        (
                            _plain(f"Open routine: {entry.name}"),
                            partial(home.open_row, row),
                            _plain(f"{entry.category} · {entry.summary or ''}"),
                        )
                    )
        return out

    async def discover(self) -> Hits:
        for text, command, help_text in self._commands():
            yield DiscoveryHit(text, command, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for text, command, help_text in self._commands():
            score = matcher.match(text)
            if score > 0:
                yield Hit(score, matcher.highlight(text), command, help=help_text)
