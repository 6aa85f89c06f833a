"""The package's layout, as the README writes it, held against every import in the package.

The README's layout block lists the rooms one floor a line, from the top. A room may import
rooms on its own floor or below, never above; every module of the package stands in a room;
and no modules import each other in a circle. Every import counts: module-level,
function-local (kept local to stay off a start-up path) and those for type checking alone.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

from tests.conftest import ROOT

PACKAGE = ROOT / "hamstring_care"


def floors() -> list[list[str]]:
    """The rooms of each floor, from the top, as the README's layout block lists them."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = readme.split("\nLayout:", 1)[1].split("```\nhamstring_care/\n", 1)[1]
    block = block.split("```", 1)[0]
    found = []
    for line in block.splitlines():
        if not line.startswith("  ") or line.startswith("   "):
            continue  # a description carried over, or a folder outside the package
        names = re.split(r"\s{2,}", line.strip(), maxsplit=1)[0]
        found.append([name.strip() for name in names.split(",")])
    return found


def room_of(module: str, rooms: dict[str, int]) -> str | None:
    """The room a module stands in: its file (``triage.py``) or its folder (``history/``)."""
    parts = module.split(".")[1:]
    if not parts:
        return None
    for candidate in (f"{parts[0]}/", f"{parts[0]}.py"):
        if candidate in rooms:
            return candidate
    return None


def modules() -> dict[str, Path]:
    found = {}
    for path in PACKAGE.rglob("*.py"):
        name = ".".join(path.relative_to(ROOT).with_suffix("").parts)
        found[name.removesuffix(".__init__")] = path
    return found


def imports() -> dict[str, set[str]]:
    """Each module's imports of the package, everywhere in its text."""
    known = modules()
    edges: dict[str, set[str]] = {}
    for name, path in known.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        found = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            targets: list[str] = []
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    up = package.split(".")[: len(package.split(".")) - node.level + 1]
                    base = ".".join([*up, *([base] if base else [])])
                # A submodule named, or else a name the module defines.
                targets = [
                    f"{base}.{alias.name}" if f"{base}.{alias.name}" in known else base
                    for alias in node.names
                ]
            for target in targets:
                while target and target not in known:
                    target = target.rpartition(".")[0]
                if target and target != name and target != "hamstring_care":
                    found.add(target)
        edges[name] = found
    return edges


def test_every_module_stands_in_a_room_of_the_layout():
    rooms = {room: n for n, floor in enumerate(floors()) for room in floor}
    homeless = [m for m in modules() if m != "hamstring_care" and room_of(m, rooms) is None]
    assert homeless == [], "add them to the README's layout"


def test_no_room_imports_a_room_above_it():
    rooms = {room: n for n, floor in enumerate(floors()) for room in floor}
    upward = []
    for module, targets in imports().items():
        here = room_of(module, rooms)
        for target in targets:
            there = room_of(target, rooms)
            if here and there and here != there and rooms[there] < rooms[here]:
                upward.append(f"{module} ({here}) imports {target} ({there})")
    assert upward == []


def test_no_circle_of_imports():
    edges = imports()
    circles: list[list[str]] = []
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()

    def visit(node: str) -> None:  # Tarjan's strongly connected components
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in edges.get(node, ()):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                circles.append(sorted(component))

    for node in edges:
        if node not in index:
            visit(node)
    assert circles == []


def test_the_layout_test_can_fail():
    """A room moved above what it imports is an upward import: the reading is not vacuous."""
    rooms = {room: n for n, floor in enumerate(floors()) for room in floor}
    assert rooms["cli/"] < rooms["flows/"] < rooms["models/"] < rooms["vocab.py"]
    assert "hamstring_care.models" in imports()["hamstring_care.triage"]
    assert "hamstring_care.flows.check" in imports()["hamstring_care.cli.care"]
