"""What every part of the store stands on: its one connection, one write transaction at a time
(retried while another program holds the lock), reads, and times read back."""

from __future__ import annotations

import contextlib
import sqlite3
import threading
import uuid
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from types import TracebackType
from typing import Self, TypeVar, cast

from backroutine.core.history import own
from backroutine.core.history.common import _ADVICE, HistoryError
from backroutine.core.history.merge import Merge
from backroutine.core.history.sqlite import _history_error, _retrying, _rollback

T = TypeVar("T")


class StoreBase:
    """The connection and the transactions; HistoryStore adds what is kept (its parts are
    split over a few modules, each a class of methods on this base)."""

    def __init__(self, path: Path, connection: sqlite3.Connection, notices: list[str]) -> None:
        self.path = path
        self.notices = notices  # things to tell the user once, e.g. a file moved aside
        # How long a write or read waits for a lock held by another program, and what to call
        # once when it starts waiting (to say so: a silent wait looks like a hang).
        self.lock_wait: float | None = None  # None: LOCK_WAIT_SECONDS
        self.on_wait: Callable[[], None] | None = None
        # Opened read-only (core/readonly.py: the disk cannot be written): why, else None.
        self.read_only: str | None = None
        self._connection = connection
        self._lock = threading.Lock()  # one connection, possibly used from several threads
        # A data folder shared by several computers (layout.py): this computer writes its
        # own file (the connection) and reads the merge of all of them; None: one computer.
        self._merge: Merge | None = None
        # The file opened (device and inode), checked before each write (own.py); None for a
        # history held in memory (read-only).
        self._opened = own.identity(path)
        # This store's writer token in a shared folder's device file (own.claim), and the id
        # of the device whose file it is (set by shared.py); `claimed` once it is in the file.
        self._token = uuid.uuid4().hex
        self._claimed = False
        self.owner: str | None = None

    def close(self) -> None:
        with self._lock, contextlib.suppress(sqlite3.Error):
            self._connection.close()  # closing twice is harmless
            if self._merge is not None:
                self._merge.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def _write(self, sql: str, parameters: tuple[object, ...]) -> sqlite3.Cursor:
        """One statement in its own write transaction, committed before returning."""
        return self._transaction(lambda connection: connection.execute(sql, parameters))

    def _transaction(self, work: Callable[[sqlite3.Connection], T]) -> T:
        """work(connection) in one write transaction, committed before returning, retried as
        a whole while the database is locked; rolled back if work raises."""
        connection = self._connection
        if self.read_only is not None:
            raise HistoryError(
                f"nothing was saved: the history is open read-only ({self.read_only})"
            )

        def attempt() -> T:
            # IMMEDIATE takes the write lock up front: a read lock upgraded later can fail at
            # once in WAL mode, without waiting for the busy timeout.
            connection.execute("BEGIN IMMEDIATE")
            try:
                self._check_ownership(connection)
                result = work(connection)
                connection.execute("COMMIT")
            except BaseException:
                _rollback(connection)
                raise
            return result

        if self._merge is not None:
            self._merge.refresh(wait=False)  # never under the lock (merge.py)
        with self._lock:
            try:
                return _retrying(connection, attempt, wait=self.lock_wait, on_wait=self.on_wait)
            except sqlite3.Error as exc:
                raise _history_error(exc, self.path) from None

    def _check_ownership(self, connection: sqlite3.Connection) -> None:
        """Under the write lock, before anything is written: the file is still the one opened,
        and no other computer writes it (own.py); HistoryError otherwise, nothing written."""
        if self._opened is not None:
            own.check_same_file(self.path, self._opened)
        if self.owner is not None and not self._claimed:
            self._claimed = own.claim(connection, self.path, self.owner, self._token)

    def _read(
        self, query: str, parameters: tuple[object, ...], *, own: bool = False
    ) -> list[tuple[object, ...]]:
        """A query on what the history holds: the merge of every computer's file when the
        folder is shared, this computer's file only with `own` (rows just written by id)."""

        def run() -> list[tuple[object, ...]]:
            source = self._connection if own else self._reader(self._connection)
            return source.execute(query, parameters).fetchall()

        if self._merge is not None and not own:
            # Other computers' files are read before the lock is taken: a slow one holds up
            # this read, never a write or another thread's read of this computer's file.
            self._merge.refresh()
        with self._lock:
            try:
                return _retrying(self._connection, run, wait=self.lock_wait, on_wait=self.on_wait)
            except sqlite3.Error as exc:
                raise _history_error(exc, self.path) from None

    def _reader(self, connection: sqlite3.Connection) -> sqlite3.Connection:
        """Where reads go (with the store's lock held): this computer's file alone, as on a
        computer of its own, unless other computers' files are there to merge."""
        if self._merge is None:
            return connection
        return self._merge.reader(connection) or connection

    def _moment(self, text: object) -> datetime:
        """A stored time read back, always aware; HistoryError if it was tampered with."""
        try:
            moment = datetime.fromisoformat(cast(str, text))
        except (TypeError, ValueError):
            moment = None
        if moment is None or moment.utcoffset() is None:
            raise HistoryError(
                f"the history {self.path} holds a time that cannot be read ({text!r}); "
                f"move the file away {_ADVICE}"
            )
        return moment
