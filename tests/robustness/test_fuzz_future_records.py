"""Records dated after the assessment date, as a fuzzing pass wrote them: doses, measurements
and tests were already ignored and said; a serology, a refusal, a contraindication or a
pregnancy dated later was applied on the assessment date without a word (a person shown
immune, or as having declined, on the strength of a record from the future)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from prevention_engine import Engine, Profile

AS_OF = dt.date(2025, 11, 10)
GIRL = {"id": "g", "birth_date": "2012-01-01", "sex": "female"}


def _agenda(engine: Engine, extra: dict[str, Any]) -> Any:
    return engine.evaluate(Profile.model_validate({**GIRL, **extra}), AS_OF)


def _statuses(agenda: Any, item: str) -> set[str]:
    return {row.status for row in agenda.items if row.item == item}


@pytest.mark.parametrize(("extra", "item", "field", "later_status"), [
    ({"immunity": [{"target": "varicella", "evidence": "serology", "date": "2027-01-01"}]},
     "varicella", "immunity[0]", "immune"),
    ({"declined": [{"item": "hpv", "date": "2027-01-01"}]}, "hpv", "declined[0]", "declined"),
    ({"contraindications": [{"target": "hpv", "since": "2027-01-01"}]}, "hpv",
     "contraindications[0]", "contraindicated"),
])
def test_a_record_dated_after_the_assessment_date_is_ignored_and_said(
    engine: Engine, extra: dict[str, Any], item: str, field: str, later_status: str
) -> None:
    agenda = _agenda(engine, extra)
    assert later_status not in _statuses(agenda, item)
    assert _statuses(agenda, item) == _statuses(_agenda(engine, {}), item)
    said = [w for w in agenda.warnings if w.startswith(field)]
    assert len(said) == 1 and AS_OF.isoformat() in said[0]


@pytest.mark.parametrize(("extra", "item", "status"), [
    ({"immunity": [{"target": "varicella", "evidence": "serology", "date": "2024-01-01"}]},
     "varicella", "immune"),
    ({"immunity": [{"target": "varicella", "evidence": "history"}]}, "varicella", "immune"),
    ({"declined": [{"item": "hpv", "date": "2025-11-10"}]}, "hpv", "declined"),
    ({"declined": [{"item": "hpv"}]}, "hpv", "declined"),
    ({"contraindications": [{"target": "hpv", "since": "2020-01-01"}]}, "hpv",
     "contraindicated"),
])
def test_records_up_to_the_assessment_date_still_apply(
    engine: Engine, extra: dict[str, Any], item: str, status: str
) -> None:
    agenda = _agenda(engine, extra)
    assert _statuses(agenda, item) == {status}
    assert not [w for w in agenda.warnings if "après le" in w]


def test_a_pregnancy_starting_after_the_assessment_date_is_said(engine: Engine) -> None:
    woman = {"birth_date": "1990-01-01", "pregnancies": [{"lmp": "2026-03-01"}]}
    agenda = engine.evaluate(Profile.model_validate({**GIRL, **woman}), AS_OF)
    assert not [row for row in agenda.items if row.domain == "pregnancy"]
    said = [w for w in agenda.warnings if w.startswith("pregnancies[0]")]
    assert len(said) == 1 and AS_OF.isoformat() in said[0]


# ------------------------------------------------------------ immunity evidence, misspelt
def _rubella(engine: Engine, first_evidence: str) -> Any:
    woman = {"birth_date": "1993-02-14", "sex": "female", "pregnancies": [{"lmp": "2025-06-01"}],
             "immunity": [
                 {"target": "rubella", "evidence": first_evidence, "immune": False,
                  "date": "2025-07-01"},
                 {"target": "rubella", "evidence": "serology", "immune": True,
                  "date": "2025-09-01"}]}
    return engine.evaluate(Profile.model_validate(woman), AS_OF)


def test_a_misspelt_serology_is_said(engine: Engine) -> None:
    # "serolgy" is free text: the negative test was not read as a serology, so the later
    # positive one read as an immunity instead of a seroconversion in pregnancy, unsaid
    said = [w for w in _rubella(engine, "serolgy").warnings if w.startswith("immunity[0]")]
    assert len(said) == 1 and "serology" in said[0]


@pytest.mark.parametrize("evidence", ["serology", "history", "antécédent de varicelle"])
def test_known_or_plainly_free_evidence_gives_no_warning(engine: Engine, evidence: str) -> None:
    assert not [w for w in _rubella(engine, evidence).warnings if w.startswith("immunity")]


# ------------------------------------------------------------------ overlapping pregnancies
@pytest.mark.parametrize("pregnancies", [
    [{"lmp": "2025-03-01"}, {"lmp": "2025-06-01"}],  # the first one's end never recorded
    [{"lmp": "2025-03-01", "end_date": "2025-10-01", "outcome": "live_birth"},
     {"lmp": "2025-06-01"}],
    [{"lmp": "2025-06-01"}, {"lmp": "2025-06-01"}],  # twins written as two pregnancies
])
def test_overlapping_pregnancies_are_said(
    engine: Engine, pregnancies: list[dict[str, Any]]
) -> None:
    # the latest one was taken as the current one, the other silently set aside
    woman = {"birth_date": "1990-01-01", "sex": "female", "pregnancies": pregnancies}
    agenda = engine.evaluate(Profile.model_validate(woman), AS_OF)
    said = [w for w in agenda.warnings if w.startswith("pregnancies[1]")]
    assert len(said) == 1 and "pregnancies[0]" in said[0]


def test_successive_pregnancies_give_no_warning(engine: Engine) -> None:
    woman = {"birth_date": "1990-01-01", "sex": "female", "pregnancies": [
        {"lmp": "2023-01-01", "end_date": "2023-10-01", "outcome": "live_birth"},
        {"lmp": "2025-06-01"}]}
    agenda = engine.evaluate(Profile.model_validate(woman), AS_OF)
    assert not [w for w in agenda.warnings if w.startswith("pregnancies")]
