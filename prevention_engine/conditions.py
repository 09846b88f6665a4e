"""Eligibility predicates: structured YAML compiled once into closures (DESIGN.md section 5).

No string is ever evaluated as code. Every predicate is three-valued: when it needs a fact the
profile does not give (sex, smoking, a measurement), it answers *unknown* and names the fact, so
the item can ask for it ("needs_data") instead of silently assuming "no".
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Collection
from typing import Any

from .calendar.reader import Reader
from .context import Context, Pred, Tri, earlier_live_within
from .dates import Duration
from .gestation import BIRTHS, followed
from .profile import PREGNANCY_LIMIT, Procedure
from .vocabulary import (
    CDSI_MEANINGS,
    CONDITIONS,
    METHODS,
    OBSERVATIONS,
    OUTCOMES,
    RESULTS,
    SITUATIONS,
    TARGETS,
)

TRUE: Tri = (True, ())
FALSE: Tri = (False, ())

PREDICATE_KEYS = (
    "all",
    "any",
    "not",
    "sex",
    "age",
    "born",
    "assessed_on",
    "condition",
    "pregnant",
    "gestational_age",
    "observation",
    "lifestyle",
    "residence",
    "family_history",
    "medication",
    "procedure",
    "risk_group",
    "immune_to",
    "contraindicated",
    "if_unknown",
    "situation",
    "mother_vaccinated",
    "perinatal",
    "postpartum",
    "pregnancy_dose",
    "documented_doses",
    "rhesus",
    "serology",
    "seroconversion",
    "family_history_known",
    "condition_history",
    "primiparous",
    "cdsi",
)

LIFESTYLE_FIELDS = {
    "smoker": "bool",
    "former_smoker": "bool",
    "years_since_quit": "number",
    "pack_years": "number",
    "daily_physical_activity": "bool",
    "daily_fruit_vegetables": "bool",
    "alcohol_units_per_week": "number",
    "sleep_hours": "number",
    "screen_hours_per_day": "number",
    "sexually_active": "bool",
}

def _all(preds: list[Pred]) -> Pred:
    def run(ctx: Context) -> Tri:
        missing: list[str] = []
        unknown = False
        for p in preds:
            v, m = p(ctx)
            if v is False:
                return FALSE
            if v is None:
                unknown = True
                missing.extend(m)
        return (None, tuple(dict.fromkeys(missing))) if unknown else TRUE

    return run


def _any(preds: list[Pred]) -> Pred:
    def run(ctx: Context) -> Tri:
        missing: list[str] = []
        unknown = False
        for p in preds:
            v, m = p(ctx)
            if v is True:
                return TRUE
            if v is None:
                unknown = True
                missing.extend(m)
        return (None, tuple(dict.fromkeys(missing))) if unknown else FALSE

    return run


def _not(pred: Pred) -> Pred:
    def run(ctx: Context) -> Tri:
        v, m = pred(ctx)
        return (None, m) if v is None else ((not v), ())

    return run


def _range_check(r: Reader, key: str, *, numeric: bool = False) -> tuple[Any, Any]:
    """Read a ``{min, max}`` mapping (durations, or numbers when ``numeric``)."""
    sub = r.child(key)
    sub.check_keys(["min", "max"])
    if numeric:
        return sub.number("min"), sub.number("max")
    return sub.duration("min"), sub.duration("max")


def _in_range(value: float, lo: float | None, hi: float | None, *, max_inclusive: bool) -> bool:
    if lo is not None and value < lo:
        return False
    if hi is not None:
        return value <= hi if max_inclusive else value < hi
    return True


def compile_predicate(node: Any, r: Reader, key: str, names: set[str] | None = None) -> Pred:
    """Compile the predicate found at ``r.data[key]`` (or ``node``) into a closure.

    ``names`` is the set of risk-group names the calendar defines (checked at load time).
    """
    if isinstance(node, bool):
        const = TRUE if node else FALSE
        return lambda ctx: const
    if not isinstance(node, dict) or not node:
        raise r.error("a predicate is a mapping with one key such as {age: {min: '65 years'}}", key)
    sub = Reader(node, r.file, r.item, r.field(key))
    if "if_unknown" in node:
        sub.check_keys(["if_unknown", "test"], required=["if_unknown", "test"])
        fallback = sub.get_bool("if_unknown")
        inner = compile_predicate(node["test"], sub, "test", names)

        def run_fallback(ctx: Context) -> Tri:
            v, _ = inner(ctx)
            return (fallback, ()) if v is None else (v, ())

        return run_fallback
    if len(node) != 1:
        raise sub.error(
            f"a predicate has exactly one key, found {sorted(node)}: combine with all/any"
        )
    sub.check_keys(PREDICATE_KEYS)
    ((op, arg),) = node.items()
    builder = _BUILDERS[op]
    return builder(arg, sub, op, names)


def _list_of_preds(arg: Any, r: Reader, key: str, names: set[str] | None) -> list[Pred]:
    if not isinstance(arg, list) or not arg:
        raise r.error("expected a non-empty list of predicates", key)
    return [compile_predicate(x, r, f"{key}[{i}]", names) for i, x in enumerate(arg)]


def _b_all(arg: Any, r: Reader, key: str, names: set[str] | None) -> Pred:
    return _all(_list_of_preds(arg, r, key, names))


def _b_any(arg: Any, r: Reader, key: str, names: set[str] | None) -> Pred:
    return _any(_list_of_preds(arg, r, key, names))


def _b_not(arg: Any, r: Reader, key: str, names: set[str] | None) -> Pred:
    return _not(compile_predicate(arg, r, key, names))


def _b_sex(arg: Any, r: Reader, key: str, names: set[str] | None) -> Pred:
    if arg not in ("female", "male"):
        raise r.error(f"sex is 'female' or 'male', not {arg!r}", key)

    def run(ctx: Context) -> Tri:
        s = ctx.profile.sex
        if s is None:
            return (None, ("sex",))
        return TRUE if s == arg else FALSE

    return run


def _b_age(arg: Any, r: Reader, key: str, names: set[str] | None) -> Pred:
    lo, hi = _range_check(r, key)
    lo_d: Duration | None = lo
    hi_d: Duration | None = hi

    # an age in whole months compares with the person's (Context.age_months); else it is added
    lo_m = lo.whole_months() if lo is not None else None
    hi_m = hi.whole_months() if hi is not None else None

    def run(ctx: Context) -> Tri:
        if lo_d is not None and not (
            ctx.age_months >= lo_m if lo_m is not None else ctx.reached(lo_d)
        ):
            return FALSE
        if hi_d is not None and (ctx.age_months >= hi_m if hi_m is not None else ctx.reached(hi_d)):
            return FALSE
        return TRUE

    return run


def _b_born(arg: Any, r: Reader, key: str, names: set[str] | None) -> Pred:
    sub = r.child(key)
    sub.check_keys(["from", "to"])
    lo, hi = sub.get_date("from"), sub.get_date("to")

    def run(ctx: Context) -> Tri:
        b = ctx.birth
        if lo is not None and b < lo:
            return FALSE
        if hi is not None and b > hi:
            return FALSE
        return TRUE

    return run


def _b_assessed_on(arg: Any, r: Reader, key: str, names: set[str] | None) -> Pred:
    """The assessment date itself, for a rule that takes effect inside a calendar version
    (an obligation that starts on 1 January 2025 in the 2024 edition, say)."""
    sub = r.child(key)
    sub.check_keys(["from", "to"])
    lo, hi = sub.get_date("from"), sub.get_date("to")

    def run(ctx: Context) -> Tri:
        if lo is not None and ctx.as_of < lo:
            return FALSE
        if hi is not None and ctx.as_of > hi:
            return FALSE
        return TRUE

    return run


def _b_condition(arg: Any, r: Reader, key: str, names: set[str] | None) -> Pred:
    if isinstance(arg, dict) and "ask" in arg:
        return _asked(r, key, CONDITIONS, "condition",
                      lambda ctx: ctx.conditions, lambda ctx: ctx.profile.conditions_absent)
    if isinstance(arg, dict):
        return _condition_within(r, key)
    wanted = frozenset(r.str_list(key, CONDITIONS))
    if not wanted:
        raise r.error("expected at least one condition", key)
    return lambda ctx: TRUE if ctx.conditions & wanted else FALSE


def _condition_within(r: Reader, key: str) -> Pred:
    """``{any: [zoster_history], within: "1 year"}``: one of these conditions began (``since``)
    less than ``within`` before the assessment date. A matching condition recorded without
    its date is unknown (the date decides), never read as "long ago". With ``ended_within``
    instead, one of them ended (``until``) less than that before the assessment date."""
    sub = r.child(key)
    sub.check_keys(["any", "within", "ended_within"], required=["any"])
    wanted = frozenset(sub.str_list("any", CONDITIONS))
    if not wanted:
        raise sub.error("expected at least one condition", "any")
    if sub.has("ended_within") == sub.has("within"):
        raise sub.error("give one of within or ended_within", "within")
    if sub.has("ended_within"):
        return _condition_ended_within(wanted, sub.req_duration("ended_within"))
    within = sub.req_duration("within")

    def run(ctx: Context) -> Tri:
        undated: list[str] = []
        for c in ctx.profile.conditions:
            name = c.name
            if name not in wanted or name not in ctx.conditions:
                continue
            if c.since is None:
                undated.append(f"condition.{name}.since")
            elif c.since <= ctx.as_of < within.add_to(c.since):
                return TRUE
        return (None, tuple(dict.fromkeys(undated))) if undated else FALSE

    return run


def _condition_ended_within(wanted: frozenset[str], within: Duration) -> Pred:
    """One of ``wanted`` ended (``until``, up to the assessment date) less than ``within`` ago
    (live vaccines wait after a chemotherapy); one still going is the plain condition's."""

    def run(ctx: Context) -> Tri:
        for c in ctx.profile.conditions:
            if (c.name in wanted and c.until is not None
                    and c.until <= ctx.as_of < within.add_to(c.until)):
                return TRUE
        return FALSE

    return run


