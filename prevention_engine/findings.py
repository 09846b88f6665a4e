"""The common findings about one item for one person, one named check per status.

``status.decide`` asks for them in its precedence order and stops at the first that holds, so
a check runs only when no stronger status was found (an immunity is never looked up for a
declined item). Each check reads rule data (``contraindicated_when``, ``immunity``,
``exclusions``, ``not_recommended_when``) and the profile; none of them knows a kind.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from .calendar.model import Item
from .context import Context
from .schedule import Reason
from .status import Finding


@dataclass(slots=True)
class Findings:
    item: Item[object]
    ctx: Context
    applies_unknown: bool
    missing: tuple[str, ...]

    def find(self, status: str) -> Finding | None:
        return CHECKS[status](self)


def _declined(f: Findings) -> Finding | None:
    if any(d.item == f.item.id for d in f.ctx.profile.declined):
        return Finding("declined", Reason("status.declined"))
    return None


def _needs_data(f: Findings) -> Finding | None:
    if not f.applies_unknown:
        return None
    return Finding("needs_data", Reason.of("status.needs_data", missing=f.missing), f.missing)


def _contraindicated(f: Findings) -> Finding | None:
    item, ctx = f.item, f.ctx
    for c in ctx.profile.contraindications:
        if c.target in item.targets:
            return Finding("contraindicated", Reason.of("status.contraindicated", text=c.reason))
    why = next((w for p, w in item.contraindications if p(ctx)[0] is True), None)
    if why is not None:  # the situation that applies gives the reason
        return Finding("contraindicated", Reason.of("status.contraindicated", text=why))
    if item.contraindicated_when is not None and item.contraindicated_when(ctx)[0] is True:
        # The rule says why (contraindication_reason); the engine never guesses it.
        reason = Reason.of("status.contraindicated", text=item.contraindication_reason,
                           rule=item.title)
        return Finding("contraindicated", reason)
    return None


def _immune(f: Findings) -> Finding | None:
    im, ctx = f.item.immunity, f.ctx
    if im is None:
        return None
    if im.evidence:
        for i in ctx.profile.immunity:
            # a positive serology after a negative one in this pregnancy is an infection
            if i.target in f.item.targets and i.immune and not ctx.seroconverted(i.target):
                reason = Reason.of("status.immune_evidence", evidence=i.evidence, date=i.date)
                return Finding("immune", reason)
    if im.when is not None and im.when(ctx)[0] is True:
        return Finding("immune", Reason.of("status.immune_history", text=im.when_reason))
    excluded = im.except_when is not None and im.except_when(ctx)[0] is True
    if im.birth_country is not None:
        excluded = True
    if im.born_before is not None and ctx.birth < im.born_before and not excluded:
        return Finding("immune", Reason.of("status.immune_born_before", date=im.born_before))
    return None


def _not_recommended(f: Findings) -> Finding | None:
    item, ctx = f.item, f.ctx
    why = next((w for p, w in item.exclusions if p(ctx)[0] is True), None)
    if why is not None:  # the first matching exclusion gives the reason
        return Finding("not_recommended", Reason.of("status.not_recommended", text=why))
    if item.not_recommended_when is not None and item.not_recommended_when(ctx)[0] is True:
        text = item.not_recommended_reason or item.note
        return Finding("not_recommended", Reason.of("status.not_recommended", text=text))
    return None


CHECKS: dict[str, Callable[[Findings], Finding | None]] = {
    "declined": _declined,
    "needs_data": _needs_data,
    "contraindicated": _contraindicated,
    "immune": _immune,
    "not_recommended": _not_recommended,
}
