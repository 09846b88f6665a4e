"""The ``monitoring`` kind: a test repeated at an interval from the diagnosis of a condition.

Diabetes follow-up (HbA1c every 3 months, yearly eye, kidney, lipid, ECG, foot and dental
examinations) is dated from the last test; before any test, from the onset (``since``) of the
conditions named in ``from_conditions``. A test is a procedure of the item's targets or an
observation of one of its ``observations`` codes (an HbA1c value dated 1 October 2025 is the
HbA1c test of that day); with ``all_observations`` the test counts only when every code was
measured (kidney function: eGFR and urine albumin/creatinine), on the oldest of their latest
dates. ``intervals`` change the rhythm: the first whose ``when`` holds gives the interval; a
``when`` that cannot be decided (a fact missing) is skipped for the default interval and the
missing facts are named, never read as "no".
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace

from ..calendar.model import Item
from ..calendar.reader import Reader
from ..conditions import compile_predicate
from ..context import Context, Pred
from ..dates import Duration
from ..profile import Observation
from ..schedule import Due, Occurrence, Reason, Step, longer
from ..vocabulary import CONDITIONS, OBSERVATIONS
from .base import Kind, Tables, register


@dataclass(frozen=True, slots=True)
class Interval:
    when: Pred
    every: Duration
    why: str | None


@dataclass(frozen=True, slots=True)
class MonitoringSpec:
    from_conditions: frozenset[str]
    every: Duration
    observations: tuple[str, ...]
    labels: dict[str, str]
    all_observations: bool
    intervals: tuple[Interval, ...]
    test: str
    target: str | None
    past_due_after: Duration | None
    #: before any test, due from the latest of these observations if later than the onset
    #: (podiatry sessions are due from the grading that found grade 2, not from the diagnosis)
    due_from: tuple[str, ...] = ()
    #: nothing is due before this age (an adult examination after a diagnosis in childhood)
    from_age: Duration | None = None


def _positive(r: Reader, key: str) -> Duration:
    d = r.req_duration(key)
    if not longer(d, Duration()):
        raise r.error(f"{key} must be a positive duration", key)
    return d


def parse_monitoring(r: Reader, names: set[str]) -> MonitoringSpec:
    conds = frozenset(r.str_list("from_conditions", CONDITIONS))
    if not conds:
        raise r.error("from_conditions names at least one condition", "from_conditions")
    observations = r.str_list("observations", OBSERVATIONS) if r.has("observations") else ()
    labels: dict[str, str] = {}
    if r.has("observation_labels"):
        lr = r.child("observation_labels")
        lr.check_keys(observations)
        labels = {k: lr.req_str(k) for k in lr.data}
    intervals = []
    for ir in r.children("intervals"):
        ir.check_keys(["when", "every", "why"], required=["when", "every"])
        intervals.append(Interval(compile_predicate(ir.raw("when"), ir, "when", names),
                                  _positive(ir, "every"), ir.get_str("why")))
    return MonitoringSpec(
        from_conditions=conds,
        every=_positive(r, "every"),
        observations=tuple(observations),
        labels=labels,
        all_observations=r.get_bool("all_observations", False),
        intervals=tuple(intervals),
        test=r.req_str("test"),
        target=r.get_str("target_context"),
        past_due_after=r.duration("past_due_after"),
        due_from=tuple(r.str_list("due_from_observations", OBSERVATIONS)),
        from_age=r.duration("from_age"),
    )


def in_scope(item: Item[MonitoringSpec], ctx: Context) -> bool:
    return bool(item.spec.from_conditions & ctx.conditions)


def _interval(spec: MonitoringSpec, ctx: Context) -> tuple[Duration, str | None, tuple[str, ...]]:
    """The interval that applies, why, and the facts that could change it."""
    ask: list[str] = []
    for iv in spec.intervals:
        holds, missing = iv.when(ctx)
        if holds is True:
            return iv.every, iv.why, tuple(dict.fromkeys(ask))
        if holds is None:
            ask.extend(missing)
    return spec.every, None, tuple(dict.fromkeys(ask))


def _latest(spec: MonitoringSpec, ctx: Context) -> tuple[list[Observation], tuple[str, ...]]:
    """The latest observation of each code (all codes, or the newest of any)."""
    found = {c: ctx.observations(c)[-1] for c in spec.observations if ctx.observations(c)}
    if spec.all_observations:
        missing = tuple(f"observation.{c}" for c in spec.observations if c not in found)
        return list(found.values()), missing
    if not found:
        return [], ()
    newest = max(found.values(), key=lambda o: o.date)
    return [newest], ()


def plan(item: Item[MonitoringSpec], ctx: Context) -> list[Occurrence]:
    spec = item.spec
    if not in_scope(item, ctx):
        return []
    onset = ctx.anchor("onset", spec.from_conditions)
    observed, partial = _latest(spec, ctx)
    procs = [p.date for p in ctx.procedures if p.target in item.targets]
    obs_date = None
    if observed and not partial:
        obs_date = min(o.date for o in observed)
    dates = [d for d in (max(procs, default=None), obs_date) if d is not None]
    last = max(dates) if dates else None
    every, why, ask = _interval(spec, ctx)
    recommended = every.add_to(last) if last is not None else _first_due(spec, ctx, onset)
    due = Due.starting(recommended, spec.past_due_after)
    status = due.status_on(ctx.as_of)
    values = tuple((spec.labels.get(o.code, o.code), o.value, o.unit, o.date, o.code)
                   for o in observed)
    if last is not None and obs_date != last:
        values = ()  # the last test is a procedure: its value is not known
    reason = Reason.of(
        "monitoring.next", test=spec.test, last=last, onset=onset, values=values,
        interval=every, recommended=recommended, status=status, partial=partial, why=why,
        ask=ask, target=spec.target,
    )
    trace = tuple(
        [Step(date=d, event=Reason.of("trace.exam", target=item.targets[0]), outcome="counted",
              why=Reason.of("trace.exam_recorded")) for d in sorted(set(procs))[-1:]]
        + [Step(date=o.date, event=Reason.of("trace.measure", observation=o.code, value=o.value),
                outcome="counted", why=Reason.of("trace.last_measure")) for o in observed]
    )
    return [Occurrence(status=status, reason=reason, due=due, completed_date=last,
                       missing=ask, trace=trace)]


def _first_due(spec: MonitoringSpec, ctx: Context, onset: dt.date | None) -> dt.date:
    """Before any test: from the onset, or a later finding (``due_from``), else now."""
    found = [ctx.observations(c)[-1].date for c in spec.due_from if ctx.observations(c)]
    dates = [d for d in (onset, *found) if d is not None]
    first = max(dates) if dates else ctx.as_of
    return max(first, spec.from_age.add_to(ctx.birth)) if spec.from_age else first


def bind(item: Item[MonitoringSpec], tables: Tables) -> MonitoringSpec:
    """The calendar's default past-due period, when the rule gives none of its own."""
    return replace(item.spec, past_due_after=item.spec.past_due_after or tables.past_due_after)


register(
    Kind(
        name="monitoring",
        keys=("from_conditions", "every", "observations", "observation_labels",
              "all_observations", "intervals", "test", "target_context", "past_due_after",
              "due_from_observations", "from_age"),
        parse=parse_monitoring,
        plan=plan,
        bind=bind,
        in_scope=in_scope,
    )
)
