"""Inputs a score cannot use are refused with an error naming the field, never scored."""

from __future__ import annotations

import math
from typing import Any

import pytest

from prevention_engine.errors import PreventionError
from prevention_engine.risk import (
    FindriscTable,
    RiskInputError,
    Score2Family,
    findrisc,
    score2,
    score2_diabetes,
    score2_op,
)

CARDIO: dict[str, Any] = dict(
    sex="male",
    age=55,
    smoker=False,
    systolic_bp=130,
    total_cholesterol=5.0,
    hdl_cholesterol=1.3,
    region="low",
)
DIAB: dict[str, Any] = dict(CARDIO, age_at_diagnosis=50, hba1c_mmol_mol=53, egfr=80)


def _field(exc: pytest.ExceptionInfo[RiskInputError]) -> str:
    return exc.value.field


@pytest.mark.parametrize("age", [39.99, 70, 70.5, 20])
def test_score2_age_range_is_40_to_before_70(family: Score2Family, age: float) -> None:
    with pytest.raises(RiskInputError) as exc:
        score2(family, **{**CARDIO, "age": age})
    assert _field(exc) == "age" and "SCORE2" in str(exc.value)


@pytest.mark.parametrize("age", [40, 69.99])
def test_score2_age_range_edges_accepted(family: Score2Family, age: float) -> None:
    assert score2(family, **{**CARDIO, "age": age}).value > 0


@pytest.mark.parametrize("age", [69.99, 90, 95])
def test_score2_op_age_range(family: Score2Family, age: float) -> None:
    with pytest.raises(RiskInputError, match="SCORE2-OP"):
        score2_op(family, diabetes=False, **{**CARDIO, "age": age})


@pytest.mark.parametrize("age", [39, 70])
def test_score2_diabetes_age_range(family: Score2Family, age: float) -> None:
    with pytest.raises(RiskInputError, match="SCORE2-Diabetes"):
        score2_diabetes(family, **{**DIAB, "age": age, "age_at_diagnosis": 30})


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("systolic_bp", 0),
        ("systolic_bp", -120),
        ("total_cholesterol", math.nan),
        ("hdl_cholesterol", math.inf),
        ("hdl_cholesterol", "1.3"),
        ("systolic_bp", True),
        ("age", math.nan),
    ],
)
def test_bad_numbers_name_the_field(family: Score2Family, field: str, value: Any) -> None:
    with pytest.raises(RiskInputError) as exc:
        score2(family, **{**CARDIO, field: value})
    assert _field(exc) == field


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("smoker", "no"),
        ("smoker", 0),
        ("smoker", None),
        ("sex", "M"),
        ("sex", ["male"]),
        ("region", "france"),
        ("region", {"low": 1}),
    ],
)
def test_bad_categories_name_the_field(family: Score2Family, field: str, value: Any) -> None:
    with pytest.raises(RiskInputError) as exc:
        score2(family, **{**CARDIO, field: value})
    assert _field(exc) == field


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("age_at_diagnosis", 56),
        ("age_at_diagnosis", -1),
        ("hba1c_mmol_mol", 0),
        ("egfr", 0),
        ("egfr", -5),
    ],
)
def test_score2_diabetes_specific_inputs(family: Score2Family, field: str, value: Any) -> None:
    with pytest.raises(RiskInputError) as exc:
        score2_diabetes(family, **{**DIAB, field: value})
    assert _field(exc) == field


def test_score2_op_diabetes_must_be_known(family: Score2Family) -> None:
    with pytest.raises(RiskInputError, match="diabetes"):
        score2_op(family, diabetes=None, **{**CARDIO, "age": 75})  # type: ignore[arg-type]


FINDRISC: dict[str, Any] = dict(
    sex="female",
    age=50,
    bmi=24.0,
    waist_cm=79.0,
    daily_physical_activity=True,
    daily_fruit_vegetables=True,
    antihypertensive_medication=False,
    history_of_high_glucose=False,
    family_history_diabetes="none",
)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("age", 50.5),
        ("age", -1),
        ("age", True),
        ("bmi", 0),
        ("waist_cm", math.nan),
        ("daily_physical_activity", None),
        ("history_of_high_glucose", "yes"),
        ("family_history_diabetes", "yes"),
        ("family_history_diabetes", ["first_degree"]),
        ("sex", "other"),
    ],
)
def test_findrisc_bad_inputs(table: FindriscTable, field: str, value: Any) -> None:
    with pytest.raises(RiskInputError) as exc:
        findrisc(table, **{**FINDRISC, field: value})
    assert _field(exc) == field


def test_input_errors_are_prevention_errors(family: Score2Family) -> None:
    with pytest.raises(PreventionError) as exc:
        score2(family, **{**CARDIO, "age": 30})
    assert isinstance(exc.value, ValueError)
    assert str(exc.value).startswith("age: ")


def test_result_is_frozen_and_rounded(family: Score2Family) -> None:
    result = score2(family, **CARDIO)
    with pytest.raises(AttributeError):
        result.value = 1.0  # type: ignore[misc]
    assert result.value == round(result.value, 1)
    assert result.as_score() == {
        "name": "SCORE2",
        "value": result.value,
        "unit": "%",
        "band": result.band,
        "inputs": {
            "sex": "male",
            "age": 55,
            "smoker": False,
            "systolic_bp": 130.0,
            "total_cholesterol": 5.0,
            "hdl_cholesterol": 1.3,
            "region": "low",
        },
    }


def test_same_input_same_output(family: Score2Family) -> None:
    assert score2(family, **CARDIO) == score2(family, **CARDIO)
