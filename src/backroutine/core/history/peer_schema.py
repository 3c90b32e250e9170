"""Another computer's history file is checked before anything in it runs: its schema must be
exactly one the app's own migrations make (schema.py), object by object, and every query on it
runs read-only, without trusting its schema, under a time budget.

Why so strict: SQLite runs what a file's schema says. A `checkins` that is a view over a
recursive query hangs the reader or eats memory; a trigger runs during the in-memory migration
of an older file; a virtual table calls into a module. None of this can come from backroutine
itself, so anything the migrations would not have made (a view, a trigger, a virtual table, a
table, index or column of another shape) leaves the whole file out, before a single row of it
is read or the migration runs.
"""

from __future__ import annotations

import sqlite3
import time
from functools import cache

from backroutine.core.history.schema import _MIGRATIONS

# How long reading one other computer's file may take, in all (copy, check, migration, rows).
# A file of years of records takes a small fraction of this; past it the file is left out.
READ_BUDGET_SECONDS = 5.0
# SQLite calls the progress handler every this many virtual machine instructions.
_PROGRESS_STEPS = 10_000

SchemaObject = tuple[str, str, str, str | None]  # type, name, table, SQL


class NotOurs(Exception):
    """A file whose schema is not one backroutine makes; the message says what was found."""


class OverBudget(Exception):
    """Reading a file took longer than its budget."""


@cache
def expected_schema(version: int) -> frozenset[SchemaObject]:
    """The schema objects a history file at `version` holds: made by the migrations themselves
    in an empty database, so the list is never copied by hand."""
    memory = sqlite3.connect(":memory:", isolation_level=None)
    try:
        for step in range(version):
            for statement in _MIGRATIONS[step]:
                memory.execute(statement)
        return frozenset(_objects(memory))
    finally:
        memory.close()


def check_schema(connection: sqlite3.Connection, version: int) -> None:
    """NotOurs unless the database's schema is exactly the app's at `version`."""
    found = set(_objects(connection))
    # What can run code is named first: a view or a trigger rather than an index.
    rank = {"view": 0, "trigger": 1, "table": 2}
    extra = sorted(found - expected_schema(version), key=lambda o: (rank.get(o[0], 3), o[1]))
    if extra:
        kind, name, _table, sql = extra[0]
        what = "a virtual table" if kind == "table" and _is_virtual(sql) else f"a {kind}"
        what = "an index" if what == "a index" else what
        known = {(o[0], o[1]) for o in expected_schema(version)}
        changed = " of another shape than backroutine's" if (kind, name) in known else ""
        more = f" (and {len(extra) - 1} more)" if len(extra) > 1 else ""
        raise NotOurs(
            f"it holds {what} named {name!r}{changed}{more}, which backroutine never makes"
        )
    missing = expected_schema(version) - found
    if missing:
        kind, name, _table, _sql = sorted(missing)[0]
        raise NotOurs(f"its {kind} {name!r} is missing")


def guard(connection: sqlite3.Connection, deadline: float) -> None:
    """Make `connection` read nothing it should not run and stop at `deadline` (a monotonic
    time): a query still running then fails with OverBudget raised by the caller."""
    connection.execute("PRAGMA trusted_schema = OFF")
    connection.set_progress_handler(lambda: int(time.monotonic() > deadline), _PROGRESS_STEPS)


def read_only(connection: sqlite3.Connection) -> None:
    """No statement on `connection` can write from now on."""
    connection.execute("PRAGMA query_only = ON")


def _objects(connection: sqlite3.Connection) -> list[SchemaObject]:
    # sqlite_stat1 and friends are made by ANALYZE, which backroutine never runs: compared too.
    return [
        (str(kind), str(name), str(table), None if sql is None else str(sql))
        for kind, name, table, sql in connection.execute(
            "SELECT type, name, tbl_name, sql FROM sqlite_master"
        ).fetchall()
    ]


def _is_virtual(sql: str | None) -> bool:
    return sql is not None and sql.lstrip().upper().startswith("CREATE VIRTUAL")
