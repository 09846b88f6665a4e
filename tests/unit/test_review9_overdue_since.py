"""An overdue dose says since when it is recommended: the row's own date. A minimum interval
that moves the dose later (Prevenar 20 five years after a Prevenar 13 then Pneumovax
sequence) moved the row's date but not the sentence, which gave the age's date before it
(« recommandée depuis le 10 janvier 2024 » on a row dated 1 June 2024: review of the ninth
session, W3)."""

from __future__ import annotations

import datetime as dt

from prevention_engine import Engine


def test_the_reason_gives_the_row_date(engine: Engine) -> None:
    profile = {"id": "p12", "birth_date": "1959-01-10", "sex": "female",
               "residence": {"country": "FR", "department": "38"},
               "conditions": [{"code": "type_2_diabetes", "since": "2015-03-01"}],
               "immunizations": [{"date": "2019-03-01", "product": "Prevenar 13"},
                                 {"date": "2019-06-01", "product": "Pneumovax"}]}
    agenda = engine.evaluate(profile, dt.date(2025, 9, 1))
    row = next(r for r in agenda.items if r.item == "pneumococcus_adult")
    assert row.status == "overdue" and row.recommended_date == dt.date(2024, 6, 1)
    assert "recommandée depuis le 1er juin 2024" in row.reason
