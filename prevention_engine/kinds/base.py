"""The contract every rule kind fulfils: parse its YAML keys, bind them at load time, plan.

A kind reads its own keys into a frozen spec (``parse``), checks and completes what needs the
product tables (``bind``, at load time, so a rule mistake is a ``CalendarError`` with file and
line, never an evaluation crash, and a series knows once whether its vaccine is live), and
plans the occurrences of an item for one person (``plan``): which dose,
window, season or score, with its dates, its evidence of completion and a ``Reason`` code. The
core decides the final status (``status.py``) and writes the words (``wording``); a kind
writes no sentence. Adding a kind is a new module and one ``register`` call.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from ..calendar.model import Item, Product
from ..calendar.reader import Reader
from ..context import Context
from ..dates import Duration
from ..schedule import Occurrence, Season

S = TypeVar("S")


@dataclass(frozen=True, slots=True)
class Tables:
    """What a load-time binding may consult: the products of the calendar's jurisdiction."""

    file: str
    jurisdiction: str
    products: tuple[Product, ...]
    #: the calendar's default past-due period (``defaults.past_due_after``)
    past_due_after: Duration | None = None
    #: what the kind read from the calendar's own keys (``Kind.settings``), or None
    settings: object = None


@dataclass(frozen=True, slots=True)
class Kind(Generic[S]):
    name: str
    #: the item keys this kind reads, beyond the common ones
    keys: tuple[str, ...]
    parse: Callable[[Reader, set[str]], S]
    #: the occurrences of one item for one person (``ctx.as_of`` is the assessment date);
    #: the item carries its bound spec and common keys, never the calendar
    plan: Callable[[Item[S], Context], list[Occurrence]]
    #: load time: the spec checked against the tables and completed with what they say and
    #: with what it needs of its calendar (raises ``CalendarError`` naming file and line)
    bind: Callable[[Item[S], Tables], S] | None = None
    #: calendar-level keys this kind owns (e.g. the series kind's live-vaccine rules), read
    #: once per calendar by ``settings`` and handed to ``bind`` as ``Tables.settings``
    calendar_keys: tuple[str, ...] = ()
    settings: Callable[[Reader], object] | None = None
    #: False when the person is outside the rule's scope (programme ages, a season not
    #: running): checked before ``applies_when``, so nobody is asked for data about a programme
    #: that cannot concern them on the assessment date
    in_scope: Callable[[Item[S], Context], bool] | None = None
    #: the vaccine group an item belongs to (FHIR and CDSi output), when the kind has one
    group: Callable[[S], str | None] | None = None
    #: the encoded seasons of a kind whose rule stops by itself (empty: it never stops): after
    #: the last one, the engine warns instead of staying silent, naming the end of the last
    #: season that could concern the person (each territory has its own campaign dates)
    seasons: Callable[[S], tuple[Season, ...]] | None = None


#: Kinds by name. A kind's spec type differs from one kind to the next; an item is always
#: dispatched to the kind that parsed it, so the pair stays consistent.
KINDS: dict[str, Kind[Any]] = {}


def register(kind: Kind[Any]) -> None:
    KINDS[kind.name] = kind
