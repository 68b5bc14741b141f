"""The shape of `betterstack_rca.cli`: one registered module per command, small modules, and
imports between them that only go one way."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from betterstack_rca import cli
from betterstack_rca.cli import _main

PACKAGE = "betterstack_rca.cli"
ROOT = Path(cli.__file__).parent
MODULES = {
    PACKAGE if path.stem == "__init__" else f"{PACKAGE}.{path.stem}": path
    for path in sorted(ROOT.glob("*.py"))
}


def module_level_imports(name: str) -> set[str]:
    """The cli modules `name` imports when it is imported (``if TYPE_CHECKING:`` included,
    imports inside functions not)."""
    found: set[str] = set()
    pending: list[ast.AST] = list(ast.parse(MODULES[name].read_text()).body)
    while pending:
        node = pending.pop()
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
            continue
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:  # relative (the package uses none today): from this package
                base = f"{PACKAGE}.{base}" if base else PACKAGE
            for alias in node.names:
                found.add(f"{base}.{alias.name}" if f"{base}.{alias.name}" in MODULES else base)
        pending.extend(ast.iter_child_nodes(node))
    return {m for m in found if m in MODULES and m != name}


def test_every_command_module_is_registered() -> None:
    commands = {m for m in MODULES if not m.rsplit(".", 1)[-1].startswith("_") and m != PACKAGE}
    assert commands == {m.__name__ for m in _main.COMMANDS}


@pytest.mark.parametrize("name", sorted(MODULES))
def test_no_module_is_over_500_lines(name: str) -> None:
    lines = len(MODULES[name].read_text().splitlines())
    assert lines <= 500, f"{name} has {lines} lines"


def test_the_cli_modules_import_each_other_without_a_circle() -> None:
    graph = {name: module_level_imports(name) for name in MODULES}
    assert graph[f"{PACKAGE}._main"] >= {m.__name__ for m in _main.COMMANDS}  # the walk works
    done: set[str] = set()

    def visit(name: str, path: tuple[str, ...]) -> None:
        assert name not in path, " -> ".join((*path, name))
        if name in done:
            return
        for imported in sorted(graph[name]):
            visit(imported, (*path, name))
        done.add(name)

    for name in sorted(graph):
        visit(name, ())
