"""One vaccination proposed once (GP review: two pertussis lines for one woman after her
delivery): in no golden agenda do two vaccination items with the same diseases both propose a
next dose, and screening items are left alone."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from pathlib import Path
from typing import Any

import pytest
import yaml

from prevention_engine import Engine, Profile

GOLDEN = Path(__file__).resolve().parents[1] / "calendars" / "golden"
OPEN = {"due", "overdue", "upcoming"}


def _cases() -> list[Any]:
    out = []
    for f in sorted((GOLDEN / "vaccination").glob("*.yaml")):
        for case in yaml.safe_load(f.read_text(encoding="utf-8")):
            out.append(pytest.param(case["profile"], dt.date.fromisoformat(str(case["as_of"])),
                                    id=f"{f.stem}: {case['name']}"))
    return out


@pytest.mark.parametrize(("profile", "as_of"), _cases())
def test_one_open_item_per_target_set(engine: Engine, profile: dict[str, Any],
                                      as_of: dt.date) -> None:
    agenda = engine.evaluate(Profile.model_validate(profile), as_of)
    items: dict[tuple[str, frozenset[str]], set[str]] = defaultdict(set)
    for it in agenda.items:
        if it.domain == "vaccination" and it.status in OPEN:
            items[(it.calendar.id, frozenset(it.targets))].add(it.item)
    assert all(len(v) == 1 for v in items.values()), dict(items)


def test_postpartum_keeps_the_dose_with_the_tightest_deadline(engine: Engine) -> None:
    profile = Profile.model_validate({
        "birth_date": "1996-03-01", "sex": "female",
        "pregnancies": [{"lmp": "2025-08-20", "end_date": "2026-05-25",
                         "outcome": "live_birth"}],
    })
    agenda = engine.evaluate(profile, dt.date(2026, 11, 20))
    open_pertussis = [i.item for i in agenda.items
                      if "pertussis" in i.targets and i.targets == ["pertussis"]
                      and i.status in OPEN]
    assert open_pertussis == ["pertussis_postpartum"]
