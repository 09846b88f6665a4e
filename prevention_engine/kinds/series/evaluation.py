"""CDSi chapter 6 and 7: each recorded dose judged against the target doses, then forecast."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from ...conditions import COMPARISONS
from ...context import Context, Dose, earlier_live_within
from ...dates import ONE_DAY
from ...schedule import Reason
from ...schedule import past_due as schedule_past_due
from .spec import (
    CalendarRules,
    Interval,
    ProductRule,
    Series,
    SkipCondition,
    TargetDose,
)


# --------------------------------------------------------------------------------------------
# Evaluation
# --------------------------------------------------------------------------------------------
@dataclass(slots=True)
class DoseEval:
    dose: Dose
    status: str  # valid | not_valid | extraneous | sub_standard
    reason: str  # code
    target: int | None  # index of the target dose satisfied (0-based)
    #: why, for the trace (a ``trace.*`` reason); None: the status and code say it
    detail: Reason | None = None


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
    return any(_dose_ref_matches(dose, rule.ref) and _within_ages(rule, dose.date, birth)
               for rule in rules)


def _within_ages(rule: ProductRule, day: dt.date, birth: dt.date) -> bool:
    """Whether a dose on ``day`` is within the ages a target dose allows its product."""
    if rule.begin_age is not None and day < rule.begin_age.add_to(birth):
        return False
    return rule.end_age is None or day < rule.end_age.add_to(birth)


#: The products a series reads though they cover other targets (``also_counts``), and the
#: same grouped by their targets (``SeriesSpec.also_counts_targets``).
NamedOnly = tuple[frozenset[str], tuple[tuple[frozenset[str], frozenset[str]], ...]]


def read_as(dose: Dose, by_targets: tuple[tuple[frozenset[str], frozenset[str]], ...]
            ) -> frozenset[str]:
    """The ``also_counts`` products a dose recorded by its targets only may be (those with
    exactly its targets); empty for a dose named by a product or a code the tables know. (A
    product or code they do not know, recorded with targets, gives a dose of those targets
    only: it is read here too.)"""
    if dose.product is not None or dose.cvx is not None:
        return frozenset()
    for targets, keys in by_targets:
        if targets == dose.targets:
            return keys
    return frozenset()


def _not_named_here(walk: _Walk, dose: Dose, td: TargetDose) -> bool:
    """A dose of another vaccine (``also_counts``) that this target dose does not name: not
    its product, or (recorded by its targets only) none of the products it may be, within
    that product's ages. False for a dose of the item's own vaccines."""
    keys, by_targets = walk.named_only
    rules, birth = td.products + td.preferred, walk.ctx.birth
    if dose.product_key is not None:
        return dose.product_key in keys and not _product_allowed(dose, rules, birth)
    may_be = read_as(dose, by_targets)
    return bool(may_be) and not any(
        rule.ref in may_be and _within_ages(rule, dose.date, birth) for rule in rules)


def _outside_product_ages(dose: Dose, birth: dt.date) -> Reason | None:
    """Why the dose was given outside its product's authorised ages, or None."""
    low, high = dose.product_ages
    name = dose.product or dose.label
    if low is not None and dose.date < low.add_to(birth):
        return Reason.of("trace.product_too_young", product=name, age=low)
    if high is not None and dose.date >= high.add_to(birth):
        return Reason.of("trace.product_too_old", product=name, age=high)
    return None


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
        return COMPARISONS[c.op](n, c.count or 0)
    if c.type == "completed_series":
        return any(s in completed for s in c.series)
    return False


