"""A sample history for the report: five weeks of check-ins with a flare, sessions of each
category (one stopped with "this hurts"), notes (one with markup), three activities rated weekly
(one replaced on the third day), and safety answers. Used by the report tests and to look at the report."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

from backroutine.core.history import HistoryStore

CET = timezone(timedelta(hours=1))
START = datetime(2026, 10, 19, 8, 30, tzinfo=CET)  # a Monday
NOW = datetime(2026, 11, 22, 20, 0, tzinfo=CET)  # a Sunday, five weeks on
# Day scores: starting at 7, lessening, a flare on day 16 (5 -> 8, spasms more), then better.
PAIN = [7, 7, 6, 6, 5, 6, 5, 5, 4, 4, 5, 4, 4, 3, 4, 5, 8, 7, 6, 5, 4, 4, 3, 3, 3, 2, 3, 2, 2, 3,
        2, 2, 2, 1, 2]  # fmt: skip
NOTES = {
    0: "Woke up stiff; could not bend to tie shoes.",
    4: "Walked 20 minutes, felt looser after.",
    16: "Lifted a box at work <script>alert('x')</script> & it spasmed again",
    17: "Heat pad helped.\nSlept better.",
    30: "Back to cycling to work.",
}
SCRIPT_NOTE = NOTES[16]


def make_sample_history(folder: Path) -> None:
    with HistoryStore.open(folder) as store:
        store.save_red_flags(["morning_stiffness"], at=START - timedelta(minutes=10))
        for name in ("gardening", "putting on socks", "sitting for an hour"):
            store.add_activity(name, at=START - timedelta(minutes=5))
        socks, sitting, lifting = (2, 4, 5, 6, 8), (3, 4, 4, 6, 7), (1, 2, 2, 4, 6)
        for day, pain in enumerate(PAIN):
            at = START + timedelta(days=day)
            week = day // 7
            ratings: list[tuple[str, int]] = []
            if day % 7 == 0:
                ratings = [
                    ("putting on socks", socks[week]),
                    ("sitting for an hour", sitting[week]),
                    ("gardening", 1) if week == 0 else ("lifting my child", lifting[week]),
                ]
            store.add_checkin(
                at=at,
                pain=pain,
                spasms="more" if day == 16 else ("fewer" if day == 20 else None),
                note=NOTES.get(day),
                new_episode=day == 0,
                ratings=ratings,
            )
            if day == 2:  # not what matters most after all: lifting the child is
                store.remove_activity("gardening", at=at + timedelta(hours=1))
                store.add_activity("lifting my child", at=at + timedelta(hours=1))
            _sessions(store, day, at)
        store.mark_red_flags_checked(at=START + timedelta(days=10))


def _sessions(store: HistoryStore, day: int, at: datetime) -> None:
    plan: list[tuple[str, str, float, str]] = []
    if day % 7 != 6:  # a rest day a week
        plan.append(("gentle-morning", "gentle", 9.5, "completed"))
    if day % 2 == 0:
        plan.append(("yoga-flow", "yoga", 14.0, "completed"))
    if day >= 22 and day % 3 == 0:
        plan.append(("core-basics", "strengthening", 12.0, "completed"))
    if day == 16:
        plan.append(("cat-cow", "yoga", 2.5, "stopped"))
    for n, (routine, category, minutes, status) in enumerate(plan):
        begin = at + timedelta(hours=1 + n)
        session = store.start_session(
            routine_id=routine,
            routine_name=routine.replace("-", " ").capitalize(),
            category=category,
            steps_total=6,
            started_at=begin,
            level=2 if category == "strengthening" else None,
        )
        store.finish_session(
            session,
            status="completed" if status == "completed" else "stopped",
            steps_done=6 if status == "completed" else 1,
            active_seconds=minutes * 60,
            at=begin + timedelta(minutes=minutes),
            reason="pain" if status == "stopped" else None,
        )
