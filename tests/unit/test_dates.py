"""The CDSi date algebra (LOGIC-NOTES 2.2), with the specification's own examples."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from prevention_engine.dates import (
    Duration,
    add,
    completed_months,
    completed_years,
    parse_duration,
)


@pytest.mark.parametrize(
    ("start", "duration", "expected"),
    [
        (date(2000, 1, 1), "3 years", date(2003, 1, 1)),  # CALCDT-1
        (date(2000, 11, 1), "6 months", date(2001, 5, 1)),  # CALCDT-2
        (date(2000, 2, 1), "5 weeks", date(2000, 3, 7)),  # CALCDT-3, leap year
        (date(2001, 2, 1), "5 weeks", date(2001, 3, 8)),  # CALCDT-3
        (date(2000, 1, 15), "0 days - 4 days", date(2000, 1, 11)),  # CALCDT-4
        (date(2000, 3, 31), "6 months", date(2000, 10, 1)),  # CALCDT-5
        (date(2000, 8, 31), "6 months", date(2001, 3, 1)),  # CALCDT-5
        (date(2000, 1, 31), "6 months - 4 days", date(2000, 7, 27)),  # CALCDT-6
        (date(2000, 2, 29), "1 year", date(2001, 3, 1)),  # 29 February
        (date(2025, 5, 31), "6 months", date(2025, 12, 1)),  # case 2013-0230
        (date(2025, 9, 6), "10 weeks - 4 days", date(2025, 11, 11)),  # case 2013-0002
    ],
)
def test_cdsi_examples(start: date, duration: str, expected: date) -> None:
    assert add(start, duration) == expected


def test_past_due_of_case_2013_0230() -> None:
    # DOB 2025-05-31 + 19 months + 4 weeks - 1 day = 2027-01-27 (LOGIC-NOTES 2.2).
    assert add(date(2025, 5, 31), "19 months + 4 weeks") - timedelta(days=1) == date(2027, 1, 27)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2 months", Duration(0, 2, 0)),
        ("12 months - 4 days", Duration(0, 12, -4)),
        ("5 months + 4 weeks", Duration(0, 5, 28)),
        ("8 months + 1 day", Duration(0, 8, 1)),
        ("25 years", Duration(25, 0, 0)),
        ("0 days", Duration(0, 0, 0)),
    ],
)
def test_parse(text: str, expected: Duration) -> None:
    assert parse_duration(text) == expected


@pytest.mark.parametrize("bad", ["", "2", "two months", "2 fortnights", "2 months 3 days"])
def test_parse_rejects(bad: str) -> None:
    with pytest.raises(ValueError):
        parse_duration(bad)


dates = st.dates(min_value=date(1900, 1, 1), max_value=date(2100, 12, 31))
durations = st.builds(
    Duration,
    st.integers(0, 100),
    st.integers(0, 36),
    st.integers(0, 400),
)


@given(dates, durations)
def test_adding_never_goes_back(start: date, d: Duration) -> None:
    assert add(start, d) >= start


@given(dates, dates, st.integers(0, 30), st.integers(0, 120))
def test_order_is_preserved(a: date, b: date, years: int, months: int) -> None:
    d = Duration(years, months, 0)
    lo, hi = sorted((a, b))
    assert d.add_to(lo) <= d.add_to(hi)


@given(dates, st.integers(0, 200))
def test_month_end_moves_to_first_of_next_month(start: date, months: int) -> None:
    result = Duration(0, months, 0).add_to(start)
    # Either the day is kept, or it did not exist and the date moved to the 1st.
    assert result.day == start.day or (result.day == 1 and start.day > 28)


@given(dates, st.integers(0, 120))
def test_age_is_reached_on_birthday(birth: date, years: int) -> None:
    on = Duration(years=years).add_to(birth)
    assert completed_years(birth, on) == years
    assert completed_years(birth, on - timedelta(days=1)) == max(years - 1, 0)


def _by_adding(birth: date, on: date, unit: str) -> int:
    """Whole years or months by the definition: the most N with birth + N units <= on."""
    n = on.year - birth.year if unit == "years" else \
        (on.year - birth.year) * 12 + on.month - birth.month
    while n > 0 and Duration(**{unit: n}).add_to(birth) > on:
        n -= 1
    return max(n, 0)


@given(dates, dates)
def test_completed_ages_agree_with_adding_the_duration(birth: date, on: date) -> None:
    # the fast comparison of (month, day) gives the ages CALCDT-5 gives, month ends and
    # 29 February included
    assert completed_years(birth, on) == _by_adding(birth, on, "years")
    assert completed_months(birth, on) == _by_adding(birth, on, "months")


@pytest.mark.parametrize(("birth", "on", "years", "months"), [
    (date(2020, 2, 29), date(2021, 2, 28), 0, 11),
    (date(2020, 2, 29), date(2021, 3, 1), 1, 12),
    (date(2024, 1, 31), date(2024, 2, 29), 0, 0),
    (date(2024, 1, 31), date(2024, 3, 1), 0, 1),
    (date(2024, 3, 1), date(2024, 2, 1), 0, 0),
])
def test_completed_ages_at_month_ends(birth: date, on: date, years: int, months: int) -> None:
    assert (completed_years(birth, on), completed_months(birth, on)) == (years, months)


@given(dates, dates, st.integers(0, 130), st.integers(0, 30), st.integers(0, 40))
def test_an_age_is_reached_as_adding_it_says(
    birth: date, on: date, years: int, months: int, days: int
) -> None:
    # Context.reached compares whole months for an age without days (months_since), and adds
    # the age otherwise: both must agree with birth + age <= on, before birth included
    from prevention_engine.context import Context
    from prevention_engine.profile import Profile

    ctx = Context(Profile.model_construct(birth_date=birth), on, (), frozenset(), None, ())
    for age in (Duration(years, months, 0), Duration(0, months, days), Duration(years, 0, 0)):
        assert ctx.reached(age) == (age.add_to(birth) <= on)
