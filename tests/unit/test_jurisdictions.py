"""Which calendars apply by country of residence: data (rules/jurisdictions.yaml), not code."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from prevention_engine import Engine
from prevention_engine.errors import CalendarError
from prevention_engine.registry import Registry

AS_OF = dt.date(2025, 11, 10)


def _agenda(engine: Engine, country: str) -> tuple[set[str], list[str]]:
    a = engine.evaluate({"birth_date": "1990-01-01", "sex": "female",
                         "residence": {"country": country}}, AS_OF)
    return {c.id for c in a.calendars}, a.warnings


@pytest.mark.parametrize("country", ["FR", "GF", "YT", "PM"])
def test_french_territories_follow_the_french_calendar_silently(engine: Engine,
                                                                 country: str) -> None:
    cals, warnings = _agenda(engine, country)
    assert "fr-vaccination" in cals
    assert not any("pas de calendrier propre" in w for w in warnings)


@pytest.mark.parametrize("country", ["NC", "PF", "WF"])
def test_territories_with_their_own_health_policy_are_told_the_default(engine: Engine,
                                                                       country: str) -> None:
    cals, warnings = _agenda(engine, country)
    assert "fr-vaccination" in cals
    assert any(f"pays de résidence {country} : pas de calendrier propre" in w for w in warnings)


def test_each_jurisdiction_cites_its_source(engine: Engine) -> None:
    for j in engine.registry.jurisdictions:
        assert j.source is not None and j.source.url.startswith("https://"), j.code


def test_us_residents_get_the_us_calendar(engine: Engine) -> None:
    cals, _ = _agenda(engine, "US")
    assert cals == {"us-cdsi"}


def test_other_countries_get_the_default_with_a_warning(engine: Engine) -> None:
    cals, warnings = _agenda(engine, "DE")
    assert "fr-vaccination" in cals and "us-cdsi" not in cals
    assert "pays de résidence DE : pas de calendrier propre, calendrier français appliqué" \
        in warnings


def test_the_bundled_file_lists_each_country_once(engine: Engine) -> None:
    codes = [j.code for j in engine.registry.jurisdictions]
    assert codes == ["FR", "US"]
    assert engine.registry.jurisdiction_for("GF") == ("FR", False)
    assert engine.registry.jurisdiction_for("BE") == ("FR", True)


SRC = "source: {title: t, url: 'https://example.org/x'}"


def test_a_jurisdiction_without_source_is_refused(tmp_path: Path) -> None:
    f = _write(tmp_path, "jurisdictions:\n  - {code: FR, countries: [FR], default: true}\n")
    with pytest.raises(CalendarError, match="source"):
        Registry.load([f])


def _write(tmp_path: Path, text: str) -> Path:
    f = tmp_path / "jurisdictions.yaml"
    f.write_text(text, encoding="utf-8")
    return f


def test_two_defaults_are_refused_with_the_file(tmp_path: Path) -> None:
    f = _write(tmp_path, "jurisdictions:\n  - {code: FR, countries: [FR], default: true, " + SRC
               + "}\n  - {code: US, countries: [US], default: true, " + SRC + "}\n")
    with pytest.raises(CalendarError, match="exactly one jurisdiction is the default") as exc:
        Registry.load([f])
    assert "jurisdictions.yaml" in str(exc.value)


def test_a_country_in_two_jurisdictions_is_refused(tmp_path: Path) -> None:
    f = _write(tmp_path, "jurisdictions:\n  - {code: FR, countries: [FR, GF], default: true, "
               + SRC + "}\n  - {code: XX, countries: [GF], " + SRC + "}\n")
    with pytest.raises(CalendarError, match="already listed by jurisdiction FR"):
        Registry.load([f])


def test_without_a_jurisdictions_file_a_country_is_its_own(mini_engine: Engine) -> None:
    codes = {c.jurisdiction for c in mini_engine.registry.calendars}
    (code,) = codes
    assert mini_engine.registry.jurisdiction_for(code) == (code, False)
