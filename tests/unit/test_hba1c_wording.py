"""The HbA1c row of a child with type 1 diabetes read the type 2 target as the reference for
everyone ("pour la plupart des personnes avec un diabète de type 2, 7 % ou moins"): the HAS
2013 target is for adults with type 2 diabetes; for the others the target is individual, set
with the doctor or the diabetes team (Fédération française des diabétiques, examens)."""

from __future__ import annotations

import datetime as dt

from prevention_engine import Engine


def _hba1c_reason(engine: Engine, profile: dict[str, object]) -> str:
    agenda = engine.evaluate(profile, dt.date(2026, 11, 29))
    (row,) = [i for i in agenda.items if i.item == "diabetes_hba1c"]
    return row.reason


def test_a_child_with_type_1_diabetes_is_not_given_the_type_2_target(engine: Engine) -> None:
    child = {"birth_date": "2016-04-10", "sex": "male",
             "conditions": [{"code": "type_1_diabetes", "since": "2022-01-10"}],
             "observations": [{"code": "hba1c", "value": 8.1, "unit": "%",
                               "date": "2026-08-01"}]}
    reason = _hba1c_reason(engine, child)
    assert "équipe de diabétologie" in reason
    assert "pour la plupart des adultes avec un diabète de type 2, 7 % ou moins" in reason
    assert "pour la plupart des personnes avec un diabète de type 2" not in reason
