"""A MenC dose given at 5 months before 1 January 2025 is the 1st dose of the infant ACWY
schedule, whose 12-month dose is then given with an ACWY vaccine (Le Moniteur des pharmacies,
30 December 2024: « les nourrissons qui ont reçu une première dose de vaccin contre le
méningocoque C avant le 1er janvier devront recevoir en 2025 une deuxième dose avec le vaccin
tétravalent ACWY »). From the first birthday the engine read the schedule as not started (a
dose of another vaccine never started one) and dropped the compulsory 12-month dose (review of
the ninth session, W1)."""

from __future__ import annotations

import datetime as dt

import pytest

from prevention_engine import Engine

BIRTH = "2024-03-01"


def _rows(engine: Engine, as_of: str, product: str, given: str) -> dict[int | None, str]:
    profile = {"id": "menc", "birth_date": BIRTH, "sex": "female",
               "residence": {"country": "FR", "department": "75"},
               "immunizations": [{"date": given, "product": product}]}
    agenda = engine.evaluate(profile, dt.date.fromisoformat(as_of))
    return {r.dose: r.status for r in agenda.items if r.item == "menacwy"}


@pytest.mark.parametrize("as_of", ["2025-03-01", "2025-04-27", "2025-04-28", "2025-12-12"])
def test_a_menc_dose_at_5_months_stays_the_first_dose_after_12_months(
    engine: Engine, as_of: str
) -> None:
    rows = _rows(engine, as_of, "NeisVac-C", "2024-08-05")
    assert rows[1] == "completed"
    assert rows[2] in ("due", "overdue")  # the 12-month ACWY dose, compulsory


def test_the_12_month_dose_is_compulsory(engine: Engine) -> None:
    profile = {"id": "menc", "birth_date": BIRTH, "sex": "female",
               "residence": {"country": "FR", "department": "75"},
               "immunizations": [{"date": "2024-08-05", "product": "NeisVac-C"}]}
    agenda = engine.evaluate(profile, dt.date(2025, 3, 1))
    dose2 = next(r for r in agenda.items if r.item == "menacwy" and r.dose == 2)
    assert dose2.mandatory and dose2.recommended_date == dt.date(2025, 3, 1)


def test_a_menc_dose_before_5_months_starts_no_infant_schedule(engine: Engine) -> None:
    """The infant schedule names MenC from 5 months only: a dose at 3 months is no 1st dose
    of it, so at 13 months the catch-up of 12-23 months applies (2025.1), as before."""
    rows = _rows(engine, "2025-04-28", "NeisVac-C", "2024-06-03")
    assert rows.get(1) != "completed"
