"""The compiled form of a ``series`` item and its parser (ages, intervals, skips, boosters)."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from ...calendar.reader import Reader
from ...conditions import compile_predicate
from ...context import Pred
from ...dates import Duration
from ...products import product_key
from ...schedule import Season, parse_seasons
from ...vocabulary import CONDITIONS, suggest

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
    #: ``latest_rec: never``: the dose has no past-due date (a dose recommended because of a
    #: risk is due as long as the risk lasts, never "overdue" from an age).
    never_past_due: bool = False


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
    conditions: frozenset[str] = frozenset()  # from: {condition: [...]}: onset of these
    #: the interval applies only when a dose of these products precedes its reference dose
    #: (5 years after a PCV13 then PPSV23 sequence, 1 year after PPSV23 alone)
    preceded_by: frozenset[str] = frozenset()

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
    #: why a dose after the first has no minimum interval (e.g. a dose fixed by age only,
    #: years after the previous one); without it such a dose is a load error
    no_interval_reason: str | None = None
    title: str | None = None  # French name of the dose in titles ("rappel de 25 ans")

    def has_min_interval(self) -> bool:
        """A minimum interval from an earlier dose (previous, dose N, most recent product)."""
        return any(
            iv.ref in ("previous", "dose", "most_recent")
            and (iv.min is not None or iv.abs_min is not None)
            for iv in (*self.intervals, *self.allowable_intervals)
        )

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
    #: ``min_gap`` applies to the fixed ages from this age on (the 25-year booster is due even
    #: after a recent dose: a dTP without pertussis; the late-booster rule starts after 25)
    min_gap_from: Duration | None = None
    #: French sentence added to a fixed-age booster due before ``min_gap_from`` although the
    #: last dose is closer than ``min_gap`` (the 25-year booster after a recent dTcaP: a dTP)
    recent_dose_note: str | None = None


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
    #: CDSi equivalentSeriesGroups: series groups whose completion completes this one
    equivalent_groups: frozenset[str] = frozenset()
    #: French sentence added to the reasons of this series' open doses (what goes with the
    #: doses: immunoglobulins at birth, a serology after the series)
    note: str | None = None


@dataclass(frozen=True, slots=True)
class VaccineGroup:
    """Items sharing a vaccine group are reported together (CDSi chapter 9: MMR, DTaP/Tdap/Td);
    ``all_antigens``: the group needs every antigen (True) or any of them (False)."""

    name: str
    all_antigens: bool | None = None


@dataclass(frozen=True, slots=True)
class LiveConflict:
    """A live-vaccine conflict window (CDSi 6.7): ``current`` given in [prev + begin, prev + end)
    of a ``previous`` product is not valid (``min_end`` replaces ``end`` after a valid dose)."""

    previous: frozenset[str]
    current: frozenset[str]
    begin: Duration
    min_end: Duration
    end: Duration


@dataclass(frozen=True, slots=True)
class CalendarRules:
    """What a series takes from its calendar: the calendar's past-due period and its
    live-vaccine rules (CDSi conflict windows, or one spacing between any two live vaccines).
    Read from the calendar's own keys (``live_spacing``, ``live_conflicts``) by this kind and
    bound into each series spec at load time, so planning never consults the calendar."""

    past_due_after: Duration | None = None
    live_spacing: Duration | None = None
    live_conflicts: tuple[LiveConflict, ...] = ()


#: the calendar-level keys the series kind reads
CALENDAR_KEYS = ("live_spacing", "live_conflicts")


def parse_calendar_rules(r: Reader) -> CalendarRules:
    """The calendar's live-vaccine rules (its past-due default is added by ``bind``)."""
    conflicts = []
    for cr in r.children("live_conflicts"):
        cr.check_keys(["previous", "current", "begin", "min_end", "end"],
                      required=["previous", "current", "end"])
        conflict_end = cr.req_duration("end")
        conflicts.append(
            LiveConflict(
                previous=frozenset(product_key(p) for p in cr.str_list("previous")),
                current=frozenset(product_key(p) for p in cr.str_list("current")),
                begin=cr.duration("begin") or Duration(),
                min_end=cr.duration("min_end") or conflict_end,
                end=conflict_end,
            )
        )
    return CalendarRules(None, r.duration("live_spacing"), tuple(conflicts))


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
    #: whether a skip depends on which series are complete (only then does the kind evaluate
    #: the series a second time, knowing them)
    reads_completed_series: bool = False
    #: set at load time (``bind``): every marketed product for the item's targets is live
    live: bool = False
    #: set at load time (``bind``): the calendar's past-due period and live-vaccine rules
    calendar: CalendarRules = CalendarRules()
    #: CDSi vaccine-level contraindications: these products may not be given when the
    #: predicate holds (a series whose next dose has no other preferred product is set aside)
    product_contraindications: tuple[ProductContraindication, ...] = ()
    #: products of other targets whose doses the series read (``also_counts``: a MenC dose
    #: primes the infant ACWY schedule); a target dose still has to allow the product
    also_counts: frozenset[str] = frozenset()
    #: ``also_counts`` doses count only when given before this day (a transition rule)
    also_counts_before: dt.date | None = None
    #: set at load time (``bind``): the ``also_counts`` products by their targets. A dose
    #: recorded by its targets only (no product or code the tables know) whose targets are
    #: those of some of them is read as one of them (a "vaccin méningocoque C" is NeisVac-C
    #: or Menjugate): it counts only where a target dose names one of them, within that
    #: product's ages
    also_counts_targets: tuple[tuple[frozenset[str], frozenset[str]], ...] = ()
    #: how a series is chosen when none has a valid dose and none of its group is the default:
    #: ``preference`` (the first by preference) or ``scored`` (CDSi 8.6, Table 8-11: can start
    #: earliest, can be completed, not a product series)
    no_valid_dose_choice: str = "preference"


