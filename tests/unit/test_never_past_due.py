"""A dose recommended because of a risk has no past-due date (``latest_rec: never``).

The calendar says to vaccinate an immunocompromised adult against zoster and pneumococcus,
and a person exposed to hepatitis B, "as soon as the risk is identified": there is no age at
which the dose becomes late. These rows were written with a past-due date 120 years after
birth (an 80-year-old was shown "overdue on 9 March 2066"); they now have none, stay "due",
and the reason does not call the birth date the recommended date.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from prevention_engine import CalendarError, Engine
from prevention_engine.clinician.document import _recommended

AS_OF = dt.date(2026, 11, 29)

CALENDAR = """calendar: t
version: "1"
in_force: {from: 2020-01-01}
source: {title: t, url: "https://example.org"}
items:
  - id: hep
    domain: vaccination
    title: H
    targets: [hepatitis_b]
    source: {title: t, url: "https://example.org"}
    series:
      - name: s
        doses:
          - ages: {LATEST}
"""


@pytest.fixture(scope="module")
def engine() -> Engine:
    return Engine.default(["FR"])


def _person(birth: str, *conditions: str) -> dict[str, object]:
    return {"id": "p", "birth_date": birth, "sex": "male", "residence": {"country": "FR"},
            "conditions": [{"code": c} for c in conditions]}


def _row(engine: Engine, person: dict[str, object], row_id: str, on: dt.date = AS_OF):
    agenda = engine.evaluate(person, on)
    return next(i for i in agenda.items if i.id == row_id)


@pytest.mark.parametrize("birth, row_id", [("1962-03-10", "fr-vaccination/zoster/1"),
                                           ("1962-03-10", "fr-vaccination/pneumococcus_adult/1"),
                                           ("1946-03-10", "fr-vaccination/hepatitis_b/1")])
def test_risk_dose_of_an_old_person_is_due_without_past_due_date(
    engine: Engine, birth: str, row_id: str
) -> None:
    """Zoster and pneumococcus before 65 only: from 65 the age recommendation dates them
    (``test_risk_and_age_65``); hepatitis B has no age recommendation for adults."""
    row = _row(engine, _person(birth, "organ_transplant"), row_id)
    assert row.status == "due"
    assert row.past_due_date is None
    assert "2066" not in row.model_dump_json()


def test_never_overdue_however_long_it_waits(engine: Engine) -> None:
    person = _person("1970-05-31", "hiv_infection")  # 64 on the second date
    for on in (dt.date(2026, 11, 29), dt.date(2035, 1, 15)):
        row = _row(engine, person, "fr-vaccination/zoster/1", on)
        assert (row.status, row.past_due_date) == ("due", None)


def test_risk_dose_at_any_age_does_not_call_the_birth_date_recommended(engine: Engine) -> None:
    row = _row(engine, _person("1946-03-10", "organ_transplant"), "fr-vaccination/hepatitis_b/1")
    assert "10 mars 1946" not in row.reason
    assert row.reason.startswith("1re dose à faire maintenant ; aucune dose enregistrée.")


def test_a_dated_recommendation_still_says_its_date(engine: Engine) -> None:
    """An infant's first dose, recommended at 2 months, keeps its date in the reason."""
    birth = AS_OF - dt.timedelta(days=70)
    person = {**_person(birth.isoformat()), "perinatal": {"mother_hbsag_positive": False}}
    row = _row(engine, person, "fr-vaccination/hepatitis_b/1")
    assert row.status == "due" and row.past_due_date is not None
    when = row.recommended_date
    assert when is not None and f"(recommandée le {when.day} " in row.reason


def test_never_is_read_by_the_loader(tmp_path: Path) -> None:
    f = tmp_path / "cal.yaml"
    f.write_text(CALENDAR.replace("{LATEST}", "{latest_rec: never}"), encoding="utf-8")
    engine = Engine.from_paths([f])
    agenda = engine.evaluate(_person("1990-01-01"), AS_OF, jurisdiction="FR")
    row = next(i for i in agenda.items if i.item == "hep")
    assert (row.status, row.past_due_date) == ("due", None)


