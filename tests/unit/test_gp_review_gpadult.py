"""GP review of adult agendas (18-75, 2026-11-29, branch gpadult): cases written from the
sources, independently of the YAML and of the wording code.

- Colorectal screening: "Hommes et femmes de 50 à 74 ans : test immunologique tous les 2 ans ;
  s'il est positif, une coloscopie est nécessaire" (Assurance Maladie, Cancer colorectal : le
  dépistage, https://www.ameli.fr/assure/sante/themes/cancer-colorectal/cancer-colorectal-depistage).
  Whether the next test is in 2 years or a colonoscopy is needed now depends on the result: a
  test recorded without its result cannot be read as negative (the person may be waiting for a
  colonoscopy); its result is asked, as it already is for a colonoscopy or a cervical test.
- Breast screening: mammography every 2 years from 50 to 74; an abnormal result leads to
  further examinations (Assurance Maladie, Dépistage organisé du cancer du sein,
  https://www.ameli.fr/exercice-coordonne/sante-prevention/depistages-organises-cancers/depistage-organise-du-cancer-du-sein).
  A mammography without its result is not a normal one: the result is asked.
- A positive screening test is an action to take, not the end of the agenda: a positive faecal
  test calls for a colonoscopy (ameli, above), an abnormal mammography for further examinations
  (ameli, above), an abnormal or positive cervical test for a specific follow-up (reflex test or
  colposcopy: INCa, Dépistage du cancer du col de l'utérus : les réponses à vos questions,
  https://e-cancer.fr/Professionnels-de-sante/Depistage-et-detection-precoce/Depistage-du-cancer-du-col-de-l-uterus/Les-reponses-a-vos-questions).
  While no later examination is recorded, a row says so and is notified (due); the routine test
  itself stays "non recommandé" (never a second faecal test instead of the colonoscopy).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from prevention_engine import Engine

# one date judged by each screening edition (2024.1 to 2025-12-31, 2026.1 since 2026-01-01)
DATES = [dt.date(2025, 6, 15), dt.date(2026, 11, 29)]


def _rows(engine: Engine, profile: dict[str, Any], as_of: dt.date, item: str) -> list[Any]:
    return [i for i in engine.evaluate(profile, as_of).items if i.item == item]


def _row(engine: Engine, profile: dict[str, Any], as_of: dt.date, item: str) -> Any:
    rows = _rows(engine, profile, as_of, item)
    assert len(rows) == 1, [(r.id, r.status) for r in rows]
    return rows[0]


def _notified(engine: Engine, profile: dict[str, Any], as_of: dt.date) -> set[str]:
    return {n.item_id for n in engine.evaluate(profile, as_of).notifications}


# -- a test recorded without its result --------------------------------------------------------


def _man_60(procedures: list[dict[str, Any]]) -> dict[str, Any]:
    return {"id": "m60", "birth_date": "1965-05-05", "sex": "male", "procedures": procedures}


def _woman_55(procedures: list[dict[str, Any]]) -> dict[str, Any]:
    return {"id": "f55", "birth_date": "1970-05-05", "sex": "female", "procedures": procedures}


@pytest.mark.parametrize("as_of", DATES)
def test_a_faecal_test_without_result_asks_for_it(engine: Engine, as_of: dt.date) -> None:
    fit = {"target": "colorectal_cancer", "date": "2024-09-01", "method": "fit"}
    row = _row(engine, _man_60([fit]), as_of, "colorectal_screening")
    assert row.status == "needs_data", (row.status, row.reason)
    assert row.missing_data == ["procedure.result"]
    assert row.completed_date == dt.date(2024, 9, 1)


@pytest.mark.parametrize("as_of", DATES)
def test_a_colorectal_test_without_method_nor_result_asks(engine: Engine, as_of: dt.date) -> None:
    # recorded as a faecal test by default: its result still decides what follows
    test = {"target": "colorectal_cancer", "date": "2024-09-01"}
    row = _row(engine, _man_60([test]), as_of, "colorectal_screening")
    assert row.status == "needs_data", (row.status, row.reason)


@pytest.mark.parametrize("as_of", DATES)
def test_a_negative_faecal_test_still_dates_the_next_in_two_years(
    engine: Engine, as_of: dt.date
) -> None:
    fit = {"target": "colorectal_cancer", "date": "2024-09-01", "method": "fit",
           "result": "negative"}
    row = _row(engine, _man_60([fit]), as_of, "colorectal_screening")
    assert row.recommended_date == dt.date(2026, 9, 1)
    assert row.status == ("upcoming" if as_of < dt.date(2026, 9, 1) else "due")


@pytest.mark.parametrize("as_of", DATES)
def test_a_mammography_without_result_asks_for_it(engine: Engine, as_of: dt.date) -> None:
    mammo = {"target": "breast_cancer", "date": "2024-09-01", "method": "mammography"}
    row = _row(engine, _woman_55([mammo]), as_of, "breast_screening")
    assert row.status == "needs_data", (row.status, row.reason)
    assert row.missing_data == ["procedure.result"]


@pytest.mark.parametrize("as_of", DATES)
def test_a_normal_mammography_dates_the_next_in_two_years(engine: Engine, as_of: dt.date) -> None:
    mammo = {"target": "breast_cancer", "date": "2024-09-01", "method": "mammography",
             "result": "normal"}
    row = _row(engine, _woman_55([mammo]), as_of, "breast_screening")
    assert row.recommended_date == dt.date(2026, 9, 1)
    assert row.status in ("upcoming", "due")


# -- a positive or abnormal screening test: the follow-up is an action ---------------------------


def _man_52(procedures: list[dict[str, Any]]) -> dict[str, Any]:
    return {"id": "m52", "birth_date": "1973-02-01", "sex": "male", "procedures": procedures}


POSITIVE_FIT = {"target": "colorectal_cancer", "date": "2025-01-10", "method": "fit",
                "result": "positive"}


def _followups(engine: Engine, profile: dict[str, Any], as_of: dt.date, target: str) -> list[Any]:
    """Open rows of a screening target other than the routine programme and its campaigns."""
    routine = {"colorectal_screening", "breast_screening", "cervical_screening",
               "colorectal_high_risk_followup", "breast_high_risk_followup",
               "mars_bleu", "octobre_rose"}
    return [i for i in engine.evaluate(profile, as_of).items
            if target in i.targets and i.item not in routine]


@pytest.mark.parametrize("as_of", DATES)
def test_a_positive_faecal_test_asks_for_a_colonoscopy(engine: Engine, as_of: dt.date) -> None:
    profile = _man_52([POSITIVE_FIT])
    routine = _row(engine, profile, as_of, "colorectal_screening")
    assert routine.status == "not_recommended"  # never a second faecal test instead
    rows = _followups(engine, profile, as_of, "colorectal_cancer")
    assert len(rows) == 1, [(r.id, r.status) for r in rows]
    row = rows[0]
    assert row.status == "due", (row.status, row.reason)
    assert "coloscopie" in row.title.lower() and "coloscopie" in row.reason
    assert row.completed_date == dt.date(2025, 1, 10)
    assert row.id in _notified(engine, profile, as_of)


@pytest.mark.parametrize("as_of", DATES)
def test_a_colonoscopy_after_the_positive_test_closes_the_follow_up(
    engine: Engine, as_of: dt.date
) -> None:
    colonoscopy = {"target": "colorectal_cancer", "date": "2025-02-20", "method": "colonoscopy",
                   "result": "normal"}
    profile = _man_52([POSITIVE_FIT, colonoscopy])
    assert _followups(engine, profile, as_of, "colorectal_cancer") == []
    # then out of the programme for 5 years (the routine rule, unchanged)
    assert _row(engine, profile, as_of, "colorectal_screening").recommended_date == dt.date(
        2030, 2, 20)


@pytest.mark.parametrize("as_of", DATES)
def test_an_old_positive_test_before_a_negative_one_asks_nothing(
    engine: Engine, as_of: dt.date
) -> None:
    old = dict(POSITIVE_FIT, date="2015-01-10")
    colonoscopy = {"target": "colorectal_cancer", "date": "2015-02-10", "method": "colonoscopy",
                   "result": "normal"}
    fit = {"target": "colorectal_cancer", "date": "2024-09-01", "method": "fit",
           "result": "negative"}
    assert _followups(engine, _man_52([old, colonoscopy, fit]), as_of, "colorectal_cancer") == []


@pytest.mark.parametrize("as_of", DATES)
def test_a_negative_faecal_test_after_a_positive_one_does_not_replace_the_colonoscopy(
    engine: Engine, as_of: dt.date
) -> None:
    # ameli: a positive test calls for a colonoscopy; a second faecal test does not answer it
    fit = {"target": "colorectal_cancer", "date": "2025-03-01", "method": "fit",
           "result": "negative"}
    profile = _man_52([POSITIVE_FIT, fit])
    rows = _followups(engine, profile, as_of, "colorectal_cancer")
    assert len(rows) == 1, [(r.id, r.status) for r in rows]
    assert rows[0].status == "due", (rows[0].status, rows[0].reason)
    assert "10 janvier 2025" in rows[0].reason, rows[0].reason
    assert rows[0].id in _notified(engine, profile, as_of)
    # and no routine faecal test is planned while the colonoscopy is pending
    routine = _row(engine, profile, as_of, "colorectal_screening")
    assert routine.status == "not_recommended", (routine.status, routine.reason)
    assert "coloscopie" in routine.reason, routine.reason
    assert _row(engine, _man_52([POSITIVE_FIT]), as_of, "colorectal_screening").reason.startswith(
        "Dernier test : test immunologique de dépistage le 10 janvier 2025")  # unchanged
    # a colonoscopy, even after both tests, closes it
    colonoscopy = {"target": "colorectal_cancer", "date": "2025-04-01", "method": "colonoscopy",
                   "result": "normal"}
    profile["procedures"] = [POSITIVE_FIT, fit, colonoscopy]
    assert _followups(engine, profile, as_of, "colorectal_cancer") == []


@pytest.mark.parametrize("as_of", DATES)
def test_an_abnormal_mammography_asks_for_further_examinations(
    engine: Engine, as_of: dt.date
) -> None:
    mammo = {"target": "breast_cancer", "date": "2025-02-01", "method": "mammography",
             "result": "abnormal"}
    profile = {"id": "f58", "birth_date": "1967-02-02", "sex": "female", "procedures": [mammo]}
    assert _row(engine, profile, as_of, "breast_screening").status == "not_recommended"
    rows = _followups(engine, profile, as_of, "breast_cancer")
    assert len(rows) == 1, [(r.id, r.status) for r in rows]
    assert rows[0].status == "due"
    assert rows[0].id in _notified(engine, profile, as_of)
    # a later normal mammography closes it and the programme resumes 2 years after
    normal = dict(mammo, date="2025-03-01", result="normal")
    profile["procedures"] = [mammo, normal]
    assert _followups(engine, profile, as_of, "breast_cancer") == []
    assert _row(engine, profile, as_of, "breast_screening").recommended_date == dt.date(
        2027, 3, 1)


@pytest.mark.parametrize("as_of", DATES)
def test_a_high_risk_woman_keeps_her_own_follow_up_row(engine: Engine, as_of: dt.date) -> None:
    # HAS 2014: her specific follow-up row already says a work-up is needed; no second row
    mammo = {"target": "breast_cancer", "date": "2025-02-01", "method": "mammography",
             "result": "abnormal"}
    profile = {"id": "f58", "birth_date": "1967-02-02", "sex": "female", "procedures": [mammo],
               "conditions": [{"code": "breast_high_risk"}]}
    assert _followups(engine, profile, as_of, "breast_cancer") == []
    assert _row(engine, profile, as_of, "breast_high_risk_followup").status == "due"


@pytest.mark.parametrize("as_of", DATES)
@pytest.mark.parametrize(("method", "result"), [("cytology", "abnormal"), ("hpv_test", "positive")])
def test_an_abnormal_cervical_test_asks_for_its_follow_up(
    engine: Engine, as_of: dt.date, method: str, result: str
) -> None:
    test = {"target": "cervical_cancer", "date": "2024-05-01", "method": method, "result": result}
    profile = {"id": "f40", "birth_date": "1985-03-03", "sex": "female", "procedures": [test]}
    assert _row(engine, profile, as_of, "cervical_screening").status == "not_recommended"
    rows = _followups(engine, profile, as_of, "cervical_cancer")
    assert len(rows) == 1, [(r.id, r.status) for r in rows]
    assert rows[0].status == "due"
    assert rows[0].id in _notified(engine, profile, as_of)


@pytest.mark.parametrize("as_of", DATES)
def test_normal_tests_give_no_follow_up_row(engine: Engine, as_of: dt.date) -> None:
    profile = {"id": "f58", "birth_date": "1967-02-02", "sex": "female", "procedures": [
        {"target": "breast_cancer", "date": "2025-02-01", "method": "mammography",
         "result": "normal"},
        {"target": "cervical_cancer", "date": "2024-05-01", "method": "hpv_test",
         "result": "negative"},
        {"target": "colorectal_cancer", "date": "2024-05-01", "method": "fit",
         "result": "negative"},
    ]}
    for target in ("breast_cancer", "cervical_cancer", "colorectal_cancer"):
        assert _followups(engine, profile, as_of, target) == []


# -- risk scores: the date of the measurements ---------------------------------------------------


def _smoker_60(dates: tuple[str, str, str]) -> dict[str, Any]:
    sbp, tc, hdl = dates
    return {"id": "f60", "birth_date": "1965-06-01", "sex": "female",
            "lifestyle": {"smoker": True},
            "observations": [
                {"code": "systolic_bp", "value": 150, "date": sbp},
                {"code": "total_cholesterol", "value": 6.5, "unit": "mmol/L", "date": tc},
                {"code": "hdl_cholesterol", "value": 1.3, "unit": "mmol/L", "date": hdl}]}


def test_measurements_of_one_day_are_dated_once(engine: Engine) -> None:
    # "calculé avec les mesures du 1er janvier 2025 au 1er janvier 2025" read as a period
    row = _row(engine, _smoker_60(("2025-01-01",) * 3), DATES[0], "cardiovascular_risk")
    assert row.status == "completed"
    assert "mesures du 1er janvier 2025." in row.reason, row.reason
    assert "au 1er janvier 2025" not in row.reason, row.reason


def test_measurements_of_several_days_give_the_period(engine: Engine) -> None:
    row = _row(engine, _smoker_60(("2025-01-01", "2024-11-05", "2024-11-05")), DATES[0],
               "cardiovascular_risk")
    assert "mesures du 5 novembre 2024 au 1er janvier 2025." in row.reason, row.reason
