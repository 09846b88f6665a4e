"""The ``series`` kind: vaccination series evaluated and forecast the CDSi way.

Each recorded dose is matched against the target doses of a series in date order (age,
intervals, product, live-vaccine spacing, conditional skips); then the next target dose gets its
forecast dates. Grace periods, intervals and skips are all data from the rule file.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from ..agenda import TraceEntry
from ..calendar.model import Calendar, Item
from ..calendar.reader import Reader
from ..conditions import compile_predicate
from ..context import Context, Dose, Pred
from ..dates import Duration, french_date
from ..vocabulary import normalise_name
from .base import Kind, Row, register, status_for_dates
from .campaign import Season, parse_seasons

ONE_DAY = timedelta(days=1)
AGE_KEYS = ("abs_min", "min", "earliest_rec", "latest_rec", "max")


# --------------------------------------------------------------------------------------------
# Compiled spec
# --------------------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class Ages:
    abs_min: Duration | None = None
    min: Duration | None = None
    earliest_rec: Duration | None = None
    latest_rec: Duration | None = None
    max: Duration | None = None


@dataclass(frozen=True, slots=True)
class Interval:
    ref: str  # previous | dose | observation | most_recent
    ref_dose: int | None
    ref_observation: str | None
    abs_min: Duration | None
    min: Duration | None
    earliest_rec: Duration | None
    latest_rec: Duration | None
    products: frozenset[str] = frozenset()
    effective: dt.date | None = None  # the interval applies to doses given from this date
    cessation: dt.date | None = None  # ... up to this date (inclusive)
    priority: str | None = None
    max: Duration | None = None  # latest allowed: reference + max - 1 day (e.g. 37 SA)

    def in_effect(self, on: dt.date) -> bool:
        return (self.effective is None or on >= self.effective) and (
            self.cessation is None or on <= self.cessation
        )


@dataclass(frozen=True, slots=True)
class ProductRule:
    """A product reference (normalised name or ``cvx:NN``) with the ages it is allowed at."""

    ref: str
    begin_age: Duration | None = None
    end_age: Duration | None = None


@dataclass(frozen=True, slots=True)
class SkipCondition:
    type: str
    begin_age: Duration | None = None
    end_age: Duration | None = None
    interval: Duration | None = None
    count: int | None = None
    op: str = ">="
    dose_type: str = "valid"
    start_date: dt.date | None = None
    end_date: dt.date | None = None
    products: frozenset[str] = frozenset()
    series: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class SkipSet:
    logic: str
    conditions: tuple[SkipCondition, ...]


@dataclass(frozen=True, slots=True)
class Skip:
    context: str
    set_logic: str
    sets: tuple[SkipSet, ...]


@dataclass(frozen=True, slots=True)
class DatedAges:
    """Ages that apply to doses given in [effective, cessation] (CDSi age effective dates)."""

    effective: dt.date | None
    cessation: dt.date | None
    ages: Ages


@dataclass(frozen=True, slots=True)
class TargetDose:
    number: int
    ages: Ages
    intervals: tuple[Interval, ...]
    products: tuple[ProductRule, ...]
    preferred: tuple[ProductRule, ...]
    inadvertent: frozenset[str]
    skips: tuple[Skip, ...]
    recurring: bool
    season_start: tuple[int, int] | None = None
    dated_ages: tuple[DatedAges, ...] = ()
    allowable_intervals: tuple[Interval, ...] = ()
    season: tuple[dt.date, dt.date | None] | None = None
    label: str | None = None

    def ages_on(self, on: dt.date) -> Ages:
        """The ages in effect for a dose given (or forecast) on ``on``."""
        for da in self.dated_ages:
            if (da.effective is None or on >= da.effective) and (
                da.cessation is None or on <= da.cessation
            ):
                return da.ages
        return self.ages


@dataclass(frozen=True, slots=True)
class Boosters:
    at_ages: tuple[Duration, ...]
    then_every: Duration | None
    min_gap: Duration | None
    max_gap: Duration | None


@dataclass(frozen=True, slots=True)
class Series:
    name: str
    title: str | None
    applies_when: Pred | None
    start_min: Duration | None
    start_max: Duration | None
    preference: int
    default: bool
    doses: tuple[TargetDose, ...]
    boosters: Boosters | None
    doses_since: str | None
    group: str | None = None
    type: str = "standard"  # standard | risk | evaluation_only
    priority: str | None = None  # CDSi seriesPriority (A, B, ...): lower letter wins ties
    product_path: bool = False  # a product-specific series (CDSi productPath)
    sex: str | None = None  # female | male: the series applies only to that sex
    group_name: str | None = None
    seasons: tuple[Season, ...] = ()  # if set, a dose is only given inside one of them


@dataclass(frozen=True, slots=True)
class VaccineGroup:
    """Items sharing a vaccine group are reported together (CDSi chapter 9: MMR, DTaP/Tdap/Td);
    ``all_antigens``: the group needs every antigen (True) or any of them (False)."""

    name: str
    all_antigens: bool | None = None


@dataclass(frozen=True, slots=True)
class SeriesSpec:
    series: tuple[Series, ...]
    product_refs: tuple[tuple[str, str, int | None], ...] = ()  # (ref, field, line) to check
    vaccine_group: VaccineGroup | None = None
    #: how a series ``start_age`` filters: ``first_dose`` (age at the first recorded dose, or on
    #: the assessment date when none) or ``first_valid_dose`` (CDSi 8.1: a series is dropped when
    #: the first dose it counts as valid was given at or after ``start_age.max``; ``min`` does not
    #: drop a series that has valid doses, and a series without a valid dose is kept, so with no
    #: valid dose at all the default series is used)
    start_age_basis: str = "first_dose"


# --------------------------------------------------------------------------------------------
# Parsing
# --------------------------------------------------------------------------------------------
def _product_rule(entry: Any, r: Reader, key: str) -> ProductRule:
    if isinstance(entry, str):
        return ProductRule(product_key(entry))
    if isinstance(entry, dict):
        sub = Reader(entry, r.file, r.item, r.field(key))
        sub.check_keys(["name", "begin_age", "end_age"], required=["name"])
        return ProductRule(
            product_key(sub.req_str("name")), sub.duration("begin_age"), sub.duration("end_age")
        )
    raise r.error("a product is a name or {name, begin_age, end_age}", key)


def product_key(ref: str) -> str:
    """Normalise a product reference: 'cvx:08' -> 'cvx:8'? no: keep codes, normalise names."""
    ref = ref.strip()
    if ":" in ref:
        system, value = ref.split(":", 1)
        system = system.strip().lower()
        value = value.strip()
        if system == "cvx":
            value = value.lstrip("0") or "0"
        return f"{system}:{value.upper() if system == 'atc' else value}"
    return normalise_name(ref)


def _product_list(r: Reader, key: str) -> tuple[ProductRule, ...]:
    v = r.raw(key)
    if v is None:
        return ()
    if not isinstance(v, list):
        raise r.error("expected a list of products", key)
    return tuple(_product_rule(e, r, key) for e in v)


def _ages(r: Reader) -> tuple[Ages, tuple[DatedAges, ...]]:
    """``ages`` is a mapping, or a list of mappings each with ``effective``/``cessation`` dates."""
    if not r.has("ages"):
        return Ages(), ()
    if isinstance(r.raw("ages"), list):
        dated = []
        for a in r.children("ages"):
            a.check_keys((*AGE_KEYS, "effective", "cessation"))
            dated.append(
                DatedAges(
                    a.get_date("effective"),
                    a.get_date("cessation"),
                    Ages(*(a.duration(k) for k in AGE_KEYS)),
                )
            )
        if not dated:
            return Ages(), ()
        undated = [d.ages for d in dated if d.effective is None and d.cessation is None]
        latest = max(dated, key=lambda d: d.effective or dt.date.min)
        return (undated[0] if undated else latest.ages), tuple(dated)
    a = r.child("ages")
    a.check_keys(AGE_KEYS)
    return Ages(*(a.duration(k) for k in AGE_KEYS)), ()


def _interval(r: Reader) -> Interval:
    r.check_keys(
        [
            "from",
            "abs_min",
            "min",
            "earliest_rec",
            "latest_rec",
            "products",
            "effective",
            "cessation",
            "priority",
            "max",
        ],
        required=["from"],
    )
    ref = r.raw("from")
    ref_dose = None
    ref_obs = None
    products: frozenset[str] = frozenset()
    if ref == "previous":
        kind = "previous"
    elif isinstance(ref, dict) and len(ref) == 1 and "dose" in ref:
        kind = "dose"
        ref_dose = ref["dose"]
        if not isinstance(ref_dose, int) or ref_dose < 1:
            raise r.error("from: {dose: N} takes a dose number >= 1", "from")
    elif isinstance(ref, dict) and len(ref) == 1 and "observation" in ref:
        kind = "observation"
        ref_obs = str(ref["observation"])
        if ref_obs not in ("lmp", "birth"):
            raise r.error("from: {observation: ...} supports 'lmp' (pregnancy start)", "from")
    elif ref == "most_recent":
        kind = "most_recent"
        products = frozenset(product_key(p) for p in r.str_list("products"))
        if not products:
            raise r.error("from: most_recent needs 'products'", "products")
    else:
        raise r.error("from is 'previous', {dose: N}, {observation: lmp} or 'most_recent'", "from")
    return Interval(
        kind,
        ref_dose,
        ref_obs,
        r.duration("abs_min"),
        r.duration("min"),
        r.duration("earliest_rec"),
        r.duration("latest_rec"),
        products,
        r.get_date("effective"),
        r.get_date("cessation"),
        r.get_str("priority"),
        r.duration("max"),
    )


_COND_TYPES = ("age", "interval", "count", "completed_series")


def _skip(r: Reader) -> Skip:
    r.check_keys(["context", "set_logic", "sets", "description"], required=["sets"])
    context = r.get_str("context", "both") or "both"
    if context not in ("evaluation", "forecast", "both"):
        raise r.error("context is evaluation, forecast or both", "context")
    set_logic = (r.get_str("set_logic", "or") or "or").lower()
    if set_logic not in ("and", "or"):
        raise r.error("set_logic is 'and' or 'or'", "set_logic")
    sets = []
    for sr in r.children("sets"):
        sr.check_keys(["logic", "conditions", "description"], required=["conditions"])
        logic = (sr.get_str("logic", "and") or "and").lower()
        if logic not in ("and", "or"):
            raise sr.error("logic is 'and' or 'or'", "logic")
        conds = []
        for cr in sr.children("conditions"):
            cr.check_keys(
                [
                    "type",
                    "begin",
                    "end",
                    "interval",
                    "count",
                    "op",
                    "dose_type",
                    "begin_age",
                    "end_age",
                    "start_date",
                    "end_date",
                    "products",
                    "series",
                ],
                required=["type"],
            )
            ctype = cr.req_str("type")
            if ctype not in _COND_TYPES:
                from ..vocabulary import suggest

                raise cr.error(
                    f"unknown condition type '{ctype}'", "type", suggest(ctype, _COND_TYPES)
                )
            op = cr.get_str("op", ">=") or ">="
            if op not in (">=", ">", "==", "<", "<="):
                raise cr.error("op is one of >=, >, ==, <, <=", "op")
            dose_type = (cr.get_str("dose_type", "valid") or "valid").lower()
            if dose_type not in ("valid", "total"):
                raise cr.error("dose_type is 'valid' or 'total'", "dose_type")
            conds.append(
                SkipCondition(
                    type=ctype,
                    begin_age=cr.duration("begin") or cr.duration("begin_age"),
                    end_age=cr.duration("end") or cr.duration("end_age"),
                    interval=cr.duration("interval"),
                    count=cr.get_int("count"),
                    op=op,
                    dose_type=dose_type,
                    start_date=cr.get_date("start_date"),
                    end_date=cr.get_date("end_date"),
                    products=frozenset(product_key(p) for p in cr.str_list("products")),
                    series=cr.str_list("series"),
                )
            )
        sets.append(SkipSet(logic, tuple(conds)))
    return Skip(context, set_logic, tuple(sets))


def _target_dose(r: Reader, number: int) -> TargetDose:
    r.check_keys(
        [
            "ages",
            "intervals",
            "products",
            "preferred_products",
            "inadvertent_products",
            "skip",
            "recurring",
            "season_start",
            "season",
            "allowable_intervals",
            "label",
        ]
    )
    recurring_raw = r.raw("recurring")
    intervals = [_interval(ir) for ir in r.children("intervals")]
    recurring = False
    if isinstance(recurring_raw, bool):
        recurring = recurring_raw
    elif isinstance(recurring_raw, str):
        every = r.duration("recurring")
        recurring = True
        intervals.append(Interval("previous", None, None, None, every, every, None))
    elif recurring_raw is not None:
        raise r.error("recurring is true or a duration such as '10 years'", "recurring")
    season = None
    if r.has("season_start"):
        text = r.req_str("season_start")
        try:
            month, day = (int(x) for x in text.split("-"))
            dt.date(2001, month, day)
        except ValueError:
            raise r.error("season_start is MM-DD, e.g. '08-01'", "season_start") from None
        season = (month, day)
    dated_season = None
    if r.has("season"):
        sr = r.child("season")
        sr.check_keys(["start", "end"], required=["start"])
        start = sr.get_date("start", required=True)
        assert start is not None
        dated_season = (start, sr.get_date("end"))
    ages, dated_ages = _ages(r)
    return TargetDose(
        number=number,
        ages=ages,
        dated_ages=dated_ages,
        allowable_intervals=tuple(_interval(ir) for ir in r.children("allowable_intervals")),
        season=dated_season,
        label=r.get_str("label"),
        intervals=tuple(intervals),
        products=_product_list(r, "products"),
        preferred=_product_list(r, "preferred_products"),
        inadvertent=frozenset(product_key(p) for p in r.str_list("inadvertent_products")),
        skips=tuple(_skip(sr) for sr in r.children("skip")),
        recurring=recurring,
        season_start=season,
    )


def parse_series(r: Reader, names: set[str]) -> SeriesSpec:
    series_list = []
    if not isinstance(r.raw("series"), list) or not r.raw("series"):
        raise r.error("a series item needs 'series': a list of one or more series", "series")
    seen: set[str] = set()
    for sr in r.children("series"):
        sr.check_keys(
            [
                "name",
                "title",
                "applies_when",
                "start_age",
                "preference",
                "default",
                "doses",
                "boosters",
                "doses_since",
                "group",
                "group_name",
                "type",
                "priority",
                "product_path",
                "sex",
                "equivalent_groups",
                "seasons",
            ],
            required=["name", "doses"],
        )
        name = sr.req_str("name")
        if name in seen:
            raise sr.error(f"duplicate series name '{name}'", "name")
        seen.add(name)
        start_min = start_max = None
        if sr.has("start_age"):
            sa = sr.child("start_age")
            sa.check_keys(["min", "max"])
            start_min, start_max = sa.duration("min"), sa.duration("max")
        doses = tuple(_target_dose(dr, i + 1) for i, dr in enumerate(sr.children("doses")))
        boosters = None
        if sr.has("boosters"):
            br = sr.child("boosters")
            br.check_keys(["at_ages", "then_every", "min_gap", "max_gap"], required=["at_ages"])
            ages = []
            for a in br.str_list("at_ages"):
                try:
                    from ..dates import parse_duration

                    ages.append(parse_duration(a))
                except ValueError as exc:
                    raise br.error(str(exc), "at_ages") from None
            boosters = Boosters(
                tuple(ages),
                br.duration("then_every"),
                br.duration("min_gap"),
                br.duration("max_gap"),
            )
        if not doses and boosters is None:
            raise sr.error("a series needs doses or boosters", "doses")
        doses_since = sr.get_str("doses_since")
        if doses_since not in (None, "lmp"):
            raise sr.error("doses_since supports 'lmp'", "doses_since")
        applies = None
        if sr.has("applies_when"):
            applies = compile_predicate(sr.raw("applies_when"), sr, "applies_when", names)
        series_list.append(
            Series(
                name=name,
                title=sr.get_str("title"),
                applies_when=applies,
                start_min=start_min,
                start_max=start_max,
                preference=sr.get_int("preference", 1) or 1,
                default=sr.get_bool("default", False),
                doses=doses,
                boosters=boosters,
                doses_since=doses_since,
                group=sr.get_str("group"),
                type=_series_type(sr),
                priority=sr.get_str("priority"),
                product_path=sr.get_bool("product_path", False),
                sex=_series_sex(sr),
                group_name=sr.get_str("group_name"),
                seasons=parse_seasons(sr, names) if sr.has("seasons") else (),
            )
        )
    refs: list[tuple[str, str, int | None]] = []
    for sr, s in zip(r.children("series"), series_list, strict=True):
        for i, d in enumerate(s.doses):
            for p in (*d.products, *d.preferred):
                refs.append((p.ref, f"series[{s.name}].doses[{i}].products", sr.line_of()))
    group = None
    if r.has("vaccine_group"):
        gr = r.child("vaccine_group")
        gr.check_keys(["name", "all_antigens"], required=["name"])
        all_raw = gr.raw("all_antigens")
        group = VaccineGroup(gr.req_str("name"), None if all_raw is None else bool(all_raw))
    basis = r.get_str("start_age_basis", "first_dose") or "first_dose"
    if basis not in ("first_dose", "first_valid_dose"):
        raise r.error("start_age_basis is first_dose or first_valid_dose", "start_age_basis")
    return SeriesSpec(tuple(series_list), tuple(refs), group, basis)


def _series_type(sr: Reader) -> str:
    t = sr.get_str("type", "standard") or "standard"
    if t not in ("standard", "risk", "evaluation_only"):
        raise sr.error("type is standard, risk or evaluation_only", "type")
    return t


def _series_sex(sr: Reader) -> str | None:
    sex = sr.get_str("sex")
    if sex not in (None, "female", "male"):
        raise sr.error("sex is female or male", "sex")
    return sex


# --------------------------------------------------------------------------------------------
# Evaluation
# --------------------------------------------------------------------------------------------
@dataclass(slots=True)
class DoseEval:
    dose: Dose
    status: str  # valid | not_valid | extraneous | sub_standard
    reason: str  # code
    target: int | None  # index of the target dose satisfied (0-based)
    detail: str = ""


@dataclass(slots=True)
class SeriesResult:
    series: Series
    evals: list[DoseEval]
    satisfied: dict[int, Dose]
    skipped: set[int]
    next_index: int  # index of the next target dose (may equal len(doses))
    complete: bool
    last_considered: Dose | None  # last valid or not-valid dose (interval reference)
    valid_count: int = 0
    boosters_done: list[Dose] = field(default_factory=list)


def _dose_ref_matches(dose: Dose, ref: str) -> bool:
    if ref.startswith("cvx:"):
        return dose.cvx is not None and (dose.cvx.lstrip("0") or "0") == ref[4:]
    return dose.product_key is not None and dose.product_key == ref


def _product_allowed(dose: Dose, rules: tuple[ProductRule, ...], birth: dt.date) -> bool:
    if dose.product is None and dose.cvx is None:
        # Recorded by its targets only ("vaccin contre le pneumocoque"): the product is
        # unknown, not wrong, so a product restriction cannot reject it.
        return True
    for rule in rules:
        if not _dose_ref_matches(dose, rule.ref):
            continue
        if rule.begin_age is not None and dose.date < rule.begin_age.add_to(birth):
            continue
        if rule.end_age is not None and dose.date >= rule.end_age.add_to(birth):
            continue
        return True
    return False


def _compare(a: int, op: str, b: int) -> bool:
    return {
        ">=": a >= b,
        ">": a > b,
        "==": a == b,
        "<": a < b,
        "<=": a <= b,
    }[op]


def _condition_holds(
    c: SkipCondition,
    ref_date: dt.date,
    birth: dt.date,
    history: list[tuple[Dose, bool]],
    prev: Dose | None,
    completed: set[str],
    others: tuple[Dose, ...] = (),
    inclusive: bool = False,
) -> bool:
    if c.type == "age":
        if c.begin_age is not None and ref_date < c.begin_age.add_to(birth):
            return False
        return not (c.end_age is not None and ref_date >= c.end_age.add_to(birth))
    if c.type == "interval":
        if prev is None or c.interval is None:
            return False
        return ref_date >= c.interval.add_to(prev.date)
    if c.type == "count":
        n = 0
        pool = list(history)
        if c.dose_type == "total" and c.products:
            # CDSi vaccine count: total doses of these products in the whole history
            seen = {id(d) for d, _ in history}
            pool += [
                (d, False)
                for d in others
                if id(d) not in seen and (d.date <= ref_date if inclusive else d.date < ref_date)
            ]
        for d, valid in pool:
            if c.dose_type == "valid" and not valid:
                continue
            if c.products and not any(_dose_ref_matches(d, p) for p in c.products):
                continue
            if c.begin_age is not None and d.date < c.begin_age.add_to(birth):
                continue
            if c.end_age is not None and d.date >= c.end_age.add_to(birth):
                continue
            if c.start_date is not None and d.date < c.start_date:
                continue
            if c.end_date is not None and d.date >= c.end_date:
                continue
            n += 1
        return _compare(n, c.op, c.count or 0)
    if c.type == "completed_series":
        return any(s in completed for s in c.series)
    return False


def _skip_applies(
    td: TargetDose,
    context: str,
    ref_date: dt.date,
    birth: dt.date,
    history: list[tuple[Dose, bool]],
    prev: Dose | None,
    completed: set[str],
    others: tuple[Dose, ...] = (),
) -> bool:
    for skip in td.skips:
        if skip.context not in (context, "both"):
            continue
        results = []
        for s in skip.sets:
            vals = [
                _condition_holds(
                    c, ref_date, birth, history, prev, completed, others, context == "forecast"
                )
                for c in s.conditions
            ]
            results.append(all(vals) if s.logic == "and" else any(vals))
        if results and (all(results) if skip.set_logic == "and" else any(results)):
            return True
    return False


def _interval_ref(
    iv: Interval,
    prev: Dose | None,
    satisfied: dict[int, Dose],
    ctx: Context,
    history: list[tuple[Dose, bool]],
    before: dt.date | None = None,
) -> dt.date | None:
    if iv.ref == "previous":
        return prev.date if prev is not None else None
    if iv.ref == "dose":
        assert iv.ref_dose is not None
        d = satisfied.get(iv.ref_dose - 1)
        return d.date if d is not None else None
    if iv.ref == "observation":
        if iv.ref_observation == "lmp":
            return ctx.pregnancy.start if ctx.pregnancy is not None else None
        return ctx.birth
    if iv.ref == "most_recent":
        # CDSi CALCDTINT-8: the most recent dose of these products in the whole history (a Td
        # dose counts for the pertussis series although it has no pertussis component)
        pool = [d for d, _ in history] + [
            d for d in ctx.doses if before is None or d.date < before
        ]
        dates = [d.date for d in pool if any(_dose_ref_matches(d, p) for p in iv.products)]
        return max(dates) if dates else None
    return None


def _resolved_intervals(
    intervals: tuple[Interval, ...],
    on: dt.date,
    prev: Dose | None,
    satisfied: dict[int, Dose],
    ctx: Context,
    history: list[tuple[Dose, bool]],
    before: dt.date | None,
) -> list[tuple[Interval, dt.date | None]]:
    """The intervals in effect on ``on`` with their reference dates; an interval with
    ``priority: override`` whose reference exists replaces all the others (CDSi)."""
    out = [
        (iv, _interval_ref(iv, prev, satisfied, ctx, history, before))
        for iv in intervals
        if iv.in_effect(on)
    ]
    overriding: list[tuple[Interval, dt.date | None]] = [
        (iv, ref) for iv, ref in out if iv.priority == "override" and ref is not None
    ]
    return overriding or out


def _interval_failure(
    intervals: tuple[Interval, ...],
    dose: Dose,
    prev: Dose | None,
    satisfied: dict[int, Dose],
    ctx: Context,
    history: list[tuple[Dose, bool]],
) -> str | None:
    """Why ``dose`` is too soon for one of ``intervals`` (all must hold), or None."""
    for iv, ref in _resolved_intervals(
        intervals, dose.date, prev, satisfied, ctx, history, dose.date
    ):
        lim = iv.abs_min or iv.min
        if ref is None or lim is None:
            continue
        if dose.date < lim.add_to(ref):
            return f"intervalle trop court ({lim.french()} minimum depuis le {french_date(ref)})"
    return None


def _matches_any(dose: Dose, refs: frozenset[str]) -> bool:
    return any(_dose_ref_matches(dose, r) for r in refs)


def _live_conflict(
    dose: Dose,
    doses: list[Dose],
    cal: Calendar,
    history: list[tuple[Dose, bool]] | None = None,
) -> Dose | None:
    if cal.live_conflicts:
        invalid = {id(d) for d, ok in (history or []) if not ok}
        for other in doses:
            if other is dose or other.date >= dose.date:
                continue
            for lc in cal.live_conflicts:
                if not (_matches_any(other, lc.previous) and _matches_any(dose, lc.current)):
                    continue
                end = lc.end if id(other) in invalid else lc.min_end
                if lc.begin.add_to(other.date) <= dose.date < end.add_to(other.date):
                    return other
        return None
    spacing = cal.live_spacing
    if spacing is None or not dose.live:
        return None
    for other in doses:
        if other is dose or not other.live or other.date >= dose.date:
            continue
        if dose.date < spacing.add_to(other.date):
            return other
    return None


def evaluate_series(
    series: Series,
    doses: list[Dose],
    all_doses: list[Dose],
    ctx: Context,
    cal: Calendar,
    completed_series: set[str],
) -> SeriesResult:
    birth = ctx.birth
    tds = series.doses
    evals: list[DoseEval] = []
    satisfied: dict[int, Dose] = {}
    skipped: set[int] = set()
    history: list[tuple[Dose, bool]] = []
    prev: Dose | None = None
    idx = 0
    boosters_done: list[Dose] = []
    for dose in doses:
        # Conditional skips (evaluation context) before matching this dose.
        while idx < len(tds) and _skip_applies(
            tds[idx], "evaluation", dose.date, birth, history, prev, completed_series, ctx.doses
        ):
            skipped.add(idx)
            idx += 1
        if idx >= len(tds):
            if series.boosters is not None and tds and len(satisfied) + len(skipped) >= len(tds):
                boosters_done.append(dose)
                evals.append(DoseEval(dose, "valid", "booster", None, "rappel"))
                history.append((dose, True))
                prev = dose
                continue
            if series.boosters is not None and not tds:
                boosters_done.append(dose)
                evals.append(DoseEval(dose, "valid", "booster", None, "rappel"))
                history.append((dose, True))
                prev = dose
                continue
            evals.append(
                DoseEval(dose, "extraneous", "series_complete", None, "schéma déjà complet")
            )
            history.append((dose, False))
            continue
        td = tds[idx]
        if dose.sub_standard:
            evals.append(
                DoseEval(
                    dose,
                    "sub_standard",
                    "sub_standard",
                    None,
                    "dose non conforme (périmée ou sous-dosée)",
                )
            )
            continue
        if td.inadvertent and any(_dose_ref_matches(dose, p) for p in td.inadvertent):
            evals.append(
                DoseEval(
                    dose, "not_valid", "wrong_product", None, "vaccin inadapté pour cette dose"
                )
            )
            continue
        status, reason, detail = "valid", "", ""
        ages = td.ages_on(dose.date)
        abs_min = ages.abs_min or ages.min
        if abs_min is not None and dose.date < abs_min.add_to(birth):
            status, reason = "not_valid", "too_young"
            detail = f"faite avant l'âge minimal ({abs_min.french()})"
        elif ages.max is not None and dose.date >= ages.max.add_to(birth):
            status, reason = "extraneous", "too_old"
            detail = f"faite après l'âge maximal ({ages.max.french()})"
        else:
            if (
                ages.abs_min is not None
                and ages.min is not None
                and dose.date < ages.min.add_to(birth)
            ):
                reason, detail = "grace_period", "dans la période de tolérance d'âge"
            too_soon = _interval_failure(td.intervals, dose, prev, satisfied, ctx, history)
            # CDSi 6.6: an allowable interval rescues a dose given too soon
            if (
                too_soon is not None
                and td.allowable_intervals
                and _interval_failure(td.allowable_intervals, dose, prev, satisfied, ctx, history)
                is None
            ):
                too_soon = None
            if too_soon is not None:
                status, reason = "not_valid", "too_soon"
                detail = too_soon
            if status == "valid":
                conflict = _live_conflict(dose, all_doses, cal, history)
                if conflict is not None:
                    status, reason = "not_valid", "live_conflict"
                    detail = (
                        "vaccin vivant trop proche d'un autre vaccin vivant"
                        f" ({french_date(conflict.date)})"
                    )
            if (
                status == "valid"
                and (td.products or td.preferred)
                and not _product_allowed(dose, td.products + td.preferred, birth)
            ):
                status, reason = "not_valid", "wrong_product"
                detail = "produit non autorisé pour cette dose"
        if status == "valid":
            evals.append(DoseEval(dose, "valid", reason or "valid", idx, detail))
            satisfied[idx] = dose
            history.append((dose, True))
            prev = dose
            if not td.recurring:
                idx += 1
        else:
            evals.append(DoseEval(dose, status, reason, None, detail))
            history.append((dose, False))
            if status == "not_valid":
                prev = dose
    # Target doses left that a forecast-context skip makes unnecessary (CDSi 7.1) do not keep
    # the series open.
    end = idx
    while end < len(tds) and _skip_applies(
        tds[end], "forecast", ctx.as_of, birth, history, prev, completed_series, ctx.doses
    ):
        end += 1
    complete = end >= len(tds)  # a recurring last dose is only passed by a skip
    return SeriesResult(
        series=series,
        evals=evals,
        satisfied=satisfied,
        skipped=skipped,
        next_index=idx,
        complete=complete,
        last_considered=prev,
        valid_count=sum(1 for e in evals if e.status == "valid"),
        boosters_done=boosters_done,
    )


@dataclass(slots=True)
class Forecast:
    earliest: dt.date
    recommended: dt.date
    past_due: dt.date | None
    latest: dt.date | None
    unadjusted_recommended: dt.date


def forecast_dose(
    td: TargetDose,
    prev: Dose | None,
    satisfied: dict[int, Dose],
    history: list[tuple[Dose, bool]],
    ctx: Context,
    cal: Calendar,
    live_doses: list[Dose],
    item_live: bool,
    prev_date_override: dt.date | None = None,
) -> Forecast:
    """CDSi 7.5: earliest, recommended, past due and latest dates of one target dose."""
    birth = ctx.birth
    a = td.ages_on(ctx.as_of)
    candidates = [a.min.add_to(birth)] if a.min is not None else [birth]
    rec_int: list[dt.date] = []
    late_int: list[dt.date] = []
    max_int: list[dt.date] = []
    for iv, found in _resolved_intervals(
        td.intervals, ctx.as_of, prev, satisfied, ctx, history, None
    ):
        ref = found
        if prev_date_override is not None and iv.ref == "previous":
            ref = prev_date_override
        if ref is None:
            continue
        if iv.min is not None:
            candidates.append(iv.min.add_to(ref))
        if iv.earliest_rec is not None:
            rec_int.append(iv.earliest_rec.add_to(ref))
        if iv.latest_rec is not None:
            late_int.append(iv.latest_rec.add_to(ref))
        if iv.max is not None:
            max_int.append(iv.max.add_to(ref))
    if cal.live_conflicts:
        wanted = frozenset(p.ref for p in td.preferred or td.products)
        for d in live_doses:
            for lc in cal.live_conflicts:
                if wanted & lc.current and _matches_any(d, lc.previous):
                    candidates.append(lc.end.add_to(d.date))
    elif item_live and cal.live_spacing is not None:
        for d in live_doses:
            candidates.append(cal.live_spacing.add_to(d.date))
    if history and prev_date_override is None:
        # never before a dose already recorded (a dose that did not count still happened)
        candidates.append(max(d.date for d, _ in history))
    earliest = max(candidates)
    if td.season is not None:
        earliest = max(earliest, td.season[0])
    if td.season_start is not None:
        m, day = td.season_start
        season = dt.date(ctx.as_of.year, m, day)
        if season > ctx.as_of:
            season = dt.date(ctx.as_of.year - 1, m, day)
        earliest = max(earliest, season)
    if a.earliest_rec is not None:
        unadj = a.earliest_rec.add_to(birth)
    elif rec_int:
        unadj = max(rec_int)
    else:
        unadj = earliest
    recommended = max(earliest, unadj)
    past_due: dt.date | None
    if a.latest_rec is not None:
        past_due = a.latest_rec.add_to(birth) - ONE_DAY
    elif late_int:
        past_due = max(late_int) - ONE_DAY
    elif cal.past_due_after is not None:
        past_due = cal.past_due_after.add_to(unadj) - ONE_DAY
    else:
        past_due = None
    if past_due is not None:
        past_due = max(earliest, past_due)
    ends = [*max_int, *([a.max.add_to(birth)] if a.max is not None else [])]
    latest = min(ends) - ONE_DAY if ends else None
    return Forecast(earliest, recommended, past_due, latest, unadj)


def _ordinal(n: int) -> str:
    return "1re" if n == 1 else f"{n}e"


def _series_admits(series: Series, ctx: Context, first: dt.date) -> bool:
    if series.start_min is not None and first < series.start_min.add_to(ctx.birth):
        return False
    return not (series.start_max is not None and first >= series.start_max.add_to(ctx.birth))


def _tie_break(r: SeriesResult) -> tuple[int, str]:
    return (r.series.preference, r.series.priority or "")


def _score(pool: list[SeriesResult], complete: bool) -> SeriesResult:
    """CDSi 8.4-8.6 (simplified): points for a product series whose doses are all valid, the
    most valid doses and the fewest doses left; ties by preference."""
    most = max(r.valid_count for r in pool)
    least_left = min(len(r.series.doses) - r.next_index for r in pool)

    def points(r: SeriesResult) -> int:
        p = 0
        all_valid = all(e.status == "valid" for e in r.evals)
        if r.series.product_path:
            p += (1 if complete else 2) if all_valid else (0 if complete else -2)
        p += (1 if complete else 2) if r.valid_count == most else (0 if complete else -2)
        if not complete:
            p += 2 if len(r.series.doses) - r.next_index == least_left else -2
        return p

    return min(pool, key=lambda r: (-points(r), *_tie_break(r)))


def _aged_out(r: SeriesResult, ctx: Context) -> bool:
    if r.complete or r.next_index >= len(r.series.doses):
        return False
    mx = r.series.doses[r.next_index].ages_on(ctx.as_of).max
    return mx is not None and ctx.as_of >= mx.add_to(ctx.birth)


def select_across_groups(results: list[SeriesResult], ctx: Context) -> SeriesResult:
    """The best series of each series ``group``, then the best group (CDSi 8.8): a complete
    one, else one in process, else one that can still start; ties go to the first group."""
    groups: dict[str, list[SeriesResult]] = {}
    for r in results:
        groups.setdefault(r.series.group or "", []).append(r)
    if len(groups) == 1:
        return select_series(results)
    bests = [select_series(rs) for rs in groups.values()]

    def rank(r: SeriesResult) -> int:
        if r.complete:
            return 0
        if _aged_out(r, ctx):
            return 3
        return 1 if r.satisfied else 2

    return min(bests, key=rank)


def select_series(results: list[SeriesResult]) -> SeriesResult:
    """CDSi chapter 8: one complete series, else one in-process series, else the default
    series; several complete or in-process series are scored; ties go to ``preference``.
    An ``evaluation_only`` series is only chosen when it is complete."""
    usable = [r for r in results if r.series.type != "evaluation_only" or r.complete]
    results = usable or results
    complete = [r for r in results if r.complete]
    if complete:
        return complete[0] if len(complete) == 1 else _score(complete, True)
    in_process = [r for r in results if r.satisfied]
    if in_process:
        return in_process[0] if len(in_process) == 1 else _score(in_process, False)
    defaults = [r for r in results if r.series.default]
    pool = defaults or results
    return min(pool, key=_tie_break)


def _dose_label(d: Dose) -> str:
    return f"{d.label} le {french_date(d.date)}"


def evaluate(item: Item, ctx: Context, cal: Calendar) -> list[Row]:
    spec: SeriesSpec = item.spec
    targets = frozenset(item.targets)
    relevant: list[Dose] = []
    trace: list[TraceEntry] = []
    for d in ctx.doses:
        if targets <= d.targets:
            relevant.append(d)
        elif targets & d.targets:
            trace.append(
                TraceEntry(
                    date=d.date,
                    event=d.label,
                    outcome="ignored",
                    detail="ne couvre qu'une partie des maladies visées",
                    immunization=d.index,
                    reason="partial_targets",
                )
            )
    live_doses = [d for d in ctx.doses if d.live]
    item_live = item.id in ctx.live_items
    results: list[SeriesResult] = []
    for s in spec.series:
        if s.applies_when is not None and s.applies_when(ctx)[0] is not True:
            continue
        if s.sex is not None and ctx.profile.sex != s.sex:
            continue
        doses = relevant
        if s.doses_since == "lmp":
            if ctx.pregnancy is None:
                continue
            start = ctx.pregnancy.start
            doses = [d for d in relevant if d.date >= start]
        if spec.start_age_basis == "first_dose":
            first = doses[0].date if doses else ctx.as_of
            if not _series_admits(s, ctx, first):
                continue
        res = evaluate_series(s, doses, list(ctx.doses), ctx, cal, set())
        if spec.start_age_basis == "first_valid_dose" and res.satisfied:
            first_valid = min(d.date for d in res.satisfied.values())
            if s.start_max is not None and first_valid >= s.start_max.add_to(ctx.birth):
                continue
        results.append(res)
    if not results:
        return []
    best = select_across_groups(results, ctx)
    return _rows(item, best, ctx, cal, trace, live_doses, item_live)


def _rows(
    item: Item,
    res: SeriesResult,
    ctx: Context,
    cal: Calendar,
    trace: list[TraceEntry],
    live_doses: list[Dose],
    item_live: bool,
) -> list[Row]:
    s = res.series
    for e in res.evals:
        trace.append(
            TraceEntry(
                date=e.dose.date,
                event=e.dose.label,
                outcome=e.status,
                detail=(
                    e.detail or ("compte pour la dose " + str((e.target or 0) + 1))
                    if e.status == "valid"
                    else e.detail or e.reason
                ),
                immunization=e.dose.index,
                reason=e.reason,
                target_dose=None if e.target is None else e.target + 1,
            )
        )
    rows: list[Row] = []
    tds = s.doses
    for i in range(len(tds)):
        if i in res.satisfied:
            d = res.satisfied[i]
            rows.append(
                Row(
                    status="completed",
                    dose=i + 1,
                    completed_date=d.date,
                    series=s.name,
                    reason=f"{_ordinal(i + 1).capitalize()} dose faite : {_dose_label(d)}.",
                    trace=list(trace) if i == 0 else [],
                )
            )
        elif i in res.skipped and i < res.next_index:
            rows.append(
                Row(
                    status="completed",
                    dose=i + 1,
                    series=s.name,
                    reason=f"{_ordinal(i + 1).capitalize()} dose non nécessaire compte tenu de "
                    "l'âge et des doses déjà reçues.",
                )
            )
    history = [(e.dose, e.status == "valid") for e in res.evals]
    prev = res.last_considered
    n_done = len(res.satisfied)
    done_txt = (
        f"{n_done} dose{'s' if n_done > 1 else ''} valide{'s' if n_done > 1 else ''} "
        "enregistrée" + ("s" if n_done > 1 else "")
        if n_done
        else "aucune dose enregistrée"
    )
    projected_prev: dt.date | None = None
    satisfied = dict(res.satisfied)
    idx = res.next_index
    first_open = True
    while idx < len(tds):
        td = tds[idx]
        ref_date = ctx.as_of if first_open else (projected_prev or ctx.as_of)
        if _skip_applies(td, "forecast", ref_date, ctx.birth, history, prev, set(), ctx.doses):
            idx += 1
            continue
        fc = forecast_dose(
            td,
            prev,
            satisfied,
            history,
            ctx,
            cal,
            live_doses,
            item_live,
            prev_date_override=None if first_open else projected_prev,
        )
        if (
            first_open
            and fc.earliest > ref_date
            and _skip_applies(
                td, "forecast", fc.earliest, ctx.birth, history, prev, set(), ctx.doses
            )
        ):
            # CDSi 7.6: the recommendation is validated again at its earliest date
            idx += 1
            continue
        if not first_open and projected_prev is not None and fc.earliest < projected_prev:
            # A projected dose comes after the projected previous one, whatever its own
            # minimum age says.
            fc.earliest = projected_prev
            fc.recommended = max(fc.recommended, fc.earliest)
            if fc.past_due is not None:
                fc.past_due = max(fc.past_due, fc.earliest)
        if first_open and s.seasons:
            season = _season_for(s.seasons, fc, ctx)
            if season is None:
                break  # no campaign season covers this dose: nothing to propose now
            _clip_to_season(fc, season)
        if first_open:
            if fc.latest is not None and fc.earliest > fc.latest:
                status = "missed"
            else:
                status = status_for_dates(ctx.as_of, fc.recommended, fc.past_due, fc.latest)
            reason = _next_reason(item, idx + 1, fc, status, done_txt, ctx)
        else:
            status = "missed" if fc.latest is not None and fc.earliest > fc.latest else "upcoming"
            reason = (
                f"{_ordinal(idx + 1).capitalize()} dose, prévue à partir du "
                f"{french_date(fc.recommended)} si la dose précédente est faite à la date "
                "recommandée."
            )
        rows.append(
            Row(
                status=status,
                dose=idx + 1,
                earliest=fc.earliest,
                recommended=fc.recommended,
                past_due=fc.past_due,
                latest=fc.latest,
                series=s.name,
                reason=reason,
                trace=list(trace) if first_open and not rows else [],
            )
        )
        if status == "missed" and first_open:
            break
        projected_prev = max(fc.recommended, ctx.as_of) if first_open else fc.recommended
        # Later rows are projected as if this dose were given then: skips and intervals
        # of the following doses see it (a catch-up dose at 11 makes the 11-13 one unneeded).
        planned = Dose(-1 - idx, projected_prev, "dose prévue", frozenset(item.targets),
                       item_live, None, None, False)
        history = [*history, (planned, True)]
        satisfied[idx] = planned
        prev = planned
        first_open = False
        if td.recurring:
            break
        idx += 1
    if rows and trace and not any(r.trace for r in rows):
        rows[0].trace = list(trace)  # e.g. the first target dose was skipped
    if s.boosters is not None and (res.complete or not tds) and first_open:
        rows.extend(_booster_rows(item, res, ctx, cal, len(tds)))
    return rows


def _booster_dates(b: Boosters, birth: dt.date, until: dt.date) -> list[dt.date]:
    out = [a.add_to(birth) for a in b.at_ages]
    if b.then_every is not None and out:
        last = out[-1]
        while last <= until:
            last = b.then_every.add_to(last)
            out.append(last)
    return out


def _season_for(seasons: tuple[Season, ...], fc: Forecast, ctx: Context) -> Season | None:
    """The first season (in date order) that overlaps the dose's window and applies."""
    for season in sorted(seasons, key=lambda x: x.start):
        if season.end < max(fc.earliest, ctx.as_of):
            continue
        if fc.latest is not None and season.start > fc.latest:
            continue
        if season.applies_when is not None and season.applies_when(ctx)[0] is False:
            continue
        return season
    return None


