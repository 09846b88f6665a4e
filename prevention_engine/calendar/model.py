"""Compiled calendar objects: what the loader produces and the evaluators read.

Everything here is immutable and built once per ``Engine``; evaluation only reads it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from ..context import Pred
from ..dates import Duration


@dataclass(frozen=True, slots=True)
class SourceInfo:
    title: str
    url: str
    section: str | None = None


@dataclass(frozen=True, slots=True)
class Immunity:
    born_before: dt.date | None
    evidence: bool
    except_when: Pred | None
    #: born_before applies only to people born in this country (CDSi: varicella, U.S.); the
    #: profile has no country of birth yet, so such a rule never applies by birth date alone.
    birth_country: str | None = None
    #: the recommendation depends on a history the profile may not carry: with no immunity
    #: record at all for the targets (neither immune nor a checked negative), the item asks
    #: for it (needs_data) instead of assuming "not immune"
    ask: bool = False
    #: a recorded history that is evidence of immunity (CDSi clinical history: a laboratory
    #: confirmation, a verified diagnosis), with the rule's words for it
    when: Pred | None = None
    when_reason: str | None = None


@dataclass(frozen=True, slots=True)
class Precaution:
    """A situation in which a dose that would be proposed is postponed (``not_recommended``,
    ``reason`` says until when); when the predicate is unknown, the item asks for the facts."""

    when: Pred
    reason: str
    source: SourceInfo | None = None
    #: optional: the dose is possible again ``until_after`` after an anchor, named in the
    #: reason as a date: "delivery" (latest ended pregnancy) or the latest ``since`` of
    #: ``until_conditions``
    until_from: str | None = None
    until_conditions: tuple[str, ...] = ()
    until_after: Duration | None = None


@dataclass(frozen=True, slots=True)
class RecommendedFrom:
    """When a recommendation started, with the public source that dates it; ``when`` (optional)
    limits the date to the people it concerns (boys included later than girls, say)."""

    date: dt.date
    source: SourceInfo
    when: Pred | None = None


#: The frozen spec a kind parses from its own YAML keys (``SeriesSpec``, ``WindowSpec``...).
S_co = TypeVar("S_co", covariant=True)


@dataclass(frozen=True, slots=True)
class Item(Generic[S_co]):
    """One rule of a calendar: common keys plus the kind-specific ``spec``."""

    id: str
    domain: str
    title: str
    targets: tuple[str, ...]
    kind: str
    applies_when: Pred | None
    mandatory: Pred | None
    contraindicated_when: Pred | None
    not_recommended_when: Pred | None
    immunity: Immunity | None
    source: SourceInfo
    review: bool
    review_reason: str | None
    note: str | None
    spec: S_co
    line: int | None = None
    not_recommended_reason: str | None = None
    contraindication_reason: str | None = None  # text for contraindicated_when (else generic)
    applies_when_src: Any = None  # the YAML of applies_when, for the durable-rules oracle
    mandatory_before_age: Duration | None = None  # the obligation covers doses due before it
    precautions: tuple[Precaution, ...] = ()
    #: "optional": a shared decision the sources say "may be offered"; never notified
    strength: str = "recommended"
    #: the day the recommendation came into being (and the source saying so): nothing is due,
    #: overdue or missed before it, whatever the person's age then
    recommended_from: tuple[RecommendedFrom, ...] = ()
    #: ordered (predicate, French reason) pairs: the first true one gives not_recommended
    exclusions: tuple[tuple[Pred, str], ...] = ()
    #: ordered (predicate, French reason) pairs: the first true one gives contraindicated with
    #: the reason of the situation that applies (pregnancy, immunodepression), checked before
    #: ``contraindicated_when``
    contraindications: tuple[tuple[Pred, str], ...] = ()
    #: False: a needs_data row of this item is shown but never notified (a personal question
    #: is not asked by a push message)
    notify_needs_data: bool = True


@dataclass(frozen=True, slots=True)
class Calendar:
    """One published version of one calendar."""

    id: str
    version: str
    jurisdiction: str
    title: str
    in_force_from: dt.date
    in_force_to: dt.date | None
    source: SourceInfo
    changes: tuple[str, ...]
    past_due_after: Duration | None
    risk_groups: dict[str, Pred]
    items: tuple[Item[object], ...]
    file: str
    review: bool = False
    extra: dict[str, Any] = field(default_factory=dict)
    #: what each kind read from the calendar-level keys it owns (``Kind.calendar_keys``), by
    #: kind name: the generic calendar knows no kind's settings
    settings: dict[str, object] = field(default_factory=dict)
    #: where ``version`` and ``in_force`` are written in ``file`` (errors between editions)
    version_line: int = 1
    in_force_line: int = 1
    jurisdiction_line: int = 1

    def in_force(self, on: dt.date) -> bool:
        return self.in_force_from <= on and (self.in_force_to is None or on <= self.in_force_to)


@dataclass(frozen=True, slots=True)
class Product:
    name: str
    aliases: tuple[str, ...]
    targets: frozenset[str]
    live: bool
    atc: str | None
    cis: str | None
    cvx: str | None
    status: str
    withdrawn: dt.date | None
    source: SourceInfo | None
    #: ages the product is authorised for (summary of product characteristics): a dose given
    #: outside them does not count (a reduced-antigen booster is not an infant primary dose)
    min_age: Duration | None = None
    max_age: Duration | None = None


@dataclass(frozen=True, slots=True)
class ProductTable:
    id: str
    version: str
    jurisdiction: str
    in_force_from: dt.date
    in_force_to: dt.date | None
    products: tuple[Product, ...]
    file: str
    version_line: int = 1
    in_force_line: int = 1
    jurisdiction_line: int = 1

    def in_force(self, on: dt.date) -> bool:
        return self.in_force_from <= on and (self.in_force_to is None or on <= self.in_force_to)


@dataclass(frozen=True, slots=True)
class Jurisdiction:
    """A set of calendars (those whose ``jurisdiction`` is ``code``) and the countries of
    residence they apply to; the ``default`` one applies to any other country, with a warning."""

    code: str
    countries: frozenset[str]
    default: bool
    file: str
    #: the official text saying which territories these calendars apply to
    source: SourceInfo | None = None
    review: bool = False
    review_reason: str | None = None
