"""Properties of the whole engine on any valid profile (issue 15), drawn with the public
strategies (``prevention_engine.strategies.any_profile_dicts``): births on month ends and 29
February, doses by product and by targets, observations, pregnancies, caregivers, consent.

Each property is a statement a tester can read and that a wrong engine breaks; few examples
each (the suite runs in seconds), many properties."""

from __future__ import annotations

import datetime as dt
import io
import json
import random
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from prevention_engine import Agenda, Engine, Profile
from prevention_engine.agenda import STATUS_ORDER
from prevention_engine.compact import CompactWriter, expand, read_catalogue
from prevention_engine.engine import Rejected
from prevention_engine.strategies import AS_OF, any_profile_dicts, assessment_dates

SETTINGS = settings(max_examples=25, deadline=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture,
                                           HealthCheck.too_slow])
ROW_DATES = ("earliest_date", "recommended_date", "past_due_date", "latest_date",
             "completed_date")


def _agenda(engine: Engine, data: dict[str, Any], as_of: dt.date = AS_OF) -> Agenda:
    return engine.evaluate(Profile.model_validate(data), as_of)


def _rows(agenda: Agenda) -> dict[str, tuple[Any, ...]]:
    """What a person reads of each row: status and dates, by row id."""
    return {i.id: (i.status, i.dose, *(getattr(i, d) for d in ROW_DATES)) for i in agenda.items}


@SETTINGS
@given(any_profile_dicts())
def test_same_input_same_bytes_from_dict_model_or_json(engine: Engine,
                                                       data: dict[str, Any]) -> None:
    from_dict = engine.evaluate(data, AS_OF).to_json()
    from_model = _agenda(engine, data).to_json()
    from_json = engine.evaluate(Profile.model_validate_json(json.dumps(data)), AS_OF).to_json()
    assert from_dict == from_model == from_json


@SETTINGS
@given(any_profile_dicts())
def test_no_row_dated_before_birth(engine: Engine, data: dict[str, Any]) -> None:
    birth = dt.date.fromisoformat(data["birth_date"])
    for item in _agenda(engine, data).items:
        for name in ROW_DATES:
            d = getattr(item, name)
            assert d is None or d >= birth, (item.id, name, d)


@SETTINGS
@given(any_profile_dicts())
def test_row_dates_are_in_order(engine: Engine, data: dict[str, Any]) -> None:
    for it in _agenda(engine, data).items:
        dates = [d for d in (it.earliest_date, it.recommended_date, it.past_due_date) if d]
        assert dates == sorted(dates), it.id
        if it.earliest_date and it.latest_date:
            assert it.earliest_date <= it.latest_date, it.id


@SETTINGS
@given(any_profile_dicts())
def test_open_statuses_agree_with_the_dates(engine: Engine, data: dict[str, Any]) -> None:
    for it in _agenda(engine, data).items:
        if it.status == "upcoming" and it.earliest_date:
            assert it.earliest_date > AS_OF or (it.recommended_date or AS_OF) > AS_OF, it.id
        if it.status == "overdue":
            assert it.past_due_date is not None and it.past_due_date <= AS_OF, it.id
        if it.status == "completed" and it.completed_date:
            assert it.completed_date <= AS_OF, it.id


@SETTINGS
@given(any_profile_dicts())
def test_every_row_cites_a_source_and_a_calendar_in_force(engine: Engine,
                                                          data: dict[str, Any]) -> None:
    agenda = _agenda(engine, data)
    in_force = {(c.id, c.version) for c in agenda.calendars}
    for it in agenda.items:
        assert it.source.title.strip() and it.source.url.startswith("http"), it.id
        assert (it.calendar.id, it.calendar.version) in in_force, it.id
        assert it.id.startswith(f"{it.calendar.id}/{it.item}"), it.id
        assert it.title.strip() and it.reason.strip(), it.id


@SETTINGS
@given(any_profile_dicts())
def test_row_ids_are_unique_and_rows_sorted_by_status(engine: Engine,
                                                      data: dict[str, Any]) -> None:
    items = _agenda(engine, data).items
    assert len({i.id for i in items}) == len(items)
    assert all(i.status in STATUS_ORDER for i in items)


@SETTINGS
@given(any_profile_dicts())
def test_profile_json_round_trip(engine: Engine, data: dict[str, Any]) -> None:
    profile = Profile.model_validate(data)
    again = Profile.model_validate_json(profile.model_dump_json())
    assert again == profile
    assert engine.evaluate(again, AS_OF).to_json() == engine.evaluate(profile, AS_OF).to_json()


@SETTINGS
@given(any_profile_dicts())
def test_agenda_json_round_trip(engine: Engine, data: dict[str, Any]) -> None:
    text = _agenda(engine, data).to_json()
    assert Agenda.model_validate_json(text).to_json() == text


