"""Hypothesis strategies for valid profiles and assessment dates, public so that testers can
fuzz the engine from their own suites (``pip install hypothesis``; import this module only in
tests). Every profile drawn is valid by construction: ``Profile.model_validate`` accepts it.

- ``profile_dicts(as_of)`` / ``profiles(as_of)``: the common case (ages 0-100, doses by trade
  name, screening tests, a few conditions, sometimes a current pregnancy);
- ``any_profile_dicts(as_of)`` / ``any_profiles(as_of)``: every part of a profile: births on
  month ends and on 29 February, doses by product or by targets, procedures, conditions with
  their dates, observations in their units, current and past pregnancies, habits, caregivers,
  declined items, consent; nothing dated after ``as_of``;
- ``birth_dates(as_of)``, ``assessment_dates()``.

Example, in a tester's own suite (docs/testing.md)::

    from hypothesis import given, settings
    from prevention_engine import Engine, Profile
    from prevention_engine.strategies import any_profile_dicts, AS_OF

    ENGINE = Engine.default()

    @settings(max_examples=50, deadline=None)
    @given(any_profile_dicts(AS_OF))
    def test_every_row_cites_its_source(data):
        agenda = ENGINE.evaluate(Profile.model_validate(data), AS_OF)
        assert all(item.source.url for item in agenda.items)
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from hypothesis import strategies as st

from .profile import Profile

PRODUCTS = [
    "Hexyon", "Infanrix Hexa", "Vaxelis", "Vaxneuvance", "Prevenar 13", "Prevenar 20",
    "Bexsero", "Nimenrix", "MenQuadfi", "M-M-RVaxPro", "Priorix", "Rotarix", "RotaTeq",
    "Gardasil 9", "Boostrix Tetra", "Repevax", "Tetravac-acellulaire", "Shingrix", "Arexvy",
    "Abrysvo", "Vaxigrip", "Efluelda", "Comirnaty", "Stamaril", "Engerix B 10",
]
CONDITIONS = ["type_2_diabetes", "asthma", "copd", "chronic_heart_disease", "immunodeficiency",
              "asplenia", "chronic_kidney_disease", "obesity", "hysterectomy"]
TARGETS = ["cervical_cancer", "breast_cancer", "colorectal_cancer", "hiv", "chlamydia"]
#: The benchmark's and the examples' assessment date.
AS_OF = dt.date(2025, 11, 10)


@st.composite
def profile_dicts(draw: st.DrawFn, as_of: dt.date = dt.date(2025, 11, 10)) -> dict[str, Any]:
    """A valid profile as a dict: birth 0-100 years before ``as_of``, events after birth."""
    birth = draw(st.dates(min_value=as_of - dt.timedelta(days=365 * 100), max_value=as_of))
    span = (as_of - birth).days

    def event_date() -> dt.date:
        return birth + dt.timedelta(days=draw(st.integers(0, max(span, 0))))

    imms = [
        {"date": event_date().isoformat(), "product": draw(st.sampled_from(PRODUCTS))}
        for _ in range(draw(st.integers(0, 8)))
    ]
    procs = [
        {"target": draw(st.sampled_from(TARGETS)), "date": event_date().isoformat(),
         "method": draw(st.sampled_from([None, "cytology", "hpv_test", "mammography", "fit"])),
         "result": draw(st.sampled_from([None, "normal", "negative"]))}
        for _ in range(draw(st.integers(0, 3)))
    ]
    data: dict[str, Any] = {
        "id": f"h-{draw(st.integers(0, 10**6))}",
        "birth_date": birth.isoformat(),
        "sex": draw(st.sampled_from(["female", "male", None])),
        "residence": {"country": "FR",
                      "department": draw(st.sampled_from(["75", "973", "976", None]))},
        "immunizations": imms,
        "procedures": procs,
        "conditions": [{"code": c} for c in draw(st.lists(st.sampled_from(CONDITIONS),
                                                          max_size=2, unique=True))],
    }
    if draw(st.booleans()) and span > 15 * 365:
        lmp = as_of - dt.timedelta(days=draw(st.integers(0, 280)))
        if lmp >= birth:
            data["pregnancies"] = [{"lmp": lmp.isoformat()}]
    return data


@st.composite
def profiles(draw: st.DrawFn, as_of: dt.date = dt.date(2025, 11, 10)) -> Profile:
    return Profile.model_validate(draw(profile_dicts(as_of)))


def birth_dates(as_of: dt.date = AS_OF, max_age_years: int = 100) -> st.SearchStrategy[dt.date]:
    """Births up to ``max_age_years`` before ``as_of``, with month ends and 29 February (the
    dates where adding months or years is delicate) drawn often."""
    low = as_of - dt.timedelta(days=365 * max_age_years + max_age_years // 4)
    any_day = st.dates(min_value=low, max_value=as_of)

    def month_end(d: dt.date) -> dt.date:
        nxt = (d.replace(day=1) + dt.timedelta(days=32)).replace(day=1)
        return min(nxt - dt.timedelta(days=1), as_of)

    leap_years = [y for y in range(low.year + 1, as_of.year + 1)
                  if y % 4 == 0 and (y % 100 != 0 or y % 400 == 0)
                  and dt.date(y, 2, 29) <= as_of]
    leap = st.sampled_from([dt.date(y, 2, 29) for y in leap_years]) if leap_years else any_day
    return st.one_of(any_day, any_day.map(month_end), leap)


def assessment_dates(
    min_value: dt.date = dt.date(2024, 1, 1), max_value: dt.date = dt.date(2027, 12, 31)
) -> st.SearchStrategy[dt.date]:
    """Assessment dates over the bundled calendars' years."""
    return st.dates(min_value=min_value, max_value=max_value)


