"""The house as drawn in docs/architecture.md: import rules and short functions, read with ``ast``.

Every ``import`` counts, at module level or inside a function (a deferred import hides a cycle
from Python, not from the design). The rules:

- no import cycle; a module importing its own package's ``__init__`` (which re-exports or
  registers the package's children) is not counted as an edge back;
- a rule kind (``kinds/<name>``) imports no other kind (``kinds/base.py`` is shared) and nothing
  above the kinds (the calendar loader, the registry, the engine): the loader dispatches to the
  kinds through their registry, values two kinds share live below them (``schedule.py``);
- the core never imports an adapter (CLI, batch, rendering, conformance, reference docs,
  optional extras, CDSi import, the CLI's explanation): adapters sit at the edge and import the
  core;
- no new function over ``MAX_LINES`` lines; the ones already longer are listed in ``LONG`` with
  their current length, which may only shrink (remove an entry once it is short).
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2] / "prevention_engine"
ROOT = "prevention_engine"
ADAPTERS = (
    "prevention_engine.__main__",
    "prevention_engine.cli",
    "prevention_engine.batch",
    "prevention_engine.batch_ids",  # duplicate ids of a batch run, indexed on disk
    "prevention_engine.batch_workers",  # the batch's worker processes
    "prevention_engine.render",
    "prevention_engine.conformance",
    "prevention_engine.reference",
    "prevention_engine.extra",
    "prevention_engine.cdsi_import",
    "prevention_engine.explain",  # French explanation of an agenda, for the CLI
    "prevention_engine.compact",  # compact batch output and its catalogue
    "prevention_engine.agenda_parts",  # an agenda read into the compact output's pieces
    "prevention_engine.progress",  # the batch progress line
    "prevention_engine.clinician",  # render, diff and lint of rule files, for clinicians
)
KINDS = "prevention_engine.kinds"
SHARED_KIND_MODULES = {f"{KINDS}", f"{KINDS}.base"}
ABOVE_KINDS = (
    "prevention_engine.calendar.loader",
    "prevention_engine.registry",
    "prevention_engine.engine",
)
MAX_LINES = 60
#: Functions longer than MAX_LINES when the rule came in (issue 10): their length may only go
#: down. Names are relative to the package: ``module.Class.function``.
LONG: dict[str, int] = {
}


def _modules() -> dict[str, Path]:
    out = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        out[".".join(parts)] = path
    return out


MODULES = _modules()


def _is_package(module: str) -> bool:
    return MODULES[module].name == "__init__.py"


def _within(module: str, prefix: str) -> bool:
    return module == prefix or module.startswith(prefix + ".")


def _imports(module: str) -> set[str]:
    """The package's modules that ``module`` imports, wherever the import statement stands."""
    tree = ast.parse(MODULES[module].read_text(encoding="utf-8"))
    base = module if _is_package(module) else module.rpartition(".")[0]
    out: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                parent = base.split(".")
                parent = parent[: len(parent) - (node.level - 1)]
                source = ".".join(parent + ([node.module] if node.module else []))
            else:
                source = node.module or ""
            names = [f"{source}.{a.name}" for a in node.names if f"{source}.{a.name}" in MODULES]
            names = names or [source]
        else:
            continue
        for name in names:
            while name and name not in MODULES and "." in name:
                name = name.rpartition(".")[0]
            if name in MODULES and name != module:
                out.add(name)
    return out


GRAPH = {m: _imports(m) for m in MODULES}


def test_the_graph_is_read() -> None:
    """The reader sees the edges it must (guards the rules below against an empty graph)."""
    assert "prevention_engine.kinds" in GRAPH["prevention_engine.calendar.loader"]
    assert "prevention_engine.kinds.campaign" in GRAPH["prevention_engine.kinds"]
    assert "prevention_engine.kinds.base" in GRAPH["prevention_engine.kinds.window"]
    assert "prevention_engine.engine" in GRAPH["prevention_engine.cli"]


def _cycle() -> list[str] | None:
    """One import cycle, or None (a module importing its own package's ``__init__``, which
    re-exports it, is left out: that is the package's own business)."""
    edges = {m: sorted(t for t in targets if not _within(m, t)) for m, targets in GRAPH.items()}
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(m: str) -> list[str] | None:
        state[m] = 1
        stack.append(m)
        for t in edges[m]:
            if state.get(t) == 1:
                return [*stack[stack.index(t):], t]
            if t not in state and (found := visit(t)):
                return found
        stack.pop()
        state[m] = 2
        return None

    for m in sorted(edges):
        if m not in state and (found := visit(m)):
            return found
    return None


def test_no_import_cycle() -> None:
    cycle = _cycle()
    assert cycle is None, "import cycle: " + " -> ".join(cycle or [])


def _kind(module: str) -> str | None:
    """The kind a module belongs to (``series`` for ``kinds.series.spec``), None if shared."""
    if not _within(module, KINDS) or module in SHARED_KIND_MODULES:
        return None
    return module.split(".")[2]


def test_kinds_import_no_other_kind_and_nothing_above_them() -> None:
    bad = []
    for m, targets in GRAPH.items():
        kind = _kind(m)
        if kind is None:
            continue
        for t in sorted(targets):
            other = _kind(t)
            if (other is not None and other != kind) or t == KINDS:
                bad.append(f"{m} -> {t} (kinds never import each other)")
            if any(_within(t, a) for a in (*ABOVE_KINDS, *ADAPTERS)):
                bad.append(f"{m} -> {t} (kinds sit below the loader and the engine)")
    assert not bad, "\n".join(bad)


def test_core_imports_no_adapter() -> None:
    bad = [
        f"{m} -> {t}"
        for m, targets in GRAPH.items()
        if not any(_within(m, a) for a in ADAPTERS)
        for t in sorted(targets)
        if any(_within(t, a) for a in ADAPTERS)
    ]
    assert not bad, "the core imports an adapter:\n" + "\n".join(bad)


def _functions() -> Iterator[tuple[str, int]]:
    for module, path in MODULES.items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        yield from _walk(module.removeprefix(ROOT + "."), tree.body)


def _walk(prefix: str, body: list[ast.stmt]) -> Iterator[tuple[str, int]]:
    for node in body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            name = f"{prefix}.{node.name}"
            yield name, (node.end_lineno or node.lineno) - node.lineno + 1
            yield from _walk(name, node.body)
        elif isinstance(node, ast.ClassDef):
            yield from _walk(f"{prefix}.{node.name}", node.body)


FUNCTIONS = dict(_functions())


def test_no_new_long_function() -> None:
    """Every function fits on a screen (``MAX_LINES``), except those of ``LONG``, which may
    not grow. One test over all of them (a parametrised one was skipped, empty, once no
    function was long)."""
    bad = [f"{name} has {size} lines (> {MAX_LINES}): split it" if name not in LONG
           else f"{name} grew to {size} lines (allowed {LONG[name]}): split it"
           for name, size in sorted(FUNCTIONS.items())
           if size > MAX_LINES and size > LONG.get(name, 0)]
    assert FUNCTIONS, "no function found: the module walk is broken"
    assert not bad, "\n".join(bad)


def test_long_list_only_shrinks() -> None:
    """An entry of ``LONG`` goes once its function is short (or gone): the list cannot rot."""
    stale = [n for n in LONG if FUNCTIONS.get(n, 0) <= MAX_LINES]
    assert not stale, f"remove from LONG (now short or gone): {stale}"
