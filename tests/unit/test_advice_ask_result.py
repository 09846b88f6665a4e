"""A high-risk woman's breast examination recorded without its result does not close her row.

The high-risk breast follow-up (HAS 2014: a specific follow-up, a breast examination every year
for most risk factors) counted any breast examination of the last year as the follow-up being
done, even one recorded without a result, while an abnormal one calls for further examinations
(the row then says so). A missing result is asked (``needs_data``, ``procedure.result``), never
read as normal, as the organised screening rows do. Advice about habits (a consultation has no
result) is unchanged.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from prevention_engine import CalendarError, Engine
from prevention_engine.agenda import AgendaItem

AS_OF = dt.date(2026, 11, 29)


@pytest.fixture(scope="module")
def engine() -> Engine:
    return Engine.default(["FR"])


def _row(engine: Engine, result: str | None, on: dt.date = AS_OF) -> AgendaItem:
    exam: dict[str, str] = {"target": "breast_cancer", "date": "2026-06-01",
                            "method": "mammography"}
    if result is not None:
        exam["result"] = result
    person = {"id": "w", "birth_date": "1980-04-02", "sex": "female",
              "residence": {"country": "FR"},
              "conditions": [{"code": "breast_high_risk"}], "procedures": [exam]}
    agenda = engine.evaluate(person, on)
    return next(i for i in agenda.items if i.item == "breast_high_risk_followup")


@pytest.mark.parametrize("on", [dt.date(2026, 7, 1), AS_OF])  # both screening editions
def test_an_examination_without_its_result_asks_for_it(engine: Engine, on: dt.date) -> None:
    row = _row(engine, None, on)
    assert row.status == "needs_data"
    assert row.missing_data == ["procedure.result"]
    assert row.completed_date == dt.date(2026, 6, 1)
    assert "résultat" in row.reason


def test_a_normal_examination_still_completes_it(engine: Engine) -> None:
    assert _row(engine, "normal").status == "completed"


def test_an_abnormal_examination_still_calls_for_a_work_up(engine: Engine) -> None:
    row = _row(engine, "abnormal")
    assert row.status == "due" and "examens complémentaires" in row.reason


def test_ask_result_is_a_yes_or_no(tmp_path: Path) -> None:
    calendar = """calendar: t
version: "1"
jurisdiction: FR
in_force: {from: 2020-01-01}
source: {title: t, url: "https://example.org"}
items:
  - id: a
    domain: screening
    title: A
    targets: [breast_cancer]
    kind: advice
    advice: "Texte."
    ask_result: sometimes
    source: {title: t, url: "https://example.org"}
"""
    f = tmp_path / "cal.yaml"
    f.write_text(calendar, encoding="utf-8")
    with pytest.raises(CalendarError) as exc:
        Engine.from_paths([f])
    assert "ask_result" in str(exc.value) and exc.value.line is not None
