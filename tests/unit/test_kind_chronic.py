"""The chronic kinds (score, monitoring, advice): load-time errors name the file, line, item and
field; a connected sensor's thousands of readings do not slow the evaluation; explicit
"absent" answers and the {any, ask} predicates never read a missing fact as "no"."""

from __future__ import annotations

import datetime as dt
import time
from pathlib import Path
from typing import Any

import pytest

from prevention_engine import Engine, Profile
from prevention_engine.errors import CalendarError, ProfileError
from prevention_engine.kinds import KINDS

HEAD = """calendar: test-chronic
version: "1"
jurisdiction: FR
title: t
in_force: {from: 2020-01-01}
source: {title: t, url: "https://example.org"}
items:
"""
SOURCE = '    source: {title: s, url: "https://example.org", section: s}\n'
SCORE = """  - id: cv
    domain: chronic
    title: cv
    targets: [cardiovascular_risk]
    kind: score
    score: cardiovascular
    coefficients:
      data: esc-score2-family
      source: {title: c, url: "https://doi.org/10.1093/eurheartj/ehab309"}
    validity: {systolic_bp: "1 year"}
"""
MONITOR = """  - id: a1c
    domain: chronic
    title: a1c
    targets: [hba1c]
    kind: monitoring
    from_conditions: [type_2_diabetes]
    test: HbA1c
    every: "3 months"
    observations: [hba1c]
"""


def _engine(tmp_path: Path, body: str) -> Engine:
    f = tmp_path / "cal.yaml"
    f.write_text(HEAD + body + SOURCE, encoding="utf-8")
    return Engine.from_paths([f])


def _error(tmp_path: Path, body: str) -> CalendarError:
    with pytest.raises(CalendarError) as exc:
        _engine(tmp_path, body)
    return exc.value


def test_the_three_kinds_are_registered() -> None:
    assert {"score", "monitoring", "advice"} <= set(KINDS)


def test_unknown_score_data_is_named(tmp_path: Path) -> None:
    err = _error(tmp_path, SCORE.replace("data: esc-score2-family", "data: esc-score3"))
    assert err.item == "cv" and err.field is not None and err.field.endswith("data")
    assert err.line is not None


def test_unknown_score_is_named(tmp_path: Path) -> None:
    err = _error(tmp_path, SCORE.replace("score: cardiovascular", "score: cardio"))
    assert "cardiovascular" in err.message and err.field == "score"


def test_validity_of_an_unknown_observation_suggests(tmp_path: Path) -> None:
    err = _error(tmp_path, SCORE.replace("systolic_bp:", "systolic_pb:"))
    assert err.suggestion == "systolic_bp"


def test_coefficients_need_their_source(tmp_path: Path) -> None:
    body = SCORE.replace('      source: {title: c, url: "https://doi.org/10.1093/eurheartj/ehab309"}\n',
                         "")
    assert "source" in _error(tmp_path, body).message


def test_monitoring_needs_a_condition_and_a_positive_interval(tmp_path: Path) -> None:
    err = _error(tmp_path, MONITOR.replace("[type_2_diabetes]", "[type_2_diabete]"))
    assert err.suggestion == "type_2_diabetes"
    err = _error(tmp_path, MONITOR.replace('every: "3 months"', 'every: "0 days"'))
    assert err.field is not None and err.field.endswith("every")


def _a1c_profile(readings: int) -> dict[str, Any]:
    start = dt.datetime(2025, 1, 1)
    sensor = [
        {"code": "glucose", "value": 5.5 + (i % 40) / 10, "unit": "mmol/L",
         "date": (start + dt.timedelta(minutes=15 * i)).date().isoformat()}
        for i in range(readings)
    ]
    return {
        "birth_date": "1970-01-01",
        "sex": "female",
        "conditions": [{"code": "type_2_diabetes", "since": "2015-01-01"}],
        "observations": [{"code": "hba1c", "value": 7.1, "unit": "%", "date": "2025-09-15"},
                         *sensor],
    }


def test_sensor_readings_are_accepted_and_do_not_count_as_hba1c(engine: Engine) -> None:
    as_of = dt.date(2025, 11, 10)
    plain = engine.evaluate(_a1c_profile(0), as_of)
    many = Profile.model_validate(_a1c_profile(20_000))
    t0 = time.perf_counter()
    agenda = engine.evaluate(many, as_of)
    elapsed = time.perf_counter() - t0
    row = next(i for i in agenda.items if i.item == "diabetes_hba1c")
    assert row.recommended_date == dt.date(2025, 12, 15)
    assert [i.model_dump() for i in agenda.items] == [i.model_dump() for i in plain.items]
    assert elapsed < 2.0, f"20 000 readings took {elapsed:.2f} s"


