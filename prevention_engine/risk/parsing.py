"""Parse risk-score data (a plain mapping, e.g. from YAML) into the frozen ``coefficients`` types.

Everything is checked once, at load: unknown or missing keys (with the closest valid name),
numbers that are not finite, survivals outside (0, 1), bands that do not increase, terms naming
an unknown variable. Errors are ``CalendarError`` with the file and the dotted field path.
"""

from __future__ import annotations

import difflib
import itertools
import math
from collections.abc import Mapping
from collections.abc import Set as AbstractSet
from typing import Any

from ..errors import CalendarError
from .coefficients import (
    BINARY,
    SEXES,
    VARIABLES,
    AgeRange,
    Bands,
    BandTable,
    Centring,
    FindriscTable,
    FrozenMap,
    Score2Family,
    Score2Model,
    Source,
    Step,
    Term,
)


class _Node:
    """A value and its dotted path, so every error names the field that is wrong."""

    def __init__(self, value: Any, path: str, file: str | None) -> None:
        self.value, self.path, self.file = value, path, file

    def fail(self, message: str, suggestion: str | None = None) -> CalendarError:
        return CalendarError(message, file=self.file, field=self.path, suggestion=suggestion)

    def child(self, key: str) -> _Node:
        return _Node(self.value[key], f"{self.path}.{key}" if self.path else key, self.file)

    def mapping(
        self, required: AbstractSet[str], optional: AbstractSet[str] = frozenset()
    ) -> _Node:
        if not isinstance(self.value, Mapping):
            raise self.fail("must be a mapping")
        for key in self.value:
            if not isinstance(key, str) or key not in required | optional:
                near = difflib.get_close_matches(str(key), sorted(required | optional), 1)
                raise self.fail(f"unknown key {key!r}", near[0] if near else None)
        missing = sorted(required - set(self.value))
        if missing:
            raise self.fail(f"missing key {missing[0]!r}")
        return self

    def names(self) -> list[str]:
        if not isinstance(self.value, Mapping) or not self.value:
            raise self.fail("must be a non-empty mapping")
        bad = [k for k in self.value if not isinstance(k, str)]
        if bad:
            raise self.fail(f"keys must be names, not {bad[0]!r}")
        return list(self.value)

    def number(self) -> float:
        v = self.value
        if isinstance(v, bool) or not isinstance(v, int | float) or not math.isfinite(v):
            raise self.fail(f"must be a finite number, not {v!r}")
        return float(v)

    def integer(self) -> int:
        if isinstance(self.value, bool) or not isinstance(self.value, int):
            raise self.fail(f"must be a whole number, not {self.value!r}")
        return self.value

    def text(self) -> str:
        if not isinstance(self.value, str) or not self.value.strip():
            raise self.fail("must be a non-empty text")
        return self.value

    def get(self, key: str) -> _Node | None:
        return self.child(key) if key in self.value else None


def _source(node: _Node) -> Source:
    node.mapping({"title", "url"}, {"section"})
    section = node.get("section")
    return Source(
        node.child("title").text(), node.child("url").text(), section.text() if section else None
    )


def _review(node: _Node) -> tuple[bool, str | None]:
    review, reason = node.get("review"), node.get("review_reason")
    if review is None:
        if reason is not None:
            raise reason.fail("review_reason without 'review: needed'")
        return False, None
    if review.value != "needed":
        raise review.fail("the only value is 'needed'")
    if reason is None:
        raise review.fail("'review: needed' must say why in 'review_reason'")
    return True, reason.text()


def _ages(node: _Node) -> AgeRange:
    node.mapping({"min", "max"})
    low, high = node.child("min").number(), node.child("max").number()
    if not 0 <= low < high:
        raise node.fail(f"needs 0 <= min < max, got [{low}, {high})")
    return AgeRange(low, high)


def _bands(node: _Node) -> Bands:
    pairs = [(name, node.child(name).number()) for name in node.names()]
    if pairs[0][1] != 0:
        raise node.fail("the first band starts at 0")
    if any(b[1] <= a[1] for a, b in itertools.pairwise(pairs)):
        raise node.fail("band lower bounds must increase")
    return Bands(tuple(pairs))


def _band_table(node: _Node) -> BandTable:
    node.mapping({"source", "by_age"}, {"review", "review_reason"})
    rows = node.child("by_age")
    if not isinstance(rows.value, list) or not rows.value:
        raise rows.fail("must be a non-empty list")
    by_age = []
    for i in range(len(rows.value)):
        row = _Node(rows.value[i], f"{rows.path}[{i}]", node.file).mapping({"ages", "at_least"})
        by_age.append((_ages(row.child("ages")), _bands(row.child("at_least"))))
    review, reason = _review(node)
    return BandTable(tuple(by_age), _source(node.child("source")), review, reason)


