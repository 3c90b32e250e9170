"""The JSON Schema for editors agrees with the loader where a schema can speak."""

from __future__ import annotations

import textwrap
from pathlib import Path

import jsonschema
import pytest
import yaml

from backroutine.core import paths
from backroutine.core.errors import RoutineError
from backroutine.core.library import routine_files
from backroutine.core.loading import load_text
from backroutine.core.schema import routine_schema

VALIDATOR = jsonschema.Draft7Validator(routine_schema())


def test_the_schema_is_a_valid_draft7_schema() -> None:
    jsonschema.Draft7Validator.check_schema(routine_schema())


@pytest.mark.parametrize(
    "path", routine_files(paths.bundled_routines_dir(), recursive=False), ids=lambda p: p.stem
)
def test_every_bundled_routine_matches_the_schema(path: Path) -> None:
    document = yaml.safe_load(path.read_text(encoding="utf-8"))
    errors = [e.message for e in VALIDATOR.iter_errors(document)]
    assert not errors


# Documents the loader refuses for a reason a schema can express: the schema refuses them too.
# fmt: off
REFUSED_BY_BOTH = [
    "name: R\ncategory: gentle\nsteps:\n  - {name: W, duraton: 2m}\n",
    "name: R\ncategory: gentle\nsteps:\n  - {name: B, reps: 0}\n",
    "name: R\ncategory: gentle\nlevel: 6\nsteps: [{rest: 5}]\n",
    "name: R\ncategory: gentle\nsteps:\n  - {name: S, reps: 8, tempo: 2-1-2, rep: 4s}\n",
    "name: R\ncategory: gentle\nsteps:\n  - {name: S, hold: 5, reps: 8}\n",
    "name: R\ncategory: gentle\nsteps:\n  - {name: S, hold: 30 secs}\n",
    "name: R\ncategory: gentle\nsteps:\n  - {name: S, hold: 5, sides: left}\n",
    "name: R\ncategory: gentle\nsteps:\n  - {name: S, hold: 5, sets: 21}\n",
    "name: R\ncategory: gentle\nsteps:\n  - {name: S, reps: 5, tempo: '2'}\n",
    "name: R\ncategory: gentle\nsteps:\n  - {hold: 5}\n",
    "name: R\ncategory: gentle\nsteps:\n  - {name: S, hold: 5, cues: [{at: 1s}]}\n",
    "name: R\ncategory: gentle\nsteps:\n  - {name: S, hold: 5, cues: [{at: 1s, sound: /a.wav}]}\n",
    "name: R\ncategory: gentle\nsteps:\n  - {name: S, hold: 5, cues: [{at: 1s, sound: ../a.wav}]}\n",
    "name: R\ncategory: cardio\nsteps: [{rest: 5}]\n",
    "name: R\ncategory: gentle\nid: Bad Id\nsteps: [{rest: 5}]\n",
    "name: R\ncategory: gentle\nsteps: []\n",
    "category: gentle\nsteps: [{rest: 5}]\n",
]
# fmt: on


@pytest.mark.parametrize("text", REFUSED_BY_BOTH)
def test_refused_by_the_loader_and_the_schema(text: str) -> None:
    with pytest.raises(RoutineError):
        load_text(text, path=Path("/nonexistent/r.yaml"))
    assert list(VALIDATOR.iter_errors(yaml.safe_load(text)))


def test_the_starter_template_matches_the_schema(tmp_path: Path) -> None:
    from backroutine.core.starter import starter_routine

    text = starter_routine("Mine", "gentle", "mine", "mine.yaml")
    assert not list(VALIDATOR.iter_errors(yaml.safe_load(textwrap.dedent(text))))


