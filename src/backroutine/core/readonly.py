"""Reading a history that cannot be written: a read-only or full disk, or a file written by a
newer backroutine. Looking at your own history (status, history, export, the home screen) must
work whatever happens to the disk, and must never change the file.

The file is opened read-only and copied into memory, where an older schema is brought up to
date (the file itself stays exactly as it was). The store that comes back refuses every write
with a clear message.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from backroutine.core.device import take_notices, this_device
from backroutine.core.history import (
    DB_NAME,
    SCHEMA_VERSION,
    HistoryError,
    HistoryStore,
    migrate,
    own,
    refuse_link,
)
from backroutine.core.history.files import refuse_linked_folder
from backroutine.core.history.layout import device_path, history_folder, is_shared
from backroutine.core.history.merge import Merge


def open_read_only(data_dir: Path, why: str) -> HistoryStore:
    """The history of `data_dir`, read-only (`why`: what stops it being written, said to the
    person); HistoryError if it cannot be read either."""
    if is_shared(data_dir):
        return _shared_read_only(Path(data_dir), why)
    path = Path(data_dir) / DB_NAME
    refuse_link(path)
    if not path.is_file():
        raise HistoryError(f"there is no history to read in {data_dir} ({why})")
    source = _connect_read_only(path)
    memory = sqlite3.connect(":memory:", isolation_level=None, check_same_thread=False)
    try:
        source.backup(memory)
        _without_strangers(memory, path)
        (version,) = memory.execute("PRAGMA user_version").fetchone()
        notices = []
        if version < SCHEMA_VERSION:
            migrate(memory)  # the copy in memory; the file is left as it is
        elif version > SCHEMA_VERSION:
            notices.append(
                f"the history was written by a newer backroutine (schema {version}); it is shown "
                "as far as this version understands it. Update backroutine to see all of it."
            )
    except sqlite3.Error as exc:
        memory.close()
        raise HistoryError(f"the history {path} cannot be read ({exc}); {why}") from None
    finally:
        source.close()
    store = HistoryStore(path, memory, notices)
    store.read_only = why
    return store


def _shared_read_only(folder: Path, why: str) -> HistoryStore:
    """A shared folder's history, read-only: this computer's file copied into memory (or an
    empty one), and the other computers' files merged as always (merge.py never writes)."""
    device = this_device()
    path = device_path(folder, device.id)
    refuse_linked_folder(history_folder(folder))
    refuse_link(path)
    memory = sqlite3.connect(":memory:", isolation_level=None, check_same_thread=False)
    notices: list[str] = take_notices()  # a bad device.json kept aside, said once
    try:
        if path.is_file():
            source = _connect_read_only(path)
            try:
                source.backup(memory)
            finally:
                source.close()
        _without_strangers(memory, path)
        (version,) = memory.execute("PRAGMA user_version").fetchone()
        if version > SCHEMA_VERSION:
            raise HistoryError(f"the history {path} was written by a newer backroutine")
        migrate(memory)
    except sqlite3.Error as exc:
        memory.close()
        raise HistoryError(f"the history {path} cannot be read ({exc}); {why}") from None
    store = HistoryStore(path, memory, notices)
    store.device = device
    store._merge = Merge(folder, path, device.id, notices)
    store.read_only = why
    if not path.is_file() and not store._merge.others():
        store.close()
        raise HistoryError(f"there is no history to read in {folder} ({why})")
    return store


def _without_strangers(memory: sqlite3.Connection, path: Path) -> None:
    """The copy in memory without the triggers and views the app did not make (own.py): the
    migration's UPDATEs would fire a trigger, and a view could stand for a table. The file is
    left as it is (it is cleaned, and said, when it is next opened to be written)."""
    own.clean(memory, path, [], kept=str(path))


def _connect_read_only(path: Path) -> sqlite3.Connection:
    """A read-only connection. A history in WAL mode needs its -shm file to be read; where that
    cannot be made (a read-only folder), it is read as it is on disk (immutable)."""
    problem: Exception | None = None
    for options in ("mode=ro", "mode=ro&immutable=1"):
        try:
            connection = sqlite3.connect(f"{path.absolute().as_uri()}?{options}", uri=True)
        except sqlite3.Error as exc:
            problem = exc
            continue
        try:
            connection.execute("SELECT count(*) FROM sqlite_schema").fetchone()
        except sqlite3.Error as exc:
            connection.close()
            problem = exc
            continue
        return connection
    raise HistoryError(f"the history {path} cannot be read ({problem})")
