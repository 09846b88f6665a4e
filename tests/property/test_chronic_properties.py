"""Properties of the chronic risk rows, through whole profiles and the bundled rules: each score
rises (never falls) with each risk factor over ordinary adult values; unit conversions give the
same score; a later test never makes a follow-up row more urgent. The published exceptions at
the models' edges (docs/risk-scores.md) are outside the generated ranges."""

from __future__ import annotations

import datetime as dt
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from prevention_engine import Engine

ENGINE = Engine.default()
AS_OF = dt.date(2025, 11, 10)
SETTINGS = settings(max_examples=60, deadline=None)
ORDER = {"upcoming": 0, "due": 1, "overdue": 2}


def _cv(age: int, sex: str, smoker: bool, sbp: float, tc: float, hdl: float,
        tc_unit: str = "mmol/L", **extra: Any) -> float | None:
    birth = dt.date(AS_OF.year - age - 1, 12, 1)
    profile: dict[str, Any] = {
        "birth_date": birth.isoformat(), "sex": sex, "lifestyle": {"smoker": smoker},
        "observations": [
            {"code": "systolic_bp", "value": sbp, "date": "2025-10-01"},
            {"code": "total_cholesterol", "value": tc, "unit": tc_unit, "date": "2025-10-01"},
            {"code": "hdl_cholesterol", "value": hdl, "unit": tc_unit, "date": "2025-10-01"},
        ],
        **extra,
    }
    rows = [i for i in ENGINE.evaluate(profile, AS_OF).items if i.item == "cardiovascular_risk"]
    return rows[0].score.value if rows and rows[0].score is not None else None


people = st.fixed_dictionaries({
    "age": st.integers(50, 84), "sex": st.sampled_from(["male", "female"]),
    "smoker": st.booleans(), "sbp": st.integers(100, 170),
    "tc": st.floats(3.5, 7.5).map(lambda x: round(x, 1)),
    "hdl": st.floats(0.9, 2.2).map(lambda x: round(x, 1)),
})


@SETTINGS
@given(people, st.sampled_from(["sbp", "tc", "hdl", "smoker"]))
def test_cardiovascular_score_never_falls_with_a_risk_factor(
    p: dict[str, Any], factor: str
) -> None:
    worse = dict(p)
    if factor == "smoker":
        worse["smoker"] = True
    elif factor == "hdl":
        worse["hdl"] = round(p["hdl"] - 0.2, 1)
    else:
        worse[factor] = p[factor] + (10 if factor == "sbp" else 0.5)
    base, more = _cv(**p), _cv(**worse)
    assert base is not None and more is not None
    assert more >= base, (p, factor, base, more)


@SETTINGS
@given(people)
def test_cholesterol_in_mg_dl_gives_the_same_score(p: dict[str, Any]) -> None:
    mg = dict(p, tc=p["tc"] * 38.67, hdl=p["hdl"] * 38.67, tc_unit="mg/dL")
    assert _cv(**p) == _cv(**mg)


@SETTINGS
@given(st.integers(40, 69), st.floats(5.5, 11.0).map(lambda x: round(x, 1)))
def test_hba1c_percent_and_mmol_mol_give_the_same_score(age: int, percent: float) -> None:
    mmol = (percent - 2.15) * 10.929
    as_percent, as_mmol = _cv_diabetes(age, percent, "%"), _cv_diabetes(age, mmol, "mmol/mol")
    assert as_percent is not None and as_mmol is not None
    assert abs(as_percent - as_mmol) <= 0.1


def _cv_diabetes(age: int, hba1c: float, unit: str) -> float | None:
    birth = dt.date(AS_OF.year - age - 1, 12, 1)
    profile = {
        "birth_date": birth.isoformat(), "sex": "male", "lifestyle": {"smoker": False},
        "conditions": [{"code": "type_2_diabetes", "since": "2025-01-01"}],
        "observations": [
            {"code": "systolic_bp", "value": 140, "date": "2025-10-01"},
            {"code": "total_cholesterol", "value": 5.5, "unit": "mmol/L", "date": "2025-10-01"},
            {"code": "hdl_cholesterol", "value": 1.3, "unit": "mmol/L", "date": "2025-10-01"},
            {"code": "hba1c", "value": hba1c, "unit": unit, "date": "2025-10-01"},
            {"code": "egfr", "value": 80, "date": "2025-10-01"},
        ],
    }
    rows = [i for i in ENGINE.evaluate(profile, AS_OF).items if i.item == "cardiovascular_risk"]
    assert rows and rows[0].score is not None and rows[0].score.name == "SCORE2-Diabetes"
    return rows[0].score.value


@SETTINGS
@given(st.integers(18, 90), st.sampled_from(["male", "female"]), st.floats(18, 45),
       st.floats(60, 130), st.booleans(), st.booleans(),
       st.sampled_from(["none", "second_degree", "first_degree"]),
       st.sampled_from(["bmi", "waist", "active", "veg", "family"]))
def test_findrisc_never_falls_with_a_risk_factor(
    age: int, sex: str, bmi: float, waist: float, active: bool, veg: bool, family: str,
    factor: str,
) -> None:
    def points(bmi: float, waist: float, active: bool, veg: bool, family: str) -> float:
        profile = {
            "birth_date": dt.date(AS_OF.year - age - 1, 12, 1).isoformat(), "sex": sex,
            "medications_absent": ["antihypertensive"],
            "conditions_absent": ["history_of_high_glucose"],
            "family_history": {"diabetes": family},
            "lifestyle": {"daily_physical_activity": active, "daily_fruit_vegetables": veg},
            "observations": [{"code": "bmi", "value": bmi, "date": "2025-10-01"},
                             {"code": "waist_circumference", "value": waist, "unit": "cm",
                              "date": "2025-10-01"}],
        }
        row = next(i for i in ENGINE.evaluate(profile, AS_OF).items
                   if i.item == "diabetes_risk" and i.occurrence is None)
        assert row.score is not None
        return row.score.value

    args = {"bmi": bmi, "waist": waist, "active": active, "veg": veg, "family": family}
    worse = dict(args)
    if factor in ("bmi", "waist"):
        worse[factor] = args[factor] + 5
    elif factor in ("active", "veg"):
        worse[factor] = False
    else:
        worse["family"] = "first_degree"
    assert points(**worse) >= points(**args)


@SETTINGS
@given(st.dates(dt.date(2023, 1, 1), dt.date(2025, 11, 9)),
       st.integers(1, 300))
def test_a_later_hba1c_never_makes_the_row_more_urgent(first: dt.date, days: int) -> None:
    later = min(first + dt.timedelta(days=days), AS_OF)

    def status(dates: list[dt.date]) -> str:
        profile = {"birth_date": "1960-01-01",
                   "conditions": [{"code": "type_2_diabetes", "since": "2020-01-01"}],
                   "observations": [{"code": "hba1c", "value": 7.0, "unit": "%",
                                     "date": d.isoformat()} for d in dates]}
        row = next(i for i in ENGINE.evaluate(profile, AS_OF).items
                   if i.item == "diabetes_hba1c")
        assert row.completed_date == max(dates)
        return row.status

    assert ORDER[status([first, later])] <= ORDER[status([first])]
