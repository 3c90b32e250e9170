"""An empty history, for commands that only read when there is none yet."""

from __future__ import annotations

from datetime import datetime

from backroutine.core.function import Activity, ActivityRating
from backroutine.core.health import Checkin, PlayedSession, RedFlagAnswers
from backroutine.core.history.records import BreakRecord, SessionRecord


class EmptyHistory:
    """Stands in for a history that does not exist yet, for commands that only read: looking
    must not create a data folder (a mistyped --data-dir would leave one behind)."""

    def __init__(self) -> None:
        self.notices: list[str] = []

    def sessions(self, limit: int | None = None) -> list[SessionRecord]:
        return []

    def checkins(self) -> list[Checkin]:
        return []

    def checkin_records(self) -> tuple[list[Checkin], list[Checkin]]:
        return [], []

    def red_flags(self) -> RedFlagAnswers:
        return RedFlagAnswers()

    def played_sessions(self) -> list[PlayedSession]:
        return []

    def breaks(self, since: datetime | None = None) -> list[BreakRecord]:
        return []

    def activities(self, *, include_removed: bool = False) -> list[Activity]:
        return []

    def ratings(self, since: datetime | None = None) -> list[ActivityRating]:
        return []

    def close(self) -> None:
        pass

    def __enter__(self) -> EmptyHistory:
        return self

    def __exit__(self, *exc: object) -> None:
        pass
