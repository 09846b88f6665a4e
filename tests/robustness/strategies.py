"""Hypothesis strategies for plausible profiles (valid by construction)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from hypothesis import strategies as st

PRODUCTS = ["Hexyon", "Vaxneuvance", "Bexsero", "Priorix", "Gardasil 9", "Boostrixtetra",
            "Nimenrix", "Engerix B10", "Inconnu-XYZ"]
ITEMS = ["hpv", "menb", "rotavirus", "ror", "zona", "grippe", "covid19", "dtp"]
DOMAINS = ["vaccination", "screening", "child", "pregnancy", "chronic"]


@st.composite
def profiles(draw: st.DrawFn) -> tuple[dict[str, Any], dt.date]:
    as_of = draw(st.dates(dt.date(2024, 1, 1), dt.date(2027, 12, 31)))
    birth = draw(st.dates(dt.date(1930, 1, 1), as_of))

    def after_birth() -> st.SearchStrategy[str]:
        return st.dates(birth, as_of).map(dt.date.isoformat)

    p: dict[str, Any] = {
        "id": draw(st.text("abcdefgh0123456789-", min_size=1, max_size=8)),
        "birth_date": birth.isoformat(),
        "sex": draw(st.sampled_from(["female", "male"])),
        "immunizations": draw(st.lists(
            st.fixed_dictionaries({"date": after_birth(), "product": st.sampled_from(PRODUCTS)}),
            max_size=8)),
        "procedures": draw(st.lists(st.fixed_dictionaries({
            "date": after_birth(),
            "target": st.sampled_from(["colorectal_cancer", "cervical_cancer", "breast_cancer",
                                       "child_health_exam"])}), max_size=3)),
        "declined": draw(st.lists(st.fixed_dictionaries({"item": st.sampled_from(ITEMS)}),
                                  max_size=2)),
        "consent": {"opt_out_domains": draw(st.lists(st.sampled_from(DOMAINS), max_size=2,
                                                     unique=True))},
        "caregivers": draw(st.lists(st.fixed_dictionaries({"id": st.just("cg-1")}), max_size=1)),
    }
    if draw(st.booleans()):
        p["lifestyle"] = {"smoker": draw(st.booleans())}
    return p, as_of
