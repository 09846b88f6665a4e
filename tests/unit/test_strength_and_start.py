"""Rule keys strength, recommended_from, exclusions and notify_needs_data on small calendars."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from prevention_engine import CalendarError, Engine, Profile
from prevention_engine.render import to_ics, to_text

HEAD = """\
calendar: t-start
version: "1"
jurisdiction: FR
in_force: {from: 2000-01-01}
source: {title: Test, url: https://example.org}
defaults: {past_due_after: "1 month"}
items:
"""

START = """\
    recommended_from:
      date: 2024-06-01
      source: {title: Annonce, url: https://example.org/annonce}
"""

CHECKUP = """\
  - id: checkup
    domain: screening
    title: Bilan
    targets: [prevention_checkup]
    source: {title: Test, url: https://example.org}
    kind: window
    anchor: birth
""" + START + """\
    windows:
      - {id: "18-25", from: "18 years", to: "26 years"}
      - {id: "45-50", from: "45 years", to: "51 years"}
"""

VACCINE = """\
  - id: shingles
    domain: vaccination
    title: Zona
    targets: [zoster]
    source: {title: Test, url: https://example.org}
""" + START + """\
    series:
      - name: s
        doses:
          - ages: {earliest_rec: "65 years"}
          - intervals: [{from: previous, min: "2 months", earliest_rec: "2 months"}]
"""

OPTIONAL = """\
  - id: menb_ya
    domain: vaccination
    title: MenB
    targets: [meningococcus_b]
    source: {title: Test, url: https://example.org}
    strength: optional
    series:
      - name: s
        doses:
          - ages: {earliest_rec: "15 years", max: "25 years"}
"""

ASK = """\
  - id: chlamydia
    domain: screening
    title: Chlamydia
    targets: [chlamydia]
    source: {title: Test, url: https://example.org}
    kind: recurring
    start_age: "15 years"
    stop_age: "26 years"
    applies_when: {lifestyle: {sexually_active: true}}
    notify_needs_data: false
  - id: hiv
    domain: screening
    title: VIH
    targets: [hiv]
    source: {title: Test, url: https://example.org}
    kind: recurring
    start_age: "15 years"
    applies_when: {lifestyle: {smoker: true}}
    exclusions:
      - when: {condition: [hiv_infection]}
        reason: "Infection connue."
      - when: {condition: [immunodeficiency]}
        reason: "Immunodépression."
"""


def engine(tmp_path: Path, text: str) -> Engine:
    f = tmp_path / "cal.yaml"
    f.write_text(HEAD + text, encoding="utf-8")
    return Engine.from_paths([f])


def test_window_closed_before_the_start_has_no_row(tmp_path: Path) -> None:
    e = engine(tmp_path, CHECKUP)
    # 18-25 window 2015-2022, closed before 2024-06-01: never "missed", the next one is shown
    a = e.evaluate({"birth_date": "1997-01-01"}, dt.date(2025, 1, 1))
    assert [(r.occurrence, r.status) for r in a.items] == [("45-50", "upcoming")]


def test_open_window_starts_with_the_recommendation(tmp_path: Path) -> None:
    e = engine(tmp_path, CHECKUP)
    before = e.evaluate({"birth_date": "2004-01-01"}, dt.date(2024, 3, 1)).items[0]
    assert (before.status, before.recommended_date) == ("upcoming", dt.date(2024, 6, 1))
    after = e.evaluate({"birth_date": "2004-01-01"}, dt.date(2025, 3, 1)).items[0]
    assert (after.status, after.recommended_date) == ("overdue", dt.date(2024, 6, 1))
    assert after.earliest_date == dt.date(2024, 6, 1)
    assert after.past_due_date == dt.date(2024, 6, 30)  # + 1 month - 1 day, kept
    assert "1er juin 2024" in after.reason and "Annonce" in after.reason


def test_series_catch_up_starts_with_the_recommendation(tmp_path: Path) -> None:
    e = engine(tmp_path, VACCINE)
    a = e.evaluate({"birth_date": "1949-03-01"}, dt.date(2025, 6, 1))
    d1, d2 = sorted(a.item("shingles"), key=lambda r: r.dose or 0)
    assert (d1.status, d1.recommended_date, d1.past_due_date) == (
        "overdue", dt.date(2024, 6, 1), dt.date(2024, 6, 30))
    assert d2.status == "upcoming" and d2.recommended_date == dt.date(2025, 8, 1)
    # reaching 65 after the start: dated from the age, untouched
    late = e.evaluate({"birth_date": "1960-03-01"}, dt.date(2025, 6, 1)).item("shingles")
    assert min(r.recommended_date for r in late if r.recommended_date) == dt.date(2025, 3, 1)


def test_series_before_the_start_keeps_its_spacing(tmp_path: Path) -> None:
    e = engine(tmp_path, VACCINE)
    a = e.evaluate({"birth_date": "1949-03-01"}, dt.date(2024, 3, 1))
    d1, d2 = sorted(a.item("shingles"), key=lambda r: r.dose or 0)
    assert d1.recommended_date == dt.date(2024, 6, 1) and d1.status == "upcoming"
    assert d2.recommended_date is not None and d2.recommended_date > d1.recommended_date


def test_the_latest_start_that_concerns_the_person_applies(tmp_path: Path) -> None:
    text = VACCINE.replace(START, """\
    recommended_from:
      - {date: 2020-01-01, source: {title: A, url: https://example.org/a}}
      - date: 2024-06-01
        when: {sex: male}
        source: {title: B, url: https://example.org/b}
""")
    e = engine(tmp_path, text)

    def first(sex: str | None) -> dt.date | None:
        person = {"birth_date": "1949-03-01"} | ({"sex": sex} if sex else {})
        rows = e.evaluate(person, dt.date(2025, 6, 1)).item("shingles")
        return min(r.recommended_date for r in rows if r.recommended_date)

    assert first("female") == dt.date(2020, 1, 1)
    assert first("male") == dt.date(2024, 6, 1)
    assert first(None) == dt.date(2024, 6, 1)  # unknown: the later, cautious date


def test_optional_item_is_shown_as_such_and_never_notified(tmp_path: Path) -> None:
    e = engine(tmp_path, OPTIONAL)
    p = Profile.model_validate({"id": "p", "birth_date": "2005-01-01"})
    a = e.evaluate(p, dt.date(2025, 6, 1))
    row = a.items[0]
    assert row.status == "due" and row.strength == "optional" and row.past_due_date is None
    assert row.reason.startswith("À discuter avec votre médecin")
    assert json.loads(a.to_json())["items"][0]["strength"] == "optional"
    assert a.notifications == []
    assert "à discuter" in to_text(a)
    assert "BEGIN:VEVENT" not in to_ics(a)


def test_recommended_items_carry_no_strength_key(tmp_path: Path) -> None:
    e = engine(tmp_path, VACCINE)
    a = e.evaluate({"birth_date": "1949-03-01"}, dt.date(2025, 6, 1))
    assert all("strength" not in it for it in json.loads(a.to_json())["items"])


def test_needs_data_without_notification_and_exclusions_in_order(tmp_path: Path) -> None:
    e = engine(tmp_path, ASK)
    p = Profile.model_validate({"id": "p", "birth_date": "2005-01-01"})
    a = e.evaluate(p, dt.date(2025, 6, 1))
    assert {r.item: r.status for r in a.items} == {"chlamydia": "needs_data", "hiv": "needs_data"}
    assert [n.item_id for n in a.notifications] == ["t-start/hiv"]  # only the usual question
    both = Profile.model_validate({
        "birth_date": "2005-01-01", "lifestyle": {"smoker": True},
        "conditions": [{"code": "immunodeficiency"}, {"code": "hiv_infection"}],
    })
    hiv = e.evaluate(both, dt.date(2025, 6, 1)).item("hiv")[0]
    assert (hiv.status, hiv.reason.split(" Âge")[0]) == ("not_recommended", "Infection connue.")


@pytest.mark.parametrize(
    ("text", "field", "suggestion"),
    [
        (OPTIONAL.replace("strength: optional", "strength: optionnal"), "strength", "optional"),
        (VACCINE.replace("      source: {title: Annonce, url: https://example.org/annonce}\n",
                         ""), "recommended_from", None),
        (ASK.replace('        reason: "Infection connue."\n', ""), "exclusions[0]", None),
    ],
)
def test_bad_keys_are_reported(
    tmp_path: Path, text: str, field: str, suggestion: str | None
) -> None:
    with pytest.raises(CalendarError) as exc:
        engine(tmp_path, text)
    assert exc.value.field is not None and exc.value.field.startswith(field), exc.value.field
    assert exc.value.suggestion == suggestion
