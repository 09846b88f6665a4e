"""The series kind's plan and load-time binding: the agenda rows of one item (completed doses,
the next one, projections, adult boosters) from ``evaluation`` and ``selection``.

A module of its own, not the package's ``__init__``, so that the compiled build (mypyc)
compiles it: a compiled ``__init__`` could not import its submodules.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace

from ...calendar.model import Item
from ...context import Context, Dose
from ...dates import ONE_DAY, Duration, completed_years
from ...errors import CalendarError
from ...products import product_key
from ...schedule import Due, Occurrence, Reason, Season, Step
from ...vocabulary import normalise_name, suggest
from ..base import Tables
from .evaluation import (
    Forecast,
    SeriesResult,
    evaluate_series,
    forecast_dose,
    read_as,
    skip_applies,
)
from .selection import (
    select_across_groups,
    series_admits,
)
from .spec import (
    Boosters,
    CalendarRules,
    Series,
    SeriesSpec,
    TargetDose,
)

__all__ = ["all_seasons", "bind", "plan", "product_key"]


def _nominal_age(series: Series, idx: int) -> Duration | None:
    """The calendar age of a target dose (for obligations limited to the first months). A dose
    dated only by its interval after the one before it comes no earlier than that one: it takes
    the age of the nearest earlier dose that has one (dose 2 of a catch-up begun at 2 years is
    past an obligation that ends at 2 years, as dose 1 is)."""
    for td in reversed(series.doses[: idx + 1]):
        age = td.ages.earliest_rec or td.ages.min
        if age is not None:
            return age
    return None


@dataclass(slots=True)
class _Evaluation:
    """What every step of one item's rows reads: the person, the calendar, the doses."""

    ctx: Context
    cal: CalendarRules
    trace: list[Step]
    live_doses: list[Dose]
    item_live: bool
    completed: frozenset[str]


def plan(item: Item[SeriesSpec], ctx: Context) -> list[Occurrence]:
    spec = item.spec
    cal = spec.calendar
    targets = frozenset(item.targets)
    relevant: list[Dose] = []
    trace: list[Step] = []
    for d in ctx.doses:
        if targets <= d.targets or _also_counted(spec, d):
            relevant.append(d)
        elif targets & d.targets:
            trace.append(
                Step(
                    date=d.date,
                    event=d.label,
                    outcome="ignored",
                    why=Reason.of("trace.partial_targets"),
                    immunization=d.index,
                    reason="partial_targets",
                )
            )
    # A skip may depend on another series being complete ("completed series" conditions):
    # evaluate once, then again knowing which series are complete.
    results = _evaluate_candidates(spec, relevant, ctx, cal, frozenset())
    completed = frozenset(r.series.name for r in results if r.complete)
    if completed and spec.reads_completed_series:
        results = _evaluate_candidates(spec, relevant, ctx, cal, completed)
    results = _set_aside_contraindicated(results, spec, ctx)
    if not results:
        return []
    live_doses = [d for d in ctx.doses if d.live]
    ev = _Evaluation(ctx, cal, trace, live_doses, spec.live, completed)
    scored = spec.no_valid_dose_choice == "scored"
    best = select_across_groups(results, ctx, lambda r: _finish_date(r, ev, targets),
                                (lambda r: _start_date(r, ev)) if scored else None)
    return _rows(item, best, ev)


def _history(res: SeriesResult) -> list[tuple[Dose, bool]]:
    """The doses a forecast waits after (valid or not); a dose of another vaccine that no
    target dose names (``also_counts``) is no dose for this series."""
    return [(e.dose, e.status == "valid") for e in res.evals if e.reason != "other_product"]


