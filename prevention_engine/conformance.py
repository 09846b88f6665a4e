"""CDC CDSi conformance runner (issue 4).

Each test case (format of ``external/cdsi/test-cases/derived/``, see ``SOURCE.md``) becomes a
``Profile`` (birth date, sex, US residence, immunizations coded in CVX), evaluated on the case's
assessment date with ``jurisdiction="US"``. The items of the case's vaccine group (every item
whose ``vaccine_group`` has the CDSi group name) are merged the CDSi chapter 9 way and compared
with the expected series status, the evaluation status of every dose and the earliest,
recommended and past-due dates of the forecast. A case passes when all of them match.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
import weakref
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .agenda import Agenda, AgendaItem
from .engine import Engine
from .errors import PreventionError

#: Abbreviations of the healthy workbook -> CDSi vaccine group name. Other workbooks name the
#: group as the supporting data does (``group_name`` finds it among our items' groups).
VACCINE_GROUPS: dict[str, str] = {
    "DTAP": "DTaP/Tdap/Td",
    "MMR": "MMR",
    "POL": "Polio",
    "HIB": "Hib",
    "HEPB": "HepB",
    "HEPA": "HepA",
    "PCV": "Pneumococcal",
    "ROTA": "Rotavirus",
    "VAR": "Varicella",
    "HPV": "HPV",
    "MCV": "Meningococcal",
    "MENB": "Meningococcal B",
    "ZOSTER": "Zoster",
    "FLU": "Influenza",
    "COVID-19": "COVID-19",
    "RSV": "RSV",
}

DOSE_STATUS = {
    "valid": "Valid",
    "not_valid": "Not Valid",
    "extraneous": "Extraneous",
    "sub_standard": "Sub-standard",
}
#: CDSi chapter 9: when antigens of a group disagree on a dose, "Valid" outranks "Extraneous"
_STATUS_RANK = {"Not Valid": 3, "Sub-standard": 3, "Valid": 2, "Extraneous": 1}


class CasesError(Exception):
    """The cases file cannot be read."""


@dataclass(slots=True)
class GroupResult:
    """What the engine says for one vaccine group: the CDSi outputs of a test case."""

    series_status: str
    dose_status: dict[int, str]
    earliest: dt.date | None
    recommended: dt.date | None
    past_due: dt.date | None


@dataclass(slots=True)
class CaseResult:
    case_id: str
    group: str
    passed: bool
    mismatches: list[str] = field(default_factory=list)


def load_cases(path: str | Path) -> list[dict[str, Any]]:
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as exc:  # JSONDecodeError is a ValueError
        raise CasesError(f"cannot read {path}: {exc}") from None
    except RecursionError:
        raise CasesError(f"cannot read {path}: JSON nested too deeply") from None
    cases = data.get("cases") if isinstance(data, dict) else data
    if not isinstance(cases, list) or not all(isinstance(c, dict) for c in cases):
        raise CasesError(f"{path}: expected an object with a 'cases' list")
    return cases


def _date(v: Any) -> dt.date | None:
    if not v:
        return None
    return dt.date.fromisoformat(str(v)[:10])


def _observations(case: dict[str, Any]) -> list[dict[str, Any]]:
    """The case's CDSi observations as coded conditions (with their date as ``since``)."""
    out = []
    for o in case.get("observations") or []:
        code = o.get("code") if isinstance(o, dict) else o
        if not code:
            continue
        cond: dict[str, Any] = {"code": {"system": "cdsi", "value": str(code).strip().zfill(3)}}
        when = _date(o.get("date")) if isinstance(o, dict) else None
        if when is not None:
            cond["since"] = when.isoformat()
        out.append(cond)
    return out


def case_profile(case: dict[str, Any]) -> dict[str, Any]:
    gender = str(case.get("gender") or "").upper()
    profile: dict[str, Any] = {
        "id": str(case["cdc_test_id"]),
        "birth_date": case["dob"],
        "residence": {"country": "US"},
        "immunizations": [
            {
                "date": d["date_administered"],
                "code": {"system": "cvx", "value": str(d["cvx"]).strip().zfill(2)},
            }
            for d in case.get("doses") or []
        ],
    }
    if gender in ("F", "M"):
        profile["sex"] = "female" if gender == "F" else "male"
    conditions = _observations(case)
    if conditions:
        profile["conditions"] = conditions
    return profile


