"""The house: floors point down. No import cycle between modules or between packages, and the
bottom floors import nothing from the services and edges above them.

The graph is read with `ast`, so imports inside functions count too (they are cycles all the
same, only deferred); imports under `if TYPE_CHECKING:` do not (they never run).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "playtest"
TOP = PACKAGE.name


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _imported(tree: ast.AST, module: str, is_package: bool, known: set[str]) -> set[str]:
    """The package's modules this module imports, anywhere in it but TYPE_CHECKING blocks."""
    found: set[str] = set()

    def visit(node: ast.AST) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.If) and "TYPE_CHECKING" in ast.unparse(child.test):
                for other in child.orelse:
                    visit(other)
                continue
            if isinstance(child, ast.Import):
                found.update(alias.name for alias in child.names)
            elif isinstance(child, ast.ImportFrom):
                base = child.module or ""
                if child.level:
                    parts = module.split(".") if is_package else module.split(".")[:-1]
                    parts = parts[: len(parts) - (child.level - 1)]
                    base = ".".join([*parts, base] if base else parts)
                for alias in child.names:
                    # `from pkg import submodule` depends on the submodule, not on pkg itself.
                    name = f"{base}.{alias.name}"
                    found.add(name if name in known else base)
            visit(child)

    visit(tree)
    resolved = set()
    for name in found:
        while name and name not in known:
            name = name.rpartition(".")[0]
        if name and name != module:
            resolved.add(name)
    return resolved


def import_graph() -> dict[str, set[str]]:
    """module -> the package's modules it imports (migrations aside: Alembic runs those)."""
    files = [path for path in PACKAGE.rglob("*.py") if "migrations" not in path.parts]
    known = {_module_name(path) for path in files}
    return {
        _module_name(path): _imported(
            ast.parse(path.read_text(encoding="utf-8")),
            _module_name(path),
            path.name == "__init__.py",
            known,
        )
        for path in files
    }


def unit(module: str) -> str:
    """A module's package below playtest (playtest.board), or the top-level module itself."""
    return ".".join(module.split(".")[:2])


def package_graph(graph: dict[str, set[str]]) -> dict[str, set[str]]:
    """Packages and top-level modules as nodes. The app factory (playtest/__init__.py) is left
    out: it imports every feature to assemble the app, and nothing may import it back."""
    units: dict[str, set[str]] = {}
    for module, imports in graph.items():
        if module == TOP:
            continue
        units.setdefault(unit(module), set()).update(
            unit(other) for other in imports if other != TOP and unit(other) != unit(module)
        )
    return units


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Every strongly connected component of more than one node (Tarjan's algorithm)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def strong(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for other in sorted(graph.get(node, ())):
            if other not in index:
                strong(other)
                low[node] = min(low[node], low[other])
            elif other in on_stack:
                low[node] = min(low[node], index[other])
        if low[node] == index[node]:
            component = []
            while True:
                other = stack.pop()
                on_stack.discard(other)
                component.append(other)
                if other == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            strong(node)
    return found


GRAPH = import_graph()


def test_the_graph_sees_imports_inside_functions_and_skips_type_checking_blocks():
    source = (
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n    from playtest.models import Session\n"
        "def later():\n    from playtest.facilitation import services\n"
    )
    known = {"playtest.models", "playtest.facilitation", "playtest.facilitation.services"}
    found = _imported(ast.parse(source), "playtest.demo", False, known)
    assert found == {"playtest.facilitation.services"}


def test_the_cycle_finder_finds_a_cycle_through_three_modules():
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert cycles(graph) == [["a", "b", "c"]]
    assert cycles({"a": {"b"}, "b": set()}) == []


def test_no_module_imports_itself_back_through_others():
    assert cycles(GRAPH) == []


def test_no_package_imports_itself_back_through_others():
    assert cycles(package_graph(GRAPH)) == []


def _everything_below(module: str) -> set[str]:
    seen: set[str] = set()
    todo = [module]
    while todo:
        for other in GRAPH.get(todo.pop(), ()):
            if other not in seen:
                seen.add(other)
                todo.append(other)
    return seen


# The floors at the bottom of the house, with all they may reach (directly or not).
FLOORS = {
    "playtest.enums": set(),
    "playtest.timeutil": set(),
    "playtest.caches": set(),
    "playtest.extensions": set(),
    "playtest.config": {"playtest.enums"},
    "playtest.errors": {"playtest.config", "playtest.enums"},
    "playtest.models": {
        "playtest.config",
        "playtest.enums",
        "playtest.extensions",
        "playtest.timeutil",
    },
    "playtest.i18n": {"playtest.config", "playtest.enums"},
    # The pure cores: plain functions over plain data.
    "playtest.facilitation.clock": {"playtest.config", "playtest.enums", "playtest.timeutil"},
    "playtest.summary.stats": set(),
    "playtest.summary.metrics": {"playtest.enums", "playtest.summary.stats"},
}


@pytest.mark.parametrize("module", sorted(FLOORS))
def test_a_bottom_floor_reaches_nothing_above_it(module):
    assert module in GRAPH, f"{module} no longer exists: update FLOORS"
    assert _everything_below(module) <= FLOORS[module]


def test_the_realtime_plumbing_imports_no_service_or_edge():
    reached = _everything_below("playtest.realtime")
    features = ("api", "auth", "board", "cases", "facilitation", "playbooks", "summary")
    assert not {m for m in reached if m.split(".")[1] in features}
    assert not {m for m in reached if m.endswith((".services", ".routes", ".events"))}
