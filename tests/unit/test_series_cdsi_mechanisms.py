"""The series mechanisms added for CDSi (docs/rules-format.md 5.1), on a small calendar of ours."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from prevention_engine import Engine

TABLE = """
table: t-cvx
version: "1"
jurisdiction: US
in_force: {from: 2020-01-01}
source: {title: test, url: "https://example.org"}
products:
  - {name: Alpha, targets: [hepatitis_b], cvx: "08"}
  - {name: Beta, targets: [hepatitis_b], cvx: "43"}
  - {name: Gamma, targets: [measles], cvx: "05", live: true}
  - {name: Delta, targets: [varicella], cvx: "21", live: true}
  - {name: Flu, targets: [influenza], cvx: "150"}
  - {name: Booster, targets: [tetanus], cvx: "09"}
  - {name: Other, targets: [tetanus], cvx: "35"}
"""

CALENDAR = """
calendar: t-us
version: "1"
jurisdiction: US
in_force: {from: 2020-01-01}
source: {title: test, url: "https://example.org"}
live_conflicts:
  - {previous: ["cvx:21"], current: ["cvx:05"], begin: "1 day", min_end: "24 days", end: "28 days"}
items:
  - id: hepb
    domain: vaccination
    title: HepB
    targets: [hepatitis_b]
    source: {title: test, url: "https://example.org"}
    vaccine_group: {name: HepB}
    start_age_basis: first_valid_dose
    series:
      - name: young
        default: true
        start_age: {max: "10 years"}
        doses:
          - ages:
              - {abs_min: "2 months", cessation: 2021-12-31}
              - {abs_min: "1 month", effective: 2022-01-01}
            products: ["cvx:08"]
          - intervals: [{from: previous, abs_min: "8 weeks", min: "8 weeks"}]
            allowable_intervals: [{from: previous, abs_min: "4 weeks"}]
            products: ["cvx:08"]
      - name: adult
        preference: 2
        start_age: {min: "18 years"}
        sex: female
        doses:
          - products: ["cvx:43"]
  - id: measles
    domain: vaccination
    title: Measles
    targets: [measles]
    contraindicated_when: {pregnant: true}
    contraindication_reason: "vaccin vivant : grossesse (test)"
    source: {title: test, url: "https://example.org"}
    series:
      - name: one
        doses: [{preferred_products: ["cvx:05"]}]
  - id: flu
    domain: vaccination
    title: Flu
    targets: [influenza]
    source: {title: test, url: "https://example.org"}
    series:
      - name: season
        doses: [{season: {start: 2025-09-01, end: 2026-06-30}, ages: {min: "6 months"}}]
  - id: tetanus
    domain: vaccination
    title: Tetanus
    targets: [tetanus]
    source: {title: test, url: "https://example.org"}
    series:
      - name: s
        doses:
          - {}
          - intervals:
              - {from: previous, min: "10 years"}
              - {from: most_recent, products: ["cvx:35"], min: "1 year", priority: override}
  - id: varicella
    domain: vaccination
    title: Varicella
    targets: [varicella]
    source: {title: test, url: "https://example.org"}
    no_valid_dose_choice: scored
    series:
      - name: unanchored
        doses:
          - {ages: {earliest_rec: "7 months"}}
          - {intervals: [{from: previous, min: "12 weeks"}]}
      - name: from_two_years
        preference: 2
        doses: [{ages: {min: "2 years"}}]
