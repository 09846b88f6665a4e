"""The RSV vaccination of older people entered the 2024 calendar with its update of
3 October 2024 (Ordre national des pharmaciens, 3 October 2024): an agenda dated before that
day does not show it (it was announced « à venir » in September 2024: review of the ninth
session, W5); from that day it is due, with nothing due before."""

from __future__ import annotations

import datetime as dt

from prevention_engine import Engine

PERSON = {"id": "old", "birth_date": "1944-03-01", "sex": "female",
          "residence": {"country": "FR", "department": "75"}}


def _rsv(engine: Engine, as_of: dt.date) -> list[str]:
    agenda = engine.evaluate(PERSON, as_of)
    assert [c.version for c in agenda.calendars if c.id == "fr-vaccination"] == ["2024.1"]
    return [r.status for r in agenda.items if r.item == "rsv_older_adult"]


def test_not_shown_before_the_update(engine: Engine) -> None:
    assert _rsv(engine, dt.date(2024, 9, 1)) == []
    assert _rsv(engine, dt.date(2024, 10, 2)) == []


def test_due_from_the_update(engine: Engine) -> None:
    assert _rsv(engine, dt.date(2024, 10, 3)) == ["due"]
