"""API edge cases and implausible facts of issue 9: clear errors, never a silent agenda."""

from __future__ import annotations

import datetime as dt

import pytest

from prevention_engine import (
    Duration,
    Engine,
    InputError,
    PreventionError,
    Profile,
    ProfileError,
    add,
    parse_duration,
)

AS_OF = dt.date(2025, 11, 10)
ADULT = {"birth_date": "1990-01-01", "sex": "female"}


@pytest.fixture(scope="module")
def engine() -> Engine:
    return Engine.default()


def test_calendars_as_a_string_is_a_clear_error(engine: Engine) -> None:
    with pytest.raises(InputError, match=r"list of calendar ids.*\['fr-vaccination'\]"):
        engine.evaluate(ADULT, as_of=AS_OF, calendars="fr-vaccination")  # type: ignore[arg-type]


def test_calendars_as_a_list_still_works(engine: Engine) -> None:
    agenda = engine.evaluate(ADULT, as_of=AS_OF, calendars=["fr-vaccination"])
    assert [c.id for c in agenda.calendars] == ["fr-vaccination"]


@pytest.mark.parametrize("value", ["2025-01-01", dt.datetime(2025, 1, 1), 20250101])
def test_rules_date_must_be_a_date(engine: Engine, value: object) -> None:
    with pytest.raises(InputError, match="rules_date"):
        engine.evaluate(ADULT, as_of=AS_OF, rules_date=value)  # type: ignore[arg-type]


def test_horizon_must_be_a_sane_duration(engine: Engine) -> None:
    with pytest.raises(InputError, match="horizon"):
        engine.evaluate(ADULT, as_of=AS_OF, horizon=Duration(years=9000))


@pytest.mark.parametrize(
    "call",
    [
        lambda: parse_duration("two months"),
        lambda: parse_duration(5),  # type: ignore[arg-type]
        lambda: parse_duration(["2 months"]),  # type: ignore[arg-type]
        lambda: add(dt.date(9999, 6, 1), "1 year"),
        lambda: add(dt.date(1, 1, 1), Duration(days=-1)),
        lambda: add("2020-01-01", "1 year"),  # type: ignore[arg-type]
        lambda: Duration(years=9000).add_to(dt.date(2000, 1, 1)),
    ],
)
def test_date_helpers_raise_prevention_errors(call) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(PreventionError):
        call()


def test_parse_duration_errors_are_still_value_errors() -> None:
    with pytest.raises(ValueError):
        parse_duration("3 moons")


def test_unknown_jurisdiction_is_warned_not_silent(engine: Engine) -> None:
    agenda = engine.evaluate(ADULT, as_of=AS_OF, jurisdiction="DE")
    assert agenda.items == []
    assert any("aucun calendrier" in w and "DE" in w for w in agenda.warnings)


@pytest.mark.parametrize(
    ("data", "words"),
    [
        ({"birth_date": "1990-01-01", "sex": "male", "pregnancies": [{"lmp": "2025-09-01"}]},
         "sexe masculin"),
        ({"birth_date": "2018-01-01", "sex": "female", "pregnancies": [{"lmp": "2025-09-01"}]},
         "avant l'âge de 10 ans"),
    ],
)
def test_implausible_pregnancies_are_warned(engine: Engine, data: dict, words: str) -> None:  # type: ignore[type-arg]
    agenda = engine.evaluate(data, as_of=AS_OF)
    assert any(words in w for w in agenda.warnings), agenda.warnings


def test_plausible_pregnancy_is_not_warned(engine: Engine) -> None:
    agenda = engine.evaluate({**ADULT, "pregnancies": [{"lmp": "2025-09-01"}]}, as_of=AS_OF)
    assert not any("vérifiez" in w for w in agenda.warnings)


@pytest.mark.parametrize(
    ("code", "unit"),
    [("weight", "lb"), ("height", "in"), ("hba1c", "mg/dL"), ("total_cholesterol", "%"),
     ("systolic_bp", "kPa"), ("uacr", "mg/g")],
)
def test_unknown_unit_for_the_code_is_a_profile_error(code: str, unit: str) -> None:
    with pytest.raises(ProfileError) as exc:
        Profile.model_validate({**ADULT, "observations": [
            {"code": code, "value": 10, "unit": unit, "date": "2025-01-01"}]})
    assert exc.value.field == "observations[0].unit"


@pytest.mark.parametrize(
    ("code", "unit"),
    [("weight", "kg"), ("weight", None), ("hba1c", "mmol/mol"), ("total_cholesterol", "mg/dL"),
     ("fasting_glucose", "g/L"), ("systolic_bp", "mmHg"), ("bmi", "kg/m²"),
     ("egfr", "mL/min/1.73 m2")],
)
def test_known_units_are_accepted(code: str, unit: str | None) -> None:
    Profile.model_validate({**ADULT, "observations": [
        {"code": code, "value": 10, "unit": unit, "date": "2025-01-01"}]})