def _series_status(rows: list[AgendaItem]) -> str:
    statuses = {r.status for r in rows}
    if not rows:
        return "Not Recommended"
    if statuses == {"immune"}:
        return "Immune"
    if statuses - {"completed"} == {"contraindicated"}:
        # no dose may be given: the series stops there whatever doses were given before
        return "Contraindicated"
    if statuses <= {"completed"}:
        return "Complete"
    if "missed" in statuses and not statuses & {"due", "overdue", "upcoming"}:
        return "Aged Out"
    return "Not Complete"


def _next_row(rows: list[AgendaItem]) -> AgendaItem | None:
    open_rows = [r for r in rows if r.status in ("due", "overdue", "upcoming") and r.earliest_date]
    return min(open_rows, key=lambda r: r.dose or 0) if open_rows else None


def _group_status(statuses: list[str]) -> str:
    """The vaccine group's status from its antigens' (CDSi chapter 9)."""
    if "Contraindicated" in statuses:  # one antigen contraindicated stops the group's vaccine
        return "Contraindicated"
    if all(s == "Complete" for s in statuses):
        return "Complete"
    if all(s == "Immune" for s in statuses):
        return "Immune"
    if all(s in ("Aged Out", "Complete") for s in statuses) and "Aged Out" in statuses:
        return "Aged Out"
    return "Not Complete"


def group_result(
    agenda: Agenda, group: str, all_antigens: bool | None = None
) -> GroupResult | None:
    """Merge the agenda rows of one vaccine group (CDSi chapter 9): the rows whose
    ``vaccine_group`` is ``group``; ``all_antigens`` as in the rule's ``vaccine_group``."""
    items: dict[str, list[AgendaItem]] = {}
    for it in agenda.items:
        if it.vaccine_group == group:
            items.setdefault(it.item, []).append(it)
    if not items:
        return None
    series_status = _group_status([_series_status(v) for v in items.values()])
    dose_status: dict[int, str] = {}
    for rows in items.values():
        for r in rows:
            for t in r.trace or []:
                if t.immunization is None or t.outcome not in DOSE_STATUS:
                    continue
                st = DOSE_STATUS[t.outcome]
                old = dose_status.get(t.immunization)
                if old is None or _STATUS_RANK[st] > _STATUS_RANK[old]:
                    dose_status[t.immunization] = st
    # A dose outside the group (an MMR dose in a varicella case) keeps its own evaluation.
    for it in agenda.items:
        if it.item in items:
            continue
        for t in it.trace or []:
            if t.immunization is not None and t.outcome in DOSE_STATUS:
                dose_status.setdefault(t.immunization, DOSE_STATUS[t.outcome])
    nexts = [n for n in (_next_row(v) for v in items.values()) if n is not None]
    earliest = recommended = past_due = None
    if nexts and series_status == "Not Complete":
        # Every antigen needed (MMR): the group can start only when all can; otherwise the
        # first antigen due drives the group.
        pick = max if all_antigens else min
        earliest = pick(n.earliest_date for n in nexts if n.earliest_date)
        # never before a dose already given for the group (e.g. a DT dose, which the
        # pertussis item does not see, given on the assessment date)
        given = [
            t.date
            for rows in items.values()
            for r in rows
            for t in r.trace or []
            if t.immunization is not None and t.date is not None
        ]
        if given:
            earliest = max(earliest, max(given))
        recs = [n.recommended_date for n in nexts if n.recommended_date]
        recommended = max(earliest, min(recs)) if recs else earliest
        dues = [n.past_due_date for n in nexts if n.past_due_date]
        past_due = max(earliest, min(dues)) if dues else None
    return GroupResult(series_status, dose_status, earliest, recommended, past_due)