@pytest.mark.parametrize("text", ['{latest_rec: nevr}', '{latest_rec: "never", min: "-1 day"}'])
def test_other_words_are_errors_naming_the_file_and_line(tmp_path: Path, text: str) -> None:
    f = tmp_path / "cal.yaml"
    f.write_text(CALENDAR.replace("{LATEST}", text), encoding="utf-8")
    with pytest.raises(CalendarError) as exc:
        Engine.from_paths([f])
    assert exc.value.line is not None and str(f) in str(exc.value)


def test_an_interval_has_no_never(tmp_path: Path) -> None:
    text = ('{min: "1 year"}\n          - intervals: [{from: previous, min: "1 month", '
            'latest_rec: never}]')
    f = tmp_path / "cal.yaml"
    f.write_text(CALENDAR.replace("{LATEST}", text), encoding="utf-8")
    with pytest.raises(CalendarError) as exc:
        Engine.from_paths([f])
    assert "latest_rec" in str(exc.value)


def test_calendar_document_says_no_past_due_date() -> None:
    assert _recommended({"min": "18 years", "latest_rec": "never"}) == ["sans date de retard"]
    assert _recommended({"earliest_rec": "65 years", "latest_rec": "never"}) == [
        "recommandé 65 ans", "sans date de retard"]


def test_a_risk_dose_is_recommended_from_the_onset_when_known(engine: Engine) -> None:
    """Hepatitis A for a chronic liver disease known since 2020: recommended from 2020, never
    "overdue since the first birthday" (1972)."""
    person = {"id": "l", "birth_date": "1971-01-01", "sex": "male",
              "residence": {"country": "FR"},
              "conditions": [{"code": "chronic_liver_disease", "since": "2020-01-01"}]}
    row = _row(engine, person, "fr-vaccination/hepatitis_a/1")
    assert (row.status, row.recommended_date, row.past_due_date) == (
        "due", dt.date(2020, 1, 1), None)
    assert "(recommandée le 1er janvier 2020)" in row.reason
    unknown = _row(engine, _person("1971-01-01", "chronic_liver_disease"),
                   "fr-vaccination/hepatitis_a/1")
    assert (unknown.status, unknown.past_due_date) == ("due", None)
    assert "1972" not in unknown.reason and "recommandée le" not in unknown.reason


@pytest.mark.parametrize("text, says", [
    # a capitalised 'never' is the keyword mistyped, not a malformed duration
    ("{latest_rec: Never}", "'never' (in lower case)"),
    ("{latest_rec: NEVER}", "'never' (in lower case)"),
    # null would silently be "absent": a past-due date from the calendar's default, the
    # opposite of what an author writing it for "no past-due date" meant
    ("{min: \"18 years\", latest_rec: null}", "write 'never'"),
    ("{min: \"18 years\", latest_rec: ~}", "write 'never'"),
    ('\n              - {effective: 2020-01-01, latest_rec: null}', "write 'never'"),
])
def test_a_mistyped_never_is_a_clear_error(tmp_path: Path, text: str, says: str) -> None:
    f = tmp_path / "cal.yaml"
    f.write_text(CALENDAR.replace("{LATEST}", text), encoding="utf-8")
    with pytest.raises(CalendarError) as exc:
        Engine.from_paths([f])
    assert exc.value.line is not None and str(f) in str(exc.value)
    assert "latest_rec" in str(exc.value) and says in str(exc.value), str(exc.value)


@pytest.mark.parametrize("word", ["never", "Never", "null"])
def test_an_interval_says_never_is_for_ages_only(tmp_path: Path, word: str) -> None:
    """An interval's past-due date is a date after its reference dose: 'never' belongs to the
    dose's ages; the error says so (not "cannot read duration 'never'")."""
    text = ('{min: "1 year"}\n          - intervals: [{from: previous, min: "1 month", '
            f'latest_rec: {word}}}]')
    f = tmp_path / "cal.yaml"
    f.write_text(CALENDAR.replace("{LATEST}", text), encoding="utf-8")
    with pytest.raises(CalendarError) as exc:
        Engine.from_paths([f])
    message = str(exc.value)
    assert exc.value.line == 15 and str(f) in message
    assert "intervals[0].latest_rec" in message and "ages.latest_rec" in message, message