# One corpus of values through both the loader (`validate`) and the JSON Schema: they agree on
# every one, because both take their numbers and patterns from core/format.py.
DURATIONS = ["45", 45, " 45 ", "45s", "2m", "1m30s", "1h", "1h 30m", "1h30m15s", "2h", 7200,
             7201, "0", 0, "0s", "0m0s", "-0s", "-5s", -5, "30 secs", "1x", "", "  ", "h",
             "1s 2m", "1.5m", "٤٥", "45\u00a0s", "1" * 50, "1m 30 s"]  # fmt: skip
# What a schema cannot say: it does not add up hours, minutes and seconds. The loader alone
# refuses these (and says why); the schema lets them through.
LOADER_ONLY = ["2h1s", "121m", "1h61m", "7201s"]
CUE_TIMES = ["50%", "100%", "100.0%", "101%", "0%", "12.5%", "10s", "-5s", "-0s", "-0", "0s",
             "1m 30s", "- 5s", "-1m0s", "5", -5, 0, "10 s", "50 %", "%", "-", "-1m30s"]  # fmt: skip
TEMPOS = ["2-1-2", "2 - 1 - 2", "2-0-2", "0-0", "0-0-0-1", "61-1", "60-0", "1-2-3-4",
          "1-2-3-4-5", "2", "2-", "-2-1", "02-01", "2--1", "١-٢"]  # fmt: skip
IDS = ["morning-ease", "a", "x" * 64, "x" * 65, "Morning", "bad id", "é", "a_b", "-"]


def _loader_accepts(document: dict) -> bool:
    text = yaml.safe_dump(document, allow_unicode=True)
    try:
        load_text(text, path=Path("/nonexistent/r.yaml"))
    except RoutineError:
        return False
    return True


def _agree(document: dict) -> None:
    schema_accepts = not list(VALIDATOR.iter_errors(document))
    assert _loader_accepts(document) == schema_accepts, document


@pytest.mark.parametrize("value", DURATIONS)
def test_durations_agree(value: object) -> None:
    _agree({"name": "R", "category": "gentle", "steps": [{"name": "S", "hold": value}]})


@pytest.mark.parametrize("value", LOADER_ONLY)
def test_sums_over_2_hours_are_refused_by_the_loader(value: str) -> None:
    document = {"name": "R", "category": "gentle", "steps": [{"name": "S", "hold": value}]}
    assert not _loader_accepts(document)
    assert not list(VALIDATOR.iter_errors(document))  # a known limit of the schema


@pytest.mark.parametrize("value", CUE_TIMES)
def test_cue_times_agree(value: object) -> None:
    step = {"name": "S", "hold": 3600, "cues": [{"at": value, "say": "now"}]}
    _agree({"name": "R", "category": "gentle", "steps": [step]})


@pytest.mark.parametrize("value", TEMPOS)
def test_tempos_agree(value: str) -> None:
    step = {"name": "S", "reps": 2, "tempo": value}
    _agree({"name": "R", "category": "gentle", "steps": [step]})


@pytest.mark.parametrize("value", IDS)
def test_ids_agree(value: str) -> None:
    _agree({"name": "R", "id": value, "category": "gentle", "steps": [{"rest": 5}]})


@pytest.mark.parametrize(
    ("key", "value"),
    [("sets", 20), ("sets", 21), ("sets", 0), ("reps", 200), ("reps", 201), ("reps", 0)],
)
def test_step_bounds_agree(key: str, value: int) -> None:
    step = {"name": "S", "hold": 5, key: value} if key == "sets" else {"name": "S", key: value}
    _agree({"name": "R", "category": "gentle", "steps": [step]})


@pytest.mark.parametrize(("key", "value"), [("name", "n" * 80), ("name", "n" * 81), ("level", 5),
                                            ("level", 6), ("summary", "s" * 200),
                                            ("summary", "s" * 201)])  # fmt: skip
def test_top_bounds_agree(key: str, value: object) -> None:
    document = {"name": "R", "category": "gentle", "steps": [{"rest": 5}]}
    document[key] = value
    _agree(document)
