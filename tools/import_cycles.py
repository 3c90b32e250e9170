"""Print the import cycles among a package's modules; exit 1 if there is any.

    python tools/import_cycles.py [PACKAGE_DIR]    (default: src/backroutine)

Every import statement counts, at the top of a module or inside a function (a lazy import
still makes a circle: the two modules then need each other to work), except those under
`if TYPE_CHECKING:`, which never run. `from a import b` leans on `a.b` when that is a module,
else on `a`. Importing `a.b` also runs `a/__init__.py`, but that is not counted as leaning on
`a`: a package's `__init__` that imports its own parts is not a circle.

Standard library only, so it runs anywhere (the hygiene test runs it).
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path


def module_names(package_dir: Path) -> dict[str, Path]:
    """Each module's dotted name -> its file, for the package at `package_dir`."""
    root = package_dir.parent
    names: dict[str, Path] = {}
    for path in sorted(package_dir.rglob("*.py")):
        parts = list(path.relative_to(root).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        if all(part.isidentifier() for part in parts):
            names[".".join(parts)] = path
    return names


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _imports(tree: ast.AST) -> list[ast.Import | ast.ImportFrom]:
    """The import statements that can run: all of them but those under `if TYPE_CHECKING:`."""
    found: list[ast.Import | ast.ImportFrom] = []

    def visit(node: ast.AST) -> None:
        if isinstance(node, ast.Import | ast.ImportFrom):
            found.append(node)
        elif isinstance(node, ast.If) and _is_type_checking(node.test):
            for child in node.orelse:
                visit(child)
            return
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(tree)
    return found


def _base(module: str, is_package: bool, node: ast.ImportFrom) -> str:
    if node.level == 0:
        return node.module or ""
    parts = module.split(".")
    if not is_package:
        parts.pop()
    if node.level > 1:
        parts = parts[: len(parts) - (node.level - 1)]
    return ".".join([*parts, node.module] if node.module else parts)


def import_graph(package_dir: Path) -> dict[str, set[str]]:
    """Module -> the modules of the same package it imports."""
    modules = module_names(package_dir)
    graph: dict[str, set[str]] = {name: set() for name in modules}
    for name, path in modules.items():
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        is_package = path.name == "__init__.py"
        for node in _imports(tree):
            targets: list[str] = []
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            else:
                base = _base(name, is_package, node)
                for alias in node.names:
                    submodule = f"{base}.{alias.name}"
                    targets.append(submodule if submodule in modules else base)
            for target in targets:
                # `import a.b.c` where only a.b is a module here: lean on the longest that is.
                while target and target not in modules:
                    target = target.rpartition(".")[0]
                if target and target != name:
                    graph[name].add(target)
    return graph


def tangles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The groups of modules that lean on each other, all ways round (the strongly connected
    parts with more than one module: Tarjan's algorithm), each sorted by name."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    parts: list[list[str]] = []

    def connect(start: str) -> None:
        # Iterative, so a deep graph cannot hit the recursion limit.
        work = [(start, iter(sorted(graph[start])))]
        index[start] = low[start] = len(index)
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            for child in children:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph[child]))))
                    break
                if child in on_stack:
                    low[node] = min(low[node], index[child])
            else:
                work.pop()
                if work:
                    parent = work[-1][0]
                    low[parent] = min(low[parent], low[node])
                if low[node] == index[node]:
                    part = []
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        part.append(member)
                        if member == node:
                            break
                    if len(part) > 1:
                        parts.append(sorted(part))

    for name in sorted(graph):
        if name not in index:
            connect(name)
    return sorted(parts)


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """One shortest circle through each tangle, from its first module in name order."""
    return [circle(graph, part) for part in tangles(graph)]


def circle(graph: dict[str, set[str]], part: list[str]) -> list[str]:
    """A shortest path from the part's first module back to itself, inside the part."""
    members = set(part)
    start = part[0]
    previous: dict[str, str] = {}
    frontier = [start]
    while frontier:
        following = []
        for node in frontier:
            for child in sorted(graph[node] & members):
                if child == start:
                    path = [node]
                    while path[-1] != start:
                        path.append(previous[path[-1]])
                    return [start, *reversed(path[:-1]), start]
                if child not in previous:
                    previous[child] = node
                    following.append(child)
        frontier = following
    return [*part, start]  # not reached: a strongly connected part has a circle


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    default = Path(__file__).resolve().parent.parent / "src" / "backroutine"
    package_dir = Path(args[0]) if args else default
    if not (package_dir / "__init__.py").is_file():
        print(f"import_cycles: {package_dir} is not a package", file=sys.stderr)
        return 2
    graph = import_graph(package_dir)
    found = tangles(graph)
    for part in found:
        path = circle(graph, part)
        others = sorted(set(part) - set(path))
        print(" -> ".join(path) + (f"  (tangled with it: {', '.join(others)})" if others else ""))
    if found:
        print(f"{len(found)} import cycle(s) in {package_dir.name}", file=sys.stderr)
        return 1
    print(f"no import cycles in {package_dir.name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
