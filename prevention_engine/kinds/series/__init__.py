"""The ``series`` kind: vaccination series evaluated and forecast the CDSi way.

Each recorded dose is matched against the target doses of a series in date order (age,
intervals, product, live-vaccine spacing, conditional skips); then the next target dose gets its
forecast dates. Grace periods, intervals and skips are all data from the rule file. The parts:
``spec`` (compiled YAML), ``evaluation`` (doses and forecast), ``selection`` (which series),
``planning`` (the agenda rows: completed doses, the next one, projections, adult boosters), and
here only the kind's registration (an ``__init__`` stays interpreted in the compiled build).
"""

from __future__ import annotations

from ..base import Kind, register
from .planning import all_seasons, bind, plan, product_key
from .spec import CALENDAR_KEYS, SeriesSpec, parse_calendar_rules, parse_series

__all__ = ["SeriesSpec", "plan", "product_key"]


def _group(spec: SeriesSpec) -> str | None:
    return spec.vaccine_group.name if spec.vaccine_group else None


register(
    Kind(
        name="series",
        keys=("series", "vaccine_group", "start_age_basis", "product_contraindications",
              "also_counts", "no_valid_dose_choice"),
        parse=parse_series,
        plan=plan,
        bind=bind,
        calendar_keys=CALENDAR_KEYS,
        settings=parse_calendar_rules,
        group=_group,
        seasons=all_seasons,
    )
)
