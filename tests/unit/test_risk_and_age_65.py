"""A person aged 65 or more who is also in a risk group is late like anyone of 65 or more.

The calendar recommends zoster (Shingrix, since the 2024 edition) and pneumococcal (Prevenar 20
or Capvaxive, since the 2025 edition) vaccination to everyone aged 65 or more, and to younger
adults at risk "as soon as the risk is identified". A risk dose has no past-due date (the risk
gives no age at which it becomes late), but the age recommendation still applies to a person at
risk who is 65 or more: a 71-year-old transplant patient was shown "à faire" while a healthy
71-year-old was shown "en retard" for the same never-given vaccine. With the engine's display
convention (past due one month after the recommended date), the person at risk from 65 is now
overdue from the same date as anyone of the same age (whenever the risk began); the schedule
of the risk (Shingrix's short schedule when immunocompromised, dose 2 valid from 1 month)
still applies.
"""

from __future__ import annotations

import datetime as dt

import pytest

from prevention_engine import Engine

AS_OF = dt.date(2026, 11, 29)


@pytest.fixture(scope="module")
def engine() -> Engine:
    return Engine.default(["FR"])


def _person(birth: str, *conditions: tuple[str, str | None],
            doses: list[dict[str, str]] | None = None) -> dict[str, object]:
    return {"id": "p", "birth_date": birth, "sex": "female", "residence": {"country": "FR"},
            "conditions": [{"code": c, **({"since": s} if s else {})} for c, s in conditions],
            "immunizations": doses or []}


def _row(engine: Engine, person: dict[str, object], row_id: str, on: dt.date = AS_OF):
    agenda = engine.evaluate(person, on)
    return next(i for i in agenda.items if i.id == row_id)


@pytest.mark.parametrize("row_id", ["fr-vaccination/zoster/1",
                                    "fr-vaccination/pneumococcus_adult/1"])
@pytest.mark.parametrize("since", [None, "2015-01-01"])
def test_at_risk_from_before_65_is_overdue_like_anyone_of_that_age(
    engine: Engine, row_id: str, since: str | None
) -> None:
    """Born 1955: 65 in 2020, before both recommendations existed; the healthy woman is late
    one month after the recommendation appeared (zoster: 26 April 2024; pneumococcus: 28 April
    2025 for the age, 26 April 2024 for the risk: a person at risk was concerned a year
    earlier)."""
    healthy = _row(engine, _person("1955-03-10"), row_id)
    at_risk = _row(engine, _person("1955-03-10", ("organ_transplant", since)), row_id)
    assert healthy.status == at_risk.status == "overdue"
    assert at_risk.past_due_date is not None
    if row_id.endswith("zoster/1"):
        assert at_risk.past_due_date == healthy.past_due_date
    else:
        assert at_risk.past_due_date < healthy.past_due_date


@pytest.mark.parametrize("row_id", ["fr-vaccination/zoster/1",
                                    "fr-vaccination/pneumococcus_adult/1"])
def test_risk_begun_after_65_is_late_a_month_after_it_began(engine: Engine, row_id: str) -> None:
    """Born 1955, transplanted on 1 October 2026 at 71: the age recommendation made her late
    long before the risk began; the risk does not give her a later date (pneumococcus: the
    item's start for people at risk, 26 April 2024, is read on the assessment date, when she
    is at risk, so her date is that one's month, earlier than a healthy woman's)."""
    person = _person("1955-03-10", ("organ_transplant", "2026-10-01"))
    row = _row(engine, person, row_id)
    assert row.status == "overdue"
    healthy = _row(engine, _person("1955-03-10"), row_id)
    assert row.past_due_date is not None and healthy.past_due_date is not None
    assert row.past_due_date <= healthy.past_due_date


@pytest.mark.parametrize("row_id", ["fr-vaccination/zoster/1",
                                    "fr-vaccination/pneumococcus_adult/1"])
def test_under_65_at_risk_stays_due_without_past_due_date(engine: Engine, row_id: str) -> None:
    row = _row(engine, _person("1970-03-10", ("organ_transplant", "2020-01-01")), row_id)
    assert (row.status, row.past_due_date) == ("due", None)


def test_turning_65_makes_the_risk_dose_late_from_the_age(engine: Engine) -> None:
    """Immunocompromised since 2020, born 1961-06-01: due without a past-due date at 64, late
    one month after the 65th birthday, as a healthy person of her age."""
    person = _person("1961-06-01", ("immunodeficiency", "2020-01-01"))
    before = _row(engine, person, "fr-vaccination/zoster/1", dt.date(2026, 5, 1))
    assert (before.status, before.past_due_date) == ("due", None)
    after = _row(engine, person, "fr-vaccination/zoster/1", dt.date(2026, 9, 1))
    healthy = _row(engine, _person("1961-06-01"), "fr-vaccination/zoster/1", dt.date(2026, 9, 1))
    assert after.status == healthy.status == "overdue"
    assert after.past_due_date == healthy.past_due_date


def test_short_zoster_schedule_of_the_immunocompromised_still_counts_after_65(
    engine: Engine
) -> None:
    """Shingrix SmPC (4.2): dose 2 from 1 month after dose 1 for a person immunocompromised;
    a 70-year-old's dose 2 given 5 weeks after the first is valid (not the 2 months of the
    age schedule)."""
    doses = [{"date": "2026-06-01", "product": "Shingrix"},
             {"date": "2026-07-06", "product": "Shingrix"}]
    person = _person("1956-03-10", ("organ_transplant", "2015-01-01"), doses=doses)
    agenda = engine.evaluate(person, AS_OF)
    rows = {i.id: i for i in agenda.items if i.item == "zoster"}
    assert rows["fr-vaccination/zoster/1"].status == "completed"
    assert rows["fr-vaccination/zoster/2"].status == "completed"


def test_rsv_at_risk_from_75_is_late_like_anyone_of_75() -> None:
    """RSV (calendar since its 2024 update): everyone from 75, from 65 with a chronic
    respiratory or heart disease. A 78-year-old with COPD is late from the same date as a
    healthy 78-year-old; at 70 she stays due without a past-due date (the risk's dose)."""
    engine = Engine.default(["FR"])
    copd = _person("1948-03-10", ("copd", "2010-01-01"))
    healthy = _person("1948-03-10")
    at_risk = _row(engine, copd, "fr-vaccination/rsv_older_adult/1")
    same_age = _row(engine, healthy, "fr-vaccination/rsv_older_adult/1")
    assert at_risk.status == same_age.status == "overdue"
    assert at_risk.past_due_date == same_age.past_due_date
    young = _row(engine, _person("1956-03-10", ("copd", "2010-01-01")),
                 "fr-vaccination/rsv_older_adult/1")
    assert (young.status, young.past_due_date) == ("due", None)
