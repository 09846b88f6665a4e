"""GP review of children's, pregnant women's and overseas agendas (2026-11-29, branch gpkids):
cases written from the sources, independently of the YAML and of the wording code.

- Meningococcal obligation of infants: "étendue jusqu'à 2 ans" (Vidal, édition 2025 du
  calendrier, https://www.vidal.fr/actualites/31345 ; URML Pays de la Loire, calendrier vaccinal
  2025) ; the catch-up of 2 to 4 years (2 doses of Bexsero at least 1 month apart) is a
  transitional recommendation (HAS, March 2025; AFPA, https://afpa.org/2025/03/18/
  nouvelles-recommandations-vaccinales-meningocoques), not an obligation. Neither of its two
  doses is "Vaccination obligatoire".
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from prevention_engine import CalendarError, Engine

AS_OF = dt.date(2026, 11, 29)
ROOT = Path(__file__).resolve().parents[2]


def test_menb_catch_up_after_two_years_is_not_mandatory_for_either_dose(engine: Engine) -> None:
    # born in the cohort of the obligation (from July 2023), never vaccinated against MenB,
    # 2 years and 9 months old: the 2-4 years catch-up applies, past the obligation's age
    profile = {"birth_date": "2024-02-29", "sex": "female", "immunizations": []}
    agenda = engine.evaluate(profile, AS_OF)
    rows = {i.dose: i for i in agenda.items if i.item == "menb"}
    assert set(rows) == {1, 2}, sorted(rows)
    for dose, row in rows.items():
        assert row.series == "rattrapage_2_4_ans", (dose, row.series)
        assert row.mandatory is False, (dose, row.reason)
        assert "Vaccination obligatoire" not in row.reason, (dose, row.reason)


def test_menb_infant_doses_stay_mandatory(engine: Engine) -> None:
    # the same cohort at 4 months with the 3-month dose done: the 5-month dose and the
    # 12-month booster fall within the obligation (before 2 years)
    profile = {"birth_date": "2026-07-15", "sex": "male",
               "immunizations": [{"date": "2026-10-15", "product": "Bexsero"}]}
    agenda = engine.evaluate(profile, AS_OF)
    rows = {i.dose: i for i in agenda.items if i.item == "menb"}
    assert rows[2].mandatory is True and rows[3].mandatory is True



# Yellow fever in pregnancy: "par principe contre-indiqué chez les femmes enceintes […].
# Cependant, la vaccination peut être envisagée au cas par cas et en fonction du risque
# d'exposition" ; a woman first vaccinated during pregnancy gets a 2nd dose 10 years later
# (vaccination-info-service.fr, Fièvre jaune, recommandations particulières,
# https://vaccination-info-service.fr/Les-maladies-et-leurs-vaccins/Fievre-jaune). A pregnant
# resident of French Guiana is exposed: "à faire après l'accouchement" alone hides the option.
def _pregnant_in_guiana(engine: Engine, as_of: dt.date, lmp: str) -> str:
    profile = {"birth_date": "1999-05-05", "sex": "female", "residence": {"country": "GF"},
               "pregnancies": [{"lmp": lmp}], "immunizations": []}
    agenda = engine.evaluate(profile, as_of)
    row = next(i for i in agenda.items if i.item == "yellow_fever" and i.dose == 1)
    assert row.status == "contraindicated", (row.status, row.reason)
    return row.reason


def test_yellow_fever_in_pregnancy_says_case_by_case_in_every_edition(engine: Engine) -> None:
    for as_of, lmp in ((dt.date(2024, 10, 1), "2024-06-01"), (dt.date(2025, 6, 15), "2025-03-01"),
                       (AS_OF, "2026-06-01")):
        reason = _pregnant_in_guiana(engine, as_of, lmp)
        assert "après l'accouchement" in reason, (as_of, reason)
        assert "au cas par cas" in reason and "risque d'exposition" in reason, (as_of, reason)


# Rubella serology in pregnancy: done at the first prenatal exam "en l'absence de preuve écrite
# de l'immunité" ; two documented vaccinations are that proof (HAS 2009, surveillance
# sérologique de la rubéole pendant la grossesse, fiche Cerballiance,
# https://biorecos.cerballiance.fr/recommandation/surveillance-serologique-et-prevention-de-la-
# toxoplasmose-et-de-la-rubeole-au-cours-de-la-grossesse-et-depistage-prenatal-de-lhepatite-b-2009).
# A rubella-containing dose counts from 12 months, two doses at least 1 month apart (ameli, ROR).
def _rubella_row(engine: Engine, doses: list[dict[str, object]]) -> tuple[str, str, bool]:
    profile = {"birth_date": "1998-03-10", "sex": "female", "immunizations": doses,
               "pregnancies": [{"lmp": "2026-09-20"}]}
    agenda = engine.evaluate(profile, AS_OF)
    row = next(i for i in agenda.items if i.item == "rubella_serology")
    return row.status, row.reason, row.mandatory


def test_two_documented_rubella_vaccinations_make_the_serology_unnecessary(
    engine: Engine,
) -> None:
    status, reason, _ = _rubella_row(engine, [
        {"date": "1999-03-15", "product": "M-M-RVaxPro"},
        {"date": "2003-09-01", "product": "Priorix"},
    ])
    assert status == "not_recommended", (status, reason)
    assert "deux vaccinations" in reason and "rubéole" in reason, reason


def test_one_dose_or_a_dose_before_twelve_months_still_asks_the_serology(engine: Engine) -> None:
    one = _rubella_row(engine, [{"date": "1999-03-15", "product": "M-M-RVaxPro"}])
    assert one[0] == "due" and one[2] is True, one
    early = _rubella_row(engine, [
        {"date": "1998-12-01", "product": "M-M-RVaxPro"},   # 8 months: does not count
        {"date": "1999-03-15", "product": "M-M-RVaxPro"},
    ])
    assert early[0] == "due", early
    unknown = _rubella_row(engine, [])
    assert unknown[0] == "due", unknown


_CAL = """
calendar: test-documented-doses
version: "1"
jurisdiction: FR
in_force: {from: 2020-01-01}
source: {title: t, url: "https://example.org"}
items:
  - id: serology
    domain: pregnancy
    title: Sérologie
    targets: [rubella]
    kind: window
    anchor: birth
    not_recommended_when: {documented_doses: PRED}
    windows: [{id: w, label: w, from: "0 days", to: "1 year"}]
    source: {title: t, url: "https://example.org"}
