"""Restricted tails, the length/height switch, age bounds and input errors."""

from __future__ import annotations

import math
from datetime import date

import pytest

from prevention_engine import Engine
from prevention_engine.errors import PreventionError
from prevention_engine.growth import (
    GrowthInputError,
    age_in_days,
    score,
    score_bmi,
    who_reference,
)
from prevention_engine.growth.lms import (
    percentile,
    restricted_value_at,
    restricted_z_score,
    value_at,
    z_of_percentile,
    z_score,
)

WHO = who_reference()


def test_weight_beyond_plus_3_sd_is_linear_in_the_2_to_3_sd_distance():
    lms = WHO.table_for("weight_for_age", "female", 0).at(0)
    sd2, sd3 = value_at(lms, 2), value_at(lms, 3)
    weight = 6.0
    result = score(WHO, "weight_for_age", "female", 0, weight)
    assert result.z == pytest.approx(3 + (weight - sd3) / (sd3 - sd2))
    assert result.z != pytest.approx(z_score(weight, lms))
    assert result.restricted_tail


def test_weight_below_minus_3_sd_is_linear_in_the_2_to_3_sd_distance():
    lms = WHO.table_for("bmi_for_age", "male", 1000).at(1000)
    sdm2, sdm3 = value_at(lms, -2), value_at(lms, -3)
    result = score(WHO, "bmi_for_age", "male", 1000, 11.0)
    assert result.z == pytest.approx(-3 + (11.0 - sdm3) / (sdm2 - sdm3))
    assert result.z < -3


def test_length_and_head_circumference_keep_the_plain_lms_beyond_3_sd():
    lms = WHO.table_for("head_circumference_for_age", "male", 100).at(100)
    result = score(WHO, "head_circumference_for_age", "male", 100, 50.0)
    assert result.z == pytest.approx(z_score(50.0, lms))
    assert not result.restricted_tail


def test_restricted_tail_is_continuous_at_3_sd_and_invertible():
    lms = WHO.table_for("weight_for_age", "male", 400).at(400)
    for z in (-3.0, 3.0):
        assert restricted_z_score(value_at(lms, z), lms) == pytest.approx(z)
    for z in (-5.5, -3.2, 0.4, 3.7, 6.0):
        assert restricted_z_score(restricted_value_at(lms, z), lms) == pytest.approx(z)


def test_percentile_and_its_inverse():
    assert percentile(0) == 50.0
    assert percentile(1.959964) == pytest.approx(97.5, abs=1e-4)
    assert percentile(-2) == pytest.approx(2.275, abs=1e-3)
    assert z_of_percentile(97.5) == pytest.approx(1.959964, abs=1e-5)
    with pytest.raises(ValueError):
        z_of_percentile(100)


def test_standing_height_before_24_months_gets_plus_0_7_cm():
    standing = score(WHO, "length_height_for_age", "male", 700, 84.0, position="standing")
    lying = score(WHO, "length_height_for_age", "male", 700, 84.7, position="recumbent")
    assert standing.value_used == pytest.approx(84.7)
    assert standing.z == pytest.approx(lying.z)


def test_recumbent_length_from_24_months_gets_minus_0_7_cm():
    lying = score(WHO, "length_height_for_age", "female", 731, 86.0, position="recumbent")
    assert lying.value_used == pytest.approx(85.3)
    assert not lying.position_assumed


def test_unknown_position_is_assumed_and_said():
    result = score(WHO, "length_height_for_age", "female", 731, 86.0)
    assert result.value_used == 86.0
    assert result.position_assumed


def test_the_length_table_switches_to_height_at_731_days():
    table = WHO.table_for("length_height_for_age", "male", 730)
    assert table.at(730).m - table.at(731).m == pytest.approx(0.6715, abs=1e-4)


def test_day_1856_is_who_2006_and_day_1857_is_who_2007():
    assert score(WHO, "bmi_for_age", "male", 1856, 15.0).table.endswith("who2006.csv")
    assert score(WHO, "bmi_for_age", "male", 1857, 15.0).table.endswith("who2007.csv")


