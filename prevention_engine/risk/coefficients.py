"""Typed, frozen model data of the risk scores, parsed from a plain mapping (YAML).

The numbers of a score (coefficients, baseline survival, recalibration scales, points, band
thresholds) are clinical data with a source, not code: they live in YAML (``data/`` for now,
the ``score`` kind's rule file later) and are checked here once, with an error naming the file
and the dotted path of the bad field. The parser takes a mapping, not a file, so any loader can
feed it.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import TypeVar

from ..errors import CalendarError

SEXES = ("male", "female")
# The variables a SCORE2-family term may multiply; the binary ones are never centred.
VARIABLES = frozenset(
    {
        "age",
        "systolic_bp",
        "total_cholesterol",
        "hdl_cholesterol",
        "smoking",
        "diabetes",
        "age_at_diagnosis",
        "hba1c",
        "egfr",
    }
)
BINARY = frozenset({"smoking", "diabetes"})


V = TypeVar("V")


class FrozenMap(Mapping[str, V]):
    """A read-only mapping that pickles (a mappingproxy does not), so parsed score data can
    travel to worker processes with the rest of a compiled rule set."""

    __slots__ = ("_data",)

    def __init__(self, data: Mapping[str, V]) -> None:
        self._data = dict(data)

    def __getitem__(self, key: str) -> V:
        return self._data[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._data)

    def __len__(self) -> int:
        return len(self._data)

    def __repr__(self) -> str:
        return f"FrozenMap({self._data!r})"


@dataclass(frozen=True, slots=True)
class Source:
    title: str
    url: str
    section: str | None


@dataclass(frozen=True, slots=True)
class AgeRange:
    """Ages in years, half-open: ``min <= age < max``."""

    min: float
    max: float

    def __contains__(self, age: float) -> bool:
        return self.min <= age < self.max


@dataclass(frozen=True, slots=True)
class Bands:
    """Band names with their inclusive lower bounds, ascending: [lower, next lower)."""

    at_least: tuple[tuple[str, float], ...]

    def band(self, value: float) -> str:
        name = self.at_least[0][0]
        for candidate, lower in self.at_least:
            if value >= lower:
                name = candidate
        return name


@dataclass(frozen=True, slots=True)
class BandTable:
    """Bands by age group (ESC 2021 bands depend on age), with their own source."""

    by_age: tuple[tuple[AgeRange, Bands], ...]
    source: Source
    review: bool
    review_reason: str | None

    def bands_at(self, age: float) -> Bands | None:
        return next((bands for ages, bands in self.by_age if age in ages), None)


@dataclass(frozen=True, slots=True)
class Centring:
    """``c = (x - centre) / scale``, on ``ln(x)`` when ``log``."""

    centre: float
    scale: float
    log: bool = False

    def apply(self, value: float) -> float:
        return ((math.log(value) if self.log else value) - self.centre) / self.scale


Term = tuple[str, ...]  # the variables multiplied together: ("smoking", "age")


@dataclass(frozen=True, slots=True)
class Score2Model:
    """One model of the SCORE2 family: x = sum(beta * term); recalibrated by region."""

    name: str
    source: Source
    unit: str
    ages: AgeRange
    centring: Mapping[str, Centring]
    coefficients: Mapping[str, tuple[tuple[Term, float], ...]]
    baseline_survival: Mapping[str, float]
    mean_linear_predictor: Mapping[str, float]
    scales: Mapping[str, Mapping[str, tuple[float, float]]]
    bands: BandTable
    review: bool
    review_reason: str | None


@dataclass(frozen=True, slots=True)
class Score2Family:
    """A versioned file of SCORE2-family models and the country -> risk region table."""

    id: str
    version: str
    source: Source
    countries: Mapping[str, str]
    models: Mapping[str, Score2Model]

    def model(self, name: str) -> Score2Model:
        try:
            return self.models[name]
        except KeyError:
            raise CalendarError(f"no model {name!r} in score data {self.id!r}") from None

    def region_of(self, country: str) -> str:
        try:
            return self.countries[country]
        except KeyError:
            raise CalendarError(f"no risk region for country {country!r}") from None


@dataclass(frozen=True, slots=True)
class Step:
    points: int
    bound: float
    inclusive: bool  # at_least (>=) or above (>)

    def reached(self, value: float) -> bool:
        return value >= self.bound if self.inclusive else value > self.bound


@dataclass(frozen=True, slots=True)
class FindriscTable:
    """FINDRISC questions and points, and the bands of the total."""

    id: str
    version: str
    source: Source
    unit: str
    numeric: Mapping[str, tuple[Step, ...]]
    answers: Mapping[str, Mapping[str, int]]
    bands: Bands
    bands_source: Source
    review: bool
    review_reason: str | None
