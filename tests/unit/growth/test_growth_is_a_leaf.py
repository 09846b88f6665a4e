"""The growth package stays a leaf: no import of the engine, the kinds or the calendar loader."""

from __future__ import annotations

import ast
from pathlib import Path

import prevention_engine.growth

ALLOWED = ("prevention_engine.growth", "prevention_engine.errors")


def _imported_modules(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
        elif isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
    return names


def test_growth_imports_only_itself_and_the_error_base():
    folder = Path(prevention_engine.growth.__file__).parent
    sources = sorted(folder.glob("*.py"))
    assert len(sources) >= 6
    for source in sources:
        ours = {name for name in _imported_modules(source) if name.startswith("prevention_engine")}
        assert all(name.startswith(ALLOWED) for name in ours), (source.name, ours)
