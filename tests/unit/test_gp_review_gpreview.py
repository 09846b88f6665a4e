"""GP review (2026-11-29, branch gpreview): agendas read as a French GP would, cases written
from the sources, independently of the YAML.

- MenC to ACWY transition under the 2024 edition: in 2024 the legal obligation was still
  meningococcus C, with a dose at 5 months (vaccination-info-service.fr, méningites et
  septicémies à méningocoque: "obligatoire ... avec une première dose à l'âge de 5 mois") and
  "les nourrissons qui ont reçu une première dose de vaccin contre le méningocoque C avant le
  1er janvier devront recevoir en 2025 une deuxième dose avec le vaccin tétravalent ACWY"
  (Le Moniteur des pharmacies, 30 December 2024). An infant who had that MenC dose at 5 months
  is not "late" for the 6-month ACWY dose: the next meningococcal dose is the 12-month one.
"""

from __future__ import annotations

import datetime as dt

import pytest

from prevention_engine import Engine


def _men_rows(
    engine: Engine, profile: dict[str, object], as_of: dt.date
) -> list[tuple[int | None, str, dt.date | None]]:
    agenda = engine.evaluate(profile, as_of)
    return [(i.dose, i.status, i.recommended_date) for i in agenda.items if i.item == "menacwy"]


def _infant_with_menc(menc_date: str) -> dict[str, object]:
    return {
        "birth_date": "2024-01-20", "sex": "male",
        "residence": {"country": "FR", "department": "69"},
        "immunizations": [
            {"date": "2024-03-20", "product": "Infanrix Hexa"},
            {"date": "2024-05-21", "product": "Infanrix Hexa"},
            {"date": menc_date, "product": "NeisVac-C"},
        ],
    }


def test_2024_edition_counts_the_5_month_menc_dose_before_the_acwy_booster(engine: Engine) -> None:
    # 2024-10-01: the 2024 edition is in force; MenC given at 5 months (2024-06-20)
    rows = _men_rows(engine, _infant_with_menc("2024-06-20"), dt.date(2024, 10, 1))
    assert not any(status in ("due", "overdue") for _, status, _ in rows), rows
    assert (1, "completed", None) in rows
    # next: the 12-month dose, at the first birthday
    assert (2, "upcoming", dt.date(2025, 1, 20)) in rows


def test_a_menc_dose_before_5_months_is_not_the_6_month_dose(engine: Engine) -> None:
    # MenC at 3 months is not the calendar's 5-month dose: the 6-month ACWY dose stays owed
    rows = _men_rows(engine, _infant_with_menc("2024-04-22"), dt.date(2024, 10, 1))
    assert (1, "overdue", dt.date(2024, 7, 20)) in rows



# -- DTP: an adult of 18 to 24 with no dose on record ------------------------------------------
# "Statut vaccinal inconnu : rattrapage" (recomedicales, vaccination, d'après le calendrier
# vaccinal) and DTP is mandatory for everybody; the childhood catch-up (under 18) and the adult
# one (from 25: the fixed-age booster is overdue) already propose a dose now. Between 18 and 25
# nothing was proposed before the 25th birthday: up to 7 years with no tetanus dose offered.

AS_OF = dt.date(2026, 11, 29)


def _dtp_rows(
    engine: Engine, birth: str, as_of: dt.date = AS_OF
) -> list[tuple[str, dt.date | None]]:
    agenda = engine.evaluate({"birth_date": birth, "sex": "female"}, as_of)
    return [(i.status, i.recommended_date) for i in agenda.items if i.item == "dtp"]


def test_an_adult_of_18_with_no_dtp_dose_on_record_is_offered_a_dose_now(engine: Engine) -> None:
    rows = _dtp_rows(engine, "2008-03-01")  # 18 years old on 2026-11-29
    now = [r for r in rows if r[0] in ("due", "overdue")]
    assert now, rows
    assert all(d is not None and d <= AS_OF for _, d in now)
    # the 25-year booster (dTcaP) still follows
    assert ("upcoming", dt.date(2033, 3, 1)) in rows


def test_no_gap_in_the_dtp_catch_up_at_the_18th_birthday(engine: Engine) -> None:
    for as_of in (dt.date(2026, 2, 28), dt.date(2026, 3, 1), dt.date(2026, 3, 2)):
        rows = _dtp_rows(engine, "2008-03-01", as_of)
        assert any(s in ("due", "overdue") for s, _ in rows), (as_of, rows)


def test_an_adult_past_25_with_no_dtp_dose_keeps_the_overdue_booster(engine: Engine) -> None:
    rows = _dtp_rows(engine, "1996-06-10")  # 30 years old: the 25-year booster is overdue
    assert ("overdue", dt.date(2021, 6, 10)) in rows


