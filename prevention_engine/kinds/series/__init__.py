"""The ``series`` kind: vaccination series evaluated and forecast the CDSi way.

Each recorded dose is matched against the target doses of a series in date order (age,
intervals, product, live-vaccine spacing, conditional skips); then the next target dose gets its
forecast dates. Grace periods, intervals and skips are all data from the rule file. The parts:
``spec`` (compiled YAML), ``evaluation`` (doses and forecast), ``selection`` (which series),
and here the agenda rows (completed doses, the next one, projections, adult boosters).
"""

from __future__ import annotations

import datetime as dt

from ... import schedule
from ...agenda import TraceEntry
from ...calendar.model import Calendar, Item
from ...context import Context, Dose
from ...dates import ONE_DAY, Duration, completed_years, french_date
from ...products import product_key
from ...schedule import Season
from ..base import Kind, Row, register, status_for_dates
from .evaluation import (
    Forecast,
    SeriesResult,
    evaluate_series,
    forecast_dose,
    skip_applies,
)
from .selection import (
    ordinal,
    select_across_groups,
    series_admits,
)
from .spec import (
    Boosters,
    SeriesSpec,
    TargetDose,
    parse_series,
)

__all__ = ["SeriesSpec", "evaluate", "product_key"]


def _nominal_age(td: TargetDose) -> Duration | None:
    """The calendar age of a target dose (for obligations limited to the first months)."""
    return td.ages.earliest_rec or td.ages.min


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
    # A skip may depend on another series being complete ("completed series" conditions):
    # evaluate once, then again knowing which series are complete.
    results = _evaluate_candidates(spec, relevant, ctx, cal, frozenset())
    completed = frozenset(r.series.name for r in results if r.complete)
    if completed:
        results = _evaluate_candidates(spec, relevant, ctx, cal, completed)
    if not results:
        return []
    best = select_across_groups(results, ctx)
    return _rows(item, best, ctx, cal, trace, live_doses, item_live, completed)


def _evaluate_candidates(
    spec: SeriesSpec,
    relevant: list[Dose],
    ctx: Context,
    cal: Calendar,
    completed: frozenset[str],
) -> list[SeriesResult]:
    """Every series of the item that applies to the person, evaluated against the doses."""
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
            if not series_admits(s, ctx, first):
                continue
        res = evaluate_series(s, doses, list(ctx.doses), ctx, cal, set(completed))
        if spec.start_age_basis == "first_valid_dose" and res.satisfied:
            first_valid = min(d.date for d in res.satisfied.values())
            if s.start_max is not None and first_valid >= s.start_max.add_to(ctx.birth):
                continue
        results.append(res)
    return results


