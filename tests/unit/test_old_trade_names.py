"""Old and foreign trade names found in French vaccination records (products branch,
2026-11-29). A dose recorded under a name the French product table did not know was ignored
("produit inconnu ... : dose non comptée") and the person was told to be vaccinated again.
Cases written from the sources cited in ``rules/products/fr-products-2025.yaml``,
independently of the YAML:

- Pneumo 23 (Sanofi Pasteur) and Pneumovax (MSD) are both the 23-valent pneumococcal
  polysaccharide vaccine; Pneumo 23 left the market on 23 June 2017 and Pneumovax replaced it
  (MesVaccins news 10946; Le Quotidien du médecin, BCB "retiré du marché le 23/06/2017").
  An adult who had it is, for the calendar's pneumococcal rules, an adult who had PPSV23: the
  conjugate vaccine comes at least 1 year after it, and 5 years after a PCV13 + PPSV23
  sequence (the rule's single source, https://nouvelles-dujour.com/la-vaccination-antipneumococcique-recommandee-a-tous-les-aines).
- Prevenar is the 7-valent conjugate vaccine (serotypes 4, 6B, 9V, 14, 18C, 19F, 23F) that
  Prevenar 13 replaced in 2010 (HAS transparency opinion on Prevenar 13; Le Quotidien du
  médecin, "Prevenar 13 disponible"): it is not Prevenar 13, so it neither counts as the
  adult PCV20/PCV21 dose nor starts the "1 year after PCV13" wait.
- Polysaccharide (non-conjugate) meningococcal vaccines (Mencevax ACWY, Menomune) are left out
  of the table: the calendar's ACWY doses are conjugate-vaccine doses and its adolescent and
  catch-up doses name no product, so a table entry would make such a dose count.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from prevention_engine import Engine
from prevention_engine.calendar.loader import load_file
from prevention_engine.calendar.model import ProductTable
from prevention_engine.dates import Duration
from prevention_engine.vocabulary import normalise_name

ROOT = Path(__file__).resolve().parents[2]
AS_OF = dt.date(2026, 11, 29)

D, T, P, POLIO, HIB = "diphtheria", "tetanus", "pertussis", "poliomyelitis", \
    "haemophilus_influenzae_b"

#: name as recorded -> (targets, live), as the cited composition says
ADDED: dict[str, tuple[set[str], bool]] = {
    "Pneumo 23": ({"pneumococcus"}, False),
    "Prevenar": ({"pneumococcus"}, False),
    "Synflorix": ({"pneumococcus"}, False),
    "Meningitec": ({"meningococcus_c"}, False),
    "Pentacoq": ({D, T, P, POLIO, HIB}, False),
    # hepatitis B component left out on purpose (EMEA 2005 suspension: doubt on its long-term
    # protection against hepatitis B); the other five are not in doubt (ANSM 20/09/2005)
    "Hexavac": ({D, T, P, POLIO, HIB}, False),
    "Rouvax": ({"measles"}, True),
    "Rudivax": ({"rubella"}, True),
    "Diftavax": ({D, T}, False),
    "Td-pur": ({D, T}, False),
    "Dultavax": ({D, T, POLIO}, False),
    "Monovax": ({"tuberculosis"}, True),
    "Hiberix": ({HIB}, False),
    "Vivotif": ({"typhoid"}, True),
    "Ervebo": ({"ebola"}, True),
}

#: names kept out of the table for safety: polysaccharide meningococcal vaccines, which the
#: calendar's conjugate ACWY doses would count (others are out only for lack of a source:
#: Tetracoq, Imovax Oreillons, plain Infanrix; see changes/products.md)
LEFT_OUT = ["Mencevax", "Menomune"]


@pytest.fixture(scope="module")
def fr_table() -> ProductTable:
    table = load_file(ROOT / "rules" / "products" / "fr-products-2025.yaml")
    assert isinstance(table, ProductTable)
    return table


def _unknown(engine: Engine, name: str) -> list[str]:
    profile = {"birth_date": "1980-01-01", "sex": "female",
               "immunizations": [{"date": "2000-01-01", "product": name}]}
    warnings = engine.evaluate(profile, AS_OF).warnings
    return [w for w in warnings if "produit inconnu" in w]


@pytest.mark.parametrize("name", sorted(ADDED))
def test_an_old_trade_name_is_known_with_its_targets_and_live_flag(
    engine: Engine, fr_table: ProductTable, name: str
) -> None:
    assert _unknown(engine, name) == []
    by_name = {normalise_name(n): p for p in fr_table.products for n in (p.name, *p.aliases)}
    product = by_name[normalise_name(name)]
    targets, live = ADDED[name]
    assert set(product.targets) == targets
    assert product.live is live
    assert product.source is not None and product.source.url


@pytest.mark.parametrize("name", LEFT_OUT)
def test_a_name_left_out_stays_unknown(engine: Engine, name: str) -> None:
    assert _unknown(engine, name), name


def test_pneumo_23_is_a_ppsv23_like_pneumovax(fr_table: ProductTable) -> None:
    by_name = {normalise_name(n): p for p in fr_table.products for n in (p.name, *p.aliases)}
    assert by_name["pneumo23"] is by_name["pneumovax"]
    # PPSV23 is not established before 2 years (Pneumo 23 and Pneumovax product summaries)
    assert by_name["pneumovax"].min_age == Duration(years=2)


def _pneumo_adult(engine: Engine, profile: dict[str, object]) -> list[tuple[str, dt.date | None]]:
    agenda = engine.evaluate(profile, AS_OF)
    assert not [w for w in agenda.warnings if "produit inconnu" in w], agenda.warnings
    return [(i.status, i.earliest_date) for i in agenda.items if i.item == "pneumococcus_adult"]


def test_an_adult_at_risk_with_a_recent_pneumo_23_dose_waits_a_year(engine: Engine) -> None:
    # 60 years old, COPD since 2015, Pneumo 23 six months ago: the PCV20/PCV21 dose comes at
    # least 1 year after a PPSV23 dose, so it is not due today (before: "due" as if the dose
    # did not exist)
    profile = {"birth_date": "1966-04-01", "sex": "male",
               "conditions": [{"code": "copd", "since": "2015-01-01"}],
               "immunizations": [{"date": "2026-05-29", "product": "Pneumo 23"}]}
    rows = _pneumo_adult(engine, profile)
    assert rows == [("upcoming", dt.date(2027, 5, 29))], rows


def test_a_pcv13_then_pneumo_23_sequence_waits_five_years(engine: Engine) -> None:
    # Prevenar 13 then Pneumo 23 (the sequence recommended before 2024): the conjugate dose
    # comes 5 years after the last injection of the sequence
    profile = {"birth_date": "1966-04-01", "sex": "male",
               "conditions": [{"code": "copd", "since": "2015-01-01"}],
               "immunizations": [{"date": "2017-01-10", "product": "Prevenar 13"},
                                 {"date": "2017-03-15", "product": "PNEUMO 23"}]}
    # done 2017: the 5 years are over, the dose is due (from the date the recommendation of
    # the conjugate dose for adults at risk started)
    assert [status for status, _ in _pneumo_adult(engine, profile)] == ["due"]
    profile["immunizations"] = [{"date": "2022-01-10", "product": "Prevenar 13"},
                                {"date": "2022-03-15", "product": "Pneumo 23"}]
    assert _pneumo_adult(engine, profile) == [("upcoming", dt.date(2027, 3, 15))]


def test_a_child_born_2008_with_prevenar_doses(engine: Engine) -> None:
    # PCV7 at 2, 4 and 12 months (the schedule of the time, the same with PCV13 from 2010)
    imms = [{"date": "2008-05-02", "product": "Prevenar"},
            {"date": "2008-07-02", "product": "Prevenar"},
            {"date": "2009-03-05", "product": "Prevenar"}]
    child = {"birth_date": "2008-03-01", "sex": "female", "immunizations": imms}
    agenda = engine.evaluate(child, dt.date(2024, 6, 1))  # 16 years old, 2024 edition
    assert not [w for w in agenda.warnings if "produit inconnu" in w], agenda.warnings
    rows = [(i.dose, i.status) for i in agenda.items if i.item == "pneumococcus_child"]
    assert rows and all(status == "completed" for _, status in rows), rows
    # at 18 with asthma: the adult at-risk dose (PCV20/PCV21) is due now; PCV7 in infancy is
    # neither that dose nor a PCV13 dose that would make it wait
    adult = {"birth_date": "2008-03-01", "sex": "female", "immunizations": imms,
             "conditions": [{"code": "asthma", "since": "2020-01-01"}]}
    rows_adult = _pneumo_adult(engine, adult)
    assert [s for s, _ in rows_adult] == ["due"], rows_adult


def test_a_polysaccharide_acwy_dose_does_not_replace_the_adolescent_conjugate_dose(
    engine: Engine,
) -> None:
    # Mencevax (polysaccharide A, C, Y, W135) at 12: the 11-14 conjugate ACWY dose stays owed
    profile = {"birth_date": "2013-02-01", "sex": "female",
               "immunizations": [{"date": "2025-03-01", "product": "Mencevax"}]}
    agenda = engine.evaluate(profile, AS_OF)
    rows = [(i.dose, i.status) for i in agenda.items if i.item == "menacwy"]
    assert rows and all(status in ("due", "overdue") for _, status in rows), rows


def test_a_measles_only_dose_does_not_complete_mmr(engine: Engine) -> None:
    # Rouvax (measles only) and Rudivax (rubella only) count for no MMR dose (the calendar's
    # doses are trivalent), but they are known
    profile = {"birth_date": "1995-03-01", "sex": "female",
               "immunizations": [{"date": "1996-03-15", "product": "Rouvax"},
                                 {"date": "2008-06-01", "product": "Rudivax"}]}
    agenda = engine.evaluate(profile, AS_OF)
    assert not [w for w in agenda.warnings if "produit inconnu" in w], agenda.warnings
    rows = [i.status for i in agenda.items if i.item == "mmr"]
    assert rows and "completed" not in rows, rows


def test_each_atc_code_keeps_one_set_of_targets(fr_table: ProductTable) -> None:
    # A dose recorded by an ATC code alone gets the targets every product of that code has:
    # an old product with fewer targets under a current code (Hexavac under J07CA09, without
    # its hepatitis B target) would make every hexavalent dose recorded by code lose one.
    by_atc: dict[str, set[frozenset[str]]] = {}
    for p in fr_table.products:
        if p.atc:
            by_atc.setdefault(p.atc, set()).add(p.targets)
    assert {code: sets for code, sets in by_atc.items() if len(sets) > 1} == {}


@pytest.mark.parametrize("name", ["Pneumovax", "Pneumo 23"])
def test_a_polysaccharide_pneumococcal_dose_is_no_infant_conjugate_dose(
    engine: Engine, name: str
) -> None:
    # PPSV23 is not established before 2 years (Pneumovax notice, BDPM; Pneumo 23 summary):
    # given at 2 months, it is not the first dose of the infant conjugate series
    profile = {"birth_date": "2025-01-10", "sex": "female",
               "immunizations": [{"date": "2025-03-12", "product": name}]}
    agenda = engine.evaluate(profile, dt.date(2025, 4, 1))
    rows = [(i.dose, i.status) for i in agenda.items if i.item == "pneumococcus_child"]
    assert (1, "due") in rows, rows