def test_no_catch_up_dose_the_day_before_the_25_year_booster(engine: Engine) -> None:
    # the day before the 25th birthday: the 25-year booster itself, not a dose a day earlier
    rows = _dtp_rows(engine, "2000-07-10", dt.date(2025, 7, 9))
    assert rows == [("upcoming", dt.date(2025, 7, 10)), ("upcoming", dt.date(2045, 7, 10))]


# -- A medication no rule reads is said, not silently ignored ----------------------------------
# Live vaccines are contraindicated under immunosuppressive treatment (calendrier vaccinal,
# règles générales ; recomedicales vaccination). The rules read the class "immunosuppressant":
# "methotrexate" recorded by its name changed nothing, with no word, and MMR and yellow fever
# were proposed and notified.

def test_a_medication_the_rules_do_not_read_gives_a_warning(engine: Engine) -> None:
    profile = {"birth_date": "2000-01-10", "sex": "male", "residence": {"country": "GF"},
               "medications": ["methotrexate"]}
    warnings = engine.evaluate(profile, AS_OF).warnings
    (w,) = [w for w in warnings if w.startswith("medications[0]")]
    assert "methotrexate" in w and "immunosuppressant" in w


def test_a_medication_class_the_rules_read_gives_no_warning(engine: Engine) -> None:
    profile = {"birth_date": "2000-01-10", "sex": "male", "residence": {"country": "GF"},
               "medications": ["immunosuppressant"]}
    agenda = engine.evaluate(profile, AS_OF)
    assert not [w for w in agenda.warnings if w.startswith("medications")]
    live = {i.item: i.status for i in agenda.items if i.item in ("mmr", "yellow_fever")}
    assert set(live.values()) == {"contraindicated"}


def _medications_in(node: object) -> set[str]:
    found: set[str] = set()
    if isinstance(node, dict):
        for k, v in node.items():
            if k == "medication":
                names = v.get("any", []) if isinstance(v, dict) else v
                found |= {str(n) for n in names}
            else:
                found |= _medications_in(v)
    elif isinstance(node, list):
        for x in node:
            found |= _medications_in(x)
    return found


def test_every_medication_the_bundled_rules_read_is_in_the_vocabulary() -> None:
    from pathlib import Path

    import yaml

    from prevention_engine.vocabulary import MEDICATIONS

    rules = Path(__file__).resolve().parents[2] / "rules"
    used: set[str] = set()
    for f in rules.rglob("*.yaml"):
        used |= _medications_in(yaml.safe_load(f.read_text(encoding="utf-8")))
    assert used and used <= MEDICATIONS, used - MEDICATIONS


# -- Varicella in pregnancy: a woman with a varicella history is not owed a dose after birth ------
# The vaccine is for people "sans antécédent de varicelle (ou antécédent douteux)"
# (solidarites-sante.gouv.fr, recommandations par vaccin, varicelle); it is contraindicated in
# pregnancy. A pregnant woman with a recorded history was told "contre-indiqué ... à faire après
# l'accouchement"; with no history recorded the agenda must not assume she has none.

def _varicella(engine: Engine, immunity: list[dict[str, object]]) -> list[tuple[str, str]]:
    profile = {"birth_date": "1993-02-14", "sex": "female",
               "pregnancies": [{"lmp": "2026-06-01"}], "immunity": immunity}
    agenda = engine.evaluate(profile, AS_OF)
    return [(i.status, i.reason) for i in agenda.items if i.item == "varicella"]


def test_a_pregnant_woman_with_a_varicella_history_is_immune_not_owed_a_dose(
    engine: Engine,
) -> None:
    rows = _varicella(engine, [{"target": "varicella", "evidence": "antécédent de varicelle",
                                "immune": True}])
    assert [s for s, _ in rows] == ["immune"]


def test_a_pregnant_woman_with_no_history_recorded_is_not_told_she_needs_the_vaccine(
    engine: Engine,
) -> None:
    rows = _varicella(engine, [])
    assert rows and all(s == "contraindicated" for s, _ in rows)
    assert all("antécédent" in r.split(". Âge")[0] for _, r in rows), rows


# -- Live vaccines after a chemotherapy --------------------------------------------------------
# Santé publique France (professionnels.vaccination-info-service.fr, "Patient traité par
# chimiothérapie"): live vaccines are contraindicated during a chemotherapy and for at least six
# months after it ends; varicella until one year after. A chemotherapy ended two months ago
# (condition cancer_under_treatment with its end date) gave MMR and yellow fever overdue.

def _live(engine: Engine, until: str) -> dict[str, str]:
    profile = {"birth_date": "1995-01-10", "sex": "male", "residence": {"country": "GF"},
               "conditions": [{"code": "cancer_under_treatment", "since": "2026-01-01",
                               "until": until}]}
    agenda = engine.evaluate(profile, AS_OF)
    return {i.item: i.status for i in agenda.items if i.item in ("mmr", "yellow_fever")}


