"""The pregnancy pathway's mechanisms: who is notified, the infant's birth record, the
``until_end`` window, the predicates that ask instead of assuming."""

from __future__ import annotations

import datetime as dt

import pytest

from prevention_engine import Engine, Profile
from prevention_engine.agenda import AgendaItem
from prevention_engine.gestation import birth_record, followed, in_maternity

MINOR = {
    "id": "m-1",
    "birth_date": "2009-03-01",
    "sex": "female",
    "caregivers": [{"id": "parent-1", "relation": "parent"}],
    "pregnancies": [{"lmp": "2025-09-01"}],
}


def test_a_pregnant_minor_is_notified_herself(engine: Engine) -> None:
    agenda = engine.evaluate(Profile.model_validate(MINOR), dt.date(2025, 10, 27))
    mine = [n for n in agenda.notifications if n.item_id.startswith("fr-pregnancy/")]
    assert mine and {n.recipient for n in agenda.notifications} == {"m-1"}


def test_a_minor_not_pregnant_is_notified_through_her_caregiver(engine: Engine) -> None:
    data = {k: v for k, v in MINOR.items() if k != "pregnancies"}
    agenda = engine.evaluate(Profile.model_validate(data), dt.date(2025, 10, 27))
    assert agenda.notifications
    assert {n.recipient for n in agenda.notifications} == {"parent-1"}


def test_one_notification_per_pathway_item_and_channel(engine: Engine) -> None:
    agenda = engine.evaluate(Profile.model_validate(MINOR), dt.date(2025, 10, 27))
    keys = [(n.item_id, n.channel) for n in agenda.notifications]
    assert len(keys) == len(set(keys))


def test_opt_out_of_the_pregnancy_domain(engine: Engine) -> None:
    data = {**MINOR, "consent": {"opt_out_domains": ["pregnancy"]}}
    agenda = engine.evaluate(Profile.model_validate(data), dt.date(2025, 10, 27))
    assert not [n for n in agenda.notifications if n.item_id.startswith("fr-pregnancy/")]


def test_nothing_prenatal_is_notified_after_the_end(engine: Engine) -> None:
    data = {**MINOR, "pregnancies": [
        {"lmp": "2025-09-01", "end_date": "2026-05-30", "outcome": "live_birth"}]}
    agenda = engine.evaluate(Profile.model_validate(data), dt.date(2026, 6, 1))
    items = {n.item_id.split("/")[1] for n in agenda.notifications
             if n.item_id.startswith("fr-pregnancy/")}
    assert items <= {"postnatal_exam", "maternity_dental_checkup",
                     "early_postnatal_interview", "second_postnatal_interview"}


def test_birth_record_from_the_mother() -> None:
    mother = Profile.model_validate({
        "birth_date": "1994-01-01",
        "pregnancies": [{"lmp": "2025-03-01", "end_date": "2025-11-29", "outcome": "live_birth"}],
        "immunizations": [
            {"date": "2025-10-20", "targets": ["rsv"]},
            {"date": "2023-10-20", "targets": ["rsv"]},  # an earlier pregnancy's dose
        ],
    })
    record = birth_record(mother, mother.pregnancies[0])
    assert record.gestational_age_weeks == 39  # 2025-03-01 + 39 weeks = 2025-11-29
    assert [(d.target, d.date) for d in record.mother_vaccinations] == [
        ("rsv", dt.date(2025, 10, 20))]
    with pytest.raises(ValueError):
        birth_record(mother, mother.pregnancies[0].model_copy(update={"end_date": None}))


def test_the_followed_pregnancy() -> None:
    p = Profile.model_validate({"birth_date": "1994-01-01", "pregnancies": [
        {"lmp": "2022-01-01", "end_date": "2022-10-01", "outcome": "live_birth"},
        {"lmp": "2025-09-01"}]})
    on = dt.date(2025, 10, 1)
    current = followed(p, on)
    assert current is not None and current.lmp == dt.date(2025, 9, 1)
    assert in_maternity(p, on)
    assert not in_maternity(p.model_copy(update={"pregnancies": p.pregnancies[:1]}), on)


def test_a_dating_date_alone_dates_the_pregnancy() -> None:
    p = Profile.model_validate(
        {"birth_date": "1994-01-01", "pregnancies": [{"dating_date": "2025-09-15"}]})
    assert p.pregnancies[0].start == dt.date(2025, 9, 1)
    assert p.pregnancies[0].gestational_age(dt.date(2025, 12, 10)) == (14, 2)


