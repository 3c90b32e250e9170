"""The function score's part of the history: the activities the person named and their
ratings (core/function.py has the rules and the arithmetic; this module the SQL).

Every check that needs the stored activities (at most three, no duplicate, a known name) is
made inside the write transaction that acts on it, so two programs adding at once cannot make
four, and a rating refused for any reason leaves nothing behind: not the other ratings, and not
the pain check-in it came with (HistoryStore.add_checkin)."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from datetime import datetime
from typing import cast

from backroutine.core.function import (
    MAX_ACTIVITIES,
    Activity,
    ActivityError,
    ActivityRating,
    check_ratings,
    clean_name,
    name_key,
)
from backroutine.core.history.base import StoreBase
from backroutine.core.history.records import _now, _stamp

_ACTIVITY_COLUMNS = "id, name, added_at, removed_at"
_RATING_QUERY = (
    "SELECT r.id, r.activity_id, a.name, r.at, r.score, r.checkin_id"
    " FROM activity_ratings r JOIN activities a ON a.id = r.activity_id"
)


class ActivityMethods(StoreBase):
    """HistoryStore's methods for the activities and their ratings."""

    def add_activity(self, name: str, *, at: datetime) -> Activity:
        """Name a new activity (stripped); ActivityError for a bad name, a name already in use
        (whatever its case) or a fourth activity."""
        cleaned = clean_name(name)
        stamp = _stamp("at", at)

        def add(connection: sqlite3.Connection) -> int:
            _adopt(connection, self._reader(connection))
            current = _current(connection)
            if name_key(cleaned) in {name_key(n) for _, n in current}:
                raise ActivityError(f"{cleaned!r} is already one of your activities")
            if len(current) >= MAX_ACTIVITIES:
                names = ", ".join(repr(n) for _, n in current)
                raise ActivityError(
                    f"you already have {MAX_ACTIVITIES} activities ({names}); remove one "
                    "before adding another"
                )
            cursor = connection.execute(
                "INSERT INTO activities (name, key, added_at) VALUES (?, ?, ?)",
                (cleaned, name_key(cleaned), stamp),
            )
            assert cursor.lastrowid is not None  # an INSERT into a rowid table always sets it
            return cursor.lastrowid

        activity_id = self._transaction(add)
        return Activity(activity_id, cleaned, datetime.fromisoformat(stamp))

    def remove_activity(self, name: str, *, at: datetime) -> Activity:
        """Stop tracking an activity (matched whatever its case); its ratings stay in the
        history. ActivityError when no current activity has that name."""
        cleaned = clean_name(name)
        stamp = _stamp("at", at)

        def remove(connection: sqlite3.Connection) -> tuple[object, ...]:
            _adopt(connection, self._reader(connection))
            row = connection.execute(
                f"SELECT {_ACTIVITY_COLUMNS} FROM activities WHERE key = ? AND removed_at IS NULL",
                (name_key(cleaned),),
            ).fetchone()
            if row is None:
                raise _unknown(cleaned, [n for _, n in _current(connection)])
            connection.execute("UPDATE activities SET removed_at = ? WHERE id = ?", (stamp, row[0]))
            return cast(tuple[object, ...], row)

        activity_id, stored_name, added_at, _ = self._transaction(remove)
        return Activity(
            cast(int, activity_id),
            cast(str, stored_name),
            self._moment(added_at),
            datetime.fromisoformat(stamp),
        )

    def rename_activity(self, name: str, new_name: str) -> Activity:
        """Give a current activity (matched whatever its case) another name. The row stays
        the same, so its past ratings stay attached and are shown under the new name (as in
        the report and the charts): a rename corrects the words, it is not a new activity.
        ActivityError, nothing changed, for an unknown name, a bad new name (clean_name) or a
        name another current activity has (whatever its case); a change of case alone is
        taken. The activity as renamed."""
        cleaned, wanted = clean_name(name), clean_name(new_name)

        def rename(connection: sqlite3.Connection) -> tuple[object, ...]:
            _adopt(connection, self._reader(connection))
            current = _current(connection)
            row = connection.execute(
                f"SELECT {_ACTIVITY_COLUMNS} FROM activities WHERE key = ? AND removed_at IS NULL",
                (name_key(cleaned),),
            ).fetchone()
            if row is None:
                raise _unknown(cleaned, [n for _, n in current])
            if any(name_key(n) == name_key(wanted) and i != row[0] for i, n in current):
                raise ActivityError(f"{wanted!r} is already one of your activities")
            connection.execute(
                "UPDATE activities SET name = ?, key = ? WHERE id = ?",
                (wanted, name_key(wanted), row[0]),
            )
            return cast(tuple[object, ...], row)

        activity_id, _, added_at, _ = self._transaction(rename)
        return Activity(cast(int, activity_id), wanted, self._moment(added_at))

    def activities(self, *, include_removed: bool = False) -> list[Activity]:
        """The current activities in the order they were added; the removed ones too (by
        the time they were added) with include_removed."""
        where = "" if include_removed else " WHERE removed_at IS NULL"
        rows = self._read(
            f"SELECT {_ACTIVITY_COLUMNS} FROM activities{where} ORDER BY julianday(added_at), id",
            (),
        )
        return [
            Activity(
                cast(int, activity_id),
                cast(str, name),
                self._moment(added_at),
                None if removed_at is None else self._moment(removed_at),
            )
            for activity_id, name, added_at, removed_at in rows
        ]

    def add_activity_ratings(
        self, ratings: Iterable[tuple[str, int]], *, at: datetime
    ) -> list[ActivityRating]:
        """Rate current activities on their own (without a pain check-in), all in one
        transaction: ActivityError for an unknown name, a bad score or an activity rated twice,
        and then none is stored. The ratings as stored."""
        checked = check_ratings(ratings)
        if not checked:
            raise ActivityError("no rating given; rate an activity as NAME=SCORE")
        stamp = _stamp("at", at)

        def rate(connection: sqlite3.Connection) -> list[int]:
            _adopt(connection, self._reader(connection))
            return _insert_ratings(connection, checked, stamp)

        return self._ratings_by_id(self._transaction(rate))

    def ratings(self, since: datetime | None = None) -> list[ActivityRating]:
        """Every rating (of current and removed activities), oldest first by the moment (then
        by id); only those at or after `since` (naive: local time) when given."""
        if since is None:
            rows = self._read(f"{_RATING_QUERY} ORDER BY julianday(r.at), r.id", ())
        else:
            rows = self._read(
                f"{_RATING_QUERY} WHERE julianday(r.at) >= julianday(?)"
                " ORDER BY julianday(r.at), r.id",
                (_stamp("since", since),),
            )
        return [self._rating(row) for row in rows]

    def _ratings_by_id(self, ids: list[int]) -> list[ActivityRating]:
        marks = ", ".join("?" * len(ids))
        rows = self._read(
            f"{_RATING_QUERY} WHERE r.id IN ({marks}) ORDER BY r.id", tuple(ids), own=True
        )
        return [self._rating(row) for row in rows]

    def _rating(self, row: tuple[object, ...]) -> ActivityRating:
        rating_id, activity_id, name, at, score, checkin_id = row
        return ActivityRating(
            id=cast(int, rating_id),
            activity_id=cast(int, activity_id),
            activity=cast(str, name),
            at=self._moment(at),
            score=cast(int, score),  # the table's CHECK keeps it to 0..10
            checkin_id=cast(int | None, checkin_id),
        )


