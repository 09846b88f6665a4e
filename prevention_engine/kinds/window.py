"""The ``window`` kind: something to do once inside a dated window relative to an anchor.

Anchors: ``birth`` (check-ups at ages, child exams), ``lmp`` (first day of the last menstrual
period of the current pregnancy), ``conception`` (its start, LMP + 14 days: months of
pregnancy), ``delivery`` (end date of the latest ended pregnancy) and ``maternity`` (start of
the ongoing pregnancy, else of the last ended one). With ``until_end`` (anchor ``maternity``)
a window has no ``to``: it stays open while the pregnancy goes on and closes ``until_end``
after its end (at the end itself when it did not end with a birth).
A window is ``completed`` by a procedure of the item's targets (optionally of given methods)
dated inside it; with ``exclusive: true`` a procedure counts for one window only (child exams
whose windows overlap: an exam on day 8 is the 8-day exam, not also the 2nd-week one).
Only the windows that matter now are shown: every window containing the
assessment date (``completed``, ``due`` or ``overdue``); if none, the next window
(``upcoming``); after the last window, that last window (``completed`` or ``missed``).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, replace

from ..calendar.model import Item
from ..calendar.reader import Reader
from ..context import SEROLOGY_EVIDENCE, Context
from ..dates import ONE_DAY, Duration
from ..gestation import ended_by_birth, followed
from ..profile import Procedure
from ..schedule import Due, Occurrence, Reason, Step, longer
from ..vocabulary import METHODS
from .base import Kind, Tables, register

ANCHORS = ("birth", "lmp", "delivery", "conception", "maternity")
_WID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")


@dataclass(frozen=True, slots=True)
class Window:
    id: str
    label: str
    start: Duration
    end: Duration | None  # exclusive; None: closes ``until_end`` after the pregnancy
    past_due_after: Duration | None


@dataclass(frozen=True, slots=True)
class WindowSpec:
    anchor: str
    windows: tuple[Window, ...]
    methods: frozenset[str] | None
    past_due_after: Duration | None
    exclusive: bool = False
    until_end: Duration | None = None
    #: the last window that closed undone stays shown as missed while later ones open
    show_missed: bool = False
    #: a dated immunity record documented by a blood test (``immunity[].evidence``: serology)
    #: is a serology done that day, negative or positive
    serology_records: bool = False


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
    until_end = r.duration("until_end")
    if until_end is not None and anchor != "maternity":
        raise r.error("until_end needs anchor: maternity", "until_end")
    windows: list[Window] = []
    seen: set[str] = set()
    for wr in r.children("windows"):
        wr.check_keys(["id", "label", "from", "to", "past_due_after"],
                      required=["id", "from"] if until_end else ["id", "from", "to"])
        wid = wr.req_str("id")
        if not _WID.match(wid):
            raise wr.error(f"window id '{wid}' must be letters, digits, '-', '_' or '.'", "id")
        if wid in seen:
            raise wr.error(f"duplicate window id '{wid}'", "id")
        seen.add(wid)
        start, end = wr.req_duration("from"), wr.duration("to")
        if end is not None and not longer(end, start):
            raise wr.error("window 'to' must be after 'from'", "to")
        windows.append(
            Window(wid, wr.get_str("label", wid) or wid, start, end, wr.duration("past_due_after"))
        )
    methods = frozenset(r.str_list("methods", METHODS)) if r.has("methods") else None
    return WindowSpec(anchor, tuple(windows), methods, r.duration("past_due_after"),
                      r.get_bool("exclusive", False), until_end, r.get_bool("show_missed", False),
                      r.get_bool("serology_records", False))


def plan(item: Item[WindowSpec], ctx: Context) -> list[Occurrence]:
    spec = item.spec
    anchor = ctx.anchor(spec.anchor)
    if anchor is None:
        return []
    targets = frozenset(item.targets)
    procs = [
        p
        for p in (*ctx.procedures, *_serologies(ctx, targets, spec.serology_records))
        if p.target in targets and (spec.methods is None or p.method in spec.methods)
    ]
    procs.sort(key=lambda p: (p.date, p.target))
    spans = [(w, w.start.add_to(anchor), _end(spec, w, anchor, ctx)) for w in spec.windows]
    spans = [s for s in spans if s[1] < s[2]]
    spans.sort(key=lambda s: (s[1], s[2]))
    counted = _assigned(spans, procs) if spec.exclusive else None

    def occurrence(span: Span) -> Occurrence:
        w, start, end = span
        done = procs if counted is None else counted.get(w.id, [])
        return _occurrence(spec, w, start, end, done, ctx)

    shown = _shown(spans, ctx.as_of)
    out = [occurrence(s) for s in shown]
    # The last window that closed without being done stays visible as missed (an exam or a
    # test not done is said, never silently dropped when the next window opens).
    closed = [s for s in spans if spec.show_missed and s[2] <= ctx.as_of and s not in shown]
    if closed:
        last = occurrence(max(closed, key=lambda s: (s[2], s[1])))
        if last.status == "missed":
            out.insert(0, last)
    return out


Span = tuple[Window, dt.date, dt.date]
#: The end of a window still open (a pregnancy going on): later than any assessment date.
OPEN = dt.date.max


def _end(spec: WindowSpec, w: Window, anchor: dt.date, ctx: Context) -> dt.date:
    """The exclusive end of a window; for ``until_end``, from the followed pregnancy's end."""
    if w.end is not None:
        return w.end.add_to(anchor)
    p = followed(ctx.profile, ctx.as_of)
    if p is None or p.end_date is None or p.end_date > ctx.as_of or spec.until_end is None:
        return OPEN
    if ended_by_birth(p) is False:
        return p.end_date  # no delivery: nothing runs on after the end
    return spec.until_end.add_to(p.end_date)