def _b_situation(arg: Any, r: Reader, key: str, names: set[str] | None) -> Pred:
    if not isinstance(arg, dict):
        wanted = frozenset(r.str_list(key, SITUATIONS))
        return lambda ctx: TRUE if wanted.intersection(ctx.profile.situations) else FALSE
    # {any: [breastfeeding], ask: true}: with `ask`, a situation neither recorded nor recorded
    # as absent (situations_absent) is unknown, for rules that must not assume "no".
    sub = r.child(key)
    sub.check_keys(["any", "ask"], required=["any"])
    listed = tuple(sub.str_list("any", SITUATIONS))
    if not listed:
        raise sub.error("expected at least one situation", "any")
    ask = sub.get_bool("ask", False)

    def run(ctx: Context) -> Tri:
        present = ctx.profile.situations
        if any(x in present for x in listed):
            return TRUE
        if not ask:
            return FALSE
        absent = ctx.profile.situations_absent
        unknown = tuple(f"situation.{x}" for x in listed if x not in absent)
        return (None, unknown) if unknown else FALSE

    return run


def _asked(
    r: Reader,
    key: str,
    vocabulary: frozenset[str] | None,
    what: str,
    present: Callable[[Context], Collection[str]],
    absent: Callable[[Context], Collection[str]],
) -> Pred:
    """``{any: [insulin], ask: true}``: true when one is recorded; false only when every one
    is recorded as absent (``*_absent``); otherwise unknown, so that nothing missing from a
    list is read as "no"."""
    sub = r.child(key)
    sub.check_keys(["any", "ask"], required=["any", "ask"])
    listed = tuple(sub.str_list("any", vocabulary))
    if not listed or not sub.get_bool("ask"):
        raise sub.error("expected 'any' (at least one) and 'ask: true'", "any")

    def run(ctx: Context) -> Tri:
        if any(x in present(ctx) for x in listed):
            return TRUE
        unknown = tuple(f"{what}.{x}" for x in listed if x not in absent(ctx))
        return (None, unknown) if unknown else FALSE

    return run


