"""Calendar-level keys a kind owns reach the kind at load time, never through the calendar.

The series kind owns ``live_spacing`` and ``live_conflicts``; every kind plans from its bound
item only (``plan(item, facts)``), so the calendar's defaults are bound into the spec.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import inspect

from prevention_engine import Engine
from prevention_engine.calendar.model import Calendar
from prevention_engine.dates import parse_duration
from prevention_engine.kinds import KINDS
from prevention_engine.kinds.series.spec import CalendarRules, SeriesSpec


def test_the_generic_calendar_knows_no_vaccination_field() -> None:
    fields = {f.name for f in dataclasses.fields(Calendar)}
    assert not fields & {"live_spacing", "live_conflicts"}
    assert "series" in {k.name for k in KINDS.values() if "live_spacing" in k.calendar_keys}


def test_every_kind_plans_from_the_item_and_the_facts_only() -> None:
    for kind in KINDS.values():
        assert list(inspect.signature(kind.plan).parameters) == ["item", "ctx"], kind.name


def test_the_french_live_spacing_is_bound_into_each_series() -> None:
    engine = Engine.default()
    cal = engine.registry.in_force(dt.date(2025, 6, 1), ids=["fr-vaccination"])[0]
    assert isinstance(cal.settings["series"], CalendarRules)
    mmr = next(i for c in engine.registry.calendars if c.id == cal.id and c.version == cal.version
               for i in c.items if i.id == "mmr")
    assert isinstance(mmr.spec, SeriesSpec)
    assert mmr.spec.live
    assert mmr.spec.calendar.live_spacing == parse_duration("1 month")
    assert mmr.spec.calendar.past_due_after == cal.past_due_after


def test_a_live_vaccine_one_week_after_another_is_not_counted() -> None:
    """The bound spacing acts: MMR 7 days after a varicella dose does not count (1 month)."""
    agenda = Engine.default().evaluate(
        {"birth_date": "2024-01-10", "immunizations": [
            {"date": "2025-01-10", "product": "Varivax"},
            {"date": "2025-01-17", "product": "M-M-RVaxPro"},
        ]},
        as_of=dt.date(2025, 3, 1), trace=True,
    )
    rows = [r for r in agenda.items if r.item == "mmr" and r.trace]
    steps = [t for r in rows for t in r.trace or [] if t.immunization == 1]
    assert steps and steps[0].reason == "live_conflict"
