"""Profile input edge cases of issue 9: duplicate keys on the Python path, date overflow."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from prevention_engine import Engine, Profile, ProfileError, Rejected

AS_OF = dt.date(2025, 11, 10)


def test_model_validate_json_refuses_duplicate_keys() -> None:
    raw = (
        '{"birth_date": "2024-03-15", '
        '"immunizations": [{"date": "2024-05-15", "product": "Hexyon"}], '
        '"immunizations": []}'
    )
    with pytest.raises(ProfileError) as exc:
        Profile.model_validate_json(raw)
    assert exc.value.field == "immunizations"


def test_model_validate_json_still_reads_good_json() -> None:
    p = Profile.model_validate_json(b'{"birth_date": "2024-03-15", "sex": "female"}')
    assert p.birth_date == dt.date(2024, 3, 15) and p.sex == "female"
    with pytest.raises(ProfileError, match="invalid JSON"):
        Profile.model_validate_json("{not json")


@pytest.mark.parametrize(
    ("pregnancy", "field"),
    [
        ({"conception_date": "0001-01-01"}, "pregnancies[0].conception_date"),
        ({"lmp": "9999-12-31"}, "pregnancies[0].lmp"),
        ({"lmp": "0001-01-01"}, "pregnancies[0].lmp"),
        ({"lmp": "2025-01-01", "end_date": "9999-12-31"}, "pregnancies[0].end_date"),
    ],
)
def test_extreme_dates_are_profile_errors(pregnancy: dict[str, str], field: str) -> None:
    data = {"birth_date": "1990-01-01", "sex": "female", "pregnancies": [pregnancy]}
    with pytest.raises(ProfileError) as exc:
        Profile.model_validate(data)
    assert exc.value.field == field
    with pytest.raises(ProfileError):
        Profile.model_validate_json(json.dumps(data))


@pytest.mark.parametrize(
    "data",
    [
        {"birth_date": "9999-12-31"},
        {"birth_date": "2000-01-01", "immunizations": [{"date": "9999-12-31", "targets": ["hpv"]}]},
        {"birth_date": "2000-01-01", "declined": [{"item": "hpv", "date": "9999-12-31"}]},
        {"birth_date": "2000-01-01",
         "observations": [{"code": "weight", "value": 70, "unit": "kg", "date": "9999-12-31"}]},
    ],
)
def test_no_overflow_error_anywhere(data: dict[str, object]) -> None:
    engine = Engine.default()
    with pytest.raises(ProfileError):
        engine.evaluate(data, as_of=AS_OF)


def test_evaluate_many_keeps_going_after_an_extreme_date() -> None:
    engine = Engine.default()
    bad = {"id": "bad", "birth_date": "1990-01-01", "pregnancies": [{"lmp": "9999-12-31"}]}
    good = {"id": "good", "birth_date": "1990-01-01"}
    out = list(engine.evaluate_many([bad, json.dumps(bad), good], as_of=AS_OF))
    assert isinstance(out[0], Rejected) and out[0].id == "bad"
    assert isinstance(out[1], Rejected)
    assert not isinstance(out[2], Rejected) and out[2].person_id == "good"


def test_latest_plausible_dates_still_evaluate() -> None:
    engine = Engine.default()
    data = {"birth_date": "1990-01-01", "sex": "female",
            "pregnancies": [{"lmp": "2200-01-01"}]}
    agenda = engine.evaluate(data, as_of=dt.date(2200, 12, 31))
    assert agenda.as_of == dt.date(2200, 12, 31)
