"""The occurrences of the items of one calendar for one person, before overlaps and words.

Each item passes its gate (``gate.py``), its kind's scope and its ``applies_when``; then the
common findings (``findings.py``) and the kind's plan decide its rows (``status.decide``). A
module of its own, below the engine, so that the compiled build (mypyc) compiles the loop that
runs for every item of every person.
"""

from __future__ import annotations

from .calendar.model import Item
from .context import Context
from .findings import Findings
from .gate import Gate
from .kinds import KINDS
from .overlaps import Planned
from .precautions import hold_rows
from .recommendation_start import not_before
from .schedule import Occurrence
from .status import decide


def planned(gated: tuple[tuple[Item[object], Gate], ...], ctx: Context) -> list[Planned]:
    """The items that give rows, with their rows, in calendar order (the order
    ``one_dose_per_targets`` breaks ties with): an item its gate sets aside gives none."""
    age_days = (ctx.as_of - ctx.profile.birth_date).days
    pregnant, sex = ctx.pregnancy is not None, ctx.profile.sex
    out: list[Planned] = []
    for item, gate in gated:
        if gate.admits(age_days, pregnant, sex):
            rows = evaluate_item(item, ctx)
            if rows:
                out.append((item, rows))
    return out


def evaluate_item(item: Item[object], ctx: Context) -> list[Occurrence]:
    kind = KINDS[item.kind]
    if kind.in_scope is not None and not kind.in_scope(item, ctx):
        return []
    applies, missing = item.applies_when(ctx) if item.applies_when else (True, ())
    if applies is False:
        return []
    findings = Findings(item, ctx, applies is None, tuple(missing))
    return decide(
        findings.find,
        lambda: not_before(kind.plan(item, ctx), item, ctx),
        lambda rows: hold_rows(item, ctx, rows),
        applies is True,
    )
