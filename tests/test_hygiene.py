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


# The use cases sit under the clients and over the core and the ports: they never draw, never
# reach up to a client, and know sound and speech only as Protocols of their own.
NOT_IN_SERVICES = (
    "textual",
    "rich",
    "backroutine.ui",
    "backroutine.cli",
    "backroutine.plain",
    "backroutine.audio",
    "backroutine.speech",
    "miniaudio",
    "playsound3",
)


def _is_type_checking(test: ast.expr) -> bool:
    if isinstance(test, ast.Name):
        return test.id == "TYPE_CHECKING"
    return isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"


def _runtime_imports(path: Path) -> set[str]:
    """Every module a file imports when it runs, also inside functions; what is imported only
    for the type checker (under `if TYPE_CHECKING:`) is left out."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    skipped: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and _is_type_checking(node.test):
            skipped |= {id(inner) for stmt in node.body for inner in ast.walk(stmt)}
    names: set[str] = set()
    for node in ast.walk(tree):
        if id(node) in skipped:
            continue
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            if node.level:  # relative: from the services package itself
                names.add(f"backroutine.services.{node.module}")
            else:
                names.add(node.module)
                names |= {f"{node.module}.{alias.name}" for alias in node.names}
    return names


@pytest.mark.parametrize("path", sorted((PACKAGE / "services").glob("*.py")), ids=lambda p: p.name)
def test_services_import_no_client_no_drawing_and_no_sound_or_speech(path: Path) -> None:
    imported = _runtime_imports(path)
    bad = sorted(
        name
        for name in imported
        for banned in NOT_IN_SERVICES
        if name == banned or name.startswith(banned + ".")
    )
    assert not bad, f"services/{path.name} imports {bad} at run time"
    assert "print(" not in path.read_text(encoding="utf-8"), f"services/{path.name} prints"


def test_the_services_check_sees_imports_inside_functions_but_not_for_types(
    tmp_path: Path,
) -> None:
    source = tmp_path / "sample.py"
    source.write_text(
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n"
        "    from backroutine.audio import Player\n"
        "def f():\n"
        "    from backroutine import speech\n"
        "    import textual.app\n",
        encoding="utf-8",
    )
    found = _runtime_imports(source)
    assert {"backroutine.speech", "textual.app"} <= found
    assert not any(name.startswith("backroutine.audio") for name in found)


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


# -- no import cycles ----------------------------------------------------------------------

REPO = PACKAGE.parent.parent
CYCLES = REPO / "tools" / "import_cycles.py"


def _find_cycles(package: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(CYCLES), str(package)], capture_output=True, text=True, timeout=60
    )


def test_the_package_has_no_import_cycles() -> None:
    run = _find_cycles(PACKAGE)
    assert run.returncode == 0, run.stdout + run.stderr
    assert run.stdout.strip() == "no import cycles in backroutine"


def _package(root: Path, files: dict[str, str]) -> Path:
    package = root / "pkg"
    for name, text in {"__init__.py": "", **files}.items():
        path = package / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return package


@pytest.mark.parametrize(
    ("files", "circle"),
    [
        # At the top of both modules.
        ({"a.py": "import pkg.b\n", "b.py": "from pkg.a import x\n"}, "pkg.a -> pkg.b -> pkg.a"),
        # Lazily, inside a function, and relative: still a circle.
        (
            {"a.py": "from . import b\n", "b.py": "def f():\n    from .a import x\n"},
            "pkg.a -> pkg.b -> pkg.a",
        ),
        # Three modules round, one of them a subpackage.
        (
            {
                "a.py": "from pkg.sub import c\n",
                "sub/__init__.py": "",
                "sub/c.py": "from pkg import b\n",
                "b.py": "def f():\n    import pkg.a\n",
            },
            "pkg.a -> pkg.sub.c -> pkg.b -> pkg.a",
        ),
    ],
)
def test_the_cycle_check_finds_a_cycle(tmp_path: Path, files: dict[str, str], circle: str) -> None:
    run = _find_cycles(_package(tmp_path, files))
    assert run.returncode == 1
    assert circle in run.stdout
    assert "1 import cycle(s) in pkg" in run.stderr


def test_the_cycle_check_lets_be_what_is_no_cycle(tmp_path: Path) -> None:
    package = _package(
        tmp_path,
        {
            # A package's __init__ that imports its parts, which import each other's: fine.
            "__init__.py": "from pkg.sub import c\n",
            "sub/__init__.py": "from pkg.sub.c import x\n",
            "sub/c.py": "from pkg.sub import d\nx = 1\n",
            "sub/d.py": "import os\n",
            # Imports for type checkers only never run.
            "a.py": "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from pkg import b\n",
            "b.py": "import pkg.a\n",
        },
    )
    run = _find_cycles(package)
    assert run.returncode == 0, run.stdout


def test_nothing_below_the_cli_imports_it() -> None:
    """The CLI is a client: the core, the use cases, the ports, the TUI and the plain player
    never import it."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("import_cycles", CYCLES)
    assert spec is not None and spec.loader is not None
    tool = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(tool)
    clients = {"backroutine.__main__"}
    upward = sorted(
        f"{module} -> {target}"
        for module, targets in tool.import_graph(PACKAGE).items()
        if module not in clients and not module.startswith("backroutine.cli")
        for target in targets
        if target == "backroutine.cli" or target.startswith("backroutine.cli.")
    )
    assert not upward
