"""Z-scores against values WHO publishes: SD tables, the 2007 paper, WHO Anthro's examples."""

from __future__ import annotations

import pytest

from prevention_engine.growth import score, score_bmi, value_at_z, who_reference
from prevention_engine.growth.lms import Lms, value_at
from prevention_engine.growth.tables import DAYS_PER_MONTH

WHO = who_reference()

# WHO Child Growth Standards, z-score tables at birth (-3, -2, -1, median, +1, +2, +3 SD).
AT_BIRTH = [
    ("weight_for_age", "male", (2.1, 2.5, 2.9, 3.3, 3.9, 4.4, 5.0)),
    ("weight_for_age", "female", (2.0, 2.4, 2.8, 3.2, 3.7, 4.2, 4.8)),
    ("length_height_for_age", "male", (44.2, 46.1, 48.0, 49.9, 51.8, 53.7, 55.6)),
    ("length_height_for_age", "female", (43.6, 45.4, 47.3, 49.1, 51.0, 52.9, 54.7)),
    ("head_circumference_for_age", "male", (30.7, 31.9, 33.2, 34.5, 35.7, 37.0, 38.3)),
    ("head_circumference_for_age", "female", (30.3, 31.5, 32.7, 33.9, 35.1, 36.2, 37.4)),
    ("bmi_for_age", "male", (10.2, 11.1, 12.2, 13.4, 14.8, 16.3, 18.1)),
]


@pytest.mark.parametrize(("indicator", "sex", "published"), AT_BIRTH)
def test_sd_lines_at_birth_match_the_published_tables(indicator, sex, published):
    lms = WHO.table_for(indicator, sex, 0).at(0)
    rebuilt = tuple(round(value_at(lms, z), 1) for z in (-3, -2, -1, 0, 1, 2, 3))
    assert rebuilt == published


@pytest.mark.parametrize(("indicator", "sex", "published"), AT_BIRTH)
def test_published_median_and_2sd_score_0_and_2(indicator, sex, published):
    # The published values are rounded to 0.1, hence the tolerance.
    tolerance = 0.2 if indicator in ("weight_for_age", "bmi_for_age") else 0.06
    for z, value in ((-2, published[1]), (0, published[3]), (2, published[5])):
        assert score(WHO, indicator, sex, 0, value).z == pytest.approx(z, abs=tolerance)


def test_who_anthro_worked_examples():
    # WHO Anthro (R package) tests: a girl of 1522 days weighing 17 kg has z = 0.24.
    assert round(score(WHO, "weight_for_age", "female", 1522, 17.0).z, 2) == 0.24
    # A boy of 44 days, 50 cm long: ((50 / 56.4833) - 1) / 0.03492.
    expected = round((50 / 56.4833 - 1) / 0.03492, 2)
    result = score(WHO, "length_height_for_age", "male", 44, 50.0, position="recumbent")
    assert round(result.z, 2) == expected == -3.29


def _days(months: float) -> int:
    return int(months * DAYS_PER_MONTH) + 1


@pytest.mark.parametrize(("sex", "plus1", "plus2"), [("male", 25.4, 29.7), ("female", 25.0, 29.7)])
def test_who_2007_bmi_at_19_years_matches_de_onis_2007(sex, plus1, plus2):
    # de Onis et al., Bull WHO 2007: BMI +1 SD at 19 y is 25.4 (boys) / 25.0 (girls),
    # +2 SD is 29.7 for both.
    table = WHO.table_for("bmi_for_age", sex, _days(227.9))
    lms = table.at(228 * DAYS_PER_MONTH)
    assert round(value_at(lms, 1), 1) == plus1
    assert round(value_at(lms, 2), 1) == plus2


@pytest.mark.parametrize(
    ("indicator", "sex", "month", "row"),
    [
        # WHO AnthroPlus, bfawho2007.txt
        ("bmi_for_age", "male", 61, Lms(-0.7387, 15.2641, 0.08390)),
        ("bmi_for_age", "male", 120, Lms(-1.7407, 16.4433, 0.10566)),
        ("bmi_for_age", "female", 61, Lms(-0.8886, 15.2441, 0.09692)),
        ("bmi_for_age", "female", 228, Lms(-0.7496, 21.4269, 0.14441)),
        # hfawho2007.txt and wfawho2007.txt
        ("length_height_for_age", "male", 61, Lms(1.0, 110.2647, 0.04164)),
        ("length_height_for_age", "female", 228, Lms(1.0, 163.1548, 0.04009)),
        ("weight_for_age", "male", 120, Lms(-0.6764, 31.1586, 0.16305)),
        ("weight_for_age", "female", 61, Lms(-0.4681, 18.2579, 0.14295)),
    ],
)
def test_who_2007_rows_match_anthroplus(indicator, sex, month, row):
    table = WHO.table_for(indicator, sex, month * DAYS_PER_MONTH)
    assert table.at(month * DAYS_PER_MONTH) == row


def test_months_are_interpolated_as_anthroplus_does():
    table = WHO.table_for("length_height_for_age", "female", 1900)
    months = 1900 / DAYS_PER_MONTH
    low, high = table.at(62 * DAYS_PER_MONTH), table.at(63 * DAYS_PER_MONTH)
    expected = low.between(high, months - 62)
    assert table.at(1900) == expected
    assert low.m < expected.m < high.m


def test_percentile_of_the_median_is_50():
    lms = WHO.table_for("weight_for_age", "male", 365).at(365)
    result = score(WHO, "weight_for_age", "male", 365, lms.m)
    assert result.z == pytest.approx(0.0, abs=1e-12)
    assert result.percentile == pytest.approx(50.0)


def test_bmi_from_weight_and_stature_uses_the_converted_stature():
    # 800 days, measured lying: WHO subtracts 0.7 cm before computing the BMI.
    result = score_bmi(WHO, "female", 800, 12.0, 86.0, position="recumbent")
    assert result.value_used == pytest.approx(12.0 / 0.853**2)
    assert result.z == score(WHO, "bmi_for_age", "female", 800, 12.0 / 0.853**2).z


def test_chart_lines_at_one_year_and_their_round_trip():
    # WHO weight-for-age, boys at 12 months (365 days): median 9.6 kg, -2 SD 7.7, +2 SD 12.0.
    lines = [round(value_at_z(WHO, "weight_for_age", "male", 365, z), 1) for z in (-2, 0, 2)]
    assert lines == [7.7, 9.6, 12.0]
    for z in (-4.0, -1.0, 3.5):
        value = value_at_z(WHO, "weight_for_age", "male", 365, z)
        assert score(WHO, "weight_for_age", "male", 365, value).z == pytest.approx(z)