def _start_date(res: SeriesResult, ev: _Evaluation) -> dt.date | None:
    """When the series' next dose can first be given (CDSi SELECTB-14: its forecast earliest
    date, skips read as the forecast reads them), or None when the series has no such date:
    nothing anchors it (CDSi 7.5) or the person is past the dose's maximum age (7.4)."""
    ctx, completed = ev.ctx, set(ev.completed)
    history = _history(res)
    prev = res.last_considered
    for idx in range(res.next_index, len(res.series.doses)):
        td = res.series.doses[idx]
        if skip_applies(td, "forecast", ctx.as_of, ctx.birth, history, prev, completed, ctx.doses):
            continue
        fc = forecast_dose(td, prev, dict(res.satisfied), history, ctx, ev.cal, ev.live_doses,
                           ev.item_live)
        if fc.earliest > ctx.as_of and skip_applies(
            td, "forecast", fc.earliest, ctx.birth, history, prev, completed, ctx.doses
        ):
            continue  # CDSi 7.6, as for the forecast rows
        if fc.latest is not None and max(fc.earliest, ctx.as_of) > fc.latest:
            return None  # aged out (CDSi 7.4): no forecast, so no start date
        return fc.earliest if fc.dated else None
    return None


def _finish_date(
    res: SeriesResult, ev: _Evaluation, targets: frozenset[str]
) -> dt.date | None:
    """When the series can be finished (CDSi SELECTB-3, SELECTB-12): each open dose given on
    its earliest date, skips read as the forecast reads them; None when a dose would come
    after its maximum age (the series cannot be completed)."""
    ctx, completed = ev.ctx, set(ev.completed)
    history = _history(res)
    prev, satisfied = res.last_considered, dict(res.satisfied)
    ref, last = ctx.as_of, None
    for idx in range(res.next_index, len(res.series.doses)):
        td = res.series.doses[idx]
        if skip_applies(td, "forecast", ref, ctx.birth, history, prev, completed, ctx.doses):
            continue
        fc = forecast_dose(td, prev, satisfied, history, ctx, ev.cal, ev.live_doses,
                           ev.item_live, prev_date_override=last)
        if last is None and fc.earliest > ref and skip_applies(
            td, "forecast", fc.earliest, ctx.birth, history, prev, completed, ctx.doses
        ):
            continue  # CDSi 7.6, as for the forecast rows
        if fc.latest is not None and fc.earliest > fc.latest:
            return None
        prev = Dose(-1 - idx, fc.earliest, "(projected)", targets, ev.item_live, None, None,
                    False)
        history.append((prev, True))
        satisfied[idx] = prev
        ref = last = fc.earliest
        if td.recurring:
            break
    return last if last is not None else ref


def _set_aside_contraindicated(
    results: list[SeriesResult], spec: SeriesSpec, ctx: Context
) -> list[SeriesResult]:
    """CDSi 7.3 (Table 7-7) and 8.1 (SELECTB-24): a series whose next dose can only be given
    with products contraindicated for the person is not a candidate, unless every series of
    its group is in that case."""
    bad = frozenset(ref for c in spec.product_contraindications if c.when(ctx)[0] is True
                    for ref in c.products)
    if not bad:
        return results

    def blocked(r: SeriesResult) -> bool:
        if r.complete or r.next_index >= len(r.series.doses):
            return False
        td = r.series.doses[r.next_index]
        wanted = td.preferred or td.products
        return bool(wanted) and all(p.ref in bad for p in wanted)

    out_groups = {r.series.group for r in results if not blocked(r)}
    return [r for r in results if not blocked(r) or r.series.group not in out_groups]


def _also_counted(spec: SeriesSpec, d: Dose) -> bool:
    """A dose of another product the series also read (``also_counts``), within its dates:
    named by one of the products, or recorded by their targets only (``read_as``)."""
    if not spec.also_counts or (
            spec.also_counts_before is not None and d.date >= spec.also_counts_before):
        return False
    if d.product_key is not None:
        return d.product_key in spec.also_counts
    return bool(read_as(d, spec.also_counts_targets))