@pytest.mark.parametrize(
    ("indicator", "age_days"),
    [
        ("head_circumference_for_age", 1857),  # WHO has head circumference to 5 years only
        ("weight_for_age", 3684),  # WHO 2007 weight-for-age stops at 120 months
        ("length_height_for_age", 6940),  # beyond 228 months
        ("bmi_for_age", 7000),
    ],
)
def test_ages_outside_the_reference_are_errors_naming_the_age(indicator, age_days):
    with pytest.raises(GrowthInputError) as error:
        score(WHO, indicator, "female", age_days, 20.0)
    assert error.value.field == "age_days"
    assert "covered" in str(error.value)


def test_last_covered_ages_are_scored():
    assert math.isfinite(score(WHO, "weight_for_age", "male", 3652, 30.0).z)  # 119.98 months
    assert math.isfinite(score(WHO, "length_height_for_age", "male", 6939, 176.0).z)


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"value": 0.0}, "value"),
        ({"value": -3.0}, "value"),
        ({"value": float("nan")}, "value"),
        ({"value": float("inf")}, "value"),
        ({"value": True}, "value"),
        ({"sex": "x"}, "sex"),
        ({"age_days": -1}, "age_days"),
        ({"age_days": 10.5}, "age_days"),
        ({"indicator": "weight_for_height"}, "indicator"),
    ],
)
def test_bad_input_is_an_error_naming_the_field(kwargs, field):
    args = {"indicator": "weight_for_age", "sex": "male", "age_days": 100, "value": 6.0}
    args.update(kwargs)
    with pytest.raises(GrowthInputError) as error:
        score(WHO, args["indicator"], args["sex"], args["age_days"], args["value"])
    assert error.value.field == field
    assert isinstance(error.value, PreventionError)


def test_age_in_days_and_a_measurement_before_birth():
    assert age_in_days(date(2024, 3, 15), date(2025, 3, 15)) == 365
    with pytest.raises(GrowthInputError) as error:
        age_in_days(date(2024, 3, 15), date(2024, 3, 14))
    assert error.value.field == "measured_on"


def test_who_implausible_values_are_flagged():
    assert score(WHO, "weight_for_age", "female", 1, 10.37).implausible
    assert not score(WHO, "weight_for_age", "female", 1522, 17.0).implausible


@pytest.mark.parametrize(
    ("weight", "stature"),
    [(30.0, 1e-300), (1e-300, 1e-300), (1e-300, 1e300), (1e300, 1e-5), (1.7e308, 1e-2)],
)
def test_a_bmi_out_of_floating_point_range_is_an_input_error(weight, stature):
    """Positive finite measurements whose BMI or z-score no float holds (division by zero,
    overflow, infinity) are bad input naming the BMI, never an arithmetic traceback nor an
    infinite z-score (which the agenda's JSON would write as null)."""
    with pytest.raises(GrowthInputError) as error:
        score_bmi(WHO, "male", 200, weight, stature)
    assert error.value.field == "bmi"


def test_a_weight_whose_z_score_no_float_holds_is_an_input_error():
    with pytest.raises(GrowthInputError) as error:
        score(WHO, "weight_for_age", "male", 1, 1.7e308)
    assert error.value.field == "value"


def test_absurd_measurements_never_break_an_agenda():
    """Through the engine: one record never raises (a batch stops on an arithmetic error) and
    every score written is a finite number."""
    engine = Engine.default()
    for weight, height in [(30, 1e-300), (1e-300, 1e300), (1e300, 1e-5), (1.7e308, 50)]:
        agenda = engine.evaluate({"birth_date": "2025-04-01", "sex": "male", "observations": [
            {"code": "weight", "value": weight, "unit": "kg", "date": "2025-05-01"},
            {"code": "height", "value": height, "unit": "cm", "date": "2025-05-01"}]},
            date(2025, 6, 1))
        scores = [i.score for i in agenda.items if i.score is not None]
        assert scores and all(math.isfinite(s.value) for s in scores)
