"""Signals for later growth_review items: |z| beyond limits, crossings, early rebound."""

from __future__ import annotations

import pytest

from prevention_engine.growth import (
    GrowthInputError,
    early_adiposity_rebound,
    percentile_crossing,
    score,
    who_reference,
    z_beyond_limit,
)
from prevention_engine.growth.lms import restricted_value_at, value_at, z_of_percentile

WHO = who_reference()
YEAR = 365.25


def _weight_at_percentile(sex, age_days, p):
    lms = WHO.table_for("weight_for_age", sex, age_days).at(age_days)
    return value_at(lms, z_of_percentile(p))


def _bmi(age_days, value):
    return score(WHO, "bmi_for_age", "female", age_days, value)


def test_z_below_minus_2_is_a_finding_with_its_source_and_review_note():
    lms = WHO.table_for("length_height_for_age", "male", 400).at(400)
    short = score(WHO, "length_height_for_age", "male", 400, value_at(lms, -2.3))
    finding = z_beyond_limit(short)
    assert finding is not None
    assert finding.kind == "z_beyond_limit"
    assert finding.z_scores == (pytest.approx(-2.3),)
    assert "below -2" in finding.detail
    assert finding.source.url.startswith("https://www.who.int/")
    assert finding.review_reason


def test_z_within_limits_or_on_the_line_is_no_finding():
    lms = WHO.table_for("weight_for_age", "female", 200).at(200)
    assert z_beyond_limit(score(WHO, "weight_for_age", "female", 200, lms.m)) is None
    on_line = score(WHO, "weight_for_age", "female", 200, value_at(lms, 1.999))
    assert z_beyond_limit(on_line) is None


def test_z_above_plus_2_and_custom_limits():
    lms = WHO.table_for("bmi_for_age", "male", 3000).at(3000)
    heavy = score(WHO, "bmi_for_age", "male", 3000, restricted_value_at(lms, 1.5))
    assert z_beyond_limit(heavy) is None
    custom = dict.fromkeys(
        ("weight_for_age", "length_height_for_age", "head_circumference_for_age", "bmi_for_age"),
        (-2.0, 1.0),
    )
    finding = z_beyond_limit(heavy, custom)
    assert finding is not None and "above +1" in finding.detail


def test_a_fall_across_two_major_percentiles_is_a_finding():
    before = score(WHO, "weight_for_age", "male", 120, _weight_at_percentile("male", 120, 60))
    after = score(WHO, "weight_for_age", "male", 240, _weight_at_percentile("male", 240, 20))
    finding = percentile_crossing(before, after)
    assert finding is not None
    assert "downward crossing of 2 lines (P25, P50)" in finding.detail
    assert finding.z_scores == (before.z, after.z)


def test_one_line_crossed_is_no_finding_and_upward_is_reported_as_such():
    before = score(WHO, "weight_for_age", "male", 120, _weight_at_percentile("male", 120, 60))
    after = score(WHO, "weight_for_age", "male", 240, _weight_at_percentile("male", 240, 40))
    assert percentile_crossing(before, after) is None
    up = score(WHO, "weight_for_age", "male", 240, _weight_at_percentile("male", 240, 92))
    finding = percentile_crossing(before, up)
    assert finding is not None and finding.detail.startswith("upward crossing of 2 lines")


def test_a_crossing_needs_one_indicator_in_time_order():
    weight = score(WHO, "weight_for_age", "male", 120, 6.0)
    length = score(WHO, "length_height_for_age", "male", 240, 65.0)
    with pytest.raises(GrowthInputError):
        percentile_crossing(weight, length)
    with pytest.raises(GrowthInputError):
        percentile_crossing(weight, score(WHO, "weight_for_age", "male", 100, 6.0))


def test_bmi_rising_again_at_4_years_is_an_early_rebound():
    series = [_bmi(int(1 * YEAR), 17.0), _bmi(int(3 * YEAR), 15.6), _bmi(int(4 * YEAR), 16.4)]
    finding = early_adiposity_rebound(series)
    assert finding is not None
    assert finding.kind == "early_adiposity_rebound"
    assert "15.6" in finding.detail and "16.4" in finding.detail
    assert finding.review_reason


def test_bmi_falling_until_6_years_is_no_early_rebound():
    series = [_bmi(int(a * YEAR), b) for a, b in ((1, 17.0), (3, 15.8), (5, 15.3), (7, 15.9))]
    assert early_adiposity_rebound(series) is None


def test_the_infancy_rise_before_1_year_is_not_a_rebound():
    series = [_bmi(30, 14.0), _bmi(200, 17.0), _bmi(int(2 * YEAR), 16.0)]
    assert early_adiposity_rebound(series) is None


def test_the_rebound_reads_bmi_only():
    with pytest.raises(GrowthInputError):
        early_adiposity_rebound([score(WHO, "weight_for_age", "female", 500, 9.0)])
