"""The date conventions every kind shares (``prevention_engine.schedule``)."""

from __future__ import annotations

import datetime as dt

from prevention_engine.dates import Duration
from prevention_engine.schedule import longer, past_due


def test_past_due_is_the_day_before_the_period_ends() -> None:
    # CONTRACT.md's example: recommended 2025-05-15, past due one month later minus one day.
    assert past_due(Duration(months=1), dt.date(2025, 5, 15)) == dt.date(2025, 6, 14)
    assert past_due(Duration(years=1), dt.date(2024, 2, 29)) == dt.date(2025, 2, 28)


def test_no_period_no_past_due_date() -> None:
    assert past_due(None, dt.date(2025, 5, 15)) is None


def test_durations_compare_by_the_date_they_reach() -> None:
    assert not longer(Duration(years=1), Duration(months=12))
    assert not longer(Duration(months=12), Duration(years=1))
    assert longer(Duration(months=1), Duration(days=30))
    assert not longer(Duration(days=30), Duration(months=1))
    assert longer(Duration(days=1), Duration())
