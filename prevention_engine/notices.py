"""Warnings about the facts of a profile that are probably mistakes or cannot be used.

They are still reported, never silently dropped: a dose dated after the assessment date is
ignored *and said*, a pregnancy without an end date after 45 weeks is taken as ended *and
said*. The words are in ``wording.WARNINGS``.
"""

from __future__ import annotations

import datetime as dt

from . import wording
from .dates import Duration
from .profile import PREGNANCY_LIMIT, Profile
from .vocabulary import FAMILY_HISTORIES, MEDICATIONS, METHODS, suggest

#: A pregnancy recorded before this age is taken as a data error worth a warning.
MIN_PREGNANCY_AGE = Duration(years=10)


def implausible(profile: Profile) -> list[str]:
    """Facts that are probably mistakes: still used as given, but never silently."""
    out: list[str] = []
    for i, preg in enumerate(profile.pregnancies):
        if profile.sex == "male":
            out.append(wording.warning("pregnancy_male", index=i))
        if preg.start < MIN_PREGNANCY_AGE.add_to(profile.birth_date):
            out.append(wording.warning("pregnancy_too_young", index=i))
    return out


def dated_after(profile: Profile, as_of: dt.date) -> list[str]:
    """Records dated after the assessment date (ignored), unusable codes and medication names
    no rule reads, open pregnancies past their limit."""
    out = [wording.warning("immunization_after", index=i, date=as_of)
           for i, imm in enumerate(profile.immunizations) if imm.date > as_of]
    out += [wording.warning("observation_after", index=i, date=as_of)
            for i, obs in enumerate(profile.observations) if obs.date > as_of]
    out += [wording.warning("procedure_after", index=i, date=as_of)
            for i, proc in enumerate(profile.procedures) if proc.date > as_of]
    out += [wording.warning("unknown_condition", index=i)
            for i, c in enumerate(profile.conditions) if c.name is None and not c.cdsi]
    out += [wording.warning("unknown_medication", index=i, name=m,
                            hint=suggest(m, sorted(MEDICATIONS)),
                            known=", ".join(sorted(MEDICATIONS)))
            for i, m in enumerate(profile.medications) if m not in MEDICATIONS]
    out += unread(profile)
    out += [wording.warning("open_pregnancy", index=i)
            for i, preg in enumerate(profile.pregnancies)
            if preg.end_date is None and as_of >= preg.start + PREGNANCY_LIMIT]
    return out


def unread(profile: Profile) -> list[str]:
    """Test methods and family histories no rule reads (a misspelt "hpv-test" made a
    programme ignore the test; "colorectal_cancr" a family history): said, never dropped."""
    out = [wording.warning("unknown_method", index=i, name=p.method,
                           hint=suggest(p.method, sorted(METHODS)))
           for i, p in enumerate(profile.procedures)
           if p.method is not None and p.method not in METHODS]
    out += [wording.warning("unknown_family_history", key=k, hint=suggest(k, sorted(
        FAMILY_HISTORIES)), known=", ".join(sorted(FAMILY_HISTORIES)))
            for k in sorted(profile.family_history) if k not in FAMILY_HISTORIES]
    return out
