"""Which pregnancy the pathway follows, and what an infant's birth record says about it.

Gestational age itself is computed once, by ``Pregnancy.start`` and
``Pregnancy.gestational_age`` (profile.py); every rule, anchor and predicate reads those.
This module only chooses the pregnancy (the ongoing one, or the one that ended last) and
derives the infant's birth record from the mother's profile, so the newborn's RSV protection
follows the mother's vaccination without the two profiles being evaluated together.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from datetime import timedelta

from .dates import Duration
from .profile import MotherDose, Perinatal, Pregnancy, Profile

#: Outcomes after which the postnatal follow-up applies (a child was born, alive or not).
BIRTHS = frozenset({"live_birth", "stillbirth"})
#: Mother's vaccinations a newborn's rules may read.
_MATERNAL_TARGETS = frozenset({"rsv", "pertussis", "influenza", "covid19"})
_YEAR = Duration(years=1)


def conception(p: Pregnancy) -> dt.date:
    """Start of pregnancy (DDG): LMP + 14 days; months of pregnancy count from it."""
    return p.start + timedelta(days=14)


def last_ended(profile: Profile, on: dt.date) -> Pregnancy | None:
    """The pregnancy that ended last on or before ``on``."""
    ended = [p for p in profile.pregnancies if p.end_date is not None and p.end_date <= on]
    return max(ended, key=lambda p: (p.end_date or p.start, p.start)) if ended else None


def followed(profile: Profile, on: dt.date) -> Pregnancy | None:
    """The pregnancy the maternity follow-up is about: the ongoing one, else the last ended."""
    return profile.current_pregnancy(on) or last_ended(profile, on)


def in_maternity(profile: Profile, on: dt.date) -> bool:
    """Pregnant, or a pregnancy ended less than a year ago: the person's own follow-up (a
    minor's notifications then go to her, not to a parent)."""
    if profile.current_pregnancy(on) is not None:
        return True
    p = last_ended(profile, on)
    return p is not None and p.end_date is not None and on < _YEAR.add_to(p.end_date)


def ended_by_birth(p: Pregnancy) -> bool | None:
    """Whether the pregnancy ended with a birth; None when the outcome is not recorded."""
    return None if p.outcome is None else p.outcome in BIRTHS


def birth_record(
    mother: Profile,
    pregnancy: Pregnancy,
    doses: Iterable[tuple[dt.date, Iterable[str]]] | None = None,
) -> Perinatal:
    """The infant's birth record from the mother's profile: completed weeks of amenorrhoea at
    birth and the mother's vaccinations given during this pregnancy. ``doses`` are the
    mother's doses as (date, targets), resolved through a product table
    (``Engine.birth_record`` passes them); by default, only doses recorded with ``targets``."""
    if pregnancy.end_date is None:
        raise ValueError("the pregnancy has no end date: no birth yet")
    weeks = pregnancy.gestational_age(pregnancy.end_date)[0]
    given = doses if doses is not None else (
        (imm.date, imm.targets or ()) for imm in mother.immunizations)
    mother_doses = tuple(
        MotherDose(target=t, date=day)
        for day, targets in given
        if pregnancy.start <= day <= pregnancy.end_date
        for t in sorted(set(targets) & _MATERNAL_TARGETS)
    )
    return Perinatal(
        gestational_age_weeks=weeks if 20 <= weeks <= 45 else None,
        mother_vaccinations=mother_doses,
    )
