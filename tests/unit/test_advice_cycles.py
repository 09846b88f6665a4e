"""Advice renewed after ``renew_after`` is a new cycle: it says when it was last acted on, and
it is notified again (its notification key carries the cycle, as a recurring screening's
carries its last test), instead of never again once sent."""

from __future__ import annotations

import datetime as dt

import pytest

from prevention_engine import Engine
from prevention_engine.notifications import new_notifications

SMOKER = {"id": "s", "birth_date": "1980-03-01", "sex": "male", "lifestyle": {"smoker": True}}
ROW = "fr-chronic/tobacco_cessation_support"


@pytest.fixture(scope="module")
def engine() -> Engine:
    return Engine.default(["FR"])


def _keys(engine: Engine, person: dict[str, object], on: dt.date) -> set[str]:
    agenda = engine.evaluate(person, on)
    return {n.key for n in agenda.notifications if n.item_id == ROW}


def test_a_renewed_advice_is_notified_again(engine: Engine) -> None:
    first = _keys(engine, SMOKER, dt.date(2024, 1, 10))
    assert first  # the first advice is notified
    acted = {**SMOKER, "procedures": [{"target": "smoking_cessation", "date": "2024-03-10"}]}
    assert not _keys(engine, acted, dt.date(2024, 6, 10))  # completed: nothing to send
    renewed = engine.evaluate(acted, dt.date(2025, 6, 10))
    row = next(i for i in renewed.items if i.id == ROW)
    assert (row.status, row.completed_date) == ("due", dt.date(2024, 3, 10))
    again = new_notifications(renewed, first)
    assert [n.item_id for n in again if n.item_id == ROW]  # not taken for the one already sent


def test_the_same_cycle_is_sent_once(engine: Engine) -> None:
    acted = {**SMOKER, "procedures": [{"target": "smoking_cessation", "date": "2024-03-10"}]}
    a = _keys(engine, acted, dt.date(2025, 6, 10))
    b = _keys(engine, acted, dt.date(2025, 9, 1))
    assert a and a == b


def test_explain_calls_the_previous_date_of_an_open_row_the_last_time(engine: Engine) -> None:
    """A renewed advice (like a recurring screening's next test) is to do again: its
    ``completed_date`` is the previous time, not "faite" next to "à faire"."""
    from prevention_engine.explain import explain
    from prevention_engine.profile import Profile

    acted = {**SMOKER, "residence": {"country": "FR"},
             "procedures": [{"target": "smoking_cessation", "date": "2024-03-10"}]}
    renewed = explain(engine, Profile.model_validate(acted), dt.date(2025, 6, 10),
                      "tobacco_cessation_support")
    assert renewed is not None
    line = next(x for x in renewed.splitlines() if x.startswith("* "))
    assert ": à faire (" in line and "dernière fois 2024-03-10" in line, line
    assert "faite" not in line, line
    done = explain(engine, Profile.model_validate(acted), dt.date(2024, 6, 10),
                   "tobacco_cessation_support")
    assert done is not None and "faite 2024-03-10" in done, done
