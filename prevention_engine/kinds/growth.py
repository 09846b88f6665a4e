"""The ``growth`` kind: measurements become z-scores; signals and missing measurements show.

Weight, length/height, head circumference (and BMI, computed from a weight and a stature of the
same day, or recorded) are scored against a growth reference (``prevention_engine.growth``, WHO
by default, or the rule's own LMS tables). Two kinds of rows:

- ``mesures-<window>``: during an examination window (``measure_at``), whether the
  measurements were recorded in it: ``completed``; ``needs_data`` when an examination was
  recorded in the window without them; otherwise ``due`` (measure them at the examination).
- ``courbe``: the latest measurements with their z-scores and percentiles; ``due`` (a doctor
  reviews the curve) when a signal holds: |z| beyond the limit on the latest value, a crossing
  of two major percentile lines between the last two values, an early adiposity rebound
  (thresholds and their sources in ``growth.detect``); else ``completed``. The row's ``score``
  carries the z-scores used (CONTRACT.md: growth reviews carry the z-scores).

A value WHO would flag as implausible is shown, marked, and raises no signal (more likely a
typing error). Without the child's sex nothing can be scored: the item asks for it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..agenda import Score
from ..calendar.model import Item
from ..calendar.reader import Reader
from ..context import Context
from ..dates import ONE_DAY, Duration
from ..growth import (
    Finding,
    GrowthInputError,
    GrowthReference,
    GrowthScore,
    GrowthTableError,
    early_adiposity_rebound,
    percentile_crossing,
    reference_from_csv,
    score,
    score_bmi,
    value_at_z,
    who_reference,
    z_beyond_limit,
)
from ..growth.tables import Indicator
from ..profile import Observation
from ..schedule import Due, Occurrence, Reason, longer
from .base import Kind, register

#: Observation codes and the indicator they are scored on.
INDICATOR_OF: dict[str, Indicator] = {
    "weight": "weight_for_age",
    "height": "length_height_for_age",
    "head_circumference": "head_circumference_for_age",
    "bmi": "bmi_for_age",
}
MEASURES = ("weight", "height", "head_circumference")
#: Prematurity: born before 37 weeks, measurements of the first 2 years are read at the age
#: corrected to a 40-week term (see the item's review reason for the source).
PRETERM_WEEKS = 37
TERM_WEEKS = 40
CORRECT_UNTIL_DAYS = 731
#: Percentile crossings are read from 14 days: a newborn's physiological weight loss and its
#: regain of the birth weight within about two weeks is not growth faltering.
NEWBORN_DAYS = 14


@dataclass(frozen=True, slots=True)
class MeasureWindow:
    id: str
    label: str
    start: Duration
    end: Duration  # exclusive
    measures: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class GrowthSpec:
    windows: tuple[MeasureWindow, ...]
    reference: GrowthReference


@dataclass(frozen=True, slots=True)
class Scored:
    """One measurement scored (``score`` None: outside what the reference covers)."""

    code: str
    date: dt.date
    value: float
    score: GrowthScore


def parse_growth(r: Reader, names: set[str]) -> GrowthSpec:
    windows = []
    default = r.str_list("measures", MEASURES) or ("weight", "height")
    for wr in r.children("measure_at"):
        wr.check_keys(["id", "label", "from", "to", "measures"], required=["id", "from", "to"])
        start, end = wr.req_duration("from"), wr.req_duration("to")
        if not longer(end, start):
            raise wr.error("window 'to' must be after 'from'", "to")
        wid = wr.req_str("id")
        windows.append(MeasureWindow(wid, wr.get_str("label", wid) or wid, start, end,
                                     wr.str_list("measures", MEASURES) or default))
    return GrowthSpec(tuple(windows), _reference(r))


def _reference(r: Reader) -> GrowthReference:
    """WHO (bundled) unless the rule names its own LMS tables (CSV, next to the rule file)."""
    if not r.has("reference"):
        return who_reference()
    ref = r.child("reference")
    ref.check_keys(["name", "tables"], required=["name", "tables"])
    folder = Path(r.file).parent
    try:
        return reference_from_csv([folder / f for f in ref.str_list("tables")],
                                  ref.req_str("name"))
    except GrowthTableError as exc:
        raise ref.error(str(exc), "tables") from None


def plan(item: Item[GrowthSpec], ctx: Context) -> list[Occurrence]:
    sex = ctx.profile.sex
    if sex is None:
        return [Occurrence(status="needs_data", missing=("sex",),
                           reason=Reason("growth.needs_sex"))]
    obs = [o for o in ctx.profile.observations if o.code in INDICATOR_OF and o.date <= ctx.as_of]
    rows = [_measure_row(w, obs, ctx) for w in item.spec.windows
            if w.start.add_to(ctx.birth) <= ctx.as_of < w.end.add_to(ctx.birth)]
    weeks = ctx.profile.perinatal.gestational_age_weeks
    scored = _scored(item.spec.reference, sex, ctx.birth, obs, weeks)
    if scored:
        young = (scored[-1].date - ctx.birth).days < CORRECT_UNTIL_DAYS
        rows.append(_curve_row(item.spec.reference, scored,
                               corrected=young and weeks is not None and weeks < PRETERM_WEEKS,
                               ask_term=young and weeks is None))
    return rows


def _measure_row(w: MeasureWindow, obs: list[Observation], ctx: Context) -> Occurrence:
    start, end = w.start.add_to(ctx.birth), w.end.add_to(ctx.birth)
    inside = {o.code for o in obs if start <= o.date < end}
    lacking = tuple(m for m in w.measures if m not in inside)
    occurrence = f"mesures-{w.id}"
    if not lacking:
        done = max(o.date for o in obs if start <= o.date < end and o.code in w.measures)
        return Occurrence(status="completed", occurrence=occurrence, completed_date=done,
                          reason=Reason.of("growth.measured", label=w.label, date=done))
    exams = [p.date for p in ctx.procedures
             if p.target == "child_health_exam" and start <= p.date < end]
    if exams:
        return Occurrence(status="needs_data", occurrence=occurrence,
                          missing=tuple(f"observation.{m}" for m in lacking),
                          reason=Reason.of("growth.unrecorded", label=w.label,
                                           date=max(exams), lacking=lacking))
    due = Due(earliest=start, recommended=start, latest=end - ONE_DAY)
    return Occurrence(status=due.status_on(ctx.as_of), occurrence=occurrence, due=due,
                      reason=Reason.of("growth.to_measure", label=w.label, start=start,
                                       latest=end - ONE_DAY, lacking=lacking))


def _age_days(birth: dt.date, day: dt.date, weeks: int | None) -> int:
    """Days from birth, corrected for prematurity (born before 37 weeks: minus the weeks
    missing to 40) during the first 2 years; negative before term (no standard applies)."""
    days = (day - birth).days
    if weeks is not None and weeks < PRETERM_WEEKS and days < CORRECT_UNTIL_DAYS:
        days -= (TERM_WEEKS - weeks) * 7
    return days


def _scored(ref: GrowthReference, sex: Any, birth: dt.date, obs: list[Observation],
            weeks: int | None = None) -> list[Scored]:
    out: list[Scored] = []
    for o in sorted(obs, key=lambda o: (o.date, o.code)):
        days = _age_days(birth, o.date, weeks)
        if days < 0:
            continue  # before term: the WHO standards start at term birth
        try:
            if o.code == "bmi":
                s = score(ref, "bmi_for_age", sex, days, o.value)
            else:
                s = score(ref, INDICATOR_OF[o.code], sex, days, o.value, position=o.position)
        except GrowthInputError:
            continue  # an age the reference does not cover (head circumference after 5 y)
        out.append(Scored(o.code, o.date, o.value, s))
    out += _bmi_from_pairs(ref, sex, birth, obs, {s.date for s in out if s.code == "bmi"},
                           weeks)
    return sorted(out, key=lambda s: (s.date, s.code))


def _bmi_from_pairs(ref: GrowthReference, sex: Any, birth: dt.date, obs: list[Observation],
                    recorded: set[dt.date], weeks: int | None) -> Iterable[Scored]:
    """BMI-for-age from a weight and a stature of the same day (unless a BMI was recorded)."""
    weights = {o.date: o for o in obs if o.code == "weight"}
    for h in (o for o in obs if o.code == "height"):
        w = weights.get(h.date)
        days = _age_days(birth, h.date, weeks)
        if w is None or h.date in recorded or days < 0:
            continue
        try:
            s = score_bmi(ref, sex, days, w.value, h.value, position=h.position)
        except GrowthInputError:
            continue
        yield Scored("bmi", h.date, round(s.value, 1), s)


def _signals(scored: list[Scored]) -> list[Finding]:
    plausible = [s for s in scored if not s.score.implausible]
    found: list[Finding | None] = []
    for code in INDICATOR_OF:
        series = [s.score for s in plausible if s.code == code]
        if series:
            found.append(z_beyond_limit(series[-1]))
        later = [s for s in series if s.age_days >= NEWBORN_DAYS]
        if len(later) >= 2 and later[-1].age_days > later[-2].age_days:
            found.append(percentile_crossing(later[-2], later[-1]))
    found.append(early_adiposity_rebound([s.score for s in plausible if s.code == "bmi"]))
    return [f for f in found if f is not None]


def _lines_at(ref: GrowthReference, s: GrowthScore) -> list[float]:
    """The -2, 0 and +2 SD values at the measurement's age (the chart's reference lines)."""
    return [round(value_at_z(ref, s.indicator, s.sex, s.age_days, z), 1) for z in (-2, 0, 2)]


def _curve_row(ref: GrowthReference, scored: list[Scored], *, corrected: bool,
               ask_term: bool) -> Occurrence:
    by_code = {s.code: s for s in scored}  # sorted by date: the last one per code wins
    latest = {c: by_code[c] for c in INDICATOR_OF if c in by_code}
    lines = tuple((s.code, s.value, s.date, s.score.z, s.score.percentile,
                   s.score.implausible) for s in latest.values())
    findings = _signals(scored)
    last = max(s.date for s in latest.values())
    inputs: dict[str, Any] = {
        s.code: {"date": s.date.isoformat(), "value": s.value, "z": round(s.score.z, 2),
                 "percentile": round(s.score.percentile, 1), "implausible": s.score.implausible,
                 "sd_lines": _lines_at(ref, s.score)}
        for s in latest.values()
    }
    inputs["signals"] = [{"kind": f.kind, "indicator": f.indicator,
                          "z_scores": [round(z, 2) for z in f.z_scores]} for f in findings]
    inputs["reference"] = scored[0].score.reference
    inputs["corrected_age"] = corrected
    worst = max((z for f in findings for z in f.z_scores), key=abs, default=None)
    value = worst if worst is not None else max((s.score.z for s in latest.values()), key=abs)
    band = "+".join(sorted({f.kind for f in findings})) or "within_limits"
    result = Score(name="growth_z", value=round(value, 2), unit="z", band=band, inputs=inputs)
    signals = tuple((f.kind, f.indicator, f.z_scores) for f in findings)
    if findings:
        return Occurrence(status="due", occurrence="courbe", score=result,
                          due=Due(earliest=last, recommended=last),
                          reason=Reason.of("growth.signal", lines=lines, signals=signals,
                                           corrected=corrected, ask_term=ask_term))
    return Occurrence(status="completed", occurrence="courbe", completed_date=last,
                      score=result, reason=Reason.of("growth.curve", lines=lines,
                                                     corrected=corrected))


register(
    Kind(
        name="growth",
        keys=("measure_at", "measures", "reference"),
        parse=parse_growth,
        plan=plan,
    )
)
