"""Screening campaigns do not invite a person whose last test calls for a work-up.

Mars bleu (colorectal) and Octobre rose (breast) invite the people of the organised programme
to be screened. A person whose faecal test was positive and who has had no colonoscopy since
needs that colonoscopy (ameli: "si du sang est trouvé … une coloscopie est effectuée"), not a
new faecal test: the campaign invited her anyway, next to the row asking for the colonoscopy.
The same for a woman whose latest mammography was abnormal (further examinations first).
"""

from __future__ import annotations

import datetime as dt

import pytest

from prevention_engine import Engine

MARS = dt.date(2026, 3, 15)
OCTOBRE = dt.date(2026, 10, 15)


@pytest.fixture(scope="module")
def engine() -> Engine:
    return Engine.default(["FR"])


def _items(engine: Engine, sex: str, procedures: list[dict[str, str]], on: dt.date) -> set[str]:
    person = {"id": "p", "birth_date": "1966-01-20", "sex": sex,
              "residence": {"country": "FR"}, "procedures": procedures}
    return {i.item for i in engine.evaluate(person, on).items}


def test_mars_bleu_skips_a_positive_faecal_test_awaiting_its_colonoscopy(engine: Engine) -> None:
    positive = {"target": "colorectal_cancer", "date": "2025-11-02", "method": "fit",
                "result": "positive"}
    items = _items(engine, "male", [positive], MARS)
    assert "colorectal_positive_test_followup" in items
    assert "mars_bleu" not in items


def test_mars_bleu_still_invites_after_a_negative_test(engine: Engine) -> None:
    negative = {"target": "colorectal_cancer", "date": "2023-11-02", "method": "fit",
                "result": "negative"}
    assert "mars_bleu" in _items(engine, "male", [negative], MARS)


def test_octobre_rose_skips_a_woman_whose_last_mammography_was_abnormal(engine: Engine) -> None:
    abnormal = {"target": "breast_cancer", "date": "2026-06-02", "method": "mammography",
                "result": "abnormal"}
    items = _items(engine, "female", [abnormal], OCTOBRE)
    assert "breast_abnormal_followup" in items
    assert "octobre_rose" not in items
    normal = dict(abnormal, result="normal", date="2024-06-02")
    assert "octobre_rose" in _items(engine, "female", [normal], OCTOBRE)
