"""The fakes every test folder shares: a clock that moves only when told, keys typed at given
moments, and a patient wait for another thread."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

WALL_START = datetime(2026, 11, 25, 10, 0, tzinfo=UTC)  # a Wednesday morning


class FakeClock:
    """A monotonic clock (seconds) that moves only when a test moves it, and the wall clock
    that goes with it (`wall()`: WALL_START when the test began)."""

    def __init__(self, now: float = 1000.0, *, wall_start: datetime = WALL_START) -> None:
        self.now = now
        self.origin = now
        self.wall_start = wall_start

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds

    def wall(self) -> datetime:
        return self.wall_start + timedelta(seconds=self.now - self.origin)


class ScriptedKeys:
    """Keys pressed at given times (seconds after the clock's start); waiting for a key moves
    the fake clock instead of sleeping. `interactive`: as a terminal (questions are asked)."""

    def __init__(
        self, clock: FakeClock, script: list[tuple[float, str]], interactive: bool = False
    ) -> None:
        self.clock = clock
        self.script = sorted(script)
        self.interactive = interactive

    def __enter__(self) -> ScriptedKeys:
        return self

    def __exit__(self, *exc: object) -> None:
        pass

    def read(self, timeout: float | None) -> str | None:
        due = self.clock.now + (timeout if timeout is not None else 1e9)
        if self.script and self.clock.origin + self.script[0][0] <= due:
            at, key = self.script.pop(0)
            self.clock.now = max(self.clock.now, self.clock.origin + at)
            return key
        assert timeout is not None, "waiting forever with no key to come"
        self.clock.now = due
        return None


def wait_until(condition: Callable[[], bool], timeout: float = 3.0) -> bool:
    """Whether `condition` became true within `timeout` real seconds (for work another thread
    does: a sound played, a line spoken)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.002)
    return condition()


class FakeStore:
    """The session rows, as SessionRecorder writes them (through AtOnceWriter)."""

    def __init__(self) -> None:
        self.rows: dict[int, dict[str, object]] = {}

    def start_session(self, **row: object) -> int:
        self.rows[len(self.rows) + 1] = {**row, "status": "interrupted"}
        return len(self.rows)

    def update_session(self, session_id: int, **values: object) -> None:
        self.rows[session_id].update(values)

    def finish_session(self, session_id: int, **values: object) -> None:
        self.rows[session_id].update(values)


class AtOnceWriter:
    """A HistoryWriter that writes on the caller's thread: what was submitted is written."""

    def __init__(self, store: FakeStore) -> None:
        self.store = store

    def submit(self, run: Callable[[FakeStore], object], **options: str) -> None:
        run(self.store)
