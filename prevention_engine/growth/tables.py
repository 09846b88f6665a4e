"""LMS tables: one indicator, one sex, L/M/S by age, read from the CSV format users can supply.

The CSV format (the bundled WHO files use it too)::

    indicator,sex,age_days,l,m,s        (or age_months in place of age_days)
    wfa,f,0,0.3809,3.2322,0.14171

`indicator` is a full name (`weight_for_age`, `length_height_for_age`,
`head_circumference_for_age`, `bmi_for_age`) or WHO's code (`wfa`, `lhfa`, `hcfa`, `bfa`);
`sex` is `male`/`female` or `m`/`f`. Between two tabulated ages L, M and S are interpolated
linearly, as WHO AnthroPlus does between whole months; the WHO 0-5 tables are per day, so an
age in whole days falls on a row.
"""

from __future__ import annotations

import bisect
import csv
import io
import math
from array import array
from dataclasses import dataclass
from typing import Literal

from prevention_engine.growth.errors import GrowthTableError
from prevention_engine.growth.lms import Lms

Indicator = Literal[
    "weight_for_age", "length_height_for_age", "head_circumference_for_age", "bmi_for_age"
]
Sex = Literal["female", "male"]
AgeUnit = Literal["days", "months"]

INDICATORS: tuple[Indicator, ...] = (
    "weight_for_age",
    "length_height_for_age",
    "head_circumference_for_age",
    "bmi_for_age",
)
_INDICATOR_NAMES: dict[str, Indicator] = {
    **{name: name for name in INDICATORS},
    "wfa": "weight_for_age",
    "lhfa": "length_height_for_age",
    "hcfa": "head_circumference_for_age",
    "bfa": "bmi_for_age",
}
_SEX_NAMES: dict[str, Sex] = {"female": "female", "f": "female", "male": "male", "m": "male"}
_AGE_COLUMNS: dict[str, AgeUnit] = {"age_days": "days", "age_months": "months"}
#: WHO's average month (365.25 / 12 days), used by Anthro and AnthroPlus alike.
DAYS_PER_MONTH = 30.4375


@dataclass(frozen=True, slots=True, eq=False)
class LmsTable:
    """L, M and S of one indicator and sex, at increasing ages in one unit.

    Kept as arrays of machine floats, not one object per row: the bundled WHO tables have
    about 15,600 rows, which as objects held 3.8 MB in every process of a batch (0.5 MB so)."""

    indicator: Indicator
    sex: Sex
    unit: AgeUnit
    ages: array[float]
    #: L, M and S of each row, one after the other (row i: [3 * i : 3 * i + 3])
    lms: array[float]
    source: str

    @property
    def points(self) -> tuple[Lms, ...]:
        """The rows' L, M and S (for reading and tests; ``at`` does not build them all)."""
        return tuple(self._point(i) for i in range(len(self.ages)))

    def _point(self, index: int) -> Lms:
        i = 3 * index
        return Lms(self.lms[i], self.lms[i + 1], self.lms[i + 2])

    def age_in_unit(self, age_days: float) -> float:
        """An age in days expressed in the table's unit."""
        return age_days if self.unit == "days" else age_days / DAYS_PER_MONTH

    def covers(self, age_days: float) -> bool:
        """True when the age lies between the first and last tabulated ages."""
        age = self.age_in_unit(age_days)
        return self.ages[0] <= age <= self.ages[-1]

    def at(self, age_days: float) -> Lms:
        """L, M, S at an age (in days), interpolated between the neighbouring rows."""
        age = self.age_in_unit(age_days)
        index = bisect.bisect_left(self.ages, age)
        if index < len(self.ages) and self.ages[index] == age:
            return self._point(index)
        if index == 0 or index == len(self.ages):
            raise ValueError(f"age {age} {self.unit} is outside this table")
        low, high = self.ages[index - 1], self.ages[index]
        return self._point(index - 1).between(self._point(index), (age - low) / (high - low))


def parse_lms_csv(text: str, source: str) -> tuple[LmsTable, ...]:
    """Tables from CSV text; `source` names the file in errors and in every score."""
    reader = csv.reader(io.StringIO(text))
    header = next(reader, None)
    if header is None:
        raise GrowthTableError("empty file", file=source)
    unit = _check_header([cell.strip().lower() for cell in header], source)
    rows: dict[tuple[Indicator, Sex], list[tuple[float, Lms]]] = {}
    for line, cells in enumerate(reader, start=2):
        if not cells or cells[0].lstrip().startswith("#"):
            continue
        indicator, sex, age, lms = _parse_row(cells, source, line)
        rows.setdefault((indicator, sex), []).append((age, lms))
    if not rows:
        raise GrowthTableError("no data rows", file=source)
    return tuple(_table(key, points, unit, source) for key, points in sorted(rows.items()))


def _check_header(header: list[str], source: str) -> AgeUnit:
    if len(header) != 6 or header[0:2] != ["indicator", "sex"] or header[3:] != ["l", "m", "s"]:
        raise GrowthTableError(
            "header must be 'indicator,sex,age_days|age_months,l,m,s'", file=source, line=1
        )
    if header[2] not in _AGE_COLUMNS:
        raise GrowthTableError(
            f"age column must be age_days or age_months, not {header[2]!r}", file=source, line=1
        )
    return _AGE_COLUMNS[header[2]]


def _parse_row(cells: list[str], source: str, line: int) -> tuple[Indicator, Sex, float, Lms]:
    if len(cells) != 6:
        raise GrowthTableError(f"expected 6 columns, found {len(cells)}", file=source, line=line)
    name, sex_name = cells[0].strip().lower(), cells[1].strip().lower()
    if name not in _INDICATOR_NAMES:
        known = ", ".join(INDICATORS)
        raise GrowthTableError(f"unknown indicator {name!r} ({known})", file=source, line=line)
    if sex_name not in _SEX_NAMES:
        raise GrowthTableError(f"unknown sex {sex_name!r} (female, male)", file=source, line=line)
    try:
        age, l, m, s = (float(cell) for cell in cells[2:])  # noqa: E741
    except ValueError:
        raise GrowthTableError("age, l, m and s must be numbers", file=source, line=line) from None
    if not all(math.isfinite(x) for x in (age, l, m, s)) or age < 0 or m <= 0 or s <= 0:
        raise GrowthTableError(
            "age must be >= 0, m and s > 0, all finite", file=source, line=line
        )
    return _INDICATOR_NAMES[name], _SEX_NAMES[sex_name], age, Lms(l, m, s)


def _table(
    key: tuple[Indicator, Sex], points: list[tuple[float, Lms]], unit: AgeUnit, source: str
) -> LmsTable:
    points.sort(key=lambda point: point[0])
    ages = tuple(age for age, _ in points)
    if len(set(ages)) != len(ages):
        raise GrowthTableError(f"{key[0]} {key[1]}: an age appears twice", file=source)
    lms = array("d", (x for _, p in points for x in (p.l, p.m, p.s)))
    return LmsTable(key[0], key[1], unit, array("d", ages), lms, source)
