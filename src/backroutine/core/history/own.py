"""This computer's own history file, checked each time it is opened for writing: it must hold
the app's own schema objects and nothing that acts on its own.

A file can come from elsewhere and be adopted as this computer's: a `history.sqlite3` moved
into the per-device layout (layout.adopt_single_file), a device file found in the folder for
this id, a file restored by hand. A trigger in it runs on every write this computer makes: an
`AFTER INSERT` trigger deleting the new row makes a check-in "saved" that is never kept, a
trigger on the safety answers erases an emergency. So before anything is migrated or written,
every trigger that is not one of the app's own (by name and exact SQL) and every view is
dropped, after a copy of the file as it was is kept aside (owner-only, under a new name, never
over anything); the app's own triggers are then made again where they are missing.

Unknown tables and indexes are left: nothing runs from them, and this computer never reads
them. A file that lacks one of the app's tables (a view stood in its place) is not a history
this computer can write: it is said to be damaged, and moved aside as any damaged file.
"""

from __future__ import annotations

import functools
import itertools
import os
import sqlite3
from datetime import datetime
from pathlib import Path

from backroutine.core.history.common import _SIDE_SUFFIXES, HistoryError, _Damaged
from backroutine.core.history.schema import _MIGRATIONS
from backroutine.core.text import escaped

ASIDE = ".aside-"  # NAME.aside-YYYYMMDD-HHMMSS: a copy kept before a cleanup (layout skips it)


@functools.cache
def app_schema() -> tuple[dict[str, str], frozenset[str]]:
    """The app's own triggers (name -> exact SQL, as SQLite keeps it) and tables, made by
    running every migration in memory: the one source of truth is schema.py."""
    memory = sqlite3.connect(":memory:")
    try:
        for step in _MIGRATIONS:
            for statement in step:
                memory.execute(statement)
        rows = memory.execute("SELECT type, name, sql FROM sqlite_master").fetchall()
    finally:
        memory.close()
    triggers = {name: sql for kind, name, sql in rows if kind == "trigger"}
    tables = frozenset(name for kind, name, _sql in rows if kind == "table")
    return triggers, tables


def strangers(connection: sqlite3.Connection) -> list[tuple[str, str]]:
    """The views, and the triggers the app did not make, in the file: (kind, name)."""
    triggers, _tables = app_schema()
    rows = connection.execute(
        "SELECT type, name, sql FROM sqlite_master WHERE type IN ('trigger', 'view')"
    ).fetchall()
    return [
        (str(kind), str(name))
        for kind, name, sql in rows
        if kind == "view" or triggers.get(str(name)) != sql
    ]


def clean(
    connection: sqlite3.Connection, path: Path, notices: list[str], *, kept: str | None = None
) -> None:
    """Drop what `strangers` finds, after keeping a copy of the file aside (unless `kept`
    says where the file as it was is kept already); said in `notices`. Run before migrating:
    a migration's own UPDATEs would fire a stranger trigger."""
    found = strangers(connection)
    if not found:
        return
    copy = kept if kept is not None else str(_keep_copy(connection, path))
    connection.execute("BEGIN IMMEDIATE")
    try:
        for kind, name in found:
            quoted = '"' + name.replace('"', '""') + '"'
            connection.execute(f"DROP {kind.upper()} IF EXISTS {quoted}")
        connection.execute("COMMIT")
    except BaseException:
        if connection.in_transaction:
            connection.execute("ROLLBACK")
        raise
    listed = ", ".join(f"{kind} {escaped(name, one_line=True)}" for kind, name in found[:5])
    more = f" and {len(found) - 5} more" if len(found) > 5 else ""
    notices.append(
        f"The history {path} held {len(found)} thing{'s'[: len(found) != 1]} backroutine did "
        f"not make ({listed}{more}): a trigger or a view could change or delete what is "
        f"saved, so they were removed. The file as it was is kept at {copy}."
    )


