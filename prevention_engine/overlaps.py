"""One dose proposed once: items of one calendar that protect against the same diseases.

Several rules may propose a dose of the same vaccine to one person at once (pertussis: the
adult catch-up, the dose after a birth, the entourage of an infant). One injection satisfies
all of them, so an agenda that lists each as its own line asks for two vaccinations where one
is due (GP review: two pertussis lines for a woman after her delivery). Among the items with
the same targets that each propose a next dose, the one with the tightest deadline (then the
earliest date, then the calendar order) keeps its open rows; the others keep only what is done
or decided (completed, declined, contraindicated...). Once that dose is given, it counts for
every item, since each counts the doses by their targets. Only vaccinations: two screening
items with one target are different tests (a stool test, a colonoscopy for a higher risk).
"""

from __future__ import annotations

import datetime as dt

from .calendar.model import Item
from .precautions import ACTIONABLE
from .schedule import Occurrence

Planned = tuple[Item[object], list[Occurrence]]


def one_dose_per_targets(planned: list[Planned]) -> list[Planned]:
    """``planned`` with the open rows of the less urgent of overlapping items removed."""
    groups: dict[frozenset[str], list[int]] = {}
    for i, (item, rows) in enumerate(planned):
        if item.domain == "vaccination" and _next(rows) is not None:
            groups.setdefault(frozenset(item.targets), []).append(i)
    dropped: set[int] = set()
    for idxs in groups.values():
        if len(idxs) > 1:
            keep = min(idxs, key=lambda i: _urgency(planned[i][1], i))
            dropped.update(i for i in idxs if i != keep)
    return [
        (item, [r for r in rows if r.status not in ACTIONABLE]) if i in dropped else (item, rows)
        for i, (item, rows) in enumerate(planned)
    ]


def _next(rows: list[Occurrence]) -> Occurrence | None:
    return next((r for r in rows if r.status in ACTIONABLE), None)


def _urgency(rows: list[Occurrence], order: int) -> tuple[dt.date, dt.date, int]:
    row = _next(rows)  # only items with a next dose are grouped
    due = row.due if row is not None else None
    if due is None:
        return (dt.date.max, dt.date.max, order)
    return (due.latest or dt.date.max, due.recommended or dt.date.max, order)
