"""The ``recurring`` kind on small inline calendars: ages, intervals, result rules, errors."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from prevention_engine import AgendaItem, CalendarError, Engine

HEAD = """\
calendar: test-recurring
version: "1"
jurisdiction: FR
in_force: {from: 2000-01-01}
source: {title: Test, url: https://example.org}
"""
SOURCE = "    source: {title: Test, url: https://example.org, section: s}\n"

SCREEN = """\
items:
  - id: screen
    domain: screening
    title: Dépistage
    targets: [cervical_cancer]
    kind: recurring
    applies_when: {sex: female}
    not_recommended_when: {condition: [hysterectomy]}
    not_recommended_reason: "Hystérectomie : suivi spécifique."
    start_age: "25 years"
    stop_age: "66 years"
    methods: [cytology, hpv_test]
    method_by_age:
      - {method: cytology, until_age: "30 years"}
      - {method: hpv_test}
    past_due_after: "6 months"
    rules:
      - when: {method: unknown}
        ask: [method]
      - when: {result: unknown}
        ask: [result]
      - when: {result: [abnormal, positive]}
        exit: "Résultat anormal : suivi spécifique nécessaire."
      - when: {method: hpv_test, result: negative}
        next: "5 years"
      - when:
          method: cytology
          result: normal
          age_at_event: {max: "30 years"}
          previous_normal: 0
        next: "1 year"
      - when: {method: cytology, result: normal}
        next: "3 years"
"""

ONCE = """\
items:
  - id: once
    domain: screening
    title: Une fois
    targets: [hiv]
    kind: recurring
    start_age: "15 years"
    stop_age: "71 years"
    rules:
      - when: {result: positive}
        exit: "Positif : prise en charge spécialisée."
"""

SIMPLE = """\
defaults: {past_due_after: "3 months"}
items:
  - id: simple
    domain: screening
    title: Simple
    targets: [colorectal_cancer]
    kind: recurring
    start_age: "50 years"
    stop_age: "75 years"
    interval: "2 years"
    methods: [fit, colonoscopy]
    default_method: fit
    rules:
      - when: {method: colonoscopy, result: normal}
        next: "5 years"
        next_method: fit
"""


def _engine(tmp_path: Path, body: str) -> Engine:
    text = HEAD + body
    if "section: s}" not in body:
        text = text.replace("    kind: recurring\n", SOURCE + "    kind: recurring\n")
    f = tmp_path / "cal.yaml"
    f.write_text(text, encoding="utf-8")
    return Engine.from_paths([f])


def _rows(engine: Engine, profile: dict[str, Any], as_of: str) -> list[AgendaItem]:
    return engine.evaluate(profile, dt.date.fromisoformat(as_of)).items


def _one(engine: Engine, profile: dict[str, Any], as_of: str) -> AgendaItem:
    rows = _rows(engine, profile, as_of)
    assert len(rows) == 1, rows
    return rows[0]


def _woman(*procs: tuple[str, str, str | None], **extra: Any) -> dict[str, Any]:
    return {
        "birth_date": "1990-01-01",
        "sex": "female",
        "procedures": [
            {"target": "cervical_cancer", "date": d, "method": m, "result": r} for d, m, r in procs
        ],
        **extra,
    }


@pytest.fixture()
def screen(tmp_path: Path) -> Engine:
    return _engine(tmp_path, SCREEN)


def test_never_tested_due_from_start_age(screen: Engine) -> None:
    row = _one(screen, _woman(), "2015-06-01")
    assert row.status == "due"
    assert row.recommended_date == row.earliest_date == dt.date(2015, 1, 1)
    assert row.past_due_date == dt.date(2015, 6, 30)
    assert row.latest_date == dt.date(2055, 12, 31)
    assert row.method == "cytology"
    assert _one(screen, _woman(), "2015-07-01").status == "overdue"


def test_method_by_age_at_the_due_date(screen: Engine) -> None:
    assert _one(screen, _woman(), "2021-01-01").method == "hpv_test"


def test_outside_ages_no_row_even_when_sex_unknown(screen: Engine) -> None:
    assert _rows(screen, {"birth_date": "1990-01-01"}, "2014-12-31") == []
    assert _rows(screen, _woman(), "2056-01-01") == []
    inside = _one(screen, {"birth_date": "1990-01-01"}, "2016-01-01")
    assert inside.status == "needs_data"
    assert inside.missing_data == ["sex"]


def test_first_normal_then_one_year_then_three(screen: Engine) -> None:
    one = _one(screen, _woman(("2015-03-01", "cytology", "normal")), "2015-06-01")
    assert (one.status, one.recommended_date) == ("upcoming", dt.date(2016, 3, 1))
    assert one.completed_date == dt.date(2015, 3, 1)
    two = _one(
        screen,
        _woman(("2015-03-01", "cytology", "normal"), ("2016-03-05", "cytology", "normal")),
        "2016-06-01",
    )
    assert two.recommended_date == dt.date(2019, 3, 5)
    assert two.method == "cytology"


def test_previous_normal_resets_after_an_abnormal(screen: Engine) -> None:
    # normal, abnormal (follow-up then back), normal: the last normal has 0 normal before it.
    row = _one(
        screen,
        _woman(
            ("2015-03-01", "cytology", "normal"),
            ("2016-03-01", "cytology", "abnormal"),
            ("2017-03-01", "cytology", "normal"),
        ),
        "2017-06-01",
    )
    assert row.recommended_date == dt.date(2018, 3, 1)


def test_age_at_event_limits_the_one_year_rule(screen: Engine) -> None:
    row = _one(screen, _woman(("2021-03-01", "cytology", "normal")), "2021-06-01")
    assert row.recommended_date == dt.date(2024, 3, 1)
    assert row.method == "hpv_test"


def test_hpv_negative_five_years(screen: Engine) -> None:
    row = _one(screen, _woman(("2021-03-01", "hpv_test", "negative")), "2022-01-01")
    assert (row.status, row.recommended_date, row.method) == (
        "upcoming",
        dt.date(2026, 3, 1),
        "hpv_test",
    )


def test_exit_is_not_recommended_without_dates(screen: Engine) -> None:
    row = _one(screen, _woman(("2021-03-01", "hpv_test", "positive")), "2022-01-01")
    assert row.status == "not_recommended"
    assert row.recommended_date is None and row.latest_date is None
    assert "suivi spécifique" in row.reason


def test_ask_for_missing_result_and_method(screen: Engine) -> None:
    row = _one(screen, _woman(("2021-03-01", "cytology", None)), "2022-01-01")
    assert row.status == "needs_data"
    assert row.missing_data == ["procedure.result"]
    row = _one(screen, _woman(("2021-03-01", None, "normal")), "2022-01-01")
    assert row.missing_data == ["procedure.method"]


def test_method_filter_ignores_other_methods(screen: Engine) -> None:
    row = _one(screen, _woman(("2021-03-01", "colposcopy", "normal")), "2022-01-01")
    assert row.recommended_date == dt.date(2015, 1, 1)


def test_same_day_events_exit_wins(screen: Engine) -> None:
    row = _one(
        screen,
        _woman(("2021-03-01", "cytology", "normal"), ("2021-03-01", "hpv_test", "positive")),
        "2022-01-01",
    )
    assert row.status == "not_recommended"


def test_same_day_events_earliest_next(screen: Engine) -> None:
    row = _one(
        screen,
        _woman(("2021-03-01", "cytology", "normal"), ("2021-03-01", "hpv_test", "negative")),
        "2022-01-01",
    )
    assert row.recommended_date == dt.date(2024, 3, 1)


def test_next_beyond_stop_age_completes(screen: Engine) -> None:
    row = _one(screen, _woman(("2052-03-01", "hpv_test", "negative")), "2053-01-01")
    assert row.status == "completed"
    assert row.completed_date == dt.date(2052, 3, 1)


def test_future_events_ignored(screen: Engine) -> None:
    row = _one(screen, _woman(("2030-03-01", "hpv_test", "negative")), "2022-01-01")
    assert row.recommended_date == dt.date(2015, 1, 1)


def test_exclusion_reason(screen: Engine) -> None:
    row = _one(screen, _woman(conditions=[{"code": "hysterectomy"}]), "2022-01-01")
    assert row.status == "not_recommended"
    assert row.reason.startswith("Hystérectomie : suivi spécifique.")


def test_once_only(tmp_path: Path) -> None:
    eng = _engine(tmp_path, ONCE)
    p: dict[str, Any] = {"birth_date": "1980-01-01"}
    assert _one(eng, p, "2000-01-01").status == "due"
    p["procedures"] = [{"target": "hiv", "date": "1994-06-01", "result": "negative"}]
    done = _one(eng, p, "2000-01-01")
    assert (done.status, done.completed_date) == ("completed", dt.date(1994, 6, 1))
    p["procedures"] = [{"target": "hiv", "date": "1999-06-01", "result": "positive"}]
    assert _one(eng, p, "2000-01-01").status == "not_recommended"
    assert _rows(eng, p, "2051-01-01") == []


def test_test_before_start_age_dates_the_next(tmp_path: Path) -> None:
    eng = _engine(tmp_path, SIMPLE)
    p = {
        "birth_date": "1970-01-01",
        "procedures": [{"target": "colorectal_cancer", "date": "2019-05-01"}],
    }
    row = _one(eng, p, "2020-01-01")
    assert row.recommended_date == dt.date(2021, 5, 1)
    assert row.method == "fit"
    p["procedures"] = [{"target": "colorectal_cancer", "date": "2015-05-01"}]
    assert _one(eng, p, "2020-01-01").recommended_date == dt.date(2020, 1, 1)


def test_calendar_default_past_due_and_next_method(tmp_path: Path) -> None:
    eng = _engine(tmp_path, SIMPLE)
    p = {
        "birth_date": "1960-01-01",
        "procedures": [
            {
                "target": "colorectal_cancer",
                "date": "2015-05-01",
                "method": "colonoscopy",
                "result": "normal",
            }
        ],
    }
    row = _one(eng, p, "2020-06-01")
    assert row.recommended_date == dt.date(2020, 5, 1)
    assert row.past_due_date == dt.date(2020, 7, 31)
    assert row.method == "fit"
    assert row.status == "due"


# -- loader errors -------------------------------------------------------------------------


def _error(tmp_path: Path, body: str) -> CalendarError:
    with pytest.raises(CalendarError) as exc:
        _engine(tmp_path, body)
    return exc.value


def test_misspelt_key_names_file_line_item_field(tmp_path: Path) -> None:
    err = _error(tmp_path, SIMPLE.replace('    interval: "2 years"', '    intervall: "2 years"'))
    assert err.file is not None and err.file.endswith("cal.yaml")
    assert err.item == "simple"
    assert err.field == "intervall"
    assert err.suggestion == "interval"
    assert err.line is not None
    text = (tmp_path / "cal.yaml").read_text().splitlines()
    assert "intervall" in text[err.line - 1]


def test_misspelt_key_inside_when(tmp_path: Path) -> None:
    body = SCREEN.replace("{result: [abnormal, positive]}", "{resullt: [abnormal]}")
    err = _error(tmp_path, body)
    assert err.field is not None and err.field.endswith("when.resullt")
    assert err.suggestion == "result"
    assert err.item == "screen"


def test_rule_needs_exactly_one_outcome(tmp_path: Path) -> None:
    five = '        next: "5 years"\n'
    body = SCREEN.replace(five, five + '        exit: "x"\n')
    assert "exactly one" in _error(tmp_path, body).message


def test_unknown_method_in_rule_suggests(tmp_path: Path) -> None:
    err = _error(
        tmp_path,
        SCREEN.replace(
            "{method: hpv_test, result: negative}", "{method: hpv_tset, result: negative}"
        ),
    )
    assert err.suggestion == "hpv_test"


def test_last_method_by_age_open_ended(tmp_path: Path) -> None:
    err = _error(
        tmp_path,
        SCREEN.replace(
            "      - {method: hpv_test}\n", '      - {method: hpv_test, until_age: "66 years"}\n'
        ),
    )
    assert err.field == "method_by_age"


def test_interval_must_be_positive(tmp_path: Path) -> None:
    err = _error(tmp_path, SIMPLE.replace('interval: "2 years"', 'interval: "0 days"'))
    assert err.field == "interval"


def test_stop_after_start(tmp_path: Path) -> None:
    err = _error(tmp_path, SIMPLE.replace('stop_age: "75 years"', 'stop_age: "40 years"'))
    assert err.field == "stop_age"


def test_notification_key_changes_with_each_cycle(tmp_path: Path) -> None:
    eng = _engine(tmp_path, SIMPLE)

    def keys(last: str | None, as_of: str) -> list[str]:
        procs = [{"target": "colorectal_cancer", "date": last}] if last else []
        p = {"id": "k", "birth_date": "1960-01-01", "procedures": procs}
        return [n.key for n in eng.evaluate(p, dt.date.fromisoformat(as_of)).notifications]

    first = keys(None, "2020-01-01")
    assert len(first) == 1 and first == keys(None, "2020-02-01")  # same cycle, same key
    after = keys("2020-03-01", "2022-03-01")
    assert len(after) == 1 and after != first
    assert after == keys("2020-03-01", "2022-04-01")