def _names(series: Series, d: Dose, birth: dt.date) -> bool:
    """Whether a target dose of ``series`` names the product of ``d``, at the age ``d`` was
    given within that product's ages."""
    return d.product_key is not None and any(
        p.ref == d.product_key
        and (p.begin_age is None or d.date >= p.begin_age.add_to(birth))
        and (p.end_age is None or d.date < p.end_age.add_to(birth))
        for td in series.doses for p in td.products)


def _evaluate_candidates(
    spec: SeriesSpec,
    relevant: list[Dose],
    ctx: Context,
    cal: CalendarRules,
    completed: frozenset[str],
) -> list[SeriesResult]:
    """Every series of the item that applies to the person, evaluated against the doses."""
    results: list[SeriesResult] = []
    for s in spec.series:
        if s.applies_when is not None and s.applies_when(ctx)[0] is not True:
            continue
        if s.type == "risk" and s.start_min is not None and ctx.as_of < s.start_min.add_to(
            ctx.birth
        ):
            continue  # a risk series is relevant from its minimum start age
        if s.sex is not None and ctx.profile.sex != s.sex:
            continue
        doses = relevant
        if s.doses_since == "lmp":
            if ctx.pregnancy is None:
                continue
            start = ctx.pregnancy.start
            doses = [d for d in relevant if d.date >= start]
        if spec.start_age_basis == "first_dose":
            # a dose of another product (also_counts) continues a schedule, and starts only
            # one of the series that names it (a MenC dose at 5 months, 1st dose of the infant
            # ACWY schedule): kept at 12 months, not read as no dose at all
            own = [d for d in doses if not _also_counted(spec, d) or _names(s, d, ctx.birth)]
            first = own[0].date if own else ctx.as_of
            if not series_admits(s, ctx, first):
                continue
        res = evaluate_series(s, doses, list(ctx.doses), ctx, cal, set(completed),
                              (spec.also_counts, spec.also_counts_targets))
        if spec.start_age_basis == "first_valid_dose" and res.satisfied:
            first_valid = min(d.date for d in res.satisfied.values())
            if s.start_max is not None and first_valid >= s.start_max.add_to(ctx.birth):
                continue

        results.append(res)
    return results


def _trace(res: SeriesResult, trace: list[Step]) -> tuple[Step, ...]:
    """How each recorded dose was read (the ignored partial doses first)."""
    return (*trace, *(
        Step(
            date=e.dose.date,
            event=e.dose.label,
            outcome=e.status,
            why=e.detail or (
                Reason.of("trace.counts_for", dose=(e.target or 0) + 1)
                if e.status == "valid"
                else Reason.of("trace.code", value=e.reason)
            ),
            immunization=e.dose.index,
            reason=e.reason,
            target_dose=None if e.target is None else e.target + 1,
        )
        for e in res.evals
    ))


def _label(td: TargetDose) -> Reason | None:
    return Reason.of("label.rule", text=td.title) if td.title else None


def _done_rows(res: SeriesResult, trace: tuple[Step, ...]) -> list[Occurrence]:
    """The target doses already satisfied (or skipped before the next one)."""
    rows: list[Occurrence] = []
    for i, td in enumerate(res.series.doses):
        if i in res.satisfied:
            d = res.satisfied[i]
            reason = Reason.of("series.done", number=i + 1, dose=d.label, date=d.date)
            rows.append(Occurrence(status="completed", dose=i + 1, completed_date=d.date,
                                   series=res.series.name, reason=reason,
                                   trace=trace if i == 0 else (),
                                   nominal_age=_nominal_age(res.series, i), label=_label(td)))
        elif i in res.skipped and i < res.next_index:
            rows.append(Occurrence(status="completed", dose=i + 1, series=res.series.name,
                                   reason=Reason.of("series.skipped", number=i + 1),
                                   nominal_age=_nominal_age(res.series, i), label=_label(td)))
    return rows


@dataclass(slots=True)
class _Projection:
    """Where the forecast of the open doses stands: the doses as if the previous open ones
    were given on their recommended dates (later skips and intervals see them)."""

    history: list[tuple[Dose, bool]]
    prev: Dose | None
    satisfied: dict[int, Dose]
    projected_prev: dt.date | None = None
    first_open: bool = True


