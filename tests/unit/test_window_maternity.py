"""The window kind's pregnancy anchors (``conception``, ``maternity``) and ``until_end``."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from prevention_engine import AgendaItem, CalendarError, Engine

CAL = """\
calendar: test-maternity
version: "1"
jurisdiction: FR
in_force: {from: 2000-01-01}
source: {title: Test, url: https://example.org}
items:
  - id: dental
    domain: pregnancy
    title: Examen
    targets: [dental_checkup]
    source: {title: Test, url: https://example.org}
    kind: window
    anchor: maternity
    until_end: "6 months"
    windows:
      - {id: "m", from: "3 months"}
  - id: month4
    domain: pregnancy
    title: Examen du 4e mois
    targets: [prenatal_exam]
    source: {title: Test, url: https://example.org}
    kind: window
    anchor: conception
    windows:
      - {id: "4", from: "3 months", to: "4 months"}
"""


def _engine(tmp_path: Path, text: str) -> Engine:
    (tmp_path / "cal.yaml").write_text(text, encoding="utf-8")
    return Engine.from_paths([tmp_path / "cal.yaml"])


def _rows(eng: Engine, profile: dict[str, Any], on: str) -> dict[str, AgendaItem]:
    agenda = eng.evaluate(profile, dt.date.fromisoformat(on))
    return {i.item: i for i in agenda.items}


def _profile(**preg: str) -> dict[str, Any]:
    return {"birth_date": "1990-01-01", "sex": "female", "pregnancies": [preg]}


def test_open_while_pregnant_then_closes_after_the_birth(tmp_path: Path) -> None:
    eng = _engine(tmp_path, CAL)
    rows = _rows(eng, _profile(lmp="2025-01-01"), "2025-05-01")
    assert rows["dental"].status == "due"
    assert rows["dental"].recommended_date == dt.date(2025, 4, 15)  # DDG 01-15 + 3 months
    assert rows["dental"].latest_date is None
    assert rows["month4"].recommended_date == dt.date(2025, 4, 15)
    assert rows["month4"].latest_date == dt.date(2025, 5, 14)
    born = _profile(lmp="2025-01-01", end_date="2025-10-01", outcome="live_birth")
    rows = _rows(eng, born, "2025-11-01")
    assert rows["dental"].latest_date == dt.date(2026, 3, 31)
    assert "month4" not in rows  # prenatal: closed with the pregnancy


def test_no_delivery_closes_at_the_end(tmp_path: Path) -> None:
    eng = _engine(tmp_path, CAL)
    lost = _profile(lmp="2025-01-01", end_date="2025-05-20", outcome="miscarriage")
    assert _rows(eng, lost, "2025-06-01")["dental"].latest_date == dt.date(2025, 5, 19)
    early = _profile(lmp="2025-01-01", end_date="2025-03-01", outcome="miscarriage")
    assert "dental" not in _rows(eng, early, "2025-06-01")  # ended before the window opened


def test_until_end_needs_the_maternity_anchor(tmp_path: Path) -> None:
    with pytest.raises(CalendarError) as exc:
        _engine(tmp_path, CAL.replace("anchor: maternity", "anchor: lmp"))
    assert exc.value.field == "until_end"


def test_a_window_without_to_needs_until_end(tmp_path: Path) -> None:
    with pytest.raises(CalendarError) as exc:
        _engine(tmp_path, CAL.replace('    until_end: "6 months"\n', ""))
    assert "to" in str(exc.value)
