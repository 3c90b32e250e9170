"""The history: routines played, pain check-ins, red-flag answers, desk breaks and a few
settings, in SQLite.

Sessions get one row per routine played, written while it plays.

The row is inserted as "interrupted" the moment a routine starts and updated while it plays, so
a process killed without warning (SIGKILL, a power cut) still leaves an honest record of what
was done; finish_session sets the final status.

Several processes may write at once (two players and a check-in): the database runs in WAL
mode, every write is one BEGIN IMMEDIATE transaction, and a lock that outlasts SQLite's own
busy timeout is retried with a short backoff before giving up with a HistoryError.

Pain scores and red-flag answers are health data, so a folder this package creates is private
(0o700) and so is the database file (0o600). A damaged database is moved aside, never deleted
or overwritten, and the user is told once through `notices`.

Check-ins may be added late (backfilled) and are read back in the order of the moment they
describe. Red-flag answers are never changed or deleted but for the mark that a professional has
checked them: the latest row is the current state, the earlier ones its history.

The parts: common (the file's name, the error), sqlite (connections, locks, errors in words),
schema (tables and migrations), files (private, no links, moved aside when damaged), records
(the values kept and the checks on them), connect (opening, checked and migrated), base (the
connection and its transactions), checkins, corrections (check-ins corrected or deleted, read
back as they are now) and activities (their methods), store (HistoryStore)
and empty (EmptyHistory). A data folder shared by several computers (issue 15): layout (one
file per computer, and the move to it), shared (opening), merge (reading every file as one),
sources (one file's records), merged (the merged database, kept up to date in place) and seen
(the computers seen before, so that one whose file vanished is said). own: this computer's
own file, cleaned of triggers and views it did not make when opened, and checked before each
write (still the file opened, written by this computer alone; issue 20).

The activities the person named for the function score, and their ratings: at most three
current ones, a removed one kept with its ratings; ratings given with a check-in are stored in
the check-in's own transaction, so a bad one leaves nothing behind.
"""

from backroutine.core.function import Activity, ActivityError, ActivityRating
from backroutine.core.history.common import DB_NAME, HistoryError, timestamp
from backroutine.core.history.empty import EmptyHistory
from backroutine.core.history.files import refuse_link
from backroutine.core.history.layout import history_exists
from backroutine.core.history.records import (
    BREAK_MINUTES_MAX,
    BREAK_OUTCOMES,
    FINAL_STATUSES,
    NOTE_MAX_CHARS,
    SETTING_KEY_MAX_CHARS,
    BreakRecord,
    FinalStatus,
    SessionRecord,
    Status,
)
from backroutine.core.history.schema import SCHEMA_VERSION, migrate
from backroutine.core.history.store import HistoryStore

__all__ = [
    "BREAK_MINUTES_MAX",
    "BREAK_OUTCOMES",
    "DB_NAME",
    "FINAL_STATUSES",
    "NOTE_MAX_CHARS",
    "SCHEMA_VERSION",
    "SETTING_KEY_MAX_CHARS",
    "Activity",
    "ActivityError",
    "ActivityRating",
    "BreakRecord",
    "EmptyHistory",
    "FinalStatus",
    "HistoryError",
    "HistoryStore",
    "SessionRecord",
    "Status",
    "history_exists",
    "migrate",
    "refuse_link",
    "timestamp",
]