def restore(connection: sqlite3.Connection) -> None:
    """After migrating: make again the app's own triggers that are missing (removed above as
    altered, or by hand), and refuse a file without the app's tables."""
    triggers, tables = app_schema()
    present = {
        str(kind) + ":" + str(name)
        for kind, name in connection.execute(
            "SELECT type, name FROM sqlite_master WHERE type IN ('table', 'trigger')"
        )
    }
    missing = sorted(name for name in tables if f"table:{name}" not in present)
    if missing:
        raise _Damaged(f"the table {', '.join(missing)} is missing")
    wanted = [sql for name, sql in triggers.items() if f"trigger:{name}" not in present]
    if not wanted:
        return
    connection.execute("BEGIN IMMEDIATE")
    try:
        for sql in wanted:
            connection.execute(sql)
        connection.execute("COMMIT")
    except BaseException:
        if connection.in_transaction:
            connection.execute("ROLLBACK")
        raise


def _keep_copy(connection: sqlite3.Connection, path: Path) -> Path:
    """A whole copy of the database as it is, NAME.aside-YYYYMMDD-HHMMSS[-N], made owner-only
    and never over an existing file (O_EXCL). VACUUM INTO copies the schema and rows without
    running a trigger or evaluating a view."""
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    for number in itertools.count(1):
        suffix = "" if number == 1 else f"-{number}"
        target = path.with_name(f"{path.name}{ASIDE}{stamp}{suffix}")
        if any(os.path.lexists(f"{target}{side}") for side in _SIDE_SUFFIXES):
            continue
        flags = os.O_RDWR | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
        try:
            os.close(os.open(target, flags, 0o600))
        except FileExistsError:
            continue
        try:
            connection.execute("VACUUM INTO ?", (str(target),))
        except BaseException:
            os.unlink(target)
            raise
        return target
    raise AssertionError("unreachable")  # itertools.count never ends


# -- before each write: still the file opened, and written by this computer alone -------------

Identity = tuple[int, int]  # (st_dev, st_ino): the file itself, whatever its name


def identity(path: Path) -> Identity | None:
    """The file at `path` as opened (None when there is none: a history held in memory)."""
    try:
        info = os.stat(path)
    except OSError:
        return None
    return (info.st_dev, info.st_ino)


def check_same_file(path: Path, opened: Identity) -> None:
    """HistoryError when the file at `path` is no longer the one opened: replaced (a sync
    engine, a restore, another computer using this id) or removed. SQLite would go on writing
    into the old file, which nothing reads any more, and every write would look saved."""
    now = identity(path)
    if now == opened:
        return
    what = "removed" if now is None else "replaced by another file"
    raise HistoryError(
        f"nothing was saved: the history {path} was {what} since backroutine opened it (by a "
        "sync, a restore, or another computer using this computer's id), and backroutine "
        "never writes into a file that is no longer in the folder. Start backroutine again "
        "to use the file now there (run `backroutine devices` to see who writes it)",
        lasting=True,
    )


SAME_ID = (
    "another computer writes this computer's history file {path} (it uses the same id: a "
    "copied config folder or a restored backup), so both would lose each other's records. "
    "Nothing is written into it: run `backroutine devices` to give this computer an id of its "
    "own (every record is kept)"
)


def written_by_another(connection: sqlite3.Connection, device_id: str) -> bool:
    """Whether the file's last writer token (meta 'writer') is one this computer never noted."""
    from backroutine.core.device import known_writers

    row = connection.execute("SELECT value FROM meta WHERE key = 'writer'").fetchone()
    return row is not None and str(row[0]) not in known_writers(device_id)


def claim(connection: sqlite3.Connection, path: Path, device_id: str, token: str) -> bool:
    """Inside a write transaction, before its first write: HistoryError when another computer
    wrote the file; else put this store's token in it (noted in the config folder first).
    True once the token is in the file (nothing more to do for this store)."""
    from backroutine.core.device import remember_writer

    row = connection.execute("SELECT value FROM meta WHERE key = 'writer'").fetchone()
    if row is not None and row[0] == token:
        return True
    if written_by_another(connection, device_id):
        raise HistoryError(f"nothing was saved: {SAME_ID.format(path=path)}", lasting=True)
    if not remember_writer(device_id, token):
        return False  # a config folder that cannot be written: the file is left as it was
    connection.execute(
        "INSERT INTO meta (key, value) VALUES ('writer', ?)"
        " ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        (token,),
    )
    return True
