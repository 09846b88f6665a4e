"""Dated values shared by the rule kinds, below them all (kinds never import each other).

A season (influenza, COVID-19, RSV...) is read the same way by the ``campaign`` kind (one row
per season) and by the ``series`` kind (doses given only in season); it lives here so that
neither kind depends on the other. So do the two date conventions every kind applies: when a
row becomes past due, and how two durations of a rule compare.
"""

from __future__ import annotations

import datetime as dt
import enum
from dataclasses import dataclass

from .agenda import Score
from .calendar.model import SourceInfo
from .calendar.reader import Reader, read_source
from .conditions import compile_predicate
from .context import Pred
from .dates import ONE_DAY, Duration

# The values below (Reason, Due, Step, Occurrence) are built about 75 times per person (with
# Dose, Duration, Findings and the series' forecasts, about 160 values) and never changed once
# built; they are not ``frozen``, because a frozen dataclass takes about
# four times as long to build (each field goes through ``object.__setattr__``). A copy with
# some fields changed is ``Occurrence.changed``, never an assignment; they hash by value as
# the frozen ones did (``unsafe_hash``: safe, since nothing assigns to them).

#: Durations compare by the dates they reach from one fixed day, not field by field ('12
#: months' and '1 year' are equal; '1 month' and '30 days' are not).
_PROBE = dt.date(2000, 1, 1)


@dataclass(frozen=True, slots=True)
class Season:
    id: str
    start: dt.date
    end: dt.date
    applies_when: Pred | None
    min_interval: Duration | None
    label: str | None


def parse_seasons(r: Reader, names: set[str]) -> tuple[Season, ...]:
    """Dated seasons (campaign items, or a series whose doses are given only in season)."""
    seasons = []
    if not r.children("seasons"):
        raise r.error("'seasons' needs at least one season", "seasons")
    seen: set[str] = set()
    for sr in r.children("seasons"):
        sr.check_keys(
            ["id", "start", "end", "applies_when", "min_interval", "label", "source"],
            required=["id", "start", "end"],
        )
        sid = sr.req_str("id")
        if sid in seen:
            raise sr.error(f"duplicate season id '{sid}'", "id")
        seen.add(sid)
        start, end = sr.req_date("start"), sr.req_date("end")
        if end < start:
            raise sr.error("season 'end' is before 'start'", "end")
        if sr.has("source"):
            read_source(sr)
        applies = None
        if sr.has("applies_when"):
            applies = compile_predicate(sr.raw("applies_when"), sr, "applies_when", names)
        seasons.append(
            Season(sid, start, end, applies, sr.duration("min_interval"), sr.get_str("label"))
        )
    return tuple(seasons)


def past_due(after: Duration | None, start: dt.date) -> dt.date | None:
    """The past-due date of a row due from ``start``: the last day before ``after`` has run
    (CDSi CALCDT: past due is the day before the end of the period); None without a period."""
    return None if after is None else after.add_to(start) - ONE_DAY


def longer(a: Duration, b: Duration) -> bool:
    """Whether ``a`` reaches further than ``b`` from the same day."""
    return a.add_to(_PROBE) > b.add_to(_PROBE)


@dataclass(slots=True, unsafe_hash=True)
class Reason:
    """Why an occurrence has its status, as a code and its parameters; never a sentence.

    ``prevention_engine.wording`` turns it into French (and could into another language).
    """

    code: str
    #: dates, numbers, names, durations, or a nested reason (a declined row keeps the words
    #: of the row it replaces)
    params: tuple[tuple[str, object], ...] = ()

    @classmethod
    def of(cls, code: str, **params: object) -> Reason:
        return cls(code, tuple(params.items()))

    def get(self, key: str, default: object = None) -> object:
        for k, v in self.params:
            if k == key:
                return v
        return default


@dataclass(slots=True, unsafe_hash=True)
class Due:
    """The dates of an open occurrence: from when it may be done (``earliest``), when it is
    recommended, from when it is overdue (``past_due``) and the last day it can be done."""

    earliest: dt.date | None = None
    recommended: dt.date | None = None
    past_due: dt.date | None = None
    latest: dt.date | None = None

    @classmethod
    def starting(
        cls,
        start: dt.date,
        past_due_after: Duration | None,
        latest: dt.date | None = None,
        earliest: dt.date | None = None,
    ) -> Due:
        """Due from ``start``, past due once ``past_due_after`` has run (the one place a
        past-due date is computed from a period)."""
        return cls(earliest or start, start, past_due(past_due_after, start), latest)

    def status_on(self, as_of: dt.date) -> str:
        """The CONTRACT.md status of these dates on ``as_of`` (``latest`` is the last day)."""
        if self.latest is not None and as_of > self.latest:
            return "missed"
        if self.recommended is not None and as_of < self.recommended:
            return "upcoming"
        if self.past_due is not None and as_of >= self.past_due:
            return "overdue"
        return "due"


NO_DATES = Due()


@dataclass(slots=True, unsafe_hash=True)
class Step:
    """One event of the person's history a rule read, and what it made of it (a ``--trace``
    line): codes and values only, ``prevention_engine.wording`` writes the words."""

    date: dt.date | None
    #: what was read: a dose's label as recorded, or a ``trace.*`` reason naming a test
    event: str | Reason
    #: counted, ignored, last, or a dose evaluation status (valid, not_valid, extraneous...)
    outcome: str
    #: what the rule made of it (a ``trace.*`` reason)
    why: Reason
    #: for a recorded dose: its index in the profile's immunizations, its CDSi evaluation
    #: reason code and the target dose it satisfied
    immunization: int | None = None
    reason: str | None = None
    target_dose: int | None = None


class _Keep(enum.Enum):
    """``Occurrence.changed``'s "keep the source" (the source may be changed to None)."""

    KEEP = 0


@dataclass(slots=True, unsafe_hash=True)
class Occurrence:
    """One thing to do (a dose, a window, a season, a score) as a kind plans it: its key, its
    dates, its evidence of completion and why. The core decides the final status and words.
    """

    status: str
    reason: Reason
    dose: int | None = None
    occurrence: str | None = None
    due: Due = NO_DATES
    completed_date: dt.date | None = None
    series: str | None = None
    missing: tuple[str, ...] = ()
    score: Score | None = None
    method: str | None = None
    trace: tuple[Step, ...] = ()
    #: the calendar age of a dose (an obligation may cover only the doses of the first months)
    nominal_age: Duration | None = None
    #: replaces "(2e dose)" in the title, e.g. "rappel de 45 ans"
    label: Reason | None = None
    #: a precaution's own source, cited instead of the item's
    source: SourceInfo | None = None

    def changed(
        self,
        *,
        status: str | None = None,
        reason: Reason | None = None,
        due: Due | None = None,
        missing: tuple[str, ...] | None = None,
        trace: tuple[Step, ...] | None = None,
        source: SourceInfo | _Keep | None = _Keep.KEEP,
    ) -> Occurrence:
        """A copy with the fields given changed (the others kept): ``dataclasses.replace`` for
        the fields the core changes, without its walk over the fields on every call."""
        return Occurrence(
            self.status if status is None else status,
            self.reason if reason is None else reason,
            self.dose,
            self.occurrence,
            self.due if due is None else due,
            self.completed_date,
            self.series,
            self.missing if missing is None else missing,
            self.score,
            self.method,
            self.trace if trace is None else trace,
            self.nominal_age,
            self.label,
            self.source if source is _Keep.KEEP else source,
        )
