"""Differential test: durable-rules and our compiled predicates agree on eligibility."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import HealthCheck, given, settings

from prevention_engine import Engine, Profile
from prevention_engine.strategies import profile_dicts

pytest.importorskip("durable.lang", reason="optional extra [oracle] not installed")

from prevention_engine.extra.durable import DurableOracle, our_eligibility

AS_OF = dt.date(2025, 11, 10)


@pytest.fixture(scope="module")
def oracle(engine: Engine) -> DurableOracle:
    return DurableOracle(engine.registry.in_force(AS_OF, "FR"), AS_OF)


def test_some_rules_are_translated(oracle: DurableOracle) -> None:
    assert len(oracle.translated) >= 10


@settings(max_examples=150, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(profile_dicts(AS_OF))
def test_same_eligibility(engine: Engine, oracle: DurableOracle,
                          data: dict[str, object]) -> None:
    p = Profile.model_validate(data)
    theirs = oracle.eligible(p)
    translated = {item for _, item in oracle.translated}
    for cal in engine.registry.in_force(AS_OF, "FR"):
        ours = our_eligibility([i for i in cal.items if i.id in translated], p, AS_OF, cal)
        for item_id, value in ours.items():
            if value is None:
                continue  # a missing fact: durable-rules has no "unknown"
            assert (item_id in theirs) == value, (item_id, value, data)
