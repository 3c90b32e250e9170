"""Import hygiene: the core never imports the UI; quick commands never load Textual."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

import backroutine
from backroutine.core import paths

PACKAGE = Path(backroutine.__file__).parent
ALLOWED_IN_CORE = {"yaml", "platformdirs", "backroutine"}


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


@pytest.mark.parametrize("path", sorted((PACKAGE / "core").glob("*.py")), ids=lambda p: p.name)
def test_the_core_imports_only_the_standard_library_and_yaml(path: Path) -> None:
    outside = _imports(path) - set(sys.stdlib_module_names) - ALLOWED_IN_CORE
    assert not outside, f"{path.name} imports {outside}"


def test_core_modules_import_nothing_from_the_clients() -> None:
    for path in (PACKAGE / "core").glob("*.py"):
        source = path.read_text(encoding="utf-8")
        assert "backroutine.ui" not in source and "backroutine.cli" not in source, path.name
        assert "print(" not in source, f"{path.name} prints; the core returns values"


def _modules_loaded(*args: str) -> str:
    run = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "backroutine", *args],
        capture_output=True,
        text=True,
        timeout=60,
    )
    return run.stderr


@pytest.mark.parametrize(
    "args",
    [("--version",), ("validate", str(paths.bundled_routines_dir() / "desk-break.yaml"))],
)
def test_quick_commands_do_not_import_textual(args: tuple[str, ...]) -> None:
    loaded = _modules_loaded(*args)
    assert "backroutine" in loaded  # the measurement itself works
    assert "textual" not in loaded
    assert "playsound3" not in loaded
