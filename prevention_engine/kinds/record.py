"""The ``record`` kind: a test done once near an anchor, whose recorded result decides what next.

Built for neonatal screening (blood spot, hearing): the test is expected in a window after
birth; once that window has passed, a missing record is *unknown* (``needs_data``: was it done,
with what result?), never read as "not done". The latest record decides: a normal result
completes the item; a record without result asks for it; any other result (inconclusive,
positive, not done...) opens the follow-up the rule describes, due until ``follow_up.by`` after
the anchor and overdue afterwards (it still has to be done). ``ask_until`` stops asking about
a missing record at an age, while the follow-up of a recorded abnormal result stays shown.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from ..calendar.model import Item
from ..calendar.reader import Reader
from ..context import Context
from ..dates import ONE_DAY, Duration
from ..profile import Procedure
from ..schedule import Due, Occurrence, Reason, longer
from ..vocabulary import RESULTS
from .base import Kind, register


@dataclass(frozen=True, slots=True)
class RecordSpec:
    anchor: str
    expected_from: Duration
    expected_to: Duration  # exclusive
    normal: frozenset[str]
    follow_up_by: Duration | None
    follow_up_label: str
    #: after this age a missing record is no longer asked (follow-ups of a record stay)
    ask_until: Duration | None = None


def parse_record(r: Reader, names: set[str]) -> RecordSpec:
    anchor = r.get_str("anchor", "birth") or "birth"
    if anchor not in ("birth", "delivery"):
        raise r.error(f"anchor is 'birth' or 'delivery', not {anchor!r}", "anchor")
    e = r.child("expected")
    e.check_keys(["from", "to"], required=["from", "to"])
    start, end = e.req_duration("from"), e.req_duration("to")
    if not longer(end, start):
        raise e.error("expected 'to' must be after 'from'", "to")
    f = r.child("follow_up")
    f.check_keys(["by", "label"], required=["label"])
    normal = r.str_list("normal_results", RESULTS)
    if not normal:
        raise r.error("a record item lists its normal_results", "normal_results")
    return RecordSpec(anchor, start, end, frozenset(normal), f.duration("by"),
                      f.req_str("label"), r.duration("ask_until"))


def plan(item: Item[RecordSpec], ctx: Context) -> list[Occurrence]:
    spec = item.spec
    anchor = ctx.anchor(spec.anchor)
    if anchor is None:
        return []
    records = [p for p in ctx.procedures if p.target in item.targets]
    if not records:
        if spec.ask_until is not None and ctx.as_of >= spec.ask_until.add_to(anchor):
            return []
        return [_missing(item, spec, anchor, ctx.as_of)]
    last = max(records, key=lambda p: p.date)
    if last.result is None:
        return [Occurrence(status="needs_data", missing=(f"procedure.{item.targets[0]}.result",),
                           reason=Reason.of("record.no_result", date=last.date))]
    if last.result in spec.normal:
        return [Occurrence(status="completed", completed_date=last.date,
                           reason=Reason.of("record.normal", date=last.date,
                                            result=last.result))]
    return [_follow_up(spec, anchor, last, ctx.as_of)]


def _missing(item: Item[RecordSpec], spec: RecordSpec, anchor: dt.date,
             as_of: dt.date) -> Occurrence:
    start, end = spec.expected_from.add_to(anchor), spec.expected_to.add_to(anchor)
    if as_of >= end:  # the window passed: unknown whether it was done, never "not done"
        return Occurrence(status="needs_data", missing=(f"procedure.{item.targets[0]}",),
                          reason=Reason.of("record.unknown", start=start, latest=end - ONE_DAY))
    due = Due(earliest=start, recommended=start, latest=None)
    status = due.status_on(as_of)
    return Occurrence(status=status, due=due,
                      reason=Reason.of("record.expected", start=start, latest=end - ONE_DAY))


def _follow_up(spec: RecordSpec, anchor: dt.date, last: Procedure,
               as_of: dt.date) -> Occurrence:
    deadline = spec.follow_up_by.add_to(anchor) if spec.follow_up_by is not None else None
    due = Due(earliest=last.date, recommended=last.date,
              past_due=max(deadline, last.date) if deadline is not None else None)
    return Occurrence(status=due.status_on(as_of), due=due, occurrence="suivi",
                      reason=Reason.of("record.follow_up", date=last.date, result=last.result,
                                       label=spec.follow_up_label,
                                       deadline=None if deadline is None
                                       else max(deadline - ONE_DAY, last.date)))


register(
    Kind(
        name="record",
        keys=("anchor", "expected", "normal_results", "follow_up", "ask_until"),
        parse=parse_record,
        plan=plan,
    )
)
