"""CDSi observation codes in the profile (issue 14): a condition coded in CDSi, ICD-10 or our
vocabulary means the same to every rule, and CDSi rules read the codes themselves."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from prevention_engine import CalendarError, Engine, Profile
from prevention_engine.errors import ProfileError

AS_OF = dt.date(2025, 11, 10)


def _rows(engine: Engine, profile: dict[str, Any], **kw: Any) -> list[tuple[str, str]]:
    agenda = engine.evaluate(profile, as_of=AS_OF, **kw)
    return [
        (i.item, f"{i.status} {i.dose} {i.earliest_date} {i.recommended_date}")
        for i in agenda.items
    ]


def test_cdsi_code_maps_to_our_condition() -> None:
    p = Profile.model_validate(
        {"birth_date": "1990-01-01", "conditions": [{"code": {"system": "cdsi", "value": "160"}}]}
    )
    assert p.condition_names(AS_OF) == frozenset({"asplenia"})
    assert p.coded_conditions("cdsi", AS_OF) == {"160": None}


def test_cdsi_code_without_meaning_is_kept_as_code() -> None:
    p = Profile.model_validate(
        {
            "birth_date": "1990-01-01",
            "conditions": [{"code": {"system": "cdsi", "value": "042"}, "since": "2020-01-01"}],
        }
    )
    assert p.condition_names(AS_OF) == frozenset()
    assert p.coded_conditions("cdsi", AS_OF) == {"042": dt.date(2020, 1, 1)}


@pytest.mark.parametrize("value", ["16", "1600", "abc"])
def test_malformed_cdsi_code_names_the_field(value: str) -> None:
    with pytest.raises((ProfileError, ValueError)) as exc:
        code = {"system": "cdsi", "value": value}
        Profile.model_validate({"birth_date": "1990-01-01", "conditions": [{"code": code}]})
    assert "conditions" in str(exc.value)


def test_french_calendar_reads_a_cdsi_coded_condition(engine: Engine) -> None:
    base = {"birth_date": "1990-01-01", "sex": "female"}
    coded = _rows(engine, {**base, "conditions": [{"code": {"system": "cdsi", "value": "160"}}]})
    ours = _rows(engine, {**base, "conditions": [{"code": "asplenia"}]})
    none = _rows(engine, base)
    assert coded == ours
    assert coded != none


def test_cdsi_rule_reads_the_code_or_its_meaning(engine: Engine) -> None:
    """A CDSi risk series indicated by code 160 applies to the coded observation and to the
    condition it means, and to neither when absent."""
    base = {"birth_date": "2019-01-01", "residence": {"country": "US"}}
    coded = _rows(
        engine, {**base, "conditions": [{"code": {"system": "cdsi", "value": "160"}}]},
        jurisdiction="US",
    )
    ours = _rows(engine, {**base, "conditions": [{"code": "asplenia"}]}, jurisdiction="US")
    none = _rows(engine, base, jurisdiction="US")
    assert coded == ours
    assert coded != none


def test_clinical_history_code_is_evidence_of_immunity(engine: Engine) -> None:
    """CDSi 024, a provider-verified varicella history, makes the person immune."""
    base = {"birth_date": "2015-01-01", "residence": {"country": "US"}}
    rows = _rows(
        engine, {**base, "conditions": [{"code": {"system": "cdsi", "value": "024"}}]},
        jurisdiction="US",
    )
    assert dict(rows)["varicella"].startswith("immune")
    assert not dict(_rows(engine, base, jurisdiction="US"))["varicella"].startswith("immune")


def _series_rows(engine: Engine, profile: dict[str, Any], group: str) -> list[tuple[str, str]]:
    agenda = engine.evaluate(profile, as_of=dt.date(2025, 12, 20), jurisdiction="US")
    return [(i.series or "", i.status) for i in agenda.items if i.vaccine_group == group]


def test_product_contraindication_sets_a_series_aside(engine: Engine) -> None:
    """CDSi 7.3 (vaccine level): latex allergy (104) rules out Rotarix (CVX 119), the only
    product of the rotavirus 2-dose series: after a first Rotarix dose the infant continues
    with the 3-dose series."""
    base = {
        "birth_date": "2025-10-01",
        "residence": {"country": "US"},
        "immunizations": [{"date": "2025-12-01", "code": {"system": "cvx", "value": "119"}}],
    }
    plain = _series_rows(engine, base, "Rotavirus")
    latex = _series_rows(
        engine, {**base, "conditions": [{"code": {"system": "cdsi", "value": "104"}}]},
        "Rotavirus",
    )
    assert {s for s, _ in plain} == {"Rotavirus 2-dose series"}
    assert {s for s, _ in latex} == {"Rotavirus 3-dose series"}
    assert ("Rotavirus 3-dose series", "upcoming") in latex


def test_product_contraindication_names_known_products(tmp_path: Path) -> None:
    from prevention_engine.engine import bundled_rules_dir

    def calendar(product: str) -> Path:
        f = tmp_path / "cal.yaml"
        f.write_text(
            f"""calendar: t
version: "1"
in_force: {{from: 2020-01-01}}
source: {{title: t, url: "https://example.org"}}
items:
  - id: pcv
    domain: vaccination
    title: P
    targets: [pneumococcus]
    source: {{title: t, url: "https://example.org"}}
    product_contraindications:
      - {{products: [{product}], when: {{cdsi: ["117"]}}}}
    series:
      - name: s
        doses:
          - ages: {{min: "2 months"}}
""",
            encoding="utf-8",
        )
        return f

    products = bundled_rules_dir() / "products"
    with pytest.raises(CalendarError, match=r"Prevenar 31|prevenar31"):
        Engine.from_paths([calendar("Prevenar 31"), products])
    engine = Engine.from_paths([calendar("Prevenar 13"), products])
    assert engine.registry.calendars[0].items[0].id == "pcv"
