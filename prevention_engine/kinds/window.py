"""The ``window`` kind: something to do once inside a dated window relative to an anchor.

Anchors: ``birth`` (check-ups at ages, child exams), ``lmp`` (first day of the last menstrual
period of the current pregnancy) and ``delivery`` (end date of the latest ended pregnancy).
A window is ``completed`` by a procedure of the item's targets (optionally of given methods)
dated inside it. Only the windows that matter now are shown: every window containing the
assessment date (``completed``, ``due`` or ``overdue``); if none, the next window
(``upcoming``); after the last window, that last window (``completed`` or ``missed``).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from ..agenda import TraceEntry
from ..calendar.model import Calendar, Item
from ..calendar.reader import Reader
from ..context import Context
from ..dates import ONE_DAY, Duration, french_date
from ..schedule import longer
from ..schedule import past_due as past_due_date
from .base import Kind, Row, register, status_for_dates

ANCHORS = ("birth", "lmp", "delivery")
_WID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")


@dataclass(frozen=True, slots=True)
class Window:
    id: str
    label: str
    start: Duration
    end: Duration  # exclusive
    past_due_after: Duration | None


@dataclass(frozen=True, slots=True)
class WindowSpec:
    anchor: str
    windows: tuple[Window, ...]
    methods: frozenset[str] | None
    past_due_after: Duration | None


def parse_window(r: Reader, names: set[str]) -> WindowSpec:
    anchor = r.get_str("anchor", "birth") or "birth"
    if anchor not in ANCHORS:
        from ..vocabulary import suggest

        raise r.error(
            f"anchor is one of {', '.join(ANCHORS)}, not {anchor!r}",
            "anchor",
            suggest(anchor, ANCHORS),
        )
    if not r.children("windows"):
        raise r.error("a window item needs 'windows'", "windows")
    windows: list[Window] = []
    seen: set[str] = set()
    for wr in r.children("windows"):
        wr.check_keys(
            ["id", "label", "from", "to", "past_due_after"], required=["id", "from", "to"]
        )
        wid = wr.req_str("id")
        if not _WID.match(wid):
            raise wr.error(f"window id '{wid}' must be letters, digits, '-', '_' or '.'", "id")
        if wid in seen:
            raise wr.error(f"duplicate window id '{wid}'", "id")
        seen.add(wid)
        start, end = wr.duration("from", required=True), wr.duration("to", required=True)
        assert start is not None and end is not None
        if not longer(end, start):
            raise wr.error("window 'to' must be after 'from'", "to")
        windows.append(
            Window(wid, wr.get_str("label", wid) or wid, start, end, wr.duration("past_due_after"))
        )
    methods = frozenset(r.str_list("methods")) if r.has("methods") else None
    return WindowSpec(anchor, tuple(windows), methods, r.duration("past_due_after"))


def _anchor(spec: WindowSpec, ctx: Context) -> dt.date | None:
    if spec.anchor == "birth":
        return ctx.birth
    if spec.anchor == "lmp":
        return ctx.pregnancy.start if ctx.pregnancy is not None else None
    ended = [
        p.end_date
        for p in ctx.profile.pregnancies
        if p.end_date is not None and p.end_date <= ctx.as_of
    ]
    return max(ended) if ended else None


def evaluate(item: Item, ctx: Context, cal: Calendar) -> list[Row]:
    spec: WindowSpec = item.spec
    anchor = _anchor(spec, ctx)
    if anchor is None:
        return []
    targets = frozenset(item.targets)
    procs = [
        p
        for p in ctx.procedures
        if p.target in targets and (spec.methods is None or p.method in spec.methods)
    ]
    spans = [(w, w.start.add_to(anchor), w.end.add_to(anchor)) for w in spec.windows]
    spans.sort(key=lambda s: (s[1], s[2]))
    current = [s for s in spans if s[1] <= ctx.as_of < s[2]]
    if not current:
        future = [s for s in spans if s[1] > ctx.as_of]
        if future:
            current = [future[0]]
        elif spans:
            current = [max(spans, key=lambda s: (s[2], s[1]))]
    rows = []
    for w, start, end in current:
        done = [p for p in procs if start <= p.date < end]
        trace = [
            TraceEntry(
                date=p.date,
                event=p.target + (f" {p.method}" if p.method else ""),
                outcome="counted" if start <= p.date < end else "ignored",
                detail=f"fenêtre {w.label} du {french_date(start)} au {french_date(end - ONE_DAY)}",
            )
            for p in procs
        ]
        latest = end - ONE_DAY
        span_txt = f"entre le {french_date(start)} et le {french_date(latest)}"
        if done:
            d = done[0].date
            rows.append(
                Row(
                    status="completed",
                    occurrence=w.id,
                    completed_date=d,
                    reason=f"Fait le {french_date(d)} (période {w.label}, {span_txt}).",
                    trace=trace,
                )
            )
            continue
        pda = w.past_due_after or spec.past_due_after or cal.past_due_after
        past_due = past_due_date(pda, start)
        if past_due is not None and past_due > latest:
            past_due = None
        status = status_for_dates(ctx.as_of, start, past_due, latest)
        if status == "missed":
            reason = f"Non fait pendant la période {w.label} ({span_txt}) : période terminée."
        elif status == "upcoming":
            reason = f"Prochaine période : {w.label}, {span_txt}."
        else:
            reason = f"À faire pendant la période {w.label}, {span_txt}."
        rows.append(
            Row(
                status=status,
                occurrence=w.id,
                earliest=start,
                recommended=start,
                past_due=past_due,
                latest=latest,
                reason=reason,
                trace=trace,
            )
        )
    return rows


register(
    Kind(
        name="window",
        keys=("anchor", "windows", "methods", "past_due_after"),
        parse=parse_window,
        evaluate=evaluate,
    )
)
