"""Precautions, history questions and the predicates they use, on a calendar of our own.

The rules here are invented for the mechanism (not clinical content): a dose held back by a
situation is not_recommended with the rule's reason, an unknown situation asks for it, an
unknown history is asked rather than read as negative.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from prevention_engine import CalendarError, Engine, Profile, ProfileError
from prevention_engine.vocabulary_fr import fact_name

ROOT = Path(__file__).resolve().parents[2]

CALENDAR = """
calendar: test-precautions
version: "1"
jurisdiction: FR
in_force: {from: 2020-01-01}
source: {title: t, url: "https://example.org"}
defaults: {past_due_after: "1 month"}
items:
  - id: yf
    domain: vaccination
    title: Fièvre jaune
    targets: [yellow_fever]
    precautions:
      - when:
          all:
            - postpartum: {within: "6 months", outcome: [live_birth]}
            - situation: {any: [breastfeeding], ask: true}
        reason: "Reporté jusqu'aux 6 mois de l'enfant."
        source: {title: s, url: "https://example.org/yf"}
        until: {from: delivery, after: "6 months"}
    source: {title: t, url: "https://example.org"}
    series:
      - name: standard
        doses: [{ages: {earliest_rec: "1 year"}}]
  - id: zona
    domain: vaccination
    title: Zona
    targets: [zoster]
    precautions:
      - when: {condition: {any: [zoster_history], within: "1 year"}}
        reason: "Au moins 1 an après l'épisode."
        until: {from: {condition: [zoster_history]}, after: "1 year"}
      - when: {pregnant: true}
        reason: "Après l'accouchement."
    source: {title: t, url: "https://example.org"}
    series:
      - name: standard
        doses:
          - ages: {earliest_rec: "18 years"}
          - intervals: [{from: previous, min: "2 months"}]
  - id: vzv
    domain: vaccination
    title: Varicelle
    targets: [varicella]
    immunity: {evidence: true, ask: true}
    source: {title: t, url: "https://example.org"}
    series:
      - name: standard
        doses: [{ages: {earliest_rec: "12 years"}}]
  - id: after_birth
    domain: vaccination
    title: Coqueluche après l'accouchement
    targets: [pertussis]
    applies_when:
      all:
        - postpartum: {within: "6 months", outcome: [live_birth]}
        - not:
            pregnancy_dose: {target: pertussis, pregnancy: last_ended, min_before_end: "1 month"}
    source: {title: t, url: "https://example.org"}
    series:
      - name: standard
        doses:
          - intervals: [{from: {observation: delivery}, min: "0 days", earliest_rec: "0 days"}]
  - id: rsv_again
    domain: vaccination
    title: VRS
    targets: [rsv]
    applies_when: {pregnant: true}
    precautions:
      - when: {pregnancy_dose: {target: rsv, pregnancy: previous}}
        reason: "Déjà reçu lors d'une grossesse précédente."
    source: {title: t, url: "https://example.org"}
    series:
      - name: standard
        doses_since: lmp
        doses: [{ages: {}}]
