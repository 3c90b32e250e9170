"""The history's tables, version by version, and bringing a file up to the latest."""

from __future__ import annotations

import sqlite3

from backroutine.core.history.common import _ADVICE, HistoryError
from backroutine.core.history.sqlite import _rollback

# Part of schema versions 2, 3 and 5, never to be edited: a time as timestamp() writes it, ISO
# 8601 to the second with a zone offset in whole minutes, which julianday() can read.
_V2_TIME = (
    "GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9]"
    "[+-][0-9][0-9]:[0-9][0-9]'"
)

# The tables whose rows are records of their own, with the time that names a row.
_UID_TABLES = (
    ("sessions", "started_at"),
    ("checkins", "created_at"),
    ("red_flag_answers", "answered_at"),
    ("breaks", "at"),
    ("activities", "added_at"),
    ("activity_ratings", "created_at"),
)

# _MIGRATIONS[n] takes a database from schema version n to n + 1 (PRAGMA user_version).
# Append new versions, never edit old ones: a file at version 1 must upgrade the same way.
_MIGRATIONS: tuple[tuple[str, ...], ...] = (
    (
        """
        CREATE TABLE sessions (
            id INTEGER PRIMARY KEY,
            routine_id TEXT NOT NULL,
            routine_name TEXT NOT NULL,
            category TEXT NOT NULL,
            started_at TEXT NOT NULL,
            ended_at TEXT,
            status TEXT NOT NULL CHECK (status IN ('completed', 'stopped', 'interrupted')),
            active_seconds REAL NOT NULL DEFAULT 0,
            steps_done INTEGER NOT NULL DEFAULT 0,
            steps_total INTEGER NOT NULL,
            reason TEXT
        )
        """,
        # By the instant, not the text: "08:00:00+01:00" comes before "07:30:00+00:00", and
        # the offset changes with daylight saving time and travel.
        "CREATE INDEX sessions_started_at ON sessions (julianday(started_at), id)",
    ),
    (
        f"""
        CREATE TABLE checkins (
            id INTEGER PRIMARY KEY,
            at TEXT NOT NULL CHECK (at {_V2_TIME} AND julianday(at) IS NOT NULL),
            pain INTEGER NOT NULL CHECK (typeof(pain) = 'integer' AND pain BETWEEN 0 AND 10),
            spasms TEXT CHECK (spasms IS NULL OR spasms IN ('fewer', 'same', 'more')),
            note TEXT CHECK (note IS NULL OR typeof(note) = 'text'),
            new_episode INTEGER NOT NULL DEFAULT 0 CHECK (new_episode IN (0, 1)),
            created_at TEXT NOT NULL CHECK (created_at {_V2_TIME})
        )
        """,
        "CREATE INDEX checkins_at ON checkins (julianday(at), id)",
        # Appended to, never deleted from; checked_at is the only thing ever updated.
        f"""
        CREATE TABLE red_flag_answers (
            id INTEGER PRIMARY KEY,
            answered_at TEXT NOT NULL
                CHECK (answered_at {_V2_TIME} AND julianday(answered_at) IS NOT NULL),
            yes TEXT NOT NULL CHECK (yes GLOB '[[]*]'),
            checked_at TEXT
                CHECK (checked_at IS NULL OR (checked_at {_V2_TIME}
                    AND julianday(checked_at) IS NOT NULL))
        )
        """,
        """
        CREATE TABLE settings (
            key TEXT NOT NULL PRIMARY KEY,
            value TEXT NOT NULL
        )
        """,
    ),
    (
        # One row per desk break answered; `minutes` is how long it lasted (taken) or how long
        # it was put off (snoozed), when known.
        f"""
        CREATE TABLE breaks (
            id INTEGER PRIMARY KEY,
            at TEXT NOT NULL CHECK (at {_V2_TIME} AND julianday(at) IS NOT NULL),
            outcome TEXT NOT NULL CHECK (outcome IN ('taken', 'skipped', 'snoozed')),
            routine_id TEXT
                CHECK (routine_id IS NULL OR (typeof(routine_id) = 'text' AND routine_id <> '')),
            minutes REAL
                CHECK (minutes IS NULL OR (typeof(minutes) = 'real' AND minutes BETWEEN 0 AND 1440))
        )
        """,
        "CREATE INDEX breaks_at ON breaks (julianday(at), id)",
    ),
    (
        # The level of the routine played (SAFETY_RULES.md: levels inside strengthening); NULL
        # for rows written before levels were recorded, which the rules count as level 2.
        "ALTER TABLE sessions ADD COLUMN level INTEGER"
        " CHECK (level IS NULL OR (typeof(level) = 'integer' AND level BETWEEN 1 AND 5))",
        # Which set of safety questions the answers were given to: the first version's eight
        # (1), or the fourteen of SAFETY_RULES.md (2). Older answers are asked again.
        "ALTER TABLE red_flag_answers ADD COLUMN question_set INTEGER NOT NULL DEFAULT 1"
        " CHECK (typeof(question_set) = 'integer' AND question_set >= 1)",
    ),
    (
        # The function score (core/function.py): the activities the person named. A removed
        # activity keeps its row (removed_at set) so its past ratings keep their name; `key`
        # is the case-folded name, unique among the current ones (Python folds Unicode case,
        # SQLite's lower() only ASCII).
        f"""
        CREATE TABLE activities (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL
                CHECK (typeof(name) = 'text' AND length(name) BETWEEN 1 AND 60),
            key TEXT NOT NULL CHECK (typeof(key) = 'text' AND key <> ''),
            added_at TEXT NOT NULL
                CHECK (added_at {_V2_TIME} AND julianday(added_at) IS NOT NULL),
            removed_at TEXT
                CHECK (removed_at IS NULL OR (removed_at {_V2_TIME}
                    AND julianday(removed_at) IS NOT NULL))
        )
        """,
        "CREATE UNIQUE INDEX activities_current ON activities (key) WHERE removed_at IS NULL",
        # One row per activity rated, with the pain check-in it came with (same transaction,
        # same time) or none when rated on its own.
        f"""
        CREATE TABLE activity_ratings (
            id INTEGER PRIMARY KEY,
            activity_id INTEGER NOT NULL REFERENCES activities (id),
            checkin_id INTEGER REFERENCES checkins (id),
            at TEXT NOT NULL CHECK (at {_V2_TIME} AND julianday(at) IS NOT NULL),
            score INTEGER NOT NULL
                CHECK (typeof(score) = 'integer' AND score BETWEEN 0 AND 10),
            created_at TEXT NOT NULL CHECK (created_at {_V2_TIME})
        )
        """,
        "CREATE INDEX activity_ratings_at ON activity_ratings (julianday(at), id)",
        "CREATE UNIQUE INDEX activity_ratings_once ON activity_ratings (checkin_id, activity_id)"
        " WHERE checkin_id IS NOT NULL",
    ),
    (
        # Two computers, one history (merge.py): every record gets an id unique across all
        # computers, so that merging their files never counts one twice. The rows already
        # there get one made of what they are (table, id, time), the same on every computer
        # that migrates a copy of the same file; new rows a random one (128 bits, as uuid4).
        *(
            statement
            for table, moment in _UID_TABLES
            for statement in (
                f"ALTER TABLE {table} ADD COLUMN uid TEXT",
                f"UPDATE {table} SET uid = '{table}/' || id || '/' || {moment}",
                f"CREATE UNIQUE INDEX {table}_uid ON {table} (uid)",
                f"""
                CREATE TRIGGER {table}_uid AFTER INSERT ON {table} WHEN NEW.uid IS NULL
                BEGIN
                    UPDATE {table} SET uid = lower(hex(randomblob(16))) WHERE id = NEW.id;
                END
                """,
            )
        ),
        # What this file says of itself: the device that writes it and its name, for the
        # other computers to show.
        "CREATE TABLE meta (key TEXT NOT NULL PRIMARY KEY, value TEXT NOT NULL)",
    ),
    (
        # Corrections of check-ins (SAFETY_RULES.md, "Corrections"): a check-in row is never
        # changed; each correction is a record of its own, in the file of the computer that
        # made it, naming the check-in it corrects by uid. The newest one is the check-in as it
        # is now (core/corrections.py); `deleted` = 1 removes it from what the rules read.
        # The CHECKs are also what a row from another computer's file must pass to be merged.
        f"""
        CREATE TABLE checkin_corrections (
            id INTEGER PRIMARY KEY,
            uid TEXT UNIQUE,
            checkin_uid TEXT NOT NULL
                CHECK (typeof(checkin_uid) = 'text' AND length(checkin_uid) BETWEEN 1 AND 200),
            at TEXT NOT NULL CHECK (at {_V2_TIME} AND julianday(at) IS NOT NULL),
            deleted INTEGER NOT NULL CHECK (deleted IN (0, 1)),
            pain INTEGER CHECK (pain IS NULL
                OR (typeof(pain) = 'integer' AND pain BETWEEN 0 AND 10)),
            spasms TEXT CHECK (spasms IS NULL OR spasms IN ('fewer', 'same', 'more')),
            note TEXT CHECK (note IS NULL OR (typeof(note) = 'text' AND length(note) <= 500)),
            device TEXT CHECK (device IS NULL
                OR (typeof(device) = 'text' AND length(device) BETWEEN 1 AND 100)),
            CHECK (deleted = 1 OR pain IS NOT NULL)
        )
        """,
        "CREATE INDEX checkin_corrections_checkin ON checkin_corrections (checkin_uid)",
        """
        CREATE TRIGGER checkin_corrections_uid AFTER INSERT ON checkin_corrections
        WHEN NEW.uid IS NULL
        BEGIN
            UPDATE checkin_corrections SET uid = lower(hex(randomblob(16))) WHERE id = NEW.id;
        END
        """,
    ),
)
SCHEMA_VERSION = len(_MIGRATIONS)


def migrate(connection: sqlite3.Connection) -> None:
    """Bring the schema up to SCHEMA_VERSION in one write transaction (autocommit connection)."""
    (version,) = connection.execute("PRAGMA user_version").fetchone()
    if version == SCHEMA_VERSION:
        return  # the usual case, without taking the write lock
    connection.execute("BEGIN IMMEDIATE")
    try:
        # Read again under the lock: another process may have migrated meanwhile.
        (version,) = connection.execute("PRAGMA user_version").fetchone()
        if version > SCHEMA_VERSION:
            raise HistoryError(
                f"the history was written by a newer backroutine (schema version {version}, "
                f"this one knows {SCHEMA_VERSION}); update backroutine {_ADVICE}"
            )
        for step in range(version, SCHEMA_VERSION):
            for statement in _MIGRATIONS[step]:
                connection.execute(statement)
            connection.execute(f"PRAGMA user_version = {step + 1}")
        connection.execute("COMMIT")
    except BaseException:
        _rollback(connection)
        raise