def _frozen(mapping: dict[str, Any]) -> Mapping[str, Any]:
    return FrozenMap(mapping)


def _centring(node: _Node) -> Mapping[str, Centring]:
    out = {}
    for name in node.names():
        entry = node.child(name).mapping({"centre", "scale"}, {"log"})
        if name not in VARIABLES or name in BINARY:
            raise entry.fail(f"cannot centre {name!r}", _near(name, VARIABLES - BINARY))
        scale = entry.child("scale").number()
        if scale <= 0:
            raise entry.child("scale").fail("must be greater than 0")
        log = entry.get("log")
        if log is not None and not isinstance(log.value, bool):
            raise log.fail("must be true or false")
        out[name] = Centring(entry.child("centre").number(), scale, bool(log and log.value))
    return _frozen(out)


def _near(name: str, names: AbstractSet[str]) -> str | None:
    found = difflib.get_close_matches(name, sorted(names), 1)
    return found[0] if found else None


def _terms(node: _Node, centred: Mapping[str, Centring]) -> tuple[tuple[Term, float], ...]:
    out = []
    for key in node.names():
        term = tuple(key.split("*"))
        for var in term:
            if var not in VARIABLES:
                raise node.child(key).fail(f"unknown variable {var!r}", _near(var, VARIABLES))
            if var not in BINARY and var not in centred:
                raise node.child(key).fail(f"{var!r} has no entry under 'centring'")
        out.append((term, node.child(key).number()))
    return tuple(out)


def _per_sex(node: _Node) -> dict[str, _Node]:
    node.mapping(set(SEXES))
    return {sex: node.child(sex) for sex in SEXES}


def _survival(node: _Node) -> Mapping[str, float]:
    out = {}
    for sex, child in _per_sex(node).items():
        out[sex] = child.number()
        if not 0 < out[sex] < 1:
            raise child.fail("a survival probability is strictly between 0 and 1")
    return _frozen(out)


def _scales(node: _Node) -> Mapping[str, Mapping[str, tuple[float, float]]]:
    out = {}
    for region in node.names():
        per_sex = {}
        for sex, child in _per_sex(node.child(region)).items():
            if not isinstance(child.value, list) or len(child.value) != 2:
                raise child.fail("must be [scale1, scale2]")
            pair = [
                _Node(v, f"{child.path}[{i}]", node.file).number()
                for i, v in enumerate(child.value)
            ]
            per_sex[sex] = (pair[0], pair[1])
        out[region] = _frozen(per_sex)
    return _frozen(out)


# The variables each score function supplies: a term on anything else could never be computed.
MODEL_VARIABLES = {
    "SCORE2": {"age", "smoking", "systolic_bp", "total_cholesterol", "hdl_cholesterol"},
    "SCORE2-OP": {
        "age",
        "smoking",
        "systolic_bp",
        "total_cholesterol",
        "hdl_cholesterol",
        "diabetes",
    },
    "SCORE2-Diabetes": {
        "age",
        "smoking",
        "systolic_bp",
        "total_cholesterol",
        "hdl_cholesterol",
        "diabetes",
        "age_at_diagnosis",
        "hba1c",
        "egfr",
    },
}

_MODEL_KEYS = {
    "source",
    "unit",
    "ages",
    "centring",
    "coefficients",
    "baseline_survival",
    "scales",
    "bands",
}


def _check_bands_cover(node: _Node, ages: AgeRange, bands: BandTable) -> None:
    """Every age the model accepts has exactly one band table: no gap, no overlap."""
    start = ages.min
    for row_ages, _ in sorted(bands.by_age, key=lambda row: row[0].min):
        if row_ages.max <= ages.min or row_ages.min >= ages.max:
            continue
        if row_ages.min > start or (row_ages.min < start and start > ages.min):
            raise node.fail(f"band age groups leave a gap or overlap at {start:g} years")
        start = row_ages.max
    if start < ages.max:
        raise node.fail(f"no band age group from {start:g} years")


