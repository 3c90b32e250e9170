"""Saving a check-in and saying what it changed: the same words from the CLI, the plain player
and the TUI."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from backroutine.core import advice
from backroutine.core.health import Checkin
from backroutine.core.progression import Change, History, Progress, assess_history, what_changed


class CheckinStore(History, Protocol):
    def add_checkin(
        self,
        *,
        at: datetime,
        pain: int,
        spasms: str | None = None,
        note: str | None = None,
        new_episode: bool = False,
    ) -> Checkin: ...


@dataclass(frozen=True, slots=True)
class CheckinOutcome:
    checkin: Checkin  # as stored
    before: Progress
    after: Progress
    change: Change

    def lines(self) -> list[str]:
        """What to tell the person, one line each: new advice to see a professional first
        (it says so), the advice still open, what changed about strengthening, where
        strengthening stands, and the safety questions when they are due."""
        after, change = self.after, self.change
        lines = [f"! {advice.new_advice_text(r.text)}" for r in change.new_reasons]
        lines += [f"! {r.text}" for r in after.reasons if r not in change.new_reasons]
        if change.strengthening:
            lines.append(change.strengthening)
        if after.locked_all is None:
            lines.append(after.progress_text)
        if after.safety_due:
            lines.append(advice.ask_safety_text(after.safety_asked))
        return lines


def record_checkin(
    store: CheckinStore,
    *,
    pain: int,
    at: datetime,
    now: datetime,
    spasms: str | None = None,
    note: str | None = None,
    new_episode: bool = False,
) -> CheckinOutcome:
    """Store a check-in and assess before and after it. The store's errors (ValueError for a
    bad value, HistoryError when it cannot be written) go to the caller, nothing stored."""
    before = assess_history(store, now=now)
    saved = store.add_checkin(at=at, pain=pain, spasms=spasms, note=note, new_episode=new_episode)
    after = assess_history(store, now=now)
    return CheckinOutcome(saved, before, after, what_changed(before, after))
