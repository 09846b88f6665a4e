"""Cervical screening, 30-65 years: a positive HPV test with a normal cytology after it.

HAS 2019 algorithm (test HPV-HR in primary screening from 30 years), as restated by Le
Quotidien du médecin (19 December 2025, "Que faire en cas de frottis anormal depuis le test
HPV ?"): "en cas de test HPV positif avec cytologie réflexe normale, une surveillance par test
HPV est programmée à un an". The programme read the normal cytology alone and dated the next
test 3 years later (the rule of a normal cytology of a woman under 30): two years late for a
woman with an HPV infection.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from prevention_engine import CalendarError, Engine
from prevention_engine.agenda import AgendaItem

POSITIVE = {"target": "cervical_cancer", "date": "2025-03-01", "method": "hpv_test",
            "result": "positive"}


@pytest.fixture(scope="module")
def engine() -> Engine:
    return Engine.default(["FR"])


def _row(engine: Engine, procedures: list[dict[str, str]], on: dt.date) -> AgendaItem:
    person = {"id": "w", "birth_date": "1985-05-10", "sex": "female",
              "residence": {"country": "FR"}, "procedures": procedures}
    agenda = engine.evaluate(person, on)
    return next(i for i in agenda.items if i.item == "cervical_screening")


@pytest.mark.parametrize("on", [dt.date(2025, 6, 15), dt.date(2026, 11, 29)])  # both editions
def test_normal_cytology_after_a_positive_hpv_test_brings_the_hpv_test_to_one_year(
    engine: Engine, on: dt.date
) -> None:
    cytology = {"target": "cervical_cancer", "date": "2025-03-10", "method": "cytology",
                "result": "normal"}
    row = _row(engine, [POSITIVE, cytology], on)
    assert row.recommended_date == dt.date(2026, 3, 10)
    assert row.method == "hpv_test"
    assert "1 an" in row.reason


def test_a_normal_cytology_without_a_positive_test_before_keeps_three_years(
    engine: Engine
) -> None:
    cytology = {"target": "cervical_cancer", "date": "2025-03-10", "method": "cytology",
                "result": "normal"}
    negative = dict(POSITIVE, result="negative", date="2019-03-01")
    row = _row(engine, [negative, cytology], dt.date(2026, 11, 29))
    assert row.recommended_date == dt.date(2028, 3, 10)


def test_a_negative_hpv_test_at_one_year_goes_back_to_five_years(engine: Engine) -> None:
    cytology = {"target": "cervical_cancer", "date": "2025-03-10", "method": "cytology",
                "result": "normal"}
    negative = dict(POSITIVE, result="negative", date="2026-03-15")
    row = _row(engine, [POSITIVE, cytology, negative], dt.date(2026, 11, 29))
    assert row.recommended_date == dt.date(2031, 3, 15)


def test_previous_is_read_and_checked_by_the_loader(tmp_path: Path) -> None:
    calendar = """calendar: t
version: "1"
jurisdiction: FR
in_force: {from: 2020-01-01}
source: {title: t, url: "https://example.org"}
items:
  - id: c
    domain: screening
    title: C
    targets: [cervical_cancer]
    kind: recurring
    methods: [cytology, hpv_test]
    source: {title: t, url: "https://example.org"}
    rules:
      - when: {method: cytology, previous: {method: [hpv_tset], result: [positive]}}
        next: "1 year"
"""
    f = tmp_path / "cal.yaml"
    f.write_text(calendar, encoding="utf-8")
    with pytest.raises(CalendarError) as exc:
        Engine.from_paths([f])
    assert "hpv_tset" in str(exc.value) and exc.value.line is not None
