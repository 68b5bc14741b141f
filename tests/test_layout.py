"""The package's layering, pinned: imports run one way, no circles, no module a reader can't hold.

Layers, lowest first (docs/architecture.md): the exception classes, the HTTP core, models and
webhook parsing, resources, the correlator and its bundle model, the renderers, the client
facade, and the faces (CLI, webhook receiver, agents, MCP). A module may import its own layer
or a lower one. The sandbox stands apart: it imports nothing outside itself, so it cannot
share the client's mistakes, and only the faces (and the client's `sandbox()`) reach it.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "betterstack_rca"
MAX_LINES = 500

#: (layer, name, module-name prefixes); the most specific prefix decides.
LAYERS: list[tuple[int, str, tuple[str, ...]]] = [
    (
        0,
        "leaf",
        (
            "betterstack_rca._version",
            "betterstack_rca.errors",
            "betterstack_rca._scrub",
            "betterstack_rca._files",
            "betterstack_rca._units",
        ),
    ),
    (1, "core", ("betterstack_rca._core",)),
    (2, "models", ("betterstack_rca.models", "betterstack_rca.webhooks")),
    (3, "resources", ("betterstack_rca.resources",)),
    (4, "rca", ("betterstack_rca.rca",)),
    (5, "renderers", ("betterstack_rca.rca.render", "betterstack_rca.rca.renderers")),
    (6, "facade", ("betterstack_rca", "betterstack_rca.client", "betterstack_rca.report")),
    (
        7,
        "faces",
        (
            "betterstack_rca.cli",
            "betterstack_rca.webhooks.receiver",
            "betterstack_rca.agents",
            "betterstack_rca.mcp",
            "betterstack_rca.__main__",
        ),
    ),
]
SANDBOX = "betterstack_rca.sandbox"

#: Function-level imports that point up a layer on purpose, each with its reason.
LATE_IMPORTS: dict[tuple[str, str], str] = {
    # The model offers `bundle.to_markdown()`; the renderer depends on the model, not the reverse.
    ("betterstack_rca.rca.bundle", "betterstack_rca.rca.render"): "bundle.to_markdown()",
    # The same for notebooks: `bundle._repr_html_()` calls the HTML renderer.
    ("betterstack_rca.rca.bundle", "betterstack_rca.rca.renderers.html"): "bundle._repr_html_()",
    # And `bundle.to_postmortem()` and `bundle.plot()` (matplotlib only when called).
    (
        "betterstack_rca.rca.bundle",
        "betterstack_rca.rca.renderers.postmortem",
    ): "bundle.to_postmortem()",
    ("betterstack_rca.rca.bundle", "betterstack_rca.rca.renderers.plot"): "bundle.plot()",
}


@dataclass(frozen=True)
class Import:
    source: str
    target: str
    line: int
    module_level: bool


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


MODULES: dict[str, Path] = {_module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def _is_package(name: str) -> bool:
    return MODULES[name].name == "__init__.py"


def _resolve(source: str, node: ast.Import | ast.ImportFrom) -> list[str]:
    """The package modules one import statement reaches (a name of a package is the package)."""
    if isinstance(node, ast.Import):
        return [n.name for n in node.names if n.name in MODULES]
    if node.level:
        base = source.split(".")
        if not _is_package(source):
            base = base[:-1]
        base = base[: len(base) - (node.level - 1)]
        module = ".".join([*base, node.module] if node.module else base)
    else:
        module = node.module or ""
    if module not in MODULES:
        return []
    found = []
    for alias in node.names:
        sub = f"{module}.{alias.name}"
        found.append(sub if sub in MODULES else module)
    return found


def _imports(name: str) -> list[Import]:
    tree = ast.parse(MODULES[name].read_text(encoding="utf-8"))
    found: list[Import] = []

    def visit(node: ast.AST, module_level: bool) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.Import | ast.ImportFrom):
                for target in _resolve(name, child):
                    found.append(Import(name, target, child.lineno, module_level))
            inner = module_level and not isinstance(
                child, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda
            )
            visit(child, inner)

    visit(tree, True)
    return found


ALL_IMPORTS = [imp for name in MODULES for imp in _imports(name)]


def layer_of(name: str) -> tuple[int, str]:
    best: tuple[int, int, str] | None = None
    for layer, label, prefixes in LAYERS:
        for prefix in prefixes:
            # The package root is its own module only: a new module must be given a layer.
            nested = prefix != PACKAGE.name and name.startswith(prefix + ".")
            matches = name == prefix or nested
            if matches and (best is None or len(prefix) > best[0]):
                best = (len(prefix), layer, label)
    assert best is not None, f"{name} belongs to no layer: add it to LAYERS"
    return best[1], best[2]


def _in_sandbox(name: str) -> bool:
    return name == SANDBOX or name.startswith(SANDBOX + ".")


def test_every_module_belongs_to_a_layer() -> None:
    for name in MODULES:
        if not _in_sandbox(name):
            layer_of(name)


def test_imports_run_downward_only() -> None:
    upward = []
    for imp in ALL_IMPORTS:
        if _in_sandbox(imp.source) or _in_sandbox(imp.target):
            continue
        (src_layer, src_label), (dst_layer, dst_label) = layer_of(imp.source), layer_of(imp.target)
        if dst_layer <= src_layer:
            continue
        if not imp.module_level and (imp.source, imp.target) in LATE_IMPORTS:
            continue
        upward.append(f"{imp.source}:{imp.line} ({src_label}) imports {imp.target} ({dst_label})")
    assert upward == []


def test_the_sandbox_imports_nothing_of_the_client() -> None:
    outside = [
        f"{imp.source}:{imp.line} imports {imp.target}"
        for imp in ALL_IMPORTS
        if _in_sandbox(imp.source) and not _in_sandbox(imp.target)
    ]
    assert outside == []


def test_only_the_faces_reach_the_sandbox() -> None:
    below = [
        f"{imp.source}:{imp.line} imports {imp.target}"
        for imp in ALL_IMPORTS
        if _in_sandbox(imp.target) and not _in_sandbox(imp.source) and layer_of(imp.source)[0] < 6
    ]
    assert below == []


def _module_graph() -> dict[str, set[str]]:
    graph: dict[str, set[str]] = {name: set() for name in MODULES}
    for imp in ALL_IMPORTS:
        if imp.module_level and imp.target != imp.source:
            graph[imp.source].add(imp.target)
    return graph


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    # Tarjan's strongly connected components, iteratively.
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = 0
    for root, edges in graph.items():
        if root in index:
            continue
        work = [(root, iter(sorted(edges)))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            for child in children:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph[child]))))
                    break
                if child in on_stack:
                    low[node] = min(low[node], index[child])
            else:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[node])
                if low[node] == index[node]:
                    component = []
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        component.append(member)
                        if member == node:
                            break
                    if len(component) > 1:
                        found.append(sorted(component))
    return found


def test_no_import_circle_between_modules() -> None:
    assert _cycles(_module_graph()) == []


@pytest.mark.parametrize("name", sorted(MODULES))
def test_no_module_over_500_lines(name: str) -> None:
    lines = MODULES[name].read_text(encoding="utf-8").count("\n")
    assert lines <= MAX_LINES, f"{MODULES[name].relative_to(PACKAGE.parent)}: {lines} lines"


def test_the_checker_sees_an_upward_import_and_a_circle() -> None:
    # The rules above must be able to fail: feed them a made-up circle and upward import.
    circle = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert _cycles(circle) == [["a", "b", "c"]]
    assert _cycles({"a": {"b"}, "b": set()}) == []
    assert layer_of("betterstack_rca._core.http")[0] < layer_of("betterstack_rca.rca.collector")[0]
    assert layer_of("betterstack_rca.rca.render")[1] == "renderers"
    assert layer_of("betterstack_rca.webhooks.receiver")[1] == "faces"
    node = ast.parse("from betterstack_rca.rca import bundle").body[0]
    assert isinstance(node, ast.ImportFrom)
    assert _resolve("betterstack_rca.models", node) == ["betterstack_rca.rca.bundle"]
