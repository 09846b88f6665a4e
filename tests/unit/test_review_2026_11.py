"""GP review of the child, pregnancy and chronic agendas (2026-11-29): what was fixed."""

from __future__ import annotations

import datetime as dt

from prevention_engine import Engine

AS_OF = dt.date(2026, 11, 29)


def _rows(engine: Engine, profile: dict[str, object], item: str) -> list[tuple[str, str]]:
    agenda = engine.evaluate(profile, AS_OF)
    return [(i.status, i.title) for i in agenda.items if i.item == item]


def test_a_missed_child_exam_and_its_certificate_stay_shown(engine: Engine) -> None:
    # born 2026-02-25: the 9th-month window (2026-10-25..2026-11-24) closed with no exam
    child = {"birth_date": "2026-02-25", "sex": "female",
             "procedures": [{"target": "child_health_exam", "date": "2026-03-05"}]}
    exams = _rows(engine, child, "child_exams")
    assert ("missed", "Examen médical obligatoire de l'enfant (au cours du 9e mois)") in exams
    assert ("upcoming", "Examen médical obligatoire de l'enfant (au cours du 12e mois)") in exams
    certificates = _rows(engine, child, "health_certificates")
    assert any(s == "missed" and "9e mois" in t for s, t in certificates)


def test_a_done_exam_is_not_shown_missed(engine: Engine) -> None:
    child = {"birth_date": "2026-02-25", "sex": "female",
             "procedures": [{"target": "child_health_exam", "date": "2026-11-01"}]}
    assert not any(s == "missed" for s, _ in _rows(engine, child, "child_exams"))


def test_window_titles_show_labels_not_ids(engine: Engine) -> None:
    agenda = engine.evaluate({"birth_date": "2026-02-25", "sex": "male"}, AS_OF)
    titles = [i.title for i in agenda.items if i.item == "child_exams"]
    assert titles and all("-mois)" not in t for t in titles)


def test_findrisc_is_not_used_during_pregnancy(engine: Engine) -> None:
    pregnant = {"birth_date": "1995-03-01", "sex": "female",
                "pregnancies": [{"lmp": "2026-09-01"}]}
    (row,) = _rows(engine, pregnant, "diabetes_risk")
    assert row[0] == "not_recommended"
    assert _rows(engine, {"birth_date": "1975-03-01", "sex": "female"}, "diabetes_risk")[0][0] \
        == "needs_data"