def _rows(item: Item[SeriesSpec], res: SeriesResult, ev: _Evaluation) -> list[Occurrence]:
    trace = _trace(res, ev.trace)
    rows = _done_rows(res, trace)
    state = _Projection(_history(res),
                        res.last_considered, dict(res.satisfied))
    idx = res.next_index
    tds = res.series.doses
    while idx < len(tds):
        occ = _open_dose(item, res, ev, state, idx)
        if occ is _SKIP:
            idx += 1
            continue
        if occ is None:
            break
        rows.append(occ.changed(trace=trace) if state.first_open and not rows else occ)
        if occ.status == "missed" and state.first_open:
            break
        _project(item, ev, state, idx, occ.due)
        if tds[idx].recurring:
            break
        idx += 1
    if rows and trace and not any(r.trace for r in rows):
        rows[0] = rows[0].changed(trace=trace)  # e.g. the first target dose was skipped
    boosters = res.series.boosters
    if boosters is not None and (res.complete or not tds) and state.first_open:
        rows.extend(_booster_rows(boosters, res, ev.ctx, ev.cal, len(tds),
                                  _uncounted(res, ev)))
    return rows


def _uncounted(res: SeriesResult, ev: _Evaluation) -> int:
    """Recorded doses that count for none of the series' doses (not valid, or covering only
    part of the item's diseases): the reason says "no valid dose", not "no dose recorded"."""
    return len(ev.trace) + sum(1 for e in res.evals if e.status != "valid")


#: ``_open_dose`` says "this target dose is skipped, go to the next one" with this marker.
_SKIP = Occurrence(status="completed", reason=Reason("series.skip"))


def _project(
    item: Item[SeriesSpec], ev: _Evaluation, state: _Projection, idx: int, due: Due
) -> None:
    """Later rows are projected as if dose ``idx`` were given then: skips and intervals of the
    following doses see it (a catch-up dose at 11 makes the 11-13 one unneeded)."""
    ctx = ev.ctx
    recommended = due.recommended or ctx.as_of  # an open dose always has one
    when = max(recommended, ctx.as_of) if state.first_open else recommended
    planned = Dose(-1 - idx, when, "(projected)", frozenset(item.targets), ev.item_live,
                   None, None, False)
    state.history = [*state.history, (planned, True)]
    state.satisfied[idx] = planned
    state.prev = planned
    state.projected_prev = when
    state.first_open = False


def _open_dose(
    item: Item[SeriesSpec], res: SeriesResult, ev: _Evaluation, state: _Projection, idx: int
) -> Occurrence | None:
    """The occurrence of open target dose ``idx``, ``_SKIP`` when it is not needed, None when
    nothing more is planned."""
    ctx, td = ev.ctx, res.series.doses[idx]
    ref_date = ctx.as_of if state.first_open else (state.projected_prev or ctx.as_of)
    skip = (td, "forecast")
    if skip_applies(*skip, ref_date, ctx.birth, state.history, state.prev, set(ev.completed),
                    ctx.doses):
        return _SKIP
    fc = forecast_dose(td, state.prev, state.satisfied, state.history, ctx, ev.cal,
                       ev.live_doses, ev.item_live,
                       prev_date_override=None if state.first_open else state.projected_prev)
    if state.first_open and fc.earliest > ref_date and skip_applies(
        *skip, fc.earliest, ctx.birth, state.history, state.prev, set(ev.completed), ctx.doses
    ):
        return _SKIP  # CDSi 7.6: the recommendation is validated again at its earliest date
    if not state.first_open:
        return _projected(res, td, idx, fc, state, ctx)
    if res.series.seasons:
        season = _season_for(res.series.seasons, fc, ctx)
        if season is None:
            return None  # no campaign season covers this dose: nothing to propose now
        fc = _clip_to_season(fc, season)
    return _next_dose(res, td, idx, fc, ctx, _uncounted(res, ev))


