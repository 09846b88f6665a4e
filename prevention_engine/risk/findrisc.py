"""FINDRISC, the Finnish Diabetes Risk Score: points of the standard eight-question form
(0-26), as a pure function of the answers and the points table (``FindriscTable``).

Age counts in completed years, as the form asks it. A missing answer is the caller's
business (a ``needs_data`` item); every answer here is required and typed, never guessed.
"""

from __future__ import annotations

from typing import Literal

from .coefficients import FindriscTable, Step
from .result import InputValue, RiskInputError, ScoreResult, require_bool, require_finite

FamilyHistory = Literal["none", "second_degree", "first_degree"]


def _points(steps: tuple[Step, ...], value: float) -> int:
    points = steps[0].points
    for step in steps:
        if step.reached(value):
            points = step.points
    return points


def _yes_no(table: FindriscTable, question: str, answer: bool) -> int:
    key = "when_true" if require_bool(question, answer) else "when_false"
    return table.answers[question][key]


def _check_categories(sex: object, age: object) -> None:
    if sex not in ("male", "female"):
        raise RiskInputError("must be 'male' or 'female'", field="sex", value=sex)
    if isinstance(age, bool) or not isinstance(age, int) or age < 0:
        raise RiskInputError("must be a whole number of years >= 0", field="age", value=age)


def _family_points(table: FindriscTable, answer: object) -> int:
    choices = table.answers["family_history_diabetes"]
    points = choices.get(answer) if isinstance(answer, str) else None
    if points is None:
        raise RiskInputError(
            "must be 'none', 'second_degree' or 'first_degree'",
            field="family_history_diabetes",
            value=answer,
        )
    return points


def findrisc(
    table: FindriscTable,
    *,
    sex: Literal["male", "female"],
    age: int,
    bmi: float,
    waist_cm: float,
    daily_physical_activity: bool,
    daily_fruit_vegetables: bool,
    antihypertensive_medication: bool,
    history_of_high_glucose: bool,
    family_history_diabetes: FamilyHistory,
) -> ScoreResult:
    """Total FINDRISC points and band. BMI in kg/m2, waist in cm (at navel level)."""
    _check_categories(sex, age)
    family_points = _family_points(table, family_history_diabetes)
    bmi = require_finite("bmi", bmi)
    waist = require_finite("waist_cm", waist_cm)
    total = (
        _points(table.numeric["age"], age)
        + _points(table.numeric["bmi"], bmi)
        + _points(table.numeric[f"waist_{sex}"], waist)
        + _yes_no(table, "daily_physical_activity", daily_physical_activity)
        + _yes_no(table, "daily_fruit_vegetables", daily_fruit_vegetables)
        + _yes_no(table, "antihypertensive_medication", antihypertensive_medication)
        + _yes_no(table, "history_of_high_glucose", history_of_high_glucose)
        + family_points
    )
    inputs: dict[str, InputValue] = {
        "sex": sex,
        "age": age,
        "bmi": bmi,
        "waist_cm": waist,
        "daily_physical_activity": daily_physical_activity,
        "daily_fruit_vegetables": daily_fruit_vegetables,
        "antihypertensive_medication": antihypertensive_medication,
        "history_of_high_glucose": history_of_high_glucose,
        "family_history_diabetes": family_history_diabetes,
    }
    return ScoreResult(
        name="FINDRISC",
        value=float(total),
        unit=table.unit,
        band=table.bands.band(total),
        inputs=tuple(inputs.items()),
        exact=float(total),
        review=table.review,
    )