#: Observation codes with their canonical unit and a plausible range of values.
OBSERVATIONS = {
    "systolic_bp": ("mmHg", 90, 200), "total_cholesterol": ("mmol/L", 3, 9),
    "hdl_cholesterol": ("mmol/L", 0.6, 2.5), "ldl_cholesterol": ("mmol/L", 1, 6),
    "hba1c": ("%", 4.5, 12), "fasting_glucose": ("mmol/L", 3.5, 15),
    "egfr": ("mL/min/1.73m2", 10, 120), "uacr": ("mg/mmol", 0, 50), "weight": ("kg", 3, 150),
    "height": ("cm", 45, 200), "bmi": ("kg/m2", 14, 45), "waist_circumference": ("cm", 50, 150),
}
ANY_TARGETS = ["cervical_cancer", "breast_cancer", "colorectal_cancer", "hiv", "chlamydia",
               "child_health_exam", "dental_checkup", "prevention_checkup"]
VACCINE_TARGETS = ["pneumococcus", "meningococcus_b", "hpv", "influenza", "covid19", "zoster",
                   "pertussis", "measles", "hepatitis_b", "rsv"]
DECLINABLE = ["hpv", "menb", "grippe", "covid19", "zona", "rotavirus"]
DOMAINS = ["vaccination", "screening", "child", "pregnancy", "chronic"]


def _on_or_after(draw: st.DrawFn, start: dt.date, end: dt.date) -> str:
    return draw(st.dates(min_value=start, max_value=max(start, end))).isoformat()


def _history(draw: st.DrawFn, birth: dt.date, as_of: dt.date) -> dict[str, Any]:
    def when() -> str:
        return _on_or_after(draw, birth, as_of)

    doses: list[dict[str, Any]] = [{"date": when(), "product": draw(st.sampled_from(PRODUCTS))}
             for _ in range(draw(st.integers(0, 10)))]
    doses += [{"date": when(), "targets": draw(st.lists(st.sampled_from(VACCINE_TARGETS),
                                                        min_size=1, max_size=2, unique=True))}
              for _ in range(draw(st.integers(0, 2)))]
    procs = [{"target": draw(st.sampled_from(ANY_TARGETS)), "date": when()}
             for _ in range(draw(st.integers(0, 3)))]
    conds = []
    for code in draw(st.lists(st.sampled_from(CONDITIONS), max_size=3, unique=True)):
        cond: dict[str, Any] = {"code": code}
        if draw(st.booleans()):
            cond["since"] = when()
        conds.append(cond)
    obs = []
    for code in draw(st.lists(st.sampled_from(sorted(OBSERVATIONS)), max_size=4, unique=True)):
        unit, low, high = OBSERVATIONS[code]
        value = round(draw(st.floats(low, high, allow_nan=False)), 1)
        obs.append({"code": code, "value": value, "unit": unit, "date": when()})
    return {"immunizations": doses, "procedures": procs, "conditions": conds,
            "observations": obs}


def _pregnancies(draw: st.DrawFn, birth: dt.date, as_of: dt.date) -> list[dict[str, Any]]:
    """A current pregnancy and/or a past one that ended, for women aged 15 to 50."""
    age_days = (as_of - birth).days
    if not 15 * 365 <= age_days <= 50 * 365:
        return []
    out: list[dict[str, Any]] = []
    if draw(st.booleans()):
        lmp = as_of - dt.timedelta(days=draw(st.integers(0, 290)))
        out.append({"lmp": lmp.isoformat()})
    start = birth + dt.timedelta(days=15 * 365)
    if start <= as_of - dt.timedelta(days=300) and draw(st.booleans()):
        lmp = draw(st.dates(min_value=start, max_value=as_of - dt.timedelta(days=300)))
        end = lmp + dt.timedelta(days=draw(st.integers(40, 290)))
        outcome = "live_birth" if (end - lmp).days > 180 else draw(
            st.sampled_from(["miscarriage", "termination"]))
        out.append({"lmp": lmp.isoformat(), "end_date": end.isoformat(), "outcome": outcome})
    return out


@st.composite
def any_profile_dicts(draw: st.DrawFn, as_of: dt.date = AS_OF) -> dict[str, Any]:
    """A valid profile as a dict, with any part of a profile filled in (module docstring)."""
    birth = draw(birth_dates(as_of))
    sex = draw(st.sampled_from(["female", "male", None]))
    data: dict[str, Any] = {
        "id": f"t-{draw(st.integers(0, 10**6))}",
        "birth_date": birth.isoformat(),
        "sex": sex,
        "residence": {"country": "FR",
                      "department": draw(st.sampled_from(["75", "13", "973", "976", None]))},
        **_history(draw, birth, as_of),
        "lifestyle": {"smoker": draw(st.sampled_from([True, False, None])),
                      "daily_physical_activity": draw(st.sampled_from([True, False, None]))},
        "declined": [{"item": i} for i in draw(st.lists(st.sampled_from(DECLINABLE),
                                                         max_size=2, unique=True))],
        "consent": {"opt_out_domains": draw(st.lists(st.sampled_from(DOMAINS), max_size=1))},
        "caregivers": draw(st.lists(st.fixed_dictionaries(
            {"id": st.sampled_from(["cg-1", "cg-2"]),
             "relation": st.sampled_from(["parent", "guardian"])}), max_size=1)),
    }
    if sex == "female":
        data["pregnancies"] = _pregnancies(draw, birth, as_of)
    return data


@st.composite
def any_profiles(draw: st.DrawFn, as_of: dt.date = AS_OF) -> Profile:
    return Profile.model_validate(draw(any_profile_dicts(as_of)))