def _b_medication(arg: Any, r: Reader, key: str, names: set[str] | None) -> Pred:
    if isinstance(arg, dict):
        return _asked(r, key, None, "medication",
                      lambda ctx: ctx.profile.medications,
                      lambda ctx: ctx.profile.medications_absent)
    wanted = frozenset(r.str_list(key))
    return lambda ctx: TRUE if wanted.intersection(ctx.profile.medications) else FALSE


def _b_pregnant(arg: Any, r: Reader, key: str, names: set[str] | None) -> Pred:
    if not isinstance(arg, bool):
        raise r.error("pregnant is true or false", key)

    def run(ctx: Context) -> Tri:
        return TRUE if (ctx.pregnancy is not None) == arg else FALSE

    return run


def _b_postpartum(arg: Any, r: Reader, key: str, names: set[str] | None) -> Pred:
    """A pregnancy ended (delivery) within ``within`` before the assessment date; with
    ``outcome``, only pregnancies with one of these outcomes (an ended pregnancy without a
    recorded outcome is then unknown)."""
    sub = r.child(key)
    sub.check_keys(["within", "outcome"], required=["within"])
    within = sub.req_duration("within")
    outcomes = frozenset(sub.str_list("outcome", OUTCOMES))

    # Breastfeeding is recorded evidence of a live birth: an ended pregnancy without its
    # outcome is then read as one, never asked again (GP review: varicella postponed while
    # breastfeeding turned into a question about the outcome).
    live_by_breastfeeding = "live_birth" in outcomes

    def run(ctx: Context) -> Tri:
        unknown = False
        nursing = live_by_breastfeeding and "breastfeeding" in ctx.profile.situations
        for p in ctx.profile.pregnancies:
            if p.end_date is not None and p.end_date <= ctx.as_of < within.add_to(p.end_date):
                if not outcomes or p.outcome in outcomes or (nursing and p.outcome is None):
                    return TRUE
                unknown = unknown or p.outcome is None
        return (None, ("pregnancy.outcome",)) if unknown else FALSE

    return run


