"""History as CSV, for a spreadsheet or a clinician."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable

SESSION_COLUMNS = (
    "started_at", "ended_at", "routine_id", "routine_name", "category", "status", "reason",
    "active_seconds", "steps_done", "steps_total",
)  # fmt: skip

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: object) -> object:
    """Text that a spreadsheet would run as a formula gets a leading apostrophe (the OWASP
    advice for CSV injection); numbers stay numbers."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return "" if value is None else value


def sessions_csv(sessions: Iterable[object]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(SESSION_COLUMNS)
    for session in sessions:
        writer.writerow([safe_cell(getattr(session, column)) for column in SESSION_COLUMNS])
    return out.getvalue()
