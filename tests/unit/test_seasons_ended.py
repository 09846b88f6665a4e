"""A seasonal rule whose last encoded season has ended is said, never a silent gap (GP review:
no influenza row in November 2026 and no word about it)."""

from __future__ import annotations

import datetime as dt

import pytest

from prevention_engine import Engine
from prevention_engine.cli import main

LATE = dt.date(2026, 11, 29)  # after the last encoded influenza and COVID-19 seasons


def _warnings(engine: Engine, profile: dict[str, object], as_of: dt.date) -> list[str]:
    return engine.evaluate(profile, as_of).warnings


def test_an_older_adult_is_told_the_flu_season_is_not_encoded(engine: Engine) -> None:
    w = _warnings(engine, {"birth_date": "1950-03-01", "sex": "female"}, LATE)
    flu = [x for x in w if "« Grippe saisonnière »" in x]
    assert len(flu) == 1
    # no residence reads the mainland season (extended to 28 February 2026, DGS); 30 September
    # 2026 was La Réunion's austral-winter campaign end (GP review gptoday)
    assert "la dernière saison encodée s'est terminée le 2026-02-28" in flu[0]
    assert any("« Covid-19 »" in x for x in w)


def test_nobody_is_warned_about_a_campaign_that_cannot_concern_them(engine: Engine) -> None:
    w = _warnings(engine, {"birth_date": "2000-03-01", "sex": "male"}, LATE)
    assert not any("dernière saison encodée" in x for x in w)


def test_a_newborn_is_told_about_the_rsv_season(engine: Engine) -> None:
    w = _warnings(engine, {"birth_date": "2026-11-01", "sex": "female"}, LATE)
    # mainland 2025-2026 campaign end (DGS); 31 July 2026 was French Guiana's (gptoday)
    assert any("nirsévimab" in x and "2026-02-20" in x for x in w)


def test_no_warning_while_the_season_is_encoded(engine: Engine) -> None:
    w = _warnings(engine, {"birth_date": "1950-03-01", "sex": "female"}, dt.date(2025, 11, 10))
    assert not any("dernière saison encodée" in x for x in w)


def test_a_vaccination_campaign_is_said_once_its_last_season_ended(engine: Engine) -> None:
    """Vaccination campaigns keep the warning from the end of their last season anywhere:
    the next dates can come at any time (a spring COVID-19 campaign for people of 80 or
    more that the December 2025 edition no longer lists), and missing one costs a dose."""
    older = {"birth_date": "1940-03-01", "sex": "female"}
    w = _warnings(engine, older, dt.date(2026, 10, 1))
    assert any("« Grippe saisonnière »" in x for x in w)
    assert any("« Covid-19 »" in x for x in w)


def test_fixed_month_campaigns_are_not_said_outside_their_month(engine: Engine) -> None:
    """Mars bleu (March) and Octobre rose (October) 2026: in November nobody needs to check
    whether one is running (GP review gptoday); from March 2027, Mars bleu's 2027 edition is
    missing and said."""
    woman = {"birth_date": "1970-05-01", "sex": "female"}
    late = _warnings(engine, woman, LATE)
    assert not any("Mars bleu" in x or "Octobre rose" in x for x in late)
    march = _warnings(engine, woman, dt.date(2027, 3, 5))
    assert any("Mars bleu" in x and "2026-03-31" in x for x in march)
    assert not any("Octobre rose" in x for x in march)


def test_calendars_tells_the_operator_which_seasons_to_publish(
        capsys: pytest.CaptureFixture[str]) -> None:
    """The ended-season warning reaches an operator only through the agendas; `calendars
    --as-of` lists the seasonal rules of the editions in force with no season left, so the
    next edition can be prepared (stdout keeps its table)."""
    assert main(["calendars", "--as-of", "2026-11-29"]) == 0
    out, err = capsys.readouterr()
    assert "fr-vaccination" in out and "influenza" not in out
    assert "fr-vaccination 2025.2: influenza (Grippe saisonnière): last season ended " \
           "2026-09-30" in err
    assert "covid19" in err and "octobre_rose" in err
    assert "mois_sans_tabac" not in err  # November 2026 is still running
    assert main(["calendars", "--as-of", "2025-11-10"]) == 0
    assert "influenza" not in capsys.readouterr().err


def test_no_other_territorys_date_when_no_season_concerned_the_person(engine: Engine) -> None:
    """A mainland newborn whose mother had Abrysvo in time is in no nirsevimab season: the
    warning gave French Guiana's end (2026-07-31) as "the last season" (review8)."""
    baby = {"birth_date": "2026-11-01", "sex": "female",
            "perinatal": {"mother_vaccinations": [{"target": "rsv", "date": "2026-09-20"}]}}
    w = [x for x in _warnings(engine, baby, LATE) if "nirsévimab" in x]
    assert len(w) == 1 and "2026-07-31" not in w[0]
    assert "aucune saison encodée ne concernait cette personne" in w[0]


def test_an_opted_out_domain_gets_no_season_warning(engine: Engine) -> None:
    """A campaign never shows for a person who opted out of its domain; its warning did."""
    older = {"birth_date": "1940-03-01", "sex": "female",
             "consent": {"opt_out_domains": ["vaccination"]}}
    assert not any("dernière saison" in x or "aucune saison" in x
                   for x in _warnings(engine, older, LATE))