def _b_pregnancy_dose(arg: Any, r: Reader, key: str, names: set[str] | None) -> Pred:
    """A dose of ``target`` given during a pregnancy: ``pregnancy: last_ended`` (the latest
    pregnancy with an end date on or before the assessment date; ``min_before_end``: the dose
    at least this long before its end) or ``pregnancy: previous`` (any pregnancy ended before
    the current one began, or before the assessment date when none is ongoing)."""
    sub = r.child(key)
    sub.check_keys(["target", "pregnancy", "min_before_end"], required=["target", "pregnancy"])
    target = sub.req_str("target")
    if target not in TARGETS:
        raise sub.error(f"unknown target '{target}'", "target")
    which = sub.req_str("pregnancy")
    if which not in ("last_ended", "previous"):
        raise sub.error("pregnancy is 'last_ended' or 'previous'", "pregnancy")
    gap = sub.duration("min_before_end")

    def run(ctx: Context) -> Tri:
        limit = ctx.pregnancy.start if ctx.pregnancy is not None else ctx.as_of
        ended = sorted(
            ((p.start, p.end_date) for p in ctx.profile.pregnancies
             if p.end_date is not None and p.end_date <= limit),
        )
        if which == "last_ended":
            ended = ended[-1:]
        for start, end in ended:
            last_ok = gap.subtract_from(end) if gap is not None else end
            for d in ctx.doses:
                if target in d.targets and start <= d.date <= last_ok:
                    return TRUE
        return FALSE

    return run


def _b_gestational_age(arg: Any, r: Reader, key: str, names: set[str] | None) -> Pred:
    lo, hi = _range_check(r, key)
    lo_d: Duration | None = lo
    hi_d: Duration | None = hi

    def run(ctx: Context) -> Tri:
        p = ctx.pregnancy
        if p is None:
            return FALSE
        start = p.start
        if lo_d is not None and ctx.as_of < lo_d.add_to(start):
            return FALSE
        if hi_d is not None and ctx.as_of >= hi_d.add_to(start):
            return FALSE
        return TRUE

    return run


#: The comparison operators rule files may use (observations, dose counts).
COMPARISONS: dict[str, Callable[[float, float], bool]] = {
    ">=": lambda a, b: a >= b,
    ">": lambda a, b: a > b,
    "<=": lambda a, b: a <= b,
    "<": lambda a, b: a < b,
    "==": lambda a, b: a == b,
}


def _b_observation(arg: Any, r: Reader, key: str, names: set[str] | None) -> Pred:
    sub = r.child(key)
    sub.check_keys(["code", "op", "value", "within"], required=["code", "op", "value"])
    code = sub.req_str("code")
    if code not in OBSERVATIONS:
        from .vocabulary import suggest

        raise sub.error(f"unknown observation '{code}'", "code", suggest(code, OBSERVATIONS))
    op = sub.req_str("op")
    if op not in COMPARISONS:
        raise sub.error(f"op is one of {', '.join(COMPARISONS)}", "op")
    value = sub.number("value")
    if value is None:
        raise sub.error("observation needs a number in 'value'", "value")
    within = sub.duration("within")
    compare = COMPARISONS[op]

    def run(ctx: Context) -> Tri:
        latest = None
        for o in ctx.profile.observations:
            if o.code != code or o.date > ctx.as_of:
                continue
            if within is not None and within.add_to(o.date) <= ctx.as_of:
                continue
            if latest is None or o.date > latest.date:
                latest = o
        if latest is None:
            return (None, (f"observation.{code}",))
        return TRUE if compare(latest.value, value) else FALSE

    return run


