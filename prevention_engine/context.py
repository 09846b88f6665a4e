"""Per-evaluation facts derived once from the profile, shared by every rule of one evaluation.

A ``Context`` is built at the start of ``evaluate`` and discarded at its end; nothing in it is
shared between evaluations, so evaluations can run in threads or processes.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

from .dates import Duration, months_since
from .gestation import conception, followed
from .profile import Observation, Pregnancy, Procedure, Profile
from .vocabulary import CDSI_ANCHORS

#: ``immunity[].evidence`` values that are a blood test
SEROLOGY_EVIDENCE = frozenset({"serology", "titer", "lab"})


@dataclass(slots=True, unsafe_hash=True)
class Dose:
    """A recorded immunization resolved to its targets through the product table."""

    index: int
    date: dt.date
    label: str
    targets: frozenset[str]
    live: bool
    product: str | None
    cvx: str | None
    sub_standard: bool
    product_key: str | None = None  # normalised product name, for rule matching
    product_ages: tuple[Duration | None, Duration | None] = (None, None)  # min, max (product)


def earlier_live_within(dose: Dose, doses: Iterable[Dose], spacing: Duration) -> Dose | None:
    """The live dose given before ``dose`` (on an earlier day) less than ``spacing`` before it,
    if ``dose`` is live: two live vaccines go the same day or at least ``spacing`` apart, else
    the later one does not count (the vaccination calendar's general rule; read by the series
    and by the proofs of vaccination of pregnancy)."""
    if not dose.live:
        return None
    for other in doses:
        if other is not dose and other.live and other.date < dose.date < spacing.add_to(
                other.date):
            return other
    return None


Tri = tuple[bool | None, tuple[str, ...]]
"""A three-valued result: True / False / None (unknown), with the facts that were missing."""

Pred = Callable[["Context"], Tri]


@dataclass(slots=True)
class Context:
    profile: Profile
    as_of: dt.date
    doses: tuple[Dose, ...]
    conditions: frozenset[str]
    pregnancy: Pregnancy | None
    procedures: tuple[Procedure, ...]
    risk_groups: Mapping[str, Pred] = field(default_factory=dict)
    age_text: str = ""  # " Âge le … : …." appended to reasons, computed once
    #: observations by code, dated up to the assessment date, oldest first: built on first use
    #: (one pass, however many readings a connected sensor sent) and dropped with the context
    by_code: dict[str, tuple[Observation, ...]] | None = None
    #: whole months from birth to the assessment date (negative before birth): an age rule in
    #: whole months or years compares with it instead of adding the age to the birth date
    age_months: int = field(init=False, default=0)
    #: the birth date (an attribute rather than a property: rules read it ~100 times a person)
    birth: dt.date = field(init=False, default=dt.date.min)

    def __post_init__(self) -> None:
        self.birth = self.profile.birth_date
        self.age_months = months_since(self.birth, self.as_of)

    def reached(self, age: Duration) -> bool:
        """Whether the person is ``age`` old on the assessment date (birth + age <= as_of)."""
        months = age.whole_months()
        if months is not None:
            return self.age_months >= months
        return age.add_to(self.birth) <= self.as_of

    def observations(self, code: str) -> tuple[Observation, ...]:
        """The observations of ``code`` up to the assessment date, oldest first."""
        if self.by_code is None:
            index: dict[str, list[Observation]] = {}
            for o in self.profile.observations:
                if o.date <= self.as_of:
                    index.setdefault(o.code, []).append(o)
            self.by_code = {k: tuple(sorted(v, key=lambda o: o.date)) for k, v in index.items()}
        return self.by_code.get(code, ())

    def seroconverted(self, target: str) -> bool:
        """A negative serology of ``target`` followed by a positive one during the current
        pregnancy: a new infection (toxoplasmosis, rubella), never an immunity from before."""
        if self.pregnancy is None:
            return False
        start = self.pregnancy.start
        tests = sorted(
            (i.date, i.immune) for i in self.profile.immunity
            if i.target == target and i.evidence in SEROLOGY_EVIDENCE and i.date is not None
            and start <= i.date <= self.as_of
        )
        first_negative = next((d for d, immune in tests if not immune), None)
        return first_negative is not None and any(
            immune and d > first_negative for d, immune in tests
        )

    def anchor(self, name: str, conditions: frozenset[str] = frozenset()) -> dt.date | None:
        """The date a rule counts from, by name (``ANCHORS``); None when the person has none
        (no current pregnancy, no delivery, no onset recorded)."""
        return ANCHORS[name](self, conditions)


def _birth(ctx: Context, conditions: frozenset[str]) -> dt.date | None:
    return ctx.profile.birth_date


def _lmp(ctx: Context, conditions: frozenset[str]) -> dt.date | None:
    """First day of the last menstrual period of the current pregnancy."""
    return ctx.pregnancy.start if ctx.pregnancy is not None else None


def _delivery(ctx: Context, conditions: frozenset[str]) -> dt.date | None:
    """End date of the latest pregnancy ended on or before the assessment date."""
    ends = [p.end_date for p in ctx.profile.pregnancies
            if p.end_date is not None and p.end_date <= ctx.as_of]
    return max(ends) if ends else None


def _onset(ctx: Context, conditions: frozenset[str]) -> dt.date | None:
    """The latest recorded onset (``since``) of one of ``conditions``, up to the assessment
    date (a diagnosis, an episode)."""
    onsets = [c.since for c in ctx.profile.conditions
              if c.since is not None and c.since <= ctx.as_of and c.name in conditions]
    return max(onsets) if onsets else None


def _conception(ctx: Context, conditions: frozenset[str]) -> dt.date | None:
    """Start of the current pregnancy (DDG, LMP + 14 days): months of pregnancy count from it."""
    return conception(ctx.pregnancy) if ctx.pregnancy is not None else None


def _maternity(ctx: Context, conditions: frozenset[str]) -> dt.date | None:
    """Start (DDG) of the pregnancy followed: the ongoing one, else the one that ended last
    (for windows running from pregnancy into the months after it)."""
    p = followed(ctx.profile, ctx.as_of)
    return conception(p) if p is not None else None


def _cdsi(ctx: Context, codes: frozenset[str]) -> dt.date | None:
    """The latest date of one of these CDSi observations (a condition coded so, with its
    ``since``), or the anchor the code means (170, onset of pregnancy: ``lmp``)."""
    coded = ctx.profile.coded_conditions("cdsi", ctx.as_of)
    dates = [d for c, d in coded.items() if c in codes and d is not None]
    if dates:
        return max(dates)
    meant = [ANCHORS[CDSI_ANCHORS[c]](ctx, frozenset()) for c in codes if c in CDSI_ANCHORS]
    found = [d for d in meant if d is not None]
    return max(found) if found else None


#: The anchors rules may count from; a new anchor is one function here.
ANCHORS: dict[str, Callable[[Context, frozenset[str]], dt.date | None]] = {
    "birth": _birth,
    "lmp": _lmp,
    "delivery": _delivery,
    "onset": _onset,
    "conception": _conception,
    "maternity": _maternity,
    "cdsi": _cdsi,
}
