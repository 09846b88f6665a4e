"""What every rule kind provides: a parser for its YAML keys and an evaluator.

A kind is a pair of functions registered under its name; adding a kind (``score`` for the
chronic domain, say) is a new module and one registration, not a change to the engine.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ..agenda import Score, TraceEntry
from ..calendar.model import Calendar, Item, SourceInfo
from ..calendar.reader import Reader
from ..context import Context
from ..dates import Duration


@dataclass(slots=True)
class Row:
    """One agenda row as a kind computes it; the engine adds ids, source and calendar."""

    status: str
    reason: str
    dose: int | None = None
    earliest: dt.date | None = None
    recommended: dt.date | None = None
    past_due: dt.date | None = None
    latest: dt.date | None = None
    occurrence: str | None = None
    completed_date: dt.date | None = None
    series: str | None = None
    missing: list[str] | None = None
    score: Score | None = None
    method: str | None = None
    trace: list[TraceEntry] = field(default_factory=list)
    nominal_age: Duration | None = None  # the calendar age of a dose (see mandatory_before_age)
    title_suffix: str | None = None  # replaces "(2e dose)" in the title, e.g. "rappel de 45 ans"
    source: SourceInfo | None = None  # a precaution's own source, cited instead of the item's


Parser = Callable[[Reader, set[str]], Any]
Evaluator = Callable[[Item, Context, Calendar], list[Row]]
Scope = Callable[[Item, Context], bool]


@dataclass(frozen=True, slots=True)
class Kind:
    name: str
    keys: tuple[str, ...]
    parse: Parser
    evaluate: Evaluator
    #: Optional: False when the person is outside the rule's scope (programme ages). The engine
    #: checks it before ``applies_when``, so nobody is asked for data about a programme that
    #: cannot concern them on the assessment date.
    in_scope: Scope | None = None


KINDS: dict[str, Kind] = {}


def register(kind: Kind) -> None:
    KINDS[kind.name] = kind


def status_for_dates(
    as_of: dt.date,
    recommended: dt.date | None,
    past_due: dt.date | None,
    latest: dt.date | None,
) -> str:
    """The CONTRACT.md status of a forecast on ``as_of`` (``latest`` is the last allowed day)."""
    if latest is not None and as_of > latest:
        return "missed"
    if recommended is not None and as_of < recommended:
        return "upcoming"
    if past_due is not None and as_of >= past_due:
        return "overdue"
    return "due"
