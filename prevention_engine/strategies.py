"""Hypothesis strategies for profiles, public so that testers can fuzz the engine.

``hypothesis`` is a development dependency: import this module only in tests.
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
