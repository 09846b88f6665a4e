"""Load-time checks of series rules that keep invalid doses from counting (issue 8)."""

from __future__ import annotations

import datetime as dt
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


def test_dose_outside_its_product_ages_is_rejected_with_the_reason(tmp_path: Path) -> None:
    """Repevax (booster from 3 years) is not an infant primary dose; the trace and `explain`
    say why (issue 8, point 10)."""
    import datetime as dt
    import json

    engine = Engine.default()
    profile = {
        "birth_date": "2025-01-10",
        "immunizations": [
            {"date": "2025-03-10", "product": "Repevax"},
            {"date": "2025-05-10", "product": "Hexyon"},
        ],
    }
    agenda = engine.evaluate(profile, as_of=dt.date(2025, 6, 1), trace=True)
    dtp = [i for i in agenda.items if i.item == "dtp"]
    assert [r.status for r in dtp if r.dose == 1] == ["completed"]
    assert [r.completed_date for r in dtp if r.dose == 1] == [dt.date(2025, 5, 10)]
    trace = next(r.trace for r in dtp if r.trace)
    rejected = [t for t in trace if t.immunization == 0]
    assert rejected and rejected[0].outcome == "not_valid"
    assert rejected[0].reason == "product_age"
    assert "Repevax" in rejected[0].detail and "3 ans" in rejected[0].detail
    f = tmp_path / "p.json"
    f.write_text(json.dumps(profile), encoding="utf-8")
    out = subprocess.run(
        [sys.executable, "-m", "prevention_engine", "explain", str(f), "--as-of", "2025-06-01",
         "dtp"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert out.returncode == 0, out.stderr
    assert "Repevax n'est pas utilisé avant l'âge de 3 ans" in out.stdout


def test_preceded_by_names_a_known_product(tmp_path: Path) -> None:
    from prevention_engine.engine import bundled_rules_dir

    text = CALENDAR.replace(
        '          - ages: {earliest_rec: "4 months"}\n',
        '          - ages: {earliest_rec: "4 months"}\n'
        '            intervals:\n'
        '              - {from: previous, min: "2 months"}\n'
        '              - {from: most_recent, products: [Pneumovax], min: "5 years",'
        ' preceded_by: [Prevenar 31]}\n',
    )
    products = bundled_rules_dir() / "products"
    with pytest.raises(CalendarError, match=r"Prevenar 31|prevenar31"):
        Engine.from_paths([write(tmp_path, text), products])
    ok = text.replace("Prevenar 31", "Prevenar 13")
    engine = Engine.from_paths([write(tmp_path, ok), products])
    assert engine.registry.calendars[0].items[0].id == "pcv"


def test_pertussis_adult_dose_is_titled_by_its_age() -> None:
    import datetime as dt

    agenda = Engine.default().evaluate({"birth_date": "2000-09-01"}, as_of=dt.date(2025, 10, 1))
    titles = [i.title for i in agenda.items if i.item == "pertussis"]
    assert titles == ["Coqueluche (rappel de 25 ans)"]


def test_a_menc_dose_primes_the_infant_acwy_schedule() -> None:
    """2025 calendar: a schedule started with a MenC-only vaccine goes on with an ACWY vaccine
    (an infant's MenC dose is the first dose, never "no dose recorded", and no extra 6-month
    ACWY dose); from 12 months, one ACWY dose even after a complete MenC schedule: the
    5-month MenC dose given before 2025 stays the 1st dose (it no longer vanishes on the
    first birthday, review of the ninth session), the 12-month MenC dose does not count."""
    engine = Engine.default()
    started = engine.evaluate(
        {"birth_date": "2024-07-15",
         "immunizations": [{"date": "2024-12-16", "product": "NeisVac-C"}]},
        as_of=dt.date(2025, 5, 20),
    )
    rows = {r.dose: r for r in started.items if r.item == "menacwy"}
    assert rows[1].status == "completed" and rows[1].completed_date == dt.date(2024, 12, 16)
    assert rows[2].status == "upcoming" and rows[2].recommended_date == dt.date(2025, 7, 15)
    complete_menc = engine.evaluate(
        {"birth_date": "2023-08-15", "immunizations": [
            {"date": "2024-01-16", "product": "NeisVac-C"},
            {"date": "2024-08-20", "product": "Menjugate"}]},
        as_of=dt.date(2025, 5, 20),
    )
    rows = {r.dose: r for r in complete_menc.items if r.item == "menacwy"}
    # past 12 months one ACWY dose is owed, the 12-month one of the infant schedule
    assert rows[1].status == "completed" and rows[1].completed_date == dt.date(2024, 1, 16)
    assert rows[2].status == "overdue" and rows[2].series == "nourrisson" and rows[2].mandatory
    assert rows[3].status == "upcoming" and rows[3].recommended_date == dt.date(2034, 8, 15)


def test_a_menc_dose_counts_for_nothing_else_of_acwy() -> None:
    """Only the infant schedule's first dose reads a MenC dose: a teenager's MenC dose is not
    the 11-14 year ACWY dose."""
    agenda = Engine.default().evaluate(
        {"birth_date": "2012-03-01",
         "immunizations": [{"date": "2025-04-01", "product": "NeisVac-C"}]},
        as_of=dt.date(2025, 6, 1),
    )
    rows = [r for r in agenda.items if r.item == "menacwy"]
    assert rows and all(r.status != "completed" for r in rows)


def test_a_menc_dose_recorded_without_its_product_is_read_as_a_menc_vaccine() -> None:
    """A dose recorded as "vaccin méningocoque C" (targets only) is one of the MenC-only
    vaccines of the transition (NeisVac-C, Menjugate: the only ones, both conjugates), so it
    is read as they are: the first infant ACWY dose from 5 months and before 1 January 2025,
    never a dose at 4 months, never the 12-month ACWY dose, never the 11-14 year dose. It was
    ignored ("aucune dose enregistrée") while the same dose named by its product counted."""
    engine = Engine.default()
    by_target = [{"date": "2024-12-20", "targets": ["meningococcus_c"]}]
    by_product = [{"date": "2024-12-20", "product": "Menjugate"}]
    infant = {"birth_date": "2024-07-15", "sex": "female"}
    rows = {}
    for name, doses in (("target", by_target), ("product", by_product)):
        agenda = engine.evaluate({**infant, "immunizations": doses}, as_of=dt.date(2025, 5, 20))
        rows[name] = {r.dose: r for r in agenda.items if r.item == "menacwy"}
    for got in rows.values():
        assert got[1].status == "completed" and got[1].completed_date == dt.date(2024, 12, 20)
        assert got[2].status == "upcoming" and got[2].recommended_date == dt.date(2025, 7, 15)
    assert "aucune dose" not in rows["target"][1].reason
    # at 4 months it is not the infant dose (the MenC vaccines count from 5 months)
    early = engine.evaluate({**infant, "immunizations": [
        {"date": "2024-11-20", "targets": ["meningococcus_c"]}]}, as_of=dt.date(2025, 5, 20))
    first = next(r for r in early.items if r.item == "menacwy" and r.dose == 1)
    assert first.status == "overdue"
    # after a 6-month ACWY dose, a MenC dose at 12 months is not the 12-month ACWY dose
    later = engine.evaluate({"birth_date": "2023-11-01", "sex": "male", "immunizations": [
        {"date": "2024-05-01", "product": "Nimenrix"},
        {"date": "2024-11-02", "targets": ["meningococcus_c"]}]}, as_of=dt.date(2025, 5, 20))
    second = next(r for r in later.items if r.item == "menacwy" and r.dose == 2)
    assert second.status == "overdue"
    # a teenager's MenC dose is not the 11-14 year ACWY dose
    teen = engine.evaluate({"birth_date": "2012-03-01", "sex": "female", "immunizations": [
        {"date": "2024-04-01", "targets": ["meningococcus_c"]}]}, as_of=dt.date(2025, 6, 1))
    assert all(r.status != "completed" for r in teen.items if r.item == "menacwy")


def _menacwy(profile: dict[str, object], as_of: dt.date) -> dict[int | None, object]:
    agenda = Engine.default().evaluate({**profile, "sex": "female"}, as_of=as_of, trace=True)
    return {r.dose: r for r in agenda.items if r.item == "menacwy"}


def test_the_12_month_acwy_dose_is_never_counted_before_12_months() -> None:
    """Calendar 2025: ACWY at 6 months, then 12 months. A Nimenrix dose at 7 months after a
    MenC dose at 5 months is not the 12-month dose: it is still asked (it used to be counted,
    leaving the child without a dose after 12 months)."""
    rows = _menacwy({"birth_date": "2024-06-01", "immunizations": [
        {"date": "2024-11-03", "product": "NeisVac-C"},
        {"date": "2025-01-05", "product": "Nimenrix"}]}, dt.date(2025, 7, 5))
    assert rows[1].status == "completed"  # type: ignore[attr-defined]
    assert rows[2].status == "overdue"  # type: ignore[attr-defined]
    assert rows[2].recommended_date == dt.date(2025, 6, 1)  # type: ignore[attr-defined]


@pytest.mark.parametrize(("when", "age"), [("2025-03-15", "2 months"), ("2025-02-01", "5 months")])
def test_a_menc_dose_outside_the_transition_is_not_an_acwy_dose(when: str, age: str) -> None:
    """Only the MenC dose of the calendar (from 5 months) given before 1 January 2025
    continues as the ACWY schedule: at 2 months, or given in 2025, it is no ACWY dose."""
    birth = "2025-01-15" if age == "2 months" else "2024-09-01"
    rows = _menacwy({"birth_date": birth, "immunizations": [
        {"date": when, "product": "NeisVac-C"}]}, dt.date(2025, 8, 20))
    assert rows[1].status in ("due", "overdue", "upcoming")  # type: ignore[attr-defined]


def test_an_ignored_menc_dose_moves_no_acwy_date() -> None:
    """A MenC dose that no ACWY dose counts is no dose for the schedule: the 12-month dose is
    due from 12 months (2 months after the 6-month dose), not 2 months after the MenC dose."""
    rows = _menacwy({"birth_date": "2024-06-01", "immunizations": [
        {"date": "2024-12-03", "product": "Nimenrix"},
        {"date": "2025-06-03", "product": "NeisVac-C"}]}, dt.date(2025, 8, 5))
    assert rows[2].status == "overdue"  # type: ignore[attr-defined]
    assert rows[2].recommended_date == dt.date(2025, 6, 1)  # type: ignore[attr-defined]
    assert rows[2].earliest_date == dt.date(2025, 6, 1)  # type: ignore[attr-defined]
