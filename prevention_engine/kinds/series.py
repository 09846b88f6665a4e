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


@dataclass(frozen=True, slots=True)
class SeriesSpec:
    series: tuple[Series, ...]
    product_refs: tuple[tuple[str, str, int | None], ...] = ()  # (ref, field, line) to check


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


def _ages(r: Reader) -> Ages:
    if not r.has("ages"):
        return Ages()
    a = r.child("ages")
    a.check_keys(AGE_KEYS)
    return Ages(*(a.duration(k) for k in AGE_KEYS))


def _interval(r: Reader) -> Interval:
    r.check_keys(
        ["from", "abs_min", "min", "earliest_rec", "latest_rec", "products"], required=["from"]
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
    return TargetDose(
        number=number,
        ages=_ages(r),
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
            )
        )
    refs: list[tuple[str, str, int | None]] = []
    for sr, s in zip(r.children("series"), series_list, strict=True):
        for i, d in enumerate(s.doses):
            for p in (*d.products, *d.preferred):
                refs.append((p.ref, f"series[{s.name}].doses[{i}].products", sr.line_of()))
    return SeriesSpec(tuple(series_list), tuple(refs))


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
    return dose.product is not None and normalise_name(dose.product) == ref


def _product_allowed(dose: Dose, rules: tuple[ProductRule, ...], birth: dt.date) -> bool:
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
        for d, valid in history:
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
) -> bool:
    for skip in td.skips:
        if skip.context not in (context, "both"):
            continue
        results = []
        for s in skip.sets:
            vals = [
                _condition_holds(c, ref_date, birth, history, prev, completed) for c in s.conditions
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
        dates = [d.date for d, _ in history if any(_dose_ref_matches(d, p) for p in iv.products)]
        return max(dates) if dates else None
    return None


def _live_conflict(dose: Dose, doses: list[Dose], spacing: Duration | None) -> Dose | None:
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
            tds[idx], "evaluation", dose.date, birth, history, prev, completed_series
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
        ages = td.ages
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
            for iv in td.intervals:
                ref = _interval_ref(iv, prev, satisfied, ctx, history)
                lim = iv.abs_min or iv.min
                if ref is None or lim is None:
                    continue
                if dose.date < lim.add_to(ref):
                    status, reason = "not_valid", "too_soon"
                    detail = (
                        f"intervalle trop court ({lim.french()} minimum depuis le "
                        f"{french_date(ref)})"
                    )
                    break
            if status == "valid":
                conflict = _live_conflict(dose, all_doses, cal.live_spacing)
                if conflict is not None:
                    status, reason = "not_valid", "live_conflict"
                    spacing = cal.live_spacing.french() if cal.live_spacing else ""
                    detail = (
                        f"vaccin vivant moins de {spacing}"
                        f" après un autre vaccin vivant ({french_date(conflict.date)})"
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
    complete = idx >= len(tds) and not (tds and tds[-1].recurring)
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
    a = td.ages
    candidates = [a.min.add_to(birth)] if a.min is not None else [birth]
    rec_int: list[dt.date] = []
    late_int: list[dt.date] = []
    for iv in td.intervals:
        if prev_date_override is not None and iv.ref == "previous":
            ref: dt.date | None = prev_date_override
        else:
            ref = _interval_ref(iv, prev, satisfied, ctx, history)
        if ref is None:
            continue
        if iv.min is not None:
            candidates.append(iv.min.add_to(ref))
        if iv.earliest_rec is not None:
            rec_int.append(iv.earliest_rec.add_to(ref))
        if iv.latest_rec is not None:
            late_int.append(iv.latest_rec.add_to(ref))
    if item_live and cal.live_spacing is not None:
        for d in live_doses:
            candidates.append(cal.live_spacing.add_to(d.date))
    earliest = max(candidates)
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
    latest = a.max.add_to(birth) - ONE_DAY if a.max is not None else None
    return Forecast(earliest, recommended, past_due, latest, unadj)


def _ordinal(n: int) -> str:
    return "1re" if n == 1 else f"{n}e"


def _series_admits(series: Series, ctx: Context, first: dt.date) -> bool:
    if series.start_min is not None and first < series.start_min.add_to(ctx.birth):
        return False
    return not (series.start_max is not None and first >= series.start_max.add_to(ctx.birth))


def select_series(results: list[SeriesResult]) -> SeriesResult:
    """CDSi chapter 8, simplified: complete beats in-process beats default; then preference."""
    complete = [r for r in results if r.complete]
    if complete:
        return min(complete, key=lambda r: (r.series.preference, -r.valid_count))
    in_process = [r for r in results if r.satisfied]
    if in_process:
        return min(
            in_process,
            key=lambda r: (
                -len(r.satisfied),
                len(r.series.doses) - r.next_index,
                r.series.preference,
            ),
        )
    defaults = [r for r in results if r.series.default]
    pool = defaults or results
    return min(pool, key=lambda r: r.series.preference)


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
                )
            )
    live_doses = [d for d in ctx.doses if d.live]
    item_live = item.id in ctx.live_items
    results: list[SeriesResult] = []
    for s in spec.series:
        if s.applies_when is not None and s.applies_when(ctx)[0] is not True:
            continue
        doses = relevant
        if s.doses_since == "lmp":
            if ctx.pregnancy is None:
                continue
            start = ctx.pregnancy.start
            doses = [d for d in relevant if d.date >= start]
        first = doses[0].date if doses else ctx.as_of
        if not _series_admits(s, ctx, first):
            continue
        results.append(evaluate_series(s, doses, list(ctx.doses), ctx, cal, set()))
    if not results:
        return []
    best = select_series(results)
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
    idx = res.next_index
    first_open = True
    while idx < len(tds):
        td = tds[idx]
        ref_date = ctx.as_of if first_open else (projected_prev or ctx.as_of)
        if _skip_applies(td, "forecast", ref_date, ctx.birth, history, prev, set()):
            idx += 1
            continue
        fc = forecast_dose(
            td,
            prev,
            res.satisfied,
            history,
            ctx,
            cal,
            live_doses,
            item_live,
            prev_date_override=None if first_open else projected_prev,
        )
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
        first_open = False
        if td.recurring:
            break
        idx += 1
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


