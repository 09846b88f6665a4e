"""No date before a recommendation existed (item key ``recommended_from``).

A kind dates an item from the person's age ("from 65 years"), which is right for people who
reach that age after the recommendation appeared, but would call a 76-year-old "overdue since
2014" for a vaccine recommended in 2024, or a check-up created in 2024 "missed" in 2015. This
step, applied by the engine to the rows of any kind, moves the open rows' dates to the day the
recommendation started (catch-up starts then) and drops the rows whose whole window closed
before it (the person could never have done it). Completed rows and rows without dates are
left as they are.
"""

from __future__ import annotations

import datetime as dt

from .calendar.model import Item, RecommendedFrom
from .context import Context
from .dates import ONE_DAY, Duration
from .schedule import Due, Occurrence, Reason

OPEN = frozenset({"due", "overdue", "upcoming", "missed"})


def start_for(item: Item[object], ctx: Context) -> RecommendedFrom | None:
    """The latest start among the item's ``recommended_from`` entries that concern the person
    (an entry whose ``when`` is unknown counts: the later date is the cautious one)."""
    found = [e for e in item.recommended_from if e.when is None or e.when(ctx)[0] is not False]
    return max(found, key=lambda e: e.date) if found else None


def not_before(
    rows: list[Occurrence], item: Item[object], ctx: Context
) -> list[Occurrence]:
    """The rows with no due, overdue or missed date before ``item.recommended_from``."""
    start = start_for(item, ctx)
    if start is None:
        return rows
    as_of = ctx.as_of
    optional = item.strength == "optional"
    out: list[Occurrence] = []
    anchor: dt.timedelta | None = None  # how far the next dose of a series moved
    for row in rows:
        due = row.due
        if row.status in OPEN and due.latest is not None and due.latest < start.date:
            continue  # the window closed before the recommendation existed
        if row.status not in OPEN or due.recommended is None:
            out.append(row)
            continue
        shift = max(start.date - due.recommended, dt.timedelta(0))
        if row.dose is not None:
            # Later doses of a series are projected from the next one (or from as_of when it
            # is late): they move by as much as that projection point moved.
            if anchor is None:
                anchor = max(due.recommended + shift, as_of) - max(due.recommended, as_of)
            else:
                shift = max(shift, anchor)
        if shift:
            out.append(_shifted(row, shift, start, as_of, optional))
        elif due.earliest is not None and due.earliest < start.date:
            # nothing possible before it either
            moved = Due(start.date, due.recommended, due.past_due, due.latest)
            out.append(row.changed(due=moved))
        else:
            out.append(row)
    return out


def _same_delay(recommended: dt.date, past_due: dt.date, moved: dt.date) -> dt.date:
    """``past_due`` moved with its recommended date, keeping the delay as whole months and a
    day remainder ("recommended + 1 month - 1 day" stays so, whatever the month lengths)."""
    end = past_due + ONE_DAY
    months = (end.year - recommended.year) * 12 + end.month - recommended.month
    while months > 0 and Duration(months=months).add_to(recommended) > end:
        months -= 1
    days = (past_due - Duration(months=months).add_to(recommended)).days
    return Duration(months=months).add_to(moved) + dt.timedelta(days=days)


def _shifted(
    row: Occurrence, shift: dt.timedelta, start: RecommendedFrom, as_of: dt.date, optional: bool
) -> Occurrence:
    """A copy of ``row`` moved by ``shift``, with its status and reason recomputed."""
    due = row.due
    old = due.recommended or start.date
    recommended = old + shift
    earliest = max(due.earliest, start.date) if due.earliest is not None else None
    past_due = due.past_due
    if past_due is not None and past_due <= recommended:
        # a past-due date from the age (a window's end) stays; one that would fall before the
        # new recommended date keeps its delay after it
        past_due = _same_delay(old, past_due, recommended)
        if due.latest is not None and past_due > due.latest:
            past_due = None
    moved = Due(earliest, recommended, past_due, due.latest)
    status = moved.status_on(as_of)
    reason = Reason.of("started.since", date=start.date, title=start.source.title,
                       optional=optional, status=status, recommended=recommended,
                       latest=due.latest)
    return row.changed(status=status, reason=reason, due=moved)
