"""The ``score`` kind: a chronic-risk score computed from the profile, with its follow-up.

``score: cardiovascular`` chooses SCORE2 (40-69 years, no diabetes), SCORE2-Diabetes (type 2
diabetes, 40-69) or SCORE2-OP (70 and over) by the age on the assessment date and the recorded
diabetes; ``score: findrisc`` scores the risk of type 2 diabetes. The numbers are data: the
rule names its coefficient file (``coefficients.data``, in ``prevention_engine/risk/data``)
with its source, and the pure functions of ``prevention_engine.risk`` compute. Each input is
the latest measurement still valid on the assessment date (``validity``, per observation);
a missing or stale one gives ``needs_data`` naming exactly what to measure, never a default.
A band listed in a ``follow_up`` adds a second row (a blood glucose test after a high
FINDRISC), completed by a matching observation recent enough.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from typing import Any

from ..agenda import Score
from ..calendar.model import Item
from ..calendar.reader import Reader, read_source
from ..context import Context
from ..dates import Duration, completed_years
from ..risk import (
    FindriscTable,
    Score2Family,
    ScoreResult,
    findrisc,
    hba1c_mmol_mol,
    score2,
    score2_diabetes,
    score2_op,
)
from ..risk.bundled import DATA_DIR, load_findrisc, load_score2_family
from ..schedule import Due, Occurrence, Reason, Step
from ..vocabulary import OBSERVATIONS
from .base import Kind, Tables, register

SCORES = ("cardiovascular", "findrisc")
DIABETES = frozenset({"type_1_diabetes", "type_2_diabetes"})
UNITS = {"systolic_bp": "mmHg", "total_cholesterol": "mmol/L", "hdl_cholesterol": "mmol/L",
         "hba1c": "%", "egfr": "mL/min/1,73 m²", "bmi": "kg/m²", "waist_circumference": "cm",
         "weight": "kg", "height": "cm"}


@dataclass(frozen=True, slots=True)
class FollowUp:
    bands: frozenset[str]
    text: str
    observations: tuple[str, ...]
    within: Duration | None


@dataclass(frozen=True, slots=True)
class ScoreSpec:
    score: str
    family: Score2Family | None
    table: FindriscTable | None
    validity: dict[str, Duration]
    advice: dict[str, str]
    follow_up: tuple[FollowUp, ...]
    #: the calendar's default past-due period (for follow-up rows), set at load time (bind)
    past_due_after: Duration | None = None


def _load(r: Reader, score: str) -> tuple[Score2Family | None, FindriscTable | None]:
    c = r.child("coefficients")
    c.check_keys(["data", "source"], required=["data", "source"])
    read_source(c)
    name = c.req_str("data")
    path = DATA_DIR / f"{name}.yaml"
    if not path.is_file():
        raise c.error(f"no score data '{name}' in prevention_engine/risk/data", "data")
    if score == "cardiovascular":
        return load_score2_family(path), None
    return None, load_findrisc(path)


def _parse_follow_ups(r: Reader) -> tuple[FollowUp, ...]:
    out = []
    for fr in r.children("follow_up"):
        fr.check_keys(["bands", "text", "completed_by"], required=["bands", "text"])
        observations: tuple[str, ...] = ()
        within = None
        if fr.has("completed_by"):
            cb = fr.child("completed_by")
            cb.check_keys(["observations", "within"], required=["observations"])
            observations = cb.str_list("observations", OBSERVATIONS)
            within = cb.duration("within")
        out.append(FollowUp(frozenset(fr.str_list("bands")), fr.req_str("text"), observations,
                            within))
    return tuple(out)


def parse_score(r: Reader, names: set[str]) -> ScoreSpec:
    score = r.req_str("score")
    if score not in SCORES:
        raise r.error(f"score is one of {', '.join(SCORES)}, not {score!r}", "score")
    family, table = _load(r, score)
    validity: dict[str, Duration] = {}
    if r.has("validity"):
        v = r.child("validity")
        v.check_keys(sorted(OBSERVATIONS))
        validity = {k: v.req_duration(k, positive=True) for k in v.data}
    advice: dict[str, str] = {}
    if r.has("advice"):
        a = r.child("advice")
        advice = {k: a.req_str(k) for k in a.data}
    return ScoreSpec(score, family, table, validity, advice, _parse_follow_ups(r))


# -- inputs ---------------------------------------------------------------------------------


@dataclass(slots=True)
class _Inputs:
    """What was read from the profile: values with dates, facts missing, measures too old."""

    ctx: Context
    spec: ScoreSpec
    values: dict[str, Any]
    dates: dict[str, dt.date]
    missing: list[str]
    stale: list[tuple[str, dt.date, Duration]]
    trace: list[Step] = field(default_factory=list)

    def measure(self, code: str) -> float | None:
        seen = self.ctx.observations(code)
        if not seen:
            self.missing.append(f"observation.{code}")
            return None
        last = seen[-1]
        valid = self.spec.validity.get(code)
        if valid is not None and valid.add_to(last.date) <= self.ctx.as_of:
            self.missing.append(f"observation.{code}")
            self.stale.append((f"observation.{code}", last.date, valid))
            self.trace.append(Step(date=last.date, event=_measured(code, last.value),
                                   outcome="ignored",
                                   why=Reason.of("trace.measure_too_old", validity=valid)))
            return None
        self.trace.append(Step(date=last.date, event=_measured(code, last.value),
                               outcome="counted", why=Reason.of("trace.last_measure")))
        self.values[code] = {"value": last.value, "unit": UNITS.get(code), "date": last.date}
        self.dates[code] = last.date
        return last.value

    def fact(self, code: str, value: Any) -> Any:
        if value is None:
            self.missing.append(code)
        else:
            self.values[code.split(".")[-1]] = value
        return value


def _new(ctx: Context, spec: ScoreSpec) -> _Inputs:
    return _Inputs(ctx, spec, {}, {}, [], [])


def _age(ctx: Context) -> int:
    return completed_years(ctx.birth, ctx.as_of)


def _model(spec: ScoreSpec, ctx: Context) -> str | None:
    family = spec.family
    if family is None:
        return None
    age = _age(ctx)
    if "type_2_diabetes" in ctx.conditions and age in family.model("SCORE2-Diabetes").ages:
        return "SCORE2-Diabetes"
    for name in ("SCORE2", "SCORE2-OP"):
        if age in family.model(name).ages:
            return name
    return None


def in_scope(item: Item[ScoreSpec], ctx: Context) -> bool:
    spec = item.spec
    if spec.score == "findrisc":  # adults never diagnosed with diabetes (even in remission)
        ever = {c.name for c in ctx.profile.conditions if c.since is None or c.since <= ctx.as_of}
        return _age(ctx) >= 18 and not (DIABETES & ever)
    return _model(spec, ctx) is not None


def _cardio(
    spec: ScoreSpec, family: Score2Family, ctx: Context, name: str
) -> tuple[_Inputs, ScoreResult | None]:
    got = _new(ctx, spec)
    sex = got.fact("sex", ctx.profile.sex)
    smoker = got.fact("lifestyle.smoker", ctx.profile.lifestyle.smoker)
    sbp, tc, hdl = (got.measure(c) for c in ("systolic_bp", "total_cholesterol",
                                             "hdl_cholesterol"))
    extra: dict[str, Any] = {}
    if name == "SCORE2-Diabetes":
        since = next((c.since for c in ctx.profile.conditions
                      if c.name == "type_2_diabetes" and c.since is not None), None)
        if since is None:
            got.missing.append("condition.type_2_diabetes.since")
        a1c, egfr = got.measure("hba1c"), got.measure("egfr")
        if since is not None and a1c is not None and egfr is not None:
            extra = {"age_at_diagnosis": completed_years(ctx.birth, since),
                     "hba1c_mmol_mol": hba1c_mmol_mol(a1c), "egfr": egfr}
    if got.missing or sex is None or smoker is None or sbp is None or tc is None or hdl is None:
        return got, None
    common: dict[str, Any] = {"sex": sex, "age": _age(ctx), "smoker": smoker, "systolic_bp": sbp,
                              "total_cholesterol": tc, "hdl_cholesterol": hdl,
                              "region": family.region_of(ctx.profile.residence.country)}
    if name == "SCORE2":
        return got, score2(family, **common)
    if name == "SCORE2-OP":
        diabetes = bool(DIABETES & ctx.conditions)
        got.values["diabetes"] = diabetes
        return got, score2_op(family, diabetes=diabetes, **common)
    return got, score2_diabetes(family, **common, **extra)


def _bmi(got: _Inputs) -> float | None:
    """BMI as recorded, else from a weight and a height (kg / m²)."""
    if got.ctx.observations("bmi"):
        return got.measure("bmi")
    weight, height = got.ctx.observations("weight"), got.ctx.observations("height")
    if not weight or not height:
        got.missing.append("observation.bmi")
        return None
    w, h = got.measure("weight"), got.measure("height")
    return None if w is None or h is None or h == 0 else w / (h / 100) ** 2


def _yes_no(present: bool, absent: bool) -> bool | None:
    return True if present else False if absent else None


def _findrisc_answers(got: _Inputs) -> dict[str, Any]:
    p, ctx = got.ctx.profile, got.ctx
    ever = {c.name for c in p.conditions}
    family = p.family_history.get("diabetes")
    return {
        "sex": got.fact("sex", p.sex),
        "age": _age(ctx),
        "bmi": _bmi(got),
        "waist_cm": got.measure("waist_circumference"),
        "daily_physical_activity": got.fact("lifestyle.daily_physical_activity",
                                            p.lifestyle.daily_physical_activity),
        "daily_fruit_vegetables": got.fact("lifestyle.daily_fruit_vegetables",
                                           p.lifestyle.daily_fruit_vegetables),
        "antihypertensive_medication": got.fact("medication.antihypertensive", _yes_no(
            "antihypertensive" in p.medications, "antihypertensive" in p.medications_absent)),
        "history_of_high_glucose": got.fact("condition.history_of_high_glucose", _yes_no(
            bool(ever & {"history_of_high_glucose", "gestational_diabetes"}),
            "history_of_high_glucose" in p.conditions_absent)),
        "family_history_diabetes": got.fact(
            "family_history.diabetes",
            family if family in ("none", "second_degree", "first_degree") else None),
    }


#: The answer giving no point, used only for the lowest total the known answers reach.
_NO_POINT: dict[str, Any] = {
    "sex": "female", "bmi": 20.0, "waist_cm": 70.0, "daily_physical_activity": True,
    "daily_fruit_vegetables": True, "antihypertensive_medication": False,
    "history_of_high_glucose": False, "family_history_diabetes": "none",
}


def _findrisc(
    spec: ScoreSpec, table: FindriscTable, ctx: Context
) -> tuple[_Inputs, ScoreResult | None, float | None]:
    got = _new(ctx, spec)
    answers = _findrisc_answers(got)
    if not got.missing:
        return got, findrisc(table, **answers), None
    floor = {k: (_NO_POINT[k] if v is None else v) for k, v in answers.items()}
    return got, None, findrisc(table, **floor).value


# -- plan -----------------------------------------------------------------------------------


def _score_obj(result: ScoreResult, got: _Inputs) -> Score:
    inputs: dict[str, Any] = {k: v for k, v in result.inputs if k not in got.values}
    inputs.update(got.values)
    if "hba1c" in inputs:  # measured in %, scored in mmol/mol: both shown
        inputs["hba1c"] = dict(inputs["hba1c"],
                               mmol_mol=round(inputs.pop("hba1c_mmol_mol"), 1))
    if "waist_circumference" in inputs:
        inputs.pop("waist_cm", None)
    return Score.model_construct(name=result.name, value=result.value, unit=result.unit,
                                 band=result.band, inputs=inputs)


def _measured(code: str, value: float) -> Reason:
    return Reason.of("trace.measure", observation=code, value=value)


def _follow_up(fu: FollowUp, name: str, band: str, on: dt.date, ctx: Context,
               past_due_after: Duration | None) -> Occurrence:
    done = [o for c in fu.observations for o in ctx.observations(c)
            if fu.within is None or fu.within.add_to(o.date) > ctx.as_of]
    if done:
        last = max(done, key=lambda o: o.date)
        values = ((None, last.value, last.unit, last.date,
                   last.code),)
        reason = Reason.of("score.follow_up", name=name, band=band, text=fu.text,
                           done=last.date, values=values)
        return Occurrence(status="completed", occurrence="suivi", reason=reason,
                          completed_date=last.date)
    due = Due.starting(on, past_due_after)
    status = due.status_on(ctx.as_of)
    reason = Reason.of("score.follow_up", name=name, band=band, text=fu.text, recommended=on,
                       status=status)
    return Occurrence(status=status, occurrence="suivi", reason=reason, due=due)


def _follow_ups(spec: ScoreSpec, name: str, band: str, on: dt.date,
                ctx: Context) -> list[Occurrence]:
    return [_follow_up(fu, name, band, on, ctx, spec.past_due_after) for fu in spec.follow_up
            if band in fu.bands]


def plan(item: Item[ScoreSpec], ctx: Context) -> list[Occurrence]:
    spec = item.spec
    if not in_scope(item, ctx):
        return []
    floor = None
    if spec.score == "findrisc" and spec.table is not None:
        name = "FINDRISC"
        got, result, floor = _findrisc(spec, spec.table, ctx)
    elif spec.family is not None:
        name = _model(spec, ctx) or ""
        got, result = _cardio(spec, spec.family, ctx, name)
    else:
        return []  # the loader gives every score its coefficients
    if result is None:
        missing = tuple(dict.fromkeys(got.missing))
        reason = Reason.of("score.needs_data", name=name, missing=missing,
                           stale=tuple(got.stale), floor=floor)
        rows = [Occurrence(status="needs_data", reason=reason, missing=missing,
                           trace=tuple(got.trace))]
        if floor is not None and spec.table is not None:
            band = spec.table.bands.band(int(floor))
            rows += _follow_ups(spec, name, band, ctx.as_of, ctx)
        return rows
    dates = sorted(got.dates.values()) or [ctx.as_of]
    reason = Reason.of("score.value", name=result.name, value=result.value, unit=result.unit,
                       band=result.band, oldest=dates[0], date=dates[-1],
                       advice=spec.advice.get(result.band))
    row = Occurrence(status="completed", reason=reason, score=_score_obj(result, got),
                     completed_date=dates[-1], trace=tuple(got.trace))
    return [row, *_follow_ups(spec, result.name, result.band, dates[-1], ctx)]


def bind(item: Item[ScoreSpec], tables: Tables) -> ScoreSpec:
    """Follow-up rows are past due after the calendar's default period."""
    return replace(item.spec, past_due_after=tables.past_due_after)


register(
    Kind(
        name="score",
        keys=("score", "coefficients", "validity", "advice", "follow_up"),
        parse=parse_score,
        plan=plan,
        bind=bind,
        in_scope=in_scope,
    )
)