def _booster_rows(
    item: Item, res: SeriesResult, ctx: Context, cal: Calendar, offset: int
) -> list[Row]:
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
    horizon = Duration(years=120).add_to(ctx.birth)
    fixed = _booster_dates(b, ctx.birth, horizon)
    nxt: dt.date | None = None
    why = ""
    for f in fixed:
        if last is not None and f <= last:
            continue
        if last is not None and b.min_gap is not None and f <= b.min_gap.add_to(last):
            continue  # too close to the last dose: go to the following fixed age
        nxt = f
        break
    if nxt is None:
        return rows
    if last is not None and b.max_gap is not None and nxt > b.max_gap.add_to(last):
        nxt = max(b.max_gap.add_to(last), ctx.as_of) if b.max_gap.add_to(last) < nxt else nxt
        why = (
            " Le dernier rappel date de plus de "
            f"{b.max_gap.french()} : un rappel est à faire sans attendre l'âge fixe suivant."
        )
    age_txt = _age_words(ctx.birth, nxt)
    past_due = cal.past_due_after.add_to(nxt) - ONE_DAY if cal.past_due_after else None
    status = status_for_dates(ctx.as_of, nxt, past_due, None)
    last_txt = f"dernière dose le {french_date(last)}" if last else "aucune dose enregistrée"
    rows.append(
        Row(
            status=status,
            dose=number + 1,
            earliest=nxt,
            recommended=nxt,
            past_due=past_due,
            latest=None,
            series=res.series.name,
            reason=(f"Rappel de l'adulte à âge fixe ({age_txt}) ; {last_txt}." + why),
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
        keys=("series",),
        parse=parse_series,
        evaluate=evaluate,
    )
)