def _b_lifestyle(arg: Any, r: Reader, key: str, names: set[str] | None) -> Pred:
    sub = r.child(key)
    sub.check_keys(LIFESTYLE_FIELDS)
    checks: list[Pred] = []
    for fname, kind in LIFESTYLE_FIELDS.items():
        if fname not in sub.data:
            continue
        if kind == "bool":
            want = sub.get_bool(fname)

            def run_b(ctx: Context, fname: str = fname, want: bool = want) -> Tri:
                v = getattr(ctx.profile.lifestyle, fname)
                if v is None:
                    return (None, (f"lifestyle.{fname}",))
                return TRUE if v == want else FALSE

            checks.append(run_b)
        else:
            lo, hi = _range_check(sub, fname, numeric=True)

            def run_n(ctx: Context, fname: str = fname, lo: Any = lo, hi: Any = hi) -> Tri:
                v = getattr(ctx.profile.lifestyle, fname)
                if v is None:
                    return (None, (f"lifestyle.{fname}",))
                return TRUE if _in_range(v, lo, hi, max_inclusive=False) else FALSE

            checks.append(run_n)
    if not checks:
        raise r.error("lifestyle needs at least one field", key)
    return _all(checks)


def _b_residence(arg: Any, r: Reader, key: str, names: set[str] | None) -> Pred:
    sub = r.child(key)
    sub.check_keys(["department", "country"])
    deps = frozenset(sub.str_list("department"))
    countries = frozenset(sub.str_list("country"))

    def run(ctx: Context) -> Tri:
        res = ctx.profile.residence
        if countries and res.country not in countries:
            return FALSE
        if deps:
            if res.department is None:
                return (None, ("residence.department",))
            if res.department not in deps:
                return FALSE
        return TRUE

    return run


def _b_family_history(arg: Any, r: Reader, key: str, names: set[str] | None) -> Pred:
    sub = r.child(key)
    wanted = {k: frozenset(sub.str_list(k)) for k in sub.data}

    def run(ctx: Context) -> Tri:
        fh = ctx.profile.family_history
        for k, values in wanted.items():
            v = fh.get(k)
            if v is not None and (not values or v in values):
                return TRUE
        return FALSE

    return run


def _b_procedure(arg: Any, r: Reader, key: str, names: set[str] | None) -> Pred:
    sub = r.child(key)
    sub.check_keys(["target", "method", "result", "within", "latest", "not_followed_by"],
                   required=["target"])
    target = sub.req_str("target")
    if target not in TARGETS:
        from .vocabulary import suggest

        raise sub.error(f"unknown target '{target}'", "target", suggest(target, TARGETS))
    methods = frozenset(sub.str_list("method", METHODS))
    results = frozenset(sub.str_list("result", RESULTS))
    within = sub.duration("within")
    # latest: only the target's most recent examination counts (a positive faecal test calls
    # for a colonoscopy until a later examination of the colon is recorded)
    latest = sub.get_bool("latest")
    # not_followed_by: methods whose later examination answers this one (a colonoscopy after a
    # positive faecal test; a second faecal test does not)
    answered_by = frozenset(sub.str_list("not_followed_by"))
    if sub.has("not_followed_by") and not answered_by:
        raise sub.error("not_followed_by lists at least one method", "not_followed_by")

    def run(ctx: Context) -> Tri:
        last = None
        if latest:
            last = max((p.date for p in ctx.procedures
                        if p.target == target and p.date <= ctx.as_of), default=None)
        for p in ctx.procedures:
            if p.target != target or p.date > ctx.as_of or (latest and p.date != last):
                continue
            if methods and p.method not in methods:
                continue
            if results and p.result not in results:
                continue
            if within is not None and within.add_to(p.date) <= ctx.as_of:
                continue
            if answered_by and _answered(p, answered_by, ctx):
                continue
            return TRUE
        return FALSE

    return run