"""

MOTHER = {"birth_date": "1995-05-01", "sex": "female",
          "pregnancies": [{"lmp": "2024-12-20", "end_date": "2025-09-20", "outcome": "live_birth"}]}


@pytest.fixture(scope="module")
def eng(tmp_path_factory: pytest.TempPathFactory) -> Engine:
    f = tmp_path_factory.mktemp("cal") / "cal.yaml"
    f.write_text(CALENDAR, encoding="utf-8")
    return Engine.from_paths([f, ROOT / "rules" / "products"])


def statuses(engine: Engine, profile: dict, as_of: date, item: str) -> list[str]:  # type: ignore[type-arg]
    return [r.status for r in engine.evaluate(Profile.model_validate(profile), as_of).item(item)]


def test_precaution_true_postpones_with_the_rules_reason(eng: Engine) -> None:
    a = eng.evaluate(Profile.model_validate({**MOTHER, "situations": ["breastfeeding"]}),
                     date(2025, 10, 5))
    (row,) = a.item("yf")
    assert row.status == "not_recommended"
    assert row.reason.startswith(
        "Reporté jusqu'aux 6 mois de l'enfant. Possible à partir du 20 mars 2026.")
    assert "dès que possible" not in row.reason
    assert row.recommended_date is None and row.past_due_date is None
    assert row.source.url == "https://example.org/yf"  # the precaution's own source
    assert not [n for n in a.notifications if "/yf/" in n.item_id]


def test_precaution_unknown_asks_for_the_fact(eng: Engine) -> None:
    a = eng.evaluate(Profile.model_validate(MOTHER), date(2025, 10, 5))
    (row,) = a.item("yf")
    assert row.status == "needs_data"
    assert row.missing_data == ["situation.breastfeeding"]
    assert [n for n in a.notifications if n.item_id == row.id]  # the question is sent


def test_situation_recorded_absent_lets_the_dose_through(eng: Engine) -> None:
    p = {**MOTHER, "situations_absent": ["breastfeeding"]}
    assert statuses(eng, p, date(2025, 10, 5), "yf") == ["overdue"]


def test_precaution_window_ends(eng: Engine) -> None:
    p = {**MOTHER, "situations": ["breastfeeding"]}
    assert statuses(eng, p, date(2026, 3, 20), "yf") == ["overdue"]  # 6 months after birth


def test_postpartum_outcome_unknown_is_asked(eng: Engine) -> None:
    p = {**MOTHER, "pregnancies": [{"lmp": "2024-12-20", "end_date": "2025-09-20"}]}
    (row,) = eng.evaluate(Profile.model_validate(p), date(2025, 10, 5)).item("yf")
    assert row.status == "needs_data"
    assert row.missing_data == ["pregnancy.outcome", "situation.breastfeeding"]


def test_completed_dose_is_not_held_back(eng: Engine) -> None:
    p = {**MOTHER, "situations": ["breastfeeding"],
         "immunizations": [{"date": "2010-01-01", "targets": ["yellow_fever"]}]}
    assert statuses(eng, p, date(2025, 10, 5), "yf") == ["completed"]


def test_condition_within_uses_the_condition_date(eng: Engine) -> None:
    recent = {"birth_date": "1955-01-01",
              "conditions": [{"code": "zoster_history", "since": "2025-06-01"}]}
    assert statuses(eng, recent, date(2025, 10, 1), "zona") == ["not_recommended"] * 2
    first, second = eng.evaluate(Profile.model_validate(recent), date(2025, 10, 1)).item("zona")
    assert "Possible à partir du 1er juin 2026." in first.reason
    assert "Possible" not in second.reason  # the next dose's date follows from the first
    assert statuses(eng, recent, date(2026, 6, 1), "zona")[0] == "overdue"  # a year later
    undated = {"birth_date": "1955-01-01", "conditions": [{"code": "zoster_history"}]}
    rows = eng.evaluate(Profile.model_validate(undated), date(2025, 10, 1)).item("zona")
    assert rows[0].status == "needs_data"
    assert rows[0].missing_data == ["condition.zoster_history.since"]


def test_first_true_precaution_wins_over_an_unknown_one(eng: Engine) -> None:
    p = {"birth_date": "1995-01-01", "sex": "female",
         "conditions": [{"code": "zoster_history"}], "pregnancies": [{"lmp": "2025-08-01"}]}
    rows = eng.evaluate(Profile.model_validate(p), date(2025, 10, 1)).item("zona")
    assert rows[0].status == "not_recommended"
    assert rows[0].reason.startswith("Après l'accouchement.")


def test_unknown_history_is_asked_not_assumed(eng: Engine) -> None:
    base = {"birth_date": "2000-01-01"}
    rows = eng.evaluate(Profile.model_validate(base), date(2025, 1, 1)).item("vzv")
    assert [r.status for r in rows] == ["needs_data"]
    assert rows[0].missing_data == ["immunity.varicella"]
    negative = {**base, "immunity": [{"target": "varicella", "evidence": "serology",
                                      "immune": False}]}
    assert statuses(eng, negative, date(2025, 1, 1), "vzv") == ["overdue"]
    positive = {**base, "immunity": [{"target": "varicella", "evidence": "history"}]}
    assert statuses(eng, positive, date(2025, 1, 1), "vzv") == ["immune"]
    started = {**base, "immunizations": [{"date": "2024-06-01", "product": "Varivax"}]}
    assert statuses(eng, started, date(2025, 1, 1), "vzv") == ["completed"]


def test_dose_after_delivery_and_the_one_month_rule(eng: Engine) -> None:
    p = {**MOTHER, "pregnancies": [{"lmp": "2024-12-24", "end_date": "2025-10-01",
                                    "outcome": "live_birth"}]}
    rows = eng.evaluate(Profile.model_validate(p), date(2025, 10, 3)).item("after_birth")
    assert rows[0].status == "due" and rows[0].recommended_date == date(2025, 10, 1)
    early = {**p, "immunizations": [{"date": "2025-07-08", "product": "Boostrix Tetra"}]}
    assert statuses(eng, early, date(2025, 10, 3), "after_birth") == []
    late = {**p, "immunizations": [{"date": "2025-09-17", "product": "Boostrix Tetra"}]}
    # the dose 2 weeks before delivery is not counted as the post-partum dose either
    assert statuses(eng, late, date(2025, 10, 3), "after_birth") == ["due"]
    after = {**p, "immunizations": [{"date": "2025-10-02", "product": "Boostrix Tetra"}]}
    assert statuses(eng, after, date(2025, 10, 3), "after_birth") == ["completed"]


def test_dose_of_a_previous_pregnancy(eng: Engine) -> None:
    p = {"birth_date": "1995-05-01", "sex": "female",
         "pregnancies": [{"lmp": "2024-03-01", "end_date": "2024-11-30", "outcome": "live_birth"},
                         {"lmp": "2025-02-25"}]}
    assert statuses(eng, p, date(2025, 10, 10), "rsv_again") == ["overdue"]
    before = {**p, "immunizations": [{"date": "2024-10-15", "product": "Abrysvo"}]}
    assert statuses(eng, before, date(2025, 10, 10), "rsv_again") == ["not_recommended"]
    outside = {**p, "immunizations": [{"date": "2023-10-15", "product": "Abrysvo"}]}
    assert statuses(eng, outside, date(2025, 10, 10), "rsv_again") == ["overdue"]


def test_precaution_until_needs_a_known_anchor(tmp_path: Path) -> None:
    bad = CALENDAR.replace("until: {from: delivery,", "until: {from: birth,")
    f = tmp_path / "cal.yaml"
    f.write_text(bad, encoding="utf-8")
    with pytest.raises(CalendarError, match=r"until\.from"):
        Engine.from_paths([f, ROOT / "rules" / "products"])


def test_precaution_needs_a_reason(tmp_path: Path) -> None:
    bad = CALENDAR.replace('        reason: "Reporté jusqu\'aux 6 mois de l\'enfant."\n', "")
    f = tmp_path / "cal.yaml"
    f.write_text(bad, encoding="utf-8")
    with pytest.raises(CalendarError, match="reason"):
        Engine.from_paths([f, ROOT / "rules" / "products"])


@pytest.mark.parametrize(("country", "department"), [
    ("GF", "973"), ("GP", "971"), ("MQ", "972"), ("RE", "974"), ("YT", "976")])
def test_overseas_country_code_is_the_department(country: str, department: str) -> None:
    p = Profile.model_validate({"birth_date": "2000-01-01", "residence": {"country": country}})
    assert (p.residence.country, p.residence.department) == ("FR", department)
    same = Profile.model_validate({"birth_date": "2000-01-01",
                                   "residence": {"country": country, "department": department}})
    assert same.residence == p.residence


def test_overseas_country_code_contradicting_the_department_is_an_error() -> None:
    with pytest.raises(ProfileError) as err:
        Profile.model_validate({"birth_date": "2000-01-01",
                                "residence": {"country": "GF", "department": "971"}})
    assert err.value.field == "residence"


def test_situation_both_present_and_absent_is_an_error() -> None:
    with pytest.raises(ProfileError, match="both present and absent"):
        Profile.model_validate({"birth_date": "2000-01-01", "situations": ["breastfeeding"],
                                "situations_absent": ["breastfeeding"]})
    with pytest.raises(ProfileError, match="breastfeeding"):
        Profile.model_validate({"birth_date": "2000-01-01", "situations_absent": ["breastfed"]})


def test_new_facts_have_french_names() -> None:
    assert "allaitement" in fact_name("situation.breastfeeding")
    assert "varicelle" in fact_name("immunity.varicella")
    assert "zona" in fact_name("condition.zoster_history.since")
    assert "issue" in fact_name("pregnancy.outcome")


def test_bundled_contraindicated_rows_never_say_as_soon_as_possible(engine: Engine) -> None:
    p = Profile.model_validate({
        "birth_date": "1995-05-01", "sex": "female",
        "residence": {"country": "GF"},
        "immunizations": [{"date": "1996-06-01", "product": "M-M-RVaxPro"}],
        "pregnancies": [{"lmp": "2025-07-01"}]})
    rows = [r for r in engine.evaluate(p, date(2025, 10, 10)).items
            if r.status in ("contraindicated", "not_recommended")]
    assert {r.item for r in rows} >= {"mmr", "yellow_fever", "varicella"}
    for r in rows:
        assert "dès que possible" not in r.reason, r.reason
