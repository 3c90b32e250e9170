"""Another program holding the history locked, for the tests of what backroutine does then."""

from __future__ import annotations

import sqlite3
import threading
import time
from pathlib import Path


def hold_lock(path: Path, seconds: float, held: threading.Event) -> None:
    """An exclusive lock on the history for `seconds`, as a program writing to it would hold."""
    other = sqlite3.connect(path, isolation_level=None, check_same_thread=False, timeout=10)
    other.execute("BEGIN EXCLUSIVE")
    held.set()
    time.sleep(seconds)
    other.execute("COMMIT")
    other.close()


def locked(path: Path, seconds: float) -> threading.Thread:
    """Start holding the lock in a thread (join it to wait for the release)."""
    held = threading.Event()
    thread = threading.Thread(target=hold_lock, args=(path, seconds, held), daemon=True)
    thread.start()
    assert held.wait(5)
    return thread
