"""Untrusted text through every command: what the history (or an older version's, or a
hand-edited file) holds never reaches the terminal as control codes."""

from __future__ import annotations

import json
import sqlite3
from datetime import datetime, timedelta

import pytest

from backroutine.core.history import DB_NAME, HistoryStore

RAW = ("\x1b", "\x07", "\x9b", "\u202e")
EVIL_NAME = "\x1b]0;pwned\x07Evil \x1b]52;c;SGVsbG8=\x07 \x9b2J"
EVIL_NOTE = "x\x1b[2Jy \x1b]8;;https://evil.example\x07link\x1b]8;;\x07 \u202eevil"


@pytest.fixture
def hostile_history(data_dir):
    now = datetime.now().astimezone()
    with HistoryStore.open(data_dir) as store:
        store.add_checkin(at=now - timedelta(days=1), pain=5, note="placeholder")
        session = store.start_session(
            routine_id="evil", routine_name="placeholder", category="gentle", steps_total=2,
            started_at=now - timedelta(hours=1),
        )  # fmt: skip
        store.finish_session(session, status="stopped", steps_done=1, active_seconds=30, at=now,
                             reason="quit")  # fmt: skip
        store.add_break(at=now, outcome="taken", routine_id="evil")
    with sqlite3.connect(data_dir / DB_NAME) as db:  # as an older version could have stored it
        db.execute("UPDATE sessions SET routine_name = ?", (EVIL_NAME,))
        db.execute("UPDATE checkins SET note = ?", (EVIL_NOTE,))
    return data_dir


@pytest.mark.parametrize(
    "args",
    [
        ["history"],
        ["history", "--json"],
        ["history", "--csv"],
        ["status"],
        ["status", "--json"],
        ["stats"],
        ["stats", "--json"],
    ],
)
def test_stored_text_is_shown_escaped(cli, hostile_history, args: list[str]) -> None:
    result = cli(*args)
    assert result.code == 0, result.err
    for raw in RAW:
        assert raw not in result.out and raw not in result.err
    if args == ["history"]:
        assert "\\x1b]0;pwned\\x07Evil" in result.out
        assert "x\\x1b[2Jy" in result.out and "\\u202eevil" in result.out
    if args == ["history", "--json"]:  # still the same data, in JSON's own escapes
        data = json.loads(result.out)
        assert data["sessions"][0]["routine_name"] == EVIL_NAME
        assert data["checkins"][0]["note"] == EVIL_NOTE


@pytest.mark.parametrize("note", ["\x1b]0;x\x07", "a\x9bb", "rtl \u202e", "bell\x07"])
def test_a_note_with_control_codes_is_refused(cli, note: str) -> None:
    result = cli("checkin", "--pain", "3", "--note", note)
    assert result.code == 2 and "control character" in result.err
    assert json.loads(cli("history", "--json").out)["checkins"] == []


def test_a_routine_with_markup_is_listed_shown_and_played_as_text(cli, write, data_dir) -> None:
    path = write(
        "markup.yaml",
        'name: "Stretch [/] ease"\ncategory: gentle\nsummary: "[link=x]y[/link]"\n'
        "defaults: {get_ready: 0}\n"
        'steps: [{name: "[bold]Step", duration: 1s, cues: [{at: 50%, say: "[/] cue"}]}]\n',
    )
    assert "Stretch [/] ease" in cli("show", str(path)).out
    played = cli("play", str(path), "--plain", "--speed", "100")
    assert played.code == 0 and "[bold]Step" in played.out and "[/] cue" in played.out
