"""What a fuzzing pass (profiles, batch lines, rule files) broke, one test per finding.

Each was either a traceback or a silently wrong agenda: a misspelt screening result read as a
normal one, a boolean counted as a number, a measurement of 0 or of a million mmHg crashing
the risk score's arithmetic. The standard: a clear error naming the field (or a warning
naming the record when the fact is only unread), never a guess.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from prevention_engine import Engine, PreventionError, Profile, ProfileError

from .conftest import AS_OF, assert_bad_input, cli, write_json

ADULT = {"id": "p-1", "birth_date": "1970-05-05", "sex": "female"}


def _evaluate(engine: Engine, data: dict[str, Any]) -> Any:
    return engine.evaluate(Profile.model_validate(data), AS_OF)


# --------------------------------------------------------------- screening results, methods
@pytest.mark.parametrize("result", ["positve", "Positive", "positif", "négatif", "ok", ""])
def test_a_misspelt_screening_result_is_an_error_naming_the_field(result: str) -> None:
    # "positif" on a faecal test was read as a normal one: next test in two years
    data = {**ADULT, "procedures": [{"target": "colorectal_cancer", "date": "2024-06-01",
                                     "method": "fit", "result": result}]}
    with pytest.raises(ProfileError) as err:
        Profile.model_validate(data)
    assert err.value.field == "procedures[0].result"
    assert "positive" in str(err.value)  # the words it takes, or the nearest one


@pytest.mark.parametrize("result", ["normal", "negative", "abnormal", "positive",
                                    "inconclusive", "refer", "not_done", "unknown", None])
def test_the_result_words_the_rules_read_are_accepted(result: str | None) -> None:
    data = {**ADULT, "procedures": [{"target": "cervical_cancer", "date": "2024-01-01",
                                     "method": "hpv_test", "result": result}]}
    assert Profile.model_validate(data).procedures[0].result == result


def test_a_misspelt_method_is_said_in_the_warnings(engine: Engine) -> None:
    # a negative HPV test written "hpv-test" was ignored without a word (the trace only)
    data = {**ADULT, "procedures": [{"target": "cervical_cancer", "date": "2024-01-01",
                                     "method": "hpv-test", "result": "negative"}]}
    warnings = [w for w in _evaluate(engine, data).warnings if w.startswith("procedures[0]")]
    assert len(warnings) == 1
    assert "hpv-test" in warnings[0] and "hpv_test" in warnings[0]


def test_a_known_method_gives_no_warning(engine: Engine) -> None:
    data = {**ADULT, "procedures": [{"target": "cervical_cancer", "date": "2024-01-01",
                                     "method": "hpv_test", "result": "negative"}]}
    assert not [w for w in _evaluate(engine, data).warnings if w.startswith("procedures")]


# ------------------------------------------------------------------------- family history
@pytest.mark.parametrize("value", ["first_degre", "yes", "First_degree", "1"])
def test_a_misspelt_family_history_degree_is_an_error(value: str) -> None:
    # "first_degre" was read as no history: the average-risk colorectal programme
    with pytest.raises(ProfileError) as err:
        Profile.model_validate({**ADULT, "family_history": {"colorectal_cancer": value}})
    assert err.value.field == "family_history.colorectal_cancer"
    assert "first_degree" in str(err.value)


def test_a_family_history_no_rule_reads_is_said(engine: Engine) -> None:
    data = {**ADULT, "family_history": {"colorectal_cancr": "first_degree"}}
    warnings = [w for w in _evaluate(engine, data).warnings if w.startswith("family_history")]
    assert len(warnings) == 1
    assert "colorectal_cancr" in warnings[0] and "colorectal_cancer" in warnings[0]


def test_family_histories_the_rules_read_give_no_warning(engine: Engine) -> None:
    data = {**ADULT, "family_history": {"colorectal_cancer": "first_degree",
                                        "diabetes": "none"}}
    assert not [w for w in _evaluate(engine, data).warnings if w.startswith("family_history")]


# ------------------------------------------------------------------------------- numbers
@pytest.mark.parametrize(
    ("patch", "field"),
    [
        ({"observations": [{"code": "systolic_bp", "value": True, "date": "2025-01-01"}]},
         "observations[0].value"),
        ({"lifestyle": {"pack_years": True}}, "lifestyle.pack_years"),
        ({"lifestyle": {"alcohol_units_per_week": False}}, "lifestyle.alcohol_units_per_week"),
        ({"lifestyle": {"years_since_quit": True}}, "lifestyle.years_since_quit"),
        ({"lifestyle": {"sleep_hours": True}}, "lifestyle.sleep_hours"),
        ({"pregnancies": [{"lmp": "2025-08-01", "parity": True}]}, "pregnancies[0].parity"),
    ],
)
def test_a_boolean_is_not_a_number(patch: dict[str, Any], field: str) -> None:
    # true was read as 1: a systolic pressure of 1 mmHg gave a low cardiovascular risk
    with pytest.raises(ProfileError) as err:
        Profile.model_validate({**ADULT, **patch})
    assert err.value.field == field


def test_a_boolean_is_not_a_birth_weight() -> None:
    with pytest.raises(ProfileError) as err:
        Profile.model_validate({"birth_date": "2025-01-01",
                                "perinatal": {"gestational_age_weeks": True}})
    assert err.value.field == "perinatal.gestational_age_weeks"


@pytest.mark.parametrize("code", ["systolic_bp", "total_cholesterol", "hdl_cholesterol",
                                  "hba1c", "weight", "height", "bmi", "waist_circumference",
                                  "egfr", "fasting_glucose"])
def test_a_measurement_of_zero_is_an_error_naming_it(code: str) -> None:
    # 0 (a missing value written as 0) failed the whole agenda later, naming no observation
    data = {**ADULT, "observations": [{"code": code, "value": 0, "date": "2025-01-01"}]}
    with pytest.raises(ProfileError) as err:
        Profile.model_validate(data)
    assert err.value.field == "observations[0].value"
    assert code in str(err.value)


def test_an_albuminuria_of_zero_is_a_measurement() -> None:
    data = {**ADULT, "observations": [{"code": "uacr", "value": 0, "date": "2025-01-01"}]}
    assert Profile.model_validate(data).observations[0].value == 0


def _cardio(value: float, code: str = "systolic_bp") -> dict[str, Any]:
    obs = {"systolic_bp": 140.0, "total_cholesterol": 5.5, "hdl_cholesterol": 1.3}
    obs[code] = value
    return {"id": "p-2", "birth_date": "1965-05-05", "sex": "male",
            "lifestyle": {"smoker": False},
            "observations": [{"code": c, "value": v, "date": "2025-01-01"}
                             for c, v in obs.items()]}


@pytest.mark.parametrize("code", ["systolic_bp", "total_cholesterol"])
def test_an_absurd_measurement_is_an_error_not_an_overflow(engine: Engine, code: str) -> None:
    # 1e6 mmHg raised OverflowError out of the SCORE2 arithmetic (a traceback in the CLI)
    with pytest.raises(PreventionError) as err:
        _evaluate(engine, _cardio(1e6, code))
    assert code in str(err.value)


def test_an_absurd_measurement_on_the_command_line(tmp_path: Path) -> None:
    path = write_json(tmp_path / "p.json", _cardio(1e6))
    assert_bad_input(cli("agenda", str(path), "--as-of", AS_OF.isoformat()), "systolic_bp")


def test_an_absurd_measurement_in_a_batch_is_a_reject_naming_it(tmp_path: Path) -> None:
    good = {"id": "ok", "birth_date": "1980-01-01"}
    infile = tmp_path / "in.jsonl"
    infile.write_text(f"{json.dumps(good)}\n{json.dumps(_cardio(1e6))}\n", encoding="utf-8")
    out, rej = tmp_path / "out.jsonl", tmp_path / "rej.jsonl"
    r = cli("batch", str(infile), "--out", str(out), "--rejects", str(rej),
            "--as-of", AS_OF.isoformat())
    assert r.exc is None and r.code == 0
    assert "read 2, written 1, rejected 1" in r.out
    (reject,) = [json.loads(x) for x in rej.read_text(encoding="utf-8").splitlines()]
    assert reject["line"] == 2 and reject["id"] == "p-2"
    assert "systolic_bp" in reject["error"] and "internal error" not in reject["error"]


def test_valid_measurements_still_give_the_same_score(engine: Engine) -> None:
    (row,) = [i for i in _evaluate(engine, _cardio(140.0)).items
              if i.item == "cardiovascular_risk"]
    assert row.score is not None and row.score.value == 5.8


@pytest.mark.parametrize("value", [0.5, 2.0, 2.15])
def test_an_hba1c_below_zero_mmol_per_mol_is_an_error(value: float) -> None:
    # 0.5 % failed the agenda later as "hba1c_mmol_mol: must be greater than 0 (value: -18.0)"
    data = {**ADULT, "observations": [{"code": "hba1c", "value": value, "date": "2025-01-01"}]}
    with pytest.raises(ProfileError) as err:
        Profile.model_validate(data)
    assert err.value.field == "observations[0]" and "HbA1c" in str(err.value)


# ---------------------------------------------------------- rule files: results and methods
SCREENING = Path(__file__).resolve().parents[2] / "rules" / "screening" / "fr-screening-2026.yaml"
HPV_EXIT = "      - when: {result: [abnormal, positive]}\n        exit: >-\n"


def _rule_error(tmp_path: Path, old: str, new: str) -> Any:
    text = SCREENING.read_text(encoding="utf-8")
    assert old in text
    broken = tmp_path / "screening.yaml"
    broken.write_text(text.replace(old, new, 1), encoding="utf-8")
    r = cli("validate", str(broken))
    assert_bad_input(r, "screening.yaml:")
    line = next(n for n, x in enumerate(broken.read_text(encoding="utf-8").splitlines(), 1)
                if new.splitlines()[0] in x)
    return r.err, line


def test_a_misspelt_result_in_a_rule_is_an_error_with_its_line(tmp_path: Path) -> None:
    # the exit of a positive HPV test never matched: the test fell to the default interval
    err, line = _rule_error(tmp_path, HPV_EXIT,
                            HPV_EXIT.replace("[abnormal, positive]", "[abnormal, positve]"))
    assert f"screening.yaml:{line}:" in err and "positve" in err and "'positive'" in err


def test_a_misspelt_method_in_a_rule_is_an_error_with_its_line(tmp_path: Path) -> None:
    err, line = _rule_error(tmp_path, "methods: [cytology, hpv_test]",
                            "methods: [cytology, hpv-test]")
    assert f"screening.yaml:{line}:" in err and "'hpv_test'" in err


def test_a_misspelt_result_in_a_procedure_predicate_is_an_error(tmp_path: Path) -> None:
    err, line = _rule_error(
        tmp_path, "result: [positive, abnormal], not_followed_by: [colonoscopy]}",
        "result: [positif, abnormal], not_followed_by: [colonoscopy]}")
    assert f"screening.yaml:{line}:" in err and "positif" in err



# -------------------------------------------------- a product and the targets it contradicts
@pytest.mark.parametrize("extra", [{"targets": ["measles"]},
                                   {"code": {"system": "cvx", "value": "03"}}])
def test_a_product_contradicted_by_its_targets_or_code_is_said(
    engine: Engine, extra: dict[str, Any]
) -> None:
    # the product won without a word: the measles dose the record also named was not counted
    data = {**ADULT, "birth_date": "2012-01-01",
            "immunizations": [{"date": "2024-03-01", "product": "Gardasil 9", **extra}]}
    said = [w for w in _evaluate(engine, data).warnings if w.startswith("immunizations[0]")]
    assert len(said) == 1 and "Gardasil 9" in said[0]


@pytest.mark.parametrize("extra", [{}, {"targets": ["hpv"]},
                                   {"code": {"system": "cvx", "value": "165"}}])
def test_a_product_agreeing_with_its_targets_or_code_gives_no_warning(
    engine: Engine, extra: dict[str, Any]
) -> None:
    data = {**ADULT, "birth_date": "2012-01-01",
            "immunizations": [{"date": "2024-03-01", "product": "Gardasil 9", **extra}]}
    assert not [w for w in _evaluate(engine, data).warnings if w.startswith("immunizations")]


# ------------------------------------------------------------------------------ residence
@pytest.mark.parametrize("department", ["9999", "9733", "abc", "7", "2a", "97"])
def test_a_french_department_that_cannot_exist_is_an_error(department: str) -> None:
    # "9733" (French Guiana mistyped) was read as some metropolitan department: no yellow fever
    with pytest.raises(ProfileError) as err:
        Profile.model_validate({**ADULT, "residence": {"country": "FR",
                                                       "department": department}})
    assert err.value.field == "residence.department"
    assert "2A" in str(err.value)


@pytest.mark.parametrize(("residence", "department"), [
    ({"country": "FR", "department": "75"}, "75"),
    ({"country": "FR", "department": "01"}, "01"),
    ({"country": "FR", "department": "2A"}, "2A"),
    ({"country": "FR", "department": "973"}, "973"),
    ({"country": "FR", "department": "986"}, "986"),
    ({"country": "GF"}, "973"),
    ({"department": "13"}, "13"),
    ({"country": "US", "department": "CA"}, "CA"),  # another country's subdivision: as given
])
def test_departments_that_exist_are_read(residence: dict[str, str], department: str) -> None:
    data = {**ADULT, "residence": residence}
    assert Profile.model_validate(data).residence.department == department