def _clip_to_season(fc: Forecast, season: Season) -> None:
    fc.earliest = max(fc.earliest, season.start)
    fc.recommended = max(fc.recommended, season.start)
    fc.latest = season.end if fc.latest is None else min(fc.latest, season.end)
    if fc.past_due is not None:
        fc.past_due = max(fc.earliest, min(fc.past_due, fc.latest + ONE_DAY))


def _next_fixed(b: Boosters, fixed: list[dt.date], last: dt.date | None) -> dt.date | None:
    """The next fixed-age booster after ``last``, skipping ages closer than ``min_gap``."""
    for f in fixed:
        if last is not None and f <= last:
            continue
        if last is not None and b.min_gap is not None and f <= b.min_gap.add_to(last):
            continue  # too close to the last dose: go to the following fixed age
        return f
    return None


def _booster_rows(
    item: Item, res: SeriesResult, ctx: Context, cal: Calendar, offset: int
) -> list[Row]:
    """Completed boosters, the next one (late-booster rules applied) and the one after it."""
    b = res.series.boosters
    assert b is not None
    rows: list[Row] = []
    number = offset
    for d in res.boosters_done:
        number += 1
        rows.append(
            Row(
                status="completed",
                dose=number,
                completed_date=d.date,
                series=res.series.name,
                reason=f"Rappel fait : {_dose_label(d)}.",
            )
        )
    valid = [e.dose for e in res.evals if e.status == "valid"]
    last = valid[-1].date if valid else None
    fixed = _booster_dates(b, ctx.birth, Duration(years=120).add_to(ctx.birth))
    if last is None:
        # No dose on record: the booster is the fixed age most recently passed (one dose
        # now), not every fixed age since 25.
        passed = [f for f in fixed if f <= ctx.as_of]
        nxt = passed[-1] if passed else (fixed[0] if fixed else None)
    else:
        nxt = _next_fixed(b, fixed, last)
    if nxt is None:
        return rows
    why = ""
    if last is not None and b.max_gap is not None and nxt > b.max_gap.add_to(last):
        # Gap to the next fixed age too long: a booster is due once max_gap has elapsed.
        nxt = b.max_gap.add_to(last)
        why = (
            " Le dernier rappel date de plus de "
            f"{b.max_gap.french()} : un rappel est à faire sans attendre l'âge fixe suivant."
        )
    past_due = cal.past_due_after.add_to(nxt) - ONE_DAY if cal.past_due_after else None
    status = status_for_dates(ctx.as_of, nxt, past_due, None)
    last_txt = f"dernière dose le {french_date(last)}" if last else "aucune dose enregistrée"
    late = " Rappel en retard, à faire dès que possible." if status == "overdue" else ""
    rows.append(
        Row(
            status=status,
            dose=number + 1,
            earliest=nxt,
            recommended=nxt,
            past_due=past_due,
            latest=None,
            series=res.series.name,
            reason=(
                f"Rappel de l'adulte à âge fixe ({_age_words(ctx.birth, nxt)}) ; {last_txt}."
                + why + late
            ),
        )
    )
    # The following fixed age, counted from the day the next booster can really be given.
    done_on = max(nxt, ctx.as_of)
    after = _next_fixed(b, fixed, done_on)
    if after is not None:
        rows.append(
            Row(
                status="upcoming",
                dose=number + 2,
                earliest=after,
                recommended=after,
                past_due=cal.past_due_after.add_to(after) - ONE_DAY
                if cal.past_due_after
                else None,
                latest=None,
                series=res.series.name,
                reason=(
                    f"Rappel suivant à âge fixe ({_age_words(ctx.birth, after)}), si le "
                    f"précédent est fait le {french_date(done_on)}."
                ),
            )
        )
    return rows


def _age_words(birth: dt.date, on: dt.date) -> str:
    from ..dates import completed_years

    return f"{completed_years(birth, on)} ans"


def _next_reason(
    item: Item, number: int, fc: Forecast, status: str, done_txt: str, ctx: Context
) -> str:
    head = f"{_ordinal(number).capitalize()} dose"
    when = french_date(fc.recommended)
    if status == "missed":
        return (
            f"{head} non faite et l'âge limite est dépassé"
            f"{' (' + french_date(fc.latest) + ')' if fc.latest else ''} ; {done_txt}."
        )
    if status == "upcoming":
        text = f"{head} recommandée à partir du {when} ; {done_txt}."
    elif status == "overdue":
        text = (
            f"{head} en retard : recommandée depuis le {french_date(fc.unadjusted_recommended)}"
            f", à faire dès que possible ; {done_txt}."
        )
    else:
        text = f"{head} à faire maintenant (recommandée le {when}) ; {done_txt}."
    if fc.latest is not None:
        text += f" Au plus tard le {french_date(fc.latest)}."
    return text


register(
    Kind(
        name="series",
        keys=("series", "vaccine_group", "start_age_basis"),
        parse=parse_series,
        evaluate=evaluate,
    )
)
