"""The status of an item's occurrences, decided once for every kind.

Rules, in the order of ``PRECEDENCE`` (the first finding that holds decides):

- an item that does not concern the person (out of its scope, ``applies_when`` false) has no
  occurrence at all (checked by the engine before any finding);
- ``declined``: the person refused; nobody asks them for data about it, and the open
  occurrences the kind plans become declined (what was done stays completed);
- ``needs_data``: whether the item applies is unknown; the facts are asked before anything
  else is judged;
- ``contraindicated``: the open occurrences become contraindicated (completed ones stay);
- ``immune``: one occurrence, the immunity replaces the plan;
- ``not_recommended``: one occurrence (an exclusion, or ``not_recommended_when``);
- no finding: the kind's plan, after the start of the recommendation and the precautions.

An effect ``OVER_PLAN`` keeps the kind's plan and turns its open occurrences to the status, but
only when the item is known to apply (otherwise there is no plan: one occurrence); ``SINGLE``
gives one occurrence instead of the plan.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from .schedule import Occurrence, Reason

Effect = Literal["over_plan", "single"]

PRECEDENCE: tuple[tuple[str, Effect], ...] = (
    ("declined", "over_plan"),
    ("needs_data", "single"),
    ("contraindicated", "over_plan"),
    ("immune", "single"),
    ("not_recommended", "single"),
)


@dataclass(frozen=True, slots=True)
class Finding:
    """A common status that holds for an item, with why and, for ``needs_data``, what to ask."""

    status: str
    reason: Reason
    missing: tuple[str, ...] = ()

    def occurrence(self) -> Occurrence:
        return Occurrence(status=self.status, reason=self.reason, missing=self.missing)

    def over(self, row: Occurrence) -> Occurrence:
        """``row`` under this finding: what was done stays done."""
        if row.status == "completed":
            return row
        if self.status == "declined":  # the refusal, then what was proposed
            return row.changed(status=self.status,
                               reason=Reason.of("status.declined_over", proposed=row.reason))
        return row.changed(status=self.status, reason=self.reason)


def decide(
    find: Callable[[str], Finding | None],
    plan: Callable[[], list[Occurrence]],
    held: Callable[[list[Occurrence]], list[Occurrence]],
    applies_known: bool,
) -> list[Occurrence]:
    """The occurrences of one item: ``find(status)`` says whether a common status holds,
    ``plan()`` is the kind's plan, ``held`` applies the precautions (only without finding)."""
    for status, effect in PRECEDENCE:
        found = find(status)
        if found is None:
            continue
        if effect == "over_plan" and applies_known:
            rows = [found.over(r) for r in plan()]
            return rows or [found.occurrence()]
        return [found.occurrence()]
    return held(plan())
