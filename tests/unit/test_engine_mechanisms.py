"""The engine's mechanisms on a small calendar of our own (statuses, products, consent)."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from prevention_engine import Engine, Profile


def rows(agenda, item):  # type: ignore[no-untyped-def]
    return {r.dose: r for r in agenda.item(item)}


def test_contract_example_menb_dose_2_overdue(mini_engine: Engine) -> None:
    p = Profile.model_validate({
        "id": "p-001", "birth_date": "2024-03-15",
        "immunizations": [{"date": "2024-06-15", "product": "Bexsero"}],
    })
    a = mini_engine.evaluate(p, as_of=date(2025, 11, 10))
    d2 = rows(a, "menb")[2]
    assert d2.id == "test-vacc/menb/2"
    assert d2.status == "overdue"
    assert d2.recommended_date == date(2024, 8, 15)
    assert d2.past_due_date == date(2024, 9, 14)
    assert rows(a, "menb")[1].status == "completed"


def test_combined_product_counts_for_each_target(mini_engine: Engine) -> None:
    p = Profile.model_validate({
        "birth_date": "2025-01-10",
        "immunizations": [{"date": "2025-03-10", "product": "INFANRIX HEXA"}],
    })
    a = mini_engine.evaluate(p, as_of=date(2025, 4, 1))
    assert rows(a, "dtp")[1].status == "completed"
    assert rows(a, "dtp")[2].status == "upcoming"
    assert rows(a, "dtp")[2].recommended_date == date(2025, 5, 10)


def test_dose_too_soon_is_not_counted(mini_engine: Engine) -> None:
    p = Profile.model_validate({
        "birth_date": "2025-01-10",
        "immunizations": [
            {"date": "2025-03-10", "product": "Hexyon"},
            {"date": "2025-03-20", "product": "Hexyon"},
        ],
    })
    a = mini_engine.evaluate(p, as_of=date(2025, 4, 1), trace=True)
    d2 = rows(a, "dtp")[2]
    assert d2.status != "completed"
    # the second dose is rejected as too soon, and the next one counts from it (CDSi)
    assert d2.earliest_date == date(2025, 4, 20)
    outcomes = [t.outcome for r in a.item("dtp") for t in (r.trace or [])]
    assert "not_valid" in outcomes


def test_unknown_product_is_a_warning_not_a_crash(mini_engine: Engine) -> None:
    p = Profile.model_validate({
        "birth_date": "2025-01-10",
        "immunizations": [{"date": "2025-03-10", "product": "Hexyonn"}],
    })
    a = mini_engine.evaluate(p, as_of=date(2025, 4, 15))
    assert any("Hexyon" in w for w in a.warnings)
    assert rows(a, "dtp")[1].status == "overdue"


def test_declined_item_has_status_and_no_notification(mini_engine: Engine) -> None:
    p = Profile.model_validate({
        "id": "x", "birth_date": "2025-01-10", "declined": [{"item": "menb"}],
    })
    a = mini_engine.evaluate(p, as_of=date(2025, 4, 15))
    assert {r.status for r in a.item("menb")} == {"declined"}
    assert not [n for n in a.notifications if "/menb/" in n.item_id]
    assert [n for n in a.notifications if "/dtp/" in n.item_id]


def test_adult_booster_late_rule(mini_engine: Engine) -> None:
    # 43-year-old whose last booster was at 40: 45 is too close, next at 65.
    p = Profile.model_validate({
        "birth_date": "1982-06-01",
        "immunizations": [
            {"date": "1982-08-01", "targets": ["diphtheria", "tetanus", "poliomyelitis"]},
            {"date": "1982-10-01", "targets": ["diphtheria", "tetanus", "poliomyelitis"]},
            {"date": "1983-05-01", "targets": ["diphtheria", "tetanus", "poliomyelitis"]},
            {"date": "2022-06-01", "product": "Repevax"},
        ],
    })
    a = mini_engine.evaluate(p, as_of=date(2025, 11, 10))
    nxt = [r for r in a.item("dtp") if r.status != "completed"]
    assert [r.recommended_date for r in nxt] == [date(2047, 6, 1), date(2057, 6, 1)]
    assert [r.status for r in nxt] == ["upcoming", "upcoming"]


def test_adult_booster_overdue_then_next_fixed_age(mini_engine: Engine) -> None:
    # 35-year-old, last dose at 18: the 25-year booster is overdue; then 45 (not 10 years
    # after today, which would be closer than the fixed-age rule allows).
    p = Profile.model_validate({
        "birth_date": "1990-03-01",
        "immunizations": [
            {"date": "1990-05-01", "targets": ["diphtheria", "tetanus", "poliomyelitis"]},
            {"date": "1990-07-01", "targets": ["diphtheria", "tetanus", "poliomyelitis"]},
            {"date": "1991-02-01", "targets": ["diphtheria", "tetanus", "poliomyelitis"]},
            {"date": "2008-03-01", "targets": ["diphtheria", "tetanus", "poliomyelitis"]},
        ],
    })
    a = mini_engine.evaluate(p, as_of=date(2025, 11, 10))
    nxt = [r for r in a.item("dtp") if r.status != "completed"]
    assert [(r.status, r.recommended_date) for r in nxt] == [
        ("overdue", date(2015, 3, 1)), ("upcoming", date(2035, 3, 1))]


def test_same_input_same_bytes(mini_engine: Engine) -> None:
    raw = {"id": "p", "birth_date": "2024-03-15",
           "immunizations": [{"date": "2024-06-15", "product": "Bexsero"}]}
    one = mini_engine.evaluate(Profile.model_validate(raw), as_of=date(2025, 1, 1)).to_json()
    two = mini_engine.evaluate(Profile.model_validate(json.loads(json.dumps(raw))),
                               as_of=date(2025, 1, 1)).to_json()
    assert one == two


def test_evaluate_many_reports_bad_records(mini_engine: Engine) -> None:
    out = list(mini_engine.evaluate_many(
        [{"id": "a", "birth_date": "2024-01-01"}, {"id": "b", "birth_date": "nope"},
         '{"id": "c", "birth_date": "2020-01-01"}'],
        as_of=date(2025, 1, 1)))
    from prevention_engine import Agenda, Rejected

    assert isinstance(out[0], Agenda) and isinstance(out[2], Agenda)
    assert isinstance(out[1], Rejected) and out[1].id == "b" and "birth_date" in out[1].error


def test_missing_fact_gives_needs_data_naming_it(engine: Engine) -> None:
    # Sex unknown: cervical screening cannot be decided, and the item says what to fill in.
    a = engine.evaluate(Profile.model_validate({"birth_date": "1995-01-01"}), date(2025, 11, 10))
    rows = a.item("cervical_screening")
    assert [r.status for r in rows] == ["needs_data"]
    assert rows[0].missing_data == ["sex"]
    assert "renseignez le sexe" in rows[0].reason
    # With the fact given, the answer is definite either way.
    man = engine.evaluate(Profile.model_validate({"birth_date": "1995-01-01", "sex": "male"}),
                          date(2025, 11, 10))
    assert man.item("cervical_screening") == []


def test_live_vaccines_need_a_month_apart(engine: Engine) -> None:
    # French calendar: two live vaccines the same day or at least one month apart.
    p = Profile.model_validate({
        "birth_date": "2010-01-01",
        "immunizations": [
            {"date": "2024-05-01", "product": "Varivax"},
            {"date": "2024-05-15", "product": "M-M-RVaxPro"},
        ],
    })
    a = engine.evaluate(p, date(2024, 6, 1), trace=True)
    rows = a.item("mmr")
    trace = [(t.event, t.outcome, t.reason) for r in rows for t in (r.trace or [])]
    assert ("M-M-RVaxPro", "not_valid", "live_conflict") in trace
    first = rows[0]
    assert first.dose == 1 and first.status == "upcoming"
    assert first.earliest_date == date(2024, 6, 15)  # one month after the last live dose


def test_risk_based_dose_dated_from_the_risk(engine: Engine) -> None:
    # "Dès que le risque est identifié": recommended from the condition's date when known,
    # from the 18th birthday otherwise.
    def rec(conditions: list[dict[str, str]]) -> date | None:
        p = Profile.model_validate({"birth_date": "1985-05-05", "conditions": conditions})
        rows = engine.evaluate(p, date(2025, 11, 10)).item("zoster")
        return rows[0].recommended_date

    assert rec([{"code": "immunosuppressive_therapy", "since": "2025-01-10"}]) == date(2025, 1, 10)
    # without a date, from the 18th birthday (2003), but never before Shingrix was
    # recommended (zoster recommended_from: 2024 edition, 26 April 2024)
    assert rec([{"code": "immunosuppressive_therapy"}]) == date(2024, 4, 26)


COMPLETED_SERIES = """
calendar: t-skip
version: "1"
in_force: {from: 2020-01-01}
source: {title: t, url: "https://example.org"}
items:
  - id: hepb
    domain: vaccination
    title: HepB
    targets: [hepatitis_b]
    source: {title: t, url: "https://example.org"}
    series:
      - name: short
        preference: 2
        doses:
          - ages: {min: "11 years"}
            products: [Engerix B 20]
          - intervals: [{from: previous, min: "6 months"}]
            products: [Engerix B 20]
      - name: long
        doses:
          - ages: {min: "0 days"}
          - intervals: [{from: previous, min: "1 month"}]
          - intervals: [{from: previous, min: "5 months"}]
            skip:
              - context: both
                sets: [{conditions: [{type: completed_series, series: [short]}]}]
