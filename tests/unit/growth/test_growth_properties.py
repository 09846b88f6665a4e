"""Properties: z rises with the measurement; percentiles stay in (0, 100)."""

from __future__ import annotations

import math

from hypothesis import given, settings
from hypothesis import strategies as st

from prevention_engine.growth import score, who_reference
from prevention_engine.growth.lms import restricted_value_at, value_at

WHO = who_reference()
SETTINGS = settings(max_examples=200, deadline=None)
LIMIT_DAYS = {
    "weight_for_age": 3652,
    "length_height_for_age": 6939,
    "head_circumference_for_age": 1856,
    "bmi_for_age": 6939,
}

cases = st.sampled_from(sorted(LIMIT_DAYS)).flatmap(
    lambda indicator: st.tuples(
        st.just(indicator),
        st.sampled_from(["female", "male"]),
        st.integers(min_value=0, max_value=LIMIT_DAYS[indicator]),
    )
)


def _value(indicator, sex, age_days, z):
    lms = WHO.table_for(indicator, sex, age_days).at(age_days)
    if indicator in WHO.restricted_tails:
        return restricted_value_at(lms, z)
    return value_at(lms, z)


@SETTINGS
@given(cases, st.floats(-4.5, 4.5), st.floats(0.01, 2.0))
def test_z_is_increasing_in_the_measurement(case, z, step):
    indicator, sex, age_days = case
    low = _value(indicator, sex, age_days, z)
    high = _value(indicator, sex, age_days, z + step)
    assert score(WHO, indicator, sex, age_days, low).z < score(
        WHO, indicator, sex, age_days, high
    ).z


@SETTINGS
@given(cases, st.floats(-6.0, 6.0))
def test_percentile_is_strictly_between_0_and_100(case, z):
    indicator, sex, age_days = case
    result = score(WHO, indicator, sex, age_days, _value(indicator, sex, age_days, z))
    assert 0.0 < result.percentile < 100.0
    assert math.isclose(result.z, z, abs_tol=1e-6)
