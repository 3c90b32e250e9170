"""The JSON Schema of a routine file, for editors (yaml-language-server and friends).

Its shape and descriptions are written here; every number and pattern comes from
core/format.py, the same ones the loader checks with. The loader stays the judge for what a
schema cannot say (cue times inside the bout, sound files that exist); tests run one corpus of
values through both. Draft 7: what yaml-language-server supports.
"""

from __future__ import annotations

import json
from typing import Any

from backroutine.core import format
from backroutine.core.categories import CATEGORIES

SCHEMA_FILE_NAME = "routine.schema.json"
DURATION_PATTERN = f"^{format.DURATION}$"
NOT_ZERO_DURATION_PATTERN = f"^{format.NOT_ZERO}{format.DURATION}$"
TEMPO_PATTERN = f"^{format.TEMPO}$"
CUE_AT_PATTERN = f"^{format.CUE_AT}$"
ID_PATTERN = f"^{format.ID}$"


def _duration(description: str, *, minimum: int) -> dict[str, Any]:
    return {
        "description": description,
        "oneOf": [
            {"type": "integer", "minimum": minimum, "maximum": format.MAX_SECONDS},
            {
                "type": "string",
                "pattern": DURATION_PATTERN if minimum == 0 else NOT_ZERO_DURATION_PATTERN,
                "maxLength": format.MAX_DURATION_TEXT,
            },
        ],
        "examples": ["30s", "2m", "1m30s", 45],
    }


def _text_list(description: str) -> dict[str, Any]:
    return {
        "description": description,
        "type": "array",
        "items": {"type": "string", "minLength": 1},
    }


def routine_schema() -> dict[str, Any]:
    cue = {
        "type": "object",
        "description": "Something said or played inside every bout (set and side) of the step.",
        "additionalProperties": False,
        "required": ["at"],
        "anyOf": [{"required": ["say"]}, {"required": ["sound"]}],
        "properties": {
            "at": {
                "description": "When: 50% (share of the bout), 10s (after its start) or -5s "
                "(before its end).",
                "oneOf": [
                    {
                        "type": "integer",
                        "minimum": -format.MAX_SECONDS,
                        "maximum": format.MAX_SECONDS,
                    },
                    {
                        "type": "string",
                        "pattern": CUE_AT_PATTERN,
                        "maxLength": format.MAX_DURATION_TEXT,
                    },
                ],
                "examples": ["50%", "10s", "-5s"],
            },
            "say": {
                "type": "string",
                "minLength": 1,
                "maxLength": format.MAX_LINE_TEXT,
                "description": "Text shown (and spoken).",
            },
            "sound": {
                "type": "string",
                "minLength": 1,
                "description": "A bundled sound (tick, start, rest, side, rep, bell, chime) or a "
                ".wav file relative to this routine file, inside its folder.",
                "pattern": r"^(?![/\\])(?![A-Za-z]:)(?!.*(?:^|[/\\])\.\.(?:[/\\]|$)).+$",
                "examples": ["chime", "bell", "sounds/gong.wav"],
            },
        },
    }
    step = {
        "type": "object",
        "description": "One of hold, reps or duration; or a bare rest (only `rest`).",
        "additionalProperties": False,
        "anyOf": [
            {"required": ["hold", "name"]},
            {"required": ["reps", "name"]},
            {"required": ["duration", "name"]},
            {
                "required": ["rest"],
                "not": {"anyOf": [{"required": [k]} for k in ("hold", "reps", "duration")]},
            },
        ],
        "not": {
            "anyOf": [
                {"required": ["hold", "reps"]},
                {"required": ["hold", "duration"]},
                {"required": ["reps", "duration"]},
                {"required": ["tempo", "rep"]},
            ]
        },
        "properties": {
            "name": {"type": "string", "minLength": 1, "maxLength": format.MAX_NAME},
            "instructions": {"type": "string", "description": "What to do (Markdown)."},
            "hold": _duration("A HOLD step: hold a position for this long.", minimum=1),
            "reps": {
                "type": "integer",
                "minimum": 1,
                "maximum": format.MAX_REPS,
                "description": "A REP step: this many repetitions, paced by tempo or rep.",
            },
            "tempo": {
                "type": "string",
                "pattern": TEMPO_PATTERN,
                "description": "Seconds per phase of a rep, 2 to 4 phases 0..60 s: up-down, "
                "up-hold-down or up-hold-down-pause (e.g. 2-1-2).",
                "examples": ["2-1-2", "2-0-2", "1-5-1"],
            },
            "rep": _duration("Seconds per whole rep (instead of tempo).", minimum=1),
            "duration": _duration("A TIMED step: move freely for this long.", minimum=1),
            "sides": {
                "enum": ["both", "none"],
                "description": "both = left, then right, one bout each.",
                "default": "none",
            },
            "sets": {"type": "integer", "minimum": 1, "maximum": format.MAX_SETS, "default": 1},
            "rest": _duration(
                "Rest between bouts of this step (0 = none); on its own, a REST step.", minimum=0
            ),
            "get_ready": _duration(
                "Countdown before the first bout of a hold or reps step (0 = none).", minimum=0
            ),
            "illustration": {
                "type": "string",
                "description": "A bundled figure's name (e.g. cat-cow) or a block of text (|).",
            },
            "cues": {"type": "array", "items": cue},
        },
    }
    return {
        "$schema": "http://json-schema.org/draft-07/schema#",
        "$id": "https://backroutine.invalid/routine.schema.json",
        "title": "backroutine routine",
        "description": "One routine: named steps of holds, reps, timed movement and rests.",
        "type": "object",
        "additionalProperties": False,
        "required": ["name", "category", "steps"],
        "properties": {
            "name": {"type": "string", "minLength": 1, "maxLength": format.MAX_NAME},
            "id": {
                "type": "string",
                "pattern": ID_PATTERN,
                "maxLength": format.MAX_ID,
                "description": "Defaults to the file name: lowercase, runs of other characters "
                "become -.",
            },
            "category": {
                "enum": list(CATEGORIES),
                "description": "Progression gates by category: strengthening unlocks once pain "
                "has clearly lessened.",
            },
            "summary": {
                "type": "string",
                "maxLength": format.MAX_LINE_TEXT,
                "description": "One line.",
            },
            "description": {"type": "string", "description": "Shown before starting (Markdown)."},
            "level": {"type": "integer", "minimum": format.LEVELS[0], "maximum": format.LEVELS[1]},
            "equipment": _text_list("What you need, e.g. [mat, heating pad]."),
            "cautions": _text_list("Shown before the first step."),
            "references": _text_list("Where the exercise advice comes from."),
            "defaults": {
                "type": "object",
                "additionalProperties": False,
                "description": "Every step inherits these unless it sets its own.",
                "properties": {
                    "rest": _duration("Rest between sets and sides (built in: 10s).", minimum=0),
                    "get_ready": _duration(
                        "Countdown before each hold or reps step (built in: 5s).", minimum=0
                    ),
                    "rep": _duration(
                        "Time per rep when a step sets neither tempo nor rep (built in: 3s).",
                        minimum=1,
                    ),
                },
            },
            "steps": {"type": "array", "minItems": 1, "items": step},
        },
    }


def schema_json() -> str:
    return json.dumps(routine_schema(), indent=2) + "\n"