def test_glucose_units_convert() -> None:
    p = Profile.model_validate({"birth_date": "1970-01-01", "observations": [
        {"code": "glucose", "value": 99.08, "unit": "mg/dL", "date": "2025-01-01"}]})
    assert abs(p.observations[0].value - 5.5) < 0.001


def test_recorded_and_absent_is_an_error() -> None:
    with pytest.raises(ProfileError) as exc:
        Profile.model_validate({"birth_date": "1970-01-01", "medications": ["insulin"],
                                "medications_absent": ["insulin"]})
    assert "medications_absent" in str(exc.value)
    with pytest.raises(ProfileError):
        Profile.model_validate({"birth_date": "1970-01-01", "conditions_absent": ["diabetees"]})


def test_score_row_carries_inputs_with_dates(engine: Engine) -> None:
    p = {"birth_date": "1975-06-01", "sex": "male", "lifestyle": {"smoker": True},
         "observations": [
             {"code": "systolic_bp", "value": 140, "date": "2025-10-01"},
             {"code": "total_cholesterol", "value": 5.5, "unit": "mmol/L", "date": "2025-09-01"},
             {"code": "hdl_cholesterol", "value": 1.3, "unit": "mmol/L", "date": "2025-09-01"}]}
    row = next(i for i in engine.evaluate(p, dt.date(2025, 11, 10)).items
               if i.item == "cardiovascular_risk")
    assert row.score is not None
    data = row.model_dump(mode="json")["score"]
    assert data["name"] == "SCORE2" and data["value"] == 5.9 and data["band"] == "high"
    assert data["inputs"]["systolic_bp"] == {"value": 140.0, "unit": "mmHg", "date": "2025-10-01"}
    assert data["inputs"]["smoker"] is True and data["inputs"]["region"] == "low"
    assert "5,9 %" in row.reason and "1er septembre 2025" in row.reason


@pytest.mark.parametrize(
    ("glucose_g_per_l", "expected"),
    [(1.05, set()), (1.10, {"moderate_fasting_glucose"}), (1.25, {"moderate_fasting_glucose"}),
     (1.26, {"high_fasting_glucose"})],
)
def test_fasting_glucose_zones_from_the_assurance_maladie(
    glucose_g_per_l: float, expected: set[str]
) -> None:
    """Ameli: prediabetes is a fasting glucose of 1.10 to 1.25 g/L, diabetes from 1.26 g/L
    (to confirm); below 1.10 g/L nothing is said. The same zone whatever the unit entered
    (g/L, mg/dL, or mmol/L with 7.0 mmol/L the usual rounding of 1.26 g/L)."""
    mmol = {1.05: 5.8, 1.10: 6.1, 1.25: 6.9, 1.26: 7.0}[glucose_g_per_l]
    for value, unit in ((glucose_g_per_l, "g/L"), (round(glucose_g_per_l * 100), "mg/dL"),
                        (mmol, "mmol/L")):
        agenda = Engine.default().evaluate(
            {"birth_date": "1970-01-01", "sex": "male", "observations": [
                {"code": "fasting_glucose", "value": value, "unit": unit,
                 "date": "2026-06-01"}]},
            as_of=dt.date(2026, 11, 29),
        )
        found = {r.item for r in agenda.items if r.item.endswith("fasting_glucose")}
        assert found == expected, (value, unit)


@pytest.mark.parametrize("profile", [
    # pregnant: the gestational diabetes threshold (0.92 g/L) applies, not the prediabetes zone
    {"birth_date": "1992-04-01", "sex": "female", "pregnancies": [{"lmp": "2026-09-15"}]},
    # a child: the Assurance Maladie page is about adults
    {"birth_date": "2016-04-01", "sex": "male"},
])
def test_no_prediabetes_advice_in_pregnancy_or_childhood(profile: dict[str, Any]) -> None:
    agenda = Engine.default().evaluate(
        {**profile, "observations": [
            {"code": "fasting_glucose", "value": 1.15, "unit": "g/L", "date": "2026-11-20"}]},
        as_of=dt.date(2026, 11, 29),
    )
    assert "moderate_fasting_glucose" not in {r.item for r in agenda.items}
