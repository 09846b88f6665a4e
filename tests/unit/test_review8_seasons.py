"""Adversarial review of the eighth session (review8): ended-season warnings. Each test failed
before its fix; expected values come from the date algebra (CDSi: a day that does not exist is
the first of the next month), not from the code under test."""

from __future__ import annotations

import datetime as dt

from prevention_engine.engine import _next_expected
from prevention_engine.schedule import Season


# -- public-health months: the next edition's start, 29 February ---------------------------
def test_next_edition_of_a_season_begun_on_29_february_is_counted_from_its_start() -> None:
    """A month that began on 29 February 2024 returns on 1 March in 2025-2027 (the date
    algebra: a day that does not exist is the first of the next month) and on 29 February
    2028; adding a year at a time drifted to 1 March 2028."""
    season = Season("x", dt.date(2024, 2, 29), dt.date(2024, 3, 31), None, None, None)
    assert _next_expected((season,), dt.date(2027, 3, 31)) == dt.date(2028, 2, 29)
    assert _next_expected((season,), dt.date(2024, 3, 31)) == dt.date(2025, 3, 1)
