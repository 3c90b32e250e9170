"""Shared fixtures: a throwaway data folder, a routine-file writer, and the CLI in-process."""

from __future__ import annotations

import os
import textwrap
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import settings

from backroutine.cli import main

# In CI the property tests are the same every run (derandomized): a red build always means a
# change, never a new random example; locally they keep exploring.
settings.register_profile("ci", derandomize=True, database=None, print_blob=True)
if os.environ.get("CI"):
    settings.load_profile("ci")

REPO = Path(__file__).resolve().parent.parent
CASES = REPO.parent / "shared" / "acceptance" / "cases"  # only present beside the repo


@pytest.fixture(autouse=True)
def _isolated_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """No test may touch the real user data folder."""
    home = tmp_path / "home"
    monkeypatch.setenv("BACKROUTINE_HOME", str(home))
    monkeypatch.setenv("BACKROUTINE_AUDIO", "off")
    # The device's id and name (core/device.py) live in the user config folder: one per test.
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    return home


@pytest.fixture
def data_dir(_isolated_home: Path) -> Path:
    return _isolated_home


@pytest.fixture
def write(tmp_path: Path) -> Callable[..., Path]:
    """write("name.yaml", text) -> path; the text is dedented."""

    def _write(name: str, text: str, folder: Path | None = None) -> Path:
        path = (folder or tmp_path / "files") / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
        return path

    return _write


@dataclass
class Result:
    code: int
    out: str
    err: str


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str]) -> Callable[..., Result]:
    def _run(*args: str) -> Result:
        try:
            code = main(list(args))
        except SystemExit as exc:  # argparse: --help, --version, usage errors
            code = exc.code if isinstance(exc.code, int) else 1
        captured = capsys.readouterr()
        return Result(code, captured.out, captured.err)

    return _run
