"""The ``window`` kind on small inline calendars: anchors, current/next window, errors."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from prevention_engine import AgendaItem, CalendarError, Engine

HEAD = """\
calendar: test-window
version: "1"
jurisdiction: FR
in_force: {from: 2000-01-01}
source: {title: Test, url: https://example.org}
items:
"""

CHECKUP = """\
  - id: checkup
    domain: screening
    title: Bilan
    targets: [prevention_checkup]
    source: {title: Test, url: https://example.org}
    kind: window
    anchor: birth
    windows:
      - {id: "18-25", label: "18-25 ans", from: "18 years", to: "26 years"}
      - id: "45-50"
        label: "45-50 ans"
        from: "45 years"
        to: "51 years"
        past_due_after: "1 year"
"""

PREGNANCY = """\
  - id: exam
    domain: pregnancy
    title: Examen
    targets: [prenatal_exam]
    source: {title: Test, url: https://example.org}
    kind: window
    anchor: lmp
    methods: [consultation]
    windows:
      - {id: t1, from: "10 weeks", to: "15 weeks"}
  - id: post
    domain: pregnancy
    title: Postnatal
    targets: [postnatal_exam]
    source: {title: Test, url: https://example.org}
    kind: window
    anchor: delivery
    windows:
      - {id: w8, from: "0 days", to: "8 weeks"}
"""


def _engine(tmp_path: Path, body: str) -> Engine:
    f = tmp_path / "cal.yaml"
    f.write_text(HEAD + body, encoding="utf-8")
    return Engine.from_paths([f])


def _rows(engine: Engine, profile: dict[str, Any], as_of: str) -> list[AgendaItem]:
    return engine.evaluate(profile, dt.date.fromisoformat(as_of)).items


@pytest.fixture()
def checkup(tmp_path: Path) -> Engine:
    return _engine(tmp_path, CHECKUP)


def test_before_first_window_next_is_upcoming(checkup: Engine) -> None:
    (row,) = _rows(checkup, {"birth_date": "2000-03-10"}, "2017-01-01")
    assert (row.status, row.occurrence) == ("upcoming", "18-25")
    assert row.recommended_date == row.earliest_date == dt.date(2018, 3, 10)
    assert row.latest_date == dt.date(2026, 3, 9)
    assert row.id == "test-window/checkup/18-25"


def test_inside_window_due_then_overdue(checkup: Engine) -> None:
    (row,) = _rows(checkup, {"birth_date": "1970-03-10"}, "2015-06-01")
    assert (row.status, row.occurrence) == ("due", "45-50")
    assert row.past_due_date == dt.date(2016, 3, 9)
    (row,) = _rows(checkup, {"birth_date": "1970-03-10"}, "2016-03-09")
    assert row.status == "overdue"


def test_completed_inside_window_only(checkup: Engine) -> None:
    p: dict[str, Any] = {
        "birth_date": "2000-03-10",
        "procedures": [{"target": "prevention_checkup", "date": "2019-01-05"}],
    }
    (row,) = _rows(checkup, p, "2020-01-01")
    assert (row.status, row.completed_date) == ("completed", dt.date(2019, 1, 5))
    p["procedures"] = [{"target": "prevention_checkup", "date": "2017-01-05"}]
    (row,) = _rows(checkup, p, "2020-01-01")
    assert row.status == "due"


def test_between_windows_shows_the_next(checkup: Engine) -> None:
    (row,) = _rows(checkup, {"birth_date": "1990-01-01"}, "2025-06-01")
    assert (row.status, row.occurrence) == ("upcoming", "45-50")


def test_after_last_window_missed_or_completed(checkup: Engine) -> None:
    (row,) = _rows(checkup, {"birth_date": "1950-01-01"}, "2025-06-01")
    assert (row.status, row.occurrence) == ("missed", "45-50")
    p = {
        "birth_date": "1950-01-01",
        "procedures": [{"target": "prevention_checkup", "date": "1998-01-01"}],
    }
    (row,) = _rows(checkup, p, "2025-06-01")
    assert row.status == "completed"


def test_lmp_and_delivery_anchors(tmp_path: Path) -> None:
    eng = _engine(tmp_path, PREGNANCY)
    assert _rows(eng, {"birth_date": "1990-01-01", "sex": "female"}, "2025-01-01") == []
    p: dict[str, Any] = {
        "birth_date": "1990-01-01",
        "sex": "female",
        "pregnancies": [{"lmp": "2025-01-01"}],
        "procedures": [{"target": "prenatal_exam", "date": "2025-03-20", "method": "echo"}],
    }
    (row,) = _rows(eng, p, "2025-03-20")
    assert row.item == "exam"
    assert row.status == "due"  # the procedure is not of an accepted method
    assert row.recommended_date == dt.date(2025, 3, 12)
    assert row.latest_date == dt.date(2025, 4, 15)
    p["pregnancies"] = [{"lmp": "2025-01-01", "end_date": "2025-09-20", "outcome": "live_birth"}]
    rows = _rows(eng, p, "2025-10-01")
    assert [(r.item, r.status) for r in rows] == [("post", "due")]
    assert rows[0].latest_date == dt.date(2025, 11, 14)


# -- loader errors -------------------------------------------------------------------------


def _error(tmp_path: Path, body: str) -> CalendarError:
    with pytest.raises(CalendarError) as exc:
        _engine(tmp_path, body)
    return exc.value


def test_misspelt_key_names_file_line_item_field(tmp_path: Path) -> None:
    err = _error(tmp_path, CHECKUP.replace("    windows:", "    windws:"))
    assert err.item == "checkup"
    assert err.field == "windws"
    assert err.suggestion == "windows"
    assert err.file is not None and err.file.endswith("cal.yaml")
    assert err.line is not None
    assert "windws:" in (tmp_path / "cal.yaml").read_text().splitlines()[err.line - 1]


def test_misspelt_key_inside_a_window(tmp_path: Path) -> None:
    err = _error(tmp_path, CHECKUP.replace('from: "18 years"', 'form: "18 years"'))
    assert err.field == "windows[0].form"
    assert err.suggestion == "from"
    assert err.line is not None
    assert "form:" in (tmp_path / "cal.yaml").read_text().splitlines()[err.line - 1]


def test_window_end_after_start(tmp_path: Path) -> None:
    err = _error(tmp_path, CHECKUP.replace('to: "26 years"', 'to: "17 years"'))
    assert err.field == "windows[0].to"


def test_unknown_anchor(tmp_path: Path) -> None:
    err = _error(tmp_path, CHECKUP.replace("anchor: birth", "anchor: brith"))
    assert err.suggestion == "birth"


def test_duplicate_window_id(tmp_path: Path) -> None:
    err = _error(tmp_path, CHECKUP.replace('id: "45-50"', 'id: "18-25"'))
    assert "duplicate" in err.message
