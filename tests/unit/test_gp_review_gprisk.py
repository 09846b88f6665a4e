"""GP review of risk-group and older people's agendas (2026-11-29, branch gprisk): cases written
from the sources, independently of the YAML and of the wording code.

- Diabetes kidney follow-up: "au moins 1 fois par an : évaluation de la fonction rénale
  (créatininémie et microalbuminurie)" (Fédération française des diabétiques, les examens de
  suivi du diabète, https://federationdesdiabetiques.org/diabete/complications/examens). A
  person whose eGFR was measured but whose urine albumin/creatinine ratio never was has an
  incomplete kidney check: the row stays due, but its reason must not say that nothing was
  recorded, and must show the measurement that was.
"""

from __future__ import annotations

import datetime as dt

from prevention_engine import Engine

AS_OF = dt.date(2026, 11, 29)


def _kidney(engine: Engine, observations: list[dict[str, object]]) -> tuple[str, str]:
    profile = {
        "birth_date": "1968-03-20", "sex": "male",
        "conditions": [{"code": "type_2_diabetes", "since": "2019-06-01"}],
        "observations": observations,
    }
    agenda = engine.evaluate(profile, AS_OF)
    row = next(i for i in agenda.items if i.item == "diabetes_kidney")
    return row.status, row.reason


def test_an_egfr_without_albuminuria_is_said_recorded_not_nothing(engine: Engine) -> None:
    status, reason = _kidney(engine, [
        {"code": "egfr", "value": 75, "unit": "ml/min/1.73m2", "date": "2025-09-01"},
    ])
    # the yearly check needs both: never complete since the diagnosis, so still owed
    assert status == "overdue", (status, reason)
    assert "rien d'enregistré" not in reason, reason
    assert "DFG estimé 75" in reason and "1er septembre 2025" in reason, reason
    assert "albuminurie/créatininurie" in reason, reason


def test_nothing_recorded_still_says_so(engine: Engine) -> None:
    status, reason = _kidney(engine, [])
    assert status == "overdue"
    assert "rien d'enregistré depuis le diagnostic (1er juin 2019)" in reason, reason
