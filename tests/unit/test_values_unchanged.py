"""The hot value classes are not ``frozen`` (building a frozen dataclass costs about four times
as much, and about 160 are built per person), so nothing may assign to them once built: a row
changed in place could leak into another item or another person (the shared ``NO_DATES``).

Read with ``ast``: no statement of the package assigns or deletes an attribute named like a
field of these classes (plain, augmented, annotated, tuple or starred targets, ``for`` and
``with`` targets, ``del``), and no ``setattr`` / ``__setattr__`` call names one; a class may set
its own attributes through ``self``, and the few mutable working objects that carry the same
names are listed with why.
"""

from __future__ import annotations

import ast
import dataclasses
import itertools
from pathlib import Path

import pytest

from prevention_engine.context import Dose
from prevention_engine.findings import Findings
from prevention_engine.kinds.series.evaluation import Forecast
from prevention_engine.schedule import NO_DATES, Due, Occurrence, Reason, Step

PACKAGE = Path(__file__).resolve().parents[2] / "prevention_engine"
VALUES = (Reason, Due, Step, Occurrence, Dose, Forecast, Findings)
FIELDS = {f.name for cls in VALUES for f in dataclasses.fields(cls)}
#: Assignments to an attribute of the same name on a mutable working object, by path and name.
MUTABLE_ELSEWHERE = {
    ("calendar/loader.py", "item"),  # the YAML reader's item being read (named in its errors)
}


def _flat(target: ast.expr) -> list[ast.expr]:
    if isinstance(target, ast.Tuple | ast.List):
        return [t for e in target.elts for t in _flat(e)]
    if isinstance(target, ast.Starred):
        return _flat(target.value)
    return [target]


def _targets(node: ast.AST) -> list[ast.expr]:
    if isinstance(node, ast.Assign | ast.Delete):
        return list(node.targets)
    if isinstance(node, ast.AugAssign | ast.AnnAssign | ast.For | ast.AsyncFor):
        return [node.target]
    if isinstance(node, ast.With | ast.AsyncWith):
        return [i.optional_vars for i in node.items if i.optional_vars is not None]
    return []


def _setattr_aliases(tree: ast.AST) -> set[str]:
    """Names bound to ``object.__setattr__`` (``_set = object.__setattr__``)."""
    return {
        t.id for node in ast.walk(tree) if isinstance(node, ast.Assign)
        and isinstance(node.value, ast.Attribute) and node.value.attr == "__setattr__"
        for t in node.targets if isinstance(t, ast.Name)
    }


def _sets_a_field(node: ast.AST, aliases: set[str]) -> str | None:
    """The field a ``setattr(x, "f", v)``-like call names, if any."""
    if not isinstance(node, ast.Call) or len(node.args) < 2:
        return None
    f, name = node.func, node.args[1]
    setter = (isinstance(f, ast.Name) and f.id in {"setattr", *aliases}) or (
        isinstance(f, ast.Attribute) and f.attr == "__setattr__")
    if setter and isinstance(name, ast.Constant) and name.value in FIELDS:
        return str(name.value)
    return None


def _assigned_fields(path: Path) -> list[tuple[int, str]]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    aliases = _setattr_aliases(tree)
    out = []
    for node in ast.walk(tree):
        for t in (x for target in _targets(node) for x in _flat(target)):
            if isinstance(t, ast.Attribute) and t.attr in FIELDS and not (
                isinstance(t.value, ast.Name) and t.value.id == "self"
            ):
                out.append((node.lineno, t.attr))
        called = _sets_a_field(node, aliases)
        if called is not None and isinstance(node, ast.Call):
            out.append((node.lineno, called))
    return sorted(out)


@pytest.mark.parametrize("path", sorted(PACKAGE.rglob("*.py")),
                         ids=lambda p: str(p.relative_to(PACKAGE)))
def test_no_value_field_is_assigned(path: Path) -> None:
    where = path.relative_to(PACKAGE).as_posix()
    found = [(line, name) for line, name in _assigned_fields(path)
             if (where, name) not in MUTABLE_ELSEWHERE]
    assert not found, f"{where}: assignment to a value field at {found}"


def test_the_scan_sees_every_form(tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text(
        "_set = object.__setattr__\n"
        "row.status = 1\n"                       # 2
        "row.status, n = 1, 2\n"                 # 3
        "[*row.reason] = []\n"                   # 4
        "for row.dose in []: pass\n"             # 5
        "with x as row.source: pass\n"           # 6
        "del row.label\n"                        # 7
        "setattr(row, 'due', 1)\n"               # 8
        "object.__setattr__(row, 'trace', 1)\n"  # 9
        "_set(row, 'missing', 1)\n"              # 10
        "row.due.earliest += 1\n"                # 11
        "self.status = 1\n"                      # a class setting its own attribute: allowed
        "_set(row, '__dict__', {})\n",           # not a value field: allowed
        encoding="utf-8",
    )
    assert [line for line, _ in _assigned_fields(sample)] == list(range(2, 12))


def test_the_values_still_compare_and_hash_by_value() -> None:
    a = Occurrence("due", Reason.of("x", n=1), dose=1, due=Due(None, None, None, None))
    b = Occurrence("due", Reason.of("x", n=1), dose=1, due=NO_DATES)
    assert a == b and hash(a) == hash(b)
    assert len({a, b}) == 1


def _every_field_distinct() -> Occurrence:
    values = {f.name: object() for f in dataclasses.fields(Occurrence)}
    return Occurrence(**values)  # type: ignore[arg-type]


CHANGES = ("status", "reason", "due", "missing", "trace", "source")


@pytest.mark.parametrize("keys", [c for n in range(len(CHANGES) + 1)
                                  for c in itertools.combinations(CHANGES, n)])
def test_changed_is_replace_for_the_fields_it_takes(keys: tuple[str, ...]) -> None:
    row = _every_field_distinct()
    new = {k: object() for k in keys}
    assert row.changed(**new) == dataclasses.replace(row, **new)  # type: ignore[arg-type]


def test_changed_sets_empty_values_and_a_source_of_none() -> None:
    step = Step(None, "e", "o", Reason("w"))
    row = Occurrence("due", Reason("r"), missing=("sex",), trace=(step,))
    new = row.changed(missing=(), trace=(), source=None)
    assert (new.missing, new.trace, new.source) == ((), (), None)
    assert row.missing == ("sex",) and row.changed() == row and row.changed() is not row