"""


def test_completed_series_condition_sees_the_other_series(tmp_path: Path) -> None:
    # The third dose of "long" is skipped once "short" is complete (CDSi completed-series).
    f = tmp_path / "cal.yaml"
    f.write_text(COMPLETED_SERIES, encoding="utf-8")
    root = Path(__file__).resolve().parents[2]
    engine = Engine.from_paths([f, root / "rules" / "products"])
    p = Profile.model_validate({"birth_date": "2010-01-01", "immunizations": [
        {"date": "2022-01-10", "product": "Engerix B 20"},
        {"date": "2022-08-10", "product": "Engerix B 20"}]})
    rows = engine.evaluate(p, date(2025, 1, 1)).item("hepb")
    # Both series are complete (long thanks to the skip), so the preferred one, long, is shown.
    assert [(r.dose, r.status, r.series) for r in rows] == [
        (1, "completed", "long"), (2, "completed", "long")]


def test_sub_standard_dose_is_not_a_booster(mini_engine: Engine) -> None:
    doses = [{"date": d, "targets": ["diphtheria", "tetanus", "poliomyelitis"]}
             for d in ("1990-03-01", "1990-05-01", "1990-12-01", "2015-02-01")]
    doses[-1]["sub_standard"] = True  # type: ignore[assignment]
    p = Profile.model_validate({"birth_date": "1990-01-01", "immunizations": doses})
    rows = mini_engine.evaluate(p, date(2025, 11, 10), trace=True).item("dtp")
    assert [r.completed_date for r in rows if r.status == "completed"] == [
        date(1990, 3, 1), date(1990, 5, 1), date(1990, 12, 1)]
    nxt = next(r for r in rows if r.status != "completed")
    assert nxt.recommended_date == date(2015, 1, 1)  # the 25-year booster is still owed


def test_only_the_next_dose_of_a_series_is_notified(engine: Engine) -> None:
    p = Profile.model_validate({"id": "n1", "birth_date": "2025-09-01"})
    a = engine.evaluate(p, date(2025, 11, 1))
    notified = [n.item_id for n in a.notifications]
    assert "fr-vaccination/dtp/1" in notified
    assert not [x for x in notified if x.startswith("fr-vaccination/rotavirus/")
                and not x.endswith("/1")]
    per_item = [x.rsplit("/", 1)[0] for x in notified if x.split("/")[-1].isdigit()]
    assert len(per_item) == len(set(per_item))


def test_pregnancy_without_end_is_not_endless(engine: Engine) -> None:
    p = Profile.model_validate({"birth_date": "1990-01-01", "sex": "female",
                                "pregnancies": [{"lmp": "2019-01-01"}]})
    a = engine.evaluate(p, date(2025, 11, 10))
    assert {r.status for r in a.item("mmr")} != {"contraindicated"}
    assert any(w.startswith("pregnancies[0]") for w in a.warnings)


def test_assessment_before_the_first_edition_is_reported(engine: Engine) -> None:
    a = engine.evaluate(Profile.model_validate({"birth_date": "2024-01-31"}), date(2024, 3, 31))
    assert any("fr-vaccination" in w for w in a.warnings)
