"""GP review of agendas as a service sees them today (2026-11-29) and shortly after
(2027-01-15): what was fixed. Expected values come from the sources, not from the YAML."""

from __future__ import annotations

import datetime as dt

from prevention_engine import Engine

TODAY = dt.date(2026, 11, 29)
SOON = dt.date(2027, 1, 15)


def _ended(engine: Engine, profile: dict[str, object], as_of: dt.date, title: str) -> str:
    (w,) = [x for x in engine.evaluate(profile, as_of).warnings
            if f"« {title} »" in x and "dernière saison encodée" in x]
    return w


# The ended-season warning names the end of the last season that could concern the person.
# Mainland flu and COVID-19 campaign 2025-2026: extended to 28 February 2026 (DGS announcement
# of 27 January 2026, Destination Santé); La Réunion's austral-winter flu campaign runs from
# 15 April to 30 September (ARS La Réunion, Imaz Press). Nirsevimab and maternal RSV vaccine,
# mainland 2025-2026: end 20 February 2026 (DGS, Pourquoi Docteur). A mainland person was told
# 30 September 2026 (La Réunion's date) and a mainland newborn 31 July 2026 (French Guiana's).

def test_mainland_flu_warning_gives_the_mainland_end(engine: Engine) -> None:
    older = {"birth_date": "1950-03-01", "sex": "female",
             "residence": {"country": "FR", "department": "69"}}
    for as_of in (TODAY, SOON):
        w = _ended(engine, older, as_of, "Grippe saisonnière")
        assert "s'est terminée le 2026-02-28" in w, w


def test_reunion_flu_warning_gives_the_austral_winter_end(engine: Engine) -> None:
    older = {"birth_date": "1950-03-01", "sex": "female",
             "residence": {"country": "FR", "department": "974"}}
    w = _ended(engine, older, TODAY, "Grippe saisonnière")
    assert "s'est terminée le 2026-09-30" in w, w


def test_unknown_residence_reads_the_mainland_season(engine: Engine) -> None:
    older = {"birth_date": "1950-03-01", "sex": "male"}
    w = _ended(engine, older, TODAY, "Grippe saisonnière")
    assert "s'est terminée le 2026-02-28" in w, w


def test_mainland_newborn_rsv_warning_gives_the_mainland_end(engine: Engine) -> None:
    newborn = {"birth_date": "2026-10-22", "sex": "female",
               "residence": {"country": "FR", "department": "69"}}
    w = _ended(engine, newborn, TODAY, "Prévention de la bronchiolite à VRS du nourrisson "
               "(nirsévimab, Beyfortus)")
    assert "s'est terminée le 2026-02-20" in w, w


def test_pregnant_women_rsv_warning_follows_the_territory(engine: Engine) -> None:
    def woman(dept: str) -> dict[str, object]:
        return {"birth_date": "1998-10-10", "sex": "female",
                "residence": {"country": "FR", "department": dept},
                "pregnancies": [{"lmp": "2026-04-06"}]}
    title = "VRS (femme enceinte, Abrysvo)"
    assert "le 2026-02-20" in _ended(engine, woman("75"), TODAY, title)
    # overseas campaigns have their own (later) ends, not the mainland's
    assert "le 2026-02-20" not in _ended(engine, woman("976"), TODAY, title)
    assert "le 2026-02-20" not in _ended(engine, woman("973"), TODAY, title)



# The DTP obligation binds the holders of parental authority of a minor (Code de la santé
# publique, article L3111-2: "les personnes titulaires de l'autorité parentale ou qui ont la
# charge de la tutelle des mineurs sont tenues personnellement responsables de l'exécution de
# cette obligation"), and covers the doses of the first 18 months (Service-public.fr F704).
# A 25-year-old whose only recorded dose is a dTcaP-IPV at 10 was told her catch-up doses were
# "Vaccination obligatoire".

_ADULT = {"birth_date": "2001-08-20", "sex": "female",
          "immunizations": [{"date": "2012-01-01", "product": "Repevax"}]}


def test_an_adults_dtp_catch_up_is_not_an_obligation(engine: Engine) -> None:
    for as_of in (TODAY, SOON):
        rows = [i for i in engine.evaluate(_ADULT, as_of).items if i.item == "dtp"]
        open_rows = [i for i in rows if i.status in ("due", "overdue", "upcoming")]
        assert open_rows, rows
        for row in open_rows:
            assert row.mandatory is False, (row.id, row.status)
            assert "Vaccination obligatoire" not in row.reason, row.reason


def test_an_adults_infant_doses_were_obligations(engine: Engine) -> None:
    adult = {"birth_date": "2008-01-10", "sex": "male", "immunizations": [
        {"date": "2008-03-10", "product": "Infanrix Hexa"},
        {"date": "2008-05-10", "product": "Infanrix Hexa"},
        {"date": "2008-12-10", "product": "Infanrix Hexa"}]}
    rows = {i.dose: i for i in engine.evaluate(adult, TODAY).items if i.item == "dtp"}
    assert all(rows[d].status == "completed" and rows[d].mandatory for d in (1, 2, 3)), rows


def test_a_minors_catch_up_of_an_infant_dose_stays_an_obligation(engine: Engine) -> None:
    child = {"birth_date": "2022-03-01", "sex": "female"}   # 4 years old, no dose recorded
    rows = {i.dose: i for i in engine.evaluate(child, TODAY).items if i.item == "dtp"}
    assert rows[1].status == "overdue" and rows[1].mandatory is True, rows[1]


# HIV test in pregnancy: "lors du premier examen prénatal, après information sur les risques
# de contamination, un test de dépistage de l'infection par le VIH est proposé à la femme
# enceinte" (Code de la santé publique, article L2122-1; the 1993 law: "systématiquement
# proposé", recommended and subject to consent, CHU de Clermont-Ferrand, "Infection VIH et
# grossesse"). The row said "À
# discuter avec votre médecin (proposition possible, pas une recommandation systématique)",
# next to the general HIV row "à faire", and was never notified.

def test_the_hiv_test_of_pregnancy_is_systematically_proposed(engine: Engine) -> None:
    pregnant = {"birth_date": "1996-04-12", "sex": "female",
                "pregnancies": [{"lmp": "2026-09-06"}]}
    agenda = engine.evaluate(pregnant, TODAY)
    (row,) = [i for i in agenda.items if i.item == "hiv_test_offered"]
    assert row.status == "due" and row.strength is None, row
    assert "pas une recommandation systématique" not in row.reason, row.reason
    assert any(n.item_id == row.id for n in agenda.notifications), agenda.notifications
