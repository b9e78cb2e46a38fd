"""The package layout keeps its promises: no import cycles, no project imports tucked inside
functions (the usual way to hide a cycle), and no module much over 400 lines."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("optimizers", "surfaces", "playground")
MAX_LINES = 420  # "about 400": a module past this is doing more than one thing


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def project_modules() -> dict[str, Path]:
    return {module_name(p): p for pkg in PACKAGES for p in sorted((ROOT / pkg).rglob("*.py"))}


def resolve(node: ast.ImportFrom, name: str, is_package: bool) -> str:
    if not node.level:
        return node.module or ""
    base = name.split(".") if is_package else name.split(".")[:-1]
    base = base[: len(base) - (node.level - 1)]
    return ".".join(base + ([node.module] if node.module else []))


def imported(tree: ast.AST, name: str, is_package: bool, modules: dict[str, Path]) -> set[str]:
    """Project modules a statement list imports, with the packages each one runs first."""
    out: set[str] = set()

    running = {".".join(name.split(".")[:i]) for i in range(1, name.count(".") + 1)}  # own parents

    def add(target: str) -> None:
        parts = target.split(".")
        for i in range(1, len(parts) + 1):
            prefix = ".".join(parts[:i])
            if prefix in modules and prefix not in running:
                out.add(prefix)

    for node in tree:
        if isinstance(node, ast.Import):
            for alias in node.names:
                add(alias.name)
        elif isinstance(node, ast.ImportFrom):
            base = resolve(node, name, is_package)
            add(base)
            for alias in node.names:
                if f"{base}.{alias.name}" in modules:
                    add(f"{base}.{alias.name}")
    out.discard(name)
    return out


def top_level(tree: ast.Module) -> list[ast.stmt]:
    """Statements run on import: the module body and the bodies of its top-level if/try blocks."""
    out, todo = [], list(tree.body)
    while todo:
        node = todo.pop(0)
        out.append(node)
        if isinstance(node, ast.If | ast.Try):
            for field in ("body", "orelse", "finalbody"):
                todo.extend(getattr(node, field, []))
            for handler in getattr(node, "handlers", []):
                todo.extend(handler.body)
    return out


def graph() -> dict[str, set[str]]:
    modules = project_modules()
    return {
        name: imported(top_level(ast.parse(path.read_text())), name, path.name == "__init__.py", modules)
        for name, path in modules.items()
    }


def find_cycle(edges: dict[str, set[str]]) -> list[str] | None:
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(edges.get(node, ())):
            if state.get(nxt) == 1:
                return [*stack[stack.index(nxt):], nxt]
            if nxt not in state and (found := visit(nxt)):
                return found
        stack.pop()
        state[node] = 2
        return None

    for node in sorted(edges):
        if node not in state and (found := visit(node)):
            return found
    return None


def test_the_cycle_finder_sees_a_cycle_and_a_clean_graph():
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b", "c"}, "b": {"c"}, "c": set()}) is None


def test_the_graph_sees_relative_and_absolute_imports():
    edges = graph()
    assert "optimizers._spec" in edges["optimizers.adam"]  # relative: from ._spec import ...
    assert "playground.model.experiment" in edges["playground.page.sidebar"]  # absolute
    assert "playground.figures" in edges["playground.page.compute"]  # a package runs before its modules
    assert "optimizers" not in edges["optimizers.adam"]  # its own package is already running


def test_no_import_cycles():
    cycle = find_cycle(graph())
    assert cycle is None, "import cycle: " + " -> ".join(cycle)


@pytest.mark.parametrize("name", sorted(project_modules()))
def test_no_project_imports_inside_functions(name):
    path = project_modules()[name]
    tree = ast.parse(path.read_text())
    body_level = {id(n) for n in top_level(tree)}
    modules = project_modules()
    hidden = [
        f"line {node.lineno}"
        for node in ast.walk(tree)
        if isinstance(node, ast.Import | ast.ImportFrom) and id(node) not in body_level
        and imported([node], name, path.name == "__init__.py", modules)
    ]
    assert not hidden, f"{path.relative_to(ROOT)} imports project modules inside functions at {', '.join(hidden)}"


@pytest.mark.parametrize("name", sorted(project_modules()))
def test_modules_stay_small(name):
    path = project_modules()[name]
    lines = len(path.read_text().splitlines())
    assert lines <= MAX_LINES, f"{path.relative_to(ROOT)} has {lines} lines: split it by concern"
