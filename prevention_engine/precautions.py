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
from .context import Context
from .schedule import NO_DATES, Occurrence, Reason

#: Occurrence statuses that propose something to do; a precaution only changes these.
ACTIONABLE = frozenset({"due", "overdue", "upcoming"})


def hold_rows(item: Item[object], ctx: Context, rows: list[Occurrence]) -> list[Occurrence]:
    """The rows once the item's precautions and history questions are applied."""
    if not any(r.status in ACTIONABLE for r in rows):
        return rows
    missing: list[str] = []
    for p in item.precautions:
        value, facts = p.when(ctx)
        if value is True:
            # the resume date is that of the next dose; later doses follow from it
            first = next(i for i, r in enumerate(rows) if r.status in ACTIONABLE)
            resume, closes = _resume_or_close(_resume_date(p, ctx), rows[first].due.latest)
            return [
                _postponed(r, Reason.of("precaution.postponed", text=p.reason,
                                        resume=resume if i == first else None,
                                        closes=closes if i == first else None), p.source)
                for i, r in enumerate(rows)
            ]
        if value is None:
            missing.extend(facts)
    missing.extend(_history_questions(item, ctx))
    if missing:
        return [_asking(r, tuple(dict.fromkeys(missing))) for r in rows]
    return rows


def _history_questions(item: Item[object], ctx: Context) -> list[str]:
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


def _resume_date(p: Precaution, ctx: Context) -> dt.date | None:
    """The day the dose is possible again, when the precaution says from when, the anchor is
    known and the day is still ahead (the rule's reason already says it in words otherwise)."""
    if p.until_after is None:
        return None
    anchor = (ctx.anchor("delivery") if p.until_from == "delivery"
              else ctx.anchor("onset", frozenset(p.until_conditions)))
    if anchor is None:
        return None
    resume = p.until_after.add_to(anchor)
    return resume if resume > ctx.as_of else None


def _resume_or_close(
    resume: dt.date | None, latest: dt.date | None
) -> tuple[dt.date | None, dt.date | None]:
    """Never promise a day after the item's latest date: past it the catch-up is closed, so
    the reason says when it closes instead of when the dose would be possible again."""
    if resume is not None and latest is not None and resume > latest:
        return None, latest
    return resume, None


def _postponed(row: Occurrence, reason: Reason, source: SourceInfo | None) -> Occurrence:
    if row.status not in ACTIONABLE:
        return row
    return row.changed(status="not_recommended", reason=reason, source=source, due=NO_DATES)


def _asking(row: Occurrence, missing: tuple[str, ...]) -> Occurrence:
    if row.status not in ACTIONABLE:
        return row
    return row.changed(status="needs_data", missing=missing, due=NO_DATES,
                   reason=Reason.of("precaution.ask", missing=missing))
