"""Band edges, half-open as the sources give them ("5 to < 10": 5 is in, 10 is out).

Thresholds are typed here from the guidelines (ESC 2021 prevention, ESC 2023 diabetes, the
FINDRISC form), independently of the YAML, and checked against the bundled data.
"""

from __future__ import annotations

import pytest

from prevention_engine.risk import FindriscTable, Score2Family, ScoreResult, findrisc, score2

ESC2021 = [  # (age, value, band)
    (40, 0.0, "low_to_moderate"),
    (45, 2.4, "low_to_moderate"),
    (45, 2.5, "high"),
    (49.99, 7.4, "high"),
    (49.99, 7.5, "very_high"),
    (50, 4.9, "low_to_moderate"),
    (50, 5.0, "high"),
    (69.99, 9.9, "high"),
    (69.99, 10.0, "very_high"),
]
ESC2021_OP = [
    (70, 7.4, "low_to_moderate"),
    (70, 7.5, "high"),
    (89.9, 14.9, "high"),
    (89.9, 15.0, "very_high"),
]
ESC2023_DIABETES = [
    (4.9, "low"),
    (5.0, "moderate"),
    (9.9, "moderate"),
    (10.0, "high"),
    (19.9, "high"),
    (20.0, "very_high"),
    (99.0, "very_high"),
]


@pytest.mark.parametrize(("age", "value", "band"), ESC2021)
def test_score2_band_edges(family: Score2Family, age: float, value: float, band: str) -> None:
    bands = family.model("SCORE2").bands.bands_at(age)
    assert bands is not None and bands.band(value) == band


@pytest.mark.parametrize(("age", "value", "band"), ESC2021_OP)
def test_score2_op_band_edges(family: Score2Family, age: float, value: float, band: str) -> None:
    bands = family.model("SCORE2-OP").bands.bands_at(age)
    assert bands is not None and bands.band(value) == band


@pytest.mark.parametrize(("value", "band"), ESC2023_DIABETES)
def test_score2_diabetes_band_edges(family: Score2Family, value: float, band: str) -> None:
    for age in (40, 49.5, 50, 69.99):
        bands = family.model("SCORE2-Diabetes").bands.bands_at(age)
        assert bands is not None and bands.band(value) == band


def test_age_groups_are_half_open(family: Score2Family) -> None:
    model = family.model("SCORE2")
    assert model.bands.bands_at(49.999) != model.bands.bands_at(50)
    assert model.bands.bands_at(70) is None  # 70 and over: SCORE2-OP's table
    assert family.model("SCORE2-OP").bands.bands_at(70) is not None


def _sbp_for(family: Score2Family, target: float) -> float:
    """Bisect the systolic pressure giving a man of 55 a SCORE2 of ``target`` %."""
    low, high = 80.0, 220.0
    for _ in range(80):
        mid = (low + high) / 2
        if _risk(family, mid).exact < target:
            low = mid
        else:
            high = mid
    return high


def _risk(family: Score2Family, sbp: float) -> ScoreResult:
    return score2(
        family,
        sex="male",
        age=55,
        smoker=False,
        systolic_bp=sbp,
        total_cholesterol=5.0,
        hdl_cholesterol=1.3,
        region="low",
    )


def test_band_follows_the_shown_value(family: Score2Family) -> None:
    """4.96 % is shown 5.0 and banded as 5.0 (high), so the value and its band agree."""
    result = _risk(family, _sbp_for(family, 4.96))
    assert 4.95 <= result.exact < 5.0
    assert result.value == 5.0 and result.band == "high"
    below = _risk(family, _sbp_for(family, 4.94))
    assert below.value == 4.9 and below.band == "low_to_moderate"


BASE = dict(
    sex="male",
    age=40,
    bmi=20.0,
    waist_cm=80.0,
    daily_physical_activity=True,
    daily_fruit_vegetables=True,
    antihypertensive_medication=False,
    history_of_high_glucose=False,
    family_history_diabetes="none",
)


