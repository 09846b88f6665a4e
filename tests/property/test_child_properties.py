"""Properties of the child health record on generated children.

- An examination recorded once never completes two examination windows (the 8-day and
  2nd-week windows, the 24th-25th-month and 3rd-year windows overlap).
- No child item after the ages the sources give: examinations and growth to 16 years (the
  15-16 years window read up to the day before 17), certificates to the 24th-25th month,
  neonatal records asked in the first year (their follow-up shown to 3 years), M'T dents to 24
  years.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from prevention_engine import Engine, Profile
from prevention_engine.dates import Duration

SETTINGS = settings(max_examples=60, deadline=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture])
#: item -> the age from which it never appears
LAST_AGE = {
    "child_exams": Duration(years=17),
    "child_exam_7th_year": Duration(years=8),
    "growth_monitoring": Duration(years=17),
    "health_certificates": Duration(years=3),
    "neonatal_blood_spot": Duration(years=3),
    "neonatal_hearing": Duration(years=3),
    "mt_dents": Duration(years=25),
    "advice_screens": Duration(years=6),
    "advice_infant_sleep": Duration(years=1),
    "advice_food_diversification": Duration(months=6),
    "advice_accidents": Duration(years=6),
}


@st.composite
def children(draw: st.DrawFn) -> tuple[dict[str, Any], dt.date]:
    as_of = draw(st.dates(dt.date(2019, 3, 1), dt.date(2027, 12, 31)))
    birth = as_of - dt.timedelta(days=draw(st.integers(0, 27 * 366)))
    span = (as_of - birth).days
    exams = draw(st.lists(st.integers(0, span), max_size=25))
    data = {
        "birth_date": birth.isoformat(),
        "sex": draw(st.sampled_from(["female", "male"])),
        "procedures": [{"target": draw(st.sampled_from(["child_health_exam",
                                                        "health_certificate",
                                                        "dental_checkup"])),
                        "date": (birth + dt.timedelta(days=d)).isoformat()} for d in exams],
    }
    return data, as_of


@SETTINGS
@given(children())
def test_an_examination_counts_for_one_window(engine: Engine,
                                              case: tuple[dict[str, Any], dt.date]) -> None:
    data, as_of = case
    agenda = engine.evaluate(Profile.model_validate(data), as_of)
    for item in ("child_exams", "health_certificates", "mt_dents"):
        done = [it.completed_date for it in agenda.items
                if it.item == item and it.status == "completed"]
        assert len(done) == len(set(done)), (item, done)
        occurrences = [it.occurrence for it in agenda.items if it.item == item]
        assert len(occurrences) == len(set(occurrences)), (item, occurrences)


@SETTINGS
@given(children())
def test_no_child_item_after_the_age_the_sources_give(
    engine: Engine, case: tuple[dict[str, Any], dt.date]
) -> None:
    data, as_of = case
    birth = dt.date.fromisoformat(data["birth_date"])
    agenda = engine.evaluate(Profile.model_validate(data), as_of)
    for it in agenda.items:
        if it.domain != "child":
            continue
        limit = LAST_AGE.get(it.item)
        if limit is not None:
            assert as_of < limit.add_to(birth), (it.id, data["birth_date"], as_of)
        assert as_of < Duration(years=25).add_to(birth), it.id


@SETTINGS
@given(st.dates(dt.date(2017, 1, 1), dt.date(2020, 12, 31)),
       st.dates(dt.date(2024, 9, 1), dt.date(2026, 6, 30)))
def test_the_7th_year_exam_never_dates_before_2025(engine: Engine, birth: dt.date,
                                                   as_of: dt.date) -> None:
    """Across the 2025 change: the 7th-year exam exists from 2025-01-01 only; before, the 2019
    calendar has none; after, nothing of it is due, overdue or missed before that day."""
    agenda = engine.evaluate(Profile.model_validate({"birth_date": birth.isoformat()}), as_of)
    rows = [it for it in agenda.items if it.item == "child_exam_7th_year"]
    if as_of < dt.date(2025, 1, 1):
        assert not rows
    for it in rows:
        assert it.recommended_date is None or it.recommended_date >= dt.date(2025, 1, 1), it
        if Duration(years=7).add_to(birth) <= dt.date(2025, 1, 1):
            assert it.status != "missed", it