def _answered(p: Procedure, methods: frozenset[str], ctx: Context) -> bool:
    """A procedure of the same target and one of ``methods`` on or after ``p``, up to as_of."""
    return any(q.target == p.target and q.method in methods and p.date <= q.date <= ctx.as_of
               for q in ctx.procedures)


def _b_risk_group(arg: Any, r: Reader, key: str, names: set[str] | None) -> Pred:
    if not isinstance(arg, str):
        raise r.error("risk_group takes the name of a group defined under risk_groups", key)
    if names is not None and arg not in names:
        from .vocabulary import suggest

        raise r.error(f"unknown risk group '{arg}'", key, suggest(arg, sorted(names)))

    def run(ctx: Context) -> Tri:
        group = ctx.risk_groups.get(arg)
        return FALSE if group is None else group(ctx)

    return run


def _b_immune_to(arg: Any, r: Reader, key: str, names: set[str] | None) -> Pred:
    target = r.get_str(key, required=True)
    if target not in TARGETS:
        raise r.error(f"unknown target '{target}'", key)
    return lambda ctx: (
        TRUE if any(i.target == target and i.immune for i in ctx.profile.immunity) else FALSE
    )


def _b_documented_doses(arg: Any, r: Reader, key: str, names: set[str] | None) -> Pred:
    """``{target: rubella, count: 2, min_age: "12 months", min_interval: "1 month",
    live_spacing: "1 month"}``: at least ``count`` recorded doses of the target, each given from
    ``min_age`` and at least ``min_interval`` after the one counted before it (two documented
    rubella vaccinations make a pregnancy's rubella serology unnecessary). With
    ``live_spacing``, a live-vaccine dose given less than that after another live vaccine (not
    the same day) is not counted, as the vaccination calendar's series reject it: a dose the
    calendar calls invalid never stands as proof. Fewer doses recorded is false, never unknown:
    what the absence of a record means is the rule's business (the serology is then asked)."""
    sub = r.child(key)
    sub.check_keys(["target", "count", "min_age", "min_interval", "live_spacing"],
                   required=["target", "count"])
    target = sub.req_str("target")
    if target not in TARGETS:
        raise sub.error(f"unknown target '{target}'", "target")
    count = sub.get_int("count") or 0
    if count < 1:
        raise sub.error("count is a whole number of doses, at least 1", "count")
    min_age, min_interval = sub.duration("min_age"), sub.duration("min_interval")
    spacing = sub.duration("live_spacing", positive=True)

    def run(ctx: Context) -> Tri:
        start = min_age.add_to(ctx.birth) if min_age is not None else ctx.birth
        counted: list[dt.date] = []
        for d in sorted(ctx.doses, key=lambda d: d.date):
            if target not in d.targets or d.sub_standard or not start <= d.date <= ctx.as_of:
                continue
            if counted and min_interval is not None and d.date < min_interval.add_to(counted[-1]):
                continue
            if spacing is not None and earlier_live_within(d, ctx.doses, spacing) is not None:
                continue
            counted.append(d.date)
        return TRUE if len(counted) >= count else FALSE

    return run


def _b_contraindicated(arg: Any, r: Reader, key: str, names: set[str] | None) -> Pred:
    target = r.get_str(key, required=True)
    if target not in TARGETS:
        raise r.error(f"unknown target '{target}'", key)
    return lambda ctx: (
        TRUE if any(c.target == target for c in ctx.profile.contraindications) else FALSE
    )


def _b_mother_vaccinated(arg: Any, r: Reader, key: str, names: set[str] | None) -> Pred:
    sub = r.child(key)
    sub.check_keys(["target", "min_days_before_birth"], required=["target"])
    target = sub.req_str("target")
    min_days = sub.get_int("min_days_before_birth", 0) or 0

    def run(ctx: Context) -> Tri:
        # only a dose of this pregnancy counts: one dated more than a pregnancy's length
        # before the birth (an earlier pregnancy's Abrysvo, say) does not protect this child
        start = ctx.birth - PREGNANCY_LIMIT
        doses = ctx.profile.perinatal.mother_vaccinations
        if doses is None:  # not known: asked, never read as "not vaccinated"
            return (None, ("perinatal.mother_vaccinations",))
        for d in doses:
            if d.target == target and start <= d.date and (ctx.birth - d.date).days >= min_days:
                return TRUE
        return FALSE

    return run


