"""The agenda row of an occurrence: what the person reads, once the core has decided.

The obligation (limited to the doses of the first months when the rule says so), the
presentation of a shared decision (never overdue), the words (``wording``), the source cited
(the rule's, or a precaution's own) and the calendar version. The output pieces that never
change (source and calendar references) are built once per engine and shared.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from .agenda import STATUS_ORDER, AgendaItem, CalendarRef, SourceRef
from .calendar.model import Calendar, Item
from .context import Context
from .dates import Duration
from .kinds import KINDS
from .registry import Registry
from .schedule import Occurrence
from .wording.sentences import item_reason, trace_entry
from .wording.sentences import title as title_of


@dataclass(frozen=True, slots=True)
class _Fixed:
    """What every row of one item of one calendar version shares."""

    id_prefix: str
    source: SourceRef
    calendar: CalendarRef
    vaccine_group: str | None


@dataclass(frozen=True, slots=True)
class RowWriter:
    calendar_refs: dict[tuple[str, str], CalendarRef]
    fixed: dict[tuple[str, str, str], _Fixed]

    @classmethod
    def build(cls, registry: Registry) -> RowWriter:
        refs = {(c.id, c.version): CalendarRef(id=c.id, version=c.version)
                for c in registry.calendars}
        return cls(refs, {
            (c.id, c.version, i.id): _Fixed(
                f"{c.id}/{i.id}",
                SourceRef(title=i.source.title, url=i.source.url, section=i.source.section),
                refs[(c.id, c.version)],
                group(i.spec) if (group := KINDS[i.kind].group) is not None else None,
            )
            for c in registry.calendars for i in c.items
        })

    def write(
        self, rows: list[Occurrence], item: Item[object], cal: Calendar, ctx: Context,
        trace: bool,
    ) -> list[AgendaItem]:
        """The agenda rows of one item: what the item says for all of them (its obligation,
        its fixed pieces) is read once."""
        fixed = self.fixed[(cal.id, cal.version, item.id)]
        mandatory = item.mandatory is not None and item.mandatory(ctx)[0] is True
        return [self._row(row, item, fixed, mandatory and _within_obligation(row, item, ctx),
                          ctx, trace) for row in rows]

    def _row(
        self, row: Occurrence, item: Item[object], fixed: _Fixed, mandatory: bool,
        ctx: Context, trace: bool,
    ) -> AgendaItem:
        key = str(row.dose) if row.dose is not None else (row.occurrence or "")
        optional = item.strength == "optional" and row.status in ("due", "overdue", "upcoming")
        # A shared decision has no deadline: never overdue (and never notified).
        status = "due" if optional and row.status == "overdue" else row.status
        reason = item_reason(
            row.reason,
            optional=optional,
            age=ctx.age_text if row.status != "completed" else "",
            mandatory=item.domain if mandatory else None,
            note=item.note if row.status != "not_recommended" else None,
            review=item.review,
        )
        return _trusted_item({
            "id": f"{fixed.id_prefix}/{key}" if key else fixed.id_prefix,
            "item": item.id,
            "domain": item.domain,
            "targets": list(item.targets),
            "dose": row.dose,
            "status": status,
            "earliest_date": row.due.earliest,
            "recommended_date": row.due.recommended,
            "past_due_date": None if optional else row.due.past_due,
            "latest_date": row.due.latest,
            "mandatory": mandatory,
            "title": title_of(item.title, row.dose, row.occurrence, row.label),
            "reason": reason,
            "source": fixed.source
            if row.source is None
            else SourceRef(title=row.source.title, url=row.source.url, section=row.source.section),
            "calendar": fixed.calendar,
            "review": item.review,
            "review_reason": item.review_reason if item.review else None,
            "occurrence": row.occurrence,
            "completed_date": row.completed_date,
            "series": row.series,
            "missing_data": list(row.missing) or None,
            "score": row.score,
            "method": row.method,
            "vaccine_group": fixed.vaccine_group,
            "trace": [trace_entry(s) for s in row.trace] if trace and row.trace else None,
            "strength": "optional" if item.strength == "optional" else None,
        })


_set = object.__setattr__


def _trusted_item(values: dict[str, Any]) -> AgendaItem:
    """``AgendaItem.model_construct(**values)`` for a row that gives every field, in field
    order, without its per-field loop (the engine writes about 18 rows per person; the loop
    was about a tenth of the evaluation). The instance is the one ``model_construct`` builds:
    the same ``__dict__``, every field set, no extra, no private attributes
    (``tests/unit/test_fast_paths.py`` compares them)."""
    row: AgendaItem = AgendaItem.__new__(AgendaItem)
    _set(row, "__dict__", values)
    _set(row, "__pydantic_fields_set__", set(values))
    _set(row, "__pydantic_extra__", None)
    _set(row, "__pydantic_private__", None)
    return row


#: The childhood obligations bind the holders of parental authority of a minor (Code de la
#: santé publique, article L3111-2): an adult's catch-up of an infant dose is nobody's obligation.
_MAJORITY = Duration(years=18)


def _within_obligation(row: Occurrence, item: Item[object], ctx: Context) -> bool:
    """Whether a mandatory item's obligation covers this row: e.g. the 11 infant obligations
    cover the doses of the first 18 months only (``mandatory_before_age``), given to a minor
    (a dose given, or still to give, at 18 or later is not: a 25-year-old's catch-up)."""
    limit = item.mandatory_before_age
    if limit is None or row.nominal_age is None:
        return True
    if row.nominal_age.add_to(ctx.birth) >= limit.add_to(ctx.birth):
        return False
    given = row.completed_date or max(ctx.as_of, row.due.earliest or ctx.as_of)
    return given < _MAJORITY.add_to(ctx.birth)


def sort_key(it: AgendaItem) -> tuple[Any, ...]:
    """Agenda order: status, then date, then calendar, item, dose, occurrence."""
    d = it.recommended_date or it.completed_date or dt.date.max
    return (STATUS_ORDER[it.status], d, it.calendar.id, it.item, it.dose or 0, it.occurrence or "")