def _next_dose(
    res: SeriesResult, td: TargetDose, idx: int, fc: Forecast, ctx: Context, uncounted: int
) -> Occurrence:
    due = Due(fc.earliest, fc.recommended, fc.past_due, fc.latest)
    missed = fc.latest is not None and fc.earliest > fc.latest
    status = "missed" if missed else due.status_on(ctx.as_of)
    reason = Reason.of(
        "series.next", number=idx + 1, status=status, done=len(res.satisfied),
        uncounted=uncounted, note=res.series.note,
        earliest=fc.earliest, recommended=fc.recommended, latest=fc.latest,
        limit_ahead=fc.latest is not None and fc.latest >= ctx.as_of,
        date_limit=fc.latest is not None and not fc.age_limit,
        undated=not fc.recommended_dated,
    )
    if status == "missed":  # a missed dose keeps only its limit: the other dates no longer apply
        due = Due(latest=fc.latest)
    return Occurrence(status=status, dose=idx + 1, due=due, series=res.series.name,
                      reason=reason, nominal_age=_nominal_age(res.series, idx), label=_label(td))


def _projected(
    res: SeriesResult, td: TargetDose, idx: int, fc: Forecast, state: _Projection,
    ctx: Context,
) -> Occurrence | None:
    """A later dose, dated as if the previous ones are given when recommended."""
    if state.projected_prev is not None and fc.earliest <= state.projected_prev:
        # A projected dose comes after the projected previous one (never the same day),
        # whatever its own minimum age says; it stays "upcoming", so after as_of too.
        earliest = max(state.projected_prev + ONE_DAY, ctx.as_of + ONE_DAY)
        recommended = max(fc.recommended, earliest)
        past_due = max(fc.past_due, recommended) if fc.past_due is not None else None
        fc = Forecast(earliest, recommended, past_due, fc.latest, fc.dated, fc.age_limit)
    if fc.latest is not None and fc.earliest > fc.latest:
        return None  # a projected dose that could not fit before its age limit: not planned
    return Occurrence(
        status="upcoming", dose=idx + 1,
        due=Due(fc.earliest, fc.recommended, fc.past_due, fc.latest),
        series=res.series.name,
        reason=Reason.of("series.projected", number=idx + 1, recommended=fc.recommended,
                         note=res.series.note),
        nominal_age=_nominal_age(res.series, idx), label=_label(td),
    )


#: More booster dates than a valid rule can produce (the loader wants a repeat of at least one
#: day, and a life of 150 years has under 55,000 days): a loop bound the data cannot reach.
_MAX_BOOSTERS = 60_000


def _booster_dates(b: Boosters, birth: dt.date, until: dt.date) -> list[dt.date]:
    out = [a.add_to(birth) for a in b.at_ages]
    if b.then_every is not None and out:
        last = out[-1]
        # Bounded whatever the data says: the loader refuses a zero or negative repeat.
        for _ in range(_MAX_BOOSTERS):
            if last > until:
                break
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


def _clip_to_season(fc: Forecast, season: Season) -> Forecast:
    earliest = max(fc.earliest, season.start)
    latest = season.end if fc.latest is None else min(fc.latest, season.end)
    past_due = fc.past_due
    if past_due is not None:
        past_due = max(earliest, min(past_due, latest + ONE_DAY))
    return Forecast(earliest, max(fc.recommended, season.start), past_due, latest,
                    fc.dated, fc.age_limit and latest == fc.latest)


def _next_fixed(
    b: Boosters, fixed: list[dt.date], last: dt.date | None, birth: dt.date
) -> dt.date | None:
    """The next fixed-age booster after ``last``, skipping ages closer than ``min_gap`` (from
    the age ``min_gap_from`` on, when the rule sets one)."""
    gap_from = b.min_gap_from.add_to(birth) if b.min_gap_from is not None else None
    for f in fixed:
        if last is not None and f <= last:
            continue
        if (
            last is not None
            and b.min_gap is not None
            and (gap_from is None or f >= gap_from)
            and f <= b.min_gap.add_to(last)
        ):
            continue  # too close to the last dose: go to the following fixed age
        return f
    return None