def parse_score2_model(node: _Node, name: str) -> Score2Model:
    node.mapping(_MODEL_KEYS, {"population", "mean_linear_predictor", "review", "review_reason"})
    if name not in MODEL_VARIABLES:
        raise node.fail(f"unknown model {name!r}", _near(name, set(MODEL_VARIABLES)))
    centring = _centring(node.child("centring"))
    coefficients = {}
    for sex, terms_node in _per_sex(node.child("coefficients")).items():
        coefficients[sex] = _terms(terms_node, centring)
        used = {var for term, _ in coefficients[sex] for var in term}
        if used - MODEL_VARIABLES[name]:
            raise terms_node.fail(
                f"{name} has no input {sorted(used - MODEL_VARIABLES[name])[0]!r}"
            )
    ages = _ages(node.child("ages"))
    bands = _band_table(node.child("bands"))
    _check_bands_cover(node.child("bands"), ages, bands)
    mean_node = node.get("mean_linear_predictor")
    mean = {s: n.number() for s, n in _per_sex(mean_node).items()} if mean_node else {}
    review, reason = _review(node)
    return Score2Model(
        name=name,
        source=_source(node.child("source")),
        unit=node.child("unit").text(),
        ages=ages,
        centring=centring,
        coefficients=_frozen(coefficients),
        baseline_survival=_survival(node.child("baseline_survival")),
        mean_linear_predictor=_frozen(mean or dict.fromkeys(SEXES, 0.0)),
        scales=_scales(node.child("scales")),
        bands=bands,
        review=review,
        review_reason=reason,
    )


def parse_score2_family(data: Any, file: str | None = None) -> Score2Family:
    """A SCORE2-family data mapping (``scores:`` document) -> frozen, checked models."""
    root = _Node(data, "", file).mapping({"scores", "version", "source", "regions", "models"})
    models_node = root.child("models")
    models = {
        name: parse_score2_model(models_node.child(name), name) for name in models_node.names()
    }
    regions = root.child("regions").mapping({"countries"}, {"source"})
    known = set.intersection(*(set(m.scales) for m in models.values()))
    countries = {}
    for country in regions.child("countries").names():
        region_node = regions.child("countries").child(country)
        region = region_node.text()
        if region not in known:
            raise region_node.fail(f"unknown region {region!r}", _near(region, known))
        countries[country] = region
    return Score2Family(
        id=root.child("scores").text(),
        version=root.child("version").text(),
        source=_source(root.child("source")),
        countries=_frozen(countries),
        models=_frozen(models),
    )


def _steps(node: _Node) -> tuple[Step, ...]:
    if not isinstance(node.value, list) or not node.value:
        raise node.fail("must be a non-empty list of steps")
    steps = []
    for i, raw in enumerate(node.value):
        step = _Node(raw, f"{node.path}[{i}]", node.file).mapping({"points"}, {"at_least", "above"})
        bounds = [k for k in ("at_least", "above") if k in step.value]
        if len(bounds) != 1:
            raise step.fail("a step has exactly one of 'at_least' or 'above'")
        steps.append(
            Step(
                step.child("points").integer(),
                step.child(bounds[0]).number(),
                bounds[0] == "at_least",
            )
        )
    if steps[0].bound != 0 or not steps[0].inclusive:
        raise node.fail("the first step is 'at_least: 0'")
    if any(b.bound < a.bound for a, b in itertools.pairwise(steps)):
        raise node.fail("step bounds must not decrease")
    return tuple(steps)


FINDRISC_NUMERIC = {"age", "bmi", "waist_male", "waist_female"}
FINDRISC_ANSWERS = {
    "daily_physical_activity": {"when_true", "when_false"},
    "daily_fruit_vegetables": {"when_true", "when_false"},
    "antihypertensive_medication": {"when_true", "when_false"},
    "history_of_high_glucose": {"when_true", "when_false"},
    "family_history_diabetes": {"none", "second_degree", "first_degree"},
}


def parse_findrisc(data: Any, file: str | None = None) -> FindriscTable:
    """A FINDRISC data mapping (``scores: findrisc``) -> frozen, checked points table."""
    root = _Node(data, "", file).mapping(
        {"scores", "version", "source", "unit", "numeric", "answers", "bands"},
        {"population", "review", "review_reason"},
    )
    numeric_node = root.child("numeric").mapping(FINDRISC_NUMERIC)
    numeric = {name: _steps(numeric_node.child(name)) for name in sorted(FINDRISC_NUMERIC)}
    answers_node = root.child("answers").mapping(set(FINDRISC_ANSWERS))
    answers = {}
    for question, choices in FINDRISC_ANSWERS.items():
        node = answers_node.child(question).mapping(choices)
        answers[question] = _frozen({c: node.child(c).integer() for c in sorted(choices)})
    bands = root.child("bands").mapping({"source", "at_least"})
    review, reason = _review(root)
    return FindriscTable(
        id=root.child("scores").text(),
        version=root.child("version").text(),
        source=_source(root.child("source")),
        unit=root.child("unit").text(),
        numeric=_frozen(numeric),
        answers=_frozen(answers),
        bands=_bands(bands.child("at_least")),
        bands_source=_source(bands.child("source")),
        review=review,
        review_reason=reason,
    )
