"""A row's reason fits its status, on generated profiles with births, breastfeeding, episodes.

A contraindicated or not_recommended row never urges ("à faire dès que possible") and carries no
forecast date it would contradict; a needs_data row names what is missing.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from prevention_engine import Engine, Profile
from prevention_engine.strategies import profile_dicts

AS_OF = dt.date(2025, 11, 10)
SETTINGS = settings(max_examples=60, deadline=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture])


@st.composite
def situated_profiles(draw: st.DrawFn) -> dict[str, Any]:
    data = draw(profile_dicts(AS_OF))
    birth = dt.date.fromisoformat(data["birth_date"])
    if (AS_OF - birth).days > 16 * 365 and draw(st.booleans()):
        end = AS_OF - dt.timedelta(days=draw(st.integers(0, 400)))
        data["sex"] = "female"
        data["pregnancies"] = [{"lmp": (end - dt.timedelta(days=275)).isoformat(),
                                "end_date": end.isoformat(),
                                "outcome": draw(st.sampled_from([None, "live_birth"]))}]
        data["residence"] = {"country": draw(st.sampled_from(["FR", "GF"]))}
        choice = draw(st.sampled_from(["present", "absent", "unknown"]))
        if choice == "present":
            data["situations"] = ["breastfeeding"]
        elif choice == "absent":
            data["situations_absent"] = ["breastfeeding"]
    if draw(st.booleans()):
        code = draw(st.sampled_from(["zoster_history", "pertussis_history"]))
        since = draw(st.one_of(st.none(), st.dates(birth, AS_OF)))
        data["conditions"] = [*data["conditions"], {"code": code} | (
            {"since": since.isoformat()} if since else {})]
    return data


@SETTINGS
@given(situated_profiles())
def test_reason_fits_status(engine: Engine, data: dict[str, Any]) -> None:
    agenda = engine.evaluate(Profile.model_validate(data), AS_OF)
    for it in agenda.items:
        if it.status in ("contraindicated", "not_recommended"):
            assert "dès que possible" not in it.reason, it
        if it.status == "not_recommended":
            assert it.recommended_date is None and it.past_due_date is None, it
        if it.status == "needs_data":
            assert it.missing_data, it
