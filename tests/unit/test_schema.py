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