@settings(max_examples=10, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(st.lists(any_profile_dicts(), min_size=2, max_size=4), st.randoms(use_true_random=False))
def test_no_cross_talk_between_profiles_evaluated_together(
    engine: Engine, batch: list[dict[str, Any]], rnd: random.Random
) -> None:
    alone = [_agenda(engine, d).to_json() for d in batch]
    together = [a.to_json() for a in engine.evaluate_many(batch, AS_OF)
                if not isinstance(a, Rejected)]
    assert together == alone
    order = list(range(len(batch)))
    rnd.shuffle(order)
    shuffled = list(engine.evaluate_many([batch[i] for i in order], AS_OF))
    assert [a.to_json() for a in shuffled if not isinstance(a, Rejected)] == [
        alone[i] for i in order]


@SETTINGS
@given(any_profile_dicts(), st.randoms(use_true_random=False))
def test_the_order_of_the_history_does_not_matter(engine: Engine, data: dict[str, Any],
                                                  rnd: random.Random) -> None:
    shuffled = dict(data)
    for key in ("immunizations", "procedures", "conditions", "observations"):
        items = list(data.get(key, []))
        rnd.shuffle(items)
        shuffled[key] = items
    assert _rows(_agenda(engine, shuffled)) == _rows(_agenda(engine, data))


@SETTINGS
@given(any_profile_dicts())
def test_an_unknown_product_counts_for_nothing_and_is_reported(engine: Engine,
                                                               data: dict[str, Any]) -> None:
    before = _agenda(engine, data)
    extra = {"date": data["birth_date"], "product": "Produit-Inconnu-XYZ"}
    after = _agenda(engine, {**data, "immunizations": [*data["immunizations"], extra]})
    assert _rows(after) == _rows(before)
    assert len(after.warnings) > len(before.warnings)


@SETTINGS
@given(any_profile_dicts())
def test_recording_the_same_procedure_twice_changes_nothing(engine: Engine,
                                                            data: dict[str, Any]) -> None:
    if not data["procedures"]:
        return
    doubled = {**data, "procedures": [*data["procedures"], data["procedures"][0]]}
    assert _rows(_agenda(engine, doubled)) == _rows(_agenda(engine, data))


@SETTINGS
@given(any_profile_dicts(), st.integers(1, 1500))
def test_completed_doses_stay_completed_on_their_date_later(engine: Engine,
                                                            data: dict[str, Any],
                                                            days: int) -> None:
    """Monotonicity in ``as_of``: a dose counted today is still counted, on the same date,
    at any later assessment (rows that leave the agenda are not compared)."""
    now = {i.id: i.completed_date for i in _agenda(engine, data).items
           if i.status == "completed" and i.domain == "vaccination" and i.dose is not None}
    later = {i.id: i for i in _agenda(engine, data, AS_OF + dt.timedelta(days=days)).items}
    for row_id, when in now.items():
        if row_id in later and later[row_id].status != "declined":
            assert later[row_id].status == "completed", (row_id, later[row_id].status)
            assert later[row_id].completed_date == when, row_id


@SETTINGS
@given(any_profile_dicts(), assessment_dates())
def test_any_assessment_date_gives_an_agenda_dated_that_day(engine: Engine,
                                                            data: dict[str, Any],
                                                            as_of: dt.date) -> None:
    if dt.date.fromisoformat(data["birth_date"]) > as_of:
        return
    agenda = engine.evaluate(data, as_of)
    assert agenda.as_of == as_of and agenda.person_id == data["id"]


@SETTINGS
@given(any_profile_dicts())
def test_notifications_point_at_open_rows_of_the_agenda(engine: Engine,
                                                        data: dict[str, Any]) -> None:
    agenda = _agenda(engine, data)
    rows = {i.id: i for i in agenda.items}
    recipients = {data["id"], *(c["id"] for c in data.get("caregivers", []))}
    opted_out = set(data["consent"]["opt_out_domains"])
    for n in agenda.notifications:
        assert n.item_id in rows, n
        assert n.recipient in recipients, n
        assert rows[n.item_id].domain not in opted_out, n
        assert rows[n.item_id].status not in ("completed", "declined", "not_recommended"), n


@SETTINGS
@given(any_profile_dicts())
def test_needs_data_names_what_is_missing(engine: Engine, data: dict[str, Any]) -> None:
    for it in _agenda(engine, data).items:
        if it.status == "needs_data":
            assert it.missing_data, it.id


@settings(max_examples=10, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(st.lists(any_profile_dicts(), min_size=1, max_size=4))
def test_compact_output_expands_to_the_full_one(engine: Engine,
                                                batch: list[dict[str, Any]]) -> None:
    full = [_agenda(engine, d).to_json() for d in batch]
    out, cat = io.StringIO(), io.StringIO()
    writer = CompactWriter(out, cat)
    for text in full:
        writer.write(text)
    catalogue = read_catalogue(cat.getvalue().splitlines())
    assert list(expand(out.getvalue().splitlines(), catalogue)) == full


def test_the_documented_example_runs() -> None:
    """docs/testing.md's example, run as a tester would paste it."""
    from pathlib import Path

    text = (Path(__file__).resolve().parents[2] / "docs" / "testing.md").read_text("utf-8")
    code = text.split("```python\n", 1)[1].split("```", 1)[0]
    namespace: dict[str, Any] = {}
    exec(compile(code, "docs/testing.md", "exec"), namespace)
    namespace["test_every_row_cites_its_source"]()