def test_engine_birth_record_resolves_products_and_drives_nirsevimab(engine: Engine) -> None:
    mother = {
        "birth_date": "1994-01-01", "sex": "female",
        "pregnancies": [{"lmp": "2025-02-01", "end_date": "2025-10-25", "outcome": "live_birth"}],
        "immunizations": [{"date": "2025-09-20", "product": "Abrysvo"}],
    }
    record = engine.birth_record(mother)
    assert [(d.target, d.date) for d in record.mother_vaccinations] == [
        ("rsv", dt.date(2025, 9, 20))]
    assert record.gestational_age_weeks == 38
    infant = Profile.model_validate(
        {"birth_date": "2025-10-25", "perinatal": record.model_dump(mode="json")})
    items = {i.item for i in engine.evaluate(infant, dt.date(2025, 11, 1)).items}
    assert "nirsevimab" not in items  # Abrysvo at least 14 days before birth protects
    unvaccinated = Profile.model_validate({"birth_date": "2025-10-25"})
    items = {i.item for i in engine.evaluate(unvaccinated, dt.date(2025, 11, 1)).items}
    assert "nirsevimab" in items  # nothing recorded: the protective default


def test_engine_birth_record_needs_an_ended_pregnancy(engine: Engine) -> None:
    from prevention_engine.errors import InputError

    with pytest.raises(InputError):
        engine.birth_record({"birth_date": "1994-01-01", "pregnancies": [{"lmp": "2025-02-01"}]})
    with pytest.raises(InputError):
        engine.birth_record({"birth_date": "1994-01-01"})


def _serology_rows(
    engine: Engine, immunity: list[dict[str, object]], as_of: dt.date
) -> dict[tuple[str, str | None], AgendaItem]:
    data = {"birth_date": "1995-05-01", "sex": "female", "pregnancies": [{"lmp": "2025-09-01"}],
            "immunity": immunity}
    agenda = engine.evaluate(Profile.model_validate(data), as_of)
    return {(r.item, r.occurrence): r for r in agenda.items
            if r.item.startswith(("rubella_serology", "toxoplasmosis"))}


def test_a_negative_rubella_serology_completes_the_first_exam_test(engine: Engine) -> None:
    """HAS 2009: rubella IgG at the first prenatal exam; a seronegative result is a test done,
    and the 20 SA control is then due (never read as "not done")."""
    rows = _serology_rows(engine, [
        {"target": "rubella", "evidence": "serology", "date": "2025-10-20", "immune": False},
        {"target": "toxoplasmosis", "evidence": "serology", "date": "2025-10-20",
         "immune": False},
    ], dt.date(2026, 1, 20))
    first = rows[("rubella_serology", "1er-examen")]
    assert first.status == "completed" and first.completed_date == dt.date(2025, 10, 20)
    assert rows[("toxoplasmosis_serology", "1er-examen")].status == "completed"
    assert rows[("rubella_serology_20sa", "20-SA")].status in ("due", "overdue")


def test_an_undated_or_historical_immunity_record_is_no_test(engine: Engine) -> None:
    rows = _serology_rows(engine, [
        {"target": "rubella", "evidence": "history", "date": "2025-10-20", "immune": False},
        {"target": "toxoplasmosis", "evidence": "serology", "immune": False},
    ], dt.date(2025, 10, 27))
    assert rows[("rubella_serology", "1er-examen")].status == "due"
    assert rows[("toxoplasmosis_serology", "1er-examen")].status == "due"


def test_a_toxoplasmosis_seroconversion_is_an_alert_never_immunity(engine: Engine) -> None:
    """HAS 2009: a seronegative woman is tested monthly; a seroconversion needs specialist
    care. Negative, negative, then positive in this pregnancy is an infection: an alert row,
    and the first-trimester test shows done (not "immune")."""
    data = {"birth_date": "1994-05-10", "sex": "female", "pregnancies": [{"lmp": "2025-09-29"}],
            "immunity": [
                {"target": "toxoplasmosis", "evidence": "serology", "date": "2025-11-24",
                 "immune": False},
                {"target": "toxoplasmosis", "evidence": "serology", "date": "2025-12-22",
                 "immune": False},
                {"target": "toxoplasmosis", "evidence": "serology", "date": "2026-01-26",
                 "immune": True}]}
    agenda = engine.evaluate(Profile.model_validate(data), dt.date(2026, 3, 2))
    rows = {r.item: r for r in agenda.items if "toxoplasmosis" in r.item}
    assert rows["toxoplasmosis_seroconversion"].status == "due"
    assert rows["toxoplasmosis_serology"].status == "completed"
    assert "fr-pregnancy/toxoplasmosis_seroconversion" in {n.item_id for n in agenda.notifications}
    before = {**data, "immunity": data["immunity"][2:]}  # immune before any negative: immune
    agenda = engine.evaluate(Profile.model_validate(before), dt.date(2026, 3, 2))
    rows = {r.item: r for r in agenda.items if "toxoplasmosis" in r.item}
    assert "toxoplasmosis_seroconversion" not in rows
    assert rows["toxoplasmosis_serology"].status == "immune"