def _booster_title(birth: dt.date, on: dt.date, fixed: list[dt.date], done: bool) -> Reason:
    """An adult booster is named by its age ("rappel de 45 ans"), not by a dose number."""
    state = "done" if done else ("fixed" if on in fixed else "catch_up")
    return Reason.of("label.booster", age=completed_years(birth, on), state=state)


def _booster_rows(
    b: Boosters, res: SeriesResult, ctx: Context, cal: CalendarRules, offset: int, uncounted: int
) -> list[Occurrence]:
    """Completed boosters, the next one (late-booster rules applied) and the one after it."""
    fixed = _booster_dates(b, ctx.birth, Duration(years=120).add_to(ctx.birth))
    rows = [
        Occurrence(
            status="completed",
            dose=offset + n,
            completed_date=d.date,
            series=res.series.name,
            reason=Reason.of("booster.done", dose=d.label, date=d.date),
            nominal_age=Duration(years=completed_years(ctx.birth, d.date)),
            label=_booster_title(ctx.birth, d.date, fixed, True),
        )
        for n, d in enumerate(res.boosters_done, start=1)
    ]
    valid = [e.dose for e in res.evals if e.status == "valid"]
    last = valid[-1].date if valid else None
    nxt, late_gap = _next_booster_date(b, fixed, last, ctx, _catch_up_from(res, fixed, ctx, cal))
    if nxt is None:
        return rows
    # no dose on record and the first fixed age still ahead: a catch-up dose, not a fixed age
    catch_up = last is None and nxt not in fixed
    recent = (b.recent_dose_note if b.recent_dose_note and last is not None
              and b.min_gap is not None and nxt <= b.min_gap.add_to(last) else None)
    due = Due.starting(nxt, cal.past_due_after)
    status = due.status_on(ctx.as_of)
    number = offset + len(rows)
    rows.append(Occurrence(
        status=status, dose=number + 1, due=due, series=res.series.name,
        nominal_age=Duration(years=completed_years(ctx.birth, nxt)),
        label=_booster_title(ctx.birth, nxt, fixed, False),
        reason=Reason.of("booster.next", age=completed_years(ctx.birth, nxt), last=last,
                         max_gap=late_gap, note=recent, late=status == "overdue",
                         uncounted=uncounted,
                         first_fixed=completed_years(ctx.birth, fixed[0]) if catch_up else None),
    ))
    # The following fixed age, counted from the day the next booster can really be given.
    done_on = max(nxt, ctx.as_of)
    after = _next_fixed(b, fixed, done_on, ctx.birth)
    if after is not None:
        rows.append(Occurrence(
            status="upcoming", dose=number + 2, due=Due.starting(after, cal.past_due_after),
            series=res.series.name,
            nominal_age=Duration(years=completed_years(ctx.birth, after)),
            label=_booster_title(ctx.birth, after, fixed, False),
            reason=Reason.of("booster.following", age=completed_years(ctx.birth, after),
                             done_on=done_on),
        ))
    return rows


def _catch_up_from(
    res: SeriesResult, fixed: list[dt.date], ctx: Context, cal: CalendarRules
) -> dt.date | None:
    """The series' start, from which a person with no dose on record is caught up before the
    first fixed age; none when that fixed age comes within the due period (one dose, then)."""
    if res.series.start_min is None:
        return None
    soon = cal.past_due_after.add_to(ctx.as_of) if cal.past_due_after is not None else ctx.as_of
    if fixed and fixed[0] <= soon:
        return None
    return res.series.start_min.add_to(ctx.birth)


