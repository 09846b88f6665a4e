"""SCORE2, SCORE2-OP and SCORE2-Diabetes: 10-year risk of fatal and non-fatal cardiovascular
disease, as pure functions of the inputs and the model data (``Score2Family``).

Computation (the authors' scheme, identical for the three models):
x = sum(beta * term) on centred inputs; uncalibrated r0 = 1 - S0 ** exp(x - mean_x);
calibrated risk = 1 - exp(-exp(scale1 + scale2 * ln(-ln(1 - r0)))), in %. Since
ln(-ln(1 - r0)) = (x - mean_x) + ln(-ln S0), it is computed in that form: no log of a
difference close to 0, no clipping. Who is scored with which model (no ASCVD, diabetes type)
is the caller's decision; these functions only refuse inputs outside a model's range.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Literal

from .coefficients import Score2Family, Score2Model
from .result import (
    InputValue,
    RiskInputError,
    ScoreResult,
    require_bool,
    require_finite,
    round_half_up,
)

Sex = Literal["male", "female"]


def linear_predictor(model: Score2Model, sex: str, raw: Mapping[str, float]) -> float:
    """x for one person: each term is beta times the product of its (centred) variables."""
    centred = {
        name: (model.centring[name].apply(value) if name in model.centring else value)
        for name, value in raw.items()
    }
    total = 0.0
    for term, beta in model.coefficients[sex]:
        product = beta
        for var in term:
            product *= centred[var]
        total += product
    return total


def calibrated_risk(model: Score2Model, sex: str, region: str, x: float) -> float:
    """10-year risk in % after region recalibration."""
    scale1, scale2 = model.scales[region][sex]
    z = x - model.mean_linear_predictor[sex] + math.log(-math.log(model.baseline_survival[sex]))
    return -math.expm1(-math.exp(scale1 + scale2 * z)) * 100.0


def _check_common(model: Score2Model, sex: str, age: float, region: str) -> None:
    if not isinstance(sex, str) or sex not in model.baseline_survival:
        raise RiskInputError("must be 'male' or 'female'", field="sex", value=sex)
    age = require_finite("age", age)
    if age not in model.ages:
        raise RiskInputError(
            f"{model.name} applies from {model.ages.min:g} to before {model.ages.max:g} years",
            field="age",
            value=age,
        )
    if not isinstance(region, str) or region not in model.scales:
        raise RiskInputError(
            f"unknown risk region (known: {', '.join(model.scales)})", field="region", value=region
        )


def _beyond(model: Score2Model, raw: Mapping[str, float]) -> RiskInputError:
    """Inputs so far from the model's (1,000,000 mmHg) that its arithmetic overflows: the one
    farthest from its centre, once centred, is named (an OverflowError named none)."""
    def distance(name: str) -> float:
        c = model.centring.get(name)
        return abs(c.apply(raw[name]) if c is not None else raw[name])

    name = max(sorted(raw), key=distance)
    return RiskInputError(f"outside what {model.name} can compute: check the value and its "
                          "unit", field=name, value=raw[name])


def _result(
    model: Score2Model, sex: str, region: str, raw: dict[str, float], shown: dict[str, InputValue]
) -> ScoreResult:
    try:
        exact = calibrated_risk(model, sex, region, linear_predictor(model, sex, raw))
    except OverflowError:
        raise _beyond(model, raw) from None
    if not math.isfinite(exact):
        raise _beyond(model, raw)
    value = round_half_up(exact, 1)
    bands = model.bands.bands_at(raw["age"])
    if bands is None:
        raise RiskInputError(f"no {model.name} band for this age", field="age", value=raw["age"])
    return ScoreResult(
        name=model.name,
        value=value,
        unit=model.unit,
        band=bands.band(value),
        inputs=tuple(shown.items()),
        exact=exact,
        review=model.review or model.bands.review,
    )


def _cardio_inputs(
    model: Score2Model,
    sex: str,
    age: float,
    smoker: bool,
    region: str,
    lipids_bp: tuple[float, float, float],
) -> tuple[dict[str, float], dict[str, InputValue]]:
    _check_common(model, sex, age, region)
    smoker = require_bool("smoker", smoker)
    sbp, tc, hdl = (
        require_finite(f, v)
        for f, v in zip(
            ("systolic_bp", "total_cholesterol", "hdl_cholesterol"), lipids_bp, strict=True
        )
    )
    raw = {
        "age": float(age),
        "smoking": float(smoker),
        "systolic_bp": sbp,
        "total_cholesterol": tc,
        "hdl_cholesterol": hdl,
    }
    shown: dict[str, InputValue] = {
        "sex": sex,
        "age": age,
        "smoker": smoker,
        "systolic_bp": sbp,
        "total_cholesterol": tc,
        "hdl_cholesterol": hdl,
        "region": region,
    }
    return raw, shown


def score2(
    family: Score2Family,
    *,
    sex: Sex,
    age: float,
    smoker: bool,
    systolic_bp: float,
    total_cholesterol: float,
    hdl_cholesterol: float,
    region: str,
) -> ScoreResult:
    """SCORE2, 40-69 years without diabetes. Blood pressure mmHg, cholesterol mmol/L."""
    model = family.model("SCORE2")
    raw, shown = _cardio_inputs(
        model, sex, age, smoker, region, (systolic_bp, total_cholesterol, hdl_cholesterol)
    )
    return _result(model, sex, region, raw, shown)


def score2_op(
    family: Score2Family,
    *,
    sex: Sex,
    age: float,
    smoker: bool,
    diabetes: bool,
    systolic_bp: float,
    total_cholesterol: float,
    hdl_cholesterol: float,
    region: str,
) -> ScoreResult:
    """SCORE2-OP, 70 years and over; diabetes (any type) is one of its predictors."""
    model = family.model("SCORE2-OP")
    raw, shown = _cardio_inputs(
        model, sex, age, smoker, region, (systolic_bp, total_cholesterol, hdl_cholesterol)
    )
    raw["diabetes"] = float(require_bool("diabetes", diabetes))
    shown["diabetes"] = diabetes
    return _result(model, sex, region, raw, shown)


def score2_diabetes(
    family: Score2Family,
    *,
    sex: Sex,
    age: float,
    smoker: bool,
    systolic_bp: float,
    total_cholesterol: float,
    hdl_cholesterol: float,
    age_at_diagnosis: float,
    hba1c_mmol_mol: float,
    egfr: float,
    region: str,
) -> ScoreResult:
    """SCORE2-Diabetes, type 2 diabetes, 40-69 years. HbA1c in mmol/mol (IFCC), eGFR in
    mL/min/1.73 m2 (CKD-EPI); ``units.hba1c_mmol_mol`` converts a value in %."""
    model = family.model("SCORE2-Diabetes")
    raw, shown = _cardio_inputs(
        model, sex, age, smoker, region, (systolic_bp, total_cholesterol, hdl_cholesterol)
    )
    diagnosis = require_finite("age_at_diagnosis", age_at_diagnosis, positive=False)
    if not 0 <= diagnosis <= age:
        raise RiskInputError(
            "must be between 0 and the current age",
            field="age_at_diagnosis",
            value=age_at_diagnosis,
        )
    raw |= {
        "diabetes": 1.0,
        "age_at_diagnosis": diagnosis,
        "hba1c": require_finite("hba1c_mmol_mol", hba1c_mmol_mol),
        "egfr": require_finite("egfr", egfr),
    }
    shown |= {"age_at_diagnosis": diagnosis, "hba1c_mmol_mol": raw["hba1c"], "egfr": raw["egfr"]}
    return _result(model, sex, region, raw, shown)
