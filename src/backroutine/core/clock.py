"""The wall clock, in one place: the person's local time with its zone. (The session engine has
its own monotonic clock; this one dates things: check-ins, sessions, answers.)"""

from __future__ import annotations

from datetime import datetime


def local_now() -> datetime:
    return datetime.now().astimezone()