def _insert_ratings(
    connection: sqlite3.Connection,
    ratings: list[tuple[str, int]],
    stamp: str,
    checkin_id: int | None = None,
) -> list[int]:
    """Insert checked ratings inside the caller's transaction; their ids. ActivityError for a
    name that is not a current activity (the caller's transaction then rolls back)."""
    current = {name_key(name): activity_id for activity_id, name in _current(connection)}
    created = _now()
    ids = []
    for name, score in ratings:
        activity_id = current.get(name_key(name))
        if activity_id is None:
            raise _unknown(name, [n for _, n in _current(connection)])
        cursor = connection.execute(
            "INSERT INTO activity_ratings (activity_id, checkin_id, at, score, created_at)"
            " VALUES (?, ?, ?, ?, ?)",
            (activity_id, checkin_id, stamp, score, created),
        )
        assert cursor.lastrowid is not None  # an INSERT into a rowid table always sets it
        ids.append(cursor.lastrowid)
    return ids


def _adopt(connection: sqlite3.Connection, merged: sqlite3.Connection) -> None:
    """Inside a write transaction, make this computer's file agree with the merge of a shared
    folder (merge.py) on the activities: one added on another computer gets a copy here (same
    uid) so that it can be rated or removed here; one removed elsewhere is removed here too.
    Another computer's file is never written: the copy is how a change reaches it."""
    if merged is connection:
        return  # one computer alone: its file is the whole history
    own = dict(connection.execute("SELECT uid, removed_at FROM activities").fetchall())
    own_keys = {key for (key,) in connection.execute(
        "SELECT key FROM activities WHERE removed_at IS NULL")}  # fmt: skip
    rows = merged.execute("SELECT uid, name, key, added_at, removed_at FROM activities")
    for uid, name, key, added_at, removed_at in rows.fetchall():
        if uid in own:
            if removed_at is not None and own[uid] is None:
                connection.execute(
                    "UPDATE activities SET removed_at = ? WHERE uid = ?", (removed_at, uid)
                )
        elif removed_at is None and key not in own_keys:
            connection.execute(
                "INSERT INTO activities (uid, name, key, added_at) VALUES (?, ?, ?, ?)",
                (uid, name, key, added_at),
            )


def _current(connection: sqlite3.Connection) -> list[tuple[int, str]]:
    rows = connection.execute(
        "SELECT id, name FROM activities WHERE removed_at IS NULL ORDER BY julianday(added_at), id"
    ).fetchall()
    return [(cast(int, activity_id), cast(str, name)) for activity_id, name in rows]


def _unknown(name: str, current: list[str]) -> ActivityError:
    if not current:
        return ActivityError(
            f"{name!r} is not one of your activities: you have none yet; add it first"
        )
    names = ", ".join(repr(n) for n in current)
    return ActivityError(
        f"{name!r} is not one of your activities ({names}); add it first, or check the spelling"
    )
