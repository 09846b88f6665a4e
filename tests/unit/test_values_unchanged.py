"""The hot value classes are not ``frozen`` (building a frozen dataclass costs about four times
as much, and about 160 are built per person), so nothing may assign to them once built: a row
changed in place could leak into another item or another person (the shared ``NO_DATES``).

Read with ``ast``: no assignment in the package targets a field of these classes, except
through ``self`` in their own methods and in the few mutable working classes that carry the
same names (listed with why).
"""

from __future__ import annotations

import ast
import dataclasses
from pathlib import Path

import pytest

from prevention_engine.context import Dose
from prevention_engine.findings import Findings
from prevention_engine.kinds.series.evaluation import Forecast
from prevention_engine.schedule import NO_DATES, Due, Occurrence, Reason, Step

PACKAGE = Path(__file__).resolve().parents[2] / "prevention_engine"
VALUES = (Reason, Due, Step, Occurrence, Dose, Forecast, Findings)
FIELDS = {f.name for cls in VALUES for f in dataclasses.fields(cls)}
#: Assignments to an attribute of the same name on a mutable working value, by file and name.
MUTABLE_ELSEWHERE = {
    ("loader.py", "item"),  # the YAML reader's item being read (named in its errors)
}


def _assigned_fields(path: Path) -> list[tuple[int, str]]:
    out = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        targets: list[ast.expr] = []
        if isinstance(node, ast.Assign):
            targets = list(node.targets)
        elif isinstance(node, ast.AugAssign | ast.AnnAssign):
            targets = [node.target]
        for t in targets:
            if isinstance(t, ast.Attribute) and t.attr in FIELDS and not (
                isinstance(t.value, ast.Name) and t.value.id == "self"
            ):
                out.append((node.lineno, t.attr))
    return out


@pytest.mark.parametrize("path", sorted(PACKAGE.rglob("*.py")), ids=lambda p: p.name)
def test_no_value_field_is_assigned(path: Path) -> None:
    found = [(line, name) for line, name in _assigned_fields(path)
             if (path.name, name) not in MUTABLE_ELSEWHERE]
    assert not found, f"{path.name}: assignment to a value field at {found}"


def test_the_values_still_compare_and_hash_by_value() -> None:
    a = Occurrence("due", Reason.of("x", n=1), dose=1, due=Due(None, None, None, None))
    b = Occurrence("due", Reason.of("x", n=1), dose=1, due=NO_DATES)
    assert a == b and hash(a) == hash(b)
    assert len({a, b}) == 1


def test_changed_copies_and_leaves_the_original() -> None:
    row = Occurrence("due", Reason("r"), dose=2, missing=("sex",))
    new = row.changed(status="overdue", due=Due(None, None, None, None), source=None)
    assert (row.status, new.status, new.dose, new.missing) == ("due", "overdue", 2, ("sex",))
    assert row.changed() == row and row.changed() is not row
