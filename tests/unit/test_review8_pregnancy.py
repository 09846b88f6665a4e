"""Adversarial review of the eighth session (review8): the HIV test of pregnancy. Each test failed
before its fix; expected values come from the law (CSP L2122-1: a screening proposed to every
pregnant woman) and the general HIV screening row, not from the code under test."""

from __future__ import annotations

import datetime as dt

from prevention_engine import Engine

TODAY = dt.date(2026, 11, 29)


# -- HIV test of pregnancy: now recommended and notified, so never to a woman living with HIV --
def test_a_pregnant_woman_living_with_hiv_is_not_sent_an_hiv_screening_test(
        engine: Engine) -> None:
    """The test of pregnancy is a screening (CSP L2122-1: proposed to find an unknown
    infection); a known infection is followed by the team treating it, as the general HIV
    screening row of the same agenda already says. Since the row became recommended it was
    "à faire" and notified to her."""
    agenda = engine.evaluate({
        "birth_date": "1995-01-01", "sex": "female",
        "pregnancies": [{"lmp": "2026-10-01"}],
        "conditions": [{"code": "hiv_infection"}],
    }, TODAY)
    (row,) = [i for i in agenda.items if i.item == "hiv_test_offered"]
    assert row.status == "not_recommended"
    assert "VIH" in row.reason
    assert not [n for n in agenda.notifications if n.item_id == row.id]


def test_a_pregnant_woman_without_hiv_is_still_offered_the_test(engine: Engine) -> None:
    agenda = engine.evaluate({"birth_date": "1995-01-01", "sex": "female",
                              "pregnancies": [{"lmp": "2026-10-01"}]}, TODAY)
    (row,) = [i for i in agenda.items if i.item == "hiv_test_offered"]
    assert row.status == "due"
