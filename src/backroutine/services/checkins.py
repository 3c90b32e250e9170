"""Saving a check-in and saying what it changed: the same words from the CLI, the plain player
and the TUI."""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from backroutine.core import advice
from backroutine.core.clock import local_now
from backroutine.core.days import NEW_EPISODE_AFTER_DAYS
from backroutine.core.health import PAIN_MAX, PAIN_MIN, Checkin, Urgency, most_urgent
from backroutine.core.progression import Change, History, Progress, assess_history, what_changed
from backroutine.core.writer import HistoryWriter

# -- the pain score: one check for every client --------------------------------------------


def is_pain(value: int) -> bool:
    """A score on the numeric rating scale: 0 (no pain) to 10 (worst imaginable)."""
    return PAIN_MIN <= value <= PAIN_MAX


def read_pain(text: str) -> int | None:
    """A pain score exactly as typed, or None when it is not a whole number from 0 to 10:
    ASCII digits only, as everywhere in the app's input, and nothing else (no sign, no
    decimals, no spaces: " 10" may be a 1 whose 0 was meant for another field). The callers
    take off only the line ending."""
    if not (text.isascii() and text.isdigit()):
        return None
    value = int(text)
    return value if is_pain(value) else None


def long_gap(last: datetime | None, now: datetime) -> int | None:
    """The calendar days since the previous check-in when they are more than 28 (then the
    person is asked whether this is a new bout of back pain, SAFETY_RULES.md "Episode"),
    else None. Dates as the rules count them: each check-in's own date."""
    if last is None:
        return None
    days = (now.date() - last.date()).days
    return days if days > NEW_EPISODE_AFTER_DAYS else None


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
    levels: Collection[int] | None = None,
) -> CheckinOutcome:
    """Store a check-in and assess before and after it (`levels`: the strengthening levels
    that have a routine). The store's errors (ValueError for a bad value, HistoryError when it
    cannot be written) go to the caller, nothing stored."""
    before = assess_history(store, now=now, levels=levels)
    saved = store.add_checkin(at=at, pain=pain, spasms=spasms, note=note, new_episode=new_episode)
    after = assess_history(store, now=now, levels=levels)
    return CheckinOutcome(saved, before, after, what_changed(before, after))


# -- saving from a player: what to say, and how loudly ---------------------------------------


class WritableCheckinStore(CheckinStore, Protocol):
    # Why nothing can be written (read-only or full disk, no history), else None.
    @property
    def read_only(self) -> str | None: ...


NOT_WRITABLE = "Not saved: the history cannot be written."


@dataclass(frozen=True, slots=True)
class CheckinReport:
    """What became of a check-in, in words, for a player (the TUI's toast, the plain line)."""

    text: str  # "Saved: pain 4." and what it changed, a line each; or why it was not saved
    saved: bool
    urgency: Urgency | None  # of advice to see a professional new with this check-in


def save_checkin(
    store: WritableCheckinStore,
    *,
    pain: int,
    now: Callable[[], datetime] = local_now,
    spasms: str | None = None,
    note: str | None = None,
    writer: HistoryWriter[Any] | None = None,
    new_episode: bool = False,
) -> CheckinReport:
    """Save a check-in made now, after a routine or from the check-in screen, and say what it
    changed. Never raises: what stops it being saved is said instead. `writer`: the one that
    is recording sessions, waited for (a little) so the session just played counts.
    `new_episode`: the person said a new bout of back pain starts with it."""
    if store.read_only:
        return CheckinReport(NOT_WRITABLE, False, None)
    if writer is not None:
        writer.drain(5.0)
    moment = now()  # after the wait: the check-in comes after the session it follows
    try:
        outcome = record_checkin(
            store,
            pain=pain,
            at=moment,
            now=moment,
            spasms=spasms,
            note=note,
            new_episode=new_episode,
        )
    except Exception as exc:  # said, never a crash: the person can try again
        return CheckinReport(f"Not saved: {exc}", False, None)
    text = "\n".join([f"Saved: pain {pain}.", *outcome.lines()])
    urgency = most_urgent(reason.urgency for reason in outcome.change.new_reasons)
    return CheckinReport(text, True, urgency)