def test_live_vaccines_wait_6_months_after_the_end_of_a_chemotherapy(engine: Engine) -> None:
    assert set(_live(engine, "2026-10-01").values()) == {"contraindicated"}
    # more than 6 months after the end: proposed again
    assert "contraindicated" not in _live(engine, "2026-05-01").values()


def _varicella_after(engine: Engine, until: str) -> list[tuple[str, str]]:
    profile = {"birth_date": "1995-01-10", "sex": "female",
               "conditions": [{"code": "cancer_under_treatment", "since": "2025-01-01",
                               "until": until}],
               "immunity": [{"target": "varicella", "immune": False}]}
    return [(i.status, i.reason) for i in engine.evaluate(profile, AS_OF).items
            if i.item == "varicella"]


def test_varicella_waits_one_year_after_the_end_of_a_chemotherapy(engine: Engine) -> None:
    for until in ("2026-05-01", "2025-12-01"):  # 7 and 12 months less a day before as_of
        rows = _varicella_after(engine, until)
        assert rows and all(s == "contraindicated" for s, _ in rows), (until, rows)
        assert all("1 an après la fin d'une chimiothérapie" in r for _, r in rows)
    rows = _varicella_after(engine, "2025-11-28")  # a year and a day: proposed again
    assert rows and all(s != "contraindicated" for s, _ in rows), rows


# -- A pregnancy window is a date limit, not an age --------------------------------------------
# The pertussis dose of pregnancy is given at 20-36 SA (calendrier vaccinal, coqueluche et
# grossesse): past 36 SA the reason said "l'âge limite est dépassé".

def test_a_missed_pregnancy_dose_names_a_date_limit_not_an_age(engine: Engine) -> None:
    profile = {"birth_date": "1988-07-01", "sex": "female",
               "pregnancies": [{"lmp": "2026-03-12"}]}  # 37 SA on 2026-11-29
    (row,) = [i for i in engine.evaluate(profile, AS_OF).items
              if i.item == "pertussis_pregnancy"]
    assert row.status == "missed"
    assert "la date limite est dépassée" in row.reason and "âge limite" not in row.reason


def test_a_missed_dose_past_a_maximum_age_still_names_the_age(engine: Engine) -> None:
    child = {"birth_date": "2026-01-10", "sex": "female"}  # rotavirus: first dose before 4 months
    (row,) = [i for i in engine.evaluate(child, AS_OF).items
              if i.item == "rotavirus" and i.dose == 1]
    assert row.status == "missed" and "l'âge limite est dépassé" in row.reason


# Santé publique France (professionnels.vaccination-info-service.fr, "Patient traité par
# immunosuppresseurs, biothérapie et/ou corticothérapie"): after the treatment stops, at least
# three months (six for rituximab) before vaccinating, and live vaccines "peuvent être autorisés
# si les immunosuppresseurs ont été arrêtés depuis au moins 6 mois". A toddler six weeks after
# an immunosuppressive therapy ended was shown MMR overdue.

def _live_after_immunosuppression(engine: Engine, until: str) -> dict[str, str]:
    profile = {"birth_date": "1995-01-10", "sex": "male", "residence": {"country": "GF"},
               "conditions": [{"code": "immunosuppressive_therapy", "since": "2025-01-01",
                               "until": until}]}
    agenda = engine.evaluate(profile, AS_OF)
    return {i.item: (i.status, i.reason) for i in agenda.items
            if i.item in ("mmr", "yellow_fever")}


def test_live_vaccines_wait_6_months_after_an_immunosuppressive_therapy(engine: Engine) -> None:
    rows = _live_after_immunosuppression(engine, "2026-10-15")
    assert rows and {s for s, _ in rows.values()} == {"contraindicated"}, rows
    assert all("traitement immunosuppresseur" in r for _, r in rows.values())
    rows = _live_after_immunosuppression(engine, "2026-05-28")  # six months and a day ago
    assert rows and "contraindicated" not in {s for s, _ in rows.values()}, rows


# ANSM, R.O.R. VAX summary of product characteristics: a live attenuated measles, mumps and
# rubella vaccine (withdrawn from the French market in 2009). A dose recorded under that name
# was ignored ("vouliez-vous dire « Verorab » ?") and MMR shown as not done.

@pytest.mark.parametrize("name", ["ROR Vax", "R.O.R. VAX", "ror vax"])
def test_an_mmr_dose_recorded_as_ror_vax_counts(engine: Engine, name: str) -> None:
    profile = {"birth_date": "1995-03-01", "sex": "female",
               "immunizations": [{"date": "1996-03-15", "product": name},
                                 {"date": "1996-10-15", "product": "Priorix"}]}
    agenda = engine.evaluate(profile, AS_OF)
    rows = [i for i in agenda.items if i.item == "mmr"]
    assert rows and all(i.status == "completed" for i in rows), \
        [(i.status, i.reason) for i in rows]
    assert not any("ROR" in w or "Verorab" in w for w in agenda.warnings), agenda.warnings
