"""The ``advice`` kind: a cited piece of advice attached to a habit (tobacco, alcohol, sleep...)
or a situation (a high risk of breast cancer).

Who gets it is the item's ``applies_when`` (a lifestyle fact, an age, a sex); the kind only
says the advice, in the rule's own words (``advice``), as one open row dated on the
assessment date (never overdue). A
procedure of the item's targets (a consultation about it) within ``renew_after`` completes
it, so the advice is not repeated while it is being acted on; one with an abnormal or positive
result never does (it calls for a work-up, which the row then says); with ``ask_result`` one
recorded without its result asks for it (a high-risk woman's mammography is never read as
normal). Notifications follow the person's consent like any row of its domain.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..calendar.model import Item
from ..calendar.reader import Reader
from ..context import Context
from ..dates import Duration
from ..schedule import Due, Occurrence, Reason
from .base import Kind, register


@dataclass(frozen=True, slots=True)
class AdviceSpec:
    text: str
    renew_after: Duration | None
    # open while it applies: no procedure completes it (its applies_when says what closes it,
    # e.g. a colonoscopy after a positive faecal test: a second faecal test does not)
    stays_open: bool = False
    # an examination without its result asks for it (advice about examinations, not about a
    # consultation, which has no result)
    ask_result: bool = False


def parse_advice(r: Reader, names: set[str]) -> AdviceSpec:
    text = r.req_str("advice").strip()
    if not text:
        raise r.error("advice gives the French text of the advice", "advice")
    stays_open = r.get_bool("stays_open")
    if stays_open and r.has("renew_after"):
        raise r.error("stays_open and renew_after exclude each other", "stays_open")
    return AdviceSpec(text, r.duration("renew_after", positive=True), stays_open,
                      r.get_bool("ask_result"))


#: results that do not mean the advice was acted on: they call for more (a work-up)
_ABNORMAL = frozenset({"abnormal", "positive"})


def plan(item: Item[AdviceSpec], ctx: Context) -> list[Occurrence]:
    spec = item.spec
    done = [p for p in ctx.procedures if p.target in item.targets]
    if spec.stays_open:
        # dated by the latest abnormal examination, the one that calls for the action
        flagged = max((p.date for p in done if p.result in _ABNORMAL), default=None)
        return [Occurrence(status="due", due=Due(ctx.as_of, ctx.as_of), completed_date=flagged,
                           reason=Reason.of("advice.text", text=spec.text, abnormal=flagged))]
    last = max((p.date for p in done), default=None)
    if last is not None and any(p.date == last and p.result in _ABNORMAL for p in done):
        # An abnormal examination (a high-risk woman's mammography) is never "done": the row
        # stays open and says a work-up is needed; a new cycle, notified again.
        return [Occurrence(status="due", due=Due(ctx.as_of, ctx.as_of), completed_date=last,
                           reason=Reason.of("advice.text", text=spec.text, abnormal=last))]
    if spec.ask_result and any(p.date == last and p.result is None for p in done):
        return [Occurrence(status="needs_data", missing=("procedure.result",),
                           completed_date=last,
                           reason=Reason.of("advice.text", text=spec.text, unknown=last))]
    if last is not None and (spec.renew_after is None or spec.renew_after.add_to(last) > ctx.as_of):
        return [Occurrence(status="completed", completed_date=last,
                           reason=Reason.of("advice.text", text=spec.text, done=last))]
    # Advice holds from the day it is read: dated on the assessment date (a due row has a
    # date), never overdue. Renewed, it carries the previous date, as a recurring screening
    # carries its last test: a new cycle, so it is notified again.
    return [Occurrence(status="due", due=Due(ctx.as_of, ctx.as_of), completed_date=last,
                       reason=Reason.of("advice.text", text=spec.text, previous=last))]


register(
    Kind(
        name="advice",
        keys=("advice", "renew_after", "stays_open", "ask_result"),
        parse=parse_advice,
        plan=plan,
    )
)