@dataclass(frozen=True, slots=True)
class _UsRules:
    """What the runner needs from an engine's US calendars, computed once per engine."""

    all_antigens: dict[str, bool | None]  # vaccine group -> its all_antigens flag
    rules_from: dt.date | None  # the first day a US calendar is in force
    group_targets: dict[str, frozenset[str]]  # vaccine group -> the targets of its items
    cvx_targets: dict[str, frozenset[str]]  # CVX code -> the targets of the product


_US_RULES: weakref.WeakKeyDictionary[Engine, _UsRules] = weakref.WeakKeyDictionary()


def _us_rules(engine: Engine) -> _UsRules:
    found = _US_RULES.get(engine)
    if found is not None:
        return found
    from .kinds.series import SeriesSpec

    flags: dict[str, bool | None] = {}
    targets: dict[str, frozenset[str]] = {}
    us = [c for c in engine.registry.calendars if c.jurisdiction == "US"]
    for cal in us:
        for item in cal.items:
            spec = item.spec
            if isinstance(spec, SeriesSpec) and spec.vaccine_group is not None:
                g = spec.vaccine_group
                if flags.get(g.name) is None:
                    flags[g.name] = g.all_antigens
                targets[g.name] = targets.get(g.name, frozenset()) | frozenset(item.targets)
    cvx = {
        p.cvx: p.targets
        for t in engine.registry.tables
        if t.jurisdiction == "US"
        for p in t.products
        if p.cvx is not None
    }
    found = _UsRules(flags, min((c.in_force_from for c in us), default=None), targets, cvx)
    _US_RULES[engine] = found
    return found


def group_name(engine: Engine, case: dict[str, Any]) -> str | None:
    """The CDSi vaccine group a case is about. Its name as the supporting data spells it
    (any case), a healthy-workbook abbreviation, the one group whose name starts with it
    ("Rota"), or else the one group the case's doses belong to (a product name, "IPOL")."""
    raw = str(case.get("vaccine_group") or "").strip()
    groups = _us_rules(engine).group_targets
    by_fold = {g.casefold(): g for g in groups}
    if raw.casefold() in by_fold:
        return by_fold[raw.casefold()]
    if raw.upper() in VACCINE_GROUPS:
        return VACCINE_GROUPS[raw.upper()]
    prefixed = [g for g in groups if raw and g.casefold().startswith(raw.casefold())]
    if len(prefixed) == 1:
        return prefixed[0]
    return _group_of_doses(case, _us_rules(engine))


def _group_of_doses(case: dict[str, Any], us: _UsRules) -> str | None:
    """The one vaccine group every dose of the case protects against (CVX product targets)."""
    found: set[str] | None = None
    for d in case.get("doses") or []:
        targets = us.cvx_targets.get(str(d.get("cvx")).strip().zfill(2), frozenset())
        hit = {g for g, ts in us.group_targets.items() if ts & targets}
        found = hit if found is None else found & hit
    return found.pop() if found is not None and len(found) == 1 else None


def _norm_status(s: Any) -> str:
    return " ".join(str(s or "").split()).lower()


