"""Precautions: doses a kind would propose, held back by the person's situation.

A rule may say "not now" without saying "never" (a non-live vaccine postponed until after the
birth, yellow fever while breastfeeding an infant under 6 months, shingles vaccine within a year
of an episode), or may depend on a history the profile does not carry (varicella: no history of
the disease). Both are data on the item (``precautions``, ``immunity.ask``); this module applies
them to the rows of any kind, so no such case lives in the engine's code.
"""

from __future__ import annotations

import datetime as dt

from .calendar.model import Item, Precaution, SourceInfo
from .conditions import fact_name
from .context import Context
from .dates import french_date
from .kinds.base import Row

#: Row statuses that propose something to do; a precaution only changes these.
ACTIONABLE = frozenset({"due", "overdue", "upcoming"})


def hold_rows(item: Item, ctx: Context, rows: list[Row]) -> list[Row]:
    """The rows once the item's precautions and history questions are applied."""
    if not any(r.status in ACTIONABLE for r in rows):
        return rows
    missing: list[str] = []
    for p in item.precautions:
        value, facts = p.when(ctx)
        if value is True:
            # the resume date is that of the next dose; later doses follow from it
            first = next(i for i, r in enumerate(rows) if r.status in ACTIONABLE)
            resume = _resume_text(p, ctx)
            return [
                _postponed(r, p.reason + (resume if i == first else ""), p.source)
                for i, r in enumerate(rows)
            ]
        if value is None:
            missing.extend(facts)
    missing.extend(_history_questions(item, ctx))
    if missing:
        return [_asking(r, list(dict.fromkeys(missing))) for r in rows]
    return rows


def _history_questions(item: Item, ctx: Context) -> list[str]:
    """``immunity: {ask: true}``: with no immunity record (positive or a checked negative)
    and no dose yet, the history decides and must be asked, never assumed negative."""
    im = item.immunity
    if im is None or not im.ask:
        return []
    targets = set(item.targets)
    if any(i.target in targets for i in ctx.profile.immunity):
        return []
    if any(targets <= d.targets for d in ctx.doses):
        return []  # vaccination already started: the history question is settled
    return [f"immunity.{t}" for t in item.targets]


def _resume_text(p: Precaution, ctx: Context) -> str:
    """" Possible à partir du <date>." when the precaution says from when and the anchor is
    known (the rule's reason already says it in words otherwise)."""
    if p.until_after is None:
        return ""
    anchor: dt.date | None = None
    if p.until_from == "delivery":
        ends = [x.end_date for x in ctx.profile.pregnancies
                if x.end_date is not None and x.end_date <= ctx.as_of]
        anchor = max(ends) if ends else None
    else:
        onsets = [c.since for c in ctx.profile.conditions
                  if c.since is not None and c.since <= ctx.as_of
                  and c.name in p.until_conditions]
        anchor = max(onsets) if onsets else None
    if anchor is None:
        return ""
    resume = p.until_after.add_to(anchor)
    return f" Possible à partir du {french_date(resume)}." if resume > ctx.as_of else ""


def _postponed(row: Row, reason: str, source: SourceInfo | None) -> Row:
    if row.status not in ACTIONABLE:
        return row
    row.status = "not_recommended"
    row.reason = reason
    row.source = source
    _clear_dates(row)
    return row


def _asking(row: Row, missing: list[str]) -> Row:
    if row.status not in ACTIONABLE:
        return row
    row.status = "needs_data"
    row.missing = missing
    row.reason = (
        "Avant de proposer cette vaccination, renseignez "
        + ", ".join(fact_name(m) for m in missing)
        + "."
    )
    _clear_dates(row)
    return row


def _clear_dates(row: Row) -> None:
    row.earliest = row.recommended = row.past_due = row.latest = None
