"""The package layout keeps its promises: layers that only point down (and only the page loads
Streamlit, which the command line never does), no import cycles, no project imports tucked inside
functions (the usual way to hide a cycle), and no module much over 400 lines."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("optimizers", "surfaces", "playground")
MAX_LINES = 420  # "about 400": a module past this is doing more than one thing

#: Every module's layer, by its longest matching name: a module imports only from its own part
#: (the same row) or from a lower layer. Two rows on one layer may not import each other: the core's
#: two registries, the page and the command line, the page's script and the command line's.
#: ``exports`` sits above ``figures``: it writes the files with the figures' drawing, scene and the
#: player's payload, and a figure never writes a file.
LAYERS = {
    "optimizers": 0,
    "surfaces": 0,
    "playground": 0,  # the package's __init__: a docstring, nothing imported
    "playground.model": 1,
    "playground.figures": 2,
    "playground.exports": 3,
    "playground.page": 4,
    "playground.cli": 4,
    "playground.__main__": 5,
    "app": 5,
}
#: The only rows that may import Streamlit.
STREAMLIT = {"playground.page", "app"}


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def project_modules() -> dict[str, Path]:
    return {module_name(p): p for pkg in PACKAGES for p in sorted((ROOT / pkg).rglob("*.py"))}


def layered_modules() -> dict[str, Path]:
    """The packages and the page's script, ``app.py``, which sits on top of them."""
    return {**project_modules(), "app": ROOT / "app.py"}


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


def graph(modules: dict[str, Path] | None = None) -> dict[str, set[str]]:
    modules = project_modules() if modules is None else modules
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


def row(name: str) -> str | None:
    """The row of :data:`LAYERS` a module belongs to: the longest name that is it or contains it."""
    rows = [r for r in LAYERS if name == r or name.startswith(r + ".")]
    return max(rows, key=len, default=None)


def upward_imports(edges: dict[str, set[str]]) -> list[str]:
    """Imports that do not point down: into another row of the same layer or of a higher one."""
    out = []
    for name, targets in sorted(edges.items()):
        for target in sorted(targets):
            a, b = row(name), row(target)
            if a != b and LAYERS[b] >= LAYERS[a]:
                out.append(f"{name} (layer {LAYERS[a]}) imports {target} (layer {LAYERS[b]})")
    return out


def test_the_layer_check_sees_an_import_that_does_not_point_down():
    assert upward_imports({"playground.exports.html": {"playground.page.player", "playground.figures.scene"},
                           "playground.figures.scene": {"playground.exports"},
                           "optimizers.adam": {"surfaces", "optimizers._spec"},
                           "playground.page.views": {"playground.page.keys", "optimizers"}}) == [
        "optimizers.adam (layer 0) imports surfaces (layer 0)",
        "playground.exports.html (layer 3) imports playground.page.player (layer 4)",
        "playground.figures.scene (layer 2) imports playground.exports (layer 3)",
    ]
    assert row("playground.figures.player_data") == "playground.figures" and row("playground") == "playground"
    assert row("tools.make_golden") is None


def test_every_module_has_a_layer():
    assert [name for name in layered_modules() if row(name) is None] == []


def test_layers_only_point_down():
    upward = upward_imports(graph(layered_modules()))
    assert not upward, "imports that do not point down:\n" + "\n".join(upward)


def streamlit_imports(path: Path) -> list[int]:
    """Lines importing Streamlit anywhere in a module, inside functions too."""
    lines = []
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and not node.level:
            names = [node.module or ""]
        else:
            continue
        if any(n.split(".")[0] == "streamlit" for n in names):
            lines.append(node.lineno)
    return lines


def test_only_the_page_imports_streamlit():
    found = {name: lines for name, path in layered_modules().items()
             if row(name) not in STREAMLIT and (lines := streamlit_imports(path))}
    assert not found, f"Streamlit imported outside the page: {found}"


# Runs the command line's main, then says on the last line whether Streamlit was loaded.
PROBE = """\
import sys
from playground.cli import main
code = main(sys.argv[1:])
print("\\nstreamlit loaded:", "streamlit" in sys.modules)
sys.exit(code)
"""


@pytest.mark.parametrize("command", ["lessons", "export-json", "export-html"])
def test_the_command_line_never_loads_streamlit(command, tmp_path):
    """`python -m playground lessons` and the exports (whose HTML is the page's own player) run
    without Streamlit: the whole chain of imports they load, third-party ones too, is checked."""
    args = {"lessons": ["lessons"],
            "export-json": ["export", "surface=bowl&opt=adam;sgd&steps=20", "--format", "json",
                            "--out", str(tmp_path / "race.json")],
            "export-html": ["export", "surface=bowl&opt=adam&steps=20", "--format", "html",
                            "--out", str(tmp_path / "race.html")]}[command]
    done = subprocess.run([sys.executable, "-c", PROBE, *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.rstrip().splitlines()[-1] == "streamlit loaded: False", done.stdout[-500:]
    if command != "lessons":
        assert (tmp_path / ("race." + command[len("export-"):])).stat().st_size > 0