def skip_applies(
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
        d = satisfied.get(iv.ref_dose - 1) if iv.ref_dose is not None else None
        return d.date if d is not None else None
    if iv.ref == "observation":
        if iv.ref_observation == "lmp":
            return ctx.pregnancy.start if ctx.pregnancy is not None else None
        if iv.ref_observation == "delivery":
            return ctx.anchor("delivery")
        return ctx.birth
    if iv.ref == "cdsi" and iv.ref_observation is not None:
        return ctx.anchor("cdsi", frozenset([iv.ref_observation]))
    if iv.ref == "condition":
        onsets = [
            c.since
            for c in ctx.profile.conditions
            if c.since is not None and c.name in iv.conditions and c.name in ctx.conditions
        ]
        return min(onsets) if onsets else None
    if iv.ref == "most_recent":
        # CDSi CALCDTINT-8: the most recent dose of these products in the whole history (a Td
        # dose counts for the pertussis series although it has no pertussis component)
        pool = [d for d, _ in history] + [
            d for d in ctx.doses if before is None or d.date < before
        ]
        dates = [d.date for d in pool if any(_dose_ref_matches(d, p) for p in iv.products)]
        return max(dates) if dates else None
    return None


def _preceded(iv: Interval, ref: dt.date | None, ctx: Context) -> bool:
    """An interval with ``preceded_by`` applies only after a dose of those products given
    before its reference dose."""
    if not iv.preceded_by:
        return True
    return ref is not None and any(
        d.date < ref and _matches_any(d, iv.preceded_by) for d in ctx.doses
    )


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
    out = [(iv, ref) for iv, ref in out if _preceded(iv, ref, ctx)]
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
) -> Reason | None:
    """Why ``dose`` is too soon for one of ``intervals`` (all must hold), or None."""
    for iv, ref in _resolved_intervals(
        intervals, dose.date, prev, satisfied, ctx, history, dose.date
    ):
        lim = iv.abs_min or iv.min
        if ref is None or lim is None:
            continue
        if dose.date < lim.add_to(ref):
            return Reason.of("trace.too_soon", interval=lim, since=ref)
    return None


def _matches_any(dose: Dose, refs: frozenset[str]) -> bool:
    return any(_dose_ref_matches(dose, r) for r in refs)


