"""What the clients use of the history, as one Protocol, and the stand-in for a history that
could not be opened, so no client has to ask "is there a history?" before every use."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Protocol

from backroutine.core.function import Activity, ActivityRating
from backroutine.core.health import Checkin, PlayedSession, RedFlagAnswers
from backroutine.core.history import EmptyHistory, HistoryError
from backroutine.core.history.records import BreakRecord, SessionRecord


class History(Protocol):
    """The history store as the clients and the use cases see it (core/history's HistoryStore
    is the real one; NoHistory stands in when none could be opened)."""

    # Why nothing can be written (a read-only or full disk, no history at all), else None.
    # A read-only property, so that a plain attribute satisfies it.
    @property
    def read_only(self) -> str | None: ...

    # -- reading ------------------------------------------------------------------------------

    def sessions(self, limit: int | None = None) -> list[SessionRecord]: ...

    def checkins(self) -> list[Checkin]: ...

    def checkin_records(self) -> tuple[list[Checkin], list[Checkin]]: ...

    def red_flags(self) -> RedFlagAnswers: ...

    def played_sessions(self) -> list[PlayedSession]: ...

    def breaks(self, since: datetime | None = None) -> list[BreakRecord]: ...

    def activities(self, *, include_removed: bool = False) -> list[Activity]: ...

    def ratings(self, since: datetime | None = None) -> list[ActivityRating]: ...

    # -- writing ------------------------------------------------------------------------------

    def add_checkin(
        self,
        *,
        at: datetime,
        pain: int,
        spasms: str | None = None,
        note: str | None = None,
        new_episode: bool = False,
        ratings: Iterable[tuple[str, int]] = (),
    ) -> Checkin: ...

    def correct_checkin(
        self,
        uid: str,
        *,
        at: datetime,
        pain: int,
        spasms: str | None = None,
        note: str | None = None,
    ) -> tuple[Checkin, Checkin]: ...

    def delete_checkin(self, uid: str, *, at: datetime) -> Checkin: ...

    def add_activity(self, name: str, *, at: datetime) -> Activity: ...

    def remove_activity(self, name: str, *, at: datetime) -> Activity: ...

    def rename_activity(self, name: str, new_name: str) -> Activity: ...

    def add_activity_ratings(
        self, ratings: Iterable[tuple[str, int]], *, at: datetime
    ) -> list[ActivityRating]: ...

    def save_red_flags(self, yes: Iterable[str], *, at: datetime) -> RedFlagAnswers: ...

    def mark_red_flags_checked(self, *, at: datetime) -> RedFlagAnswers: ...

    def add_break(
        self,
        *,
        at: datetime,
        outcome: str,
        routine_id: str | None = None,
        minutes: float | None = None,
    ) -> int: ...

    # (Sessions are written through core/recording.py's SessionRecorder, on a writer thread,
    # with its own Protocol of what it needs.)

    def close(self) -> None: ...


NOT_OPENED = "the history could not be opened"
NOT_OPENED_NOTICE = "Your history cannot be opened: nothing is recorded this time."


class NoHistory(EmptyHistory):
    """The history that could not be opened: it reads as empty (a first run) and is read-only,
    so nothing is recorded, and the clients need no `is None` checks. A desk break is not
    recorded without a word (the home screen has said it once for all); anything else that
    would write says why it cannot."""

    read_only: str | None = NOT_OPENED

    def add_checkin(
        self,
        *,
        at: datetime,
        pain: int,
        spasms: str | None = None,
        note: str | None = None,
        new_episode: bool = False,
        ratings: Iterable[tuple[str, int]] = (),
    ) -> Checkin:
        raise HistoryError(f"nothing was saved: {NOT_OPENED}")

    def correct_checkin(
        self,
        uid: str,
        *,
        at: datetime,
        pain: int,
        spasms: str | None = None,
        note: str | None = None,
    ) -> tuple[Checkin, Checkin]:
        raise HistoryError(f"nothing was saved: {NOT_OPENED}")

    def delete_checkin(self, uid: str, *, at: datetime) -> Checkin:
        raise HistoryError(f"nothing was saved: {NOT_OPENED}")

    def add_activity(self, name: str, *, at: datetime) -> Activity:
        raise HistoryError(f"nothing was saved: {NOT_OPENED}")

    def remove_activity(self, name: str, *, at: datetime) -> Activity:
        raise HistoryError(f"nothing was saved: {NOT_OPENED}")

    def rename_activity(self, name: str, new_name: str) -> Activity:
        raise HistoryError(f"nothing was saved: {NOT_OPENED}")

    def add_activity_ratings(
        self, ratings: Iterable[tuple[str, int]], *, at: datetime
    ) -> list[ActivityRating]:
        raise HistoryError(f"nothing was saved: {NOT_OPENED}")

    def save_red_flags(self, yes: Iterable[str], *, at: datetime) -> RedFlagAnswers:
        raise HistoryError(f"nothing was saved: {NOT_OPENED}")

    def mark_red_flags_checked(self, *, at: datetime) -> RedFlagAnswers:
        raise HistoryError(f"nothing was saved: {NOT_OPENED}")

    def add_break(
        self,
        *,
        at: datetime,
        outcome: str,
        routine_id: str | None = None,
        minutes: float | None = None,
    ) -> int:
        return 0  # the reminders go on; that nothing is recorded has been said already


def or_no_history(store: History | None) -> History:
    """The store, or NoHistory where none could be opened (the CLI's opener returns None)."""
    return NoHistory() if store is None else store


def opened(history: History) -> bool:
    """False for the stand-in of a history that could not be opened at all (as opposed to one
    that is read-only: that one can still be looked at)."""
    return not isinstance(history, NoHistory)
