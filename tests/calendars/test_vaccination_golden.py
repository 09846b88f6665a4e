"""Golden agendas for the French vaccination calendar, written from the sources (not the YAML).

Each case in ``golden/vaccination/*.yaml`` gives a profile, an assessment date and the rows
the official calendar implies; only the fields a case states are compared.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
import yaml

from prevention_engine import AgendaItem, Engine, Profile

GOLDEN = Path(__file__).parent / "golden" / "vaccination"
FIELDS = ("status", "earliest_date", "recommended_date", "past_due_date", "latest_date",
          "mandatory", "review")


def load_cases() -> list[Any]:
    cases = []
    for f in sorted(GOLDEN.glob("*.yaml")):
        for case in yaml.safe_load(f.read_text(encoding="utf-8")):
            cases.append(pytest.param(case, id=f"{f.stem}: {case['name']}"))
    return cases


def _find(items: list[AgendaItem], exp: dict[str, Any]) -> AgendaItem | None:
    for it in items:
        if it.item != exp["item"]:
            continue
        if "dose" in exp and it.dose != exp["dose"]:
            continue
        if "season" in exp and it.occurrence != str(exp["season"]):
            continue
        return it
    return None


@pytest.mark.parametrize("case", load_cases())
def test_golden(engine: Engine, case: dict[str, Any]) -> None:
    as_of = case["as_of"]
    if isinstance(as_of, str):
        as_of = dt.date.fromisoformat(as_of)
    profile = Profile.model_validate(case["profile"])
    agenda = engine.evaluate(profile, as_of)
    shown = "\n".join(f"  {i.id} {i.status} rec={i.recommended_date} due<{i.past_due_date}"
                      for i in agenda.items)
    for exp in case.get("expect", []):
        row = _find(agenda.items, exp)
        assert row is not None, f"no row for {exp} in:\n{shown}"
        for field in FIELDS:
            if field in exp:
                want = exp[field]
                got = getattr(row, field)
                assert got == want, (
                    f"{row.id}: {field} is {got}, the source says {want}\n"
                    f"reason: {row.reason}\n{shown}")
    for absent in case.get("absent", []):
        rows = [i.id for i in agenda.items if i.item == absent]
        assert not rows, f"{absent} should not be in the agenda, found {rows}"