def _next_booster_date(
    b: Boosters, fixed: list[dt.date], last: dt.date | None, ctx: Context,
    start: dt.date | None = None,
) -> tuple[dt.date | None, Duration | None]:
    """The date of the next booster and, when the late-booster rule moved it, the gap."""
    if last is None:
        # No dose on record: the booster is the fixed age most recently passed (one dose
        # now), not every fixed age since 25.
        passed = [f for f in fixed if f <= ctx.as_of]
        if passed:
            return passed[-1], None
        if start is not None and start <= ctx.as_of:
            # ... and before the first fixed age, an unknown history is caught up from the
            # series' start (18 for the adult DTP series), not years later at that age.
            return start, None
        return (fixed[0] if fixed else None), None
    nxt = _next_fixed(b, fixed, last, ctx.birth)
    if nxt is not None and b.max_gap is not None and nxt > b.max_gap.add_to(last):
        # Gap to the next fixed age too long: a booster is due once max_gap has elapsed.
        return b.max_gap.add_to(last), b.max_gap
    return nxt, None


def all_seasons(spec: SeriesSpec) -> tuple[Season, ...]:
    """The seasons of an item whose every series is given only in season (else none: the
    item does not stop by itself)."""
    if not spec.series or not all(s.seasons for s in spec.series):
        return ()
    return tuple(season for s in spec.series for season in s.seasons)


def bind(item: Item[SeriesSpec], tables: Tables) -> SeriesSpec:
    """Every product a series names exists in the product table of its jurisdiction, and the
    spec learns whether the item's vaccine is live (every marketed product covering its
    targets is live: live-vaccine spacing then applies to the doses it proposes) and what it
    needs of its calendar (past-due period, live-vaccine rules)."""
    _check_products(item, tables)
    targets = frozenset(item.targets)
    covering = [p for p in tables.products if targets <= p.targets and p.status == "marketed"]
    rules = tables.settings if isinstance(tables.settings, CalendarRules) else CalendarRules()
    return replace(item.spec, live=bool(covering) and all(p.live for p in covering),
                   calendar=replace(rules, past_due_after=tables.past_due_after),
                   also_counts_targets=_by_targets(item.spec.also_counts, tables))


def _by_targets(
    keys: frozenset[str], tables: Tables
) -> tuple[tuple[frozenset[str], frozenset[str]], ...]:
    """The ``also_counts`` products (keys) grouped by their targets, in a stable order."""
    groups: dict[frozenset[str], set[str]] = {}
    for p in tables.products:
        named = {normalise_name(n) for n in (p.name, *p.aliases)} & keys
        if named:
            groups.setdefault(p.targets, set()).update(named)
    return tuple(sorted(((t, frozenset(k)) for t, k in groups.items()),
                        key=lambda g: sorted(g[0])))


def _unknown_product(ref: str, tables: Tables) -> str:
    """A folder of copied calendars without the product tables names every product unknown:
    say that the table is missing, not that the product is misspelt. The table's file is
    named by its folder and jurisdiction only: file names differ (the US table is
    ``us-cvx-4.64.yaml``), and a guessed one sends the reader looking for nothing."""
    if not tables.products:
        return (f"unknown product '{ref}': no {tables.jurisdiction} product table was loaded "
                f"with the rule files given (add the product table file whose jurisdiction "
                f"is {tables.jurisdiction}, in rules/products/ of the bundled rules, or give "
                f"the whole rules folder)")
    return f"unknown product '{ref}' (not in the {tables.jurisdiction} product table)"


def _check_products(item: Item[SeriesSpec], tables: Tables) -> None:
    names = {normalise_name(n) for p in tables.products for n in (p.name, *p.aliases)}
    cvx = {(p.cvx or "").lstrip("0") or "0" for p in tables.products if p.cvx}
    for ref, field, line in item.spec.product_refs:
        ok = ref[4:] in cvx if ref.startswith("cvx:") else ref in names
        if not ok:
            raise CalendarError(
                _unknown_product(ref, tables),
                file=tables.file,
                line=line,
                item=item.id,
                field=field,
                suggestion=suggest(ref, [p.name for p in tables.products]),
            )

