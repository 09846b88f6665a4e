"""Nirsevimab is for a newborn whose mother did not receive Abrysvo at least 14 days before
the birth. A profile that does not say what the mother received was read as "not vaccinated"
(review of the ninth session, A1): the fact is now asked, an empty list still says "none", and
a dose the child received in the season is shown done whatever is missing."""

from __future__ import annotations

import datetime as dt
from typing import Any

from prevention_engine import Engine, Profile
from prevention_engine.notifications import person_key

AS_OF = dt.date(2025, 10, 1)
#: person_key of {birth_date: 2025-09-10, sex: female} before "not known" became None
KEY_BEFORE = "anon-aad134f658d1d911"


def _nirsevimab(engine: Engine, **extra: Any) -> Any:
    profile = {"id": "nb", "birth_date": "2025-09-10", "sex": "female",
               "residence": {"country": "FR", "department": "75"}, **extra}
    rows = [r for r in engine.evaluate(profile, AS_OF).items if r.item == "nirsevimab"]
    assert len(rows) == 1, rows
    return rows[0]


def test_unknown_maternal_vaccinations_are_asked(engine: Engine) -> None:
    row = _nirsevimab(engine)
    assert row.status == "needs_data"
    assert row.missing_data == ["perinatal.mother_vaccinations"]
    assert "vaccinations de la mère" in row.reason


def test_an_empty_list_says_the_mother_received_nothing(engine: Engine) -> None:
    assert _nirsevimab(engine, perinatal={"mother_vaccinations": []}).status == "due"


def test_abrysvo_14_days_before_birth_makes_it_needless(engine: Engine) -> None:
    profile = {"id": "nb", "birth_date": "2025-09-10", "sex": "female",
               "residence": {"country": "FR", "department": "75"},
               "perinatal": {"mother_vaccinations": [{"target": "rsv", "date": "2025-08-20"}]}}
    assert not [r for r in engine.evaluate(profile, AS_OF).items if r.item == "nirsevimab"]


def test_a_dose_given_in_the_season_is_done_even_with_the_fact_missing(engine: Engine) -> None:
    row = _nirsevimab(engine, immunizations=[{"date": "2025-09-12", "product": "Beyfortus"}])
    assert row.status == "completed" and row.completed_date == dt.date(2025, 9, 12)


def test_the_anonymous_key_did_not_change_with_the_unknown() -> None:
    """"Not known" used to be the empty list: an anonymous person's notification key (a
    digest of the profile) stays what it was (the value below was computed before the
    change), or every notification would be sent again."""
    base = {"birth_date": "2025-09-10", "sex": "female"}
    unknown = Profile.model_validate(base)
    empty = Profile.model_validate({**base, "perinatal": {"mother_vaccinations": []}})
    assert unknown.perinatal.mother_vaccinations is None
    assert person_key(unknown) == person_key(empty) == KEY_BEFORE