@dataclass(frozen=True, slots=True)
class ProductContraindication:
    products: frozenset[str]  # product keys (normalised name or ``cvx:NN``)
    when: Pred


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
                    _age_values(a),
                )
            )
        if not dated:
            return Ages(), ()
        undated = [d.ages for d in dated if d.effective is None and d.cessation is None]
        latest = max(dated, key=lambda d: d.effective or dt.date.min)
        return (undated[0] if undated else latest.ages), tuple(dated)
    a = r.child("ages")
    a.check_keys(AGE_KEYS)
    return _age_values(a), ()


def _age_values(a: Reader) -> Ages:
    """The ages of one mapping; ``latest_rec`` is a duration or ``never`` (no past-due date)."""
    never = _never(a)
    return Ages(a.duration("abs_min"), a.duration("min"), a.duration("earliest_rec"),
                None if never else a.duration("latest_rec"), a.duration("max"), never)


def _never(a: Reader) -> bool:
    """Whether the ages say ``latest_rec: never``. ``Never`` is the keyword mistyped, and
    ``null`` would read as absent (a past-due date from the calendar's default, the opposite
    of "no past-due date"): both are errors saying what to write."""
    v = a.raw("latest_rec", "")
    if v is None:
        raise a.error("null: write 'never' for no past-due date, or leave the key out for "
                      "the calendar's default", "latest_rec")
    if isinstance(v, str) and v.strip().lower() == "never" and v != "never":
        raise a.error(f"{v!r}: write 'never' (in lower case) for no past-due date",
                      "latest_rec")
    return bool(v == "never")


def _no_never(r: Reader) -> None:
    """An interval's ``latest_rec`` is a delay after its reference: no past-due date at all
    (``never``) is said in the dose's ages."""
    v = r.raw("latest_rec", "")
    if v is None or (isinstance(v, str) and v.strip().lower() == "never"):
        raise r.error(f"{'null' if v is None else repr(v)}: an interval's latest_rec is a "
                      "duration; for no past-due date write 'latest_rec: never' in the dose's "
                      "ages (ages.latest_rec)", "latest_rec")


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
            "preceded_by",
        ],
        required=["from"],
    )
    _no_never(r)
    kind, ref_dose, ref_obs, ref_conditions, products = _interval_from(r)
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
        frozenset(ref_conditions),
        frozenset(product_key(p) for p in r.str_list("preceded_by")),
    )


