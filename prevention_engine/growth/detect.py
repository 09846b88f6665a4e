"""Signals a later `growth_review` item can raise from scored measurements.

Each threshold is data with its source and, where the team's sources are not conclusive, a
review note for a clinician. None of these helpers decides care: they say what crossed which
line, with the z-scores, so the item can show them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from prevention_engine.growth.errors import GrowthInputError
from prevention_engine.growth.measure import GrowthScore
from prevention_engine.growth.tables import Indicator

FindingKind = Literal["z_beyond_limit", "percentile_crossing", "early_adiposity_rebound"]


@dataclass(frozen=True, slots=True)
class Source:
    """Where a threshold comes from."""

    title: str
    url: str
    section: str


@dataclass(frozen=True, slots=True)
class Finding:
    """A signal: its kind, the indicator, the z-scores it rests on and why, with the source."""

    kind: FindingKind
    indicator: Indicator
    z_scores: tuple[float, ...]
    detail: str
    source: Source
    review_reason: str | None


WHO_INTERPRETING = Source(
    "WHO Child Growth Standards — Training course on child growth assessment, "
    "C: Interpreting growth indicators (2008)",
    "https://www.who.int/publications/i/item/9789241595070",
    "Growth problems: z-score cut-offs (below -2, above +2)",
)
Z_LIMITS: dict[Indicator, tuple[float, float]] = {
    "weight_for_age": (-2.0, 2.0),
    "length_height_for_age": (-2.0, 2.0),
    "head_circumference_for_age": (-2.0, 2.0),
    "bmi_for_age": (-2.0, 2.0),
}
Z_LIMITS_REVIEW = (
    "WHO cut-offs (< -2 SD stunting/underweight/wasting, > +2 SD overweight before 5 y and "
    "obesity 5-19 y, where WHO 2007 already calls > +1 SD overweight). French practice reads "
    "the carnet de santé 2018 curves (3rd/97th percentiles, IOTF for BMI); the team's fact "
    "sheet does not source a French threshold for height or head circumference."
)

AAP_GROWTH_FALTERING = Source(
    "American Academy of Pediatrics — Growth faltering in newborns and infants",
    "https://www.aap.org/en/patient-care/newborn-and-infant-nutrition/"
    "growth-faltering-in-newborns-and-infants/",
    "Assessment: decline across 2 major percentiles",
)
#: The percentile lines printed on WHO-based growth charts used with the AAP advice.
MAJOR_PERCENTILES: tuple[float, ...] = (5.0, 10.0, 25.0, 50.0, 75.0, 90.0, 95.0)
CROSSING_LINES = 2
CROSSING_REVIEW = (
    "The AAP source speaks of a decline in weight across 2 major percentiles in infants; the "
    "set of 'major' lines (5, 10, 25, 50, 75, 90, 95 here), its use for upward crossings, for "
    "other indicators and past infancy are our reading, not a French source."
)

APHP_ADIPOSITY_REBOUND = Source(
    "AP-HP, Hôpital Trousseau, nutrition et gastroentérologie pédiatriques — "
    "Comment savoir si mon enfant est obèse ?",
    "https://nutritiongastro-trousseau.aphp.fr/comment-savoir-si-mon-enfant-est-obese",
    "Rebond précoce d'adiposité",
)
#: Corpulence rises in the first year, falls, then rises again after 6 years; a rise before
#: 6 years is an early rebound (AP-HP Trousseau; HAS 2011 guideline on child overweight).
REBOUND_SEARCH_FROM_DAYS = 365.25
EARLY_REBOUND_BEFORE_DAYS = 6 * 365.25
REBOUND_REVIEW = (
    "Defined from two or more BMI values after 1 year: the lowest one followed by a higher one "
    "before 6 years. No source gives a minimum rise or a measurement-error margin; a single "
    "noisy measurement can trigger it."
)


def z_beyond_limit(
    score: GrowthScore, limits: dict[Indicator, tuple[float, float]] | None = None
) -> Finding | None:
    """A finding when the z-score lies outside its limits (WHO's -2/+2 by default)."""
    low, high = (limits or Z_LIMITS)[score.indicator]
    if low <= score.z <= high:
        return None
    side = "below" if score.z < low else "above"
    bound = low if score.z < low else high
    return Finding(
        "z_beyond_limit",
        score.indicator,
        (score.z,),
        f"z = {score.z:.2f} {side} {bound:+g} at {score.age_days} days",
        WHO_INTERPRETING,
        Z_LIMITS_REVIEW,
    )


def percentile_crossing(
    before: GrowthScore,
    after: GrowthScore,
    lines: Sequence[float] = MAJOR_PERCENTILES,
    min_lines: int = CROSSING_LINES,
) -> Finding | None:
    """A finding when `min_lines` or more percentile lines lie strictly between two scores."""
    _same_series(before, after)
    low, high = sorted((before.percentile, after.percentile))
    crossed = [line for line in lines if low < line < high]
    if len(crossed) < min_lines:
        return None
    direction = "downward" if after.percentile < before.percentile else "upward"
    names = ", ".join(f"P{line:g}" for line in crossed)
    return Finding(
        "percentile_crossing",
        before.indicator,
        (before.z, after.z),
        f"{direction} crossing of {len(crossed)} lines ({names}) between "
        f"{before.age_days} and {after.age_days} days",
        AAP_GROWTH_FALTERING,
        CROSSING_REVIEW,
    )


def early_adiposity_rebound(bmi_scores: Sequence[GrowthScore]) -> Finding | None:
    """A finding when BMI, after its post-infancy fall, rises again before 6 years."""
    points = sorted(
        (s for s in bmi_scores if s.age_days >= REBOUND_SEARCH_FROM_DAYS),
        key=lambda s: s.age_days,
    )
    if any(s.indicator != "bmi_for_age" for s in points):
        raise GrowthInputError(
            "adiposity rebound reads BMI-for-age scores only", field="indicator"
        )
    early = [s for s in points if s.age_days < EARLY_REBOUND_BEFORE_DAYS]
    for index, later in enumerate(early[1:], start=1):
        nadir = min(early[:index], key=lambda s: s.value_used)
        if later.value_used > nadir.value_used:
            return Finding(
                "early_adiposity_rebound",
                "bmi_for_age",
                (nadir.z, later.z),
                f"BMI {nadir.value_used:.1f} at {nadir.age_days} days rises to "
                f"{later.value_used:.1f} at {later.age_days} days, before 6 years",
                APHP_ADIPOSITY_REBOUND,
                REBOUND_REVIEW,
            )
    return None


def _same_series(before: GrowthScore, after: GrowthScore) -> None:
    if (before.indicator, before.sex) != (after.indicator, after.sex):
        raise GrowthInputError(
            "a crossing compares one indicator of one child",
            field="indicator",
            value=(before.indicator, after.indicator),
        )
    if after.age_days <= before.age_days:
        raise GrowthInputError(
            "the second measurement must be later than the first",
            field="age_days",
            value=(before.age_days, after.age_days),
        )
