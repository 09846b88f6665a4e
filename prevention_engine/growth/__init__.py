"""Growth curves: measurements to z-scores and percentiles, and the signals drawn from them.

A leaf package: it knows nothing of the engine, the rule kinds or the calendar loader, so the
kind that will turn these scores into `growth_review` items can be built on it later.
"""

from prevention_engine.growth.detect import (
    Finding,
    Source,
    early_adiposity_rebound,
    percentile_crossing,
    z_beyond_limit,
)
from prevention_engine.growth.errors import GrowthInputError, GrowthTableError
from prevention_engine.growth.lms import Lms, percentile, z_of_percentile
from prevention_engine.growth.measure import (
    GrowthScore,
    Position,
    age_in_days,
    bmi,
    score,
    score_bmi,
    value_at_z,
)
from prevention_engine.growth.reference import (
    GrowthReference,
    StatureRule,
    reference_from_csv,
    who_reference,
)
from prevention_engine.growth.tables import Indicator, LmsTable, Sex, parse_lms_csv

__all__ = [
    "Finding",
    "GrowthInputError",
    "GrowthReference",
    "GrowthScore",
    "GrowthTableError",
    "Indicator",
    "Lms",
    "LmsTable",
    "Position",
    "Sex",
    "Source",
    "StatureRule",
    "age_in_days",
    "bmi",
    "early_adiposity_rebound",
    "parse_lms_csv",
    "percentile",
    "percentile_crossing",
    "reference_from_csv",
    "score",
    "score_bmi",
    "value_at_z",
    "who_reference",
    "z_beyond_limit",
    "z_of_percentile",
]
