"""The growth and record kinds and a child's notifications, on small calendars of our own.

Growth z-scores are checked against WHO's published SD tables (Child Growth Standards 2006,
weight-for-age, boys, birth: -2 SD 2.5 kg, median 3.3 kg, +2 SD 4.4 kg; length-for-age,
girls, 12 months: median 74.0 cm).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from prevention_engine import Engine, Profile
from prevention_engine.errors import CalendarError

HEAD = """calendar: t-child
version: "1"
jurisdiction: FR
in_force: {from: 2020-01-01}
source: {title: t, url: "https://example.org"}
items:
"""
GROWTH = """  - id: growth
    domain: child
    title: Croissance
    targets: [growth_review]
    kind: growth
    source: {title: t, url: "https://example.org"}
    measure_at:
      - {id: m9, label: 9e mois, from: "8 months", to: "9 months"}
"""


def _engine(tmp_path: Path, items: str, name: str = "cal.yaml") -> Engine:
    (tmp_path / name).write_text(HEAD + items, encoding="utf-8")
    return Engine.from_paths([tmp_path / name])


def _curve(engine: Engine, profile: dict[str, object], as_of: dt.date) -> dict[str, object]:
    agenda = engine.evaluate(Profile.model_validate(profile), as_of)
    row = next(i for i in agenda.items if i.occurrence == "courbe")
    assert row.score is not None
    return row.score.inputs


@pytest.mark.parametrize(("kg", "z"), [(2.5, -2.0), (3.3, 0.0), (4.4, 2.0)])
def test_weight_z_matches_who_sd_table_at_birth(tmp_path: Path, kg: float, z: float) -> None:
    engine = _engine(tmp_path, GROWTH)
    inputs = _curve(engine, {"birth_date": "2025-01-01", "sex": "male", "observations": [
        {"code": "weight", "value": kg, "date": "2025-01-01"}]}, dt.date(2025, 1, 2))
    weight = inputs["weight"]
    assert isinstance(weight, dict)
    # WHO's table rounds to 0.1 kg (0.05 kg is about 0.1 SD at birth)
    assert abs(weight["z"] - z) < 0.15
    assert weight["sd_lines"] == pytest.approx([2.5, 3.3, 4.4], abs=0.05)


def test_length_median_of_a_girl_at_12_months(tmp_path: Path) -> None:
    engine = _engine(tmp_path, GROWTH)
    inputs = _curve(engine, {"birth_date": "2024-01-01", "sex": "female", "observations": [
        {"code": "height", "value": 74.0, "date": "2025-01-01", "position": "recumbent"}]},
        dt.date(2025, 1, 2))
    height = inputs["height"]
    assert isinstance(height, dict)
    assert abs(height["z"]) < 0.05 and 48 < height["percentile"] < 52


def test_implausible_value_is_marked_and_raises_no_signal(tmp_path: Path) -> None:
    engine = _engine(tmp_path, GROWTH)
    agenda = engine.evaluate(Profile.model_validate({
        "birth_date": "2025-01-01", "sex": "male",
        "observations": [{"code": "weight", "value": 30.0, "date": "2025-01-02"}]}),
        dt.date(2025, 1, 3))
    row = next(i for i in agenda.items if i.occurrence == "courbe")
    assert row.status == "completed" and "peu plausible" in row.reason


def test_own_lms_tables_next_to_the_rule_file(tmp_path: Path) -> None:
    (tmp_path / "fr.csv").write_text(
        "indicator,sex,age_months,l,m,s\n"
        "weight_for_age,male,0,1,3.4,0.1\nweight_for_age,male,12,1,9.8,0.1\n",
        encoding="utf-8")
    engine = _engine(tmp_path, GROWTH + "    reference: {name: Mes courbes, tables: [fr.csv]}\n")
    inputs = _curve(engine, {"birth_date": "2025-01-01", "sex": "male", "observations": [
        {"code": "weight", "value": 3.4, "date": "2025-01-01"}]}, dt.date(2025, 1, 2))
    assert inputs["reference"] == "Mes courbes"
    weight = inputs["weight"]
    assert isinstance(weight, dict) and weight["z"] == 0.0


def test_bad_own_tables_are_a_calendar_error(tmp_path: Path) -> None:
    (tmp_path / "fr.csv").write_text("not,a,table\n", encoding="utf-8")
    with pytest.raises(CalendarError, match="tables"):
        _engine(tmp_path, GROWTH + "    reference: {name: x, tables: [fr.csv]}\n")


RECORD = """  - id: hearing
    domain: child
    title: Audition
    targets: [neonatal_hearing_screening]
    kind: record
    source: {title: t, url: "https://example.org"}
    expected: {from: "0 days", to: "8 days"}
    normal_results: [normal]
    follow_up: {by: "3 months", label: contrôle}
"""


def test_record_needs_its_normal_results(tmp_path: Path) -> None:
    with pytest.raises(CalendarError, match="normal_results"):
        _engine(tmp_path, RECORD.replace("    normal_results: [normal]\n", ""))


@pytest.mark.parametrize(("result", "status"), [
    ("normal", "completed"), ("inconclusive", "due"), ("refer", "due"), (None, "needs_data")])
def test_record_result_decides(tmp_path: Path, result: str | None, status: str) -> None:
    engine = _engine(tmp_path, RECORD)
    proc: dict[str, str] = {"target": "neonatal_hearing_screening", "date": "2025-01-02"}
    if result:
        proc["result"] = result
    agenda = engine.evaluate(Profile.model_validate(
        {"birth_date": "2025-01-01", "procedures": [proc]}), dt.date(2025, 1, 20))
    assert [i.status for i in agenda.items] == [status]


def test_minor_notifications_go_to_the_first_caregiver(tmp_path: Path) -> None:
    engine = _engine(tmp_path, RECORD)
    profile = {"id": "child", "birth_date": "2025-01-01",
               "caregivers": [{"id": "mother"}, {"id": "father"}]}
    agenda = engine.evaluate(Profile.model_validate(profile), dt.date(2025, 1, 2))
    assert [n.recipient for n in agenda.notifications] == ["mother"]


def test_an_adult_is_notified_directly(tmp_path: Path) -> None:
    engine = _engine(tmp_path, RECORD.replace('to: "8 days"', 'to: "30 years"'))
    agenda = engine.evaluate(Profile.model_validate(
        {"id": "adult", "birth_date": "2000-01-01", "caregivers": [{"id": "c"}]}),
        dt.date(2025, 1, 2))
    assert [n.recipient for n in agenda.notifications] == ["adult"]


def test_position_is_for_a_height_only() -> None:
    from prevention_engine.errors import ProfileError

    with pytest.raises(ProfileError, match="height only"):
        Profile.model_validate({"birth_date": "2025-01-01", "observations": [
            {"code": "weight", "value": 5, "date": "2025-02-01", "position": "standing"}]})