_FromRef = tuple[str, int | None, str | None, tuple[str, ...], frozenset[str]]


def _interval_from(r: Reader) -> _FromRef:
    """What an interval counts from: (kind, dose, observation, conditions, products)."""
    ref = r.raw("from")
    one = isinstance(ref, dict) and len(ref) == 1
    if ref == "previous":
        return "previous", None, None, (), frozenset()
    if one and "dose" in ref:
        ref_dose = ref["dose"]
        if not isinstance(ref_dose, int) or ref_dose < 1:
            raise r.error("from: {dose: N} takes a dose number >= 1", "from")
        return "dose", ref_dose, None, (), frozenset()
    if one and "observation" in ref:
        ref_obs = str(ref["observation"])
        if ref_obs not in ("lmp", "birth", "delivery"):
            raise r.error(
                "from: {observation: ...} supports 'lmp' (pregnancy start), 'delivery' (end of "
                "the latest ended pregnancy) and 'birth'",
                "from",
            )
        return "observation", None, ref_obs, (), frozenset()
    if one and "cdsi" in ref:
        # From the date of a coded CDSi observation (a therapy start, a transplant, the onset
        # of a pregnancy); without a date the interval does not apply.
        code = str(ref["cdsi"])
        if not (len(code) == 3 and code.isdigit()):
            raise r.error("from: {cdsi: NNN} takes a CDSi observation code of 3 digits", "from")
        return "cdsi", None, code, (), frozenset()
    if one and "condition" in ref:
        # From the day a risk was recorded ("dès que le risque est identifié"): the earliest
        # `since` of these conditions; without a date the interval does not apply.
        ref_conditions = r.child("from").str_list("condition", CONDITIONS)
        if not ref_conditions:
            raise r.error("from: {condition: [...]} needs at least one condition", "from")
        return "condition", None, None, ref_conditions, frozenset()
    if ref == "most_recent":
        products = frozenset(product_key(p) for p in r.str_list("products"))
        if not products:
            raise r.error("from: most_recent needs 'products'", "products")
        return "most_recent", None, None, (), products
    raise r.error(
        "from is 'previous', {dose: N}, {observation: lmp}, {cdsi: NNN}, {condition: [...]} "
        "or 'most_recent'",
        "from",
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
        sets.append(SkipSet(logic, tuple(_skip_condition(cr) for cr in sr.children("conditions"))))
    return Skip(context, set_logic, tuple(sets))


_SKIP_CONDITION_KEYS = (
    "type", "begin", "end", "interval", "count", "op", "dose_type", "begin_age", "end_age",
    "start_date", "end_date", "products", "series",
)


def _skip_condition(cr: Reader) -> SkipCondition:
    cr.check_keys(_SKIP_CONDITION_KEYS, required=["type"])
    ctype = cr.req_str("type")
    if ctype not in _COND_TYPES:
        raise cr.error(f"unknown condition type '{ctype}'", "type", suggest(ctype, _COND_TYPES))
    op = cr.get_str("op", ">=") or ">="
    if op not in (">=", ">", "==", "<", "<="):
        raise cr.error("op is one of >=, >, ==, <, <=", "op")
    dose_type = (cr.get_str("dose_type", "valid") or "valid").lower()
    if dose_type not in ("valid", "total"):
        raise cr.error("dose_type is 'valid' or 'total'", "dose_type")
    return SkipCondition(
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


_DOSE_KEYS = (
    "ages", "intervals", "products", "preferred_products", "inadvertent_products", "skip",
    "recurring", "season_start", "season", "allowable_intervals", "label", "no_interval_reason",
    "title",
)


def _target_dose(r: Reader, number: int) -> TargetDose:
    r.check_keys(_DOSE_KEYS)
    intervals = [_interval(ir) for ir in r.children("intervals")]
    recurring, every = _recurring(r)
    if every is not None:
        intervals.append(Interval("previous", None, None, None, every, every, None))
    season = _season_start(r) if r.has("season_start") else None
    dated_season = None
    if r.has("season"):
        sr = r.child("season")
        sr.check_keys(["start", "end"], required=["start"])
        dated_season = (sr.req_date("start"), sr.get_date("end"))
    ages, dated_ages = _ages(r)
    return TargetDose(
        number=number,
        ages=ages,
        dated_ages=dated_ages,
        allowable_intervals=tuple(_interval(ir) for ir in r.children("allowable_intervals")),
        season=dated_season,
        label=r.get_str("label"),
        no_interval_reason=r.get_str("no_interval_reason"),
        title=r.get_str("title"),
        intervals=tuple(intervals),
        products=_product_list(r, "products"),
        preferred=_product_list(r, "preferred_products"),
        inadvertent=frozenset(product_key(p) for p in r.str_list("inadvertent_products")),
        skips=tuple(_skip(sr) for sr in r.children("skip")),
        recurring=recurring,
        season_start=season,
    )


def _recurring(r: Reader) -> tuple[bool, Duration | None]:
    """``recurring: true`` (a dose repeated as the series says) or a repeat period."""
    raw = r.raw("recurring")
    if raw is None or isinstance(raw, bool):
        return bool(raw), None
    if isinstance(raw, str):
        return True, r.duration("recurring", positive=True)
    raise r.error("recurring is true or a duration such as '10 years'", "recurring")


def _season_start(r: Reader) -> tuple[int, int]:
    text = r.req_str("season_start")
    try:
        month, day = (int(x) for x in text.split("-"))
        dt.date(2001, month, day)
    except ValueError:
        raise r.error("season_start is MM-DD, e.g. '08-01'", "season_start") from None
    return month, day


_SERIES_KEYS = (
    "name", "title", "applies_when", "start_age", "preference", "default", "doses", "boosters",
    "doses_since", "group", "group_name", "type", "priority", "product_path", "sex",
    "equivalent_groups", "seasons", "note",
)


def parse_series(r: Reader, names: set[str]) -> SeriesSpec:
    if not isinstance(r.raw("series"), list) or not r.raw("series"):
        raise r.error("a series item needs 'series': a list of one or more series", "series")
    series_list: list[Series] = []
    for sr in r.children("series"):
        series = _series(sr, names)
        if any(s.name == series.name for s in series_list):
            raise sr.error(f"duplicate series name '{series.name}'", "name")
        series_list.append(series)
    group = None
    if r.has("vaccine_group"):
        gr = r.child("vaccine_group")
        gr.check_keys(["name", "all_antigens"], required=["name"])
        all_raw = gr.raw("all_antigens")
        group = VaccineGroup(gr.req_str("name"), None if all_raw is None else bool(all_raw))
    basis = r.get_str("start_age_basis", "first_dose") or "first_dose"
    if basis not in ("first_dose", "first_valid_dose"):
        raise r.error("start_age_basis is first_dose or first_valid_dose", "start_age_basis")
    choice = r.get_str("no_valid_dose_choice", "preference") or "preference"
    if choice not in ("preference", "scored"):
        raise r.error("no_valid_dose_choice is preference or scored", "no_valid_dose_choice")
    refs = _product_refs(r.children("series"), series_list)
    contra = _product_contraindications(r, names)
    refs += tuple((ref, "product_contraindications", r.line_of("product_contraindications"))
                  for c in contra for ref in sorted(c.products))
    reads = any(
        c.type == "completed_series"
        for s in series_list for td in s.doses for skip in td.skips
        for st in skip.sets for c in st.conditions
    )
    also, before = _also_counts(r)
    refs += tuple((ref, "also_counts", r.line_of("also_counts")) for ref in sorted(also))
    return SeriesSpec(tuple(series_list), refs, group, basis, reads,
                      product_contraindications=contra, also_counts=also,
                      also_counts_before=before,
                      no_valid_dose_choice=choice)


def _also_counts(r: Reader) -> tuple[frozenset[str], dt.date | None]:
    """``also_counts: {products: [...], given_before: DATE}`` (``given_before`` optional)."""
    if not r.has("also_counts"):
        return frozenset(), None
    ar = r.child("also_counts")
    ar.check_keys(["products", "given_before"], required=["products"])
    products = frozenset(product_key(p) for p in ar.str_list("products"))
    if not products:
        raise ar.error("also_counts names at least one product", "products")
    return products, ar.get_date("given_before")


def _product_contraindications(r: Reader, names: set[str]
                               ) -> tuple[ProductContraindication, ...]:
    """``product_contraindications: [{products: [...], when: <predicate>}]``."""
    if not r.has("product_contraindications"):
        return ()
    if not isinstance(r.raw("product_contraindications"), list):
        raise r.error("expected a list of {products, when}", "product_contraindications")
    out = []
    for cr in r.children("product_contraindications"):
        cr.check_keys(["products", "when"], required=["products", "when"])
        products = frozenset(product_key(p) for p in cr.str_list("products"))
        if not products:
            raise cr.error("a product contraindication names at least one product", "products")
        when = compile_predicate(cr.raw("when"), cr, "when", names)
        out.append(ProductContraindication(products, when))
    return tuple(out)


def _series(sr: Reader, names: set[str]) -> Series:
    sr.check_keys(_SERIES_KEYS, required=["name", "doses"])
    start_min = start_max = None
    if sr.has("start_age"):
        sa = sr.child("start_age")
        sa.check_keys(["min", "max"])
        start_min, start_max = sa.duration("min"), sa.duration("max")
    dose_readers = sr.children("doses")
    doses = tuple(_target_dose(dr, i + 1) for i, dr in enumerate(dose_readers))
    _check_min_intervals(doses, dose_readers)
    boosters = _boosters(sr.child("boosters")) if sr.has("boosters") else None
    if not doses and boosters is None:
        raise sr.error("a series needs doses or boosters", "doses")
    doses_since = sr.get_str("doses_since")
    if doses_since not in (None, "lmp"):
        raise sr.error("doses_since supports 'lmp'", "doses_since")
    applies = None
    if sr.has("applies_when"):
        applies = compile_predicate(sr.raw("applies_when"), sr, "applies_when", names)
    return Series(
        name=sr.req_str("name"),
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
        equivalent_groups=frozenset(
            g for g in re.split(r"[;,\s]+", str(sr.raw("equivalent_groups") or "")) if g
        ),
        note=sr.get_str("note"),
    )


def _boosters(br: Reader) -> Boosters:
    br.check_keys(
        ["at_ages", "then_every", "min_gap", "max_gap", "min_gap_from", "recent_dose_note"],
        required=["at_ages"],
    )
    return Boosters(
        br.duration_list("at_ages"),
        br.duration("then_every", positive=True),
        br.duration("min_gap"),
        br.duration("max_gap"),
        br.duration("min_gap_from"),
        br.get_str("recent_dose_note"),
    )


def _product_refs(
    readers: list[Reader], series_list: list[Series]
) -> tuple[tuple[str, str, int | None], ...]:
    """Every product a series names, with where, for the kind's load-time check."""
    refs: list[tuple[str, str, int | None]] = []
    for sr, s in zip(readers, series_list, strict=True):
        for i, d in enumerate(s.doses):
            for p in (*d.products, *d.preferred):
                refs.append((p.ref, f"series[{s.name}].doses[{i}].products", sr.line_of()))
            for iv in d.intervals:
                for ref in sorted(iv.preceded_by):
                    refs.append((ref, f"series[{s.name}].doses[{i}].preceded_by", sr.line_of()))
    return tuple(refs)


def _check_min_intervals(doses: tuple[TargetDose, ...], readers: list[Reader]) -> None:
    """Every dose after the first states its minimum interval, or says why it has none:
    without one, doses given a day apart would all count (issue 8, point 2)."""
    for td, dr in zip(doses[1:], readers[1:], strict=True):
        if td.no_interval_reason is not None:
            if not td.no_interval_reason.strip():
                raise dr.error("no_interval_reason must say why", "no_interval_reason")
            continue
        if not td.has_min_interval():
            raise dr.error(
                f"dose {td.number} has no minimum interval: add an interval "
                "{from: previous, min: ...} from the sources, or no_interval_reason saying why",
                "intervals",
            )


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
