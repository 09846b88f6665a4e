"""The ``recurring`` kind: screening and monitoring repeated at intervals between two ages.

The next test is dated from the last *qualifying event* (a procedure of the item's targets,
optionally filtered by method). What happens after that event is data: an ordered list of
``rules`` matched on the event's method, result, the age at the event, the number of normal
results just before it and the test just before it (a normal cytology after a positive HPV
test is the triage of that test, not a routine result); the first rule that matches decides
the next interval and method, or that the result leaves the programme (``exit``: a specific
follow-up is needed, so the routine test is never scheduled), or that a fact is missing
(``ask``). Without a matching rule the item's default ``interval`` applies; an item without
``interval`` is done once in the age range (HIV screening "at least once").

Ages: the programme runs from ``start_age`` (inclusive) to ``stop_age`` (exclusive); outside
them the item does not appear at all (``in_scope``), so nobody is asked for data about a
programme that cannot concern them. A test done before ``start_age`` still dates the next one
(never earlier than ``start_age``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace

from ..calendar.model import Item
from ..calendar.reader import Reader
from ..context import Context
from ..dates import ONE_DAY, Duration
from ..profile import Procedure
from ..schedule import Due, Occurrence, Reason, Step, longer
from ..vocabulary import METHODS, RESULTS
from .base import Kind, Tables, register

UNKNOWN = "unknown"
ASKABLE = ("method", "result")
DEFAULT_NORMAL = ("normal", "negative")


@dataclass(frozen=True, slots=True)
class When:
    """Conditions on one event; every given condition must hold."""

    methods: frozenset[str] | None = None  # "unknown" matches a procedure without method
    results: frozenset[str] | None = None  # "unknown" matches a procedure without result
    age_min: Duration | None = None  # age at the event, inclusive
    age_max: Duration | None = None  # exclusive
    prev_min: int | None = None  # consecutive normal results just before the event
    prev_max: int | None = None  # inclusive
    # the test just before the event, on an earlier day: its methods and results
    before_methods: frozenset[str] | None = None
    before_results: frozenset[str] | None = None


@dataclass(frozen=True, slots=True)
class Rule:
    when: When
    next: Duration | None
    next_method: str | None
    exit: str | None
    ask: tuple[str, ...]
    reason: str | None
    line: int | None


@dataclass(frozen=True, slots=True)
class MethodByAge:
    method: str
    until_age: Duration | None  # exclusive; None = no upper bound


@dataclass(frozen=True, slots=True)
class RecurringSpec:
    start_age: Duration | None
    stop_age: Duration | None
    interval: Duration | None
    methods: frozenset[str] | None
    default_method: str | None
    method_by_age: tuple[MethodByAge, ...]
    method_titles: dict[str, str]
    normal_results: frozenset[str]
    rules: tuple[Rule, ...]
    past_due_after: Duration | None


# -- parsing -------------------------------------------------------------------------------


def _str_set(r: Reader, key: str, vocabulary: frozenset[str] | None = None
             ) -> frozenset[str] | None:
    """A list of words; with a ``vocabulary`` (results, methods), a misspelt one is an error
    (a rule on "positve" never matched: the test fell through to the next rule)."""
    if key not in r.data:
        return None
    values = r.str_list(key, vocabulary)
    if not values:
        raise r.error("expected at least one value", key)
    return frozenset(values)


def _check_method(r: Reader, key: str, method: str, known: frozenset[str] | None) -> None:
    if known is None or method in known or method == UNKNOWN:
        return
    from ..vocabulary import suggest

    raise r.error(
        f"method '{method}' is not listed in the item's 'methods'",
        key,
        suggest(method, sorted(known)),
    )


def _parse_when(r: Reader, known: frozenset[str] | None) -> When:
    r.check_keys(["method", "result", "age_at_event", "previous_normal", "previous"])
    methods = _str_set(r, "method", METHODS)
    for m in methods or ():
        _check_method(r, "method", m, known)
    age_min = age_max = None
    if r.has("age_at_event"):
        a = r.child("age_at_event")
        a.check_keys(["min", "max"])
        age_min, age_max = a.duration("min"), a.duration("max")
        if age_min is None and age_max is None:
            raise a.error("age_at_event needs 'min' or 'max'")
    prev_min = prev_max = None
    raw = r.raw("previous_normal")
    if raw is not None:
        if isinstance(raw, dict):
            p = r.child("previous_normal")
            p.check_keys(["min", "max"])
            prev_min, prev_max = p.get_int("min"), p.get_int("max")
        else:
            prev_min = prev_max = r.get_int("previous_normal")
        for v in (prev_min, prev_max):
            if v is not None and v < 0:
                raise r.error("previous_normal counts results: 0 or more", "previous_normal")
    before_methods = before_results = None
    if r.has("previous"):
        b = r.child("previous")
        b.check_keys(["method", "result"])
        before_methods = _str_set(b, "method", METHODS)
        before_results = _str_set(b, "result", RESULTS)
        for m in before_methods or ():
            _check_method(b, "method", m, known)
        if before_methods is None and before_results is None:
            raise b.error("previous needs 'method' or 'result'")
    return When(methods, _str_set(r, "result", RESULTS), age_min, age_max, prev_min, prev_max,
                before_methods, before_results)


def _parse_rule(r: Reader, known: frozenset[str] | None) -> Rule:
    r.check_keys(["when", "next", "next_method", "exit", "ask", "reason"], required=["when"])
    outcomes = [k for k in ("next", "exit", "ask") if r.has(k)]
    if len(outcomes) != 1:
        raise r.error("a rule has exactly one of 'next', 'exit' or 'ask'")
    when_raw = r.raw("when")
    when = When() if when_raw == {} else _parse_when(r.child("when"), known)
    ask = r.str_list("ask", ASKABLE)
    if r.has("ask") and not ask:
        raise r.error("ask lists the missing facts: method, result", "ask")
    next_method = r.get_str("next_method")
    if next_method is not None:
        if not r.has("next"):
            raise r.error("next_method goes with 'next'", "next_method")
        _check_method(r, "next_method", next_method, known)
    exit_text = r.get_str("exit")
    if exit_text is not None and not exit_text.strip():
        raise r.error("exit gives the French reason (the follow-up needed)", "exit")
    return Rule(
        when=when,
        next=_positive(r, "next"),
        next_method=next_method,
        exit=exit_text,
        ask=ask,
        reason=r.get_str("reason"),
        line=r.line_of(),
    )


def _positive(r: Reader, key: str) -> Duration | None:
    d = r.duration(key)
    if d is not None and not longer(d, Duration()):
        raise r.error(f"{key} must be a positive duration, got '{d}'", key)
    return d


def parse_recurring(r: Reader, names: set[str]) -> RecurringSpec:
    start, stop = r.duration("start_age"), r.duration("stop_age")
    if start is not None and stop is not None and not longer(stop, start):
        raise r.error("stop_age must be after start_age", "stop_age")
    methods = _str_set(r, "methods", METHODS)
    default_method = r.get_str("default_method")
    if default_method is not None:
        _check_method(r, "default_method", default_method, methods)
    by_age: list[MethodByAge] = []
    for mr in r.children("method_by_age"):
        mr.check_keys(["method", "until_age"], required=["method"])
        m = mr.req_str("method")
        _check_method(mr, "method", m, methods)
        by_age.append(MethodByAge(m, mr.duration("until_age")))
    if by_age and by_age[-1].until_age is not None:
        raise r.error(
            "the last method_by_age entry has no 'until_age' (it covers the rest)", "method_by_age"
        )
    titles: dict[str, str] = {}
    if r.has("method_titles"):
        t = r.child("method_titles")
        for k in t.data:
            _check_method(t, k, k, methods)
            titles[k] = t.req_str(k)
    normal = _str_set(r, "normal_results", RESULTS) or frozenset(DEFAULT_NORMAL)
    rules = tuple(_parse_rule(rr, methods) for rr in r.children("rules"))
    if r.has("rules") and not rules:
        raise r.error("rules is a non-empty list", "rules")
    return RecurringSpec(
        start_age=start,
        stop_age=stop,
        interval=_positive(r, "interval"),
        methods=methods,
        default_method=default_method,
        method_by_age=tuple(by_age),
        method_titles=titles,
        normal_results=normal,
        rules=rules,
        past_due_after=r.duration("past_due_after"),
    )


# -- evaluation ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Event:
    date: dt.date
    method: str | None
    result: str | None
    previous_normal: int
    before: tuple[str | None, str | None] | None = None  # (method, result) of the test before


def _ages(spec: RecurringSpec, birth: dt.date) -> tuple[dt.date | None, dt.date | None]:
    start = spec.start_age.add_to(birth) if spec.start_age else None
    stop = spec.stop_age.add_to(birth) if spec.stop_age else None
    return start, stop


def in_scope(item: Item[RecurringSpec], ctx: Context) -> bool:
    """True while the person is inside the programme ages on the assessment date."""
    start, stop = _ages(item.spec, ctx.birth)
    return (start is None or ctx.as_of >= start) and (stop is None or ctx.as_of < stop)


def _events(
    spec: RecurringSpec, targets: frozenset[str], procedures: tuple[Procedure, ...]
) -> tuple[list[Event], list[Step]]:
    trace: list[Step] = []
    kept: list[tuple[dt.date, str | None, str | None]] = []
    for p in procedures:
        if p.target not in targets:
            continue
        method = p.method or spec.default_method
        if spec.methods is not None and method is not None and method not in spec.methods:
            trace.append(
                Step(
                    date=p.date,
                    event=f"{p.target} {p.method}",
                    outcome="ignored",
                    why=Reason.of("trace.method_outside", methods=tuple(sorted(spec.methods))),
                )
            )
            continue
        kept.append((p.date, method, p.result))
    kept.sort(key=lambda e: (e[0], e[1] or "", e[2] or ""))
    events: list[Event] = []
    run = 0
    day: dt.date | None = None
    before: tuple[str | None, str | None] | None = None  # last test of an earlier day
    last: tuple[str | None, str | None] | None = None
    for d, m, res in kept:
        if d != day:
            before, day = last, d
        events.append(Event(d, m, res, run, before))
        last = (m, res)
        run = run + 1 if res is not None and res in spec.normal_results else 0
    return events, trace


def _matches(w: When, ev: Event, birth: dt.date) -> bool:
    if w.methods is not None and (ev.method or UNKNOWN) not in w.methods:
        return False
    if w.results is not None and (ev.result or UNKNOWN) not in w.results:
        return False
    if w.age_min is not None and ev.date < w.age_min.add_to(birth):
        return False
    if w.age_max is not None and ev.date >= w.age_max.add_to(birth):
        return False
    if w.prev_min is not None and ev.previous_normal < w.prev_min:
        return False
    if w.prev_max is not None and ev.previous_normal > w.prev_max:
        return False
    return _before_matches(w, ev)


def _before_matches(w: When, ev: Event) -> bool:
    if w.before_methods is None and w.before_results is None:
        return True
    if ev.before is None:
        return False
    method, result = ev.before
    if w.before_methods is not None and (method or UNKNOWN) not in w.before_methods:
        return False
    return w.before_results is None or (result or UNKNOWN) in w.before_results


def _rule_for(spec: RecurringSpec, ev: Event, birth: dt.date) -> Rule | None:
    for rule in spec.rules:
        if _matches(rule.when, ev, birth):
            return rule
    return None


def _method_at(spec: RecurringSpec, birth: dt.date, on: dt.date) -> str | None:
    for m in spec.method_by_age:
        if m.until_age is None or on < m.until_age.add_to(birth):
            return m.method
    return spec.default_method


def _title(spec: RecurringSpec, method: str | None) -> str:
    if method is None:
        return "test"
    return spec.method_titles.get(method, method.replace("_", " "))


def _test(spec: RecurringSpec, ev: Event) -> dict[str, object]:
    """The parameters that name a test in a reason: what, when, with which result."""
    return {"test": _title(spec, ev.method), "date": ev.date, "result": ev.result}


def _trace_events(
    spec: RecurringSpec, events: list[Event], decisions: list[tuple[Event, Rule | None]]
) -> list[Step]:
    def described(ev: Event) -> Reason:
        return Reason.of("trace.test", **_test(spec, ev))

    trace = [
        Step(date=ev.date, event=described(ev), outcome="counted",
             why=Reason.of("trace.before_last"))
        for ev in events[: -len(decisions)]
    ]
    trace += [
        Step(
            date=ev.date,
            event=described(ev),
            outcome="last",
            why=Reason.of("trace.rule_line", line=rule.line) if rule and rule.line
            else Reason.of("trace.usual_interval"),
        )
        for ev, rule in decisions
    ]
    return trace


def plan(item: Item[RecurringSpec], ctx: Context) -> list[Occurrence]:
    spec = item.spec
    if not in_scope(item, ctx):
        return []
    start, stop = _ages(spec, ctx.birth)
    events, trace = _events(spec, frozenset(item.targets), ctx.procedures)
    plan = _Plan(spec, ctx, start, stop, spec.past_due_after)
    if not events:
        why = Reason.of("recurring.none", start_age=spec.start_age)
        return [plan.forecast(start or ctx.birth, tuple(trace), why)]
    last_date = events[-1].date
    decisions = [(ev, _rule_for(spec, ev, ctx.birth)) for ev in events if ev.date == last_date]
    trace += _trace_events(spec, events, decisions)
    return [_after_last(plan, decisions, tuple(trace))]


def _after_last(
    plan: _Plan, decisions: list[tuple[Event, Rule | None]], trace: tuple[Step, ...]
) -> Occurrence:
    """What follows the tests of the last day: an exit, a question, or the next test."""
    spec = plan.spec
    # An exit wins over everything: the routine test is never scheduled after it.
    for ev, rule in decisions:
        if rule is not None and rule.exit is not None:
            return Occurrence(
                status="not_recommended",
                reason=Reason.of("recurring.exit", text=rule.exit, **_test(spec, ev)),
                completed_date=ev.date,
                trace=trace,
            )
    for ev, rule in decisions:
        if rule is not None and rule.ask:
            missing = tuple(f"procedure.{a}" for a in rule.ask)
            return Occurrence(
                status="needs_data",
                missing=missing,
                reason=Reason.of("recurring.ask", ask=rule.ask, note=rule.reason,
                                 **_test(spec, ev)),
                completed_date=ev.date,
                trace=trace,
            )
    best = _next_test(spec, decisions)
    if best is None:
        ev = decisions[0][0]
        return Occurrence(status="completed", reason=Reason.of("recurring.once", **_test(spec, ev)),
                          completed_date=ev.date, trace=trace)
    nxt, ev, rule, interval = best
    if plan.start is not None and nxt < plan.start:
        nxt = plan.start
    if plan.stop is not None and nxt >= plan.stop:
        return Occurrence(
            status="completed",
            reason=Reason.of("recurring.ended", stop_age=spec.stop_age, **_test(spec, ev)),
            completed_date=ev.date,
            trace=trace,
        )
    method = rule.next_method if rule is not None and rule.next_method else None
    why = Reason.of("recurring.last", interval=interval,
                    note=rule.reason if rule is not None else None, **_test(spec, ev))
    return plan.forecast(nxt, trace, why, method, ev.date)


def _next_test(
    spec: RecurringSpec, decisions: list[tuple[Event, Rule | None]]
) -> tuple[dt.date, Event, Rule | None, Duration] | None:
    """The earliest next date among the events of the last day, with its interval."""
    best: tuple[dt.date, Event, Rule | None, Duration] | None = None
    for ev, rule in decisions:
        interval = rule.next if rule is not None and rule.next is not None else spec.interval
        if interval is None:
            continue
        nxt = interval.add_to(ev.date)
        if best is None or nxt < best[0]:
            best = (nxt, ev, rule, interval)
    return best


@dataclass(frozen=True, slots=True)
class _Plan:
    """The programme limits of one person, for dating the next test."""

    spec: RecurringSpec
    ctx: Context
    start: dt.date | None
    stop: dt.date | None
    past_due_after: Duration | None

    def forecast(
        self,
        recommended: dt.date,
        trace: tuple[Step, ...],
        why: Reason,
        method: str | None = None,
        last: dt.date | None = None,
    ) -> Occurrence:
        latest = self.stop - ONE_DAY if self.stop is not None else None
        if method is None:
            method = _method_at(self.spec, self.ctx.birth, max(recommended, self.ctx.as_of))
        due = Due.starting(recommended, self.past_due_after, latest)
        if due.past_due is not None and latest is not None and due.past_due > latest:
            due = Due(due.earliest, due.recommended, None, due.latest)
        status = due.status_on(self.ctx.as_of)
        return Occurrence(
            status=status,
            reason=Reason.of(
                "recurring.next",
                why=why,
                test=_title(self.spec, method) if method else None,
                recommended=recommended,
                now=status in ("due", "overdue"),
            ),
            due=due,
            completed_date=last,
            method=method,
            trace=trace,
        )


def bind(item: Item[RecurringSpec], tables: Tables) -> RecurringSpec:
    """The calendar's default past-due period, when the rule gives none of its own."""
    return replace(item.spec, past_due_after=item.spec.past_due_after or tables.past_due_after)


register(
    Kind(
        name="recurring",
        keys=(
            "start_age",
            "stop_age",
            "interval",
            "methods",
            "default_method",
            "method_by_age",
            "method_titles",
            "normal_results",
            "rules",
            "past_due_after",
        ),
        parse=parse_recurring,
        plan=plan,
        bind=bind,
        in_scope=in_scope,
    )
)
