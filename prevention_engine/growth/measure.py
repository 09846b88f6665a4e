"""Measurements to z-scores and percentiles against a growth reference.

Ages are whole days from birth (the WHO 0-5 tables are per day; beyond, the age in months is
days / 30.4375 as in WHO AnthroPlus). A measurement that is not a positive finite number, an age
outside the reference or a sex it does not know is a `GrowthInputError`, never a guessed score.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date
from typing import Literal

from prevention_engine.growth.errors import GrowthInputError
from prevention_engine.growth.lms import (
    percentile,
    restricted_value_at,
    restricted_z_score,
    value_at,
    z_score,
)
from prevention_engine.growth.reference import GrowthReference, StatureRule
from prevention_engine.growth.tables import INDICATORS, Indicator, Sex

Position = Literal["recumbent", "standing"]

#: WHO's flags for biologically implausible z-scores (Anthro, AnthroPlus): (low, high).
#: A flagged value is more likely a data-entry error than a child to alarm about.
IMPLAUSIBLE_Z: dict[Indicator, tuple[float, float]] = {
    "weight_for_age": (-6.0, 5.0),
    "length_height_for_age": (-6.0, 6.0),
    "head_circumference_for_age": (-5.0, 5.0),
    "bmi_for_age": (-5.0, 5.0),
}


@dataclass(frozen=True, slots=True)
class GrowthScore:
    """One measurement scored: what was used, the z-score, its percentile and its origin."""

    indicator: Indicator
    sex: Sex
    age_days: int
    value: float
    value_used: float
    z: float
    percentile: float
    reference: str
    table: str
    restricted_tail: bool
    position_assumed: bool
    implausible: bool


def age_in_days(birth_date: date, measured_on: date) -> int:
    """Whole days from birth to the measurement; a measurement before birth is an error."""
    days = (measured_on - birth_date).days
    if days < 0:
        raise GrowthInputError(
            "measurement dated before birth", field="measured_on", value=measured_on.isoformat()
        )
    return days


def score(
    reference: GrowthReference,
    indicator: Indicator,
    sex: Sex,
    age_days: int,
    value: float,
    *,
    position: Position | None = None,
) -> GrowthScore:
    """Score one measurement. `position` matters for length/height only (see `stature_used`)."""
    _check(indicator, sex, age_days, value)
    used, assumed = value, False
    if indicator == "length_height_for_age":
        used, assumed = stature_used(reference.stature_rule, age_days, value, position)
    return _score(reference, indicator, sex, age_days, value, used, assumed)


def score_bmi(
    reference: GrowthReference,
    sex: Sex,
    age_days: int,
    weight_kg: float,
    stature_cm: float,
    *,
    position: Position | None = None,
) -> GrowthScore:
    """BMI-for-age from weight and length/height, the stature converted first as WHO does."""
    _check("bmi_for_age", sex, age_days, weight_kg, field="weight_kg")
    _check("bmi_for_age", sex, age_days, stature_cm, field="stature_cm")
    stature, assumed = stature_used(reference.stature_rule, age_days, stature_cm, position)
    try:
        value = bmi(weight_kg, stature)
    except (ArithmeticError, ValueError):  # a stature of 1e-300 cm: no float holds the BMI
        value = math.inf
    _check("bmi_for_age", sex, age_days, value, field="bmi")
    return _score(reference, "bmi_for_age", sex, age_days, value, value, assumed, field="bmi")


def value_at_z(
    reference: GrowthReference, indicator: Indicator, sex: Sex, age_days: int, z: float
) -> float:
    """The measurement the reference places at z: the SD lines of a chart or summary table."""
    _check(indicator, sex, age_days, 1.0)
    lms = reference.table_for(indicator, sex, age_days).at(age_days)
    if indicator in reference.restricted_tails:
        return restricted_value_at(lms, z)
    return value_at(lms, z)


def bmi(weight_kg: float, stature_cm: float) -> float:
    """Body mass index in kg/m²."""
    return weight_kg / (stature_cm / 100.0) ** 2


def stature_used(
    rule: StatureRule | None, age_days: int, value_cm: float, position: Position | None
) -> tuple[float, bool]:
    """The length/height the tables expect, and whether the position was assumed.

    WHO: before 731 days a standing height gets +0.7 cm; from 731 days a recumbent length gets
    -0.7 cm. An unknown position is taken as the one the tables expect at that age (what WHO
    Anthro does when the measuring position is missing); the score says it was assumed.
    """
    if position is None:
        return value_cm, True
    if rule is None or age_days > rule.until_days:
        return value_cm, False
    if age_days < rule.switch_days and position == "standing":
        return value_cm + rule.adjustment_cm, False
    if age_days >= rule.switch_days and position == "recumbent":
        return value_cm - rule.adjustment_cm, False
    return value_cm, False


def _score(
    reference: GrowthReference,
    indicator: Indicator,
    sex: Sex,
    age_days: int,
    value: float,
    used: float,
    assumed: bool,
    field: str = "value",
) -> GrowthScore:
    table = reference.table_for(indicator, sex, age_days)
    lms = table.at(age_days)
    restricted = indicator in reference.restricted_tails
    try:
        z = restricted_z_score(used, lms) if restricted else z_score(used, lms)
    except (ArithmeticError, ValueError):  # a power or a logarithm out of the float range
        z = math.nan
    if not math.isfinite(z):
        # positive and finite, yet so far out that no float holds its z-score: the agenda
        # would show an infinite score (written null), so it is bad input, as 0 or inf are
        raise GrowthInputError("a measurement too far outside the reference to be scored",
                               field=field, value=value)
    low, high = IMPLAUSIBLE_Z[indicator]
    return GrowthScore(
        indicator=indicator,
        sex=sex,
        age_days=age_days,
        value=value,
        value_used=used,
        z=z,
        percentile=percentile(z),
        reference=reference.name,
        table=table.source,
        restricted_tail=restricted and abs(z) > 3.0,
        position_assumed=assumed,
        implausible=not low <= z <= high,
    )


def _check(
    indicator: str, sex: str, age_days: int, value: float, *, field: str = "value"
) -> None:
    if indicator not in INDICATORS:
        raise GrowthInputError(
            f"unknown indicator ({', '.join(INDICATORS)})", field="indicator", value=indicator
        )
    if sex not in ("female", "male"):
        raise GrowthInputError("sex must be 'female' or 'male'", field="sex", value=sex)
    if isinstance(age_days, bool) or not isinstance(age_days, int) or age_days < 0:
        raise GrowthInputError(
            "age must be a whole number of days >= 0", field="age_days", value=age_days
        )
    if not _positive_number(value):
        raise GrowthInputError(
            "a measurement must be a positive finite number", field=field, value=value
        )


def _positive_number(value: object) -> bool:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return False
    return math.isfinite(value) and value > 0
