"""Warnings about the facts of a profile that are probably mistakes or cannot be used.

They are still reported, never silently dropped: a dose dated after the assessment date is
ignored *and said*, a pregnancy without an end date after 45 weeks is taken as ended *and
said*. The words are in ``wording.WARNINGS``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from . import wording
from .dates import Duration
from .profile import PREGNANCY_LIMIT, Profile
from .vocabulary import FAMILY_HISTORIES, MEDICATIONS, METHODS, suggest
from .vocabulary_fr import EVIDENCE_NAMES

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
    return out + _overlapping(profile)


def _overlapping(profile: Profile) -> list[str]:
    """Two pregnancies whose times overlap (an open one lasts ``PREGNANCY_LIMIT``): the latest
    is taken as the current one and the other set aside, so the overlap is said (an end date
    never recorded, twins written as two pregnancies)."""
    spans = [(p.start, p.end_date or p.start + PREGNANCY_LIMIT) for p in profile.pregnancies]
    out = []
    for j, (start_j, end_j) in enumerate(spans):
        first = next((i for i, (start_i, end_i) in enumerate(spans[:j])
                      if start_i < end_j and start_j < end_i), None)
        if first is not None:
            out.append(wording.warning("pregnancies_overlap", index=j, other=first))
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
    out += unread(profile) + _later(profile, as_of)
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
    return out + _near_evidence(profile)


def _near_evidence(profile: Profile) -> list[str]:
    """An immunity's evidence is free text ("antécédent de varicelle"); one close to a word
    the rules read ("serolgy") is probably that word misspelt: a negative serology so written
    is not read as one (a later positive one then reads as an immunity, not a seroconversion
    in pregnancy). Said, with the words read."""
    out = []
    for i, im in enumerate(profile.immunity):
        hint = None if im.evidence in EVIDENCE_NAMES else suggest(im.evidence,
                                                                  sorted(EVIDENCE_NAMES))
        if hint is not None:
            out.append(wording.warning("near_evidence", index=i, name=im.evidence, hint=hint))
    return out


#: The records whose date can lie after the assessment date, with the date that says so and
#: the warning: one table for what ``as_known_on`` leaves out and what ``_later`` says.
_DATED: tuple[tuple[str, Callable[[Any], dt.date | None], str], ...] = (
    ("immunity", lambda x: x.date, "immunity_after"),
    ("declined", lambda x: x.date, "declined_after"),
    ("contraindications", lambda x: x.since, "contraindication_after"),
    ("pregnancies", lambda x: x.start, "pregnancy_after"),
)


def _after(d: dt.date | None, as_of: dt.date) -> bool:
    return d is not None and d > as_of


def _later(profile: Profile, as_of: dt.date) -> list[str]:
    """The records ``as_known_on`` leaves out, each said."""
    return [wording.warning(code, index=i, date=as_of)
            for field, when, code in _DATED
            for i, x in enumerate(getattr(profile, field)) if _after(when(x), as_of)]


def as_known_on(profile: Profile, as_of: dt.date) -> Profile:
    """The profile as it was known on ``as_of``: a serology, a refusal or a contraindication
    dated later, or a pregnancy starting later, is left out (as doses, measurements and tests
    dated later are), so that a record from the future never makes a person immune or
    declined on the assessment date. The profile itself when nothing is dated later."""
    kept = {field: tuple(x for x in getattr(profile, field) if not _after(when(x), as_of))
            for field, when, _ in _DATED}
    if all(len(kept[field]) == len(getattr(profile, field)) for field in kept):
        return profile
    return profile.model_copy(update=kept)