def _rows(
    item: Item,
    res: SeriesResult,
    ctx: Context,
    cal: Calendar,
    trace: list[TraceEntry],
    live_doses: list[Dose],
    item_live: bool,
    completed: frozenset[str] = frozenset(),
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
                    reason=f"{ordinal(i + 1).capitalize()} dose faite : {_dose_label(d)}.",
                    trace=list(trace) if i == 0 else [],
                    nominal_age=_nominal_age(tds[i]),
                    title_suffix=tds[i].title,
                )
            )
        elif i in res.skipped and i < res.next_index:
            rows.append(
                Row(
                    status="completed",
                    dose=i + 1,
                    series=s.name,
                    reason=f"{ordinal(i + 1).capitalize()} dose non nécessaire compte tenu de "
                    "l'âge et des doses déjà reçues.",
                    nominal_age=_nominal_age(tds[i]),
                    title_suffix=tds[i].title,
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
        if skip_applies(
            td, "forecast", ref_date, ctx.birth, history, prev, set(completed), ctx.doses
        ):
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
            and skip_applies(
                td, "forecast", fc.earliest, ctx.birth, history, prev, set(completed), ctx.doses
            )
        ):
            # CDSi 7.6: the recommendation is validated again at its earliest date
            idx += 1
            continue
        if not first_open and projected_prev is not None and fc.earliest <= projected_prev:
            # A projected dose comes after the projected previous one (never the same day),
            # whatever its own minimum age says; it stays "upcoming", so after as_of too.
            fc.earliest = max(projected_prev + ONE_DAY, ctx.as_of + ONE_DAY)
            fc.recommended = max(fc.recommended, fc.earliest)
            if fc.past_due is not None:
                fc.past_due = max(fc.past_due, fc.recommended)
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
            if fc.latest is not None and fc.earliest > fc.latest:
                break  # a projected dose that could not fit before its age limit: not planned
            status = "upcoming"
            reason = (
                f"{ordinal(idx + 1).capitalize()} dose, prévue à partir du "
                f"{french_date(fc.recommended)} si la dose précédente est faite à la date "
                "recommandée."
            )
        missed = status == "missed"
        rows.append(
            Row(
                status=status,
                dose=idx + 1,
                # a missed dose keeps only its limit: the other dates no longer apply
                earliest=None if missed else fc.earliest,
                recommended=None if missed else fc.recommended,
                past_due=None if missed else fc.past_due,
                latest=fc.latest,
                series=s.name,
                reason=reason,
                trace=list(trace) if first_open and not rows else [],
                nominal_age=_nominal_age(td),
                title_suffix=td.title,
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


def _clip_to_season(fc: Forecast, season: Season) -> None:
    fc.earliest = max(fc.earliest, season.start)
    fc.recommended = max(fc.recommended, season.start)
    fc.latest = season.end if fc.latest is None else min(fc.latest, season.end)
    if fc.past_due is not None:
        fc.past_due = max(fc.earliest, min(fc.past_due, fc.latest + ONE_DAY))


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


def _booster_title(birth: dt.date, on: dt.date, fixed: list[dt.date], done: bool) -> str:
    """An adult booster is named by its age ("rappel de 45 ans"), not by a dose number."""
    age = completed_years(birth, on)
    if done:
        return f"rappel fait à {age} ans"
    return f"rappel de {age} ans" if on in fixed else f"rappel de rattrapage à {age} ans"


def _booster_rows(
    item: Item, res: SeriesResult, ctx: Context, cal: Calendar, offset: int
) -> list[Row]:
    """Completed boosters, the next one (late-booster rules applied) and the one after it."""
    b = res.series.boosters
    assert b is not None
    fixed = _booster_dates(b, ctx.birth, Duration(years=120).add_to(ctx.birth))
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
                nominal_age=Duration(years=completed_years(ctx.birth, d.date)),
                title_suffix=_booster_title(ctx.birth, d.date, fixed, True),
            )
        )
    valid = [e.dose for e in res.evals if e.status == "valid"]
    last = valid[-1].date if valid else None
    nxt, why = _next_booster_date(b, fixed, last, ctx)
    if nxt is None:
        return rows
    if (
        b.recent_dose_note
        and last is not None
        and b.min_gap is not None
        and nxt <= b.min_gap.add_to(last)
    ):
        why += " " + b.recent_dose_note
    past_due = schedule.past_due(cal.past_due_after, nxt)
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
            nominal_age=Duration(years=completed_years(ctx.birth, nxt)),
            title_suffix=_booster_title(ctx.birth, nxt, fixed, False),
            reason=(
                f"Rappel de l'adulte à âge fixe ({_age_words(ctx.birth, nxt)}) ; {last_txt}."
                + why + late
            ),
        )
    )
    # The following fixed age, counted from the day the next booster can really be given.
    done_on = max(nxt, ctx.as_of)
    after = _next_fixed(b, fixed, done_on, ctx.birth)
    if after is not None:
        rows.append(
            Row(
                status="upcoming",
                dose=number + 2,
                earliest=after,
                recommended=after,
                past_due=schedule.past_due(cal.past_due_after, after),
                latest=None,
                series=res.series.name,
                nominal_age=Duration(years=completed_years(ctx.birth, after)),
                title_suffix=_booster_title(ctx.birth, after, fixed, False),
                reason=(
                    f"Rappel suivant à âge fixe ({_age_words(ctx.birth, after)}), si le "
                    f"précédent est fait le {french_date(done_on)}."
                ),
            )
        )
    return rows


def _next_booster_date(
    b: Boosters, fixed: list[dt.date], last: dt.date | None, ctx: Context
) -> tuple[dt.date | None, str]:
    """The date of the next booster and, when the late-booster rule moved it, why."""
    if last is None:
        # No dose on record: the booster is the fixed age most recently passed (one dose
        # now), not every fixed age since 25.
        passed = [f for f in fixed if f <= ctx.as_of]
        return (passed[-1] if passed else (fixed[0] if fixed else None)), ""
    nxt = _next_fixed(b, fixed, last, ctx.birth)
    if nxt is not None and b.max_gap is not None and nxt > b.max_gap.add_to(last):
        # Gap to the next fixed age too long: a booster is due once max_gap has elapsed.
        return b.max_gap.add_to(last), (
            " Le dernier rappel date de plus de "
            f"{b.max_gap.french()} : un rappel est à faire sans attendre l'âge fixe suivant."
        )
    return nxt, ""


def _age_words(birth: dt.date, on: dt.date) -> str:
    return f"{completed_years(birth, on)} ans"


def _next_reason(
    item: Item, number: int, fc: Forecast, status: str, done_txt: str, ctx: Context
) -> str:
    head = f"{ordinal(number).capitalize()} dose"
    when = french_date(fc.recommended)
    if status == "missed":
        limit = f" ({french_date(fc.latest)})" if fc.latest else ""
        if fc.latest is not None and fc.latest >= ctx.as_of:
            return (
                f"{head} : elle ne peut plus être faite avant l'âge limite{limit}, "
                f"le délai minimal la repoussant au {french_date(fc.earliest)} ; {done_txt}."
            )
        return f"{head} non faite et l'âge limite est dépassé{limit} ; {done_txt}."
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
