"""Properties of the pregnancy pathway on generated pregnancies.

Written from the issue and DESIGN.md section 4 (SA count from the first day of the LMP; a
known conception or dating-ultrasound date gives LMP = that date - 14 days), not from the YAML:
nothing prenatal after the end of the pregnancy, every prenatal window between the LMP and
LMP + 42 weeks, and one gestational age for the pathway and the vaccinations.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from prevention_engine import Engine, Profile

ROOT = Path(__file__).resolve().parents[2] / "rules"
ENGINE = Engine.from_paths([ROOT / "pregnancy", ROOT / "vaccination", ROOT / "products"])
SETTINGS = settings(max_examples=120, deadline=None)
#: Items that follow the pregnancy itself (not the months after it).
POSTNATAL = {"maternity_dental_checkup", "early_postnatal_interview",
             "second_postnatal_interview", "postnatal_exam"}
OUTCOMES = ["live_birth", "stillbirth", "miscarriage", "termination", None]


@st.composite
def pregnancies(draw: Any) -> tuple[dict[str, Any], dt.date, dt.date]:
    """A pregnancy record, its expected LMP (by DESIGN.md §4), and an assessment date."""
    lmp = draw(st.dates(dt.date(2024, 3, 1), dt.date(2026, 6, 1)))
    rec: dict[str, Any] = {"lmp": lmp.isoformat()}
    start = lmp
    dating = draw(st.none() | st.integers(-10, 10))
    if dating is not None:  # a dating ultrasound moves the start by a few days
        ddg = lmp + dt.timedelta(days=14 + dating)
        rec["dating_date"] = ddg.isoformat()
        start = ddg - dt.timedelta(days=14)
    if draw(st.booleans()):
        conception = lmp + dt.timedelta(days=draw(st.integers(10, 18)))
        rec["conception_date"] = conception.isoformat()
        start = conception - dt.timedelta(days=14)
    length = draw(st.none() | st.integers(5, 42))
    if length is not None:
        rec["end_date"] = (start + dt.timedelta(weeks=length)).isoformat()
        rec["outcome"] = draw(st.sampled_from(OUTCOMES))
    as_of = start + dt.timedelta(days=draw(st.integers(0, 400)))
    return rec, start, as_of


def _agenda(rec: dict[str, Any], as_of: dt.date) -> Any:
    profile = Profile.model_validate(
        {"birth_date": "1993-04-02", "sex": "female", "pregnancies": [rec]}
    )
    return ENGINE.evaluate(profile, as_of)


@SETTINGS
@given(pregnancies())
def test_nothing_prenatal_after_the_end(case: tuple[dict[str, Any], dt.date, dt.date]) -> None:
    rec, _, as_of = case
    end = rec.get("end_date")
    agenda = _agenda(rec, as_of)
    if end is not None and as_of >= dt.date.fromisoformat(end):
        prenatal = [i.id for i in agenda.items
                    if i.calendar.id == "fr-pregnancy" and i.item not in POSTNATAL]
        assert not prenatal, prenatal
        notified = [n.item_id for n in agenda.notifications if n.item_id.startswith(
            "fr-pregnancy/") and n.item_id.split("/")[1] not in POSTNATAL]
        assert not notified, notified


@SETTINGS
@given(pregnancies())
def test_prenatal_windows_lie_in_the_pregnancy(
    case: tuple[dict[str, Any], dt.date, dt.date]
) -> None:
    rec, start, as_of = case
    last = start + dt.timedelta(weeks=42)
    for i in _agenda(rec, as_of).items:
        if i.calendar.id != "fr-pregnancy" or i.item in POSTNATAL:
            continue
        for d in (i.earliest_date, i.recommended_date, i.latest_date, i.completed_date):
            assert d is None or start <= d <= last, (i.id, d, start)


@SETTINGS
@given(pregnancies())
def test_one_gestational_age_everywhere(case: tuple[dict[str, Any], dt.date, dt.date]) -> None:
    rec, start, as_of = case
    rec = {k: v for k, v in rec.items() if k not in ("end_date", "outcome")}
    pregnancy = Profile.model_validate(
        {"birth_date": "1993-04-02", "pregnancies": [rec]}).pregnancies[0]
    assert pregnancy.start == start
    weeks, days = pregnancy.gestational_age(as_of)
    assert weeks * 7 + days == (as_of - start).days
    items = {i.item: i for i in _agenda(rec, start + dt.timedelta(weeks=8)).items}
    assert items["first_prenatal_exam"].earliest_date == start
    assert items["pregnancy_ultrasounds"].recommended_date == start + dt.timedelta(weeks=11)
    pertussis = items.get("pertussis_pregnancy")
    if pertussis is not None and pertussis.status == "upcoming":  # from 20 SA (HAS 2022)
        assert pertussis.recommended_date == start + dt.timedelta(weeks=20)