def _assigned(spans: list[Span], procs: list[Procedure]) -> dict[str, list[Procedure]]:
    """Each visit for one window at most: windows by end date each take the earliest unused
    procedure inside them (the greedy matching that completes the most windows). Two records
    of the same day are one visit (a duplicate entry never completes two examinations)."""
    used: set[dt.date] = set()
    out: dict[str, list[Procedure]] = {}
    for w, start, end in sorted(spans, key=lambda s: (s[2], s[1])):
        for p in procs:
            if p.date not in used and start <= p.date < end:
                used.add(p.date)
                out[w.id] = [p]
                break
    return out


def _shown(spans: list[Span], as_of: dt.date) -> list[Span]:
    """The windows containing ``as_of``; else the next one; else the last one."""
    current = [s for s in spans if s[1] <= as_of < s[2]]
    if current:
        return current
    future = [s for s in spans if s[1] > as_of]
    if future:
        return [future[0]]
    return [max(spans, key=lambda s: (s[2], s[1]))] if spans else []


def _occurrence(
    spec: WindowSpec,
    w: Window,
    start: dt.date,
    end: dt.date,
    procs: list[Procedure],
    ctx: Context,
) -> Occurrence:
    if end == OPEN:
        return _open(spec, w, start, procs, ctx)
    latest = end - ONE_DAY
    trace = tuple(
        Step(
            date=p.date,
            event=Reason.of("trace.procedure", target=p.target, method=p.method),
            outcome="counted" if start <= p.date < end else "ignored",
            why=Reason.of("trace.window", label=w.label, start=start, latest=latest),
        )
        for p in procs
    )
    done = [p for p in procs if start <= p.date < end]
    if done:
        return Occurrence(
            status="completed",
            occurrence=w.id,
            label=_label(w),
            completed_date=done[0].date,
            reason=Reason.of(
                "window.done", date=done[0].date, label=w.label, start=start, latest=latest
            ),
            trace=trace,
        )
    due = Due.starting(start, w.past_due_after or spec.past_due_after,
                       latest)
    if due.past_due is not None and due.past_due > latest:
        due = Due(due.earliest, due.recommended, None, due.latest)
    status = due.status_on(ctx.as_of)
    if status == "missed":  # a missed row keeps only its limit (the contract's convention)
        due = Due(latest=latest)
    return Occurrence(
        status=status,
        occurrence=w.id,
        label=_label(w),
        due=due,
        reason=Reason.of(f"window.{status}", label=w.label, start=start, latest=latest,
                         **({"past_due": due.past_due} if due.past_due is not None else {})),
        trace=trace,
    )


def _serologies(ctx: Context, targets: frozenset[str], wanted: bool) -> list[Procedure]:
    """A dated immunity record documented by a blood test is a serology done that day, even
    when it is negative: a seronegative woman's first-trimester rubella serology is done."""
    if not wanted:
        return []
    return [
        Procedure(target=i.target, date=i.date, method="serology",
                  result="positive" if i.immune else "negative")
        for i in ctx.profile.immunity
        if i.target in targets and i.date is not None and i.date <= ctx.as_of
        and i.evidence in SEROLOGY_EVIDENCE
    ]


def _label(w: Window) -> Reason | None:
    """The window's label names it in the title ("au cours du 9e mois"), not its id."""
    return Reason.of("label.rule", text=w.label) if w.label != w.id else None


def _open(
    spec: WindowSpec, w: Window, start: dt.date, procs: list[Procedure], ctx: Context,
) -> Occurrence:
    """A window whose end is not known yet (it closes after the pregnancy)."""
    done = [p for p in procs if start <= p.date]
    trace = tuple(
        Step(date=p.date, event=Reason.of("trace.procedure", target=p.target, method=p.method),
             outcome="counted" if p in done else "ignored",
             why=Reason.of("trace.window_open", label=w.label, start=start))
        for p in procs
    )
    if done:
        return Occurrence(status="completed", occurrence=w.id, label=_label(w),
                          completed_date=done[0].date,
                          reason=Reason.of("window.done_open", date=done[0].date,
                                           label=w.label, start=start),
                          trace=trace)
    due = Due.starting(start, w.past_due_after or spec.past_due_after)
    status = due.status_on(ctx.as_of)
    return Occurrence(status=status, occurrence=w.id, label=_label(w), due=due, trace=trace,
                      reason=Reason.of("window.open", label=w.label, start=start,
                                       after=spec.until_end, status=status))


def bind(item: Item[WindowSpec], tables: Tables) -> WindowSpec:
    """The calendar's default past-due period, when the rule gives none of its own."""
    return replace(item.spec, past_due_after=item.spec.past_due_after or tables.past_due_after)


register(
    Kind(
        name="window",
        keys=("anchor", "windows", "methods", "past_due_after", "exclusive", "until_end",
              "show_missed", "serology_records"),
        parse=parse_window,
        plan=plan,
        bind=bind,
    )
)
