"""Load-time checks of series rules that keep invalid doses from counting (issue 8)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from prevention_engine import CalendarError, Engine

CALENDAR = """calendar: t
version: "1"
in_force: {from: 2020-01-01}
source: {title: t, url: "https://example.org"}
items:
  - id: pcv
    domain: vaccination
    title: P
    targets: [pneumococcus]
    source: {title: t, url: "https://example.org"}
    series:
      - name: s
        doses:
          - ages: {min: "2 months"}
          - ages: {earliest_rec: "4 months"}
"""


def write(tmp_path: Path, text: str) -> Path:
    f = tmp_path / "cal.yaml"
    f.write_text(text, encoding="utf-8")
    return f


def test_dose_without_minimum_interval_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(CalendarError) as exc:
        Engine.from_paths([write(tmp_path, CALENDAR)])
    err = exc.value
    assert err.item == "pcv"
    assert err.line == 15
    assert "no minimum interval" in str(err) and "no_interval_reason" in str(err)


@pytest.mark.parametrize(
    "fix",
    [
        '\n            intervals: [{from: previous, min: "2 months"}]\n',
        '\n            intervals: [{from: {dose: 1}, min: "2 months"}]\n',
        '\n            no_interval_reason: "fixée par l\'âge, des années après"\n',
    ],
)
def test_interval_or_reason_is_accepted(tmp_path: Path, fix: str) -> None:
    engine = Engine.from_paths([write(tmp_path, CALENDAR.rstrip("\n") + fix)])
    assert [i.id for i in engine.registry.calendars[0].items] == ["pcv"]


def test_empty_reason_is_rejected(tmp_path: Path) -> None:
    text = CALENDAR.rstrip("\n") + '\n            no_interval_reason: " "\n'
    with pytest.raises(CalendarError, match="must say why"):
        Engine.from_paths([write(tmp_path, text)])


def test_validate_reports_the_dose(tmp_path: Path) -> None:
    f = write(tmp_path, CALENDAR)
    out = subprocess.run(
        [sys.executable, "-m", "prevention_engine", "validate", str(f)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert out.returncode == 1
    assert "cal.yaml:15" in out.stderr and "pcv" in out.stderr


def test_adult_booster_is_titled_by_its_age() -> None:
    """"Rappel de 45 ans", not "(7e dose)" (issue 8, should-fix)."""
    import datetime as dt

    engine = Engine.default()
    profile = {
        "birth_date": "1980-03-01",
        "immunizations": [{"date": "2005-03-01", "product": "Repevax"}],
    }
    agenda = engine.evaluate(profile, as_of=dt.date(2025, 4, 1))
    titles = {i.title for i in agenda.items if i.item == "dtp"}
    assert "Diphtérie, tétanos, poliomyélite (rappel fait à 25 ans)" in titles
    assert "Diphtérie, tétanos, poliomyélite (rappel de 45 ans)" in titles
    assert "Diphtérie, tétanos, poliomyélite (rappel de 65 ans)" in titles
    assert all("rappel" in t for t in titles), titles