"""


@pytest.fixture(scope="module")
def us(tmp_path_factory: pytest.TempPathFactory) -> Engine:
    d: Path = tmp_path_factory.mktemp("rules")
    (d / "table.yaml").write_text(TABLE, encoding="utf-8")
    (d / "calendar.yaml").write_text(CALENDAR, encoding="utf-8")
    return Engine.from_paths([d])


def _run(engine: Engine, doses: list[tuple[str, str]], **extra: Any) -> dict[str, Any]:
    profile = {
        "birth_date": extra.pop("birth_date", "2021-06-01"),
        "residence": {"country": "US"},
        "immunizations": [{"date": d, "code": {"system": "cvx", "value": c}} for d, c in doses],
        **extra,
    }
    agenda = engine.evaluate(profile, as_of=dt.date(2025, 11, 10), trace=True)
    out: dict[str, Any] = {}
    for it in agenda.items:
        entry = out.setdefault(it.item, {"rows": [], "trace": []})
        entry["rows"].append(it)
        entry["trace"].extend(it.trace or [])
    return out


def test_dated_ages_allowable_interval_and_trace_fields(us: Engine) -> None:
    # born 2021-06-01: a dose at 6 weeks in 2021 is too young (2 months then), in 2022 (1 month)
    # it would count; dose 2 five weeks later is rescued by the allowable interval.
    res = _run(us, [("2021-07-15", "08"), ("2022-01-10", "08"), ("2022-02-14", "08")])
    trace = {t.immunization: t for t in res["hepb"]["trace"]}
    assert (trace[0].outcome, trace[0].reason) == ("not_valid", "too_young")
    assert (trace[1].outcome, trace[1].target_dose) == ("valid", 1)
    assert (trace[2].outcome, trace[2].target_dose) == ("valid", 2)
    assert all(r.status == "completed" for r in res["hepb"]["rows"])
    assert res["hepb"]["rows"][0].vaccine_group == "HepB"


def test_default_series_when_no_valid_dose_and_sex(us: Engine) -> None:
    # 30 years old, no dose: the default series is used although its start_age.max is passed
    res = _run(us, [], birth_date="1995-01-01", sex="female")
    assert res["hepb"]["rows"][0].series == "young"
    # a valid dose of the adult series (female only) selects it; not for a man
    res = _run(us, [("2025-01-10", "43")], birth_date="1995-01-01", sex="female")
    assert res["hepb"]["rows"][0].series == "adult"
    res = _run(us, [("2025-01-10", "43")], birth_date="1995-01-01", sex="male")
    assert res["hepb"]["rows"][0].series == "young"


def test_scored_choice_with_no_valid_dose(us: Engine) -> None:
    # CDSi Table 8-11: no series has a valid dose and none is the default. The first series'
    # next dose has no minimum age, interval or earlier dose, so no start date (CDSi 7.5): the
    # series that can start (at 2 years) is chosen although its preference comes second.
    res = _run(us, [], birth_date="1995-01-01")
    row = res["varicella"]["rows"][0]
    assert (row.series, row.earliest_date) == ("from_two_years", dt.date(1997, 1, 1))


def test_live_conflict_window(us: Engine) -> None:
    res = _run(us, [("2025-10-01", "21"), ("2025-10-11", "05")])
    trace = {t.immunization: t for t in res["measles"]["trace"]}
    assert (trace[1].outcome, trace[1].reason) == ("not_valid", "live_conflict")
    nxt = next(r for r in res["measles"]["rows"] if r.status != "completed")
    assert nxt.earliest_date == dt.date(2025, 10, 29)  # varicella dose + 28 days


def test_contraindication_reason(us: Engine) -> None:
    res = _run(us, [], birth_date="1995-01-01", sex="female", pregnancies=[{"lmp": "2025-08-01"}])
    row = res["measles"]["rows"][0]
    assert row.status == "contraindicated"
    assert "grossesse (test)" in row.reason


def test_season_start(us: Engine) -> None:
    res = _run(us, [], birth_date="2025-01-01")
    row = res["flu"]["rows"][0]
    assert row.earliest_date == dt.date(2025, 9, 1)  # 6 months is 2025-07-01, season later


def test_override_interval_from_most_recent_product(us: Engine) -> None:
    # dose 2 of tetanus: 10 years after dose 1, unless a cvx:35 dose was given: then 1 year
    # after it (override), whichever item it counted for
    res = _run(us, [("2022-01-01", "09")])
    nxt = next(r for r in res["tetanus"]["rows"] if r.status != "completed")
    assert nxt.earliest_date == dt.date(2032, 1, 1)
    # the cvx:35 dose is itself too soon for dose 2, but it is the reference of the override
    res = _run(us, [("2022-01-01", "09"), ("2023-06-01", "35"), ("2024-07-01", "09")])
    trace = {t.immunization: t for t in res["tetanus"]["trace"]}
    assert (trace[1].outcome, trace[1].reason) == ("not_valid", "too_soon")
    assert (trace[2].outcome, trace[2].target_dose) == ("valid", 2)
    res = _run(us, [("2022-01-01", "09"), ("2023-06-01", "35"), ("2024-03-01", "09")])
    trace = {t.immunization: t for t in res["tetanus"]["trace"]}
    assert (trace[2].outcome, trace[2].reason) == ("not_valid", "too_soon")


def test_rules_date_replays_an_old_assessment(us: Engine) -> None:
    profile = {"birth_date": "2015-01-01", "residence": {"country": "US"}}
    old = us.evaluate(profile, as_of=dt.date(2019, 1, 1))
    assert not old.items
    replay = us.evaluate(profile, as_of=dt.date(2019, 1, 1), rules_date=dt.date(2025, 1, 1))
    assert replay.items and replay.as_of == dt.date(2019, 1, 1)
