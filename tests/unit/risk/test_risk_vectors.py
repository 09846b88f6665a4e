"""Every published test vector of the SCORE2 family, reproduced within 0.05 percentage point.

Expected values are the published ones, typed here from the sources (not from the YAML):
SCORE2 paper abstract (#1-4), SCORE2 supplementary methods table 4 and HeartScore (#5-15),
SCORE2-OP supplementary methods table 3 (#16-17) and HeartScore (#18-25), SCORE2-Diabetes
structured graphical abstract (#26-41) and the MDCalc smoker variants. The numbering follows
the team fact sheet's section B.9.
"""

from __future__ import annotations

from typing import Any

import pytest

from prevention_engine.risk import Score2Family, score2, score2_diabetes, score2_op

TOLERANCE = 0.05
M, F = "male", "female"
LOW, MOD, HIGH, VHIGH = "low", "moderate", "high", "very_high"

# (#, region, sex, age, smoker, sbp, tc, hdl, expected %, ESC 2021 band or None)
SCORE2_VECTORS = [
    (1, LOW, M, 50, True, 140, 5.5, 1.3, 5.9, None),
    (2, LOW, F, 50, True, 140, 5.5, 1.3, 4.2, None),
    (3, VHIGH, M, 50, True, 140, 5.5, 1.3, 14.0, None),
    (4, VHIGH, F, 50, True, 140, 5.5, 1.3, 13.7, None),
    (5, LOW, M, 50, True, 140, 6.3, 1.4, 6.3, "high"),
    (6, LOW, F, 50, True, 140, 6.3, 1.4, 4.3, "low_to_moderate"),
    (7, MOD, M, 50, True, 140, 6.3, 1.4, 8.1, "high"),
    (8, MOD, F, 50, True, 140, 6.3, 1.4, 5.2, "high"),
    (9, HIGH, M, 50, True, 140, 6.3, 1.4, 8.8, "high"),
    (10, HIGH, F, 50, True, 140, 6.3, 1.4, 7.1, "high"),
    (11, VHIGH, M, 50, True, 140, 6.3, 1.4, 15.1, "very_high"),
    (12, VHIGH, F, 50, True, 140, 6.3, 1.4, 14.1, "very_high"),
    (13, LOW, M, 45, False, 110, 5.0, 2.0, 1.1, "low_to_moderate"),
    (14, VHIGH, F, 45, True, 140, 5.0, 2.0, 6.0, "high"),
    (15, HIGH, M, 48, True, 160, 8.0, 2.0, 10.0, "very_high"),
]

# (#, region, sex, age, smoker, sbp, tc, hdl, diabetes, expected %, ESC 2021 band)
SCORE2_OP_VECTORS = [
    (16, LOW, M, 75, True, 140, 5.5, 1.3, False, 18.6, "very_high"),
    (17, LOW, F, 75, True, 140, 5.5, 1.3, False, 15.2, "very_high"),
    (18, LOW, M, 75, False, 140, 5.5, 1.3, False, 13.3, "high"),
    (19, LOW, F, 75, False, 110, 5.0, 2.0, False, 6.1, "low_to_moderate"),
    (20, MOD, M, 75, True, 140, 5.5, 1.3, False, 23.9, "very_high"),
    (21, MOD, F, 75, True, 140, 5.5, 1.3, False, 20.0, "very_high"),
    (22, HIGH, M, 75, True, 140, 6.0, 1.3, False, 29.2, "very_high"),
    (23, HIGH, F, 75, True, 110, 5.0, 2.0, False, 19.0, "very_high"),
    (24, VHIGH, M, 75, True, 140, 6.0, 1.3, False, 40.8, "very_high"),
    (25, VHIGH, F, 75, True, 140, 6.0, 1.3, False, 46.2, "very_high"),
]

# Profile A: diagnosed at 60, HbA1c 50 mmol/mol, eGFR 90; B: diagnosed at 50, HbA1c 70, eGFR 60.
# All: age 60, SBP 140, TC 5.5, HDL 1.3. (#, region, sex, profile, smoker, expected %)
PROFILES = {"A": (60, 50, 90), "B": (50, 70, 60)}
SCORE2_DIABETES_VECTORS = [
    (26, LOW, M, "A", False, 8.4),
    (27, LOW, F, "A", False, 6.1),
    (28, MOD, M, "A", False, 11.0),
    (29, MOD, F, "A", False, 7.6),
    (30, HIGH, M, "A", False, 12.5),
    (31, HIGH, F, "A", False, 11.1),
    (32, VHIGH, M, "A", False, 20.3),
    (33, VHIGH, F, "A", False, 20.6),
    (34, LOW, M, "B", False, 12.9),
    (35, LOW, F, "B", False, 9.8),
    (36, MOD, M, "B", False, 17.2),
    (37, MOD, F, "B", False, 12.7),
    (38, HIGH, M, "B", False, 21.0),
    (39, HIGH, F, "B", False, 20.4),
    (40, VHIGH, M, "B", False, 31.2),
    (41, VHIGH, F, "B", False, 34.0),
    ("A-smoker-M", LOW, M, "A", True, 11.8),
    ("A-smoker-F", LOW, F, "A", True, 9.2),
]


