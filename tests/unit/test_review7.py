"""Adversarial review of the seventh session (branch review7): cases written from the sources,
independently of the YAML.

- Rubella serology in pregnancy: two *documented* vaccinations are written proof of immunity
  (HAS 2009, surveillance sérologique de la rubéole pendant la grossesse). The vaccination
  calendar's general rules say two live vaccines are given the same day or at least 1 month
  apart (calendrier vaccinal, règles générales d'administration; the bundled vaccination
  calendar's ``live_spacing``): an MMR dose given two weeks after a varicella vaccine is not a
  valid dose, and the engine's own MMR row says so. It cannot be one of the two doses that
  spare the serology.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from prevention_engine import CalendarError, Engine

AS_OF = dt.date(2026, 11, 29)
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def engine() -> Engine:
    return Engine.default(["FR"])


def _rows(engine: Engine, doses: list[dict[str, object]]) -> dict[str, str]:
    profile = {"birth_date": "1998-03-10", "sex": "female", "immunizations": doses,
               "pregnancies": [{"lmp": "2026-09-20"}]}
    agenda = engine.evaluate(profile, AS_OF)
    return {i.id: i.status for i in agenda.items
            if i.item == "rubella_serology" or i.item == "mmr"}


def test_an_mmr_dose_too_close_to_another_live_vaccine_does_not_spare_the_serology(
    engine: Engine,
) -> None:
    rows = _rows(engine, [
        {"date": "1999-06-01", "product": "Varivax"},
        {"date": "1999-06-15", "product": "M-M-RVaxPro"},   # 14 days after a live vaccine
        {"date": "2003-09-01", "product": "Priorix"},
    ])
    # the vaccination calendar counts one valid MMR dose: the 2nd is still to give (after birth)
    assert rows["fr-vaccination/mmr/2"] != "completed", rows
    assert rows.get("fr-pregnancy/rubella_serology/1er-examen") == "due", rows


def test_mmr_and_varicella_the_same_day_still_count(engine: Engine) -> None:
    rows = _rows(engine, [
        {"date": "1999-06-01", "product": "Varivax"},
        {"date": "1999-06-01", "product": "M-M-RVaxPro"},   # same day: allowed
        {"date": "2003-09-01", "product": "Priorix"},
    ])
    assert rows["fr-vaccination/mmr/2"] == "completed", rows
    assert rows["fr-pregnancy/rubella_serology"] == "not_recommended", rows


_CAL = """
calendar: test-documented-doses-live
version: "1"
jurisdiction: FR
in_force: {from: 2020-01-01}
source: {title: t, url: "https://example.org"}
items:
  - id: serology
    domain: pregnancy
    title: Sérologie
    targets: [rubella]
    kind: window
    anchor: birth
    not_recommended_when: {documented_doses: {target: rubella, count: 2, live_spacing: SPACING}}
    windows: [{id: w, label: w, from: "0 days", to: "1 year"}]
    source: {title: t, url: "https://example.org"}
"""


@pytest.mark.parametrize("spacing", ['"0 days"', "soon", '"-1 month"'])
def test_a_mistyped_live_spacing_names_the_file_and_the_field(
    tmp_path: Path, spacing: str,
) -> None:
    f = tmp_path / "cal.yaml"
    f.write_text(_CAL.replace("SPACING", spacing), encoding="utf-8")
    with pytest.raises(CalendarError, match="live_spacing") as err:
        Engine.from_paths([f, ROOT / "rules" / "products"])
    assert "cal.yaml" in str(err.value)