@pytest.mark.parametrize(
    ("change", "points"),
    [
        ({"age": 44}, 0),
        ({"age": 45}, 2),
        ({"age": 54}, 2),
        ({"age": 55}, 3),
        ({"age": 64}, 3),
        ({"age": 65}, 4),
        ({"bmi": 24.99}, 0),
        ({"bmi": 25.0}, 1),
        ({"bmi": 30.0}, 1),
        ({"bmi": 30.01}, 3),
        ({"waist_cm": 93.9}, 0),
        ({"waist_cm": 94.0}, 3),
        ({"waist_cm": 102.0}, 3),
        ({"waist_cm": 102.1}, 4),
        ({"sex": "female", "waist_cm": 79.9}, 0),
        ({"sex": "female", "waist_cm": 80.0}, 3),
        ({"sex": "female", "waist_cm": 88.0}, 3),
        ({"sex": "female", "waist_cm": 88.1}, 4),
        ({"daily_physical_activity": False}, 2),
        ({"daily_fruit_vegetables": False}, 1),
        ({"antihypertensive_medication": True}, 2),
        ({"history_of_high_glucose": True}, 5),
        ({"family_history_diabetes": "second_degree"}, 3),
        ({"family_history_diabetes": "first_degree"}, 5),
    ],
)
def test_findrisc_question_edges(table: FindriscTable, change: dict, points: int) -> None:  # type: ignore[type-arg]
    assert findrisc(table, **{**BASE, **change}).value == points  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("points", "band"),
    [
        (0, "low"),
        (6, "low"),
        (7, "slightly_elevated"),
        (11, "slightly_elevated"),
        (12, "moderate"),
        (14, "moderate"),
        (15, "high"),
        (20, "high"),
        (21, "very_high"),
        (26, "very_high"),
    ],
)
def test_findrisc_band_edges(table: FindriscTable, points: int, band: str) -> None:
    assert table.bands.band(points) == band


FINDRISC_VECTORS = [  # the fact sheet's F1-F4, points summed from the form by hand
    (
        "F1",
        dict(
            sex="female",
            age=58,
            bmi=31,
            waist_cm=92,
            daily_physical_activity=False,
            daily_fruit_vegetables=False,
            antihypertensive_medication=True,
            history_of_high_glucose=False,
            family_history_diabetes="first_degree",
        ),
        20,
        "high",
    ),
    (
        "F2",
        dict(
            sex="male",
            age=40,
            bmi=24,
            waist_cm=90,
            daily_physical_activity=True,
            daily_fruit_vegetables=True,
            antihypertensive_medication=False,
            history_of_high_glucose=False,
            family_history_diabetes="none",
        ),
        0,
        "low",
    ),
    (
        "F3",
        dict(
            sex="male",
            age=50,
            bmi=27,
            waist_cm=96,
            daily_physical_activity=False,
            daily_fruit_vegetables=True,
            antihypertensive_medication=False,
            history_of_high_glucose=False,
            family_history_diabetes="second_degree",
        ),
        11,
        "slightly_elevated",
    ),
    (
        "F4",
        dict(
            sex="female",
            age=66,
            bmi=30.0,
            waist_cm=88,
            daily_physical_activity=True,
            daily_fruit_vegetables=False,
            antihypertensive_medication=True,
            history_of_high_glucose=True,
            family_history_diabetes="first_degree",
        ),
        21,
        "very_high",
    ),
]


@pytest.mark.parametrize(
    ("case", "inputs", "points", "band"), FINDRISC_VECTORS, ids=[v[0] for v in FINDRISC_VECTORS]
)
def test_findrisc_vectors(
    table: FindriscTable,
    case: str,
    inputs: dict,
    points: int,  # type: ignore[type-arg]
    band: str,
) -> None:
    result = findrisc(table, **inputs)  # type: ignore[arg-type]
    assert (result.value, result.band, result.unit) == (points, band, "points")
    assert (
        result.as_score()["inputs"]["family_history_diabetes"] == inputs["family_history_diabetes"]
    )
