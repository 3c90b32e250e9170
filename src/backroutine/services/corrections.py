"""Correcting or deleting a check-in, and saying what it changed: the same words from the CLI
and the TUI, and the same "what changed" as a new check-in (services/checkins.py), since a
corrected 1 that becomes 10 can close strengthening as surely as a new 10."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from backroutine.core.clock import local_now
from backroutine.core.health import Checkin, most_urgent
from backroutine.core.progression import History, Progress, assess_history, what_changed
from backroutine.core.text import escaped
from backroutine.services.checkins import NOT_WRITABLE, CheckinOutcome, CheckinReport


class CorrectableStore(History, Protocol):
    def correct_checkin(
        self,
        uid: str,
        *,
        at: datetime,
        pain: int,
        spasms: str | None = None,
        note: str | None = None,
    ) -> tuple[Checkin, Checkin]: ...

    def delete_checkin(self, uid: str, *, at: datetime) -> Checkin: ...


class _Keep:
    """What was not given: the check-in's value stays as it is."""


KEEP = _Keep()


@dataclass(frozen=True, slots=True)
class CorrectionOutcome:
    before: Checkin  # the check-in as it was
    after: Checkin | None  # as it is now; None when deleted
    outcome: CheckinOutcome  # the safety rules before and after, and what changed

    def lines(self) -> list[str]:
        """What changed, in words: the check-in first, then what the rules now say."""
        return [self.headline(), *self.outcome.lines()]

    def headline(self) -> str:
        when = self.before.at.strftime("%a %d %b %Y %H:%M")
        if self.after is None:
            return f"Deleted: the check-in of {when} (pain {self.before.pain})."
        changes = describe_changes(self.before, self.after)
        if not changes:
            return f"Nothing to change: the check-in of {when} already says that."
        return f"Corrected: the check-in of {when}: {changes}."


def describe_changes(before: Checkin, after: Checkin) -> str:
    """'pain 1 to 10, spasms none to more, ...', shown as text (a note is the person's)."""
    said = []
    if before.pain != after.pain:
        said.append(f"pain {before.pain} to {after.pain}")
    if before.spasms != after.spasms:
        said.append(f"spasms {before.spasms or 'not said'} to {after.spasms or 'not said'}")
    if before.note != after.note:
        note = escaped(after.note, one_line=True) if after.note else ""
        said.append(f'note now "{note}"' if note else "note removed")
    return ", ".join(said)


def correct_checkin(
    store: CorrectableStore,
    uid: str,
    *,
    now: datetime,
    pain: int | _Keep = KEEP,
    spasms: str | _Keep | None = KEEP,
    note: str | _Keep | None = KEEP,
) -> CorrectionOutcome:
    """Correct the check-in `uid` (what is not given stays as it is) and assess before and
    after. The store's errors go to the caller (CorrectionError, a ValueError, for an unknown
    or deleted uid; HistoryError when it cannot be written), nothing stored."""
    rules_before = assess_history(store, now=now)
    current = {c.uid: c for c in store.checkins()}.get(uid)
    keep = current or Checkin(at=now, pain=0)  # unknown: the store says why, in its words
    new_pain = keep.pain if isinstance(pain, _Keep) else pain
    new_spasms = keep.spasms if isinstance(spasms, _Keep) else spasms
    new_note = keep.note if isinstance(note, _Keep) else (note or "").strip() or None
    if current is not None and (new_pain, new_spasms, new_note) == (
        current.pain, current.spasms, current.note,
    ):  # fmt: skip
        # Nothing to record: a correction that changes nothing would only be noise in the
        # check-in's story (and a record for the other computers to copy).
        return _outcome(store, current, current, rules_before, now)
    before, after = store.correct_checkin(
        uid, at=now, pain=new_pain, spasms=new_spasms, note=new_note
    )
    return _outcome(store, before, after, rules_before, now)


def delete_checkin(store: CorrectableStore, uid: str, *, now: datetime) -> CorrectionOutcome:
    """Delete the check-in `uid` and assess before and after (errors as correct_checkin)."""
    rules_before = assess_history(store, now=now)
    before = store.delete_checkin(uid, at=now)
    return _outcome(store, before, None, rules_before, now)


def _outcome(
    store: CorrectableStore,
    before: Checkin,
    after: Checkin | None,
    rules_before: Progress,
    now: datetime,
) -> CorrectionOutcome:
    rules_after = assess_history(store, now=now)
    change = what_changed(rules_before, rules_after)
    return CorrectionOutcome(
        before, after, CheckinOutcome(after or before, rules_before, rules_after, change)
    )


def device_names(store: object) -> dict[str, str]:
    """The computers' names by id, to say which one made a correction; none on a computer
    alone (its corrections name no computer). Names come from other computers' files: shown
    only through escaped(), like any history text."""
    if getattr(store, "device", None) is None:
        return {}
    summaries = getattr(store, "devices", None)
    return {} if summaries is None else {s.id: s.name for s in summaries()}


def correction_text(checkin: Checkin, names: Mapping[str, str] | None = None) -> str | None:
    """How a check-in was corrected, in words ("corrected from 1 to 10 on 2026-12-07 21:05",
    "deleted on ..."), with the computer's name when known; None when it never was."""
    if checkin.original is None or not checkin.corrections:
        return None
    last = checkin.corrections[-1]
    when = last.at.strftime("%Y-%m-%d %H:%M")
    name = (names or {}).get(last.device or "")
    by = f", on {escaped(name, one_line=True)}" if name else ""
    if last.deleted:
        return f"deleted on {when}{by}"
    if checkin.original.pain != checkin.pain:
        return f"corrected from {checkin.original.pain} to {checkin.pain} on {when}{by}"
    return f"corrected on {when}{by}"


def checkin_dict(checkin: Checkin, names: Mapping[str, str] | None = None) -> dict[str, object]:
    """A check-in for JSON: its fields, uid, values as first recorded and corrections, each
    with the name of the computer that made it (null when unknown)."""
    data = checkin.to_dict()
    data["corrections"] = [
        {**c.to_dict(), "device_name": (names or {}).get(c.device or "")}
        for c in checkin.corrections
    ]
    return data


# -- from the TUI: never raises, says what happened ---------------------------------------


class WritableCorrectableStore(CorrectableStore, Protocol):
    # Why nothing can be written (read-only or full disk, no history), else None.
    @property
    def read_only(self) -> str | None: ...


def save_correction(
    store: WritableCorrectableStore,
    uid: str,
    *,
    now: Callable[[], datetime] = local_now,
    delete: bool = False,
    pain: int | _Keep = KEEP,
    spasms: str | _Keep | None = KEEP,
    note: str | _Keep | None = KEEP,
) -> CheckinReport:
    """Correct or delete a check-in from the history screen and say what it changed, as a
    check-in made there would (CheckinReport: the app's toast and the home screen's update).
    Never raises: what stops it being saved is said instead."""
    if store.read_only:
        return CheckinReport(NOT_WRITABLE, False, None)
    moment = now()
    try:
        if delete:
            outcome = delete_checkin(store, uid, now=moment)
        else:
            outcome = correct_checkin(store, uid, now=moment, pain=pain, spasms=spasms, note=note)
    except Exception as exc:  # said, never a crash: the person can try again
        return CheckinReport(f"Not saved: {exc}", False, None)
    urgency = most_urgent(reason.urgency for reason in outcome.outcome.change.new_reasons)
    return CheckinReport("\n".join(outcome.lines()), True, urgency)
