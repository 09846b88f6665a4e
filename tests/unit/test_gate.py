"""Item gates set aside only items whose ``applies_when`` is false (issue 15, ``gate.py``).

A gate that set aside one item the predicate keeps would drop a row silently: each bound is
checked against ``Duration.add_to`` over any birth date, and each gate of the bundled calendars
against its predicate over the benchmark population and the golden situations.
"""

from __future__ import annotations

import datetime as dt
import json

import yaml
from hypothesis import given
from hypothesis import strategies as st

from prevention_engine import Engine, Profile
from prevention_engine.dates import Duration
from prevention_engine.engine import _context
from prevention_engine.gate import NO_LIMIT, Gate, fewest_days, gate_of, most_days
from tests.snapshot.record import GOLDEN, _benchmark_module, _date


@given(
    st.dates(min_value=dt.date(1800, 1, 1), max_value=dt.date(2300, 12, 31)),
    st.integers(0, 150), st.integers(-11, 40), st.integers(-60, 400),
)
def test_bounds_hold_for_any_birth_date(birth: dt.date, years: int, months: int,
                                        days: int) -> None:
    d = Duration(years, months, days)
    lo, hi = fewest_days(d), most_days(d)
    if years * 12 + months < 0:
        assert lo is None and hi is None
        return
    assert lo is not None and hi is not None
    assert lo <= (d.add_to(birth) - birth).days <= hi


def test_bounds_are_tight_enough_to_gate() -> None:
    d = Duration(years=65)
    lo, hi = fewest_days(d), most_days(d)
    assert lo is not None and hi is not None
    assert hi - lo <= 20


def test_gate_of_combines_parts() -> None:
    age = {"age": {"min": "11 years", "max": "15 years"}}
    g = gate_of({"all": [age, {"sex": "female"}, {"pregnant": True}]})
    assert g.sex == "female" and g.pregnant is True
    assert 0 < g.lo < 11 * 366 and 14 * 365 < g.hi < NO_LIMIT
    wide = gate_of({"any": [age, {"all": [{"age": {"min": "16 years"}}, {"risk_group": "x"}]}]})
    assert wide.lo == g.lo and wide.hi == NO_LIMIT and wide.sex is None
    assert gate_of({"if_unknown": False, "test": {"sex": "male"}}).sex == "male"
    assert gate_of({"not": {"sex": "male"}}) == Gate()
    assert gate_of(None) == Gate() and gate_of(True) == Gate()
    assert not g.admits(13 * 365, True, "male") and g.admits(13 * 365, True, None)
    assert not g.admits(13 * 365, False, "female") and not g.admits(20 * 365, True, "female")


def _profiles() -> list[tuple[Profile, dt.date]]:
    bench = _benchmark_module()
    out = [(Profile.model_validate(json.loads(x)), bench.AS_OF) for x in bench.population(300)]
    for f in sorted(GOLDEN.rglob("*.yaml")):
        for case in yaml.safe_load(f.read_text(encoding="utf-8")):
            out.append((Profile.model_validate(case["profile"]), _date(case["as_of"])))
    return out


def test_a_gate_sets_aside_only_items_whose_predicate_is_false(engine: Engine) -> None:
    """(The CDSi calendar's items have no ``applies_when``: its series have, ungated.)"""
    set_aside, jurisdiction = 0, "FR"
    for profile, as_of in _profiles():
        ctx = _context(profile, as_of, engine._doses(profile, as_of, as_of, jurisdiction, []))
        age, pregnant = (as_of - profile.birth_date).days, ctx.pregnancy is not None
        for cal in engine.registry.in_force(as_of, jurisdiction, None):
            ctx.risk_groups = cal.risk_groups
            for item, gate in engine._gated[(cal.id, cal.version)]:
                if not gate.admits(age, pregnant, profile.sex):
                    set_aside += 1
                    assert item.applies_when is not None, item.id
                    assert item.applies_when(ctx)[0] is False, (item.id, profile.id)
    assert set_aside > 0
