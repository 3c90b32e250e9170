"""The wheel carries routines/ and sounds/, and an installed copy finds them from anywhere."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    # No build isolation: hatchling comes with the dev extras, so this needs no network.
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            str(REPO),
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            str(out),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    (built,) = out.glob("backroutine-*.whl")
    return built


def test_the_wheel_contains_the_library_and_sounds(wheel: Path) -> None:
    names = zipfile.ZipFile(wheel).namelist()
    routines = [n for n in names if n.startswith("backroutine/routines/") and n.endswith(".yaml")]
    assert len(routines) == len(list((REPO / "routines").glob("*.yaml")))
    assert "backroutine/routines/figures/cat-cow.txt" in names
    for sound in ("tick", "start", "rest", "side", "rep", "bell", "chime"):
        assert f"backroutine/sounds/{sound}.wav" in names


def test_the_wheel_has_the_cli_package_behind_the_entry_point(wheel: Path) -> None:
    archive = zipfile.ZipFile(wheel)
    names = archive.namelist()
    assert "backroutine/cli/__init__.py" in names and "backroutine/cli/common.py" in names
    assert "backroutine/cli.py" not in names  # a module beside the package would be shadowed
    (entry_points,) = [n for n in names if n.endswith(".dist-info/entry_points.txt")]
    text = archive.read(entry_points).decode()
    assert "backroutine = backroutine.cli:main" in text


def test_an_installed_copy_lists_the_library_from_any_folder(wheel: Path, tmp_path: Path) -> None:
    target = tmp_path / "site"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--no-deps",
            "-q",
            "--target",
            str(target),
            str(wheel),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = dict(os.environ, PYTHONPATH=str(target), BACKROUTINE_HOME=str(tmp_path / "home"))
    run = subprocess.run(
        [sys.executable, "-m", "backroutine", "list", "--json"],
        cwd=elsewhere,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert run.returncode == 0, run.stderr
    items = json.loads(run.stdout)
    assert len(items) >= 12
    assert all(Path(i["path"]).is_relative_to(target) for i in items), items[0]["path"]
    check = subprocess.run(
        [
            sys.executable,
            "-c",
            "from backroutine.core import paths; "
            "print(paths.bundled_sounds_dir()); print(sorted(paths.bundled_sound_names()))",
        ],
        cwd=elsewhere,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    folder, names = check.stdout.splitlines()
    assert Path(folder).is_relative_to(target)
    assert "bell" in names