def _b_cdsi(arg: Any, r: Reader, key: str, names: set[str] | None) -> Pred:
    """``{cdsi: ["160", "259"]}``: the person has one of these CDC CDSi observations, coded
    as such in the profile or stated by the fact the code means in our vocabulary
    (``CDSI_MEANINGS``: 160 is the condition ``asplenia``)."""
    codes = r.str_list(key)
    if not codes or not all(len(c) == 3 and c.isdigit() for c in codes):
        raise r.error("cdsi takes CDSi observation codes of 3 digits, e.g. '160'", key)
    meanings = [
        compile_predicate(CDSI_MEANINGS[c], r, key, names) for c in codes if c in CDSI_MEANINGS
    ]

    def run(ctx: Context) -> Tri:
        if not set(codes).isdisjoint(ctx.profile.coded_conditions("cdsi", ctx.as_of)):
            return TRUE
        missing: list[str] = []
        for meaning in meanings:
            value, miss = meaning(ctx)
            if value:
                return TRUE
            if value is None:
                missing.extend(miss)
        return (None, tuple(dict.fromkeys(missing))) if missing else FALSE

    return run


_PERINATAL = {"gestational_age_weeks", "birth_weight_g", "mother_hbsag_positive"}


def _b_perinatal(arg: Any, r: Reader, key: str, names: set[str] | None) -> Pred:
    sub = r.child(key)
    sub.check_keys(_PERINATAL)
    checks: list[Pred] = []
    if not sub.data:
        raise r.error("perinatal needs at least one field", key)
    for fname in sorted(_PERINATAL & set(sub.data)):  # fixed order: stable missing-fact lists
        if fname == "mother_hbsag_positive":
            want = sub.get_bool(fname)

            def run_b(ctx: Context, want: bool = want) -> Tri:
                v = ctx.profile.perinatal.mother_hbsag_positive
                if v is None:
                    return (None, ("perinatal.mother_hbsag_positive",))
                return TRUE if v == want else FALSE

            checks.append(run_b)
        else:
            lo, hi = _range_check(sub, fname, numeric=True)

            def run_n(ctx: Context, fname: str = fname, lo: Any = lo, hi: Any = hi) -> Tri:
                v = getattr(ctx.profile.perinatal, fname)
                if v is None:
                    return (None, (f"perinatal.{fname}",))
                return TRUE if _in_range(v, lo, hi, max_inclusive=False) else FALSE

            checks.append(run_n)
    return _all(checks)


# -- pregnancy pathway: facts a prenatal rule must ask for rather than assume -------------


def _b_rhesus(arg: Any, r: Reader, key: str, names: set[str] | None) -> Pred:
    if arg not in ("positive", "negative"):
        raise r.error(f"rhesus is 'positive' or 'negative', not {arg!r}", key)

    def run(ctx: Context) -> Tri:
        v = ctx.profile.rhesus
        if v is None:
            return (None, ("rhesus",))
        return TRUE if v == arg else FALSE

    return run


def _b_serology(arg: Any, r: Reader, key: str, names: set[str] | None) -> Pred:
    """``{target: toxoplasmosis, immune: false}``: the latest immunity record of the target
    (a serology) says so; no record at all is unknown, never "not immune"."""
    sub = r.child(key)
    sub.check_keys(["target", "immune"], required=["target", "immune"])
    target = sub.req_str("target")
    if target not in TARGETS:
        raise sub.error(f"unknown target '{target}'", "target")
    want = sub.get_bool("immune")

    def run(ctx: Context) -> Tri:
        records = [i for i in ctx.profile.immunity if i.target == target
                   and (i.date is None or i.date <= ctx.as_of)]
        if not records:
            return (None, (f"immunity.{target}",))
        if any(i.immune for i in records):  # immunity, once documented, stays
            # (a seroconversion in this pregnancy is an infection: the "immune" answer ends
            # the monthly follow-up, the seroconversion rule takes over)
            return TRUE if want else FALSE
        return FALSE if want else TRUE

    return run


def _b_seroconversion(arg: Any, r: Reader, key: str, names: set[str] | None) -> Pred:
    """``{target: toxoplasmosis}``: a negative serology followed by a positive one during the
    current pregnancy (known from the records: no records, no seroconversion)."""
    sub = r.child(key)
    sub.check_keys(["target"], required=["target"])
    target = sub.req_str("target")
    if target not in TARGETS:
        raise sub.error(f"unknown target '{target}'", "target")

    def run(ctx: Context) -> Tri:
        return TRUE if ctx.seroconverted(target) else FALSE

    return run