def check_case(engine: Engine, case: dict[str, Any]) -> CaseResult:
    cid = str(case.get("cdc_test_id"))
    vg = str(case.get("vaccine_group") or "")
    group = group_name(engine, case)
    if group is None:
        return CaseResult(cid, vg, False, [f"unknown vaccine group {vg!r}"])
    as_of = _date(case.get("assessment_date"))
    if as_of is None:
        return CaseResult(cid, vg, False, ["the case has no assessment_date"])
    # Cases older than the supporting data are replayed under the data (rules_date).
    us = _us_rules(engine)
    start = us.rules_from
    rules_date = start if start is not None and as_of < start else None
    agenda = engine.evaluate(
        case_profile(case), as_of=as_of, jurisdiction="US", trace=True, rules_date=rules_date
    )
    got = group_result(agenda, group, us.all_antigens.get(group))
    if got is None:
        return CaseResult(cid, vg, False, ["no item for this vaccine group"])
    mism: list[str] = []
    want_status = _norm_status(case.get("series_status"))
    if _norm_status(got.series_status) != want_status:
        mism.append(f"series status {got.series_status!r} != {case.get('series_status')!r}")
    for i, d in enumerate(case.get("doses") or []):
        want = _norm_status(d.get("evaluation_status"))
        have = got.dose_status.get(i)
        if _norm_status(have) != want:
            mism.append(
                f"dose {i + 1} ({d.get('date_administered')} CVX {d.get('cvx')}): "
                f"{have or 'not evaluated'!s} != {d.get('evaluation_status')}"
            )
    fc = case.get("forecast") or {}
    if not isinstance(fc, dict):
        return CaseResult(cid, vg, False, ["'forecast' is not a mapping"])
    for key, have_date in (
        ("earliest_date", got.earliest),
        ("recommended_date", got.recommended),
        ("past_due_date", got.past_due),
    ):
        want_date = _date(fc.get(key))
        if want_date != have_date:
            mism.append(f"{key} {have_date} != {want_date}")
    return CaseResult(cid, vg, not mism, mism)


MALFORMED = "cannot run the case: "


def run_cases(engine: Engine, cases: Iterable[dict[str, Any]]) -> list[CaseResult]:
    out = []
    for c in cases:
        try:
            out.append(check_case(engine, c))
        except (KeyError, TypeError, ValueError, AttributeError, PreventionError) as exc:
            # a malformed case fails on its own; the run goes on
            why = f"missing field '{exc.args[0]}'" if isinstance(exc, KeyError) else str(exc)
            out.append(
                CaseResult(
                    str(c.get("cdc_test_id")) if isinstance(c, dict) else "?",
                    str(c.get("vaccine_group")) if isinstance(c, dict) else "?",
                    False,
                    [f"{MALFORMED}{why}"],
                )
            )
    return out


def load_disputed(path: str | Path | None) -> dict[str, str]:
    """``{case id: reason}`` from YAML lists of ``{id, reason}`` (``disputed:``,
    ``underlying_disputed:``... or top level)."""
    if path is None:
        return {}
    import yaml

    try:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise CasesError(f"cannot read {path}: {exc}") from None
    lists = (
        [v for k, v in data.items() if str(k).endswith("disputed")]  # one list per workbook
        if isinstance(data, dict)
        else [data]
    )
    if any(v is not None and not isinstance(v, list) for v in lists):
        raise CasesError(f"{path}: 'disputed' must be a list of {{id, reason}}")
    entries = [e for v in lists for e in v or []]
    out: dict[str, str] = {}
    for e in entries or []:
        if isinstance(e, dict) and "id" in e:
            out[str(e["id"])] = str(e.get("reason", ""))
    return out


def run_cdsi_cli(args: argparse.Namespace) -> int:
    try:
        cases = load_cases(args.cases)
        disputed = load_disputed(getattr(args, "disputed", None))
    except CasesError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    rules = getattr(args, "rules", None)
    engine = Engine.from_paths(rules) if rules else Engine.default()
    results = run_cases(engine, cases)
    by_group: dict[str, list[CaseResult]] = {}
    for r in results:
        by_group.setdefault(r.group, []).append(r)
    verbose = bool(getattr(args, "verbose", False))
    width = max((len(g) for g in by_group), default=10)
    for group in sorted(by_group):
        rs = by_group[group]
        ok = sum(r.passed for r in rs)
        print(f"{group:{width}} {ok:4}/{len(rs):<4} {100.0 * ok / len(rs):5.1f}%")
    n_disputed = 0
    for r in results:
        if r.passed:
            continue
        if r.case_id in disputed:
            n_disputed += 1
        if verbose or r.mismatches[0].startswith(MALFORMED):
            tag = " (disputed)" if r.case_id in disputed else ""
            print(f"FAIL {r.case_id} {r.group}{tag}: " + "; ".join(r.mismatches))
    passed = sum(r.passed for r in results)
    failed = len(results) - passed - n_disputed
    if n_disputed:
        print(f"{n_disputed} disputed (listed in {args.disputed}, not counted as failed)")
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0