"""


@pytest.mark.parametrize(("pred", "field"), [
    ("{target: rubella, count: 0}", "count"),
    ("{target: rubeola, count: 2}", "target"),
    ("{target: rubella}", "count"),
    ("{target: rubella, count: 2, min_age: soon}", "min_age"),
])
def test_a_mistyped_documented_doses_is_a_clear_error(
    tmp_path: Path, pred: str, field: str,
) -> None:
    f = tmp_path / "cal.yaml"
    f.write_text(_CAL.replace("PRED", pred), encoding="utf-8")
    with pytest.raises(CalendarError, match=field) as err:
        Engine.from_paths([f, ROOT / "rules" / "products"])
    assert "cal.yaml" in str(err.value)


# Rhesus D alloimmunisation: "Prévention SYSTEMATIQUE à 28 SA +/- 1 semaine (grade A) en cas de
# fœtus présumé Rhésus positif", an RAI first, then one injection of anti-D immunoglobulins
# (Gestaclic, d'après les RPC du CNGOF, http://gestaclic.fr/fichesconseils/afficheModal/
# deuxiemeconsultation/modal/etape3_m18) ; CNGOF 2017 update (Edimark, https://www.edimark.fr/
# lettre-gynecologue/prevention-allo-immunisation-rhesus-chez-patientes-groupe-rhesus-negatif-
# mise-a-jour-rpc-cngof-2005): targeted and systematic prophylaxis at 28 SA when the fetus is
# RhD positive or undetermined. The father's group and the fetal genotype are not in the
# profile: every RhD-negative pregnant woman is concerned until they are known.
def _anti_d(engine: Engine, rhesus: str | None, lmp: str, end: str | None = None) -> list[str]:
    pregnancy: dict[str, object] = {"lmp": lmp}
    if end is not None:
        pregnancy.update(end_date=end, outcome="live_birth")
    profile: dict[str, object] = {"birth_date": "1992-03-03", "sex": "female",
                                  "pregnancies": [pregnancy]}
    if rhesus is not None:
        profile["rhesus"] = rhesus
    agenda = engine.evaluate(profile, AS_OF)
    return [i.status + "|" + str(i.recommended_date) + "|" + i.reason
            for i in agenda.items if "anti_d_prophylaxis" in i.targets]


def test_rhesus_negative_woman_at_28_weeks_gets_the_anti_d_injection(engine: Engine) -> None:
    # LMP 2026-05-17: 28 SA + 0 on 2026-11-29
    rows = _anti_d(engine, "negative", "2026-05-17")
    assert len(rows) == 1, rows
    status, recommended, reason = rows[0].split("|", 2)
    assert status == "due", rows
    assert recommended == "2026-11-22", rows          # 27 SA: 28 SA minus one week
    assert "RhD négatif" in reason and "génotypage" in reason, reason


def test_anti_d_is_upcoming_earlier_and_asked_when_the_rhesus_is_unknown(engine: Engine) -> None:
    early = _anti_d(engine, "negative", "2026-09-20")   # 10 SA
    assert [r.split("|")[:2] for r in early] == [["upcoming", "2027-03-28"]], early
    unknown = _anti_d(engine, None, "2026-09-20")
    assert [r.split("|")[0] for r in unknown] == ["needs_data"], unknown


def test_no_anti_d_row_for_a_rhesus_positive_woman_or_after_the_birth(engine: Engine) -> None:
    assert _anti_d(engine, "positive", "2026-05-17") == []
    assert _anti_d(engine, "negative", "2026-01-10", end="2026-10-10") == []


# Hepatitis B catch-up "jusqu'à 15 ans révolus" (vaccination-info-service.fr, espace
# professionnels, hépatite B), 2 doses M0, M6 with Engerix B 20 µg from 11 to 15 years (Le
# Quotidien du médecin, le nourrisson) ; a started series is never restarted but completed
# ("reprendre là où il s'est arrêté", recomedicales, vaccination). A series begun the day before
# the 16th birthday must not vanish the day after, its 2nd dose unplanned and, once given,
# not counted.
def _hep_b(engine: Engine, doses: list[dict[str, object]], as_of: dt.date) -> dict[int, str]:
    profile = {"birth_date": "2010-11-30", "sex": "male", "immunizations": doses}
    agenda = engine.evaluate(profile, as_of)
    return {i.dose or 0: f"{i.status}|{i.recommended_date or i.completed_date}"
            for i in agenda.items if i.item == "hepatitis_b"}


def test_a_hepatitis_b_series_begun_at_15_is_completed_after_16(engine: Engine) -> None:
    first = [{"date": "2026-11-29", "product": "Engerix B 20"}]
    rows = _hep_b(engine, first, dt.date(2027, 1, 15))
    assert rows.get(2) == "upcoming|2027-05-29", rows          # M6 of the 2-dose schedule
    both = [*first, {"date": "2027-06-01", "product": "Engerix B 20"}]
    rows = _hep_b(engine, both, dt.date(2027, 7, 1))
    assert rows.get(2) == "completed|2027-06-01", rows


def test_hepatitis_b_catch_up_still_closes_at_16_when_never_begun(engine: Engine) -> None:
    assert _hep_b(engine, [], dt.date(2026, 11, 29))          # 15 years: catch-up open
    assert _hep_b(engine, [], dt.date(2027, 1, 15)) == {}     # 16 years: closed
