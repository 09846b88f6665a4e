"""Properties every agenda must have, on generated profiles (bundled calendars)."""

from __future__ import annotations

import datetime as dt

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from prevention_engine import Engine, Profile
from prevention_engine.strategies import profile_dicts

AS_OF = dt.date(2025, 11, 10)
SETTINGS = settings(max_examples=60, deadline=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture])


@SETTINGS
@given(profile_dicts(AS_OF))
def test_deterministic_byte_for_byte(engine: Engine, data: dict[str, object]) -> None:
    p = Profile.model_validate(data)
    assert engine.evaluate(p, AS_OF).to_json() == engine.evaluate(p, AS_OF).to_json()


@SETTINGS
@given(profile_dicts(AS_OF))
def test_no_date_before_birth_and_dates_ordered(engine: Engine, data: dict[str, object]) -> None:
    p = Profile.model_validate(data)
    for it in engine.evaluate(p, AS_OF).items:
        for d in (it.earliest_date, it.recommended_date, it.past_due_date, it.latest_date):
            assert d is None or d >= p.birth_date, it
        if it.earliest_date and it.recommended_date:
            assert it.earliest_date <= it.recommended_date, it
        if it.recommended_date and it.past_due_date:
            assert it.recommended_date <= it.past_due_date, it


@SETTINGS
@given(profile_dicts(AS_OF), st.integers(1, 2000))
def test_completed_doses_stay_completed(engine: Engine, data: dict[str, object],
                                        days: int) -> None:
    p = Profile.model_validate(data)
    before = {i.id for i in engine.evaluate(p, AS_OF).items
              if i.status == "completed" and i.dose is not None and i.domain == "vaccination"}
    later = AS_OF + dt.timedelta(days=days)
    after = {i.id: i.status for i in engine.evaluate(p, later).items}
    for row_id in before:
        if row_id in after:
            assert after[row_id] in ("completed", "declined"), (row_id, after[row_id])


@SETTINGS
@given(profile_dicts(AS_OF))
def test_recommended_dose_on_its_date_completes_it(engine: Engine,
                                                   data: dict[str, object]) -> None:
    p = Profile.model_validate(data)
    agenda = engine.evaluate(p, AS_OF)
    seen: set[str] = set()
    for it in agenda.items:
        # only the next dose of a series: later doses depend on it being done first
        if it.domain != "vaccination" or it.dose is None or it.item in seen:
            continue
        seen.add(it.item)
        if it.status != "due":
            continue
        if it.recommended_date is None or it.recommended_date > AS_OF + dt.timedelta(days=3650):
            continue
        when = max(it.recommended_date, AS_OF)
        if it.latest_date is not None and when > it.latest_date:
            continue
        extra = {"date": when.isoformat(), "targets": list(it.targets)}
        data2 = dict(data)
        data2["immunizations"] = [*data.get("immunizations", []), extra]  # type: ignore[misc]
        p2 = Profile.model_validate(data2)
        after = {r.id: r for r in engine.evaluate(p2, when).items}
        if it.id in after:
            assert after[it.id].status == "completed", (it.id, after[it.id].reason)
        break


@SETTINGS
@given(profile_dicts(AS_OF), st.dates(min_value=dt.date(2024, 5, 1),
                                      max_value=dt.date(2027, 12, 31)))
def test_never_raises_for_a_valid_profile(engine: Engine, data: dict[str, object],
                                          as_of: dt.date) -> None:
    p = Profile.model_validate(data)
    if p.birth_date <= as_of:
        agenda = engine.evaluate(p, as_of)
        assert agenda.as_of == as_of


@SETTINGS
@given(profile_dicts(AS_OF))
def test_later_doses_never_start_before_earlier_ones(engine: Engine,
                                                     data: dict[str, object]) -> None:
    p = Profile.model_validate(data)
    last: dict[str, dt.date] = {}
    rows = [i for i in engine.evaluate(p, AS_OF).items
            if i.dose is not None and i.status in ("due", "overdue", "upcoming")]
    for it in sorted(rows, key=lambda i: (i.item, i.dose or 0)):
        assert it.earliest_date is not None
        if it.item in last:
            assert it.earliest_date >= last[it.item], it.id
        last[it.item] = it.earliest_date
