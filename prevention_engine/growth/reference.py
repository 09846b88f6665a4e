"""A growth reference: the LMS tables of one or more sources, and how they are to be applied.

The bundled one is WHO's: the Child Growth Standards (2006, per day, 0-1856 days) followed by
the Growth Reference for school-aged children and adolescents (2007, per month, 61-228
months). A user's own tables (for instance the French 2018 curves of the carnet de santé) are a
`GrowthReference` built from their CSV with `reference_from_csv`; nothing else changes.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from prevention_engine.growth.errors import GrowthInputError, GrowthTableError
from prevention_engine.growth.tables import Indicator, LmsTable, Sex, parse_lms_csv

WHO_NAME = "WHO 2006 child growth standards (0-5 y) + WHO 2007 growth reference (5-19 y)"
#: WHO applies the restricted-tail formula to these indicators only (Anthro / AnthroPlus).
WHO_RESTRICTED_TAILS: frozenset[Indicator] = frozenset({"weight_for_age", "bmi_for_age"})
#: WHO 2006: length (lying) before 731 days, height (standing) from 731 days; 0.7 cm apart.
WHO_STATURE_SWITCH_DAYS = 731
WHO_STATURE_ADJUSTMENT_CM = 0.7
_WHO_FILES = ("who2006.csv", "who2007.csv")


@dataclass(frozen=True, slots=True)
class StatureRule:
    """Which position the tables expect by age, and the cm to add when converting.

    Before `switch_days` the tables expect a recumbent length; from it, a standing height. A
    standing measurement before the switch gets `adjustment_cm` added, a recumbent one after it
    gets `adjustment_cm` subtracted (WHO 2006, applied within `until_days`).
    """

    switch_days: int
    adjustment_cm: float
    until_days: float


WHO_STATURE_RULE = StatureRule(WHO_STATURE_SWITCH_DAYS, WHO_STATURE_ADJUSTMENT_CM, 1856)


@dataclass(frozen=True, slots=True)
class GrowthReference:
    """Tables by indicator and sex, tried in order: the first covering an age is used."""

    name: str
    tables: tuple[LmsTable, ...]
    restricted_tails: frozenset[Indicator] = frozenset()
    stature_rule: StatureRule | None = None

    def table_for(self, indicator: Indicator, sex: Sex, age_days: float) -> LmsTable:
        """The table covering this age, or a `GrowthInputError` saying what is covered."""
        candidates = [t for t in self.tables if t.indicator == indicator and t.sex == sex]
        for table in candidates:
            if table.covers(age_days):
                return table
        covered = "; ".join(_span(table) for table in candidates) or "nothing"
        raise GrowthInputError(
            f"{self.name} has no {indicator} table for a {sex} child of {age_days} days "
            f"(covered: {covered})",
            field="age_days",
            value=age_days,
        )


def _span(table: LmsTable) -> str:
    return f"{table.ages[0]:g}-{table.ages[-1]:g} {table.unit}"


@functools.cache
def who_reference() -> GrowthReference:
    """The bundled WHO reference, read once from the package data."""
    tables: list[LmsTable] = []
    folder = resources.files("prevention_engine.growth") / "data"
    for name in _WHO_FILES:
        text = (folder / name).read_text(encoding="utf-8")
        tables.extend(parse_lms_csv(text, source=f"prevention_engine/growth/data/{name}"))
    return GrowthReference(WHO_NAME, tuple(tables), WHO_RESTRICTED_TAILS, WHO_STATURE_RULE)


def reference_from_csv(
    paths: Sequence[str | Path],
    name: str,
    *,
    restricted_tails: frozenset[Indicator] = frozenset(),
    stature_rule: StatureRule | None = None,
) -> GrowthReference:
    """A reference from the user's CSV files (format in `tables`), tried in the given order.

    By default no tail restriction and no length/height conversion: those belong to how a
    reference was built, so the user states them for their own tables.
    """
    tables: list[LmsTable] = []
    for path in paths:
        try:
            text = Path(path).read_text(encoding="utf-8")
        except OSError as error:
            raise GrowthTableError(f"cannot read: {error.strerror}", file=str(path)) from None
        tables.extend(parse_lms_csv(text, source=str(path)))
    return GrowthReference(name, tuple(tables), restricted_tails, stature_rule)