def _id(row: tuple[object, ...]) -> str:
    return f"#{row[0]}"


@pytest.mark.parametrize("row", SCORE2_VECTORS, ids=_id)
def test_score2_published_vectors(family: Score2Family, row: tuple[Any, ...]) -> None:
    _, region, sex, age, smoker, sbp, tc, hdl, expected, band = row
    result = score2(
        family,
        sex=sex,
        age=age,
        smoker=smoker,
        systolic_bp=sbp,
        total_cholesterol=tc,
        hdl_cholesterol=hdl,
        region=region,
    )
    assert abs(result.exact - expected) <= TOLERANCE
    assert result.value == expected  # the shown value is the published one
    assert result.name == "SCORE2" and result.unit == "%"
    if band is not None:
        assert result.band == band


@pytest.mark.parametrize("row", SCORE2_OP_VECTORS, ids=_id)
def test_score2_op_published_vectors(family: Score2Family, row: tuple[Any, ...]) -> None:
    _, region, sex, age, smoker, sbp, tc, hdl, diabetes, expected, band = row
    result = score2_op(
        family,
        sex=sex,
        age=age,
        smoker=smoker,
        diabetes=diabetes,
        systolic_bp=sbp,
        total_cholesterol=tc,
        hdl_cholesterol=hdl,
        region=region,
    )
    assert abs(result.exact - expected) <= TOLERANCE
    assert result.value == expected  # the shown value is the published one
    assert result.name == "SCORE2-OP"
    assert result.band == band


@pytest.mark.parametrize("row", SCORE2_DIABETES_VECTORS, ids=_id)
def test_score2_diabetes_published_vectors(family: Score2Family, row: tuple[Any, ...]) -> None:
    _, region, sex, profile, smoker, expected = row
    diagnosis, hba1c, egfr = PROFILES[profile]
    result = score2_diabetes(
        family,
        sex=sex,
        age=60,
        smoker=smoker,
        systolic_bp=140,
        total_cholesterol=5.5,
        hdl_cholesterol=1.3,
        age_at_diagnosis=diagnosis,
        hba1c_mmol_mol=hba1c,
        egfr=egfr,
        region=region,
    )
    assert abs(result.exact - expected) <= TOLERANCE
    assert result.value == expected  # the shown value is the published one
    assert result.name == "SCORE2-Diabetes"


def test_score2_diabetes_bands_of_published_vectors(family: Score2Family) -> None:
    """ESC 2023: < 5 low, 5 to < 10 moderate, 10 to < 20 high, >= 20 very high."""

    def band(sex: str, profile: str, region: str) -> str:
        diagnosis, hba1c, egfr = PROFILES[profile]
        return score2_diabetes(
            family,
            sex=sex,
            age=60,
            smoker=False,
            systolic_bp=140,
            total_cholesterol=5.5,
            hdl_cholesterol=1.3,
            age_at_diagnosis=diagnosis,
            hba1c_mmol_mol=hba1c,
            egfr=egfr,
            region=region,
        ).band

    assert band(M, "A", LOW) == "moderate"  # 8.4
    assert band(M, "B", LOW) == "high"  # 12.9
    assert band(F, "A", VHIGH) == "very_high"  # 20.6
    assert band(F, "B", MOD) == "high"  # 12.7


# Computed-only regression vectors (low region): NOT published, they only freeze behaviour.
REGRESSION = [
    ("SCORE2", F, 55, False, 130, 5.0, 1.5, None, 2.26),
    ("SCORE2", M, 45, True, 150, 6.5, 1.0, None, 7.66),
    ("SCORE2", M, 65, False, 160, 5.5, 1.2, None, 9.33),
    ("SCORE2", F, 69, True, 145, 6.0, 1.3, None, 10.77),
    ("SCORE2", M, 40, False, 120, 5.0, 1.3, None, 1.37),
    ("SCORE2-OP", M, 72, False, 150, 6.0, 1.4, False, 12.07),
    ("SCORE2-OP", F, 80, False, 140, 5.5, 1.5, False, 14.19),
    ("SCORE2-OP", M, 85, True, 160, 5.0, 1.1, True, 35.52),
    ("SCORE2-OP", F, 75, False, 130, 5.0, 1.6, True, 14.25),
]


@pytest.mark.parametrize("row", REGRESSION, ids=lambda r: f"{r[0]}-{r[1]}-{r[2]}")
def test_regression_vectors(family: Score2Family, row: tuple[Any, ...]) -> None:
    name, sex, age, smoker, sbp, tc, hdl, diabetes, expected = row
    common = dict(
        sex=sex,
        age=age,
        smoker=smoker,
        systolic_bp=sbp,
        total_cholesterol=tc,
        hdl_cholesterol=hdl,
        region=LOW,
    )
    if name == "SCORE2":
        result = score2(family, **common)
    else:
        result = score2_op(family, diabetes=diabetes, **common)
    assert abs(result.exact - expected) <= 0.01


def test_france_is_in_the_low_risk_region(family: Score2Family) -> None:
    assert family.region_of("FR") == "low"