def _live_conflict(
    dose: Dose,
    doses: list[Dose],
    cal: CalendarRules,
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
    return None if spacing is None else earlier_live_within(dose, doses, spacing)


@dataclass(slots=True)
class _Walk:
    """The doses read so far against the target doses of one series (CDSi 6)."""

    series: Series
    ctx: Context
    completed_series: set[str]
    #: products of other targets that count only for a target dose naming them (also_counts)
    named_only: NamedOnly = (frozenset(), ())
    evals: list[DoseEval] = field(default_factory=list)
    satisfied: dict[int, Dose] = field(default_factory=dict)
    skipped: set[int] = field(default_factory=set)
    history: list[tuple[Dose, bool]] = field(default_factory=list)
    prev: Dose | None = None
    idx: int = 0
    boosters_done: list[Dose] = field(default_factory=list)

    def record(self, ev: DoseEval, *, counts: bool, is_prev: bool, in_history: bool = True) -> None:
        """Keep the reading of a dose: in the history (valid or not), as the reference of the
        next intervals (``is_prev``)."""
        self.evals.append(ev)
        if in_history:
            self.history.append((ev.dose, counts))
        if is_prev:
            self.prev = ev.dose

    def skip_ahead(self, on: dt.date, context: str) -> int:
        """The first target dose from ``idx`` that no conditional skip removes on ``on``."""
        idx, tds = self.idx, self.series.doses
        while idx < len(tds) and skip_applies(tds[idx], context, on, self.ctx.birth,
                                              self.history, self.prev, self.completed_series,
                                              self.ctx.doses):
            idx += 1
        return idx


def evaluate_series(
    series: Series,
    doses: list[Dose],
    all_doses: list[Dose],
    ctx: Context,
    cal: CalendarRules,
    completed_series: set[str],
    named_only: NamedOnly = (frozenset(), ()),
) -> SeriesResult:
    walk = _Walk(series, ctx, completed_series, named_only)
    for dose in doses:
        # Conditional skips (evaluation context) before matching this dose.
        after = walk.skip_ahead(dose.date, "evaluation")
        walk.skipped.update(range(walk.idx, after))
        walk.idx = after
        if not _outside_series(walk, dose):
            _against_target(walk, dose, all_doses, cal)
    # Target doses left that a forecast-context skip makes unnecessary (CDSi 7.1) do not keep
    # the series open; a recurring last dose is only passed by a skip.
    complete = walk.skip_ahead(ctx.as_of, "forecast") >= len(series.doses)
    return SeriesResult(
        series=series,
        evals=walk.evals,
        satisfied=walk.satisfied,
        skipped=walk.skipped,
        next_index=walk.idx,
        complete=complete,
        last_considered=walk.prev,
        valid_count=sum(1 for e in walk.evals if e.status == "valid"),
        boosters_done=walk.boosters_done,
    )


def _outside_series(walk: _Walk, dose: Dose) -> bool:
    """A dose read without a target dose (sub-standard, outside the product's ages, after
    the series: a booster or extraneous, a wrong product); False when a target reads it."""
    if dose.sub_standard:
        # Expired or sub-potent: never counts, not even as an adult booster (CDSi 6.1).
        walk.record(DoseEval(dose, "sub_standard", "sub_standard", None,
                             Reason.of("trace.sub_standard")),
                    counts=False, is_prev=False, in_history=False)
        return True
    outside = _outside_product_ages(dose, walk.ctx.birth)
    if outside is not None:
        # A product used outside the ages it is authorised for never counts, not even as
        # a booster (Repevax or Boostrix Tetra is not an infant primary dose).
        walk.record(DoseEval(dose, "not_valid", "product_age", None, outside),
                    counts=False, is_prev=True)
        return True
    tds = walk.series.doses
    if walk.idx >= len(tds):
        if walk.series.boosters is not None:
            walk.boosters_done.append(dose)
            walk.record(DoseEval(dose, "valid", "booster", None, Reason.of("trace.booster")),
                        counts=True,
                        is_prev=True)
        else:
            walk.record(DoseEval(dose, "extraneous", "series_complete", None,
                                 Reason.of("trace.series_complete")), counts=False,
                        is_prev=False)
        return True
    td = tds[walk.idx]
    if td.inadvertent and any(_dose_ref_matches(dose, p) for p in td.inadvertent):
        walk.record(DoseEval(dose, "not_valid", "wrong_product", None,
                             Reason.of("trace.inadvertent")),
                    counts=False, is_prev=False, in_history=False)
        return True
    return False


def _against_target(walk: _Walk, dose: Dose, all_doses: list[Dose], cal: CalendarRules) -> None:
    """Read ``dose`` against the next target dose (CDSi 6.2-6.8)."""
    td = walk.series.doses[walk.idx]
    if _not_named_here(walk, dose, td):
        # a dose of another vaccine read only where a target dose names it: elsewhere it is
        # no dose at all (never the reference of an interval, never a date to wait after)
        walk.record(DoseEval(dose, "extraneous", "other_product", None,
                             Reason.of("trace.other_product")),
                    counts=False, is_prev=False, in_history=False)
        return
    status, reason, detail = _judge(td, dose, walk, all_doses, cal)
    if status == "valid":
        walk.record(DoseEval(dose, "valid", reason or "valid", walk.idx, detail), counts=True,
                    is_prev=True)
        walk.satisfied[walk.idx] = dose
        if not td.recurring:
            walk.idx += 1
    else:
        walk.record(DoseEval(dose, status, reason, None, detail), counts=False,
                    is_prev=status == "not_valid")


def _judge(
    td: TargetDose, dose: Dose, walk: _Walk, all_doses: list[Dose], cal: CalendarRules
) -> tuple[str, str, Reason | None]:
    """Status, reason code and detail of a dose against one target dose: ages, intervals
    (an allowable interval rescues a dose too soon), live-vaccine spacing, product."""
    birth, ctx = walk.ctx.birth, walk.ctx
    ages = td.ages_on(dose.date)
    abs_min = ages.abs_min or ages.min
    if abs_min is not None and dose.date < abs_min.add_to(birth):
        return "not_valid", "too_young", Reason.of("trace.too_young", age=abs_min)
    if ages.max is not None and dose.date >= ages.max.add_to(birth):
        return "extraneous", "too_old", Reason.of("trace.too_old", age=ages.max)
    reason, detail = "", None
    if ages.abs_min is not None and ages.min is not None and dose.date < ages.min.add_to(birth):
        reason, detail = "grace_period", Reason.of("trace.grace_period")
    args = (dose, walk.prev, walk.satisfied, ctx, walk.history)
    too_soon = _interval_failure(td.intervals, *args)
    # CDSi 6.6: an allowable interval rescues a dose given too soon
    if too_soon is not None and not (
        td.allowable_intervals and _interval_failure(td.allowable_intervals, *args) is None
    ):
        return "not_valid", "too_soon", too_soon
    conflict = _live_conflict(dose, all_doses, cal, walk.history)
    if conflict is not None:
        return "not_valid", "live_conflict", Reason.of("trace.live_conflict", date=conflict.date)
    if (td.products or td.preferred) and not _product_allowed(
        dose, td.products + td.preferred, birth
    ):
        return "not_valid", "wrong_product", Reason.of("trace.wrong_product")
    return "valid", reason, detail


@dataclass(slots=True, unsafe_hash=True)
class Forecast:
    earliest: dt.date
    recommended: dt.date
    past_due: dt.date | None
    latest: dt.date | None
    #: False when no date anchors ``earliest`` (no minimum age, interval, live conflict,
    #: season or earlier dose): CDSi 7.5 leaves such an earliest date empty, and the birth
    #: date standing in for it must not make the series "start earliest" (SELECTB-14).
    dated: bool = True
    #: True when ``latest`` is the eve of the dose's maximum age (rotavirus), not the end of
    #: an interval (36 weeks of pregnancy) or of a season: the reason names an age limit then.
    age_limit: bool = False
    #: False when nothing dates ``recommended`` (no age, interval, season or earlier dose), or
    #: only a minimum age for a dose recommended because of a risk (``latest_rec: never``)
    #: whose onset is unknown: the reason then gives no date (not "recommended on the birth
    #: date", nor "since the first birthday" for a liver disease known since 2020).
    recommended_dated: bool = True


def forecast_dose(
    td: TargetDose,
    prev: Dose | None,
    satisfied: dict[int, Dose],
    history: list[tuple[Dose, bool]],
    ctx: Context,
    cal: CalendarRules,
    live_doses: list[Dose],
    item_live: bool,
    prev_date_override: dt.date | None = None,
) -> Forecast:
    """CDSi 7.5: earliest, recommended, past due and latest dates of one target dose."""
    birth = ctx.birth
    a = td.ages_on(ctx.as_of)
    ivs = _interval_dates(td, prev, satisfied, history, ctx, prev_date_override)
    candidates = [a.min.add_to(birth) if a.min is not None else birth, *ivs.min]
    candidates += _live_dates(td, cal, live_doses, item_live)
    if history and prev_date_override is None:
        # never before a dose already recorded (a dose that did not count still happened)
        candidates.append(max(d.date for d, _ in history))
    dated = (a.min is not None or len(candidates) > 1 or td.season is not None
             or td.season_start is not None)
    earliest = _in_season(td, max(candidates), ctx.as_of)
    if a.earliest_rec is not None:
        unadj = a.earliest_rec.add_to(birth)
    else:
        unadj = max(ivs.rec) if ivs.rec else earliest
    past_due: dt.date | None
    if a.never_past_due:
        past_due = None
    elif a.latest_rec is not None:
        past_due = schedule_past_due(a.latest_rec, birth)
    elif ivs.late:
        past_due = max(ivs.late) - ONE_DAY
    else:
        past_due = schedule_past_due(cal.past_due_after, unadj)
    age_end = a.max.add_to(birth) if a.max is not None else None
    ends = [*ivs.max, *([age_end] if age_end is not None else [])]
    return Forecast(
        earliest,
        max(earliest, unadj),
        max(earliest, past_due) if past_due is not None else None,
        min(ends) - ONE_DAY if ends else None,
        dated,
        age_end is not None and age_end == min(ends),
        a.earliest_rec is not None or bool(ivs.rec) or (dated and not a.never_past_due),
    )


@dataclass(slots=True)
class _IntervalDates:
    """The dates the intervals of a target dose give (from their reference doses)."""

    min: list[dt.date]
    rec: list[dt.date]
    late: list[dt.date]
    max: list[dt.date]


def _interval_dates(
    td: TargetDose,
    prev: Dose | None,
    satisfied: dict[int, Dose],
    history: list[tuple[Dose, bool]],
    ctx: Context,
    prev_date_override: dt.date | None,
) -> _IntervalDates:
    out = _IntervalDates([], [], [], [])
    for iv, found in _resolved_intervals(
        td.intervals, ctx.as_of, prev, satisfied, ctx, history, None
    ):
        ref = prev_date_override if prev_date_override is not None and iv.ref == "previous" \
            else found
        if ref is None:
            continue
        for duration, dates in ((iv.min, out.min), (iv.earliest_rec, out.rec),
                                (iv.latest_rec, out.late), (iv.max, out.max)):
            if duration is not None:
                dates.append(duration.add_to(ref))
    return out


def _live_dates(
    td: TargetDose, cal: CalendarRules, live_doses: list[Dose], item_live: bool
) -> list[dt.date]:
    """The first days a live vaccine may follow the live doses already given (CDSi 6.7)."""
    if cal.live_conflicts:
        wanted = frozenset(p.ref for p in td.preferred or td.products)
        return [lc.end.add_to(d.date) for d in live_doses for lc in cal.live_conflicts
                if wanted & lc.current and _matches_any(d, lc.previous)]
    if item_live and cal.live_spacing is not None:
        return [cal.live_spacing.add_to(d.date) for d in live_doses]
    return []


def _in_season(td: TargetDose, earliest: dt.date, as_of: dt.date) -> dt.date:
    """Not before the dose's dated season, nor before its yearly season start."""
    if td.season is not None:
        earliest = max(earliest, td.season[0])
    if td.season_start is not None:
        m, day = td.season_start
        season = dt.date(as_of.year, m, day)
        if season > as_of:
            season = dt.date(as_of.year - 1, m, day)
        earliest = max(earliest, season)
    return earliest
