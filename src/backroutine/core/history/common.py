"""What every part of the history shares: the file's name, its error, and how times are written."""

from __future__ import annotations

from datetime import datetime

DB_NAME = "history.sqlite3"

# Files SQLite keeps beside the database; they belong to it and move with it.
_SIDE_SUFFIXES = ("-wal", "-shm", "-journal")
_ADVICE = "or use --data-dir to keep the history elsewhere"


class HistoryError(Exception):
    """The history cannot be used (read-only or full folder...); the message says what and
    how to fix it. Callers keep playing without recording and tell the user once.

    `busy`: only locked by another program for now (the same write may succeed later).
    `lasting`: this store will never write again (its file was replaced, or another computer
    writes it): trying again only keeps what was not written, it never writes it."""

    def __init__(self, message: str, *, busy: bool = False, lasting: bool = False) -> None:
        super().__init__(message)
        self.busy = busy
        self.lasting = lasting


class _Damaged(Exception):
    """The database file is not a readable SQLite database; the message says why."""


def timestamp(moment: datetime) -> str:
    """ISO 8601 to the second with the zone offset; a naive datetime is taken as local time."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        moment = moment.astimezone()
    return moment.isoformat(timespec="seconds")