def _b_family_history_known(arg: Any, r: Reader, key: str, names: set[str] | None) -> Pred:
    """Like ``family_history``, but a history not recorded at all is unknown (record
    ``"none"`` for a known absence)."""
    sub = r.child(key)
    wanted = {k: frozenset(sub.str_list(k)) for k in sub.data}
    if not wanted:
        raise r.error("family_history_known needs at least one history", key)

    def run(ctx: Context) -> Tri:
        fh, missing = ctx.profile.family_history, []
        for k, values in wanted.items():
            v = fh.get(k)
            if v is None:
                missing.append(f"family_history.{k}")
            elif v in values:
                return TRUE
        return (None, tuple(missing)) if missing else FALSE

    return run


def _b_condition_history(arg: Any, r: Reader, key: str, names: set[str] | None) -> Pred:
    """``{any: [gestational_diabetes], when: before_pregnancy | this_pregnancy}``: a record of
    one of these conditions (ended or not) dated before the current pregnancy's LMP (an
    undated one counts as before), or from it on. Without a current pregnancy, "before" is
    any record up to the assessment date and "this" is false."""
    sub = r.child(key)
    sub.check_keys(["any", "when"], required=["any", "when"])
    wanted = frozenset(sub.str_list("any", CONDITIONS))
    when = sub.req_str("when")
    if when not in ("before_pregnancy", "this_pregnancy"):
        raise sub.error("when is 'before_pregnancy' or 'this_pregnancy'", "when")

    def run(ctx: Context) -> Tri:
        start = ctx.pregnancy.start if ctx.pregnancy is not None else None
        for c in ctx.profile.conditions:
            if c.name not in wanted or (c.since is not None and c.since > ctx.as_of):
                continue
            before = c.since is None or start is None or c.since < start
            if before == (when == "before_pregnancy") and (start is not None or before):
                return TRUE
        return FALSE

    return run


def _b_primiparous(arg: Any, r: Reader, key: str, names: set[str] | None) -> Pred:
    """The pregnancy followed (ongoing, else last ended) is the first to end in a birth:
    its ``parity`` is 0; an earlier recorded birth says no; otherwise unknown."""
    if not isinstance(arg, bool):
        raise r.error("primiparous is true or false", key)

    def run(ctx: Context) -> Tri:
        p = followed(ctx.profile, ctx.as_of)
        if p is None:
            return FALSE
        first: bool | None = None if p.parity is None else p.parity == 0
        if any(q.end_date is not None and q.end_date < p.start and q.outcome in BIRTHS
               for q in ctx.profile.pregnancies):
            first = False
        if first is None:
            return (None, ("pregnancy.parity",))
        return TRUE if first == arg else FALSE

    return run


_BUILDERS: dict[str, Callable[[Any, Reader, str, set[str] | None], Pred]] = {
    "all": _b_all,
    "any": _b_any,
    "not": _b_not,
    "sex": _b_sex,
    "age": _b_age,
    "born": _b_born,
    "assessed_on": _b_assessed_on,
    "condition": _b_condition,
    "situation": _b_situation,
    "medication": _b_medication,
    "pregnant": _b_pregnant,
    "postpartum": _b_postpartum,
    "pregnancy_dose": _b_pregnancy_dose,
    "documented_doses": _b_documented_doses,
    "gestational_age": _b_gestational_age,
    "observation": _b_observation,
    "lifestyle": _b_lifestyle,
    "residence": _b_residence,
    "family_history": _b_family_history,
    "procedure": _b_procedure,
    "risk_group": _b_risk_group,
    "immune_to": _b_immune_to,
    "contraindicated": _b_contraindicated,
    "mother_vaccinated": _b_mother_vaccinated,
    "perinatal": _b_perinatal,
    "rhesus": _b_rhesus,
    "serology": _b_serology,
    "seroconversion": _b_seroconversion,
    "family_history_known": _b_family_history_known,
    "condition_history": _b_condition_history,
    "primiparous": _b_primiparous,
    "cdsi": _b_cdsi,
}

__all__ = ["FALSE", "TRUE", "compile_predicate"]
