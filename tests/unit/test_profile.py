"""Bad profiles give a ProfileError naming the field; units are converted once."""

from __future__ import annotations

import pytest

from prevention_engine import Profile, ProfileError


@pytest.mark.parametrize(
    ("data", "field", "words"),
    [
        ({"birth_date": "2024-02-30"}, "birth_date", "day"),
        ({"birth_date": "2024-03-15", "foo": 1}, "foo", "unknown field"),
        (
            {"birth_date": "2024-03-15", "immunizations": [{"date": "2024-01-15", "product": "x"}]},
            "immunizations[0].date",
            "before the birth date",
        ),
        (
            {"birth_date": "2000-01-01",
             "observations": [{"code": "hba1c", "value": -1, "date": "2025-01-01"}]},
            "observations[0].value",
            "negative",
        ),
        (
            {"birth_date": "2000-01-01", "conditions": [{"code": "diabetes_type2"}]},
            "conditions[0].code",
            "type_2_diabetes",
        ),
        (
            {"birth_date": "2000-01-01", "immunizations": [{"date": "2020-01-01"}]},
            "immunizations[0]",
            "product, a code or targets",
        ),
        ({"sex": "female"}, "birth_date", "required"),
    ],
)
def test_errors_name_the_field(data: dict[str, object], field: str, words: str) -> None:
    with pytest.raises(ProfileError) as exc:
        Profile.model_validate(data)
    assert exc.value.field == field
    assert words in str(exc.value)


def test_json_errors_are_profile_errors() -> None:
    with pytest.raises(ProfileError):
        Profile.model_validate_json('{"birth_date": "not a date"}')


def test_units_are_converted() -> None:
    p = Profile.model_validate({
        "birth_date": "1970-01-01",
        "observations": [
            {"code": "total_cholesterol", "value": 200, "unit": "mg/dL", "date": "2025-01-01"},
            {"code": "hba1c", "value": 53, "unit": "mmol/mol", "date": "2025-01-01"},
        ],
    })
    chol, hba1c = p.observations
    assert chol.value == pytest.approx(5.17, abs=0.01)
    assert hba1c.value == pytest.approx(7.0, abs=0.05)


def test_icd10_conditions_map_to_vocabulary() -> None:
    p = Profile.model_validate({
        "birth_date": "1970-01-01",
        "conditions": [{"code": {"system": "icd10", "value": "E11.9"}}],
    })
    from datetime import date

    assert p.condition_names(date(2025, 1, 1)) == {"type_2_diabetes"}


def test_conception_date_overrides_lmp() -> None:
    from datetime import date

    p = Profile.model_validate({
        "birth_date": "1990-01-01",
        "pregnancies": [{"lmp": "2025-01-01", "conception_date": "2025-01-20"}],
    })
    assert p.pregnancies[0].start == date(2025, 1, 6)
