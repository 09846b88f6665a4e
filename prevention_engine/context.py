"""Per-evaluation facts derived once from the profile, shared by every rule of one evaluation.

A ``Context`` is built at the start of ``evaluate`` and discarded at its end; nothing in it is
shared between evaluations, so evaluations can run in threads or processes.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from .dates import Duration
from .profile import Pregnancy, Procedure, Profile


@dataclass(frozen=True, slots=True)
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
    live_items: frozenset[str] = frozenset()
    age_text: str = ""  # " Âge le … : …." appended to reasons, computed once

    @property
    def birth(self) -> dt.date:
        return self.profile.birth_date
